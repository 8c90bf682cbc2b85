package vn.sachxanh.state

import java.io.BufferedReader
import java.io.InputStreamReader
import java.net.ServerSocket
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * The real sync server, started from the host build for one test class, on a free loopback port
 * with its own data folder; people and enrolment codes are made with its command line (as in
 * bindings/jvm-tests). Every person and name here is invented.
 */
class TestServer(
    /** Its data folder: a new one, or a stopped server's to start it again with what it held. */
    val data: Path = Files.createTempDirectory("sachxanh-server"),
    /** Where it listens: any free loopback port, or a stopped server's address to come back at. */
    listen: String = "127.0.0.1:0",
) : AutoCloseable {
    private val bin: String = System.getProperty("sachxanh.server")
        ?: error("system property sachxanh.server (path of the sachxanh-server binary) is not set")
    private val process: Process
    val url: String

    init {
        process = ProcessBuilder(bin, "--data", data.toString(), "--listen", listen, "--attempts-per-minute", "10000")
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

    fun field(json: String, name: String): String =
        Regex("\"$name\"\\s*:\\s*\"([^\"]+)\"").find(json)?.groupValues?.get(1) ?: error("no $name in $json")

    /** A one-time code for a new commune staff member of Xã Rạch Sen. */
    fun staffCode(): String = field(cli("add-staff", "--name", "Cán bộ Thử Nghiệm", "--commune", "rach-sen"), "enrolment_code")

    /** A dashboard key for a new commune staff member of Xã Rạch Sen (what add-staff prints). */
    fun staffKey(): String = field(cli("add-staff", "--name", "Cán bộ Thử Nghiệm", "--commune", "rach-sen"), "token")

    /** `POST {path}` with a staff key and a JSON body, as the dashboard's API is called. */
    fun staffPost(path: String, token: String, json: String = "{}"): HttpResponse<String> =
        HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("$url$path"))
                .header("Authorization", "Bearer $token")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString(),
        )

    fun volunteerCode(area: String, name: String = "Tình nguyện viên Thử"): String =
        field(cli("issue-code", "--name", name, "--role", "volunteer", "--commune", "rach-sen", "--areas", area), "code")

    fun areaHeadCode(area: String): String =
        field(cli("issue-code", "--name", "Trưởng ấp Thử", "--role", "area_head", "--commune", "rach-sen", "--areas", area), "code")

    /**
     * `GET {path}` with a staff token, as the commune's dashboard would (`/api/v1/records/{id}`,
     * `/api/v1/photos/{sha}`): what the server holds, not what a phone shows.
     */
    fun staffGet(path: String, token: String): HttpResponse<ByteArray> =
        HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("$url$path")).header("Authorization", "Bearer $token").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray(),
        )

    override fun close() {
        process.destroy()
        process.waitFor(10, TimeUnit.SECONDS)
    }

    companion object {
        /** A loopback URL where nothing listens: the phone is out of reach of the server. */
        fun unreachableUrl(): String {
            val port = ServerSocket(0).use { it.localPort }
            return "http://127.0.0.1:$port"
        }
    }
}
