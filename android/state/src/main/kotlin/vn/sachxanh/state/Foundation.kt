package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.withContext
import vn.sachxanh.core.ApiException
import vn.sachxanh.core.FieldProblem
import kotlin.coroutines.cancellation.CancellationException

/** Text shown to a person: Vietnamese first (the app's default language), English second. */
data class UserText(val vi: String, val en: String) {
    fun pick(english: Boolean): String = if (english) en else vi
}

/**
 * Where the shell keeps the device token: the Android Keystore or the iOS Keychain, never a
 * plain file. The core only holds it in memory ([vn.sachxanh.core.SachxanhInterface.setToken]).
 */
interface TokenStore {
    fun read(): String?
    fun write(token: String)
    fun clear()
}

/** What went wrong in a core call, reduced to what a screen decides on. Never a crash. */
sealed interface CoreError {
    val message: UserText

    /** The form has mistakes; [problems] go under their fields. */
    data class Invalid(override val message: UserText, val problems: List<FieldProblem>) : CoreError

    /** No connection or no answer: nothing is lost, try again later. */
    data class Offline(override val message: UserText) : CoreError

    /** The phone must be enrolled again (revoked or missing token). */
    data class NotEnrolled(override val message: UserText) : CoreError

    data class Cancelled(override val message: UserText) : CoreError

    data class NotFound(override val message: UserText) : CoreError

    /** The server said no; [code] is stable (e.g. `bad_code`, `forbidden`). */
    data class Refused(val code: String, override val message: UserText) : CoreError

    /** The phone's storage failed; what was saved before is safe. */
    data class Storage(override val message: UserText) : CoreError

    /** Anything the bindings threw that is not an [ApiException]. */
    data class Unexpected(override val message: UserText) : CoreError
}

fun Throwable.toCoreError(): CoreError = when (this) {
    is ApiException.Invalid -> CoreError.Invalid(UserText(messageVi, messageEn), problems)
    is ApiException.Offline -> CoreError.Offline(UserText(messageVi, messageEn))
    is ApiException.NotEnrolled -> CoreError.NotEnrolled(UserText(messageVi, messageEn))
    is ApiException.Cancelled -> CoreError.Cancelled(UserText(messageVi, messageEn))
    is ApiException.NotFound -> CoreError.NotFound(UserText(messageVi, messageEn))
    is ApiException.Server -> CoreError.Refused(code, UserText(messageVi, messageEn))
    is ApiException.Storage -> CoreError.Storage(UserText(messageVi, messageEn))
    else -> CoreError.Unexpected(Texts.unexpected)
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
 * Core field problems placed under form fields. A path the form does not know stays visible
 * in [general], so a rule added to the core later is still shown, just not under a field.
 */
data class FieldErrors<F : Enum<F>>(
    val byField: Map<F, UserText> = emptyMap(),
    val general: List<UserText> = emptyList(),
) {
    operator fun get(field: F): UserText? = byField[field]
    val isEmpty: Boolean get() = byField.isEmpty() && general.isEmpty()

    /** Adds a problem found while reading the form's text (a count that is not a number). */
    fun with(field: F, text: UserText): FieldErrors<F> = copy(byField = byField + (field to text))

    /** Clears one field's problem (it was just fixed, e.g. a good photo after a bad one). */
    fun without(field: F): FieldErrors<F> = copy(byField = byField - field)

    /** One field's problem set or cleared; unchanged (the same object) when it already reads so. */
    fun set(field: F, text: UserText?): FieldErrors<F> = when {
        text == this[field] -> this
        text == null -> without(field)
        else -> with(field, text)
    }

    companion object {
        /** [fieldOf] maps the core's path (`members`, `participants.youth_union`) to a form field. */
        fun <F : Enum<F>> of(problems: List<FieldProblem>, fieldOf: (String) -> F?): FieldErrors<F> {
            val byField = linkedMapOf<F, UserText>()
            val general = mutableListOf<UserText>()
            for (p in problems) {
                val text = UserText(p.messageVi, p.messageEn)
                when (val f = fieldOf(p.field)) {
                    null -> general += text
                    // Several rules broken under one field: show them all, in order.
                    else -> byField[f] = byField[f]?.let { UserText("${it.vi}; ${text.vi}", "${it.en}; ${text.en}") } ?: text
                }
            }
            return FieldErrors(byField, general)
        }
    }
}

/** Reading numbers typed on a phone keyboard, before the core judges their values. */
internal object Numbers {
    /** A count; blank is zero where the form allows it. `null` when it is not a whole number. */
    fun count(text: String, blankIsZero: Boolean = true): UInt? {
        val t = text.trim()
        if (t.isEmpty()) return if (blankIsZero) 0u else null
        return t.toUIntOrNull()
    }

    /** Kilograms: Vietnamese keyboards type a decimal comma ("12,5"). */
    fun kg(text: String): Double? = text.trim().replace(',', '.').toDoubleOrNull()?.takeIf { it.isFinite() }

    /** Shows a number as the form's text again, with the decimal comma. */
    fun kgText(value: Double?): String = when {
        value == null -> ""
        value == Math.floor(value) && value < 1e15 -> value.toLong().toString()
        else -> value.toString().replace('.', ',')
    }
}

/** The few texts the state layer writes itself; everything else comes from the core. */
object Texts {
    val unexpected = UserText(
        "Đã xảy ra lỗi không mong muốn; dữ liệu đã lưu không bị ảnh hưởng",
        "Something unexpected went wrong; saved data is not affected",
    )
    val notANumber = UserText("Hãy nhập một số", "Enter a number")
    val notAWholeNumber = UserText("Hãy nhập một số nguyên", "Enter a whole number")
    val emptyCode = UserText("Hãy nhập hoặc quét mã đăng ký", "Type or scan the enrolment code")
    val notAnEnrolmentQr = UserText(
        "Mã QR này không phải mã đăng ký Sạch Xanh",
        "This QR code is not a Sạch Xanh enrolment code",
    )
    val photoAlreadyAdded = UserText(
        "Ảnh này đã có trong hồ sơ",
        "This photo is already in the record",
    )
    val noNetwork = UserText(
        "Không có mạng; dữ liệu vẫn được giữ trên máy và sẽ gửi khi có mạng",
        "No network; your data stays on the phone and will be sent when there is a connection",
    )
}
