package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharingStarted
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.combine
import kotlinx.coroutines.flow.stateIn
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import vn.sachxanh.core.AreaFigures
import vn.sachxanh.core.AreaInfo
import vn.sachxanh.core.PersonInfo
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.RecordSummary
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.Role
import vn.sachxanh.core.SachxanhInterface

/** One of my areas with what has been recorded there (all records, approved or not). */
data class AreaCard(val area: AreaInfo, val figures: AreaFigures?)

/** Why a record is on the home screen's to-do list. */
enum class TodoReason { DRAFT, RETURNED, CONFLICT, OTHER }

data class TodoItem(
    val id: String,
    val kind: RecordKind,
    val title: String,
    val areaName: String?,
    val why: TodoReason,
    /** The reviewer's words when the record was returned. */
    val reviewerReason: String?,
)

/** The home screen's sync line: when, how much waits, what was refused, what runs now. */
data class SyncSummary(
    val lastSyncMs: Long?,
    val waiting: Long,
    val refused: Long,
    val activity: SyncUiState,
    val network: Network,
    /** Photos on the phone the server does not hold yet (sent after the records). */
    val photosWaiting: Long = 0,
) {
    /** Offline is a banner over the content, never a blank screen: the app works without signal. */
    val offline: Boolean get() = network == Network.NONE || activity is SyncUiState.Offline
    val offlineMessage: UserText?
        get() = (activity as? SyncUiState.Offline)?.message ?: if (network == Network.NONE) Texts.noNetwork else null
}

sealed interface HomeUiState {
    data object Loading : HomeUiState

    /** No person on this phone (or the token was revoked): go to the enrolment screen. */
    data class NotEnrolled(val message: UserText?) : HomeUiState

    data class Error(val message: UserText) : HomeUiState

    data class Ready(
        val person: PersonInfo,
        val areas: List<AreaCard>,
        val todo: List<TodoItem>,
        /** Staff only: records waiting for their review. */
        val reviewWaiting: Int?,
        val sync: SyncSummary,
    ) : HomeUiState {
        /** The empty state: nothing to fix, nothing refused. */
        val nothingToDo: Boolean get() = todo.isEmpty() && sync.refused == 0L
    }
}

/** The home screen: my areas, what needs doing, and sync (last time, waiting, photos waiting, refused). */
class HomeViewModel(
    private val core: SachxanhInterface,
    private val sync: SyncController,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
) {
    private sealed interface Loaded {
        data object Loading : Loaded
        data class NotEnrolled(val message: UserText?) : Loaded
        data class Error(val message: UserText) : Loaded
        data class Data(
            val person: PersonInfo,
            val areas: List<AreaCard>,
            val todo: List<TodoItem>,
            val reviewWaiting: Int?,
            val lastSyncMs: Long?,
            val waiting: Long,
            val refused: Long,
            val photosWaiting: Long,
        ) : Loaded
    }

    private val loaded = MutableStateFlow<Loaded>(Loaded.Loading)
    private val loading = Mutex()

    val state: StateFlow<HomeUiState> = combine(loaded, sync.state, sync.network) { l, activity, network ->
        when (l) {
            Loaded.Loading -> HomeUiState.Loading
            is Loaded.Error -> HomeUiState.Error(l.message)
            is Loaded.NotEnrolled -> HomeUiState.NotEnrolled(l.message)
            is Loaded.Data ->
                if (activity is SyncUiState.NotEnrolled) {
                    HomeUiState.NotEnrolled(activity.message)
                } else {
                    HomeUiState.Ready(
                        person = l.person,
                        areas = l.areas,
                        todo = l.todo,
                        reviewWaiting = l.reviewWaiting,
                        sync = SyncSummary(l.lastSyncMs, l.waiting, l.refused, activity, network, l.photosWaiting),
                    )
                }
        }
    }.stateIn(scope, SharingStarted.Eagerly, HomeUiState.Loading)

    init {
        refresh()
        // After every sync the counts and decisions change: read them again.
        scope.launch {
            sync.state.collect { s ->
                if (s !is SyncUiState.Running && s != SyncUiState.Idle) load()
            }
        }
    }

    /** On resume, after a form was saved, or pulled down by the person. */
    fun refresh() {
        scope.launch { load() }
    }

    private suspend fun load() = loading.withLock {
        val result = io.core {
            val person = core.me() ?: return@core null
            val names = person.areas.associate { it.id to it.name }
            val status = core.syncStatus()
            Loaded.Data(
                person = person,
                areas = person.areas.map { AreaCard(it, core.areaFigures(it.id)) },
                todo = core.needsAttention().map { it.toTodo(names) },
                reviewWaiting = if (person.role == Role.COMMUNE_STAFF) core.reviewQueue().size else null,
                lastSyncMs = status.lastSyncMs,
                waiting = status.waiting.toLong(),
                refused = status.refused.toLong(),
                photosWaiting = status.photosWaiting.toLong(),
            )
        }
        loaded.value = when (result) {
            is Outcome.Ok -> result.value ?: Loaded.NotEnrolled(null)
            is Outcome.Failed -> when (val e = result.error) {
                is CoreError.NotEnrolled -> Loaded.NotEnrolled(e.message)
                else -> Loaded.Error(e.message)
            }
        }
    }

    fun syncNow() {
        sync.syncNow()
    }

    fun cancelSync() = sync.cancel()
}

private fun RecordSummary.toTodo(areaNames: Map<String, String>) = TodoItem(
    id = id,
    kind = kind,
    title = title,
    areaName = areaId?.let { areaNames[it] ?: it },
    why = when {
        inConflict -> TodoReason.CONFLICT
        else -> when (status) {
            ReviewStatus.DRAFT -> TodoReason.DRAFT
            ReviewStatus.RETURNED -> TodoReason.RETURNED
            else -> TodoReason.OTHER
        }
    },
    // The core sets it only while the record stands returned or rejected.
    reviewerReason = reason,
)
