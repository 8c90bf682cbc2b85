//! PostgreSQL storage, for a province: several stateless server instances share one database.
//!
//! The log's cursor hazard: with concurrent writers, a transaction can take sequence number
//! N+1, commit, and be pulled past before the transaction holding N commits — which a device
//! would then skip for ever. Every push here takes one transaction-scoped advisory lock before
//! it touches the log, so sequence numbers are handed out and committed in the same order, by
//! every instance. (At national scale the lock and the log split by commune; see
//! docs/operations.md.)

use super::*;
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;
use sachxanh_core::model::Decision;

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;
type Conn = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

/// The advisory lock key that orders pushes (any fixed number; "sx" in ASCII).
const LOG_LOCK: i64 = 0x7378;

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
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    token_hash TEXT NOT NULL UNIQUE,
    actor_id TEXT UNIQUE,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    snapshot BYTEA NOT NULL
);
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    area_id TEXT,
    commune_id TEXT,
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    heads TEXT NOT NULL,
    review_status TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_seq BIGINT NOT NULL
);
CREATE INDEX records_kind_area ON records(kind, area_id, id);
CREATE INDEX records_commune ON records(commune_id, id);
CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    heads TEXT NOT NULL,
    decision TEXT NOT NULL
);
CREATE INDEX reviews_record ON reviews(record_id);
CREATE TABLE log (
    seq BIGSERIAL PRIMARY KEY,
    doc_id TEXT NOT NULL,
    area_id TEXT,
    commune_id TEXT,
    device_id TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    bytes BYTEA NOT NULL
);
CREATE INDEX log_doc ON log(doc_id, seq);
CREATE INDEX log_commune ON log(commune_id, seq);
CREATE TABLE audit (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    device_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    action TEXT NOT NULL,
    hashes TEXT NOT NULL
);
CREATE INDEX audit_doc ON audit(doc_id, id);
CREATE TABLE batches (
    device_id TEXT NOT NULL,
    batch TEXT NOT NULL,
    answer BYTEA NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (device_id, batch)
);
",
    "
CREATE TABLE photo_parts (
    sha256 TEXT NOT NULL,
    part_offset BIGINT NOT NULL,
    total BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    device_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (sha256, part_offset)
);
CREATE TABLE photos (
    sha256 TEXT PRIMARY KEY,
    bytes BYTEA NOT NULL,
    commune_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    at BIGINT NOT NULL
);
",
];

impl From<postgres::Error> for StorageError {
    fn from(e: postgres::Error) -> Self {
        if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
            StorageError::Conflict(e.to_string())
        } else {
            StorageError::Database(e.to_string())
        }
    }
}

impl From<r2d2::Error> for StorageError {
    fn from(e: r2d2::Error) -> Self {
        StorageError::Database(e.to_string())
    }
}

pub struct PostgresStorage {
    /// Reads and small writes.
    pool: Pool,
    /// Push transactions only. They queue on the log lock; a pool of their own keeps them from
    /// holding every connection while pulls wait.
    pushes: Pool,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

fn person_row(r: &postgres::Row, at: usize) -> Person {
    let role: String = r.get(at + 2);
    let areas: String = r.get(at + 4);
    Person {
        id: r.get(at),
        name: r.get(at + 1),
        role: Role::parse(&role).unwrap_or(Role::Volunteer),
        commune_id: r.get(at + 3),
        areas: split(&areas),
    }
}

const RECORD_COLUMNS: &str = "id, kind, area_id, commune_id, author, created_at, state, heads, review_status, data, updated_seq";

fn record_row(r: &postgres::Row) -> RecordRow {
    let heads: String = r.get(7);
    let data: String = r.get(9);
    RecordRow {
        id: r.get(0),
        kind: r.get(1),
        area_id: r.get(2),
        commune_id: r.get(3),
        author: r.get(4),
        created_at: r.get(5),
        state: r.get(6),
        heads: split(&heads),
        review_status: r.get(8),
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        updated_seq: r.get(10),
    }
}

fn get_record(c: &mut impl postgres::GenericClient, id: &str) -> StorageResult<Option<RecordRow>> {
    Ok(c.query_opt(
        &format!("SELECT {RECORD_COLUMNS} FROM records WHERE id = $1"),
        &[&id],
    )?
    .map(|r| record_row(&r)))
}

fn get_person(c: &mut impl postgres::GenericClient, id: &str) -> StorageResult<Option<Person>> {
    Ok(c.query_opt(
        "SELECT id, name, role, commune_id, areas FROM people WHERE id = $1",
        &[&id],
    )?
    .map(|r| person_row(&r, 0)))
}

impl PostgresStorage {
    /// Connects (`postgres://user@host/db`) and brings the schema up to date. Several instances
    /// may start at once: the migration runs under an advisory lock.
    pub fn open(url: &str, pool_size: u32) -> StorageResult<Self> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e: postgres::Error| StorageError::Database(e.to_string()))?;
        let build = |size: u32| {
            r2d2::Pool::builder()
                .max_size(size)
                .connection_timeout(std::time::Duration::from_secs(30))
                .build(PostgresConnectionManager::new(config.clone(), NoTls))
        };
        let pool = build(pool_size.max(2))?;
        let pushes = build((pool_size / 4).max(2))?;
        let mut c = pool.get()?;
        let mut tx = c.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&(LOG_LOCK + 1)])?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
        let version: i64 = tx
            .query_opt("SELECT version FROM schema_version", &[])?
            .map(|r| r.get(0))
            .unwrap_or(0);
        if version > SCHEMA.len() as i64 {
            return Err(StorageError::Database(format!(
                "database schema {version} is newer than this server ({})",
                SCHEMA.len()
            )));
        }
        for sql in SCHEMA.iter().skip(version as usize) {
            tx.batch_execute(sql)?;
        }
        tx.execute("DELETE FROM schema_version", &[])?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&(SCHEMA.len() as i64)],
        )?;
        tx.commit()?;
        Ok(PostgresStorage { pool, pushes })
    }
}

struct PgTx {
    conn: Conn,
    done: bool,
}

impl Drop for PgTx {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.conn.batch_execute("ROLLBACK");
        }
    }
}

impl SyncTx for PgTx {
    fn batch_answer(&mut self, device_id: &str, batch: &str) -> StorageResult<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_opt(
                "SELECT answer FROM batches WHERE device_id = $1 AND batch = $2",
                &[&device_id, &batch],
            )?
            .map(|r| r.get(0)))
    }

    fn snapshot(&mut self, id: &str) -> StorageResult<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_opt("SELECT snapshot FROM documents WHERE id = $1", &[&id])?
            .map(|r| r.get(0)))
    }

    fn record(&mut self, id: &str) -> StorageResult<Option<RecordRow>> {
        get_record(&mut *self.conn, id)
    }

    fn reviews_of(&mut self, record_id: &str) -> StorageResult<Vec<ReviewFact>> {
        Ok(self
            .conn
            .query(
                "SELECT id, created_at, heads, decision FROM reviews WHERE record_id = $1",
                &[&record_id],
            )?
            .iter()
            .map(|r| {
                let heads: String = r.get(2);
                let decision: String = r.get(3);
                ReviewFact {
                    id: r.get(0),
                    created_at: r.get(1),
                    heads: heads.split(',').map(str::to_owned).collect(),
                    decision: Decision::parse(&decision).unwrap_or(Decision::Returned),
                }
            })
            .collect())
    }

    fn append(&mut self, device: &Device, a: &Accepted) -> StorageResult<()> {
        let row = &a.row;
        let mut last_seq = 0i64;
        for (hash, bytes) in &a.changes {
            last_seq = self
                .conn
                .query_one(
                    "INSERT INTO log (doc_id, area_id, commune_id, device_id, hash, bytes)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
                    &[
                        &row.id,
                        &row.area_id,
                        &row.commune_id,
                        &device.id,
                        hash,
                        bytes,
                    ],
                )?
                .get(0);
        }
        self.conn.execute(
            "INSERT INTO documents (id, snapshot) VALUES ($1, $2)
             ON CONFLICT (id) DO UPDATE SET snapshot = EXCLUDED.snapshot",
            &[&row.id, &a.snapshot],
        )?;
        let heads = row.heads.join(",");
        let data = row.data.to_string();
        self.conn.execute(
            &format!(
                "INSERT INTO records ({RECORD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, area_id = EXCLUDED.area_id,
                   commune_id = EXCLUDED.commune_id, author = EXCLUDED.author,
                   created_at = EXCLUDED.created_at, state = EXCLUDED.state, heads = EXCLUDED.heads,
                   review_status = EXCLUDED.review_status, data = EXCLUDED.data,
                   updated_seq = EXCLUDED.updated_seq"
            ),
            &[
                &row.id,
                &row.kind,
                &row.area_id,
                &row.commune_id,
                &row.author,
                &row.created_at,
                &row.state,
                &heads,
                &row.review_status,
                &data,
                &last_seq,
            ],
        )?;
        if row.kind == "review" {
            let target = row.data["record_id"].as_str().unwrap_or_default();
            let heads: Vec<&str> = row.data["record_heads"]
                .as_array()
                .map(|v| v.iter().filter_map(|h| h.as_str()).collect())
                .unwrap_or_default();
            let decision = row.data["decision"].as_str().unwrap_or_default();
            self.conn.execute(
                "INSERT INTO reviews (id, record_id, created_at, heads, decision) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET heads = EXCLUDED.heads, decision = EXCLUDED.decision",
                &[&row.id, &target, &row.created_at, &heads.join(","), &decision],
            )?;
        }
        let hashes: Vec<&str> = a.changes.iter().map(|(h, _)| h.as_str()).collect();
        self.conn.execute(
            "INSERT INTO audit (at, device_id, person_id, doc_id, action, hashes)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &now_ms(),
                &device.id,
                &device.person.id,
                &row.id,
                &a.action,
                &hashes.join(","),
            ],
        )?;
        Ok(())
    }

    fn set_review_status(&mut self, id: &str, status: &str) -> StorageResult<()> {
        self.conn.execute(
            "UPDATE records SET review_status = $2 WHERE id = $1",
            &[&id, &status],
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
            "INSERT INTO batches (device_id, batch, answer, at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (device_id, batch) DO UPDATE SET answer = EXCLUDED.answer",
            &[&device_id, &batch, &answer, &now_ms()],
        )?;
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> StorageResult<()> {
        self.conn.batch_execute("COMMIT")?;
        self.done = true;
        Ok(())
    }
}

impl Storage for PostgresStorage {
    fn add_person(&self, p: &Person) -> StorageResult<()> {
        self.pool.get()?.execute(
            "INSERT INTO people (id, name, role, commune_id, areas) VALUES ($1, $2, $3, $4, $5)",
            &[
                &p.id,
                &p.name,
                &p.role.as_str(),
                &p.commune_id,
                &p.areas.join(","),
            ],
        )?;
        Ok(())
    }

    fn person(&self, id: &str) -> StorageResult<Option<Person>> {
        get_person(&mut *self.pool.get()?, id)
    }

    fn add_enrolment_code(
        &self,
        code_hash: &str,
        person_id: &str,
        expires_at: i64,
    ) -> StorageResult<()> {
        self.pool.get()?.execute(
            "INSERT INTO enrolment_codes (code_hash, person_id, expires_at) VALUES ($1, $2, $3)",
            &[&code_hash, &person_id, &expires_at],
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
        let mut c = self.pool.get()?;
        let mut tx = c.transaction()?;
        let person_id: Option<String> = tx
            .query_opt(
                "UPDATE enrolment_codes SET used_at = $2
                 WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2
                 RETURNING person_id",
                &[&code_hash, &now],
            )?
            .map(|r| r.get(0));
        let Some(person_id) = person_id else {
            // The same phone asking again: a fresh token for the device the code bound.
            let again: Option<String> = match actor_id {
                Some(actor) => tx
                    .query_opt(
                        "UPDATE devices SET token_hash = $3
                         WHERE actor_id = $2 AND revoked_at IS NULL AND person_id =
                            (SELECT person_id FROM enrolment_codes WHERE code_hash = $1)
                         RETURNING person_id",
                        &[&code_hash, &actor, &token_hash],
                    )?
                    .map(|r| r.get(0)),
                None => None,
            };
            let Some(person_id) = again else {
                return Ok(None);
            };
            let person = get_person(&mut tx, &person_id)?;
            tx.commit()?;
            return Ok(person);
        };
        tx.execute(
            "INSERT INTO devices (id, person_id, token_hash, actor_id, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[&device_id, &person_id, &token_hash, &actor_id, &now],
        )?;
        let person = get_person(&mut tx, &person_id)?;
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
        self.pool.get()?.execute(
            "INSERT INTO devices (id, person_id, token_hash, actor_id, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[&device_id, &person_id, &token_hash, &actor_id, &now_ms()],
        )?;
        Ok(())
    }

    fn device_by_token(&self, token_hash: &str) -> StorageResult<Option<Device>> {
        Ok(self
            .pool
            .get()?
            .query_opt(
                "SELECT d.id, d.actor_id, p.id, p.name, p.role, p.commune_id, p.areas
                 FROM devices d JOIN people p ON p.id = d.person_id
                 WHERE d.token_hash = $1 AND d.revoked_at IS NULL",
                &[&token_hash],
            )?
            .map(|r| Device {
                id: r.get(0),
                actor_id: r.get(1),
                person: person_row(&r, 2),
            }))
    }

    fn revoke_device(&self, device_id: &str) -> StorageResult<bool> {
        let n = self.pool.get()?.execute(
            "UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[&device_id, &now_ms()],
        )?;
        Ok(n > 0)
    }

    fn begin(&self) -> StorageResult<Box<dyn SyncTx + '_>> {
        let mut conn = self.pushes.get()?;
        conn.batch_execute("BEGIN")?;
        let mut tx = PgTx { conn, done: false };
        tx.conn
            .execute("SELECT pg_advisory_xact_lock($1)", &[&LOG_LOCK])?;
        Ok(Box::new(tx))
    }

    fn pull(
        &self,
        scope: &PullScope,
        exclude_device: &str,
        after: u64,
        max_entries: usize,
        max_bytes: usize,
    ) -> StorageResult<LogPage> {
        let mut c = self.pool.get()?;
        // One snapshot for the page and the log's end (REPEATABLE READ), as in SQLite.
        let mut tx = c
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let (filter, arg): (&str, String) = match scope {
            PullScope::All => ("$4 = $4", String::new()),
            PullScope::Commune(id) => ("commune_id = $4", id.clone()),
            PullScope::Areas(a) => ("area_id = ANY(string_to_array($4, ','))", a.join(",")),
        };
        let rows = tx.query(
            &format!(
                "SELECT seq, doc_id, bytes FROM log
                 WHERE seq > $1 AND device_id <> $2 AND ({filter})
                 ORDER BY seq LIMIT $3"
            ),
            &[
                &(after as i64),
                &exclude_device,
                &((max_entries + 1) as i64),
                &arg,
            ],
        )?;
        let mut entries = vec![];
        let mut cursor = after;
        let mut bytes = 0;
        let mut more = false;
        for r in rows {
            let b: Vec<u8> = r.get(2);
            if entries.len() >= max_entries || (!entries.is_empty() && bytes + b.len() > max_bytes)
            {
                more = true;
                break;
            }
            bytes += b.len();
            cursor = r.get::<_, i64>(0) as u64;
            entries.push((r.get(1), b));
        }
        if !more {
            let end: i64 = tx
                .query_one("SELECT COALESCE(MAX(seq), 0) FROM log", &[])?
                .get(0);
            cursor = cursor.max(end as u64);
        }
        tx.commit()?;
        Ok(LogPage {
            entries,
            cursor,
            more,
        })
    }

    fn changes_of(&self, id: &str) -> StorageResult<Vec<Vec<u8>>> {
        Ok(self
            .pool
            .get()?
            .query(
                "SELECT bytes FROM log WHERE doc_id = $1 ORDER BY seq",
                &[&id],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn record(&self, id: &str) -> StorageResult<Option<RecordRow>> {
        get_record(&mut *self.pool.get()?, id)
    }

    fn records(&self, f: &RecordFilter) -> StorageResult<Vec<RecordRow>> {
        let mut sql = format!("SELECT {RECORD_COLUMNS} FROM records WHERE 1 = 1");
        let mut args: Vec<String> = vec![];
        let mut cond = |c: &str, v: String, sql: &mut String| {
            args.push(v);
            sql.push_str(&format!(" AND {c} ${}", args.len()));
        };
        if let Some(k) = &f.kind {
            cond("kind =", k.clone(), &mut sql);
        }
        if let Some(a) = &f.area_id {
            cond("area_id =", a.clone(), &mut sql);
        }
        match &f.scope {
            Some(PullScope::Commune(id)) => cond("commune_id =", id.clone(), &mut sql),
            Some(PullScope::Areas(a)) => {
                args.push(a.join(","));
                sql.push_str(&format!(
                    " AND area_id = ANY(string_to_array(${}, ','))",
                    args.len()
                ));
            }
            Some(PullScope::All) | None => {}
        }
        if let Some(after) = &f.after_id {
            args.push(after.clone());
            sql.push_str(&format!(" AND id > ${}", args.len()));
        }
        sql.push_str(&format!(
            " ORDER BY id LIMIT {}",
            f.limit.min(i64::MAX as usize)
        ));
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = args
            .iter()
            .map(|a| a as &(dyn postgres::types::ToSql + Sync))
            .collect();
        Ok(self
            .pool
            .get()?
            .query(&sql, &params)?
            .iter()
            .map(record_row)
            .collect())
    }

    fn snapshot(&self, id: &str) -> StorageResult<Option<Vec<u8>>> {
        Ok(self
            .pool
            .get()?
            .query_opt("SELECT snapshot FROM documents WHERE id = $1", &[&id])?
            .map(|r| r.get(0)))
    }

    fn audit_of(&self, id: &str) -> StorageResult<Vec<AuditRow>> {
        Ok(self
            .pool
            .get()?
            .query(
                "SELECT a.at, a.person_id, COALESCE(p.name, ''), a.action, a.hashes
                 FROM audit a LEFT JOIN people p ON p.id = a.person_id
                 WHERE a.doc_id = $1 ORDER BY a.id",
                &[&id],
            )?
            .iter()
            .map(|r| {
                let hashes: String = r.get(4);
                AuditRow {
                    at: r.get(0),
                    person_id: r.get(1),
                    person_name: r.get(2),
                    action: r.get(3),
                    hashes: hashes
                        .split(',')
                        .filter(|h| !h.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    fields: vec![],
                }
            })
            .collect())
    }

    fn counts(&self) -> StorageResult<(u64, u64, u64)> {
        let r = self.pool.get()?.query_one(
            "SELECT (SELECT COUNT(*) FROM records), (SELECT COUNT(*) FROM log),
                    (SELECT COUNT(*) FROM devices WHERE revoked_at IS NULL)",
            &[],
        )?;
        Ok((
            r.get::<_, i64>(0) as u64,
            r.get::<_, i64>(1) as u64,
            r.get::<_, i64>(2) as u64,
        ))
    }

    fn photo_held(&self, sha256: &str) -> StorageResult<PhotoHeld> {
        photo_held(&mut *self.pool.get()?, sha256)
    }

    fn append_photo_part(
        &self,
        sha256: &str,
        offset: u64,
        total: u64,
        bytes: &[u8],
        device_id: &str,
    ) -> StorageResult<Result<u64, PhotoHeld>> {
        let mut c = self.pool.get()?;
        let mut tx = c.transaction()?;
        // Parts of one photo from two instances must not interleave.
        tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&sha256])?;
        let held = photo_held(&mut tx, sha256)?;
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
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &sha256,
                &(offset as i64),
                &(total as i64),
                &bytes,
                &device_id,
                &now_ms(),
            ],
        )?;
        tx.commit()?;
        Ok(Ok(offset + bytes.len() as u64))
    }

    fn photo_upload(&self, sha256: &str) -> StorageResult<Vec<u8>> {
        let mut out = vec![];
        for r in self.pool.get()?.query(
            "SELECT bytes FROM photo_parts WHERE sha256 = $1 ORDER BY part_offset",
            &[&sha256],
        )? {
            out.extend_from_slice(r.get::<_, &[u8]>(0));
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
        let mut c = self.pool.get()?;
        let mut tx = c.transaction()?;
        tx.execute(
            "INSERT INTO photos (sha256, bytes, commune_id, device_id, at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
            &[&sha256, &bytes, &commune_id, &device_id, &now_ms()],
        )?;
        tx.execute("DELETE FROM photo_parts WHERE sha256 = $1", &[&sha256])?;
        tx.commit()?;
        Ok(())
    }

    fn discard_photo_upload(&self, sha256: &str) -> StorageResult<()> {
        self.pool
            .get()?
            .execute("DELETE FROM photo_parts WHERE sha256 = $1", &[&sha256])?;
        Ok(())
    }

    fn photo(&self, sha256: &str) -> StorageResult<Option<StoredPhoto>> {
        Ok(self
            .pool
            .get()?
            .query_opt(
                "SELECT bytes, commune_id FROM photos WHERE sha256 = $1",
                &[&sha256],
            )?
            .map(|r| StoredPhoto {
                bytes: r.get(0),
                commune_id: r.get(1),
            }))
    }
}

fn photo_held(c: &mut impl postgres::GenericClient, sha256: &str) -> StorageResult<PhotoHeld> {
    if let Some(r) = c.query_opt(
        "SELECT length(bytes)::BIGINT FROM photos WHERE sha256 = $1",
        &[&sha256],
    )? {
        return Ok(PhotoHeld::Complete {
            size: r.get::<_, i64>(0) as u64,
        });
    }
    let r = c.query_one(
        "SELECT SUM(length(bytes))::BIGINT, MAX(total) FROM photo_parts WHERE sha256 = $1",
        &[&sha256],
    )?;
    Ok(
        match (r.get::<_, Option<i64>>(0), r.get::<_, Option<i64>>(1)) {
            (Some(received), Some(total)) => PhotoHeld::Partial {
                received: received as u64,
                total: total as u64,
            },
            _ => PhotoHeld::Nothing,
        },
    )
}
