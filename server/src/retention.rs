//! What the server keeps how long, and the sweep that applies it (hourly, with the one that
//! forgets unfinished photo uploads). Records, their documents, the log and the audit trail are
//! the campaign's state records and are kept; a household's personal data leaves them on its
//! request (erasure). What only serves a moment — a retried push's answer, a spent code, a read
//! log past its use — goes. `docs/privacy.md` tables the same periods.

use crate::storage::{Storage, StorageResult};

const DAY_MS: i64 = 24 * 3600 * 1000;

/// A push's stored answer, kept so a phone retrying after a lost answer gets the same one.
pub const BATCH_ANSWERS_DAYS: i64 = 30;
/// An enrolment code after it was used or expired (its hash, the person, the device).
pub const SPENT_CODES_DAYS: i64 = 90;
/// Who read a household's record: long enough to answer a data subject's access request about
/// the last two reporting years.
pub const READS_DAYS: i64 = 2 * 365;

/// What one sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub batch_answers: u64,
    pub spent_codes: u64,
    pub reads: u64,
}

/// Applies the periods as of `now_ms`.
pub fn sweep(storage: &dyn Storage, now_ms: i64) -> StorageResult<Swept> {
    Ok(Swept {
        batch_answers: storage.forget_batch_answers(now_ms - BATCH_ANSWERS_DAYS * DAY_MS)?,
        spent_codes: storage.forget_spent_codes(now_ms - SPENT_CODES_DAYS * DAY_MS)?,
        reads: storage.forget_reads(now_ms - READS_DAYS * DAY_MS)?,
    })
}
