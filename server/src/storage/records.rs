//! Records as staff read them: rows, documents, changes, history.

use super::sql::{placeholders, Row, Sql, Val};
use super::*;
use crate::args;
use sachxanh_core::model::AuditAction;

pub(super) const RECORD_COLUMNS: &str =
    "id, kind, area_id, commune_id, author, created_at, state, heads, review_status, data, updated_seq, day";

/// Reads an enum column; a value this version does not know is an error, not a guess.
fn parsed<T>(r: &Row, i: usize, parse: fn(&str) -> Option<T>) -> StorageResult<T> {
    let s = r.text(i)?;
    parse(&s).ok_or_else(|| StorageError::Database(format!("column {i}: unknown value")))
}

/// A damaged record's data, said without its values (they may be names; this reaches logs).
fn unreadable(e: serde_json::Error) -> StorageError {
    StorageError::Database(format!(
        "record data unreadable ({:?} at line {} column {})",
        e.classify(),
        e.line(),
        e.column()
    ))
}

fn record_row(r: &Row) -> StorageResult<RecordRow> {
    let kind = parsed(r, 1, RecordKind::parse)?;
    let data: serde_json::Value = serde_json::from_str(&r.text(9)?).map_err(unreadable)?;
    let record = AnyRecord::from_json(kind, data).map_err(unreadable)?;
    let created_at = r.int(5)?;
    Ok(RecordRow {
        id: r.text(0)?,
        area_id: r.opt_text(2)?,
        commune_id: r.opt_text(3)?,
        author: r.text(4)?,
        created_at,
        state: parsed(r, 6, Lifecycle::parse)?,
        heads: r.list(7)?,
        review_status: parsed(r, 8, ReviewStatus::parse)?,
        updated_seq: r.int(10)?,
        day: match r.opt_text(11)? {
            Some(d) => d,
            None => listed_day(record.day(), created_at),
        },
        record,
    })
}

/// The day a record is listed by: the day it is about, else the day it was made.
fn day_of(kind: &str, data: &str, created_at: i64) -> String {
    let about = RecordKind::parse(kind)
        .and_then(|k| serde_json::from_str(data).ok().map(|d| (k, d)))
        .and_then(|(k, d)| AnyRecord::from_json(k, d).ok())
        .and_then(|r| r.day());
    listed_day(about, created_at)
}

/// A record's own day, else the day it was made.
pub fn listed_day(about: Option<sachxanh_core::model::Day>, created_at: i64) -> String {
    match about {
        Some(d) => d.to_string(),
        None => chrono::DateTime::from_timestamp_millis(created_at)
            .map(|t| t.date_naive().to_string())
            .unwrap_or_default(),
    }
}

/// Fills the day of rows stored before it was kept (an upgraded database), in batches.
pub(super) fn backfill_days<B: Backend>(backend: &B) -> StorageResult<()> {
    loop {
        let done = backend.write(|sql| {
            let rows = sql.rows(
                "SELECT id, kind, data, created_at FROM records WHERE day IS NULL LIMIT 500",
                crate::args![],
            )?;
            for r in &rows {
                let day = day_of(&r.text(1)?, &r.text(2)?, r.int(3)?);
                sql.exec(
                    "UPDATE records SET day = $2 WHERE id = $1",
                    crate::args![r.text(0)?, day],
                )?;
            }
            Ok(rows.len() < 500)
        })?;
        if done {
            return Ok(());
        }
    }
}

pub(super) fn record_by_id(sql: &mut dyn Sql, id: &str) -> StorageResult<Option<RecordRow>> {
    sql.row(
        &format!("SELECT {RECORD_COLUMNS} FROM records WHERE id = $1"),
        args![id],
    )?
    .map(|r| record_row(&r))
    .transpose()
}

/// ` AND …` restricting rows (of `records` or `log`) to a scope; its values are appended to
/// `args`.
pub(super) fn scope_filter(scope: &PullScope, args: &mut Vec<Val>) -> String {
    match scope {
        PullScope::All => String::new(),
        PullScope::Commune(id) => {
            args.push(id.into());
            format!(" AND commune_id = ${}", args.len())
        }
        // No areas: nothing.
        PullScope::Areas(areas) if areas.is_empty() => " AND 1 = 0".into(),
        PullScope::Areas(areas) => {
            let first = args.len() + 1;
            args.extend(areas.iter().map(Val::from));
            format!(" AND area_id IN ({})", placeholders(first, areas.len()))
        }
    }
}

impl<B: Backend> Records for Db<B> {
    fn changes_of(&self, id: &str) -> StorageResult<Vec<Vec<u8>>> {
        self.backend.read(|sql| {
            sql.rows(
                "SELECT bytes FROM log WHERE doc_id = $1 ORDER BY seq",
                args![id],
            )?
            .iter()
            .map(|r| r.bytes(0))
            .collect()
        })
    }

    fn record(&self, id: &str) -> StorageResult<Option<RecordRow>> {
        self.backend.read(|sql| record_by_id(sql, id))
    }

    fn records(&self, f: &RecordFilter) -> StorageResult<Vec<RecordRow>> {
        let mut args: Vec<Val> = vec![];
        let mut sql = format!("SELECT {RECORD_COLUMNS} FROM records WHERE 1 = 1");
        if let Some(k) = &f.kind {
            args.push(k.as_str().into());
            sql.push_str(&format!(" AND kind = ${}", args.len()));
        }
        if let Some(a) = &f.area_id {
            args.push(a.into());
            sql.push_str(&format!(" AND area_id = ${}", args.len()));
        }
        if let Some(scope) = &f.scope {
            sql.push_str(&scope_filter(scope, &mut args));
        }
        if let Some(status) = &f.review_status {
            args.push(status.as_str().into());
            sql.push_str(&format!(" AND review_status = ${}", args.len()));
        }
        if let Some(after) = &f.after_id {
            args.push(after.into());
            sql.push_str(&format!(" AND id > ${}", args.len()));
        }
        if !f.include_restricted {
            sql.push_str(" AND restricted = 0");
        }
        args.push((f.limit as u64).into());
        sql.push_str(&format!(" ORDER BY id LIMIT ${}", args.len()));
        self.backend
            .read(|db| db.rows(&sql, &args)?.iter().map(record_row).collect())
    }

    fn records_by_id(&self, ids: &[String]) -> StorageResult<Vec<RecordRow>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let args: Vec<Val> = ids.iter().map(Val::from).collect();
        self.backend.read(|sql| {
            sql.rows(
                &format!(
                    "SELECT {RECORD_COLUMNS} FROM records WHERE id IN ({})",
                    placeholders(1, ids.len())
                ),
                &args,
            )?
            .iter()
            .map(record_row)
            .collect()
        })
    }

    fn reviews_of_record(&self, record_id: &str) -> StorageResult<Vec<RecordRow>> {
        let columns: Vec<String> = RECORD_COLUMNS
            .split(", ")
            .map(|c| format!("r.{c}"))
            .collect();
        self.backend.read(|sql| {
            sql.rows(
                &format!(
                    "SELECT {} FROM records r JOIN reviews v ON v.id = r.id
                     WHERE v.record_id = $1 ORDER BY v.created_at, v.id",
                    columns.join(", ")
                ),
                args![record_id],
            )?
            .iter()
            .map(record_row)
            .collect()
        })
    }

    fn queue(&self, f: &QueueFilter) -> StorageResult<Vec<QueueLine>> {
        let mut args: Vec<Val> = vec![];
        let columns: Vec<String> = RECORD_COLUMNS
            .split(", ")
            .map(|c| format!("r.{c}"))
            .collect();
        // Staff decisions (reviews, duplicate marks) are about records, not records to review.
        args.extend(
            RecordKind::ALL
                .iter()
                .filter(|k| k.is_staff_decision())
                .map(|k| Val::from(k.as_str())),
        );
        let mut sql = format!(
            "SELECT {}, COALESCE(p.name, '') FROM records r LEFT JOIN people p ON p.id = r.author
             WHERE r.kind NOT IN ({}) AND r.restricted = 0",
            columns.join(", "),
            placeholders(1, args.len())
        );
        let mut scope_sql = scope_filter(&f.scope, &mut args);
        for c in ["commune_id", "area_id"] {
            scope_sql = scope_sql.replace(&format!(" {c} "), &format!(" r.{c} "));
        }
        sql.push_str(&scope_sql);
        let mut cond = |c: &str, v: &str, sql: &mut String| {
            args.push(v.into());
            sql.push_str(&format!(" AND {c} ${}", args.len()));
        };
        if let Some(k) = &f.kind {
            cond("r.kind =", k.as_str(), &mut sql);
        }
        if let Some(a) = &f.area_id {
            cond("r.area_id =", a, &mut sql);
        }
        if let Some(d) = &f.from {
            cond("r.day >=", d, &mut sql);
        }
        if let Some(d) = &f.to {
            cond("r.day <=", d, &mut sql);
        }
        if !f.statuses.is_empty() {
            let first = args.len() + 1;
            args.extend(f.statuses.iter().map(|s| Val::from(s.as_str())));
            sql.push_str(&format!(
                " AND r.review_status IN ({})",
                placeholders(first, f.statuses.len())
            ));
        }
        if let Some((day, id)) = &f.after {
            args.push(day.into());
            args.push(id.into());
            let n = args.len();
            sql.push_str(&format!(" AND (r.day, r.id) > (${}, ${n})", n - 1));
        }
        args.push((f.limit as u64).into());
        sql.push_str(&format!(" ORDER BY r.day, r.id LIMIT ${}", args.len()));
        self.backend.read(|db| {
            db.rows(&sql, &args)?
                .iter()
                .map(|r| {
                    Ok(QueueLine {
                        row: record_row(r)?,
                        author_name: r.text(12)?,
                    })
                })
                .collect()
        })
    }

    fn snapshot(&self, id: &str) -> StorageResult<Option<Vec<u8>>> {
        self.backend.read(|sql| {
            sql.row("SELECT snapshot FROM documents WHERE id = $1", args![id])?
                .map(|r| r.bytes(0))
                .transpose()
        })
    }

    fn set_restricted(
        &self,
        device: &Device,
        id: &str,
        restricted: bool,
        reason: &str,
    ) -> StorageResult<bool> {
        self.backend.write(|sql| {
            let changed = sql.exec(
                "UPDATE records SET restricted = $2 WHERE id = $1 AND restricted <> $2",
                args![id, restricted as i64],
            )?;
            if changed == 0 {
                return Ok(false);
            }
            let action = if restricted {
                AuditAction::Restrict
            } else {
                AuditAction::Unrestrict
            };
            audit_line(sql, device, id, action, reason)?;
            Ok(true)
        })
    }

    fn is_restricted(&self, id: &str) -> StorageResult<bool> {
        self.backend.read(|sql| {
            Ok(sql
                .row("SELECT restricted FROM records WHERE id = $1", args![id])?
                .map(|r| r.int(0))
                .transpose()?
                .is_some_and(|v| v != 0))
        })
    }

    fn log_read(&self, person_id: &str, doc_id: &str) -> StorageResult<()> {
        self.backend.write(|sql| {
            sql.exec(
                "INSERT INTO reads (at, person_id, doc_id) VALUES ($1, $2, $3)",
                args![now_ms(), person_id, doc_id],
            )?;
            Ok(())
        })
    }

    fn reads_of(&self, doc_id: &str) -> StorageResult<Vec<(i64, String)>> {
        self.backend.read(|sql| {
            sql.rows(
                "SELECT r.at, COALESCE(p.name, '') FROM reads r
                 LEFT JOIN people p ON p.id = r.person_id
                 WHERE r.doc_id = $1 ORDER BY r.id",
                args![doc_id],
            )?
            .iter()
            .map(|r| Ok((r.int(0)?, r.text(1)?)))
            .collect()
        })
    }

    fn audit_of(&self, id: &str) -> StorageResult<Vec<AuditRow>> {
        self.backend.read(|sql| {
            sql.rows(
                "SELECT a.at, a.person_id, COALESCE(p.name, ''), a.action, a.hashes
                 FROM audit a LEFT JOIN people p ON p.id = a.person_id
                 WHERE a.doc_id = $1 ORDER BY a.id",
                args![id],
            )?
            .iter()
            .map(|r| {
                Ok(AuditRow {
                    at: r.int(0)?,
                    person_id: r.text(1)?,
                    person_name: r.text(2)?,
                    action: parsed(r, 3, AuditAction::parse)?,
                    hashes: r.list(4)?,
                    fields: vec![],
                })
            })
            .collect()
        })
    }

    fn counts(&self) -> StorageResult<(u64, u64, u64)> {
        self.backend.read(|sql| {
            let r = sql.one(
                "SELECT (SELECT COUNT(*) FROM records), (SELECT COUNT(*) FROM log),
                        (SELECT COUNT(*) FROM devices WHERE revoked_at IS NULL)",
                args![],
            )?;
            Ok((r.int(0)? as u64, r.int(1)? as u64, r.int(2)? as u64))
        })
    }
}
