//! What must hold for any input from outside, as functions that panic when it does not: the
//! bodies of the fuzz targets (`fuzz/`), and of the test that replays every input the fuzzers
//! ever found (`core/tests/fuzz_regressions.rs`), so a fixed crash stays fixed.

use crate::sync::change_bytes;
use crate::sync::protocol::{check_push, decode, Limits, PullResponse, PushRequest};

/// Change bytes: measuring never panics, and what it lets through Automerge reads with no more
/// operations than the measure counted.
pub fn change_bytes(data: &[u8]) {
    let limits = Limits::default();
    let Ok(shape) = change_bytes::inspect(
        data,
        limits.max_change_bytes,
        limits.max_ops_per_change as u64,
    ) else {
        return;
    };
    if let Ok(change) = change_bytes::parse(data) {
        assert!(
            change.len() as u64 <= shape.rows,
            "{} operations behind a measure of {}",
            change.len(),
            shape.rows
        );
    }
}

/// A push body (deflate + CBOR): decoding and the wire checks never panic, and what they
/// accept stays within every limit.
pub fn push_body(data: &[u8]) {
    let limits = Limits::default();
    let Ok(req) = decode::<PushRequest>(data, &limits) else {
        return;
    };
    let Ok(records) = check_push(&req, &limits) else {
        return;
    };
    let mut ops = 0;
    for (_, changes) in records {
        for c in changes.into_iter().flatten() {
            assert!(c.len() <= limits.max_ops_per_change);
            assert!(c.raw_bytes().len() <= limits.max_change_bytes);
            ops += c.len();
        }
    }
    assert!(ops <= limits.max_ops);
}

/// A pull body as a phone reads it: never panics, and its changes are measured before parsing.
pub fn pull_body(data: &[u8]) {
    let Ok(page) = decode::<PullResponse>(data, &Limits::default()) else {
        return;
    };
    for r in page.records {
        let bytes: Vec<Vec<u8>> = r.changes.iter().map(|c| c.to_vec()).collect();
        let _ = crate::document::parse_changes(&bytes);
    }
}

/// An enrolment code as typed or scanned: never panics; what it accepts is a code.
pub fn enrolment_code(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for parsed in [
        crate::enrolment::parse_typed(&text).ok(),
        crate::enrolment::parse_qr(&text),
    ]
    .into_iter()
    .flatten()
    {
        assert_eq!(parsed.len(), crate::enrolment::LENGTH + 2);
        assert_eq!(crate::enrolment::parse_typed(&parsed), Ok(parsed.clone()));
    }
}
