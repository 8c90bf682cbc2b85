package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.collectLatest
import kotlinx.coroutines.flow.filterNotNull
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.sachxanh.core.AreaInfo
import vn.sachxanh.core.HouseholdRow
import vn.sachxanh.core.Message
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.SachxanhInterface
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

sealed interface HouseholdsUiState {
    data object Loading : HouseholdsUiState

    /** The person has no area on this phone (a province viewer, or enrolment went wrong). */
    data object NoAreas : HouseholdsUiState

    data class Error(val message: Message) : HouseholdsUiState

    /** No household recorded in the area yet, or none matches [query]. */
    data class Empty(val area: AreaInfo, val areas: List<AreaInfo>, val query: String) : HouseholdsUiState

    data class Content(
        val area: AreaInfo,
        val areas: List<AreaInfo>,
        val query: String,
        val items: List<HouseholdRow>,
        /** The core's cursor for the next page; `null` at the end of the list. */
        val next: String?,
        val loadingMore: Boolean = false,
        val moreError: Message? = null,
    ) : HouseholdsUiState {
        val canLoadMore: Boolean get() = next != null && !loadingMore
    }
}

/**
 * The households of one of my areas: search as you type (with or without diacritics, the core
 * matches "nguyen" to "Nguyễn"), page by page, and the entries to add one, open one or check
 * one. Also the household picker of a form's Household field: opened on the form's area, a
 * tapped row goes back to [RecordFormViewModel.pickHousehold].
 */
class HouseholdsViewModel(
    private val core: SachxanhInterface,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    private val pageSize: Int = 30,
    /** Typing pauses this long before searching: one query per word, not per letter. */
    private val typingPause: Duration = 300.milliseconds,
    /** The area to show first (a form's area when picking); the person's first otherwise. */
    private val areaId: String? = null,
) {
    private data class Request(val area: AreaInfo, val query: String, val typed: Boolean, val generation: Int)

    private val _state = MutableStateFlow<HouseholdsUiState>(HouseholdsUiState.Loading)
    val state: StateFlow<HouseholdsUiState> = _state.asStateFlow()

    private val request = MutableStateFlow<Request?>(null)
    @Volatile
    private var areas: List<AreaInfo> = emptyList()
    @Volatile
    private var writable: Set<RecordKind> = emptySet()
    private var more: Job? = null

    init {
        scope.launch {
            when (val caps = io.core { core.capabilities() }) {
                is Outcome.Failed -> _state.value = HouseholdsUiState.Error(caps.error.message)
                is Outcome.Ok -> {
                    areas = caps.value?.areas.orEmpty()
                    writable = caps.value?.kinds.orEmpty().filter { it.mayWrite }.map { it.kind }.toSet()
                    val first = areas.firstOrNull { it.id == areaId } ?: areas.firstOrNull()
                    if (first == null) {
                        _state.value = HouseholdsUiState.NoAreas
                    } else {
                        request.value = Request(first, "", typed = false, generation = 0)
                    }
                }
            }
        }
        scope.launch {
            request.filterNotNull().collectLatest { r ->
                more?.cancel()
                if (r.typed) delay(typingPause)
                load(r)
            }
        }
    }

    fun onQueryChanged(query: String) {
        request.update { it?.copy(query = query, typed = true, generation = it.generation + 1) }
    }

    fun selectArea(areaId: String) {
        val area = areas.firstOrNull { it.id == areaId } ?: return
        request.update { it?.copy(area = area, query = "", typed = false, generation = it.generation + 1) }
    }

    private fun shownArea(): AreaInfo? = when (val s = _state.value) {
        is HouseholdsUiState.Content -> s.area
        is HouseholdsUiState.Empty -> s.area
        else -> null
    }

    /** "Add a household" in the shown area; `null` when the person may not record one. */
    fun add(): FormTarget? = shownArea()?.takeIf { RecordKind.HOUSEHOLD in writable }?.let { FormTarget(RecordKind.HOUSEHOLD, areaId = it.id) }

    /** A row tapped: its form. */
    fun open(row: HouseholdRow): FormTarget = FormTarget(RecordKind.HOUSEHOLD, row.id, row.areaId)

    /** "Check sorting" on a row; `null` when the person may not record a check. */
    fun check(row: HouseholdRow): FormTarget? =
        FormTarget(RecordKind.SORTING_CHECK, areaId = row.areaId, householdId = row.id).takeIf { RecordKind.SORTING_CHECK in writable }

    /** After a household was added or changed, and on pull-to-refresh. */
    fun refresh() {
        request.update { it?.copy(typed = false, generation = it.generation + 1) }
    }

    /** The end of the list came into view. */
    fun loadMore() {
        val current = _state.value as? HouseholdsUiState.Content ?: return
        val after = current.next ?: return
        if (current.loadingMore) return
        _state.value = current.copy(loadingMore = true, moreError = null)
        more = scope.launch {
            val page = io.core { core.households(current.area.id, current.query, after, pageSize.toUInt()) }
            _state.update { s ->
                // A new search replaced the list meanwhile: this page belongs to the old one.
                if (s !is HouseholdsUiState.Content || s.area != current.area || s.query != current.query) return@update s
                when (page) {
                    is Outcome.Ok -> s.copy(items = s.items + page.value.items, next = page.value.next, loadingMore = false)
                    is Outcome.Failed -> s.copy(loadingMore = false, moreError = page.error.message)
                }
            }
        }
    }

    private suspend fun load(r: Request) {
        // Keep the list on screen while typing; show loading only when the area changes.
        val shown = _state.value
        val sameArea = (shown as? HouseholdsUiState.Content)?.area == r.area || (shown as? HouseholdsUiState.Empty)?.area == r.area
        if (!sameArea) _state.value = HouseholdsUiState.Loading
        val page = io.core { core.households(r.area.id, r.query.trim(), null, pageSize.toUInt()) }
        _state.value = when (page) {
            is Outcome.Failed -> HouseholdsUiState.Error(page.error.message)
            is Outcome.Ok ->
                if (page.value.items.isEmpty()) {
                    HouseholdsUiState.Empty(r.area, areas, r.query)
                } else {
                    HouseholdsUiState.Content(r.area, areas, r.query, page.value.items, page.value.next)
                }
        }
    }
}
