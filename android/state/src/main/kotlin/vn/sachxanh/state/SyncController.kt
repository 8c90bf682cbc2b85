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
import vn.sachxanh.core.Progress
import vn.sachxanh.core.SachxanhInterface
import vn.sachxanh.core.SyncObserver
import vn.sachxanh.core.SyncPhase
import java.time.Clock
import kotlin.coroutines.cancellation.CancellationException
import kotlin.time.Duration
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** What the shell knows about the network (ConnectivityManager / NWPathMonitor). */
enum class Network { UNKNOWN, NONE, CONNECTED }

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
    ) : SyncUiState

    /** No network or no answer: everything stays on the phone for the next try. */
    data class Offline(val message: UserText) : SyncUiState

    data class Cancelled(val message: UserText) : SyncUiState

    /** The token is missing or revoked: the person must enrol again. */
    data class NotEnrolled(val message: UserText) : SyncUiState

    data class Failed(val message: UserText) : SyncUiState
}

/** What the background worker reports back to the scheduler. */
enum class BackgroundResult {
    /** Done, or nothing to do: wait for the next periodic run. */
    SUCCESS,

    /** Try again after the policy's backoff. */
    RETRY,

    /** Retrying cannot help (not enrolled): stop until the person acts. */
    STOP,
}

/** The background-sync policy's verdict before running. */
enum class SyncDecision { RUN, SKIP, WAIT_FOR_NETWORK, STOP }

/** What the policy decides on; all of it is plain data so the rules are tested without a phone. */
data class SyncConditions(
    val network: Network,
    val enrolled: Boolean,
    val waiting: Long,
    val lastSyncMs: Long?,
    val nowMs: Long,
    /** Photos on the phone the server does not hold yet: they wait like changes do. */
    val photosWaiting: Long = 0,
)

/**
 * When to sync in the background. Volunteers are on 2G/3G or nothing: send as soon as there is
 * a network and something waits; otherwise look for staff decisions every [pullEvery]; back off
 * exponentially when the server cannot be reached.
 */
data class SyncPolicy(
    val firstBackoff: Duration = 30.seconds,
    val maxBackoff: Duration = 5.hours,
    /** Retries of one background run before waiting for the next periodic run. */
    val maxAttempts: Int = 8,
    val pullEvery: Duration = 3.hours,
) {
    /** Delay before retry number [attempt] (0 for the first retry): doubles up to [maxBackoff]. */
    fun backoff(attempt: Int): Duration {
        val doublings = attempt.coerceIn(0, 30)
        val ms = firstBackoff.inWholeMilliseconds.toDouble() * Math.pow(2.0, doublings.toDouble())
        return minOf(ms.milliseconds, maxBackoff)
    }

    fun decide(c: SyncConditions): SyncDecision = when {
        !c.enrolled -> SyncDecision.STOP
        c.network == Network.NONE -> SyncDecision.WAIT_FOR_NETWORK
        c.waiting > 0 || c.photosWaiting > 0 -> SyncDecision.RUN
        c.lastSyncMs == null -> SyncDecision.RUN
        // Phone clocks can be wrong: a last sync "in the future" says nothing, so sync.
        c.lastSyncMs > c.nowMs -> SyncDecision.RUN
        (c.nowMs - c.lastSyncMs).milliseconds >= pullEvery -> SyncDecision.RUN
        else -> SyncDecision.SKIP
    }

    /** After a background run that ended in [result], on retry number [attempt]. */
    fun afterRun(result: SyncUiState, attempt: Int): BackgroundResult = when (result) {
        is SyncUiState.Done -> BackgroundResult.SUCCESS
        is SyncUiState.NotEnrolled -> BackgroundResult.STOP
        is SyncUiState.Offline, is SyncUiState.Cancelled, is SyncUiState.Failed ->
            if (attempt + 1 < maxAttempts) BackgroundResult.RETRY else BackgroundResult.SUCCESS
        // Another sync is still running (the person pressed "sync now"): it does the work.
        is SyncUiState.Running, SyncUiState.Idle -> BackgroundResult.SUCCESS
    }

    /** The network came back: sync at once when something waits. */
    fun syncOnReconnect(waiting: Long): Boolean = waiting > 0
}

/**
 * Sync now, its progress, cancel, and the background policy. One per app: the home screen, the
 * outbox and the WorkManager worker share it, so two syncs never run at once.
 */
class SyncController(
    private val core: SachxanhInterface,
    private val clock: Clock,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    val policy: SyncPolicy = SyncPolicy(),
) {
    private val _state = MutableStateFlow<SyncUiState>(SyncUiState.Idle)
    val state: StateFlow<SyncUiState> = _state.asStateFlow()

    private val _network = MutableStateFlow(Network.UNKNOWN)
    val network: StateFlow<Network> = _network.asStateFlow()

    private val running = Mutex()

    // The core forgets a cancel that arrives before its sync starts; remember it here.
    @Volatile
    private var cancelRequested = false

    val isRunning: Boolean get() = running.isLocked

    /** From the shell's connectivity callback. */
    fun onNetworkChanged(network: Network) {
        val before = _network.value
        _network.value = network
        if (network == Network.CONNECTED && before != Network.CONNECTED) {
            scope.launch {
                val status = (io.core { core.syncStatus() } as? Outcome.Ok)?.value
                val waiting = status?.let { it.waiting.toLong() + it.photosWaiting.toLong() } ?: 0
                if (policy.syncOnReconnect(waiting)) sync()
            }
        }
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

    /**
     * The WorkManager worker's whole job: ask the policy, maybe sync, say whether to retry.
     * [attempt] is the worker's run attempt (0 on the first run).
     */
    suspend fun runInBackground(attempt: Int): BackgroundResult {
        val facts = io.core {
            val status = core.syncStatus()
            SyncConditions(
                network = _network.value,
                enrolled = core.me() != null,
                waiting = status.waiting.toLong(),
                lastSyncMs = status.lastSyncMs,
                nowMs = clock.millis(),
                photosWaiting = status.photosWaiting.toLong(),
            )
        }
        val conditions = when (facts) {
            is Outcome.Ok -> facts.value
            is Outcome.Failed -> return BackgroundResult.RETRY
        }
        return when (policy.decide(conditions)) {
            SyncDecision.RUN -> policy.afterRun(sync(), attempt)
            SyncDecision.SKIP -> BackgroundResult.SUCCESS
            SyncDecision.WAIT_FOR_NETWORK -> BackgroundResult.RETRY
            SyncDecision.STOP -> BackgroundResult.STOP
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
