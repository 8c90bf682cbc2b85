//! Documents on disk: a snapshot (Automerge `save()`) plus incremental chunks (one per change or
//! received batch). Compaction folds the chunks into a new snapshot once they outgrow it.

use crate::document::RecordDoc;
use crate::error::{Error, Result};
use automerge::ActorId;
use rusqlite::{params, Connection, OptionalExtension};

/// Chunks below this total are never worth compacting.
const COMPACT_MIN_BYTES: i64 = 4096;

pub fn exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM documents WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Loads one document from its snapshot and chunks.
pub fn load(conn: &Connection, id: &str, actor: &ActorId) -> Result<RecordDoc> {
    let snapshot: Option<Vec<u8>> = conn
        .query_row("SELECT snapshot FROM documents WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| Error::NotFound(id.to_owned()))?;
    let mut stmt =
        conn.prepare_cached("SELECT bytes FROM chunks WHERE doc_id = ?1 ORDER BY seq")?;
    let chunks: Vec<Vec<u8>> = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    RecordDoc::load(
        snapshot.iter().chain(chunks.iter()).map(|c| c.as_slice()),
        actor,
    )
}

/// Records a new document row (no bytes yet).
pub fn insert(conn: &Connection, id: &str, kind: Option<&str>) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO documents (id, kind) VALUES (?1, ?2)")?
        .execute(params![id, kind])?;
    if kind.is_some() {
        conn.prepare_cached("UPDATE documents SET kind = ?2 WHERE id = ?1 AND kind IS NULL")?
            .execute(params![id, kind])?;
    }
    Ok(())
}

/// Stores a document met for the first time as the bytes it came in (its changes, or a saved
/// document): they load as they are, so nothing is saved again until chunks outgrow them.
pub fn insert_whole(conn: &Connection, id: &str, kind: Option<&str>, bytes: &[u8]) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO documents (id, kind, snapshot, snapshot_bytes) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, kind, bytes, bytes.len() as i64])?;
    Ok(())
}

/// Appends change bytes to a document, compacting when the chunks outgrow the snapshot.
pub fn append(conn: &Connection, id: &str, bytes: &[u8], doc: &RecordDoc) -> Result<()> {
    conn.prepare_cached("INSERT INTO chunks (doc_id, bytes) VALUES (?1, ?2)")?
        .execute(params![id, bytes])?;
    let (snapshot_bytes, chunk_bytes): (i64, i64) = conn
        .prepare_cached(
            "UPDATE documents SET chunk_bytes = chunk_bytes + ?2 WHERE id = ?1
             RETURNING snapshot_bytes, chunk_bytes",
        )?
        .query_row(params![id, bytes.len() as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    if chunk_bytes > snapshot_bytes.max(COMPACT_MIN_BYTES) {
        compact(conn, id, doc)?;
    }
    Ok(())
}

/// Replaces snapshot and chunks by one snapshot of `doc`, which must hold every stored change.
pub fn compact(conn: &Connection, id: &str, doc: &RecordDoc) -> Result<()> {
    let snapshot = doc.save();
    conn.execute(
        "UPDATE documents SET snapshot = ?2, snapshot_bytes = ?3, chunk_bytes = 0 WHERE id = ?1",
        params![id, snapshot, snapshot.len() as i64],
    )?;
    conn.execute("DELETE FROM chunks WHERE doc_id = ?1", [id])?;
    Ok(())
}

pub fn all_ids(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM documents ORDER BY id")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}
