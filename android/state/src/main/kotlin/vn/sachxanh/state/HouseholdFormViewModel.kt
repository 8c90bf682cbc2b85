package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.sachxanh.core.Conflict
import vn.sachxanh.core.Coord
import vn.sachxanh.core.Household
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface

enum class HouseholdField { AREA, HEAD_NAME, ADDRESS, MEMBERS, LOCATION, NOTE }

/** The form as typed: numbers stay text until saved, so a half-typed value is never lost. */
data class HouseholdForm(
    val areaId: String,
    val headName: String = "",
    val address: String = "",
    val members: String = "",
    val location: Coord? = null,
    val note: String = "",
)

sealed interface HouseholdFormUiState {
    data object Loading : HouseholdFormUiState

    /** The record could not be opened. */
    data class Error(val message: UserText) : HouseholdFormUiState

    data class Editing(
        val form: HouseholdForm,
        val errors: FieldErrors<HouseholdField> = FieldErrors(),
        val saving: Boolean = false,
        /** `null` for a new household. */
        val recordId: String? = null,
        val status: ReviewStatus? = null,
        /** Why staff returned it, shown above the form while fixing it. */
        val reviewerReason: String? = null,
        val conflicts: List<Conflict> = emptyList(),
    ) : HouseholdFormUiState

    /** Saved on the phone (and sent for review if [submitted]); it goes out at the next sync. */
    data class Saved(val id: String, val submitted: Boolean) : HouseholdFormUiState
}

/** Add or fix a household: head's name, address, members, location, note. */
class HouseholdFormViewModel(
    private val core: SachxanhInterface,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    areaId: String,
    private val householdId: String? = null,
) {
    private val _state = MutableStateFlow<HouseholdFormUiState>(
        if (householdId == null) HouseholdFormUiState.Editing(HouseholdForm(areaId)) else HouseholdFormUiState.Loading,
    )
    val state: StateFlow<HouseholdFormUiState> = _state.asStateFlow()

    init {
        if (householdId != null) {
            scope.launch {
                val loaded = io.core { core.household(householdId) }
                _state.value = when (loaded) {
                    is Outcome.Failed -> HouseholdFormUiState.Error(loaded.error.message)
                    is Outcome.Ok -> {
                        val view = loaded.value
                        val h = view.value
                        HouseholdFormUiState.Editing(
                            form = HouseholdForm(h.areaId, h.headName, h.address, h.members.toString(), h.location, h.note),
                            recordId = view.id,
                            status = view.status,
                            reviewerReason = view.reason,
                            conflicts = view.conflicts,
                        )
                    }
                }
            }
        }
    }

    private fun edit(change: (HouseholdForm) -> HouseholdForm) = _state.update { s ->
        if (s is HouseholdFormUiState.Editing && !s.saving) s.copy(form = change(s.form)) else s
    }

    fun onHeadNameChanged(text: String) = edit { it.copy(headName = text) }
    fun onAddressChanged(text: String) = edit { it.copy(address = text) }
    fun onMembersChanged(text: String) = edit { it.copy(members = text) }
    fun onNoteChanged(text: String) = edit { it.copy(note = text) }

    /** From a GPS fix or a tap on the map (the shell provides the coordinates). */
    fun onLocation(lon: Double, lat: Double) = edit { it.copy(location = Coord(lon, lat)) }
    fun clearLocation() = edit { it.copy(location = null) }

    fun save(submit: Boolean) {
        val editing = _state.value as? HouseholdFormUiState.Editing ?: return
        if (editing.saving) return
        _state.value = editing.copy(saving = true)
        val f = editing.form
        val members = Numbers.count(f.members, blankIsZero = true)
        val value = Household(
            areaId = f.areaId,
            address = f.address,
            headName = f.headName,
            members = members ?: 0u,
            location = f.location,
            note = f.note,
        )
        scope.launch {
            // Text that is not a number never reaches the core: nothing half-read is saved.
            val saved = if (members == null) {
                Outcome.Failed(CoreError.Invalid(Texts.notAWholeNumber, emptyList()))
            } else {
                io.saveRecord(core, editing.recordId, submit, { core.createHousehold(value) }, { core.updateHousehold(it, value) })
            }
            _state.value = when (saved) {
                is Outcome.Ok -> HouseholdFormUiState.Saved(saved.value, submit)
                is Outcome.Failed -> editing.copy(saving = false, errors = errorsOf(saved.error, members == null))
            }
        }
    }

    private fun errorsOf(e: CoreError, membersNotANumber: Boolean): FieldErrors<HouseholdField> {
        var errors = when (e) {
            is CoreError.Invalid -> FieldErrors.of(e.problems, ::fieldOf)
            else -> FieldErrors(general = listOf(e.message))
        }
        if (membersNotANumber) errors = errors.with(HouseholdField.MEMBERS, Texts.notAWholeNumber)
        return errors
    }

    private fun fieldOf(path: String): HouseholdField? = when (path.head()) {
        "area_id" -> HouseholdField.AREA
        "head_name" -> HouseholdField.HEAD_NAME
        "address" -> HouseholdField.ADDRESS
        "members" -> HouseholdField.MEMBERS
        "location" -> HouseholdField.LOCATION
        "note" -> HouseholdField.NOTE
        else -> null
    }
}
