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
import vn.sachxanh.core.KindCapability
import vn.sachxanh.core.Message
import vn.sachxanh.core.Network
import vn.sachxanh.core.PersonInfo
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.RecordSummary
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface

/** One of my areas with what has been recorded there (all records, approved or not). */
data class AreaCard(
    val area: AreaInfo,
    val figures: AreaFigures?,
    /** The core's words for the area's covenant status (or that none is recorded). */
    val covenantLabel: Message? = null,
)

/** A record waiting for me: a draft to finish, one staff returned, one in conflict. */
data class TodoItem(
    val id: String,
    val kind: RecordKind,
    val kindLabel: Message,
    val title: Message,
    val areaName: String?,
    val status: ReviewStatus,
    /** The core's words for [status] ("Bản nháp", "Bị trả lại" …). */
    val statusLabel: Message,
    /** Two phones changed the same field: someone must choose. */
    val inConflict: Boolean,
    /** The reviewer's words when the record was returned. */
    val reviewerReason: String?,
) {
    /** The form to open for it. */
    val target: FormTarget get() = FormTarget(kind, id)
}

/** The home screen's sync line: when, how much waits, what was refused, what runs now. */
data class SyncSummary(
    val lastSyncMs: Long?,
    val waiting: Long,
    val refused: Long,
    val activity: SyncUiState,
    val network: Network,
    /** Photos on the phone the server does not hold yet (sent after the records). */
    val photosWaiting: Long = 0,
    /** The phone's clock is far from the server's: the core's words asking to set it. */
    val clockSkew: Message? = null,
    /** This month's data used by sync and its cost at the person's tariff, in the core's words. */
    val dataUse: Message? = null,
) {
    /** Offline is a banner over the content, never a blank screen: the app works without signal. */
    val offline: Boolean get() = network == Network.NONE || activity is SyncUiState.Offline
    val offlineMessage: Message?
        get() = (activity as? SyncUiState.Offline)?.message ?: if (network == Network.NONE) Texts.noNetwork else null
}

sealed interface HomeUiState {
    data object Loading : HomeUiState

    /** No person on this phone (or the token was revoked): go to the enrolment screen. */
    data class NotEnrolled(val message: Message?) : HomeUiState

    data class Error(val message: Message) : HomeUiState

    data class Ready(
        val person: PersonInfo,
        /** The person's role in words. */
        val roleLabel: Message,
        val areas: List<AreaCard>,
        /** The "new record" menu: the kinds this person may record, with their names. */
        val newRecord: List<KindCapability>,
        val todo: List<TodoItem>,
        /** Staff only: records waiting for their review. */
        val reviewWaiting: Int?,
        val sync: SyncSummary,
    ) : HomeUiState {
        /** The empty state: nothing to fix, nothing refused. */
        val nothingToDo: Boolean get() = todo.isEmpty() && sync.refused == 0L
    }
}

/** The home screen: my areas, the "new record" menu, what needs doing, and sync. */
class HomeViewModel(
    private val core: SachxanhInterface,
    private val sync: SyncController,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
) {
    private sealed interface Loaded {
        data object Loading : Loaded
        data class NotEnrolled(val message: Message?) : Loaded
        data class Error(val message: Message) : Loaded
        data class Data(
            val person: PersonInfo,
            val roleLabel: Message,
            val areas: List<AreaCard>,
            val newRecord: List<KindCapability>,
            val todo: List<TodoItem>,
            val reviewWaiting: Int?,
            val lastSyncMs: Long?,
            val waiting: Long,
            val refused: Long,
            val photosWaiting: Long,
            val clockSkew: Message?,
            val dataUse: Message?,
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
                        roleLabel = l.roleLabel,
                        areas = l.areas,
                        newRecord = l.newRecord,
                        todo = l.todo,
                        reviewWaiting = l.reviewWaiting,
                        sync = SyncSummary(l.lastSyncMs, l.waiting, l.refused, activity, network, l.photosWaiting, l.clockSkew, l.dataUse),
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
            val caps = core.capabilities() ?: return@core null
            val status = core.syncStatus()
            Loaded.Data(
                person = person,
                roleLabel = caps.roleLabel,
                areas = core.covenantStatus().associateBy { it.areaId }.let { covenants ->
                    caps.areas.map { AreaCard(it, core.areaFigures(it.id), covenants[it.id]?.statusLabel) }
                },
                newRecord = caps.kinds.filter { it.mayWrite },
                todo = core.needsAttention().map { it.toTodo() },
                reviewWaiting = if (caps.mayReview) core.reviewQueue().size else null,
                lastSyncMs = status.lastSyncMs,
                waiting = status.waiting.toLong(),
                refused = status.refused.toLong(),
                photosWaiting = status.photosWaiting.toLong(),
                clockSkew = status.clockSkew?.message,
                dataUse = core.dataUse().message,
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

    /** A new record of [kind] from the menu, in [areaId] (a card's area) or the person's first. */
    fun newRecord(kind: RecordKind, areaId: String? = null): FormTarget = FormTarget(kind, areaId = areaId)

    fun syncNow() {
        sync.syncNow()
    }

    fun cancelSync() = sync.cancel()
}

private fun RecordSummary.toTodo() = TodoItem(
    id = id,
    kind = kind,
    kindLabel = kindLabel,
    title = title,
    areaName = areaName,
    status = status,
    statusLabel = statusLabel,
    inConflict = inConflict,
    // The core sets it only while the record stands returned or rejected.
    reviewerReason = reason,
)
