//! Projections: one relational row per record (plus one per kind) derived from its document, so
//! lists, counts, search and figures never load Automerge. Everything here is a pure function of
//! the documents; `rebuild` proves it by recomputing from scratch.

use crate::document::RecordDoc;
use crate::error::Result;
use crate::model::review::{derive_status, ReviewFact};
use crate::model::{AnyRecord, Decision, Lifecycle, ReviewStatus};
use rusqlite::{params, Connection, OptionalExtension};

/// Writes the rows of one complete document. Documents still waiting for their first change
/// have no rows.
pub fn project(conn: &Connection, id: &str, doc: &RecordDoc) -> Result<()> {
    if !doc.is_complete() {
        return Ok(());
    }
    project_record(conn, id, doc, &doc.record()?)
}

/// [`project`] for a complete document whose record the caller already read (reading it is a
/// good part of applying a pulled record).
pub fn project_record(
    conn: &Connection,
    id: &str,
    doc: &RecordDoc,
    record: &AnyRecord,
) -> Result<()> {
    let meta = doc.meta()?;
    let conflicts = serde_json::to_string(&doc.conflicts()).unwrap_or_else(|_| "[]".into());
    let heads = doc.heads();
    // The status is written with the row rather than after it: one statement fewer for every
    // record a first sync brings. A review's own row has none.
    let status = match record {
        AnyRecord::Review(_) => ReviewStatus::Draft,
        _ => status_of(conn, id, meta.state == Lifecycle::Submitted, &heads)?,
    };
    conn.prepare_cached(
        "INSERT OR REPLACE INTO records (id, kind, area_id, author, created_at, state, heads,
            review_status, conflicts, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id,
        record.kind().as_str(),
        record.area_id(),
        meta.author,
        meta.created_at,
        meta.state.as_str(),
        heads.join(","),
        status.as_str(),
        conflicts,
        record.to_json().to_string()
    ])?;
    record.body().project(conn, id)?;
    // Which photos records use: only those are uploaded, and only unused ones may be discarded.
    conn.prepare_cached("DELETE FROM record_photos WHERE id = ?1")?
        .execute([id])?;
    for sha in record.photo_refs() {
        conn.prepare_cached("INSERT OR IGNORE INTO record_photos (id, sha256) VALUES (?1, ?2)")?
            .execute([id, sha.as_str()])?;
    }
    match record {
        AnyRecord::Review(r) => refresh_status(conn, &r.record_id),
        _ => Ok(()),
    }
}

/// Recomputes a record's review status from its heads and the reviews of it.
pub fn refresh_status(conn: &Connection, record_id: &str) -> Result<()> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT state, heads FROM records WHERE id = ?1")?
        .query_row([record_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    // The reviewed record may not have arrived yet; its status is computed when it does.
    let Some((state, heads)) = row else {
        return Ok(());
    };
    let submitted = state == Lifecycle::Submitted.as_str();
    let status = status_of(conn, record_id, submitted, &split_heads(&heads))?;
    conn.prepare_cached("UPDATE records SET review_status = ?2 WHERE id = ?1")?
        .execute(params![record_id, status.as_str()])?;
    Ok(())
}

/// A record's review status, given its state and heads, from the reviews of it held here.
fn status_of(
    conn: &Connection,
    record_id: &str,
    submitted: bool,
    heads: &[String],
) -> Result<ReviewStatus> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, r.created_at, v.heads, v.decision FROM reviews v JOIN records r ON r.id = v.id
         WHERE v.record_id = ?1",
    )?;
    let reviews: Vec<ReviewFact> = stmt
        .query_map([record_id], |r| {
            let heads: String = r.get(2)?;
            let decision: String = r.get(3)?;
            Ok(ReviewFact {
                id: r.get(0)?,
                created_at: r.get(1)?,
                heads: split_heads(&heads),
                decision: Decision::parse(&decision).unwrap_or(Decision::Returned),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(derive_status(submitted, heads, &reviews))
}

pub fn split_heads(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Empties every projection table and derives it again from the documents.
pub fn rebuild(
    conn: &Connection,
    mut load: impl FnMut(&str) -> Result<RecordDoc>,
    ids: &[String],
) -> Result<()> {
    for t in super::schema::projection_table_names() {
        conn.execute_batch(&format!("DELETE FROM {t};"))?;
    }
    for id in ids {
        let doc = load(id)?;
        project(conn, id, &doc)?;
    }
    // Statuses again once every review is in place, whatever order documents came in.
    let mut stmt = conn.prepare("SELECT id FROM records")?;
    let all: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in all {
        refresh_status(conn, &id)?;
    }
    Ok(())
}
