//! Five phones in two hamlets record offline and sync in random order through a proxy that drops
//! requests, drops answers after the server committed, truncates, delays, and answers 503/429.
//! In the end every acknowledged record is on the server once and on every phone allowed to see
//! it, nothing is duplicated, and every outbox drains.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sachxanh_core::model::{Household, Role};
use sachxanh_server::storage::RecordFilter;
use sachxanh_tests::proxy::FaultProxy;
use sachxanh_tests::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;

#[test]
fn five_phones_converge_through_a_faulty_network() {
    let server = TestServer::start();
    let proxy = FaultProxy::start(server.rt.handle(), server.addr.clone(), 7);
    let mut phones = vec![
        server.phone(Role::Volunteer, &[AREA_A], &proxy.url),
        server.phone(Role::Volunteer, &[AREA_A], &proxy.url),
        server.phone(Role::AreaHead, &[AREA_A], &proxy.url),
        server.phone(Role::Volunteer, &[AREA_B], &proxy.url),
        server.phone(Role::AreaHead, &[AREA_B], &proxy.url),
    ];
    proxy.set_fault_rate(0.35);
    let mut rng = StdRng::seed_from_u64(2026);
    // Every record each phone made: (area, id).
    let mut made: Vec<(String, String)> = vec![];
    let mut sync_failures = 0;
    for step in 0..160 {
        let i = rng.random_range(0..phones.len());
        let p = &mut phones[i];
        match rng.random_range(0..10) {
            0..=3 => {
                let id = p.add_household(&format!("Hộ {step} của máy {i}"));
                made.push((p.area().to_owned(), id.clone()));
                if rng.random_bool(0.5) {
                    let c = p.add_check(&id);
                    made.push((p.area().to_owned(), c));
                }
            }
            4..=5 => {
                // Edit a household this phone can see (its own or pulled from a neighbour).
                let known = p.store.households(p.area(), "", None, 200).unwrap().items;
                if !known.is_empty() {
                    let h = &known[rng.random_range(0..known.len())];
                    let n = rng.random_range(1..9);
                    p.store
                        .update::<Household>(&h.id, |h| h.members = n)
                        .unwrap();
                }
            }
            _ => {
                if p.sync().is_err() {
                    sync_failures += 1;
                }
            }
        }
    }
    assert!(
        proxy.stats.faults.load(Ordering::Relaxed) > 20,
        "the proxy injected too few faults to test anything"
    );
    // The network heals: everyone syncs until their outbox is empty, then once more to pull.
    proxy.set_fault_rate(0.0);
    for _ in 0..3 {
        for p in phones.iter_mut() {
            p.sync().expect("sync on a healthy network");
        }
    }
    for p in &phones {
        assert_eq!(p.store.outbox_len().unwrap(), 0, "outbox drained");
        assert!(p.store.refused().unwrap().is_empty(), "nothing was refused");
    }
    // Every record made is on the server exactly once, in the right hamlet.
    let rows = server
        .storage
        .records(&RecordFilter {
            limit: 100_000,
            ..Default::default()
        })
        .unwrap();
    let on_server: BTreeMap<String, Option<String>> = rows
        .iter()
        .map(|r| (r.id.clone(), r.area_id.clone()))
        .collect();
    assert_eq!(on_server.len(), rows.len());
    assert_eq!(rows.len(), made.len(), "no record lost, none duplicated");
    for (area, id) in &made {
        assert_eq!(on_server.get(id), Some(&Some(area.clone())));
    }
    // The log holds each change once: as many entries as distinct changes of all documents.
    let (_, log_entries, _) = server.counts();
    let distinct: usize = rows
        .iter()
        .map(|r| server.storage.changes_of(&r.id).unwrap().len())
        .sum();
    assert_eq!(log_entries as usize, distinct);
    // Each phone holds exactly its hamlet's records, at the server's version.
    for p in &phones {
        let mine: BTreeSet<String> = rows
            .iter()
            .filter(|r| r.area_id.as_deref() == Some(p.area()))
            .map(|r| r.id.clone())
            .collect();
        let held: BTreeSet<String> = p.store.document_ids().unwrap().into_iter().collect();
        assert_eq!(held, mine, "a phone holds exactly what its scope allows");
        for r in rows.iter().filter(|r| mine.contains(&r.id)) {
            assert_eq!(
                p.store.heads(&r.id).unwrap(),
                r.heads,
                "same version as the server"
            );
        }
    }
    eprintln!(
        "{} requests through the proxy, {} faults, {} syncs failed and were retried later",
        proxy.stats.requests.load(Ordering::Relaxed),
        proxy.stats.faults.load(Ordering::Relaxed),
        sync_failures
    );
}
