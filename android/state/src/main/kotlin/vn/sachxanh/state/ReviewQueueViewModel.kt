package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.sachxanh.core.Decision
import vn.sachxanh.core.Message
import vn.sachxanh.core.ReadField
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface

/** A record waiting for a reviewer. */
data class ReviewItem(
    val id: String,
    val kind: RecordKind,
    val kindLabel: Message,
    val title: Message,
    val areaName: String?,
    /** Awaiting review, or approved once and changed since. */
    val status: ReviewStatus,
    val statusLabel: Message,
    val inConflict: Boolean,
)

/** A record opened by the reviewer: every shown field with its value, in words. */
sealed interface Reading {
    val item: ReviewItem

    data class Loading(override val item: ReviewItem) : Reading
    data class Shown(override val item: ReviewItem, val fields: List<ReadField>) : Reading
    data class Failed(override val item: ReviewItem, val message: Message) : Reading
}

/** A return or rejection being written: the author will read [reason] on their phone. */
data class Deciding(
    val item: ReviewItem,
    val decision: Decision,
    val reason: String = "",
    /** The core's words under the reason box (a return needs a reason). */
    val problems: List<Message> = emptyList(),
    val saving: Boolean = false,
)

/** The last decision, for a short confirmation ("sent at the next sync"). */
data class Decided(val item: ReviewItem, val decision: Decision)

sealed interface ReviewQueueUiState {
    data object Loading : ReviewQueueUiState

    /** Only reviewers (the core's capabilities) review; the entry is hidden for others, this is the guard. */
    data object NotAllowed : ReviewQueueUiState

    data class Error(val message: Message) : ReviewQueueUiState

    /** Nothing waits for review on this phone (sync to fetch new submissions). */
    data class Empty(val lastDecided: Decided?) : ReviewQueueUiState

    data class Content(
        val items: List<ReviewItem>,
        /** The record being read before deciding. */
        val reading: Reading? = null,
        val deciding: Deciding? = null,
        val lastDecided: Decided? = null,
        /** A decision that failed for another reason than the form (storage, role). */
        val problem: Message? = null,
    ) : ReviewQueueUiState
}

/** Commune staff on a phone: read a record, approve it, return or reject it with a reason. */
class ReviewQueueViewModel(
    private val core: SachxanhInterface,
    private val sync: SyncController,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
) {
    private val _state = MutableStateFlow<ReviewQueueUiState>(ReviewQueueUiState.Loading)
    val state: StateFlow<ReviewQueueUiState> = _state.asStateFlow()

    /** The sync line of the screen: decisions leave the phone with the next sync. */
    val syncState: StateFlow<SyncUiState> = sync.state

    init {
        refresh()
        // A sync brings new submissions (and sends the decisions made here).
        scope.launch {
            sync.state.collect { s -> if (s is SyncUiState.Done) load(lastDecidedNow()) }
        }
    }

    fun syncNow() {
        sync.syncNow()
    }

    fun cancelSync() = sync.cancel()

    private fun lastDecidedNow(): Decided? = when (val s = _state.value) {
        is ReviewQueueUiState.Content -> s.lastDecided
        is ReviewQueueUiState.Empty -> s.lastDecided
        else -> null
    }

    fun refresh(lastDecided: Decided? = null) {
        scope.launch { load(lastDecided) }
    }

    private suspend fun load(lastDecided: Decided?) {
        val result = io.core {
            if (core.capabilities()?.mayReview != true) return@core null
            core.reviewQueue().map {
                ReviewItem(it.id, it.kind, it.kindLabel, it.title, it.areaName, it.status, it.statusLabel, it.inConflict)
            }
        }
        _state.update { before ->
            when (result) {
                is Outcome.Failed -> ReviewQueueUiState.Error(result.error.message)
                is Outcome.Ok -> when (val items = result.value) {
                    null -> ReviewQueueUiState.NotAllowed
                    else -> if (items.isEmpty()) {
                        ReviewQueueUiState.Empty(lastDecided)
                    } else {
                        // A sync finishing in the background must not throw away the record the reviewer
                        // is reading or the reason being typed, while that record still waits.
                        val open = before as? ReviewQueueUiState.Content
                        val ids = items.map { it.id }.toSet()
                        ReviewQueueUiState.Content(
                            items,
                            reading = open?.reading?.takeIf { it.item.id in ids },
                            deciding = open?.deciding?.takeIf { it.item.id in ids && lastDecided?.item?.id != it.item.id },
                            lastDecided = lastDecided,
                        )
                    }
                }
            }
        }
    }

    /** Opens a record to read before deciding: its fields and values as the core words them. */
    fun open(id: String) {
        val c = _state.value as? ReviewQueueUiState.Content ?: return
        val item = c.items.firstOrNull { it.id == id } ?: return
        _state.value = c.copy(reading = Reading.Loading(item))
        scope.launch {
            val read = io.core { core.readRecord(id) }
            _state.update { s ->
                if (s !is ReviewQueueUiState.Content || s.reading?.item?.id != id) return@update s
                s.copy(
                    reading = when (read) {
                        is Outcome.Ok -> Reading.Shown(item, read.value)
                        is Outcome.Failed -> Reading.Failed(item, read.error.message)
                    },
                )
            }
        }
    }

    fun closeReading() = _state.update { s -> if (s is ReviewQueueUiState.Content) s.copy(reading = null) else s }

    fun approve(id: String) = decide(id, Decision.APPROVED)

    /** Opens the reason box; the decision is made by [confirm]. */
    fun startReturn(id: String) = startDeciding(id, Decision.RETURNED)
    fun startReject(id: String) = startDeciding(id, Decision.REJECTED)

    private fun startDeciding(id: String, decision: Decision) = _state.update { s ->
        val c = s as? ReviewQueueUiState.Content ?: return@update s
        val item = c.items.firstOrNull { it.id == id } ?: return@update s
        c.copy(deciding = Deciding(item, decision), problem = null)
    }

    fun onReasonChanged(text: String) = _state.update { s ->
        val c = s as? ReviewQueueUiState.Content
        val d = c?.deciding
        if (d == null || d.saving) s else c.copy(deciding = d.copy(reason = text))
    }

    fun dismiss() = _state.update { s -> if (s is ReviewQueueUiState.Content) s.copy(deciding = null) else s }

    fun confirm() {
        val d = (_state.value as? ReviewQueueUiState.Content)?.deciding ?: return
        decide(d.item.id, d.decision, d.reason)
    }

    private fun decide(id: String, decision: Decision, reason: String = "") {
        val c = _state.value as? ReviewQueueUiState.Content ?: return
        val item = c.items.firstOrNull { it.id == id } ?: return
        if (c.deciding?.saving == true) return
        val deciding = c.deciding?.takeIf { it.item.id == id }
        _state.value = c.copy(deciding = deciding?.copy(saving = true), problem = null)
        scope.launch {
            // The review is pinned to the version on this phone: what the reviewer looked at.
            when (val r = io.core { core.review(id, decision, reason) }) {
                is Outcome.Ok -> load(Decided(item, decision))
                is Outcome.Failed -> _state.update { s ->
                    if (s !is ReviewQueueUiState.Content) return@update s
                    when (val e = r.error) {
                        // The review's own rules (a return needs a reason): under the reason box.
                        is CoreError.Invalid -> s.copy(
                            deciding = (deciding ?: Deciding(item, decision, reason)).copy(
                                saving = false,
                                problems = e.problems.map { it.message }.ifEmpty { listOf(e.message) },
                            ),
                        )
                        else -> s.copy(deciding = deciding?.copy(saving = false), problem = e.message)
                    }
                }
            }
        }
    }
}
