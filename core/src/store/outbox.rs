//! The outbox: changes made on this device that the server has not acknowledged yet. A row is
//! written in the same transaction as the change itself, so a saved record is never unsent.

use crate::error::Result;
use rusqlite::{params, Connection};
use serde::Serialize;

/// One change waiting to be sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxEntry {
    pub seq: i64,
    pub doc_id: String,
    /// The change's hash (hex): content-addressed, so sending it twice is harmless.
    pub hash: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

pub fn push(conn: &Connection, doc_id: &str, hash: &str, bytes: &[u8]) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO outbox (doc_id, hash, bytes) VALUES (?1, ?2, ?3)")?
        .execute(params![doc_id, hash, bytes])?;
    Ok(())
}

/// Entries in the order they were made, oldest first.
pub fn pending(conn: &Connection, limit: usize) -> Result<Vec<OutboxEntry>> {
    let mut stmt =
        conn.prepare_cached("SELECT seq, doc_id, hash, bytes FROM outbox ORDER BY seq LIMIT ?1")?;
    let rows = stmt
        .query_map([limit as i64], |r| {
            Ok(OutboxEntry {
                seq: r.get(0)?,
                doc_id: r.get(1)?,
                hash: r.get(2)?,
                bytes: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get::<_, i64>(0))? as u64)
}

/// How many records have changes waiting: what a person calls "not sent yet".
pub fn records(conn: &Connection) -> Result<u64> {
    Ok(
        conn.query_row("SELECT COUNT(DISTINCT doc_id) FROM outbox", [], |r| {
            r.get::<_, i64>(0)
        })? as u64,
    )
}

/// Drops the entries the server confirmed holding.
pub fn acknowledge(conn: &Connection, hashes: &[String]) -> Result<usize> {
    let mut stmt = conn.prepare_cached("DELETE FROM outbox WHERE hash = ?1")?;
    let mut n = 0;
    for h in hashes {
        n += stmt.execute([h])?;
    }
    Ok(n)
}
