//! When to sync: a pure decision from the phone's conditions, so Android's WorkManager worker,
//! iOS's background task and the "sync now" button all follow one rule. The shells only report
//! the conditions and run what is decided.

use serde::Serialize;

/// The network as the phone sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum Network {
    None,
    /// Mobile data: paid by the megabyte.
    Metered,
    /// Wi-Fi.
    Unmetered,
    /// Not known yet (the first callback has not come).
    Unknown,
}

/// What the decision depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SyncConditions {
    pub enrolled: bool,
    pub network: Network,
    /// The phone's battery saver is on: only what waits to be sent goes now.
    pub battery_saver: bool,
    /// Changes saved on the phone and not yet on the server.
    pub waiting: u64,
    pub photos_waiting: u64,
    pub last_sync_ms: Option<i64>,
    pub now_ms: i64,
    /// The person asked photos to go only over Wi-Fi.
    pub photos_on_wifi_only: bool,
}

/// What to do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum SyncDecision {
    /// Not enrolled: nothing to sync, ever, until enrolment.
    Stop,
    WaitForNetwork,
    Run,
    /// Nothing waits and the last sync is recent.
    Skip,
}

/// How a background run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum RunOutcome {
    Done,
    NotEnrolled,
    Offline,
    Cancelled,
    Failed,
    /// Another sync was running (the person pressed "sync now"): it does the work.
    AlreadyRunning,
}

/// What the scheduler does after a background run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum AfterRun {
    Success,
    /// Try again after `delay_ms`.
    Retry {
        delay_ms: u64,
    },
    Stop,
}

/// Pull for others' records at least this often, even with nothing to send.
pub const PULL_EVERY_MS: i64 = 3 * 3600 * 1000;
pub const FIRST_BACKOFF_MS: u64 = 30_000;
pub const MAX_BACKOFF_MS: u64 = 5 * 3600 * 1000;
/// Retries of one background run before waiting for the next periodic run.
pub const MAX_ATTEMPTS: u32 = 8;

/// Whether to sync now.
pub fn decide(c: &SyncConditions) -> SyncDecision {
    if !c.enrolled {
        return SyncDecision::Stop;
    }
    if c.network == Network::None {
        return SyncDecision::WaitForNetwork;
    }
    let photos_may_go = !(c.photos_on_wifi_only && c.network == Network::Metered);
    if c.waiting > 0 || (c.photos_waiting > 0 && photos_may_go && !c.battery_saver) {
        return SyncDecision::Run;
    }
    if c.battery_saver {
        return SyncDecision::Skip;
    }
    match c.last_sync_ms {
        None => SyncDecision::Run,
        // Phone clocks can be wrong: a last sync "in the future" says nothing, so sync.
        Some(last) if last > c.now_ms => SyncDecision::Run,
        Some(last) if c.now_ms - last >= PULL_EVERY_MS => SyncDecision::Run,
        Some(_) => SyncDecision::Skip,
    }
}

/// Delay before retry number `attempt` (0 for the first): doubles up to a ceiling.
pub fn backoff_ms(attempt: u32) -> u64 {
    FIRST_BACKOFF_MS
        .saturating_mul(1u64 << attempt.min(30))
        .min(MAX_BACKOFF_MS)
}

/// After a background run that ended in `outcome`, on retry number `attempt`.
pub fn after_run(outcome: RunOutcome, attempt: u32) -> AfterRun {
    match outcome {
        RunOutcome::Done | RunOutcome::AlreadyRunning => AfterRun::Success,
        RunOutcome::NotEnrolled => AfterRun::Stop,
        RunOutcome::Offline | RunOutcome::Cancelled | RunOutcome::Failed => {
            if attempt + 1 < MAX_ATTEMPTS {
                AfterRun::Retry {
                    delay_ms: backoff_ms(attempt),
                }
            } else {
                AfterRun::Success
            }
        }
    }
}

/// The network came back: sync at once when something waits.
pub fn sync_on_reconnect(waiting: u64) -> bool {
    waiting > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idle() -> SyncConditions {
        SyncConditions {
            enrolled: true,
            network: Network::Metered,
            battery_saver: false,
            waiting: 0,
            photos_waiting: 0,
            last_sync_ms: Some(1_000),
            now_ms: 2_000,
            photos_on_wifi_only: false,
        }
    }

    #[test]
    fn what_waits_goes_and_the_rest_waits_for_its_time() {
        assert_eq!(decide(&idle()), SyncDecision::Skip);
        assert_eq!(
            decide(&SyncConditions {
                waiting: 1,
                ..idle()
            }),
            SyncDecision::Run
        );
        assert_eq!(
            decide(&SyncConditions {
                enrolled: false,
                waiting: 1,
                ..idle()
            }),
            SyncDecision::Stop
        );
        assert_eq!(
            decide(&SyncConditions {
                network: Network::None,
                waiting: 1,
                ..idle()
            }),
            SyncDecision::WaitForNetwork
        );
        let stale = SyncConditions {
            now_ms: 1_000 + PULL_EVERY_MS,
            ..idle()
        };
        assert_eq!(decide(&stale), SyncDecision::Run);
        // Battery saver: records still go, photos and routine pulls wait.
        let saver = |c: SyncConditions| {
            decide(&SyncConditions {
                battery_saver: true,
                ..c
            })
        };
        assert_eq!(
            saver(SyncConditions {
                waiting: 2,
                ..idle()
            }),
            SyncDecision::Run
        );
        assert_eq!(
            saver(SyncConditions {
                photos_waiting: 2,
                ..idle()
            }),
            SyncDecision::Skip
        );
        assert_eq!(saver(stale), SyncDecision::Skip);
        // Photos on Wi-Fi only: mobile data carries none.
        let photos = SyncConditions {
            photos_waiting: 1,
            photos_on_wifi_only: true,
            ..idle()
        };
        assert_eq!(decide(&photos), SyncDecision::Skip);
        assert_eq!(
            decide(&SyncConditions {
                network: Network::Unmetered,
                ..photos
            }),
            SyncDecision::Run
        );
        // A clock that went backwards says nothing: sync.
        assert_eq!(
            decide(&SyncConditions {
                last_sync_ms: Some(9_999_999),
                ..idle()
            }),
            SyncDecision::Run
        );
    }

    #[test]
    fn retries_back_off_and_end() {
        assert_eq!(backoff_ms(0), 30_000);
        assert_eq!(backoff_ms(1), 60_000);
        assert_eq!(backoff_ms(40), MAX_BACKOFF_MS);
        assert_eq!(
            after_run(RunOutcome::Offline, 0),
            AfterRun::Retry { delay_ms: 30_000 }
        );
        assert_eq!(
            after_run(RunOutcome::Offline, MAX_ATTEMPTS - 1),
            AfterRun::Success
        );
        assert_eq!(after_run(RunOutcome::NotEnrolled, 0), AfterRun::Stop);
        assert_eq!(after_run(RunOutcome::AlreadyRunning, 3), AfterRun::Success);
        assert!(sync_on_reconnect(1) && !sync_on_reconnect(0));
    }
}
