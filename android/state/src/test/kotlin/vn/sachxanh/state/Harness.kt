package vn.sachxanh.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.TestInstance
import vn.sachxanh.core.Coord
import vn.sachxanh.core.DeviceSettings
import vn.sachxanh.core.Household
import vn.sachxanh.core.PersonInfo
import vn.sachxanh.core.Sachxanh
import java.awt.Color
import java.awt.image.BufferedImage
import java.io.File
import java.nio.file.Files
import java.time.Clock
import java.time.ZoneId
import javax.imageio.ImageIO
import kotlin.random.Random
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** Hamlets of the invented demo commune Xã Rạch Sen (core/data/demo-commune.geojson). */
object Areas {
    const val MY_HOA = "rs-ap-my-hoa"
    const val BEN_DINH = "rs-ap-ben-dinh"
    const val VAM_XANG = "rs-ap-vam-xang"
    const val RACH_SUNG = "rs-ap-rach-sung"
    const val CAU_TRE = "rs-ap-cau-tre"

    /** A spot inside Ấp Mỹ Hòa, and one outside the commune. */
    val inMyHoa = Coord(105.631, 9.998)
    val outsideCommune = Coord(105.90, 10.20)
}

/** The token store the shell would back with the Keystore; in memory for tests. */
class MemoryTokenStore : TokenStore {
    @Volatile
    var token: String? = null
    override fun read(): String? = token
    override fun write(token: String) {
        this.token = token
    }

    override fun clear() {
        token = null
    }
}

/** A screen's flow tests: one real server for the class, fresh phones for each test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FlowTest {
    protected val server = TestServer()
    protected lateinit var h: Harness

    @BeforeEach
    fun openHarness() {
        h = Harness(server)
    }

    @AfterEach
    fun closePhones() = h.close()

    @AfterAll
    fun stopServer() = server.close()
}

/**
 * Phones (each its own store file) and the scope their state holders live in, as the app's
 * ViewModels would. Closed after each test.
 */
class Harness(private val server: TestServer) : AutoCloseable {
    private val dir = Files.createTempDirectory("sachxanh-phones")
    private val opened = mutableListOf<Sachxanh>()
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    val io = Dispatchers.IO
    val clock: Clock = Clock.system(ZoneId.of("Asia/Ho_Chi_Minh"))

    fun phone(name: String, url: String = server.url): Sachxanh =
        Sachxanh.open(dir.resolve("$name.db").toString(), DeviceSettings(url, null)).also { opened += it }

    /** A phone already enrolled with [code] (the enrolment screen has its own tests). */
    fun enrolled(name: String, code: String): Pair<Sachxanh, PersonInfo> {
        val p = phone(name)
        return p to p.enrol(code).person
    }

    fun sync(phone: Sachxanh) = SyncController(phone, clock, scope, io)

    fun close(phone: Sachxanh) {
        opened -= phone
        phone.close()
    }

    override fun close() {
        scope.cancel()
        opened.forEach { it.close() }
    }
}

/** Waits until the screen shows what [predicate] looks for; fails with what it showed instead. */
fun <S> StateFlow<S>.await(timeout: Duration = 30.seconds, what: String = "the expected state", predicate: (S) -> Boolean): S =
    runBlocking {
        withTimeoutOrNull(timeout) { first(predicate) } ?: fail("timed out waiting for $what; the screen shows $value")
    }

/** Waits for a state of type [T] matching [predicate]. */
inline fun <reified T> StateFlow<*>.awaitIs(timeout: Duration = 30.seconds, crossinline predicate: (T) -> Boolean = { true }): T =
    await(timeout, T::class.simpleName ?: "state") { it is T && predicate(it) } as T

fun household(name: String, area: String = Areas.MY_HOA, members: UInt = 4u) = Household(
    areaId = area,
    address = "Số 5, đường ven kênh Rạch Sen",
    headName = name,
    members = members,
    location = null,
    note = "",
)

/**
 * A camera-like JPEG written to [dir]: a gradient with noise, so it does not compress to nothing.
 * Different seeds give different bytes (different photo names).
 */
fun cameraJpeg(dir: File, name: String, seed: Int, width: Int = 2000, height: Int = 1500): File {
    val img = BufferedImage(width, height, BufferedImage.TYPE_INT_RGB)
    val rnd = Random(seed)
    for (y in 0 until img.height) {
        for (x in 0 until img.width) {
            val r = (x * 255 / img.width + rnd.nextInt(40)).coerceAtMost(255)
            val g = (y * 255 / img.height + rnd.nextInt(40)).coerceAtMost(255)
            val b = ((x + y + seed * 97) % 256 + rnd.nextInt(20)).coerceAtMost(255)
            img.setRGB(x, y, Color(r, g, b).rgb)
        }
    }
    return File(dir, name).also { check(ImageIO.write(img, "jpg", it)) }
}
