package vn.sachxanh.core

import java.io.BufferedReader
import java.io.InputStreamReader
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * The real sync server, started from the host build for one test class, on a free loopback port
 * with its own data folder. People and enrolment codes are made with its command line.
 */
class TestServer : AutoCloseable {
    val data: Path = Files.createTempDirectory("sachxanh-server")
    private val bin: String = System.getProperty("sachxanh.server")
        ?: error("system property sachxanh.server (path of the sachxanh-server binary) is not set")
    private val process: Process
    val url: String

    init {
        process = ProcessBuilder(bin, "--data", data.toString(), "--listen", "127.0.0.1:0", "--attempts-per-minute", "10000")
            .redirectErrorStream(true)
            .start()
        val reader = BufferedReader(InputStreamReader(process.inputStream, Charsets.UTF_8))
        var found: String? = null
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
        while (found == null && System.nanoTime() < deadline) {
            val line = reader.readLine() ?: break
            found = Regex("listening on (http://\\S+)").find(line)?.groupValues?.get(1)
        }
        url = found ?: error("the server did not start")
        // Keep draining its output so it never blocks on a full pipe.
        Thread { reader.lineSequence().forEach { } }.apply { isDaemon = true }.start()
    }

    private fun cli(vararg args: String): String {
        val p = ProcessBuilder(listOf(bin, "--data", data.toString()) + args).start()
        val out = p.inputStream.bufferedReader(Charsets.UTF_8).readText()
        check(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) { "sachxanh-server ${args.toList()} failed" }
        return out
    }

    private fun field(json: String, name: String): String =
        Regex("\"$name\"\\s*:\\s*\"([^\"]+)\"").find(json)?.groupValues?.get(1) ?: error("no $name in $json")

    /** A one-time code for a new commune staff member. */
    fun staffCode(): String = field(cli("add-staff", "--name", "Cán bộ môi trường thử", "--commune", "rach-sen"), "enrolment_code")

    /** A one-time code for a new volunteer of one area. */
    fun volunteerCode(area: String): String =
        field(cli("issue-code", "--name", "Tình nguyện viên thử", "--role", "volunteer", "--commune", "rach-sen", "--areas", area), "code")

    override fun close() {
        process.destroy()
        process.waitFor(10, TimeUnit.SECONDS)
    }
}
