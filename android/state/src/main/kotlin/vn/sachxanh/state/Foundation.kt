package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.withContext
import vn.sachxanh.core.ApiException
import vn.sachxanh.core.ErrorCode
import vn.sachxanh.core.FieldProblem
import vn.sachxanh.core.Message
import vn.sachxanh.core.RecordKind
import kotlin.coroutines.cancellation.CancellationException

/** The text in the person's language: Vietnamese is the app's default, English the other. */
fun Message.pick(english: Boolean): String = if (english) en else vi

/**
 * Where the shell keeps the device token: the Android Keystore or the iOS Keychain, never a
 * plain file. The core only holds it in memory ([vn.sachxanh.core.SachxanhInterface.setToken]).
 */
interface TokenStore {
    fun read(): String?
    fun write(token: String)
    fun clear()
}

/**
 * Which form to open: the payload of a navigation event (home's "new record" menu, a line of the
 * outbox, a household's "check it") and what a [RecordFormViewModel] is built from.
 */
data class FormTarget(
    val kind: RecordKind,
    /** `null` for a new record. */
    val recordId: String? = null,
    /** The area a new record starts in; `null`: the person's first area. */
    val areaId: String? = null,
    /** A new record about this household (a sorting check started from the household). */
    val householdId: String? = null,
)

/** What went wrong in a core call, reduced to what a screen decides on. Never a crash. */
sealed interface CoreError {
    /** The core's words, in both languages. */
    val message: Message

    /** What was given has mistakes; each [problems] names its field. */
    data class Invalid(override val message: Message, val problems: List<FieldProblem>) : CoreError

    /** No connection or no answer: nothing is lost, try again later. */
    data class Offline(override val message: Message) : CoreError

    /** The phone must be enrolled again (revoked or missing token). */
    data class NotEnrolled(override val message: Message) : CoreError

    data class Cancelled(override val message: Message) : CoreError

    data class NotFound(override val message: Message) : CoreError

    /** The server said no, for the reason [code] names (`BAD_CODE`, `FORBIDDEN` …). */
    data class Refused(val code: ErrorCode, override val message: Message) : CoreError

    /** The phone's storage failed; what was saved before is safe. */
    data class Storage(override val message: Message) : CoreError

    /** Anything the bindings threw that is not an [ApiException]. */
    data class Unexpected(override val message: Message) : CoreError
}

// The one place that reads the bindings' error words. `reason` is ApiError's `message` field
// renamed for Kotlin: as `message` it clashes with Throwable.message (uniffi #1434) and the
// generated Kotlin does not compile.
fun Throwable.toCoreError(): CoreError = when (this) {
    is ApiException.Invalid -> CoreError.Invalid(reason, problems)
    is ApiException.Offline -> CoreError.Offline(reason)
    is ApiException.NotEnrolled -> CoreError.NotEnrolled(reason)
    is ApiException.Cancelled -> CoreError.Cancelled(reason)
    is ApiException.NotFound -> CoreError.NotFound(reason)
    is ApiException.Server -> CoreError.Refused(code, reason)
    is ApiException.Storage -> CoreError.Storage(reason)
    else -> CoreError.Unexpected(Texts.unexpected)
}

/** The words to show for a failure: an invalid input's own problems when the core names them. */
internal fun CoreError.words(): Message = when (this) {
    is CoreError.Invalid -> problems.takeIf { it.isNotEmpty() }?.let { ps ->
        Message(ps.joinToString("; ") { it.message.vi }, ps.joinToString("; ") { it.message.en })
    } ?: message
    else -> message
}

/** The result of one core call. */
sealed interface Outcome<out T> {
    data class Ok<T>(val value: T) : Outcome<T>
    data class Failed(val error: CoreError) : Outcome<Nothing>
}

/**
 * Runs a blocking core call on [io] and turns its exceptions into a [CoreError]: the FFI is
 * synchronous, so it must never run on the UI thread, and its errors are values for the screen.
 */
suspend fun <T> CoroutineDispatcher.core(block: () -> T): Outcome<T> = withContext(this) {
    try {
        Outcome.Ok(block())
    } catch (e: CancellationException) {
        throw e
    } catch (e: Exception) {
        Outcome.Failed(e.toCoreError())
    }
}

/**
 * The few texts the state layer words itself: about the phone and the app, never about the
 * campaign's data (those come from the core).
 */
object Texts {
    val unexpected = Message(
        "Đã xảy ra lỗi không mong muốn; dữ liệu đã lưu không bị ảnh hưởng",
        "Something unexpected went wrong; saved data is not affected",
    )
    val notAnEnrolmentQr = Message(
        "Mã QR này không phải mã đăng ký Sạch Xanh",
        "This QR code is not a Sạch Xanh enrolment code",
    )
    val photoAlreadyAdded = Message(
        "Ảnh này đã có trong hồ sơ",
        "This photo is already in the record",
    )
    val noNetwork = Message(
        "Không có mạng; dữ liệu vẫn được giữ trên máy và sẽ gửi khi có mạng",
        "No network; your data stays on the phone and will be sent when there is a connection",
    )
}
