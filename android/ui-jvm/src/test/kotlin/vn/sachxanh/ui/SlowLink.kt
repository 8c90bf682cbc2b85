package vn.sachxanh.ui

import java.io.InputStream
import java.io.OutputStream
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.net.URI
import kotlin.concurrent.thread

/**
 * A slow mobile link between a phone and the server, on loopback: what the phone sends goes
 * through at about [bytesPerSecond] (a 3G uplink), so a sync lasts long enough for its progress
 * to be seen on the screen. Answers come back at full speed.
 */
class SlowLink(target: String, private val bytesPerSecond: Int = 200_000) : AutoCloseable {
    private val to = URI.create(target)
    private val listener = ServerSocket(0, 50, InetAddress.getLoopbackAddress())
    val url: String = "http://127.0.0.1:${listener.localPort}"

    @Volatile
    private var running = true

    init {
        thread(isDaemon = true, name = "slow-link") {
            while (running) {
                val phone = runCatching { listener.accept() }.getOrNull() ?: break
                val server = runCatching { Socket(to.host, to.port) }.getOrNull()
                if (server == null) {
                    phone.close()
                    continue
                }
                pump(phone.getInputStream(), server.getOutputStream(), slow = true) { phone.close(); server.close() }
                pump(server.getInputStream(), phone.getOutputStream(), slow = false) { phone.close(); server.close() }
            }
        }
    }

    private fun pump(from: InputStream, to: OutputStream, slow: Boolean, done: () -> Unit) = thread(isDaemon = true) {
        val chunk = 8 * 1024
        val buf = ByteArray(chunk)
        try {
            while (true) {
                val n = from.read(buf)
                if (n < 0) break
                to.write(buf, 0, n)
                to.flush()
                if (slow) Thread.sleep(1000L * n / bytesPerSecond)
            }
        } catch (_: Exception) {
        } finally {
            runCatching(done)
        }
    }

    override fun close() {
        running = false
        listener.close()
    }
}
