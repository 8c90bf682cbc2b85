package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface
import vn.sachxanh.core.SortingCheck
import java.time.Clock
import java.time.LocalDate

enum class SortingCheckField { HOUSEHOLD, AREA, DATE, NOTE, CHECKED_BY }

/** The yes/no questions of a visit (Law on Environmental Protection 2020, art. 75). */
enum class SortingAnswer {
    RECYCLABLE_SORTED,
    FOOD_SORTED,
    OTHER_SORTED,
    HAZARDOUS_SEPARATED,
    SERVED_BY_COLLECTION,
    BURNING_SEEN,
    DUMPING_SEEN,
}

data class SortingCheckForm(
    val householdId: String,
    val householdName: String,
    val areaId: String,
    /** `YYYY-MM-DD`, today by default (the person can correct a wrong phone clock). */
    val date: String,
    val yes: Set<SortingAnswer> = emptySet(),
    val note: String = "",
    val checkedBy: String = "",
)

sealed interface SortingCheckUiState {
    data object Loading : SortingCheckUiState

    data class Error(val message: UserText) : SortingCheckUiState

    data class Editing(
        val form: SortingCheckForm,
        val errors: FieldErrors<SortingCheckField> = FieldErrors(),
        val saving: Boolean = false,
        val recordId: String? = null,
        val status: ReviewStatus? = null,
        val reviewerReason: String? = null,
    ) : SortingCheckUiState

    data class Saved(val id: String, val submitted: Boolean) : SortingCheckUiState
}

/** A waste-sorting check visit to one household: a new one, or fixing a returned one. */
class SortingCheckViewModel(
    private val core: SachxanhInterface,
    private val clock: Clock,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    /** For a new check: the household visited. */
    private val householdId: String? = null,
    /** For an existing check (from the outbox or the to-do list): its id is enough. */
    private val checkId: String? = null,
) {
    private val _state = MutableStateFlow<SortingCheckUiState>(SortingCheckUiState.Loading)
    val state: StateFlow<SortingCheckUiState> = _state.asStateFlow()

    init {
        scope.launch { load() }
    }

    private suspend fun load() {
        val loaded = io.core {
            val view = checkId?.let { core.sortingCheck(it) }
            val household = core.household(view?.value?.householdId ?: requireNotNull(householdId) { "a household or a check" })
            if (view == null) {
                SortingCheckUiState.Editing(
                    SortingCheckForm(
                        householdId = household.id,
                        householdName = household.value.headName,
                        areaId = household.value.areaId,
                        date = LocalDate.now(clock).toString(),
                        checkedBy = core.me()?.personId.orEmpty(),
                    ),
                )
            } else {
                val c = view.value
                SortingCheckUiState.Editing(
                    form = SortingCheckForm(
                        householdId = c.householdId,
                        householdName = household.value.headName,
                        areaId = c.areaId,
                        date = c.checkDate,
                        yes = answersOf(c),
                        note = c.note,
                        checkedBy = c.checkedBy,
                    ),
                    recordId = view.id,
                    status = view.status,
                    reviewerReason = view.reason,
                )
            }
        }
        _state.value = when (loaded) {
            is Outcome.Ok -> loaded.value
            is Outcome.Failed -> SortingCheckUiState.Error(loaded.error.message)
        }
    }

    private fun edit(change: (SortingCheckForm) -> SortingCheckForm) = _state.update { s ->
        if (s is SortingCheckUiState.Editing && !s.saving) s.copy(form = change(s.form)) else s
    }

    fun onDateChanged(isoDate: String) = edit { it.copy(date = isoDate) }
    fun onAnswer(answer: SortingAnswer, yes: Boolean) = edit { it.copy(yes = if (yes) it.yes + answer else it.yes - answer) }
    fun onNoteChanged(text: String) = edit { it.copy(note = text) }

    fun save(submit: Boolean) {
        val editing = _state.value as? SortingCheckUiState.Editing ?: return
        if (editing.saving) return
        _state.value = editing.copy(saving = true)
        val f = editing.form
        val value = SortingCheck(
            householdId = f.householdId,
            areaId = f.areaId,
            checkDate = f.date.trim(),
            recyclableSorted = SortingAnswer.RECYCLABLE_SORTED in f.yes,
            foodSorted = SortingAnswer.FOOD_SORTED in f.yes,
            otherSorted = SortingAnswer.OTHER_SORTED in f.yes,
            hazardousSeparated = SortingAnswer.HAZARDOUS_SEPARATED in f.yes,
            servedByCollection = SortingAnswer.SERVED_BY_COLLECTION in f.yes,
            burningSeen = SortingAnswer.BURNING_SEEN in f.yes,
            dumpingSeen = SortingAnswer.DUMPING_SEEN in f.yes,
            note = f.note,
            checkedBy = f.checkedBy,
        )
        scope.launch {
            val saved = io.saveRecord(
                core, editing.recordId, submit,
                { core.createSortingCheck(value) },
                { core.updateSortingCheck(it, value) },
            )
            _state.value = when (saved) {
                is Outcome.Ok -> SortingCheckUiState.Saved(saved.value, submit)
                is Outcome.Failed -> editing.copy(
                    saving = false,
                    errors = when (val e = saved.error) {
                        is CoreError.Invalid -> FieldErrors.of(e.problems, ::fieldOf)
                        else -> FieldErrors(general = listOf(e.message))
                    },
                )
            }
        }
    }

    private fun fieldOf(path: String): SortingCheckField? = when (path.head()) {
        "household_id" -> SortingCheckField.HOUSEHOLD
        "area_id" -> SortingCheckField.AREA
        // "date" is what the FFI names any malformed day it could not read.
        "check_date", "date" -> SortingCheckField.DATE
        "note" -> SortingCheckField.NOTE
        "checked_by" -> SortingCheckField.CHECKED_BY
        else -> null
    }

    private fun answersOf(c: SortingCheck): Set<SortingAnswer> = buildSet {
        if (c.recyclableSorted) add(SortingAnswer.RECYCLABLE_SORTED)
        if (c.foodSorted) add(SortingAnswer.FOOD_SORTED)
        if (c.otherSorted) add(SortingAnswer.OTHER_SORTED)
        if (c.hazardousSeparated) add(SortingAnswer.HAZARDOUS_SEPARATED)
        if (c.servedByCollection) add(SortingAnswer.SERVED_BY_COLLECTION)
        if (c.burningSeen) add(SortingAnswer.BURNING_SEEN)
        if (c.dumpingSeen) add(SortingAnswer.DUMPING_SEEN)
    }
}
