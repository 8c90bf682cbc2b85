package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.sachxanh.core.Covenant
import vn.sachxanh.core.CovenantStatus
import vn.sachxanh.core.PersonInfo
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.Role
import vn.sachxanh.core.SachxanhInterface

/** One area's covenant (hương ước, quy ước) as the list shows it. */
data class AreaCovenantRow(
    val areaId: String,
    val areaName: String,
    /** `null`: nobody has recorded this area's covenant yet. */
    val status: CovenantStatus?,
    /** It contains environmental clauses (target (c) counts those in force). */
    val withEnvironment: Boolean,
    val reviewStatus: ReviewStatus?,
    val recordId: String?,
    val canEdit: Boolean,
)

enum class CovenantField {
    AREA, STATUS, CLAUSES, DRAFTING_STARTED, CONSULTATION_DATE, APPROVED_DATE, IN_FORCE_DATE, DOCUMENT, NOTE,
}

data class CovenantForm(
    val areaId: String,
    val areaName: String,
    val status: CovenantStatus = CovenantStatus.NOT_STARTED,
    /** One environmental clause per line. */
    val clauses: String = "",
    /** `YYYY-MM-DD` or blank. */
    val draftingStarted: String = "",
    val consultationDate: String = "",
    val approvedDate: String = "",
    val inForceDate: String = "",
    val note: String = "",
)

data class CovenantEditor(
    val form: CovenantForm,
    val errors: FieldErrors<CovenantField> = FieldErrors(),
    val saving: Boolean = false,
    val recordId: String? = null,
    val reviewStatus: ReviewStatus? = null,
    val reviewerReason: String? = null,
)

sealed interface CovenantUiState {
    data object Loading : CovenantUiState

    /** The person has no area (nothing to show). */
    data object Empty : CovenantUiState

    data class Error(val message: UserText) : CovenantUiState

    data class Content(
        val rows: List<AreaCovenantRow>,
        /** Open while recording one area's covenant. */
        val editor: CovenantEditor? = null,
        /** The last save, for a short confirmation. */
        val savedAreaId: String? = null,
    ) : CovenantUiState {
        val inForceWithEnvironment: Int get() = rows.count { it.status == CovenantStatus.IN_FORCE && it.withEnvironment }
    }
}

/** Covenant status per area, and recording an area's covenant (area heads and staff). */
class CovenantViewModel(
    private val core: SachxanhInterface,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
) {
    private val _state = MutableStateFlow<CovenantUiState>(CovenantUiState.Loading)
    val state: StateFlow<CovenantUiState> = _state.asStateFlow()

    // The signed text's scan is kept as it is: this screen does not take photos yet.
    private var document: String? = null

    init {
        refresh()
    }

    fun refresh() {
        scope.launch {
            val rows = io.core { rowsOf(core.me()) }
            _state.update { s ->
                when (rows) {
                    is Outcome.Failed -> CovenantUiState.Error(rows.error.message)
                    is Outcome.Ok ->
                        if (rows.value.isEmpty()) {
                            CovenantUiState.Empty
                        } else {
                            CovenantUiState.Content(rows.value, (s as? CovenantUiState.Content)?.editor)
                        }
                }
            }
        }
    }

    private fun rowsOf(me: PersonInfo?): List<AreaCovenantRow> {
        if (me == null) return emptyList()
        val mine = me.areas.map { it.id }.toSet()
        // Volunteers read; area heads record their own areas' covenants, staff any of the commune.
        val mayWrite = me.role == Role.AREA_HEAD || me.role == Role.COMMUNE_STAFF
        return core.covenantStatus()
            .filter { it.areaId in mine }
            .map { AreaCovenantRow(it.areaId, it.areaName, it.status, it.withEnvironment, it.reviewStatus, it.recordId, mayWrite) }
    }

    /** Opens the editor for one area: its recorded covenant, or a new one. */
    fun open(areaId: String) {
        val content = _state.value as? CovenantUiState.Content ?: return
        val row = content.rows.firstOrNull { it.areaId == areaId && it.canEdit } ?: return
        scope.launch {
            val editor = io.core {
                val id = row.recordId
                if (id == null) {
                    document = null
                    CovenantEditor(CovenantForm(row.areaId, row.areaName))
                } else {
                    val view = core.covenant(id)
                    val c = view.value
                    document = c.documentSha256
                    CovenantEditor(
                        form = CovenantForm(
                            areaId = c.areaId,
                            areaName = row.areaName,
                            status = c.status,
                            clauses = c.clauses.joinToString("\n"),
                            draftingStarted = c.draftingStarted.orEmpty(),
                            consultationDate = c.consultationDate.orEmpty(),
                            approvedDate = c.approvedDate.orEmpty(),
                            inForceDate = c.inForceDate.orEmpty(),
                            note = c.note,
                        ),
                        recordId = id,
                        reviewStatus = view.status,
                        reviewerReason = view.reason,
                    )
                }
            }
            _state.update { s ->
                if (s !is CovenantUiState.Content) return@update s
                when (editor) {
                    is Outcome.Ok -> s.copy(editor = editor.value, savedAreaId = null)
                    is Outcome.Failed -> CovenantUiState.Error(editor.error.message)
                }
            }
        }
    }

    fun close() = _state.update { s -> if (s is CovenantUiState.Content) s.copy(editor = null) else s }

    private fun edit(change: (CovenantForm) -> CovenantForm) = _state.update { s ->
        val e = (s as? CovenantUiState.Content)?.editor
        if (e == null || e.saving) s else s.copy(editor = e.copy(form = change(e.form)))
    }

    fun onStatusChanged(status: CovenantStatus) = edit { it.copy(status = status) }
    fun onClausesChanged(text: String) = edit { it.copy(clauses = text) }
    fun onDraftingStartedChanged(isoDate: String) = edit { it.copy(draftingStarted = isoDate) }
    fun onConsultationDateChanged(isoDate: String) = edit { it.copy(consultationDate = isoDate) }
    fun onApprovedDateChanged(isoDate: String) = edit { it.copy(approvedDate = isoDate) }
    fun onInForceDateChanged(isoDate: String) = edit { it.copy(inForceDate = isoDate) }
    fun onNoteChanged(text: String) = edit { it.copy(note = text) }

    fun save(submit: Boolean) {
        val content = _state.value as? CovenantUiState.Content ?: return
        val editor = content.editor ?: return
        if (editor.saving) return
        val f = editor.form
        val value = Covenant(
            areaId = f.areaId,
            status = f.status,
            clauses = f.clauses.lines().map { it.trim() }.filter { it.isNotEmpty() },
            draftingStarted = f.draftingStarted.trim().ifEmpty { null },
            consultationDate = f.consultationDate.trim().ifEmpty { null },
            approvedDate = f.approvedDate.trim().ifEmpty { null },
            inForceDate = f.inForceDate.trim().ifEmpty { null },
            documentSha256 = document,
            note = f.note,
        )
        _state.value = content.copy(editor = editor.copy(saving = true))
        scope.launch {
            val saved = io.saveRecord(
                core, editor.recordId, submit,
                { core.createCovenant(value) },
                { core.updateCovenant(it, value) },
            )
            when (saved) {
                is Outcome.Ok -> {
                    val rows = io.core { rowsOf(core.me()) }
                    _state.value = when (rows) {
                        is Outcome.Ok -> CovenantUiState.Content(rows.value, editor = null, savedAreaId = f.areaId)
                        is Outcome.Failed -> CovenantUiState.Error(rows.error.message)
                    }
                }
                is Outcome.Failed -> _state.update { s ->
                    if (s !is CovenantUiState.Content) return@update s
                    val errors = when (val e = saved.error) {
                        is CoreError.Invalid -> FieldErrors.of(e.problems, ::fieldOf)
                        else -> FieldErrors(general = listOf(e.message))
                    }
                    s.copy(editor = editor.copy(saving = false, errors = errors))
                }
            }
        }
    }

    private fun fieldOf(path: String): CovenantField? = when (path.head()) {
        "area_id" -> CovenantField.AREA
        "status" -> CovenantField.STATUS
        "clauses" -> CovenantField.CLAUSES
        "drafting_started" -> CovenantField.DRAFTING_STARTED
        "consultation_date" -> CovenantField.CONSULTATION_DATE
        "approved_date" -> CovenantField.APPROVED_DATE
        "in_force_date" -> CovenantField.IN_FORCE_DATE
        "document_sha256" -> CovenantField.DOCUMENT
        "note" -> CovenantField.NOTE
        // A malformed date ("date") does not say which of the four it was: shown above the form.
        else -> null
    }
}
