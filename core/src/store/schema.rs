//! The store's tables. Durable tables (documents, chunks, outbox, device) change only through
//! numbered migrations keyed on `PRAGMA user_version`. Projection tables are a pure function of
//! the documents: when their shape changes we drop and rebuild them instead of migrating.

use crate::error::{Error, Result};
use crate::model;
use rusqlite::{Connection, OptionalExtension};

/// Each entry moves the schema from version `i` to `i + 1`. Never edit a released entry.
const MIGRATIONS: &[&str] = &[
    // 1: documents as snapshot + incremental chunks, the outbox, device settings.
    "CREATE TABLE device (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        kind TEXT,
        snapshot BLOB,
        snapshot_bytes INTEGER NOT NULL DEFAULT 0,
        chunk_bytes INTEGER NOT NULL DEFAULT 0
     );
     CREATE TABLE chunks (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL REFERENCES documents(id),
        bytes BLOB NOT NULL
     );
     CREATE INDEX chunks_doc ON chunks(doc_id, seq);
     CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL REFERENCES documents(id),
        hash TEXT NOT NULL UNIQUE,
        bytes BLOB NOT NULL
     );",
    // 2: sync. Refused versions stay readable for their author until dismissed.
    "CREATE TABLE refused (
        doc_id TEXT PRIMARY KEY,
        kind TEXT,
        code TEXT NOT NULL,
        message_vi TEXT NOT NULL,
        message_en TEXT NOT NULL,
        fields TEXT NOT NULL,
        snapshot BLOB NOT NULL,
        refused_at INTEGER NOT NULL
     );",
    // 3: photos, prepared on the device, named by SHA-256. `uploaded` is set only when the
    // server confirmed holding these exact bytes; until then the photo cannot be lost.
    "CREATE TABLE photos (
        sha256 TEXT PRIMARY KEY,
        bytes BLOB NOT NULL,
        added_at INTEGER NOT NULL,
        uploaded INTEGER NOT NULL DEFAULT 0
     );
     CREATE INDEX photos_pending ON photos(uploaded, added_at);",
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Bump when a projection table or the way rows are derived changes.
pub const PROJECTION_VERSION: i64 = 5;

/// The tables every kind shares: one row per record (with its values as JSON, which lists read
/// titles from), and which photos records use.
const SHARED_TABLES: &[(&str, &str)] = &[
    (
        "records",
        "CREATE TABLE records (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            area_id TEXT,
            author TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            state TEXT NOT NULL,
            heads TEXT NOT NULL,
            review_status TEXT NOT NULL,
            conflicts TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX records_kind_area ON records(kind, area_id);
        CREATE INDEX records_status ON records(review_status);",
    ),
    // `id` is the record's, like every projection table's (a record's rows go by its id).
    (
        "record_photos",
        "CREATE TABLE record_photos (
            id TEXT NOT NULL REFERENCES records(id) ON DELETE CASCADE,
            sha256 TEXT NOT NULL,
            PRIMARY KEY (id, sha256)
        );
        CREATE INDEX record_photos_sha ON record_photos(sha256);",
    ),
];

/// Every projection table, (name, `CREATE TABLE …`): the shared ones, then each kind's.
fn projection_tables() -> Vec<(&'static str, &'static str)> {
    let mut all = SHARED_TABLES.to_vec();
    all.extend(model::RecordKind::ALL.iter().map(|k| k.table()));
    all
}

/// Names of the projection tables, children before `records` (their rows reference it).
pub fn projection_table_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = projection_tables().iter().map(|(n, _)| *n).collect();
    names.retain(|n| *n != "records");
    names.push("records");
    names
}

/// Brings the durable schema up to date. Returns whether the projections must be rebuilt.
pub fn migrate(conn: &mut Connection) -> Result<bool> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let tx = conn.transaction()?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    let projected: Option<i64> = tx
        .query_row(
            "SELECT CAST(value AS INTEGER) FROM device WHERE key = 'projection_version'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let rebuild = projected != Some(PROJECTION_VERSION);
    if rebuild {
        for t in projection_table_names() {
            tx.execute_batch(&format!("DROP TABLE IF EXISTS {t};"))?;
        }
        for (_, sql) in projection_tables() {
            tx.execute_batch(sql)?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO device (key, value) VALUES ('projection_version', ?1)",
            [PROJECTION_VERSION.to_string()],
        )?;
    }
    tx.commit()?;
    Ok(rebuild)
}
