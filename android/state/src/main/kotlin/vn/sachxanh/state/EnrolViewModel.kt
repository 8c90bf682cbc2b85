package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.sachxanh.core.PersonInfo
import vn.sachxanh.core.SachxanhInterface
import java.net.URI
import java.net.URLDecoder

sealed interface EnrolUiState {
    /** App start: looking for a token kept from an earlier enrolment. */
    data object Checking : EnrolUiState

    /** Typing (or after a scan) the one-time code; [error] is the last refusal, if any. */
    data class Entering(val code: String = "", val error: UserText? = null) : EnrolUiState {
        val canSubmit: Boolean get() = code.isNotBlank()
    }

    data class Enrolling(val code: String) : EnrolUiState

    /** The server could not be reached; the code is kept for another try. */
    data class Offline(val code: String, val message: UserText) : EnrolUiState

    data class Enrolled(val person: PersonInfo) : EnrolUiState
}

/** The enrolment screen: type or scan the one-time code staff handed out, once per phone. */
class EnrolViewModel(
    private val core: SachxanhInterface,
    private val tokens: TokenStore,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    /**
     * The token was refused (revoked, or the phone changed hands): forget it and ask for a new
     * code instead of going home with a token the server no longer accepts.
     */
    private val startOver: Boolean = false,
) {
    private val _state = MutableStateFlow<EnrolUiState>(EnrolUiState.Checking)
    val state: StateFlow<EnrolUiState> = _state.asStateFlow()

    init {
        scope.launch { restore() }
    }

    private suspend fun restore() {
        // The store remembers the person; the token lives in the Keystore. Both are needed.
        val restored = io.core {
            if (startOver) tokens.clear()
            val token = tokens.read()
            val person = core.me()
            if (token != null && person != null) {
                core.setToken(token)
                person
            } else {
                null
            }
        }
        _state.value = when (restored) {
            is Outcome.Ok -> restored.value?.let { EnrolUiState.Enrolled(it) } ?: EnrolUiState.Entering()
            is Outcome.Failed -> EnrolUiState.Entering(error = restored.error.message)
        }
    }

    fun onCodeChanged(text: String) {
        _state.update { s ->
            when (s) {
                is EnrolUiState.Entering -> EnrolUiState.Entering(text)
                is EnrolUiState.Offline -> EnrolUiState.Entering(text)
                else -> s
            }
        }
    }

    /** A scanned QR code: fills the code, or says the QR code is something else. */
    fun onScanned(payload: String) {
        val code = EnrolCode.fromQr(payload)
        _state.update { s ->
            if (s is EnrolUiState.Enrolling || s is EnrolUiState.Enrolled) {
                s
            } else if (code == null) {
                EnrolUiState.Entering((s as? EnrolUiState.Entering)?.code.orEmpty(), Texts.notAnEnrolmentQr)
            } else {
                EnrolUiState.Entering(code)
            }
        }
        if (code != null) submit()
    }

    fun submit() {
        val code = when (val s = _state.value) {
            is EnrolUiState.Entering -> s.code
            is EnrolUiState.Offline -> s.code
            else -> return
        }
        if (code.isBlank()) {
            _state.value = EnrolUiState.Entering(code, Texts.emptyCode)
            return
        }
        _state.value = EnrolUiState.Enrolling(code)
        scope.launch {
            val result = io.core {
                val enrolled = core.enrol(code.trim())
                tokens.write(enrolled.token)
                enrolled.person
            }
            _state.value = when (result) {
                is Outcome.Ok -> EnrolUiState.Enrolled(result.value)
                is Outcome.Failed -> when (val e = result.error) {
                    is CoreError.Offline -> EnrolUiState.Offline(code, e.message)
                    else -> EnrolUiState.Entering(code, e.message)
                }
            }
        }
    }
}

/** Enrolment codes as staff hand them out: `K7QM-3XPA-TW`, on paper or as a QR code. */
object EnrolCode {
    /** The server's alphabet: no 0/O, 1/I/L, so a code read aloud is typed right. */
    private const val ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    private const val LENGTH = 10

    /**
     * The code in a QR payload: the bare code, or a link carrying it as `code=` (for example
     * `sachxanh://enrol?code=K7QM-3XPA-TW`). `null` for anything else, so a shop's QR code
     * scanned by mistake is not sent to the server.
     */
    fun fromQr(payload: String): String? {
        val text = payload.trim()
        val candidate = if (text.contains("://") || text.startsWith("sachxanh:")) {
            codeParameter(text) ?: return null
        } else {
            text
        }
        return normalize(candidate)
    }

    /** `XXXX-XXXX-XX` when [text] holds exactly a code's letters (case, spaces, dashes ignored). */
    fun normalize(text: String): String? {
        val c = text.filter { it.isLetterOrDigit() }.uppercase()
        if (c.length != LENGTH || c.any { it !in ALPHABET }) return null
        return "${c.substring(0, 4)}-${c.substring(4, 8)}-${c.substring(8)}"
    }

    private fun codeParameter(link: String): String? {
        val query = runCatching { URI(link).rawQuery }.getOrNull()
            ?: link.substringAfter('?', "").ifEmpty { return null }
        return query.split('&')
            .map { it.split('=', limit = 2) }
            .firstOrNull { it.size == 2 && it[0] == "code" }
            ?.let { URLDecoder.decode(it[1], "UTF-8") }
    }
}

