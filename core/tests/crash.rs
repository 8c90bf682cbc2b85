//! Pulling the battery: a child process saves records as fast as it can and reports each save the
//! store acknowledged; we kill it with SIGKILL at random moments, many times, and check that every
//! acknowledged save is there, whole, and that SQLite finds the file sound.

mod common;
use common::*;
use rand::Rng;
use sachxanh_core::model::Household;
use sachxanh_core::sync::protocol::RecordChanges;
use serde_bytes::ByteBuf;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

const CHILD_ENV: &str = "SACHXANH_CRASH_CHILD_DB";
const PAGES_ENV: &str = "SACHXANH_CRASH_CHILD_PAGES";

/// 60 kills in every test run; `SACHXANH_KILLS=1000` in the long mode (scripts/long).
fn rounds() -> usize {
    std::env::var("SACHXANH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60)
}

/// Starts a child of this test binary, lets it work for a random moment, SIGKILLs it and
/// returns what it printed.
fn run_and_kill(
    child_test: &str,
    envs: &[(&str, &std::path::Path)],
    rng: &mut impl Rng,
) -> Vec<String> {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        child_test,
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<String>>()
    });
    std::thread::sleep(Duration::from_millis(rng.random_range(20..250)));
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    reader.join().unwrap()
}

/// The child: runs only when the parent starts it (it is ignored in normal runs).
#[test]
#[ignore = "started by kill_at_random_moments_loses_no_acknowledged_save"]
fn crash_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut store = sachxanh_core::Store::open(&path, reference()).unwrap();
    store.set_person("p-volunteer-1").unwrap();
    let out = std::io::stdout();
    let mut i = 0u32;
    loop {
        let id = store.create(household(&format!("Hộ thử {i}"))).unwrap();
        writeln!(out.lock(), "ACK C {id}").unwrap();
        store.update::<Household>(&id, |h| h.members = 9).unwrap();
        writeln!(out.lock(), "ACK U {id}").unwrap();
        out.lock().flush().unwrap();
        i += 1;
    }
}

#[test]
fn kill_at_random_moments_loses_no_acknowledged_save() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("phone.db");
    // id -> whether the edit to 9 members was acknowledged too.
    let mut acked: HashMap<String, bool> = HashMap::new();
    let mut rng = rand::rng();
    let rounds = rounds();
    for _ in 0..rounds {
        let lines = run_and_kill("crash_child", &[(CHILD_ENV, &db)], &mut rng);
        for line in lines {
            let mut parts = line.split_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some("ACK"), Some("C"), Some(id)) => {
                    acked.entry(id.to_owned()).or_insert(false);
                }
                (Some("ACK"), Some("U"), Some(id)) => {
                    acked.insert(id.to_owned(), true);
                }
                _ => {}
            }
        }
        // After every kill the store opens and is whole.
        let store = sachxanh_core::Store::open(&db, reference()).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }
    assert!(
        acked.len() > rounds,
        "the child saved too little to test anything"
    );
    let store = sachxanh_core::Store::open(&db, reference()).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    for (id, edited) in &acked {
        let h = store.get::<Household>(id).unwrap();
        if *edited {
            assert_eq!(h.body.members, 9, "acknowledged edit of {id} lost");
        }
    }
    // No half-written record: every document is readable, and projections match documents.
    for id in store.document_ids().unwrap() {
        store.get::<Household>(&id).unwrap();
    }
    let live = store.projection_dump().unwrap();
    store.rebuild_projections().unwrap();
    assert_eq!(store.projection_dump().unwrap(), live);
    // Every saved change is still waiting to be sent.
    let waiting: std::collections::HashSet<String> = store
        .outbox(1_000_000)
        .unwrap()
        .into_iter()
        .map(|e| e.doc_id)
        .collect();
    assert!(acked.keys().all(|id| waiting.contains(id)));
    println!(
        "KILLS {rounds} saves acknowledged {} edits acknowledged {}",
        acked.len(),
        acked.values().filter(|e| **e).count()
    );
}

/// The pages a phone pulls on its first sync of a busy hamlet: each page whole records (their
/// creation and an edit), as the server sends them.
fn pulled_pages() -> Vec<Vec<RecordChanges>> {
    let mut source = memory_store("p-volunteer-2");
    for i in 0..600 {
        let id = source.create(household(&format!("Hộ nguồn {i}"))).unwrap();
        source
            .update::<Household>(&id, |h| h.members = 1 + i % 9)
            .unwrap();
    }
    let mut by_record: Vec<RecordChanges> = vec![];
    for e in source.outbox(usize::MAX).unwrap() {
        match by_record.iter_mut().find(|r| r.id == e.doc_id) {
            Some(r) => r.changes.push(ByteBuf::from(e.bytes)),
            None => by_record.push(RecordChanges {
                id: e.doc_id,
                changes: vec![ByteBuf::from(e.bytes)],
            }),
        }
    }
    by_record.chunks(3).map(|c| c.to_vec()).collect()
}

/// The child: applies pulled pages to its store one after another, printing each cursor the
/// store acknowledged.
#[test]
#[ignore = "started by kill_while_applying_pulled_pages_leaves_whole_pages_only"]
fn apply_child() {
    let (Ok(path), Ok(pages)) = (std::env::var(CHILD_ENV), std::env::var(PAGES_ENV)) else {
        return;
    };
    let pages: Vec<Vec<RecordChanges>> =
        serde_json::from_slice(&std::fs::read(pages).unwrap()).unwrap();
    let mut store = sachxanh_core::Store::open(&path, reference()).unwrap();
    let out = std::io::stdout();
    loop {
        let cursor = store.pull_cursor().unwrap() as usize;
        if cursor >= pages.len() {
            writeln!(out.lock(), "DONE").unwrap();
            out.lock().flush().unwrap();
            std::thread::sleep(Duration::from_secs(60));
            continue;
        }
        store
            .apply_pulled(&pages[cursor], cursor as u64 + 1)
            .unwrap();
        writeln!(out.lock(), "ACK {}", cursor + 1).unwrap();
        out.lock().flush().unwrap();
    }
}

#[test]
fn kill_while_applying_pulled_pages_leaves_whole_pages_only() {
    let dir = tempfile::tempdir().unwrap();
    let pages = pulled_pages();
    let pages_file = dir.path().join("pages.json");
    std::fs::write(&pages_file, serde_json::to_vec(&pages).unwrap()).unwrap();
    let mut rng = rand::rng();
    let rounds = rounds();
    let mut applied_total = 0;
    let (mut phone, mut acked) = (0, 0usize);
    // A phone is killed again and again through its first sync; once it has every page, the
    // next phone starts, so every kill lands while pages are being applied.
    for _ in 0..rounds {
        let db = dir.path().join(format!("phone-{phone}.db"));
        let lines = run_and_kill(
            "apply_child",
            &[(CHILD_ENV, &db), (PAGES_ENV, &pages_file)],
            &mut rng,
        );
        let done = lines.iter().any(|l| l == "DONE");
        for line in lines {
            if let Some(c) = line.strip_prefix("ACK ").and_then(|c| c.parse().ok()) {
                acked = acked.max(c);
            }
        }
        let store = sachxanh_core::Store::open(&db, reference()).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok");
        let cursor = store.pull_cursor().unwrap() as usize;
        assert!(cursor >= acked, "an acknowledged page was lost");
        // Exactly the records of the pages before the cursor: no page half applied.
        let expected: HashSet<String> = pages[..cursor]
            .iter()
            .flatten()
            .map(|r| r.id.clone())
            .collect();
        let held: HashSet<String> = store.document_ids().unwrap().into_iter().collect();
        assert_eq!(held, expected, "a page was applied in part");
        let live = store.projection_dump().unwrap();
        store.rebuild_projections().unwrap();
        assert_eq!(store.projection_dump().unwrap(), live);
        if done {
            applied_total += cursor;
            phone += 1;
            acked = 0;
        }
    }
    applied_total += acked;
    assert!(
        applied_total > 0,
        "the child applied too little to test anything"
    );
    println!(
        "KILLS {rounds} phones {} pages applied {applied_total}",
        phone + 1
    );
}
