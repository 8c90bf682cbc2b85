//! The change feed: a push's writes in one transaction (log, document, row, review, audit,
//! batch answer) and pull pages after a cursor.
//!
//! The cursor hazard: with concurrent writers a transaction could take sequence number N+1,
//! commit, and be pulled past before the one holding N commits — a device would then skip N for
//! ever. So a push writes its log entries last: it holds its commune's lock for its whole work
//! ([`Backend::begin_push`]: pushes of one commune keep their order, pushes of different
//! communes run side by side), and takes the log's lock ([`PushConn::order_log`]) only to write
//! its entries and commit, so numbers are handed out and committed in one order.

use super::records::{record_by_id, scope_filter, RECORD_COLUMNS};
use super::sql::Val;
use super::*;
use crate::args;
use sachxanh_core::model::{Decision, ReviewStatus};

/// Pulls read a scope's entries after a cursor: a commune's (staff) or some areas' (everyone
/// else), never a scan of every commune's entries. The same SQL on both backends (PostgreSQL
/// had the commune's index from the start).
pub(super) const LOG_BY_SCOPE: &str = "
CREATE INDEX IF NOT EXISTS log_commune ON log(commune_id, seq);
CREATE INDEX log_area ON log(area_id, seq);
";

struct PushTx<'a> {
    conn: Box<dyn PushConn + 'a>,
    /// The commune whose lock this transaction holds: it writes no other commune's records.
    commune: String,
    /// Log entries, written at commit under the log's lock.
    entries: Vec<Entry>,
}

struct Entry {
    doc_id: String,
    area_id: Option<String>,
    commune_id: Option<String>,
    device_id: String,
    hash: String,
    bytes: Vec<u8>,
    /// The first entry of an erased record's new history (phones drop their copy first).
    replaces: bool,
}

impl PushTx<'_> {
    /// Writes the log entries under the log's lock, each record's row pointing at its last one.
    fn write_log(&mut self) -> StorageResult<()> {
        if self.entries.is_empty() {
            return Ok(());
        }
        self.conn.order_log()?;
        let mut last: Vec<(String, i64)> = vec![];
        for e in std::mem::take(&mut self.entries) {
            let seq = self
                .conn
                .one(
                    "INSERT INTO log (doc_id, area_id, commune_id, device_id, hash, bytes, replaces)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
                    args![
                        &e.doc_id,
                        &e.area_id,
                        &e.commune_id,
                        &e.device_id,
                        &e.hash,
                        &e.bytes,
                        i64::from(e.replaces)
                    ],
                )?
                .int(0)?;
            match last.iter_mut().find(|(id, _)| *id == e.doc_id) {
                Some(l) => l.1 = seq,
                None => last.push((e.doc_id, seq)),
            }
        }
        for (id, seq) in last {
            self.conn.exec(
                "UPDATE records SET updated_seq = $2 WHERE id = $1",
                args![&id, seq],
            )?;
        }
        Ok(())
    }
}

impl SyncTx for PushTx<'_> {
    fn batch_answer(&mut self, device_id: &str, batch: &str) -> StorageResult<Option<BatchAnswer>> {
        self.conn
            .row(
                "SELECT answer, fingerprint FROM batches WHERE device_id = $1 AND batch = $2",
                args![device_id, batch],
            )?
            .map(|r| {
                Ok(BatchAnswer {
                    answer: r.bytes(0)?,
                    fingerprint: r.opt_text(1)?.unwrap_or_default(),
                })
            })
            .transpose()
    }

    fn snapshot(&mut self, id: &str) -> StorageResult<Option<Vec<u8>>> {
        self.conn
            .row("SELECT snapshot FROM documents WHERE id = $1", args![id])?
            .map(|r| r.bytes(0))
            .transpose()
    }

    fn record(&mut self, id: &str) -> StorageResult<Option<RecordRow>> {
        record_by_id(self.conn.as_mut(), id)
    }

    fn record_of_change(&mut self, hash: &str) -> StorageResult<Option<String>> {
        if let Some(e) = self.entries.iter().find(|e| e.hash == hash) {
            return Ok(Some(e.doc_id.clone()));
        }
        self.conn
            .row("SELECT doc_id FROM log WHERE hash = $1", args![hash])?
            .map(|r| r.text(0))
            .transpose()
    }

    fn reviews_of(&mut self, record_id: &str) -> StorageResult<Vec<ReviewFact>> {
        self.conn
            .rows(
                "SELECT id, created_at, heads, decision FROM reviews WHERE record_id = $1",
                args![record_id],
            )?
            .iter()
            .map(|r| {
                let decision = r.text(3)?;
                Ok(ReviewFact {
                    id: r.text(0)?,
                    created_at: r.int(1)?,
                    heads: r.list(2)?,
                    decision: Decision::parse(&decision).ok_or_else(|| {
                        StorageError::Database(format!("unknown decision {decision}"))
                    })?,
                })
            })
            .collect()
    }

    fn append(&mut self, device: &Device, a: &Accepted) -> StorageResult<()> {
        let row = &a.row;
        if row.commune_id.as_deref() != Some(self.commune.as_str()) {
            return Err(StorageError::Database(format!(
                "record {} of commune {:?} written under the lock of {:?}",
                row.id, row.commune_id, self.commune
            )));
        }
        self.entries
            .extend(a.changes.iter().map(|(hash, bytes)| Entry {
                doc_id: row.id.clone(),
                area_id: row.area_id.clone(),
                commune_id: row.commune_id.clone(),
                device_id: device.id.clone(),
                hash: hash.clone(),
                bytes: bytes.clone(),
                replaces: false,
            }));
        let sql = self.conn.as_mut();
        sql.exec(
            "INSERT INTO documents (id, snapshot) VALUES ($1, $2)
             ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot",
            args![&row.id, &a.snapshot],
        )?;
        sql.exec(
            &format!(
                "INSERT INTO records ({RECORD_COLUMNS})
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, area_id = excluded.area_id,
                   commune_id = excluded.commune_id, author = excluded.author,
                   created_at = excluded.created_at, state = excluded.state,
                   heads = excluded.heads, review_status = excluded.review_status,
                   data = excluded.data, updated_seq = excluded.updated_seq,
                   day = excluded.day"
            ),
            args![
                &row.id,
                row.kind().as_str(),
                &row.area_id,
                &row.commune_id,
                &row.author,
                row.created_at,
                row.state.as_str(),
                row.heads.join(","),
                row.review_status.as_str(),
                row.record.to_json().to_string(),
                // The row's log sequence is set when the entries are written (`write_log`).
                0i64,
                &row.day,
            ],
        )?;
        if let (Some(review), Some(target)) = (&a.review, &a.reviewed_record) {
            sql.exec(
                "INSERT INTO reviews (id, record_id, created_at, heads, decision)
                 VALUES ($1, $2, $3, $4, $5)",
                args![
                    &review.id,
                    target,
                    review.created_at,
                    review.heads.join(","),
                    review.decision.as_str()
                ],
            )?;
        }
        let hashes: Vec<&str> = a.changes.iter().map(|(h, _)| h.as_str()).collect();
        sql.exec(
            "INSERT INTO audit (at, device_id, person_id, doc_id, action, hashes)
             VALUES ($1, $2, $3, $4, $5, $6)",
            args![
                now_ms(),
                &device.id,
                &device.person.id,
                &row.id,
                a.action.as_str(),
                hashes.join(",")
            ],
        )?;
        Ok(())
    }

    fn is_erased_change(&mut self, hash: &str) -> StorageResult<bool> {
        Ok(self
            .conn
            .row("SELECT 1 FROM erased_changes WHERE hash = $1", args![hash])?
            .is_some())
    }

    fn replace_history(
        &mut self,
        device: &Device,
        accepted: &Accepted,
        reason: &str,
    ) -> StorageResult<()> {
        let id = &accepted.row.id;
        self.conn.exec(
            "INSERT INTO erased_changes (hash, doc_id) SELECT hash, doc_id FROM log
             WHERE doc_id = $1 ON CONFLICT (hash) DO NOTHING",
            args![id],
        )?;
        self.conn
            .exec("DELETE FROM log WHERE doc_id = $1", args![id])?;
        self.append(device, accepted)?;
        for e in self.entries.iter_mut() {
            if accepted.changes.iter().any(|(hash, _)| *hash == e.hash) {
                e.replaces = true;
            }
        }
        self.conn.exec(
            "UPDATE audit SET note = $2
             WHERE id = (SELECT MAX(id) FROM audit WHERE doc_id = $1)",
            args![id, reason],
        )?;
        Ok(())
    }

    fn set_review_status(&mut self, id: &str, status: ReviewStatus) -> StorageResult<()> {
        self.conn.exec(
            "UPDATE records SET review_status = $2 WHERE id = $1",
            args![id, status.as_str()],
        )?;
        Ok(())
    }

    fn save_batch_answer(
        &mut self,
        device_id: &str,
        batch: &str,
        answer: &BatchAnswer,
    ) -> StorageResult<()> {
        self.conn.exec(
            "INSERT INTO batches (device_id, batch, answer, fingerprint, at)
             VALUES ($1, $2, $3, $4, $5)",
            args![
                device_id,
                batch,
                &answer.answer,
                &answer.fingerprint,
                now_ms()
            ],
        )?;
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> StorageResult<()> {
        self.write_log()?;
        self.conn.commit()
    }
}

impl<B: Backend> Feed for Db<B> {
    fn begin(&self, commune: &str) -> StorageResult<Box<dyn SyncTx + '_>> {
        Ok(Box::new(PushTx {
            conn: self.backend.begin_push(commune)?,
            commune: commune.to_owned(),
            entries: vec![],
        }))
    }

    fn pull(
        &self,
        scope: &PullScope,
        exclude_device: &str,
        after: u64,
        max_entries: usize,
        max_bytes: usize,
    ) -> StorageResult<LogPage> {
        // One snapshot for the page and the log's end, so an entry committed in between is
        // never jumped over.
        self.backend.read(|sql| {
            let mut args: Vec<Val> = vec![
                after.into(),
                exclude_device.into(),
                ((max_entries + 1) as u64).into(),
            ];
            let filter = scope_filter(scope, &mut args);
            let rows = sql.rows(
                &format!(
                    "SELECT seq, doc_id, bytes, replaces FROM log
                     WHERE seq > $1 AND (device_id <> $2 OR replaces = 1) {filter}
                     ORDER BY seq LIMIT $3"
                ),
                &args,
            )?;
            let mut entries = vec![];
            let mut replaced = vec![];
            let mut cursor = after;
            let mut bytes = 0;
            let mut more = false;
            for r in rows {
                let b = r.bytes(2)?;
                // Every entry is bounded (Limits::max_change_bytes), so a page's first entry
                // always fits the page.
                if entries.len() >= max_entries
                    || (!entries.is_empty() && bytes + b.len() > max_bytes)
                {
                    more = true;
                    break;
                }
                bytes += b.len();
                cursor = r.int(0)? as u64;
                if r.int(3)? != 0 {
                    replaced.push(r.text(1)?);
                }
                entries.push((r.text(1)?, b));
            }
            if !more {
                // Nothing for this device beyond here: move the cursor to the log's end so the
                // next pull does not rescan others' entries.
                let end = sql
                    .one("SELECT COALESCE(MAX(seq), 0) FROM log", args![])?
                    .int(0)?;
                cursor = cursor.max(end as u64);
            }
            Ok(LogPage {
                entries,
                cursor,
                more,
                replaced,
            })
        })
    }
}
