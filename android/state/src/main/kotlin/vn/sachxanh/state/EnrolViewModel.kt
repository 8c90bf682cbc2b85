package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.sachxanh.core.Message
import vn.sachxanh.core.PersonInfo
import vn.sachxanh.core.SachxanhInterface
import vn.sachxanh.core.enrolmentCodeFromQr
import vn.sachxanh.core.parseEnrolmentCode

sealed interface EnrolUiState {
    /** App start: looking for a token kept from an earlier enrolment. */
    data object Checking : EnrolUiState

    /** Typing (or after a scan) the one-time code; [error] is the last problem, if any. */
    data class Entering(val code: String = "", val error: Message? = null) : EnrolUiState {
        val canSubmit: Boolean get() = code.isNotBlank()
    }

    data class Enrolling(val code: String) : EnrolUiState

    /** The server could not be reached; the code is kept for another try. */
    data class Offline(val code: String, val message: Message) : EnrolUiState

    data class Enrolled(val person: PersonInfo) : EnrolUiState
}

/**
 * The enrolment screen: type or scan the one-time code staff handed out, once per phone. The core
 * reads the code (case, spaces and dashes do not matter) and says what is wrong with it before
 * anything is sent.
 */
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

    /** A scanned QR code: fills the code and enrols, or says the QR code is something else. */
    fun onScanned(payload: String) {
        val code = enrolmentCodeFromQr(payload)
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

    /** Sends the code; a code the core cannot read is said at once, with no network. */
    fun submit() {
        val typed = when (val s = _state.value) {
            is EnrolUiState.Entering -> s.code
            is EnrolUiState.Offline -> s.code
            else -> return
        }
        val code = try {
            parseEnrolmentCode(typed)
        } catch (e: Exception) {
            _state.value = EnrolUiState.Entering(typed, e.toCoreError().words())
            return
        }
        _state.value = EnrolUiState.Enrolling(typed)
        scope.launch {
            val result = io.core {
                val enrolled = core.enrol(code)
                tokens.write(enrolled.token)
                enrolled.person
            }
            _state.value = when (result) {
                is Outcome.Ok -> EnrolUiState.Enrolled(result.value)
                is Outcome.Failed -> when (val e = result.error) {
                    is CoreError.Offline -> EnrolUiState.Offline(typed, e.message)
                    else -> EnrolUiState.Entering(typed, e.words())
                }
            }
        }
    }
}
