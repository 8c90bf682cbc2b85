package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import vn.sachxanh.core.AfterRun
import vn.sachxanh.core.Message
import vn.sachxanh.core.Network
import vn.sachxanh.core.Progress
import vn.sachxanh.core.RunOutcome
import vn.sachxanh.core.SachxanhInterface
import vn.sachxanh.core.SyncConditions
import vn.sachxanh.core.SyncDecision
import vn.sachxanh.core.SyncObserver
import vn.sachxanh.core.SyncPhase
import vn.sachxanh.core.syncAfterRun
import vn.sachxanh.core.syncDecision
import vn.sachxanh.core.syncOnReconnect
import vn.sachxanh.core.syncPeriodMs
import java.time.Clock
import kotlin.coroutines.cancellation.CancellationException

/** One step of a running sync, for a progress bar. */
sealed interface SyncStep {
    /** Before the core's first report. */
    data object Starting : SyncStep

    /** Sending what was saved on the phone: [done] of [total] changes. */
    data class Sending(val done: Long, val total: Long) : SyncStep {
        val fraction: Float get() = if (total == 0L) 1f else done.toFloat() / total
    }

    /** Receiving what others recorded and what staff decided; the total is unknown. */
    data class Receiving(val received: Long) : SyncStep

    /**
     * Sending photos, after the records: [sentBytes] of [totalBytes] (a photo is a few hundred
     * kB, so bytes, not photos, move the bar on a slow link). A photo cut off resumes next time.
     */
    data class UploadingPhotos(val sentBytes: Long, val totalBytes: Long) : SyncStep {
        val fraction: Float get() = if (totalBytes == 0L) 1f else sentBytes.toFloat() / totalBytes
    }

    data object Finishing : SyncStep

    /** A phase this app version does not know yet: just busy. */
    data object Working : SyncStep
}

sealed interface SyncUiState {
    /** Nothing has run since the app started. */
    data object Idle : SyncUiState

    data class Running(val step: SyncStep) : SyncUiState

    data class Done(
        val pushed: Long,
        val pulled: Long,
        val refused: Long,
        val finishedAtMs: Long,
        val photosUploaded: Long = 0,
        /** Photos the link kept failing this time: they stay on the phone for the next sync. */
        val photosWaiting: Long = 0,
        /** What the server said of records it took (a date in a closed report period). */
        val notices: List<Message> = emptyList(),
    ) : SyncUiState

    /** No network or no answer: everything stays on the phone for the next try. */
    data class Offline(val message: Message) : SyncUiState

    data class Cancelled(val message: Message) : SyncUiState

    /** The token is missing or revoked: the person must enrol again. */
    data class NotEnrolled(val message: Message) : SyncUiState

    data class Failed(val message: Message) : SyncUiState
}

/** How a run ended, in the core's terms (for its retry rule). */
internal fun SyncUiState.outcome(): RunOutcome = when (this) {
    is SyncUiState.Done -> RunOutcome.DONE
    is SyncUiState.NotEnrolled -> RunOutcome.NOT_ENROLLED
    is SyncUiState.Offline -> RunOutcome.OFFLINE
    is SyncUiState.Cancelled -> RunOutcome.CANCELLED
    is SyncUiState.Failed -> RunOutcome.FAILED
    // Another sync is still running (the person pressed "sync now"): it does the work.
    is SyncUiState.Running, SyncUiState.Idle -> RunOutcome.ALREADY_RUNNING
}

/**
 * Sync now, its progress, cancel, and the background runs. One per app: home, the outbox, the
 * review queue and the WorkManager worker share it, so two syncs never run at once. When to
 * sync, retry or stop is the core's decision (`syncDecision`, `syncAfterRun`,
 * `syncOnReconnect`); this reports the phone's conditions to it and runs what it decides.
 */
class SyncController(
    private val core: SachxanhInterface,
    private val clock: Clock,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
) {
    private val _state = MutableStateFlow<SyncUiState>(SyncUiState.Idle)
    val state: StateFlow<SyncUiState> = _state.asStateFlow()

    private val _network = MutableStateFlow(Network.UNKNOWN)

    /** The network as the shell last reported it. */
    val network: StateFlow<Network> = _network.asStateFlow()

    @Volatile
    private var batterySaver = false

    @Volatile
    private var photosOnWifiOnly = false

    private val running = Mutex()

    // The core forgets a cancel that arrives before its sync starts; remember it here.
    @Volatile
    private var cancelRequested = false

    val isRunning: Boolean get() = running.isLocked

    /** How often the periodic background run comes (WorkManager's period, BGTask's earliest date). */
    val periodMs: Long get() = syncPeriodMs().toLong()

    /** The first retry delay, for the scheduler's exponential backoff (it doubles from there). */
    val firstBackoffMs: Long get() = (syncAfterRun(RunOutcome.FAILED, 0u) as? AfterRun.Retry)?.delayMs?.toLong() ?: 0L

    /**
     * From the shell's connectivity callback: Wi-Fi is `UNMETERED`, mobile data `METERED`. When
     * a network comes back and the core says so, what waits is sent at once.
     */
    fun onNetworkChanged(network: Network) {
        val before = _network.value
        _network.value = network
        val usable = network == Network.METERED || network == Network.UNMETERED
        val wasUsable = before == Network.METERED || before == Network.UNMETERED
        if (usable && !wasUsable) {
            scope.launch {
                val conditions = (io.core { conditions() } as? Outcome.Ok)?.value ?: return@launch
                val waiting = conditions.waiting + conditions.photosWaiting
                if (syncOnReconnect(waiting) && syncDecision(conditions) == SyncDecision.RUN) sync()
            }
        }
    }

    /** The phone's battery saver (PowerManager / Low Power Mode): only records go then. */
    fun onBatterySaverChanged(on: Boolean) {
        batterySaver = on
    }

    /** The person's setting: photos only over Wi-Fi (mobile data is paid by the megabyte). */
    fun setPhotosOnWifiOnly(on: Boolean) {
        photosOnWifiOnly = on
    }

    /** The "sync now" button. Does nothing while a sync runs. */
    fun syncNow(): Job = scope.launch { sync() }

    /** Stops a running sync at the core's next safe point; what was sent stays sent. */
    fun cancel() {
        if (!running.isLocked) return
        cancelRequested = true
        core.cancelSync()
    }

    /** Runs one sync and returns how it ended; while it runs, [state] follows its progress. */
    suspend fun sync(): SyncUiState {
        if (!running.tryLock()) return _state.value
        try {
            if (_network.value == Network.NONE) {
                return publish(SyncUiState.Offline(Texts.noNetwork))
            }
            cancelRequested = false
            _state.value = SyncUiState.Running(SyncStep.Starting)
            val observer = object : SyncObserver {
                override fun onProgress(progress: Progress) {
                    if (cancelRequested) core.cancelSync()
                    _state.value = SyncUiState.Running(progress.toStep())
                }
            }
            val outcome = coroutineScope {
                val work = async(io) {
                    try {
                        Outcome.Ok(core.sync(observer))
                    } catch (e: Exception) {
                        Outcome.Failed(e.toCoreError())
                    }
                }
                try {
                    work.await()
                } catch (e: CancellationException) {
                    // The screen or the worker went away: stop the blocking call too.
                    core.cancelSync()
                    throw e
                }
            }
            return publish(
                when (outcome) {
                    is Outcome.Ok -> SyncUiState.Done(
                        pushed = outcome.value.pushed.toLong(),
                        pulled = outcome.value.pulled.toLong(),
                        refused = outcome.value.refused.toLong(),
                        finishedAtMs = clock.millis(),
                        photosUploaded = outcome.value.photosUploaded.toLong(),
                        photosWaiting = outcome.value.photosWaiting.toLong(),
                        notices = outcome.value.notices.map { it.message },
                    )
                    is Outcome.Failed -> when (val e = outcome.error) {
                        is CoreError.Offline -> SyncUiState.Offline(e.message)
                        is CoreError.Cancelled -> SyncUiState.Cancelled(e.message)
                        is CoreError.NotEnrolled -> SyncUiState.NotEnrolled(e.message)
                        else -> SyncUiState.Failed(e.message)
                    }
                },
            )
        } finally {
            running.unlock()
        }
    }

    private fun conditions(): SyncConditions {
        val status = core.syncStatus()
        return SyncConditions(
            enrolled = core.me() != null,
            network = _network.value,
            batterySaver = batterySaver,
            waiting = status.waiting,
            photosWaiting = status.photosWaiting,
            lastSyncMs = status.lastSyncMs,
            nowMs = clock.millis(),
            photosOnWifiOnly = photosOnWifiOnly,
        )
    }

    /**
     * The WorkManager worker's (or BGTask's) whole job: the core decides whether to sync now; after
     * a run it says whether to retry (after `delayMs`) or stop. [attempt] is the worker's run
     * attempt (0 on the first run).
     */
    suspend fun runInBackground(attempt: Int): AfterRun {
        val tries = attempt.coerceAtLeast(0).toUInt()
        val conditions = when (val facts = io.core { conditions() }) {
            is Outcome.Ok -> facts.value
            is Outcome.Failed -> return syncAfterRun(RunOutcome.FAILED, tries)
        }
        return when (syncDecision(conditions)) {
            SyncDecision.RUN -> syncAfterRun(sync().outcome(), tries)
            SyncDecision.SKIP -> AfterRun.Success
            // Waiting for a network is retried like a run that found none.
            SyncDecision.WAIT_FOR_NETWORK -> syncAfterRun(RunOutcome.OFFLINE, tries)
            SyncDecision.STOP -> AfterRun.Stop
        }
    }

    private fun publish(s: SyncUiState): SyncUiState {
        _state.value = s
        return s
    }
}

@Suppress("REDUNDANT_ELSE_IN_WHEN")
internal fun Progress.toStep(): SyncStep = when (phase) {
    SyncPhase.PUSHING -> SyncStep.Sending(done.toLong(), total.toLong())
    SyncPhase.PULLING -> SyncStep.Receiving(done.toLong())
    SyncPhase.UPLOADING_PHOTOS -> SyncStep.UploadingPhotos(done.toLong(), total.toLong())
    SyncPhase.DONE -> SyncStep.Finishing
    // The core may gain phases: show them as work, never crash.
    else -> SyncStep.Working
}
