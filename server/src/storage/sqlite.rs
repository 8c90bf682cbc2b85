//! Embedded SQLite storage: one file in the data folder, no setup. One writer connection (SQLite
//! has one writer anyway; `BEGIN IMMEDIATE` takes the lock up front so a push never fails halfway
//! on a busy database) and a few readers, in WAL mode so pulls never wait for pushes.
//!
//! The log's sequence numbers come from the single writer in commit order, so a cursor can never
//! skip an entry that commits later with a lower number.

use super::*;
use rusqlite::{params, Connection, OptionalExtension};
use sachxanh_core::model::Decision;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

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
];

pub struct SqliteStorage {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock leaves SQLite consistent (transactions roll back).
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let c = Connection::open(path)?;
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.pragma_update(None, "synchronous", "FULL")?;
    c.pragma_update(None, "foreign_keys", "ON")?;
    Ok(c)
}

impl SqliteStorage {
    pub fn open(path: &Path) -> StorageResult<Self> {
        let mut writer = open(path)?;
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
            .map(|_| open(path).map(Mutex::new))
            .collect::<rusqlite::Result<_>>()?;
        Ok(SqliteStorage {
            writer: Mutex::new(writer),
            readers,
        })
    }

    fn reader(&self) -> MutexGuard<'_, Connection> {
        for r in &self.readers {
            if let Ok(g) = r.try_lock() {
                return g;
            }
        }
        lock(&self.readers[0])
    }
}

fn person_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Person> {
    let role: String = r.get(at + 2)?;
    let areas: String = r.get(at + 4)?;
    Ok(Person {
        id: r.get(at)?,
        name: r.get(at + 1)?,
        role: Role::parse(&role).unwrap_or(Role::Volunteer),
        commune_id: r.get(at + 3)?,
        areas: areas
            .split(',')
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

fn person_by_id(c: &Connection, id: &str) -> StorageResult<Option<Person>> {
    Ok(c.query_row(
        "SELECT id, name, role, commune_id, areas FROM people WHERE id = ?1",
        [id],
        |r| person_row(r, 0),
    )
    .optional()?)
}

const RECORD_COLUMNS: &str = "id, kind, area_id, commune_id, author, created_at, state, heads, review_status, data, updated_seq";

fn record_row(r: &rusqlite::Row) -> rusqlite::Result<RecordRow> {
    let heads: String = r.get(7)?;
    let data: String = r.get(9)?;
    Ok(RecordRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        area_id: r.get(2)?,
        commune_id: r.get(3)?,
        author: r.get(4)?,
        created_at: r.get(5)?,
        state: r.get(6)?,
        heads: heads
            .split(',')
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
            .collect(),
        review_status: r.get(8)?,
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        updated_seq: r.get(10)?,
    })
}

fn get_record(c: &Connection, id: &str) -> StorageResult<Option<RecordRow>> {
    Ok(c.query_row(
        &format!("SELECT {RECORD_COLUMNS} FROM records WHERE id = ?1"),
        [id],
        record_row,
    )
    .optional()?)
}

fn get_snapshot(c: &Connection, id: &str) -> StorageResult<Option<Vec<u8>>> {
    Ok(
        c.query_row("SELECT snapshot FROM documents WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?,
    )
}

/// `BEGIN IMMEDIATE` … `COMMIT` on the writer; dropped without commit, it rolls back.
struct SqliteTx<'a> {
    conn: MutexGuard<'a, Connection>,
    done: bool,
}

impl Drop for SqliteTx<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl SyncTx for SqliteTx<'_> {
    fn batch_answer(&mut self, device_id: &str, batch: &str) -> StorageResult<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT answer FROM batches WHERE device_id = ?1 AND batch = ?2",
                params![device_id, batch],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn snapshot(&mut self, id: &str) -> StorageResult<Option<Vec<u8>>> {
        get_snapshot(&self.conn, id)
    }

    fn record(&mut self, id: &str) -> StorageResult<Option<RecordRow>> {
        get_record(&self.conn, id)
    }

    fn reviews_of(&mut self, record_id: &str) -> StorageResult<Vec<ReviewFact>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, created_at, heads, decision FROM reviews WHERE record_id = ?1",
        )?;
        let rows = stmt
            .query_map([record_id], |r| {
                let heads: String = r.get(2)?;
                let decision: String = r.get(3)?;
                Ok(ReviewFact {
                    id: r.get(0)?,
                    created_at: r.get(1)?,
                    heads: heads.split(',').map(str::to_owned).collect(),
                    decision: Decision::parse(&decision).unwrap_or(Decision::Returned),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn append(&mut self, device: &Device, a: &Accepted) -> StorageResult<()> {
        let row = &a.row;
        let mut last_seq = 0i64;
        for (hash, bytes) in &a.changes {
            self.conn
                .prepare_cached(
                    "INSERT INTO log (doc_id, area_id, commune_id, device_id, hash, bytes)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    row.id,
                    row.area_id,
                    row.commune_id,
                    device.id,
                    hash,
                    bytes
                ])?;
            last_seq = self.conn.last_insert_rowid();
        }
        self.conn
            .prepare_cached("INSERT OR REPLACE INTO documents (id, snapshot) VALUES (?1, ?2)")?
            .execute(params![row.id, a.snapshot])?;
        self.conn
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO records ({RECORD_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ))?
            .execute(params![
                row.id,
                row.kind,
                row.area_id,
                row.commune_id,
                row.author,
                row.created_at,
                row.state,
                row.heads.join(","),
                row.review_status,
                row.data.to_string(),
                last_seq
            ])?;
        if row.kind == "review" {
            let target = row.data["record_id"].as_str().unwrap_or_default();
            let heads: Vec<&str> = row.data["record_heads"]
                .as_array()
                .map(|v| v.iter().filter_map(|h| h.as_str()).collect())
                .unwrap_or_default();
            self.conn.execute(
                "INSERT OR REPLACE INTO reviews (id, record_id, created_at, heads, decision)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    row.id,
                    target,
                    row.created_at,
                    heads.join(","),
                    row.data["decision"].as_str().unwrap_or_default()
                ],
            )?;
        }
        let hashes: Vec<&str> = a.changes.iter().map(|(h, _)| h.as_str()).collect();
        self.conn
            .prepare_cached(
                "INSERT INTO audit (at, device_id, person_id, doc_id, action, hashes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                now_ms(),
                device.id,
                device.person.id,
                row.id,
                a.action,
                hashes.join(",")
            ])?;
        Ok(())
    }

    fn set_review_status(&mut self, id: &str, status: &str) -> StorageResult<()> {
        self.conn.execute(
            "UPDATE records SET review_status = ?2 WHERE id = ?1",
            params![id, status],
        )?;
        Ok(())
    }

    fn save_batch_answer(
        &mut self,
        device_id: &str,
        batch: &str,
        answer: &[u8],
    ) -> StorageResult<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO batches (device_id, batch, answer, at) VALUES (?1, ?2, ?3, ?4)",
            params![device_id, batch, answer, now_ms()],
        )?;
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> StorageResult<()> {
        self.conn.execute_batch("COMMIT")?;
        self.done = true;
        Ok(())
    }
}

impl Storage for SqliteStorage {
    fn add_person(&self, p: &Person) -> StorageResult<()> {
        lock(&self.writer).execute(
            "INSERT INTO people (id, name, role, commune_id, areas) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                p.id,
                p.name,
                p.role.as_str(),
                p.commune_id,
                p.areas.join(",")
            ],
        )?;
        Ok(())
    }

    fn person(&self, id: &str) -> StorageResult<Option<Person>> {
        person_by_id(&self.reader(), id)
    }

    fn add_enrolment_code(
        &self,
        code_hash: &str,
        person_id: &str,
        expires_at: i64,
    ) -> StorageResult<()> {
        lock(&self.writer).execute(
            "INSERT INTO enrolment_codes (code_hash, person_id, expires_at) VALUES (?1, ?2, ?3)",
            params![code_hash, person_id, expires_at],
        )?;
        Ok(())
    }

    fn redeem_code(
        &self,
        code_hash: &str,
        device_id: &str,
        token_hash: &str,
        actor_id: Option<&str>,
        now: i64,
    ) -> StorageResult<Option<Person>> {
        let mut c = lock(&self.writer);
        let tx = c.transaction()?;
        let person_id: Option<String> = tx
            .query_row(
                "UPDATE enrolment_codes SET used_at = ?2
                 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2
                 RETURNING person_id",
                params![code_hash, now],
                |r| r.get(0),
            )
            .optional()?;
        let Some(person_id) = person_id else {
            // The same phone asking again (its first answer was lost on the way): the code is
            // spent, but the device it bound gets a fresh token instead of being locked out.
            let again: Option<String> = match actor_id {
                Some(actor) => tx
                    .query_row(
                        "UPDATE devices SET token_hash = ?3
                         WHERE actor_id = ?2 AND revoked_at IS NULL AND person_id =
                            (SELECT person_id FROM enrolment_codes WHERE code_hash = ?1)
                         RETURNING person_id",
                        params![code_hash, actor, token_hash],
                        |r| r.get(0),
                    )
                    .optional()?,
                None => None,
            };
            let Some(person_id) = again else {
                return Ok(None);
            };
            let person = person_by_id(&tx, &person_id)?;
            tx.commit()?;
            return Ok(person);
        };
        tx.execute(
            "INSERT INTO devices (id, person_id, token_hash, actor_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![device_id, person_id, token_hash, actor_id, now],
        )
        .map_err(|e| StorageError::Conflict(e.to_string()))?;
        let person = person_by_id(&tx, &person_id)?;
        tx.commit()?;
        Ok(person)
    }

    fn add_device(
        &self,
        device_id: &str,
        person_id: &str,
        token_hash: &str,
        actor_id: Option<&str>,
    ) -> StorageResult<()> {
        lock(&self.writer).execute(
            "INSERT INTO devices (id, person_id, token_hash, actor_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![device_id, person_id, token_hash, actor_id, now_ms()],
        )?;
        Ok(())
    }

    fn device_by_token(&self, token_hash: &str) -> StorageResult<Option<Device>> {
        Ok(self
            .reader()
            .query_row(
                "SELECT d.id, d.actor_id, p.id, p.name, p.role, p.commune_id, p.areas
                 FROM devices d JOIN people p ON p.id = d.person_id
                 WHERE d.token_hash = ?1 AND d.revoked_at IS NULL",
                [token_hash],
                |r| {
                    Ok(Device {
                        id: r.get(0)?,
                        actor_id: r.get(1)?,
                        person: person_row(r, 2)?,
                    })
                },
            )
            .optional()?)
    }

    fn revoke_device(&self, device_id: &str) -> StorageResult<bool> {
        let n = lock(&self.writer).execute(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![device_id, now_ms()],
        )?;
        Ok(n > 0)
    }

    fn begin(&self) -> StorageResult<Box<dyn SyncTx + '_>> {
        let conn = lock(&self.writer);
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Box::new(SqliteTx { conn, done: false }))
    }

    fn pull(
        &self,
        scope: &PullScope,
        exclude_device: &str,
        after: u64,
        max_entries: usize,
        max_bytes: usize,
    ) -> StorageResult<LogPage> {
        let c = self.reader();
        // One read transaction: the page and the log's end come from the same snapshot, so an
        // entry committed in between is never jumped over.
        let tx = c.unchecked_transaction()?;
        let (filter, arg): (&str, String) = match scope {
            PullScope::All => ("1 = 1 OR ?4 = ''", String::new()),
            PullScope::Commune(id) => ("commune_id = ?4", id.clone()),
            // Areas travel as one comma-joined argument, matched with instr on commas.
            PullScope::Areas(a) => (
                "instr(',' || ?4 || ',', ',' || area_id || ',') > 0",
                a.join(","),
            ),
        };
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT seq, doc_id, bytes FROM log
             WHERE seq > ?1 AND device_id != ?2 AND ({filter})
             ORDER BY seq LIMIT ?3"
        ))?;
        let mut rows = stmt.query(params![
            after as i64,
            exclude_device,
            (max_entries + 1) as i64,
            arg
        ])?;
        let mut entries = vec![];
        let mut cursor = after;
        let mut bytes = 0;
        let mut more = false;
        while let Some(r) = rows.next()? {
            let b: Vec<u8> = r.get(2)?;
            if entries.len() >= max_entries || (!entries.is_empty() && bytes + b.len() > max_bytes)
            {
                more = true;
                break;
            }
            bytes += b.len();
            cursor = r.get::<_, i64>(0)? as u64;
            entries.push((r.get(1)?, b));
        }
        if !more {
            // Nothing for this device beyond here: move the cursor to the log's end so the next
            // pull does not rescan others' entries.
            let end: i64 =
                tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM log", [], |r| r.get(0))?;
            cursor = cursor.max(end as u64);
        }
        drop(rows);
        drop(stmt);
        tx.commit()?;
        Ok(LogPage {
            entries,
            cursor,
            more,
        })
    }

    fn changes_of(&self, id: &str) -> StorageResult<Vec<Vec<u8>>> {
        let c = self.reader();
        let mut stmt = c.prepare_cached("SELECT bytes FROM log WHERE doc_id = ?1 ORDER BY seq")?;
        let rows = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn record(&self, id: &str) -> StorageResult<Option<RecordRow>> {
        get_record(&self.reader(), id)
    }

    fn records(&self, f: &RecordFilter) -> StorageResult<Vec<RecordRow>> {
        let c = self.reader();
        let mut sql = format!("SELECT {RECORD_COLUMNS} FROM records WHERE 1 = 1");
        let mut args: Vec<rusqlite::types::Value> = vec![];
        let mut push = |cond: &str, v: String, sql: &mut String| {
            args.push(v.into());
            sql.push_str(&format!(" AND {cond} ?{}", args.len()));
        };
        if let Some(k) = &f.kind {
            push("kind =", k.clone(), &mut sql);
        }
        if let Some(a) = &f.area_id {
            push("area_id =", a.clone(), &mut sql);
        }
        match &f.scope {
            Some(PullScope::Commune(id)) => push("commune_id =", id.clone(), &mut sql),
            Some(PullScope::Areas(a)) => {
                args.push(a.join(",").into());
                sql.push_str(&format!(
                    " AND instr(',' || ?{} || ',', ',' || area_id || ',') > 0",
                    args.len()
                ));
            }
            Some(PullScope::All) | None => {}
        }
        if let Some(after) = &f.after_id {
            args.push(after.clone().into());
            sql.push_str(&format!(" AND id > ?{}", args.len()));
        }
        args.push((f.limit as i64).into());
        sql.push_str(&format!(" ORDER BY id LIMIT ?{}", args.len()));
        let mut stmt = c.prepare(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), record_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn snapshot(&self, id: &str) -> StorageResult<Option<Vec<u8>>> {
        get_snapshot(&self.reader(), id)
    }

    fn audit_of(&self, id: &str) -> StorageResult<Vec<AuditRow>> {
        let c = self.reader();
        let mut stmt = c.prepare_cached(
            "SELECT a.at, a.person_id, COALESCE(p.name, ''), a.action, a.hashes
             FROM audit a LEFT JOIN people p ON p.id = a.person_id
             WHERE a.doc_id = ?1 ORDER BY a.id",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                let hashes: String = r.get(4)?;
                Ok(AuditRow {
                    at: r.get(0)?,
                    person_id: r.get(1)?,
                    person_name: r.get(2)?,
                    action: r.get(3)?,
                    hashes: hashes
                        .split(',')
                        .filter(|h| !h.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    fields: vec![],
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn counts(&self) -> StorageResult<(u64, u64, u64)> {
        let c = self.reader();
        let n = |sql: &str| -> StorageResult<u64> {
            Ok(c.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok((
            n("SELECT COUNT(*) FROM records")?,
            n("SELECT COUNT(*) FROM log")?,
            n("SELECT COUNT(*) FROM devices WHERE revoked_at IS NULL")?,
        ))
    }

    fn photo_held(&self, sha256: &str) -> StorageResult<PhotoHeld> {
        photo_held(&self.reader(), sha256)
    }

    fn append_photo_part(
        &self,
        sha256: &str,
        offset: u64,
        total: u64,
        bytes: &[u8],
        device_id: &str,
    ) -> StorageResult<Result<u64, PhotoHeld>> {
        let mut c = lock(&self.writer);
        let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let held = photo_held(&tx, sha256)?;
        let fits = match held {
            PhotoHeld::Nothing => offset == 0,
            PhotoHeld::Partial { received, total: t } => received == offset && t == total,
            PhotoHeld::Complete { .. } => false,
        };
        if !fits || offset + bytes.len() as u64 > total {
            return Ok(Err(held));
        }
        tx.execute(
            "INSERT INTO photo_parts (sha256, part_offset, total, bytes, device_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                sha256,
                offset as i64,
                total as i64,
                bytes,
                device_id,
                now_ms()
            ],
        )?;
        tx.commit()?;
        Ok(Ok(offset + bytes.len() as u64))
    }

    fn photo_upload(&self, sha256: &str) -> StorageResult<Vec<u8>> {
        let c = self.reader();
        let mut stmt = c.prepare_cached(
            "SELECT bytes FROM photo_parts WHERE sha256 = ?1 ORDER BY part_offset",
        )?;
        let mut out = vec![];
        for part in stmt.query_map([sha256], |r| r.get::<_, Vec<u8>>(0))? {
            out.extend_from_slice(&part?);
        }
        Ok(out)
    }

    fn complete_photo(
        &self,
        sha256: &str,
        bytes: &[u8],
        commune_id: &str,
        device_id: &str,
    ) -> StorageResult<()> {
        let mut c = lock(&self.writer);
        let tx = c.transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO photos (sha256, bytes, commune_id, device_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![sha256, bytes, commune_id, device_id, now_ms()],
        )?;
        tx.execute("DELETE FROM photo_parts WHERE sha256 = ?1", [sha256])?;
        tx.commit()?;
        Ok(())
    }

    fn discard_photo_upload(&self, sha256: &str) -> StorageResult<()> {
        lock(&self.writer).execute("DELETE FROM photo_parts WHERE sha256 = ?1", [sha256])?;
        Ok(())
    }

    fn photo(&self, sha256: &str) -> StorageResult<Option<StoredPhoto>> {
        Ok(self
            .reader()
            .query_row(
                "SELECT bytes, commune_id FROM photos WHERE sha256 = ?1",
                [sha256],
                |r| {
                    Ok(StoredPhoto {
                        bytes: r.get(0)?,
                        commune_id: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }
}

fn photo_held(c: &Connection, sha256: &str) -> StorageResult<PhotoHeld> {
    let size: Option<i64> = c
        .query_row(
            "SELECT length(bytes) FROM photos WHERE sha256 = ?1",
            [sha256],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(size) = size {
        return Ok(PhotoHeld::Complete { size: size as u64 });
    }
    let (received, total): (Option<i64>, Option<i64>) = c.query_row(
        "SELECT SUM(length(bytes)), MAX(total) FROM photo_parts WHERE sha256 = ?1",
        [sha256],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(match (received, total) {
        (Some(received), Some(total)) => PhotoHeld::Partial {
            received: received as u64,
            total: total as u64,
        },
        _ => PhotoHeld::Nothing,
    })
}
