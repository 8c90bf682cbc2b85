//! The pull cursor under concurrent writers: two server instances share one database; phones of
//! two communes push through both at once (pushes of different communes run side by side) while
//! each commune's staff phones and a Department reader of every commune pull through both at
//! once. An entry that commits later with a lower sequence number must never be jumped over — a
//! reader that moved its cursor past it would never see it. In the end every reader holds every
//! record of its scope.

use sachxanh_core::model::{Household, Role};
use sachxanh_core::sync::protocol::{decode, Limits, PullResponse};
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
            let via = if i % 2 == 0 { &one.url } else { &two.url };
            match i % 3 {
                0 => one.phone(Role::Volunteer, &[AREA_A], via),
                1 => one.phone(Role::Volunteer, &[AREA_B], via),
                _ => one.phone_in(OTHER_COMMUNE, Role::Volunteer, &[OTHER_AREA], via),
            }
        })
        .collect();
    let readers: Vec<Phone> = [
        one.phone(Role::CommuneStaff, &[], &one.url),
        one.phone_in(OTHER_COMMUNE, Role::CommuneStaff, &[], &two.url),
    ]
    .into();
    // The Department's reader pulls every commune, through both instances in turn.
    let viewer = one.viewer_key();
    let urls = [one.url.clone(), two.url.clone()];
    let pull_all = move |cursor: &mut u64, held: &mut BTreeSet<String>, turn: usize| loop {
        let body = reqwest::blocking::Client::new()
            .get(format!(
                "{}/api/v1/sync/pull?cursor={cursor}",
                urls[turn % 2]
            ))
            .bearer_auth(&viewer)
            .send()
            .and_then(|r| r.bytes())
            .expect("pull");
        let page: PullResponse = decode(&body, &Limits::default()).expect("page");
        held.extend(page.records.into_iter().map(|r| r.id));
        *cursor = page.cursor;
        if !page.more {
            return;
        }
    };
    let done = Arc::new(AtomicBool::new(false));
    let department = {
        let done = done.clone();
        std::thread::spawn(move || {
            let (mut cursor, mut held, mut turn) = (0, BTreeSet::new(), 0);
            while !done.load(Ordering::Relaxed) {
                pull_all(&mut cursor, &mut held, turn);
                turn += 1;
            }
            pull_all(&mut cursor, &mut held, turn);
            held
        })
    };
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
                        let area = w.area().to_owned();
                        w.store
                            .create(Household {
                                area_id: area,
                                address: "Số 5, ven sông".into(),
                                head_name: format!("Hộ {i}-{round}-{k}"),
                                members: 3,
                                location: None,
                                note: String::new(),
                            })
                            .expect("save");
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
    let mut of_commune = [BTreeSet::new(), BTreeSet::new()];
    for w in &writers {
        assert_eq!(w.store.outbox_len().unwrap(), 0);
        let ids = w.store.document_ids().unwrap();
        let commune = usize::from(w.area() == OTHER_AREA);
        of_commune[commune].extend(ids.iter().cloned());
        all.extend(ids);
    }
    assert_eq!(all.len(), 6 * 12 * 3);
    let held_by_department = department.join().unwrap();
    let held_by_staff = readers
        .iter()
        .map(|r| r.store.document_ids().unwrap().into_iter().collect());
    for ((who, held), expected) in ["staff of Rạch Sen", "staff of Cồn Sen", "the Department"]
        .into_iter()
        .zip(held_by_staff.chain([held_by_department]))
        .zip([&of_commune[0], &of_commune[1], &all])
    {
        let held: BTreeSet<String> = held;
        let missing: Vec<_> = expected.difference(&held).collect();
        assert!(
            missing.is_empty(),
            "{who} skipped {} records",
            missing.len()
        );
        assert_eq!(&held, expected, "{who} holds records outside its scope");
    }
}
