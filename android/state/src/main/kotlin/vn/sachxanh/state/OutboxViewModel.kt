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
import vn.sachxanh.core.ErrorCode
import vn.sachxanh.core.Message
import vn.sachxanh.core.Network
import vn.sachxanh.core.ReadField
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.Refused
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface

/** One of my records and where it stands. */
data class OutboxItem(
    val id: String,
    val kind: RecordKind,
    val kindLabel: Message,
    val title: Message,
    val areaName: String?,
    val status: ReviewStatus,
    val statusLabel: Message,
    /** Saved on this phone and not yet on the server. */
    val unsent: Boolean,
    val inConflict: Boolean,
    /** The reviewer's reason for the latest return or rejection. */
    val reviewerReason: String?,
) {
    /** The form to open for it. */
    val target: FormTarget get() = FormTarget(kind, id)
}

/** A version the server refused: kept readable with the server's reason until dismissed. */
data class RefusedItem(
    val recordId: String,
    /** `null` for a kind this app version does not know. */
    val kind: RecordKind?,
    val kindLabel: Message?,
    /** Why, as a stable code (`OUT_OF_SCOPE`, `NOT_ALLOWED_FOR_ROLE`, `INVALID` …). */
    val code: ErrorCode,
    /** Why, in words. */
    val message: Message,
    /** The rules it broke, in words (for `INVALID`). */
    val problems: List<Message>,
    val refusedAtMs: Long,
)

/** A refused version opened: what the person sent, field by field, to record it again correctly. */
data class RefusedDetail(val item: RefusedItem, val fields: List<ReadField>)

sealed interface OutboxUiState {
    data object Loading : OutboxUiState

    data class Error(val message: Message) : OutboxUiState

    /** Nothing recorded on this phone yet. */
    data class Empty(val offlineMessage: Message?) : OutboxUiState

    data class Content(
        /** Newest first. */
        val items: List<OutboxItem>,
        val refused: List<RefusedItem>,
        val sync: SyncUiState,
        /** Shown as a banner over the list: the list itself is on the phone and always readable. */
        val offlineMessage: Message?,
        /** A refused version opened with [OutboxViewModel.openRefused]. */
        val refusedDetail: RefusedDetail? = null,
    ) : OutboxUiState {
        val unsentCount: Int get() = items.count { it.unsent }
    }
}

/** My records with their state, the unsent flag, and refusal or return reasons. */
class OutboxViewModel(
    private val core: SachxanhInterface,
    private val sync: SyncController,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
) {
    private sealed interface Loaded {
        data object Loading : Loaded
        data class Error(val message: Message) : Loaded
        data class Data(val items: List<OutboxItem>, val refused: List<RefusedItem>, val detail: RefusedDetail? = null) : Loaded
    }

    private val loaded = MutableStateFlow<Loaded>(Loaded.Loading)
    private val loading = Mutex()

    val state: StateFlow<OutboxUiState> = combine(loaded, sync.state, sync.network) { l, activity, network ->
        val offline = (activity as? SyncUiState.Offline)?.message ?: if (network == Network.NONE) Texts.noNetwork else null
        when (l) {
            Loaded.Loading -> OutboxUiState.Loading
            is Loaded.Error -> OutboxUiState.Error(l.message)
            is Loaded.Data ->
                if (l.items.isEmpty() && l.refused.isEmpty()) {
                    OutboxUiState.Empty(offline)
                } else {
                    OutboxUiState.Content(l.items, l.refused, activity, offline, l.detail)
                }
        }
    }.stateIn(scope, SharingStarted.Eagerly, OutboxUiState.Loading)

    init {
        refresh()
        scope.launch {
            sync.state.collect { s -> if (s !is SyncUiState.Running && s != SyncUiState.Idle) load() }
        }
    }

    fun refresh() {
        scope.launch { load() }
    }

    fun syncNow() {
        sync.syncNow()
    }

    fun cancelSync() = sync.cancel()

    /** The person has read the refusal (or recorded the record again correctly). */
    fun dismissRefused(recordId: String) {
        scope.launch {
            when (val r = io.core { core.dismissRefused(recordId) }) {
                is Outcome.Ok -> load()
                is Outcome.Failed -> loaded.value = Loaded.Error(r.error.message)
            }
        }
    }

    /** Opens a refused version: what was sent, in words, next to the server's reason. */
    fun openRefused(recordId: String) {
        val data = loaded.value as? Loaded.Data ?: return
        val item = data.refused.firstOrNull { it.recordId == recordId } ?: return
        scope.launch {
            val fields = io.core { core.readRefused(recordId) }
            if (fields is Outcome.Ok) {
                loading.withLock {
                    (loaded.value as? Loaded.Data)?.let { loaded.value = it.copy(detail = RefusedDetail(item, fields.value)) }
                }
            }
        }
    }

    fun closeRefused() {
        (loaded.value as? Loaded.Data)?.let { loaded.value = it.copy(detail = null) }
    }

    private suspend fun load() = loading.withLock {
        val result = io.core {
            val items = core.outbox().asReversed().map {
                OutboxItem(
                    id = it.id,
                    kind = it.kind,
                    kindLabel = it.kindLabel,
                    title = it.title,
                    areaName = it.areaName,
                    status = it.status,
                    statusLabel = it.statusLabel,
                    unsent = it.unsent,
                    inConflict = it.inConflict,
                    // The core sets it only while the record stands returned or rejected.
                    reviewerReason = it.reason,
                )
            }
            items to core.refused().map { it.toItem() }
        }
        loaded.value = when (result) {
            is Outcome.Ok -> {
                val (items, refused) = result.value
                // An opened refusal stays open while it is still listed.
                val detail = (loaded.value as? Loaded.Data)?.detail?.takeIf { d -> refused.any { it.recordId == d.item.recordId } }
                Loaded.Data(items, refused, detail)
            }
            is Outcome.Failed -> Loaded.Error(result.error.message)
        }
    }
}

private fun Refused.toItem() = RefusedItem(
    recordId = recordId,
    kind = kind,
    kindLabel = kindLabel,
    code = code,
    message = message,
    problems = problems,
    refusedAtMs = refusedAt,
)
