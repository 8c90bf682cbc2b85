package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** The background-sync rules, as plain data in and decisions out. */
class SyncPolicyTest {
    private val policy = SyncPolicy()
    private val now = 1_800_000_000_000L
    private fun facts(network: Network = Network.CONNECTED, enrolled: Boolean = true, waiting: Long = 0, last: Long? = now - 1.hours.inWholeMilliseconds) =
        SyncConditions(network, enrolled, waiting, last, now)

    @Test
    fun `backoff doubles from thirty seconds up to the cap`() {
        assertEquals(listOf(30.seconds, 1.minutes, 2.minutes, 4.minutes, 8.minutes), (0..4).map(policy::backoff))
        assertEquals(5.hours, policy.backoff(20))
        assertEquals(5.hours, policy.backoff(Int.MAX_VALUE))
    }

    @Test
    fun `sync only with a network, at once when something waits, otherwise every few hours`() {
        assertEquals(SyncDecision.STOP, policy.decide(facts(enrolled = false, waiting = 3)))
        assertEquals(SyncDecision.WAIT_FOR_NETWORK, policy.decide(facts(network = Network.NONE, waiting = 3)))
        assertEquals(SyncDecision.RUN, policy.decide(facts(waiting = 3)))
        assertEquals(SyncDecision.RUN, policy.decide(facts(network = Network.UNKNOWN, waiting = 1)))
        assertEquals(SyncDecision.SKIP, policy.decide(facts()))
        assertEquals(SyncDecision.RUN, policy.decide(facts(last = now - 4.hours.inWholeMilliseconds)))
        assertEquals(SyncDecision.RUN, policy.decide(facts(last = null)))
        // A phone clock set back after the last sync: trust nothing, sync.
        assertEquals(SyncDecision.RUN, policy.decide(facts(last = now + 2.hours.inWholeMilliseconds)))
    }

    @Test
    fun `photos waiting to be uploaded count as something waiting`() {
        val photosOnly = facts().copy(photosWaiting = 2)
        assertEquals(SyncDecision.RUN, policy.decide(photosOnly))
        assertEquals(SyncDecision.WAIT_FOR_NETWORK, policy.decide(photosOnly.copy(network = Network.NONE)))
        assertEquals(SyncDecision.SKIP, policy.decide(photosOnly.copy(photosWaiting = 0)))
    }

    @Test
    fun `after a run the worker retries what a better network can fix, and stops for enrolment`() {
        val offline = SyncUiState.Offline(Texts.noNetwork)
        assertEquals(BackgroundResult.SUCCESS, policy.afterRun(SyncUiState.Done(1, 0, 0, now), 0))
        assertEquals(BackgroundResult.RETRY, policy.afterRun(offline, 0))
        assertEquals(BackgroundResult.RETRY, policy.afterRun(SyncUiState.Failed(Texts.unexpected), 3))
        assertEquals(BackgroundResult.SUCCESS, policy.afterRun(offline, policy.maxAttempts - 1), "the periodic run tries again later")
        assertEquals(BackgroundResult.STOP, policy.afterRun(SyncUiState.NotEnrolled(Texts.unexpected), 0))
    }
}
