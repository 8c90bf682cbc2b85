//! The areas staff manage: every version of the deployment's communes and areas (GeoJSON, as
//! the core writes it), with who changed what. The newest is the one in use; older ones are
//! the history. A merger also moves the people of the merged area, in the same transaction.

use super::sql::Sql;
use super::*;
use crate::args;
use sachxanh_core::i18n::Message;

/// Same SQL on both backends. The whole reference is kept per version: changes are rare (a
/// few a year per commune) and a version is then readable on its own.
pub(super) const AREA_VERSIONS: &str = "
CREATE TABLE area_versions (
    version BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    person_id TEXT,
    commune_id TEXT,
    summary_vi TEXT NOT NULL,
    summary_en TEXT NOT NULL,
    geojson TEXT NOT NULL
);
CREATE INDEX area_versions_commune ON area_versions(commune_id, version);
";

/// One change to save.
pub struct AreasChange<'a> {
    /// The whole reference after the change.
    pub geojson: &'a str,
    /// The commune changed (none for the first version, from a file).
    pub commune_id: Option<&'a str>,
    /// The area the change is about, for the audit trail.
    pub subject: &'a str,
    pub summary: &'a Message,
    /// People to move from one area to another (a merger).
    pub moves: &'a [(String, String)],
}

/// A line of a commune's area history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreasChangeLine {
    pub version: u64,
    pub at: i64,
    /// Who made it; `None` for the file the deployment started from.
    pub by: Option<String>,
    pub summary: Message,
}

pub trait Areas: Send + Sync + 'static {
    /// The areas in use and their version; `None` before the first is saved.
    fn latest_areas(&self) -> StorageResult<Option<(u64, String)>>;
    /// The version in use (0 before any): cheap, asked at every pull.
    fn areas_version(&self) -> StorageResult<u64>;
    /// Saves `change` as version `expected + 1`. `false` (nothing saved) when another change
    /// was saved since `expected` was read.
    fn save_areas(
        &self,
        by: Option<&Device>,
        expected: u64,
        change: &AreasChange,
    ) -> StorageResult<bool>;
    /// A commune's area changes, newest first.
    fn areas_history(&self, commune_id: &str, limit: u64) -> StorageResult<Vec<AreasChangeLine>>;
}

fn version_of(sql: &mut dyn Sql) -> StorageResult<u64> {
    let row = sql.row("SELECT MAX(version) FROM area_versions", args![])?;
    Ok(match row {
        Some(r) => r.opt_int(0)?.unwrap_or(0).max(0) as u64,
        None => 0,
    })
}

impl<B: Backend> Areas for Db<B> {
    fn latest_areas(&self) -> StorageResult<Option<(u64, String)>> {
        self.backend.read(|sql| {
            sql.row(
                "SELECT version, geojson FROM area_versions ORDER BY version DESC LIMIT 1",
                args![],
            )?
            .map(|r| Ok((r.int(0)?.max(0) as u64, r.text(1)?)))
            .transpose()
        })
    }

    fn areas_version(&self) -> StorageResult<u64> {
        self.backend.read(version_of)
    }

    fn save_areas(
        &self,
        by: Option<&Device>,
        expected: u64,
        change: &AreasChange,
    ) -> StorageResult<bool> {
        self.backend.write(|sql| {
            self.backend.lock_key(sql, "areas")?;
            if version_of(sql)? != expected {
                return Ok(false);
            }
            sql.exec(
                "INSERT INTO area_versions
                 (version, at, person_id, commune_id, summary_vi, summary_en, geojson)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                args![
                    (expected + 1) as i64,
                    now_ms(),
                    by.map(|d| d.person.id.as_str()),
                    change.commune_id,
                    &change.summary.vi,
                    &change.summary.en,
                    change.geojson
                ],
            )?;
            let Some(by) = by else {
                return Ok(true);
            };
            audit_line(
                sql,
                by,
                change.subject,
                AuditAction::ChangeAreas,
                &change.summary.vi,
            )?;
            let commune = change.commune_id.unwrap_or_default();
            for (from, to) in change.moves {
                let rows = sql.rows(
                    "SELECT id, areas FROM people WHERE commune_id = $1",
                    args![commune],
                )?;
                for r in &rows {
                    let areas = r.list(1)?;
                    if !areas.contains(from) {
                        continue;
                    }
                    let mut moved: Vec<String> = vec![];
                    for a in areas {
                        let a = if &a == from { to.clone() } else { a };
                        if !moved.contains(&a) {
                            moved.push(a);
                        }
                    }
                    let id = r.text(0)?;
                    sql.exec(
                        "UPDATE people SET areas = $2 WHERE id = $1",
                        args![&id, moved.join(",")],
                    )?;
                    audit_line(sql, by, &id, AuditAction::MoveAreas, &moved.join(", "))?;
                }
            }
            Ok(true)
        })
    }

    fn areas_history(&self, commune_id: &str, limit: u64) -> StorageResult<Vec<AreasChangeLine>> {
        self.backend.read(|sql| {
            sql.rows(
                "SELECT v.version, v.at, p.name, v.summary_vi, v.summary_en
                 FROM area_versions v LEFT JOIN people p ON p.id = v.person_id
                 WHERE v.commune_id = $1 ORDER BY v.version DESC LIMIT $2",
                args![commune_id, limit as i64],
            )?
            .iter()
            .map(|r| {
                Ok(AreasChangeLine {
                    version: r.int(0)?.max(0) as u64,
                    at: r.int(1)?,
                    by: r.opt_text(2)?,
                    summary: Message::new(r.text(3)?, r.text(4)?),
                })
            })
            .collect()
        })
    }
}
