//! The pull cursor under concurrent writers: two server instances share one database; phones
//! push through both at once while staff phones pull through both at once. An entry that
//! commits later with a lower sequence number must never be jumped over — a reader that moved
//! its cursor past it would never see it. In the end every reader holds every record.

use sachxanh_core::model::Role;
use sachxanh_tests::*;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[test]
fn readers_never_skip_entries_committed_out_of_order() {
    let one = TestServer::start();
    let two = one.another_instance();
    let writers: Vec<Phone> = (0..6)
        .map(|i| {
            let (area, via) = if i % 2 == 0 {
                (AREA_A, &one.url)
            } else {
                (AREA_B, &two.url)
            };
            one.phone(Role::Volunteer, &[area], via)
        })
        .collect();
    let readers: Vec<Phone> = [&one.url, &two.url]
        .iter()
        .map(|via| one.phone(Role::CommuneStaff, &[], via))
        .collect();
    let done = Arc::new(AtomicBool::new(false));
    let reading: Vec<_> = readers
        .into_iter()
        .map(|mut r| {
            let done = done.clone();
            std::thread::spawn(move || {
                // Pull as fast as possible while the writers push.
                while !done.load(Ordering::Relaxed) {
                    let _ = r.sync();
                }
                r
            })
        })
        .collect();
    let writing: Vec<_> = writers
        .into_iter()
        .enumerate()
        .map(|(i, mut w)| {
            std::thread::spawn(move || {
                for round in 0..12 {
                    for k in 0..3 {
                        w.add_household(&format!("Hộ {i}-{round}-{k}"));
                    }
                    w.sync().expect("push");
                }
                w
            })
        })
        .collect();
    let writers: Vec<Phone> = writing.into_iter().map(|h| h.join().unwrap()).collect();
    done.store(true, Ordering::Relaxed);
    let mut readers: Vec<Phone> = reading.into_iter().map(|h| h.join().unwrap()).collect();
    // One more pull each: it can only fetch what lies after the cursor.
    for r in readers.iter_mut() {
        r.sync().unwrap();
    }
    let mut all = BTreeSet::new();
    for w in &writers {
        assert_eq!(w.store.outbox_len().unwrap(), 0);
        all.extend(w.store.document_ids().unwrap());
    }
    assert_eq!(all.len(), 6 * 12 * 3);
    for r in &readers {
        let held: BTreeSet<String> = r.store.document_ids().unwrap().into_iter().collect();
        let missing: Vec<_> = all.difference(&held).collect();
        assert!(
            missing.is_empty(),
            "a reader skipped {} records",
            missing.len()
        );
    }
}
