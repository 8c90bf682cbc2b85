//! A commune's yearly report through its life: prepared (the commune's words and the people it
//! must brief), checked, and sent. Sending keeps the copy that went up the line — its figures,
//! the records behind them, and the XLSX and CSV files byte for byte — and nothing changes it
//! afterwards: later records feed the next period instead.

use super::sql::{Row, Sql};
use super::*;
use crate::args;
pub use sachxanh_core::report::life::ReportState;

/// Same SQL on both backends (SQLite keeps the files in a column of any type).
pub(super) const REPORTS: &str = "
CREATE TABLE reports (
    commune_id TEXT NOT NULL,
    period_to TEXT NOT NULL,
    state TEXT NOT NULL,
    difficulties TEXT NOT NULL,
    to_brief BIGINT NOT NULL,
    prepared_by TEXT NOT NULL,
    prepared_at BIGINT NOT NULL,
    checked_by TEXT,
    checked_at BIGINT,
    sent_by TEXT,
    sent_at BIGINT,
    frozen TEXT,
    xlsx BYTEA,
    csv BYTEA,
    PRIMARY KEY (commune_id, period_to)
);
";

/// A report's state and who moved it there (person names), without its files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportLine {
    pub commune_id: String,
    /// The period's last day, `YYYY-MM-DD`.
    pub period_to: String,
    pub state: ReportState,
    pub difficulties: String,
    pub to_brief: u64,
    pub prepared_by: String,
    pub prepared_at: i64,
    pub checked_by: Option<String>,
    pub checked_at: Option<i64>,
    pub sent_by: Option<String>,
    pub sent_at: Option<i64>,
}

/// A sent report as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub frozen: String,
    pub xlsx: Vec<u8>,
    pub csv: Vec<u8>,
}

/// What sending keeps.
pub struct SentCopy<'a> {
    /// The figures and the records behind them (JSON, the server's own format).
    pub frozen: &'a str,
    pub xlsx: &'a [u8],
    pub csv: &'a [u8],
}

pub trait Reports: Send + Sync + 'static {
    fn report(&self, commune_id: &str, period_to: &str) -> StorageResult<Option<ReportLine>>;
    /// Every report of a commune, oldest period first.
    fn reports_of(&self, commune_id: &str) -> StorageResult<Vec<ReportLine>>;
    /// Saves the commune's words: a new draft, or a changed one, which must be checked again.
    /// `false` once the report is sent.
    fn prepare_report(
        &self,
        by: &Device,
        commune_id: &str,
        period_to: &str,
        difficulties: &str,
        to_brief: u64,
    ) -> StorageResult<bool>;
    /// Prepared → checked; `false` from any other state.
    fn check_report(&self, by: &Device, commune_id: &str, period_to: &str) -> StorageResult<bool>;
    /// Checked → sent, keeping `copy`; `false` from any other state (sent once only).
    fn send_report(
        &self,
        by: &Device,
        commune_id: &str,
        period_to: &str,
        copy: &SentCopy,
    ) -> StorageResult<bool>;
    /// The frozen copy of a sent report.
    fn sent_copy(&self, commune_id: &str, period_to: &str) -> StorageResult<Option<Sent>>;
}

const LINE: &str = "SELECT r.commune_id, r.period_to, r.state, r.difficulties, r.to_brief,
        COALESCE(p.name, r.prepared_by), r.prepared_at, COALESCE(c.name, r.checked_by),
        r.checked_at, COALESCE(s.name, r.sent_by), r.sent_at
    FROM reports r LEFT JOIN people p ON p.id = r.prepared_by
    LEFT JOIN people c ON c.id = r.checked_by LEFT JOIN people s ON s.id = r.sent_by";

fn line(r: &Row) -> StorageResult<ReportLine> {
    let state = r.text(2)?;
    Ok(ReportLine {
        commune_id: r.text(0)?,
        period_to: r.text(1)?,
        state: ReportState::parse(&state)
            .ok_or_else(|| StorageError::Database(format!("report state {state}")))?,
        difficulties: r.text(3)?,
        to_brief: r.int(4)?.max(0) as u64,
        prepared_by: r.text(5)?,
        prepared_at: r.int(6)?,
        checked_by: r.opt_text(7)?,
        checked_at: r.opt_int(8)?,
        sent_by: r.opt_text(9)?,
        sent_at: r.opt_int(10)?,
    })
}

fn state_of(sql: &mut dyn Sql, commune_id: &str, period_to: &str) -> StorageResult<Option<String>> {
    sql.row(
        "SELECT state FROM reports WHERE commune_id = $1 AND period_to = $2",
        args![commune_id, period_to],
    )?
    .map(|r| r.text(0))
    .transpose()
}

impl<B: Backend> Reports for Db<B> {
    fn report(&self, commune_id: &str, period_to: &str) -> StorageResult<Option<ReportLine>> {
        self.backend.read(|sql| {
            sql.row(
                &format!("{LINE} WHERE r.commune_id = $1 AND r.period_to = $2"),
                args![commune_id, period_to],
            )?
            .map(|r| line(&r))
            .transpose()
        })
    }

    fn reports_of(&self, commune_id: &str) -> StorageResult<Vec<ReportLine>> {
        self.backend.read(|sql| {
            sql.rows(
                &format!("{LINE} WHERE r.commune_id = $1 ORDER BY r.period_to"),
                args![commune_id],
            )?
            .iter()
            .map(line)
            .collect()
        })
    }

    fn prepare_report(
        &self,
        by: &Device,
        commune_id: &str,
        period_to: &str,
        difficulties: &str,
        to_brief: u64,
    ) -> StorageResult<bool> {
        self.backend.write(|sql| {
            self.backend.lock_key(sql, "reports")?;
            let args = args![
                commune_id,
                period_to,
                ReportState::Prepared.as_str(),
                difficulties,
                to_brief as i64,
                by.person.id.as_str(),
                now_ms()
            ];
            let state = state_of(sql, commune_id, period_to)?;
            match state.as_deref().and_then(ReportState::parse) {
                None => {
                    sql.exec(
                        "INSERT INTO reports (commune_id, period_to, state, difficulties,
                         to_brief, prepared_by, prepared_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        args,
                    )?;
                    Ok(true)
                }
                Some(s) if !s.editable() => Ok(false),
                Some(_) => {
                    sql.exec(
                        "UPDATE reports SET state = $3, difficulties = $4, to_brief = $5,
                         prepared_by = $6, prepared_at = $7, checked_by = NULL, checked_at = NULL
                         WHERE commune_id = $1 AND period_to = $2",
                        args,
                    )?;
                    Ok(true)
                }
            }
        })
    }

    fn check_report(&self, by: &Device, commune_id: &str, period_to: &str) -> StorageResult<bool> {
        self.backend.write(|sql| {
            let n = sql.exec(
                "UPDATE reports SET state = $3, checked_by = $4, checked_at = $5
                 WHERE commune_id = $1 AND period_to = $2 AND state = $6",
                args![
                    commune_id,
                    period_to,
                    ReportState::Checked.as_str(),
                    by.person.id.as_str(),
                    now_ms(),
                    ReportState::Checked.before().map_or("", |s| s.as_str())
                ],
            )?;
            Ok(n == 1)
        })
    }

    fn send_report(
        &self,
        by: &Device,
        commune_id: &str,
        period_to: &str,
        copy: &SentCopy,
    ) -> StorageResult<bool> {
        self.backend.write(|sql| {
            let n = sql.exec(
                "UPDATE reports SET state = $3, sent_by = $4, sent_at = $5, frozen = $6,
                 xlsx = $7, csv = $8
                 WHERE commune_id = $1 AND period_to = $2 AND state = $9",
                args![
                    commune_id,
                    period_to,
                    ReportState::Sent.as_str(),
                    by.person.id.as_str(),
                    now_ms(),
                    copy.frozen,
                    copy.xlsx,
                    copy.csv,
                    ReportState::Sent.before().map_or("", |s| s.as_str())
                ],
            )?;
            Ok(n == 1)
        })
    }

    fn sent_copy(&self, commune_id: &str, period_to: &str) -> StorageResult<Option<Sent>> {
        self.backend.read(|sql| {
            sql.row(
                "SELECT frozen, xlsx, csv FROM reports
                 WHERE commune_id = $1 AND period_to = $2 AND state = $3",
                args![commune_id, period_to, ReportState::Sent.as_str()],
            )?
            .map(|r| {
                Ok(Sent {
                    frozen: r.text(0)?,
                    xlsx: r.bytes(1)?,
                    csv: r.bytes(2)?,
                })
            })
            .transpose()
        })
    }
}
