//! The device's side of sync, as store operations: the push batch (kept until answered, so a
//! retry re-sends the same idempotency key), the pull cursor (advanced in the same transaction as
//! the page it covers), and refusals (the refused version kept readable, the record rebuilt from
//! the server's version).

use super::{documents, outbox, projection, Store};
use crate::document::{parse_changes, RecordDoc};
use crate::error::{Error, ErrorCode, FieldError, Result};
use crate::i18n::Message;
use crate::model::RecordKind;
use crate::sync::change_bytes;
use crate::sync::protocol::{whole_changes, Limits, PushRequest, RecordChanges, Refusal};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

/// A version the server refused, kept for the person who made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Refused {
    pub record_id: String,
    pub kind: Option<RecordKind>,
    pub kind_label: Option<Message>,
    pub code: ErrorCode,
    pub message: Message,
    /// Each broken rule, naming its field, to show with the refusal.
    pub problems: Vec<Message>,
    pub fields: Vec<FieldError>,
    pub refused_at: i64,
}

#[derive(Serialize, Deserialize)]
struct PendingBatch {
    batch: String,
    hashes: Vec<String>,
}

fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM device WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

fn set_setting(conn: &Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) => conn.execute(
            "INSERT OR REPLACE INTO device (key, value) VALUES (?1, ?2)",
            params![key, v],
        )?,
        None => conn.execute("DELETE FROM device WHERE key = ?1", [key])?,
    };
    Ok(())
}

impl Store {
    /// A device setting (enrolment facts, sync state), `None` if unset.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        setting(&self.conn, key)
    }

    pub fn set_setting(&mut self, key: &str, value: Option<&str>) -> Result<()> {
        set_setting(&self.conn, key, value)
    }

    /// Where the last pull ended.
    pub fn pull_cursor(&self) -> Result<u64> {
        Ok(self
            .setting("pull_cursor")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// The next batch to push: the unanswered one if a previous push was interrupted (same
    /// idempotency key, same changes), else a new one from the outbox, at most `max_bytes` of
    /// changes (but always at least one) and `max_records` records. `None` when nothing waits.
    pub fn next_push(&mut self, limits: &Limits) -> Result<Option<PushRequest>> {
        let pending = self.pending_batch()?;
        let entries = outbox::pending(&self.conn, usize::MAX)?;
        let (batch, chosen) = match pending {
            Some(p) => {
                let chosen: Vec<_> = entries
                    .into_iter()
                    .filter(|e| p.hashes.contains(&e.hash))
                    .collect();
                (p.batch, chosen)
            }
            None => {
                // Within every bound the server checks for a whole push; a record's own
                // bounds are the server's to judge, record by record.
                let mut chosen = vec![];
                let (mut bytes, mut ops) = (0, 0);
                let mut docs = std::collections::HashMap::<String, usize>::new();
                for e in entries {
                    let e_ops = change_bytes::inspect(&e.bytes, usize::MAX, u64::MAX)
                        .map(|s| s.rows)
                        .unwrap_or(0) as usize;
                    let per_doc = docs.get(&e.doc_id).copied();
                    if !chosen.is_empty()
                        && (bytes + e.bytes.len() > limits.target_push_bytes
                            || ops + e_ops > limits.max_ops
                            || chosen.len() >= limits.max_changes
                            || per_doc.is_some_and(|n| n >= limits.max_changes_per_record)
                            || (per_doc.is_none() && docs.len() >= limits.max_records))
                    {
                        break;
                    }
                    bytes += e.bytes.len();
                    ops += e_ops;
                    *docs.entry(e.doc_id.clone()).or_default() += 1;
                    chosen.push(e);
                }
                let batch = uuid::Uuid::now_v7().to_string();
                if !chosen.is_empty() {
                    let p = PendingBatch {
                        batch: batch.clone(),
                        hashes: chosen.iter().map(|e| e.hash.clone()).collect(),
                    };
                    let json = serde_json::to_string(&p).unwrap_or_default();
                    self.set_setting("push_batch", Some(&json))?;
                }
                (batch, chosen)
            }
        };
        if chosen.is_empty() {
            self.set_setting("push_batch", None)?;
            return Ok(None);
        }
        // Group by record, keeping each record's changes in the order they were made.
        let mut records: Vec<RecordChanges> = vec![];
        for e in chosen {
            match records.iter_mut().find(|r| r.id == e.doc_id) {
                Some(r) => r.changes.push(ByteBuf::from(e.bytes)),
                None => records.push(RecordChanges {
                    id: e.doc_id,
                    changes: vec![ByteBuf::from(e.bytes)],
                }),
            }
        }
        Ok(Some(PushRequest { batch, records }))
    }

    /// The records whose waiting changes no server could take, whatever the batch: a change
    /// over the wire's bounds for one change. Each comes back as a refusal, made here on the
    /// phone, so the caller sets it aside like a refusal from the server (its version kept
    /// readable, the person told why) and the rest of the outbox goes on without it.
    pub fn unsendable(&self, limits: &Limits) -> Result<Vec<Refusal>> {
        let mut out: Vec<Refusal> = vec![];
        for e in outbox::pending(&self.conn, usize::MAX)? {
            if out.iter().any(|r| r.record_id == e.doc_id) {
                continue;
            }
            let shape = change_bytes::inspect(
                &e.bytes,
                limits.max_change_bytes,
                limits.max_ops_per_change as u64,
            );
            let too_large = match shape {
                Err(change_bytes::Refused::TooLarge { .. })
                | Err(change_bytes::Refused::TooManyRows { .. }) => true,
                _ => e.bytes.len() > limits.max_body,
            };
            if too_large {
                out.push(too_large_refusal(&e.doc_id, e.bytes.len(), limits));
            }
        }
        Ok(out)
    }

    /// The changes of the unanswered batch whose records `refused` does not name: what a
    /// server's `accepted_rest` answer accepted.
    pub fn batch_accepted(&self, refused: &[Refusal]) -> Result<Vec<String>> {
        let Some(pending) = self.pending_batch()? else {
            return Ok(vec![]);
        };
        Ok(outbox::pending(&self.conn, usize::MAX)?
            .into_iter()
            .filter(|e| pending.hashes.contains(&e.hash))
            .filter(|e| !refused.iter().any(|r| r.record_id == e.doc_id))
            .map(|e| e.hash)
            .collect())
    }

    /// The batch sent and not yet answered, if any.
    fn pending_batch(&self) -> Result<Option<PendingBatch>> {
        Ok(self
            .setting("push_batch")?
            .and_then(|v| serde_json::from_str(&v).ok()))
    }

    /// Forgets the unanswered batch after the server refused it whole without processing it
    /// (too large for the server's limits), so a smaller one can be chosen.
    pub fn forget_push_batch(&mut self) -> Result<()> {
        self.set_setting("push_batch", None)
    }

    /// Takes the server's answer to a push: forgets accepted changes, keeps refused versions
    /// for their author and drops their outbox entries (later changes of a refused record depend
    /// on it and cannot be accepted either). Returns the ids of refused records, which the caller
    /// must rebuild from the server's version with [`Store::replace_with_server`].
    pub fn finish_push(&mut self, accepted: &[String], refused: &[Refusal]) -> Result<Vec<String>> {
        let tx = self.conn.transaction()?;
        outbox::acknowledge(&tx, accepted)?;
        let mut ids = vec![];
        for r in refused {
            // An erased record's refused edit holds the very values that were erased: it is
            // dropped, not kept for its author.
            let erased = r.code == ErrorCode::Erased.as_str();
            if !erased && documents::exists(&tx, &r.record_id)? {
                let doc = documents::load(&tx, &r.record_id, &self.actor)?;
                keep_refused(&tx, r, &doc)?;
            }
            tx.execute("DELETE FROM outbox WHERE doc_id = ?1", [&r.record_id])?;
            ids.push(r.record_id.clone());
        }
        set_setting(&tx, "push_batch", None)?;
        tx.commit()?;
        Ok(ids)
    }

    /// Replaces a record by the server's version (`changes` empty: the server has none, so the
    /// record goes). Local changes not in the server's version are dropped here, after
    /// [`Store::finish_push`] kept them readable.
    pub fn replace_with_server(&mut self, id: &str, changes: &[ByteBuf]) -> Result<()> {
        let bytes: Vec<Vec<u8>> = changes.iter().map(|b| b.to_vec()).collect();
        let parsed = parse_changes(&bytes)?;
        let tx = self.conn.transaction()?;
        let reviewed: Option<String> = tx
            .query_row("SELECT record_id FROM reviews WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        remove_document(&tx, id)?;
        if let Some(target) = reviewed {
            projection::refresh_status(&tx, &target)?;
        }
        if !parsed.is_empty() {
            let mut doc = RecordDoc::load(std::iter::empty(), &self.actor)?;
            doc.apply(parsed)?;
            documents::insert(&tx, id, doc.kind().map(|k| k.as_str()))?;
            documents::compact(&tx, id, &doc)?;
            projection::project(&tx, id, &doc)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Applies one pulled page (compact or not) and moves the cursor past it, in one
    /// transaction: a page is either wholly applied with its cursor or not at all. Returns how
    /// many records it brought something new to (what the person is told was received).
    pub fn apply_pulled(&mut self, records: &[RecordChanges], cursor: u64) -> Result<usize> {
        self.apply_pulled_page(records, &[], cursor)
    }

    /// Applies a pulled page in which `replaced` records were erased on the server: their copy
    /// here, its history and any edit of it waiting to be sent go first (nothing erased stays
    /// on the phone), then the page's changes make them anew.
    pub fn apply_pulled_page(
        &mut self,
        records: &[RecordChanges],
        replaced: &[String],
        cursor: u64,
    ) -> Result<usize> {
        let tx = self.conn.unchecked_transaction()?;
        for id in replaced {
            remove_document(&tx, id)?;
            tx.execute("DELETE FROM refused WHERE doc_id = ?1", [id])?;
        }
        let mut new = 0;
        for r in records {
            let id = Some(r.id.as_str()).filter(|id| !id.is_empty());
            if self.apply_in(&tx, id, &whole_changes(r))?.new_changes > 0 {
                new += 1;
            }
        }
        set_setting(&tx, "pull_cursor", Some(&cursor.to_string()))?;
        tx.commit()?;
        Ok(new)
    }

    /// Versions the server refused, newest first.
    pub fn refused(&self) -> Result<Vec<Refused>> {
        let mut stmt = self.conn.prepare(
            "SELECT doc_id, kind, code, message_vi, message_en, fields, refused_at FROM refused
             ORDER BY refused_at DESC, doc_id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                let fields: String = r.get(5)?;
                let kind = r
                    .get::<_, Option<String>>(1)?
                    .as_deref()
                    .and_then(RecordKind::parse);
                // Kept by an older version in another shape: the message still says why.
                let fields: Vec<FieldError> = serde_json::from_str(&fields).unwrap_or_default();
                Ok(Refused {
                    record_id: r.get(0)?,
                    kind_label: kind.map(|k| k.label()),
                    code: ErrorCode::of(&r.get::<_, String>(2)?),
                    message: Message::new(r.get::<_, String>(3)?, r.get::<_, String>(4)?),
                    problems: fields
                        .iter()
                        .map(|f| match kind {
                            Some(k) => f.message_in(k),
                            None => f.message(),
                        })
                        .collect(),
                    kind,
                    fields,
                    refused_at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The refused version's values, to show or to start a corrected record from.
    pub fn refused_record(&self, id: &str) -> Result<crate::model::AnyRecord> {
        let snapshot: Vec<u8> = self
            .conn
            .query_row(
                "SELECT snapshot FROM refused WHERE doc_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(id.to_owned()))?;
        RecordDoc::load([snapshot.as_slice()], &self.actor)?.record()
    }

    /// The person has read (or redone) a refused version: forget it.
    pub fn dismiss_refused(&mut self, id: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM refused WHERE doc_id = ?1", [id])?;
        Ok(())
    }

    /// Forgets refused versions older than [`REFUSED_KEPT_DAYS`] (they are whole copies of
    /// records, personal data included, kept only so their author can see what to fix).
    /// Returns how many went.
    pub fn forget_old_refusals(&mut self) -> Result<usize> {
        let before = self.trusted_now_ms() - REFUSED_KEPT_DAYS * 24 * 3600 * 1000;
        Ok(self
            .conn
            .execute("DELETE FROM refused WHERE refused_at < ?1", [before])?)
    }
}

/// How long a phone keeps a version the server refused, for its author to read and fix.
pub const REFUSED_KEPT_DAYS: i64 = 90;

fn keep_refused(tx: &Transaction, r: &Refusal, doc: &RecordDoc) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO refused (doc_id, kind, code, message_vi, message_en, fields,
            snapshot, refused_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            r.record_id,
            doc.kind().map(|k| k.as_str()),
            r.code,
            r.message.vi,
            r.message.en,
            serde_json::to_string(&r.fields).unwrap_or_else(|_| "[]".into()),
            doc.save(),
            chrono::Utc::now().timestamp_millis()
        ],
    )?;
    Ok(())
}

fn remove_document(tx: &Transaction, id: &str) -> Result<()> {
    for t in super::schema::projection_table_names() {
        // Review rows point at the record they review, not at themselves: keep those of others.
        tx.execute(&format!("DELETE FROM {t} WHERE id = ?1"), [id])?;
    }
    tx.execute("DELETE FROM outbox WHERE doc_id = ?1", [id])?;
    tx.execute("DELETE FROM chunks WHERE doc_id = ?1", [id])?;
    tx.execute("DELETE FROM documents WHERE id = ?1", [id])?;
    Ok(())
}

/// The refusal of a record too large to send, with what the person can do about it.
pub fn too_large_refusal(record_id: &str, bytes: usize, limits: &Limits) -> Refusal {
    let (kb, max_kb) = (bytes.div_ceil(1024), limits.max_change_bytes / 1024);
    Refusal {
        record_id: record_id.to_owned(),
        hashes: vec![],
        code: crate::error::ErrorCode::RecordTooLarge.as_str().to_owned(),
        message: Message::new(
            format!(
                "Hồ sơ quá lớn để gửi ({kb} KB, tối đa {max_kb} KB một lần sửa). Các hồ sơ khác \
                 vẫn được gửi. Hãy rút ngắn ghi chú hoặc tách thành nhiều hồ sơ rồi lưu lại."
            ),
            format!(
                "The record is too large to send ({kb} KB, at most {max_kb} KB per edit). The \
                 other records are still sent. Shorten its notes or split it into several \
                 records, then save again."
            ),
        ),
        fields: vec![],
    }
}
