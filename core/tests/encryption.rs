//! The phone's store encrypted at rest: without the key the file reads as nothing, not even its
//! schema; with it, everything; a store made before encryption (today's release) is rewritten
//! encrypted on its first keyed open, and a kill in the middle of that loses nothing.

mod common;
use common::*;
use rand::Rng;
use sachxanh_core::model::Household;
use sachxanh_core::store::encryption::{is_plain, StoreKey};
use sachxanh_core::{Error, Store};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const CHILD_ENV: &str = "SACHXANH_ENCRYPT_CHILD_DB";

fn key() -> StoreKey {
    StoreKey::new(&[7u8; 32]).unwrap()
}

fn fill(store: &mut Store, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| store.create(household(&format!("Hộ Bí Mật {i}"))).unwrap())
        .collect()
}

#[test]
fn without_the_key_the_file_reads_as_nothing_with_it_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.db");
    let ids = {
        let mut store = Store::open_encrypted(&path, &key(), reference()).unwrap();
        store.set_person("p-volunteer-1").unwrap();
        fill(&mut store, 30)
    };
    assert!(!is_plain(&path).unwrap());
    // The bytes on disk hold neither SQLite's header nor any name.
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"));
    let needle = "Hộ Bí Mật".as_bytes();
    assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    // Plain SQLite reads nothing, not even the list of tables.
    let plain = rusqlite::Connection::open(&path).unwrap();
    let schema = plain.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    });
    assert!(
        schema.is_err(),
        "the schema must not be readable: {schema:?}"
    );
    // The store without a key, or with another, says the key is wrong and touches nothing.
    assert!(matches!(
        Store::open(&path, reference()),
        Err(Error::WrongKey)
    ));
    let other = StoreKey::new(&[8u8; 32]).unwrap();
    assert!(matches!(
        Store::open_encrypted(&path, &other, reference()),
        Err(Error::WrongKey)
    ));
    let text = Error::WrongKey.to_string();
    assert!(text.contains("khóa mở dữ liệu không đúng") && text.contains("key is wrong"));
    // With the key: every record, a sound file.
    let store = Store::open_encrypted(&path, &key(), reference()).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    for id in &ids {
        assert!(store
            .get::<Household>(id)
            .unwrap()
            .body
            .head_name
            .starts_with("Hộ Bí Mật"));
    }
    assert_eq!(store.outbox_len().unwrap(), 30);
    let found = store.households(AREA, "ho bi mat", None, 100).unwrap();
    assert_eq!(found.items.len(), 30, "search works on the encrypted store");
}

#[test]
fn a_store_made_by_todays_release_is_encrypted_in_place_without_loss() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/upgrade/2026-11-29/phone.db");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.db");
    std::fs::copy(&fixture, &path).unwrap();
    assert!(is_plain(&path).unwrap());
    let before = Store::open(&path, reference()).unwrap();
    let docs = before.document_ids().unwrap();
    let outbox: Vec<String> = before
        .outbox(usize::MAX)
        .unwrap()
        .into_iter()
        .map(|e| e.hash)
        .collect();
    let actor = before.actor_id();
    let dump = before.projection_dump().unwrap();
    drop(before);

    let after = Store::open_encrypted(&path, &key(), reference()).unwrap();
    assert!(!is_plain(&path).unwrap());
    assert!(
        !dir.path().join("phone.db-wal").exists()
            || std::fs::metadata(dir.path().join("phone.db-wal"))
                .unwrap()
                .len()
                == 0
    );
    assert_eq!(after.document_ids().unwrap(), docs);
    let outbox_after: Vec<String> = after
        .outbox(usize::MAX)
        .unwrap()
        .into_iter()
        .map(|e| e.hash)
        .collect();
    assert_eq!(
        outbox_after, outbox,
        "the outbox keeps every change in order"
    );
    assert_eq!(after.actor_id(), actor, "the device keeps its identity");
    assert_eq!(after.projection_dump().unwrap(), dump);
    assert_eq!(after.integrity_check().unwrap(), "ok");
    // Opening again with the key does not encrypt twice.
    drop(after);
    let again = Store::open_encrypted(&path, &key(), reference()).unwrap();
    assert_eq!(again.document_ids().unwrap(), docs);
}

/// The child: encrypts the store it is given (started by the test below, killed at random).
#[test]
#[ignore = "started by a_kill_while_encrypting_loses_nothing"]
fn encrypt_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    println!("START");
    Store::open_encrypted(&path, &key(), reference()).unwrap();
    println!("DONE");
}

#[test]
fn a_kill_while_encrypting_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("original.db");
    let ids = {
        let mut store = store_in(dir.path(), "original.db");
        fill(&mut store, 1500)
    };
    let mut rng = rand::rng();
    let (mut finished, mut interrupted) = (0, 0);
    for round in 0..12 {
        let path = dir.path().join(format!("phone-{round}.db"));
        std::fs::copy(&original, &path).unwrap();
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "encrypt_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        // Killed once it has begun, at a random moment of the rewrite.
        while out.read_line(&mut line).unwrap() > 0 && !line.contains("START") {}
        std::thread::sleep(Duration::from_millis(rng.random_range(0..120)));
        child.kill().unwrap();
        child.wait().unwrap();
        let rest: String = out.lines().map_while(Result::ok).collect();
        if rest.contains("DONE") {
            finished += 1;
        } else {
            interrupted += 1;
        }
        // Whatever the moment, the next keyed open has every record.
        let store = Store::open_encrypted(&path, &key(), reference()).unwrap();
        assert!(!is_plain(&path).unwrap());
        assert_eq!(store.integrity_check().unwrap(), "ok");
        assert_eq!(store.document_ids().unwrap().len(), ids.len());
        assert_eq!(store.outbox_len().unwrap(), ids.len() as u64);
    }
    println!("encryption killed {interrupted} times, finished {finished} times");
}
