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

/// Text typed into a form's number and date fields: never panics, and what it reads is read
/// again the same from the way the form shows it (so a saved value re-opens as it was saved).
pub fn typed_text(data: &[u8]) {
    use crate::form::{number_text, parse_count, parse_date, parse_quantity};
    let text = String::from_utf8_lossy(data);
    if let Ok(Some(n)) = parse_count(&text) {
        assert_eq!(parse_count(&n.to_string()), Ok(Some(n)), "count {n}");
    }
    if let Ok(Some(q)) = parse_quantity(&text) {
        assert!(q.is_finite() && q >= 0.0, "quantity {q}");
        assert_eq!(parse_quantity(&number_text(q)), Ok(Some(q)), "quantity {q}");
    }
    if let Ok(Some(d)) = parse_date(&text) {
        assert_eq!(parse_date(&d.shown()), Ok(Some(d)), "date {d}");
        assert_eq!(parse_date(&d.to_string()), Ok(Some(d)), "date {d}");
    }
}

/// A reference file (communes and areas, GeoJSON as QGIS exports it): loading never panics,
/// and every area it accepts belongs to a commune it accepts, with a name.
pub fn reference_geojson(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(reference) = crate::Reference::from_geojson(text) else {
        return;
    };
    for commune in reference.communes() {
        assert!(!commune.name.is_empty());
        for area in reference.areas_of(&commune.id) {
            assert!(!area.name.is_empty());
            assert_eq!(
                reference.commune_of_area(&area.id).map(|c| &c.id),
                Some(&commune.id)
            );
            // Drawing and locating with what was loaded never panics either.
            if let Some(c) = area.outline().first() {
                let _ = reference.area_at(&commune.id, c.lon, c.lat);
            }
        }
    }
    // What was read writes back as GeoJSON that reads the same (the server keeps it so, and
    // phones receive it so), and following mergers always ends.
    let back = crate::Reference::from_geojson(&reference.to_geojson(None))
        .expect("a reference read writes back readable");
    for commune in reference.communes() {
        for (a, b) in reference
            .all_areas_of(&commune.id)
            .zip(back.all_areas_of(&commune.id))
        {
            assert_eq!(
                (
                    &a.id,
                    &a.name,
                    a.from,
                    a.until,
                    &a.merged_into,
                    &a.former_names
                ),
                (
                    &b.id,
                    &b.name,
                    b.from,
                    b.until,
                    &b.merged_into,
                    &b.former_names
                )
            );
            let _ = reference.successor(&a.id);
            if let Some(until) = a.until {
                let _ = reference.area_on(&a.id, until);
            }
        }
    }
}

/// A boundary file staff import into the demo commune (as QGIS exports it): never panics; what
/// it accepts reads back, and leaves no two areas in force overlapping or outside the commune.
pub fn area_import(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let day = crate::model::Day::ymd(2027, 1, 10).expect("a date");
    let Ok((next, _)) = demo_reference().import_boundaries("rach-sen", text, day, day) else {
        return;
    };
    for area in next.areas_of("rach-sen") {
        assert!(next.check_boundary(&area.id, None).is_ok(), "{}", area.id);
    }
    crate::Reference::from_geojson(&next.to_geojson(Some("rach-sen")))
        .expect("an import writes back readable");
}

/// An edit from elsewhere applied to a record the server already holds: the input is the
/// record's first change (its length as two bytes first) and then the edit. Everything the
/// server's push check asks of the document — apply, read, the unknown-field check, the rules,
/// conflicts, save — never panics, and a saved document loads again as the same record.
pub fn record_edit(data: &[u8]) {
    record_edit_checked(data);
}

/// [`record_edit`], saying whether the edit got as far as the rules (a seed must).
pub fn record_edit_checked(data: &[u8]) -> bool {
    use crate::document::RecordDoc;
    use automerge::ActorId;
    let [a, b, rest @ ..] = data else {
        return false;
    };
    let split = usize::from(u16::from_be_bytes([*a, *b]));
    if split > rest.len() {
        return false;
    }
    let (base, edit) = rest.split_at(split);
    let limits = Limits::default();
    let measured = |bytes: &[u8]| {
        change_bytes::inspect(
            bytes,
            limits.max_change_bytes,
            limits.max_ops_per_change as u64,
        )
        .is_ok()
    };
    if !measured(base) || !measured(edit) {
        return false;
    }
    let (Ok(base), Ok(edit)) = (change_bytes::parse(base), change_bytes::parse(edit)) else {
        return false;
    };
    let Ok(mut doc) = RecordDoc::load(std::iter::empty(), &ActorId::random()) else {
        return false;
    };
    if doc.apply(vec![base]).is_err() || doc.record().is_err() {
        return false;
    }
    let mut fork = doc.fork();
    if fork.apply(vec![edit]).is_err() || fork.has_missing_deps() {
        return false;
    }
    let _ = fork.kind();
    let _ = fork.meta();
    let _ = fork.conflicts();
    let _ = fork.unknown_fields("fuzz");
    let Ok(record) = fork.record() else {
        return false;
    };
    let _ = record.check(&crate::model::Context::new(demo_reference()));
    // What the server stores: a document that does not load again is refused, not saved.
    let Ok(saved) = fork.save_checked() else {
        return false;
    };
    let again = RecordDoc::load([saved.as_slice()], &ActorId::random())
        .expect("a document that passed save_checked loads again");
    assert_eq!(again.record().ok(), Some(record));
    true
}

/// A photo uploaded in parts over a link that drops, repeats and misplaces them: the first
/// byte is how many parts are tried, then two bytes per part (its length, and where it claims
/// to start: where the upload ends, a byte after, a byte before, or 0); the rest is the photo.
/// What is held is always the photo's own first bytes and never more than declared; the upload
/// completes only with exactly the named JPEG; the JPEG decoder never panics on what arrives.
pub fn photo_upload(data: &[u8]) {
    use crate::photo::{check_finished, check_part, sha256_hex, PhotoHeld};
    let Some((&parts, rest)) = data.split_first() else {
        return;
    };
    let parts = (parts % 16) as usize + 1;
    if rest.len() < parts * 2 {
        return;
    }
    let (plan, photo) = rest.split_at(parts * 2);
    if photo.is_empty() {
        return;
    }
    let total = photo.len() as u64;
    let name = sha256_hex(photo);
    let mut held = PhotoHeld::Nothing;
    let mut kept: Vec<u8> = vec![];
    for step in plan.chunks(2) {
        let received = kept.len() as u64;
        let offset = match step[1] % 4 {
            0 => received,
            1 => received + 1,
            2 => received.saturating_sub(1),
            _ => 0,
        };
        // Up to 256 × 64 bytes a part; a part may run past the declared end.
        let len = (step[0] as u64 + 1) * 64;
        let from = (offset as usize).min(photo.len());
        let to = (offset.saturating_add(len) as usize).min(photo.len());
        let mut bytes = photo[from..to].to_vec();
        if step[1] & 0x80 != 0 && to == photo.len() {
            bytes.push(0xD9); // past the declared end
        }
        match check_part(held, offset, total, bytes.len() as u64) {
            Ok(()) => {
                assert_eq!(
                    offset, received,
                    "a part taken where the upload does not end"
                );
                kept.extend_from_slice(&bytes);
                assert!(kept.len() as u64 <= total, "more kept than declared");
                held = PhotoHeld::Partial {
                    received: kept.len() as u64,
                    total,
                };
                if kept.len() as u64 == total {
                    if check_finished(&kept, total, &name) {
                        held = PhotoHeld::Complete { size: total };
                    } else {
                        held = PhotoHeld::Nothing;
                        kept.clear();
                    }
                }
            }
            Err(_) => assert!(
                matches!(held, PhotoHeld::Complete { .. })
                    || offset != received
                    || offset >= total
                    || bytes.len() as u64 > total - offset,
                "a part that continues the upload was refused"
            ),
        }
        assert!(
            kept[..] == photo[..kept.len()],
            "what is held is not the photo's start"
        );
    }
    if let PhotoHeld::Complete { size } = held {
        assert!(size == total && crate::photo::is_whole_jpeg(photo));
    }
}

/// The demo communes, read once: parsing their GeoJSON on every input would be most of the
/// cost of an input.
fn demo_reference() -> &'static crate::Reference {
    static REFERENCE: std::sync::OnceLock<crate::Reference> = std::sync::OnceLock::new();
    REFERENCE.get_or_init(crate::Reference::demo)
}

/// Run once by each fuzz target before its first input: libFuzzer's panic hook aborts on every
/// panic, even one the core catches on purpose (automerge's, turned into a refusal). With the
/// default hook back, only a panic that escapes the core aborts the run: those are the bugs.
pub fn init() {
    drop(std::panic::take_hook());
}
