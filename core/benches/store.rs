//! The store under a commune-sized load: 20,000 households with a sorting check each, saved one
//! by one as a volunteer would, beside the same rows in plain SQLite (no Automerge) measured in
//! the same run, and the same store encrypted (SQLCipher, as on the phones). Prints a Markdown
//! table.
//!
//!     cargo bench -p sachxanh-core --bench store            # 20,000 households
//!     SACHXANH_BENCH_HOUSEHOLDS=2000 cargo bench -p sachxanh-core --bench store

use rusqlite::{params, Connection};
use sachxanh_core::model::{Day, Household, SortingCheck};
use sachxanh_core::place::Coord;
use sachxanh_core::store::encryption::StoreKey;
use sachxanh_core::{Reference, Store};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const AREAS: &[&str] = &[
    "rs-ap-my-hoa",
    "rs-ap-ben-dinh",
    "rs-ap-vam-xang",
    "rs-ap-rach-sung",
    "rs-ap-cau-tre",
];
const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"];
const MIDDLE: &[&str] = &["Văn", "Thị", "Hữu", "Minh", "Ngọc"];
const GIVEN: &[&str] = &[
    "An", "Bình", "Chi", "Dũng", "Hoa", "Lan", "Mai", "Nam", "Phúc", "Tư",
];

fn household(i: usize) -> Household {
    Household {
        area_id: AREAS[i % AREAS.len()].into(),
        address: format!("Số {}, tổ {}, đường ven kênh", i % 300 + 1, i % 17 + 1),
        head_name: format!(
            "{} {} {} {}",
            FAMILY[i % FAMILY.len()],
            MIDDLE[(i / 8) % MIDDLE.len()],
            GIVEN[(i / 40) % GIVEN.len()],
            i
        ),
        members: (i % 6 + 1) as u32,
        // Points in the middle of the demo commune (inside its boundary).
        location: Some(Coord::new(
            105.63 + (i % 97) as f64 * 0.0004,
            9.995 + (i % 89) as f64 * 0.0003,
        )),
        note: String::new(),
    }
}

fn check(household_id: &str, h: &Household, i: usize) -> SortingCheck {
    SortingCheck {
        household_id: household_id.into(),
        area_id: h.area_id.clone(),
        check_date: Day::ymd(2026, 10, (i % 28 + 1) as u32).expect("valid day"),
        recyclable_sorted: true,
        food_sorted: !i.is_multiple_of(3),
        other_sorted: !i.is_multiple_of(4),
        hazardous_separated: i.is_multiple_of(2),
        served_by_collection: true,
        burning_seen: false,
        dumping_seen: false,
        note: String::new(),
        checked_by: "p-bench".into(),
    }
}

struct Row {
    what: &'static str,
    automerge: String,
    encrypted: String,
    plain: String,
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn file_bytes(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}

struct Measured {
    saves: Vec<Duration>,
    open: Duration,
    first_page: Duration,
    page_len: usize,
    bytes: u64,
    /// After the server acknowledged every change and the file was vacuumed.
    bytes_synced: u64,
}

fn bench_store(
    path: &Path,
    n: usize,
    reference: Arc<Reference>,
    key: Option<&StoreKey>,
) -> Measured {
    let open = |reference: Arc<Reference>| {
        match key {
            Some(k) => Store::open_encrypted(path, k, reference),
            None => Store::open(path, reference),
        }
        .map_err(|e| e.to_string())
    };
    let mut store = open(reference.clone()).expect("open");
    store.set_person("p-bench").expect("person");
    let mut saves = Vec::with_capacity(2 * n);
    for i in 0..n {
        let h = household(i);
        let t = Instant::now();
        let id = store.create(h.clone()).expect("save household");
        saves.push(t.elapsed());
        let t = Instant::now();
        store.create(check(&id, &h, i)).expect("save check");
        saves.push(t.elapsed());
    }
    store.checkpoint().expect("checkpoint");
    drop(store);
    let t = Instant::now();
    let store = open(reference).expect("reopen");
    let open = t.elapsed();
    let t = Instant::now();
    let page = store
        .households("rs-ap-ben-dinh", "nguyen huu", None, 20)
        .expect("search");
    let first_page = t.elapsed();
    let bytes = file_bytes(path);
    let mut store = store;
    let hashes: Vec<String> = store
        .outbox(usize::MAX)
        .expect("outbox")
        .into_iter()
        .map(|e| e.hash)
        .collect();
    store.acknowledge(&hashes).expect("acknowledge");
    store.vacuum().expect("vacuum");
    Measured {
        saves,
        open,
        first_page,
        page_len: page.items.len(),
        bytes,
        bytes_synced: file_bytes(path),
    }
}

/// The same rows in plain SQLite: one table per kind, same indexes, one durable transaction per
/// save — what the store would cost without Automerge documents, chunks and an outbox.
fn bench_plain(path: &Path, n: usize) -> Measured {
    let open_conn = || {
        let c = Connection::open(path).expect("open");
        c.pragma_update(None, "journal_mode", "WAL").expect("wal");
        c.pragma_update(None, "synchronous", "FULL").expect("sync");
        c
    };
    let mut c = open_conn();
    c.execute_batch(
        "CREATE TABLE IF NOT EXISTS households (id TEXT PRIMARY KEY, area_id TEXT, head_name TEXT,
            address TEXT, members INTEGER, lon REAL, lat REAL, search TEXT, author TEXT, created_at INTEGER);
         CREATE INDEX IF NOT EXISTS h_area ON households(area_id, search, id);
         CREATE TABLE IF NOT EXISTS checks (id TEXT PRIMARY KEY, household_id TEXT, area_id TEXT,
            check_date TEXT, recyclable INTEGER, food INTEGER, other INTEGER, hazardous INTEGER,
            served INTEGER, burning INTEGER, dumping INTEGER, note TEXT, checked_by TEXT, created_at INTEGER);
         CREATE INDEX IF NOT EXISTS c_household ON checks(household_id, check_date);",
    )
    .expect("schema");
    let mut saves = Vec::with_capacity(2 * n);
    for i in 0..n {
        let h = household(i);
        let t = Instant::now();
        let id = uuid::Uuid::now_v7().to_string();
        let tx = c.transaction().expect("tx");
        tx.execute(
            "INSERT INTO households VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'p-bench', ?9)",
            params![
                id,
                h.area_id,
                h.head_name,
                h.address,
                h.members,
                h.location.map(|l| l.lon),
                h.location.map(|l| l.lat),
                sachxanh_core::text::search_key(&format!("{} {}", h.head_name, h.address)),
                i as i64
            ],
        )
        .expect("insert");
        tx.commit().expect("commit");
        saves.push(t.elapsed());
        let k = check(&id, &h, i);
        let t = Instant::now();
        let tx = c.transaction().expect("tx");
        tx.execute(
            "INSERT INTO checks VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                uuid::Uuid::now_v7().to_string(),
                k.household_id,
                k.area_id,
                k.check_date.to_string(),
                k.recyclable_sorted,
                k.food_sorted,
                k.other_sorted,
                k.hazardous_separated,
                k.served_by_collection,
                k.burning_seen,
                k.dumping_seen,
                k.note,
                k.checked_by,
                i as i64
            ],
        )
        .expect("insert");
        tx.commit().expect("commit");
        saves.push(t.elapsed());
    }
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    drop(c);
    let t = Instant::now();
    let c = open_conn();
    let open = t.elapsed();
    let t = Instant::now();
    let mut stmt = c
        .prepare(
            "SELECT id, head_name, address FROM households WHERE area_id = ?1
             AND search LIKE '% nguyen%' AND search LIKE '% huu%' ORDER BY search, id LIMIT 21",
        )
        .expect("prepare");
    let page_len = stmt
        .query_map(["rs-ap-ben-dinh"], |_| Ok(()))
        .expect("query")
        .count()
        .min(20);
    let first_page = t.elapsed();
    let bytes = file_bytes(path);
    c.execute_batch("VACUUM").expect("vacuum");
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    Measured {
        saves,
        open,
        first_page,
        page_len,
        bytes,
        bytes_synced: file_bytes(path),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; anything else (like `cargo test --benches`) runs a tiny load.
    let benching = std::env::args().any(|a| a == "--bench");
    let n: usize = std::env::var("SACHXANH_BENCH_HOUSEHOLDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 20_000 } else { 200 });
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = Arc::new(Reference::demo());
    eprintln!("saving {n} households with a check each, with Automerge…");
    let mut a = bench_store(&dir.path().join("store.db"), n, reference.clone(), None);
    eprintln!("…the same store encrypted…");
    let key = StoreKey::random();
    let mut e = bench_store(&dir.path().join("encrypted.db"), n, reference, Some(&key));
    eprintln!("…and the same rows in plain SQLite");
    let mut p = bench_plain(&dir.path().join("plain.db"), n);
    a.saves.sort();
    e.saves.sort();
    p.saves.sort();
    let records = (2 * n) as f64;
    let rows = [
        Row {
            what: "save latency p50",
            automerge: ms(percentile(&a.saves, 0.50)),
            encrypted: ms(percentile(&e.saves, 0.50)),
            plain: ms(percentile(&p.saves, 0.50)),
        },
        Row {
            what: "save latency p95",
            automerge: ms(percentile(&a.saves, 0.95)),
            encrypted: format!(
                "{} ({:+.0}%)",
                ms(percentile(&e.saves, 0.95)),
                (percentile(&e.saves, 0.95).as_secs_f64()
                    / percentile(&a.saves, 0.95).as_secs_f64()
                    - 1.0)
                    * 100.0
            ),
            plain: ms(percentile(&p.saves, 0.95)),
        },
        Row {
            what: "store open",
            automerge: ms(a.open),
            encrypted: ms(e.open),
            plain: ms(p.open),
        },
        Row {
            what: "first page of a search (20 rows)",
            automerge: format!("{} ({} rows)", ms(a.first_page), a.page_len),
            encrypted: format!("{} ({} rows)", ms(e.first_page), e.page_len),
            plain: format!("{} ({} rows)", ms(p.first_page), p.page_len),
        },
        Row {
            what: "bytes on disk per record",
            automerge: format!("{:.0} B", a.bytes as f64 / records),
            encrypted: format!("{:.0} B", e.bytes as f64 / records),
            plain: format!("{:.0} B", p.bytes as f64 / records),
        },
        Row {
            what: "bytes on disk per record, outbox sent, vacuumed",
            automerge: format!("{:.0} B", a.bytes_synced as f64 / records),
            encrypted: format!("{:.0} B", e.bytes_synced as f64 / records),
            plain: format!("{:.0} B", p.bytes_synced as f64 / records),
        },
    ];
    println!(
        "\n{n} households + {n} sorting checks ({} records), one durable save each\n",
        2 * n
    );
    println!(
        "| measure | sachxanh store (Automerge + projections + outbox) | the same, encrypted (SQLCipher) | plain SQLite rows |"
    );
    println!("|---|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} |",
            r.what, r.automerge, r.encrypted, r.plain
        );
    }
}
