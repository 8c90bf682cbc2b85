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
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.Refused
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface

/** One of my records and where it stands. */
data class OutboxItem(
    val id: String,
    val kind: RecordKind,
    val title: String,
    val areaName: String?,
    val status: ReviewStatus,
    /** Saved on this phone and not yet on the server. */
    val unsent: Boolean,
    val inConflict: Boolean,
    /** The reviewer's reason for the latest return or rejection. */
    val reviewerReason: String?,
)

/** A version the server refused: kept readable with the server's reason until dismissed. */
data class RefusedItem(
    val recordId: String,
    /** `null` for a kind this app version does not know. */
    val kind: RecordKind?,
    /** Stable code, e.g. `out_of_scope`, `not_allowed_for_role`, `invalid`. */
    val code: String,
    val message: UserText,
    /** Field paths the server found invalid (for `invalid`). */
    val fields: List<String>,
    val refusedAtMs: Long,
)

sealed interface OutboxUiState {
    data object Loading : OutboxUiState

    data class Error(val message: UserText) : OutboxUiState

    /** Nothing recorded on this phone yet. */
    data class Empty(val offlineMessage: UserText?) : OutboxUiState

    data class Content(
        /** Newest first. */
        val items: List<OutboxItem>,
        val refused: List<RefusedItem>,
        val sync: SyncUiState,
        /** Shown as a banner over the list: the list itself is on the phone and always readable. */
        val offlineMessage: UserText?,
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
        data class Error(val message: UserText) : Loaded
        data class Data(val items: List<OutboxItem>, val refused: List<RefusedItem>) : Loaded
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
                    OutboxUiState.Content(l.items, l.refused, activity, offline)
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

    private suspend fun load() = loading.withLock {
        val result = io.core {
            val names = core.me()?.areas.orEmpty().associate { it.id to it.name }
            val items = core.outbox().asReversed().map {
                OutboxItem(
                    id = it.id,
                    kind = it.kind,
                    title = it.title,
                    areaName = it.areaId?.let { a -> names[a] ?: a },
                    status = it.status,
                    unsent = it.unsent,
                    inConflict = it.inConflict,
                    // The core sets it only while the record stands returned or rejected.
                    reviewerReason = it.reason,
                )
            }
            Loaded.Data(items, core.refused().map { it.toItem() })
        }
        loaded.value = when (result) {
            is Outcome.Ok -> result.value
            is Outcome.Failed -> Loaded.Error(result.error.message)
        }
    }
}

private fun Refused.toItem() = RefusedItem(
    recordId = recordId,
    kind = kind?.let { k -> RecordKind.entries.firstOrNull { it.name.equals(k, ignoreCase = true) } },
    code = code,
    message = UserText(message.vi, message.en),
    fields = fields.map { it.field },
    refusedAtMs = refusedAt,
)
