//! PostgreSQL, for a province: several stateless server instances share one database. A push
//! holds its commune's transaction-scoped advisory lock for its whole work, so pushes of one
//! commune keep their order and different communes' run side by side; it takes the log's lock
//! only to write its log entries and commit, so sequence numbers are handed out and committed in
//! the same order by every instance (see `feed`).

use super::sql::{Row, Sql, Val};
use super::*;
use postgres::types::{IsNull, ToSql, Type};
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;
type Conn = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

/// The advisory lock key that orders the log (any fixed number; "sx" in ASCII); with a
/// commune's hash as the second key, the lock of that commune's pushes.
const LOG_LOCK: i64 = 0x7378;

/// Migrations, in order; `schema_version` counts those applied.
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
    // The security review: uploads per device, photos per commune, single-use codes, sessions
    // of their own, batch fingerprints. Unfinished uploads start again (phones resume from 0).
    "
DROP TABLE photo_parts;
CREATE TABLE photo_parts (
    device_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    part_offset BIGINT NOT NULL,
    total BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    at BIGINT NOT NULL,
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
ALTER TABLE devices ADD COLUMN first_seen_at BIGINT;
UPDATE devices SET first_seen_at = created_at;
ALTER TABLE batches ADD COLUMN fingerprint TEXT;
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value BYTEA NOT NULL
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
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
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

impl From<postgres::Error> for StorageError {
    fn from(e: postgres::Error) -> Self {
        if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
            StorageError::Conflict(e.to_string())
        } else if e.code() == Some(&postgres::error::SqlState::DISK_FULL) {
            StorageError::Full
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

impl ToSql for Val {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Val::Null => Ok(IsNull::Yes),
            Val::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Val::Int(i) if *ty == Type::BOOL => (*i != 0).to_sql(ty, out),
            Val::Int(i) => i.to_sql(ty, out),
            Val::Text(s) => s.to_sql(ty, out),
            Val::Bytes(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

impl Sql for postgres::Client {
    fn exec(&mut self, sql: &str, args: &[Val]) -> StorageResult<u64> {
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        Ok(self.execute(sql, &params)?)
    }

    fn rows(&mut self, sql: &str, args: &[Val]) -> StorageResult<Vec<Row>> {
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        self.query(sql, &params)?.iter().map(row).collect()
    }
}

fn row(r: &postgres::Row) -> StorageResult<Row> {
    let mut vals = Vec::with_capacity(r.len());
    for (i, c) in r.columns().iter().enumerate() {
        let t = c.type_();
        let v = if *t == Type::INT8 {
            r.try_get::<_, Option<i64>>(i)?.map(Val::Int)
        } else if *t == Type::INT4 {
            r.try_get::<_, Option<i32>>(i)?.map(|v| Val::Int(v as i64))
        } else if *t == Type::INT2 {
            r.try_get::<_, Option<i16>>(i)?.map(|v| Val::Int(v as i64))
        } else if *t == Type::BOOL {
            r.try_get::<_, Option<bool>>(i)?.map(|v| Val::Int(v as i64))
        } else if *t == Type::BYTEA {
            r.try_get::<_, Option<Vec<u8>>>(i)?.map(Val::Bytes)
        } else if *t == Type::NUMERIC {
            return Err(StorageError::Database(format!(
                "column {i}: NUMERIC is not read; cast it"
            )));
        } else {
            r.try_get::<_, Option<String>>(i)?.map(Val::Text)
        };
        vals.push(v.unwrap_or(Val::Null));
    }
    Ok(Row(vals))
}

pub struct PgBackend {
    /// Reads and small writes.
    pool: Pool,
    /// Push transactions only. They queue on their commune's lock; a pool of their own keeps
    /// them from holding every connection while pulls wait.
    pushes: Pool,
}

/// PostgreSQL storage.
pub type PostgresStorage = Db<PgBackend>;

impl Db<PgBackend> {
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
        let backend = PgBackend { pool, pushes };
        super::records::backfill_days(&backend)?;
        Ok(Db { backend })
    }
}

/// Runs `f` between `begin` and `COMMIT`, rolling back when it fails.
fn in_transaction<T>(
    conn: &mut Conn,
    begin: &str,
    f: impl FnOnce(&mut dyn Sql) -> StorageResult<T>,
) -> StorageResult<T> {
    conn.batch_execute(begin)?;
    let client: &mut postgres::Client = conn;
    match f(client) {
        Ok(v) => {
            conn.batch_execute("COMMIT")?;
            Ok(v)
        }
        Err(e) => {
            let _ = conn.batch_execute("ROLLBACK");
            Err(e)
        }
    }
}

struct PgPush {
    conn: Conn,
    done: bool,
}

impl Drop for PgPush {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.conn.batch_execute("ROLLBACK");
        }
    }
}

impl Sql for PgPush {
    fn exec(&mut self, sql: &str, args: &[Val]) -> StorageResult<u64> {
        let client: &mut postgres::Client = &mut self.conn;
        client.exec(sql, args)
    }

    fn rows(&mut self, sql: &str, args: &[Val]) -> StorageResult<Vec<Row>> {
        let client: &mut postgres::Client = &mut self.conn;
        client.rows(sql, args)
    }
}

impl PushConn for PgPush {
    fn order_log(&mut self) -> StorageResult<()> {
        self.conn
            .execute("SELECT pg_advisory_xact_lock($1)", &[&LOG_LOCK])?;
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> StorageResult<()> {
        self.conn.batch_execute("COMMIT")?;
        self.done = true;
        Ok(())
    }
}

impl Backend for PgBackend {
    fn read<T>(&self, f: impl FnOnce(&mut dyn Sql) -> StorageResult<T>) -> StorageResult<T> {
        // One snapshot for everything read (REPEATABLE READ), as SQLite's read transaction.
        in_transaction(
            &mut self.pool.get()?,
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            f,
        )
    }

    fn write<T>(&self, f: impl FnOnce(&mut dyn Sql) -> StorageResult<T>) -> StorageResult<T> {
        in_transaction(&mut self.pool.get()?, "BEGIN", f)
    }

    fn begin_push(&self, commune: &str) -> StorageResult<Box<dyn PushConn + '_>> {
        let mut conn = self.pushes.get()?;
        conn.batch_execute("BEGIN")?;
        let mut push = PgPush { conn, done: false };
        // Two-key advisory locks are a key space of their own: no commune's lock is the log's.
        push.conn.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext($2))",
            &[&(LOG_LOCK as i32), &commune],
        )?;
        Ok(Box::new(push))
    }

    fn lock_key(&self, sql: &mut dyn Sql, key: &str) -> StorageResult<()> {
        sql.exec(
            "SELECT pg_advisory_xact_lock(hashtext($1)::BIGINT)",
            crate::args![key],
        )?;
        Ok(())
    }
}
