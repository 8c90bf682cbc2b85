package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import vn.sachxanh.core.CovenantStatus
import vn.sachxanh.core.Message
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface

/** One area's covenant (hương ước, quy ước) as the list shows it. */
data class AreaCovenantRow(
    val areaId: String,
    val areaName: String,
    /** `null`: nobody has recorded this area's covenant yet. */
    val status: CovenantStatus?,
    /** The core's words for the status, or that none is recorded. */
    val statusLabel: Message,
    /** It contains environmental clauses. */
    val withEnvironment: Boolean,
    val reviewStatus: ReviewStatus?,
    /** The core's words for [reviewStatus]. */
    val reviewLabel: Message?,
    val recordId: String?,
    /** The person may record it (area heads, staff): opening it opens the form. */
    val canEdit: Boolean,
) {
    /** The covenant's form: the recorded one, or a new one for the area. */
    val target: FormTarget get() = FormTarget(RecordKind.COVENANT, recordId, areaId)
}

sealed interface CovenantUiState {
    data object Loading : CovenantUiState

    /** The person has no area (nothing to show). */
    data object Empty : CovenantUiState

    data class Error(val message: Message) : CovenantUiState

    data class Content(val rows: List<AreaCovenantRow>) : CovenantUiState
}

/**
 * The covenant of each of the person's areas (the core's list: exactly the areas of their
 * capabilities). Recording one is the covenant's [RecordFormViewModel], opened with [edit].
 */
class CovenantViewModel(
    private val core: SachxanhInterface,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
) {
    private val _state = MutableStateFlow<CovenantUiState>(CovenantUiState.Loading)
    val state: StateFlow<CovenantUiState> = _state.asStateFlow()

    init {
        refresh()
    }

    /** On resume, e.g. after a covenant was saved. */
    fun refresh() {
        scope.launch {
            val rows = io.core {
                val mayWrite = core.capabilities()?.kinds?.firstOrNull { it.kind == RecordKind.COVENANT }?.mayWrite == true
                core.covenantStatus().map { c ->
                    AreaCovenantRow(c.areaId, c.areaName, c.status, c.statusLabel, c.withEnvironment, c.reviewStatus, c.reviewStatusLabel, c.recordId, mayWrite)
                }
            }
            _state.value = when (rows) {
                is Outcome.Failed -> CovenantUiState.Error(rows.error.message)
                is Outcome.Ok -> if (rows.value.isEmpty()) CovenantUiState.Empty else CovenantUiState.Content(rows.value)
            }
        }
    }

    /** The form to open for an area's covenant; `null` when the person only reads it. */
    fun edit(areaId: String): FormTarget? =
        (_state.value as? CovenantUiState.Content)?.rows?.firstOrNull { it.areaId == areaId && it.canEdit }?.target
}
