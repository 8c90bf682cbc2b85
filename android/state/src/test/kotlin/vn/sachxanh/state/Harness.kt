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
import vn.sachxanh.core.FieldInput
import vn.sachxanh.core.FieldValue
import vn.sachxanh.core.PersonInfo
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.Sachxanh
import vn.sachxanh.core.SachxanhInterface
import vn.sachxanh.core.SaveOutcome
import java.awt.Color
import java.awt.image.BufferedImage
import java.io.File
import java.nio.file.Files
import java.time.Clock
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
    // The phone's own clock and zone: the core dates new forms with them, so the holders must too.
    val clock: Clock = Clock.systemDefaultZone()

    // Each phone's store is encrypted, as in the app: its key made once, kept, passed at every open.
    private val keys = mutableMapOf<String, ByteArray>()

    fun phone(name: String, url: String = server.url): Sachxanh {
        val key = keys.getOrPut(name) { vn.sachxanh.core.newStoreKey() }
        return Sachxanh.open(dir.resolve("$name.db").toString(), DeviceSettings(url, null, storeKey = key)).also { opened += it }
    }

    /** A phone already enrolled with [code] (the enrolment screen has its own tests). */
    fun enrolled(name: String, code: String): Pair<Sachxanh, PersonInfo> {
        val p = phone(name)
        return p to p.enrol(code).person
    }

    fun sync(phone: Sachxanh) = SyncController(phone, clock, scope, io)

    /** A form of [kind] on [phone], as a screen would hold it. */
    fun form(
        phone: SachxanhInterface,
        kind: RecordKind,
        recordId: String? = null,
        areaId: String? = null,
        householdId: String? = null,
    ) = RecordFormViewModel(phone, clock, scope, io, kind, recordId, areaId, householdId)

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

/**
 * A household saved straight through the core (a test's setting, not the flow under test):
 * only the fields named; the core fills the rest as a new form does.
 */
fun SachxanhInterface.addHousehold(name: String, area: String = Areas.MY_HOA, members: String = "4"): String {
    val values = listOf(
        FieldInput("area_id", FieldValue.Text(area)),
        FieldInput("head_name", FieldValue.Text(name)),
        FieldInput("address", FieldValue.Text("Số 5, đường ven kênh Rạch Sen")),
        FieldInput("members", FieldValue.Text(members)),
    )
    return when (val out = saveForm(RecordKind.HOUSEHOLD, null, area, values)) {
        is SaveOutcome.Saved -> out.record.id
        is SaveOutcome.Problems -> fail("the household was not saved: $out")
    }
}

/** Waits for the form to be open (or in the state [predicate] looks for). */
fun RecordFormViewModel.editing(
    timeout: Duration = 30.seconds,
    predicate: (RecordFormUiState.Editing) -> Boolean = { true },
): RecordFormUiState.Editing = state.awaitIs<RecordFormUiState.Editing>(timeout, predicate)

/** Waits until the form is saved. */
fun RecordFormViewModel.saved(): RecordFormUiState.Saved = state.awaitIs<RecordFormUiState.Saved>()

/** The problems shown under a field, in Vietnamese. */
fun RecordFormUiState.Editing.problemsVi(path: String): List<String> = this[path]?.problems.orEmpty().map { it.vi }

/** The attached photos of a form, in order. */
fun RecordFormUiState.Editing.attachedPhotos(): List<FormPhoto.Attached> = fields.flatMap { it.photos }.filterIsInstance<FormPhoto.Attached>()

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
