//! Embedded SQLite: one file in the data folder, no setup. One writer connection (SQLite has
//! one writer anyway; `BEGIN IMMEDIATE` takes the lock up front so a push never fails halfway
//! on a busy database) and a few readers, in WAL mode so pulls never wait for pushes. The log's
//! sequence numbers come from the single writer in commit order.

use super::sql::{sqlite_placeholders, Row, Sql, Val};
use super::*;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// Migrations, in order; `PRAGMA user_version` counts those applied.
const SCHEMA: &[&str] = &[
    "
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    commune_id TEXT NOT NULL,
    areas TEXT NOT NULL
);
CREATE TABLE enrolment_codes (
    code_hash TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    token_hash TEXT NOT NULL UNIQUE,
    actor_id TEXT UNIQUE,
    revoked_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    snapshot BLOB NOT NULL
);
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    area_id TEXT,
    commune_id TEXT,
    author TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    heads TEXT NOT NULL,
    review_status TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_seq INTEGER NOT NULL
);
CREATE INDEX records_kind_area ON records(kind, area_id, id);
CREATE INDEX records_commune ON records(commune_id, id);
CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    heads TEXT NOT NULL,
    decision TEXT NOT NULL
);
CREATE INDEX reviews_record ON reviews(record_id);
CREATE TABLE log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    area_id TEXT,
    commune_id TEXT,
    device_id TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    bytes BLOB NOT NULL
);
CREATE INDEX log_doc ON log(doc_id, seq);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    action TEXT NOT NULL,
    hashes TEXT NOT NULL
);
CREATE TABLE batches (
    device_id TEXT NOT NULL,
    batch TEXT NOT NULL,
    answer BLOB NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (device_id, batch)
);
",
    "
CREATE TABLE photo_parts (
    sha256 TEXT NOT NULL,
    part_offset INTEGER NOT NULL,
    total INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    device_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (sha256, part_offset)
);
CREATE TABLE photos (
    sha256 TEXT PRIMARY KEY,
    bytes BLOB NOT NULL,
    commune_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    at INTEGER NOT NULL
);
",
    // The security review: uploads per device, photos per commune, single-use codes, sessions
    // of their own, batch fingerprints. Unfinished uploads start again (phones resume from 0).
    "
DROP TABLE photo_parts;
CREATE TABLE photo_parts (
    device_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    part_offset INTEGER NOT NULL,
    total INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (device_id, sha256, part_offset)
);
CREATE INDEX photo_parts_at ON photo_parts(at);
CREATE TABLE photo_communes (
    sha256 TEXT NOT NULL,
    commune_id TEXT NOT NULL,
    PRIMARY KEY (sha256, commune_id)
);
INSERT INTO photo_communes (sha256, commune_id) SELECT sha256, commune_id FROM photos;
ALTER TABLE photos DROP COLUMN commune_id;
ALTER TABLE enrolment_codes ADD COLUMN device_id TEXT;
ALTER TABLE devices ADD COLUMN first_seen_at INTEGER;
UPDATE devices SET first_seen_at = created_at;
ALTER TABLE batches ADD COLUMN fingerprint TEXT;
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
",
    // The day a record is about, for the review queue's filters and pages in the database
    // (rows made before are filled in at open).
    "
ALTER TABLE records ADD COLUMN day TEXT;
CREATE INDEX records_queue ON records(commune_id, review_status, day, id);
",
    // Who read a household's record (personal data): for access requests and audits.
    "
CREATE TABLE reads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    person_id TEXT NOT NULL,
    doc_id TEXT NOT NULL
);
CREATE INDEX reads_doc ON reads(doc_id, id);
",
    ERASURE,
    PHONE_REPORTS,
    super::areas::AREA_VERSIONS,
    super::reports::REPORTS,
    super::feed::LOG_BY_SCOPE,
];

impl Sql for Connection {
    fn exec(&mut self, sql: &str, args: &[Val]) -> StorageResult<u64> {
        let mut stmt = self.prepare_cached(&sqlite_placeholders(sql))?;
        Ok(stmt.execute(rusqlite::params_from_iter(args.iter().map(to_sqlite)))? as u64)
    }

    fn rows(&mut self, sql: &str, args: &[Val]) -> StorageResult<Vec<Row>> {
        let mut stmt = self.prepare_cached(&sqlite_placeholders(sql))?;
        let n = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter().map(to_sqlite)))?;
        let mut out = vec![];
        while let Some(r) = rows.next()? {
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                vals.push(match r.get_ref(i)? {
                    ValueRef::Null => Val::Null,
                    ValueRef::Integer(v) => Val::Int(v),
                    ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Val::Bytes(b.to_vec()),
                    ValueRef::Real(v) => {
                        return Err(StorageError::Database(format!(
                            "column {i}: unexpected real {v}"
                        )))
                    }
                });
            }
            out.push(Row(vals));
        }
        Ok(out)
    }
}

fn to_sqlite(v: &Val) -> rusqlite::types::Value {
    match v {
        Val::Null => rusqlite::types::Value::Null,
        Val::Int(i) => rusqlite::types::Value::Integer(*i),
        Val::Text(s) => rusqlite::types::Value::Text(s.clone()),
        Val::Bytes(b) => rusqlite::types::Value::Blob(b.clone()),
    }
}

pub struct SqliteBackend {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
}

/// The embedded default.
pub type SqliteStorage = Db<SqliteBackend>;

fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock leaves SQLite consistent (transactions roll back).
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let c = Connection::open(path)?;
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.pragma_update(None, "synchronous", "FULL")?;
    c.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted content is overwritten (an erased record's old history leaves no bytes behind).
    c.pragma_update(None, "secure_delete", "ON")?;
    Ok(c)
}

impl Db<SqliteBackend> {
    pub fn open(path: &Path) -> StorageResult<Self> {
        let mut writer = connect(path)?;
        let version: i64 = writer.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA.len() as i64 {
            return Err(StorageError::Database(format!(
                "database schema {version} is newer than this server ({})",
                SCHEMA.len()
            )));
        }
        let tx = writer.transaction()?;
        for (i, sql) in SCHEMA.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        let readers = (0..4)
            .map(|_| connect(path).map(Mutex::new))
            .collect::<rusqlite::Result<_>>()?;
        let backend = SqliteBackend {
            writer: Mutex::new(writer),
            readers,
        };
        super::records::backfill_days(&backend)?;
        Ok(Db { backend })
    }
}

impl Db<SqliteBackend> {
    /// Caps the database at `pages` pages on every connection (`None` lifts the cap): how the
    /// tests play a full disk without filling one.
    #[doc(hidden)]
    pub fn limit_pages(&self, pages: Option<i64>) -> StorageResult<i64> {
        let pages = pages.unwrap_or(u32::MAX as i64 - 1);
        let set = |c: &Connection| -> rusqlite::Result<()> {
            c.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
        };
        set(&lock(&self.backend.writer))?;
        for r in &self.backend.readers {
            set(&lock(r))?;
        }
        Ok(lock(&self.backend.writer).query_row("PRAGMA page_count", [], |r| r.get(0))?)
    }
}

impl SqliteBackend {
    fn reader(&self) -> MutexGuard<'_, Connection> {
        for r in &self.readers {
            if let Ok(g) = r.try_lock() {
                return g;
            }
        }
        lock(&self.readers[0])
    }
}

/// Runs `f` between `begin` and `COMMIT`, rolling back when it fails.
fn in_transaction<T>(
    conn: &mut Connection,
    begin: &str,
    f: impl FnOnce(&mut dyn Sql) -> StorageResult<T>,
) -> StorageResult<T> {
    conn.execute_batch(begin)?;
    match f(conn) {
        Ok(v) => {
            conn.execute_batch("COMMIT")?;
            Ok(v)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// `BEGIN IMMEDIATE` … `COMMIT` on the writer; dropped without commit, it rolls back.
struct SqlitePush<'a> {
    conn: MutexGuard<'a, Connection>,
    done: bool,
}

impl Drop for SqlitePush<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl Sql for SqlitePush<'_> {
    fn exec(&mut self, sql: &str, args: &[Val]) -> StorageResult<u64> {
        self.conn.exec(sql, args)
    }

    fn rows(&mut self, sql: &str, args: &[Val]) -> StorageResult<Vec<Row>> {
        self.conn.rows(sql, args)
    }
}

impl PushConn for SqlitePush<'_> {
    fn order_log(&mut self) -> StorageResult<()> {
        // One writer: the push's transaction already excludes every other.
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> StorageResult<()> {
        self.conn.execute_batch("COMMIT")?;
        self.done = true;
        Ok(())
    }
}

impl Backend for SqliteBackend {
    fn read<T>(&self, f: impl FnOnce(&mut dyn Sql) -> StorageResult<T>) -> StorageResult<T> {
        in_transaction(&mut self.reader(), "BEGIN", f)
    }

    fn write<T>(&self, f: impl FnOnce(&mut dyn Sql) -> StorageResult<T>) -> StorageResult<T> {
        in_transaction(&mut lock(&self.writer), "BEGIN IMMEDIATE", f)
    }

    fn begin_push(&self, _commune: &str) -> StorageResult<Box<dyn PushConn + '_>> {
        let conn = lock(&self.writer);
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Box::new(SqlitePush { conn, done: false }))
    }

    fn lock_key(&self, _sql: &mut dyn Sql, _key: &str) -> StorageResult<()> {
        // One writer: every write transaction already excludes the others.
        Ok(())
    }
}
