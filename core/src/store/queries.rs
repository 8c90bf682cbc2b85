//! What screens ask the store: lists, search and per-area figures, all read from projections.

use super::Store;
use crate::error::Result;
use crate::i18n::Message;
use crate::model::{CovenantStatus, Day, RecordKind, ReviewStatus};
use crate::text;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// One page of a list and where the next one starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as `after` for the next page; `None` on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdRow {
    pub id: String,
    pub area_id: String,
    pub head_name: String,
    pub address: String,
    pub members: u32,
    pub status: ReviewStatus,
    pub status_label: Message,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct LatestCheck {
    pub household_id: String,
    pub head_name: String,
    pub check_id: String,
    pub check_date: String,
    pub all_sorted: bool,
    pub status: ReviewStatus,
    pub status_label: Message,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct WeekendCleanups {
    pub area_id: String,
    /// The weekend's Saturday.
    pub weekend: String,
    pub cleanups: u32,
    pub participants: u64,
    pub waste_kg: f64,
    pub bags: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct AreaCovenant {
    pub area_id: String,
    pub area_name: String,
    pub record_id: Option<String>,
    /// `None` when nobody has recorded the area's covenant yet.
    pub status: Option<CovenantStatus>,
    /// The status in words, or that none is recorded.
    pub status_label: Message,
    pub with_environment: bool,
    pub review_status: Option<ReviewStatus>,
    /// The review status in words, when a covenant is recorded.
    pub review_status_label: Option<Message>,
}

/// Why a record is waiting for its author.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum NeedsUser {
    Draft,
    Returned,
    Conflict,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Attention {
    pub id: String,
    pub kind: RecordKind,
    pub area_id: Option<String>,
    pub why: NeedsUser,
}

/// One line of a list on a phone: what the record is, where, its standing, and why it waits,
/// every text in both languages as the core words it.
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordSummary {
    pub id: String,
    pub kind: RecordKind,
    pub kind_label: Message,
    pub area_id: Option<String>,
    pub area_name: Option<String>,
    pub status: ReviewStatus,
    pub status_label: Message,
    /// What the record's kind calls it (its module's `title`).
    pub title: Message,
    pub in_conflict: bool,
    /// Why the record was returned or rejected, while it stands returned or rejected.
    pub reason: Option<String>,
    /// Saved on this device and not yet acknowledged by the server.
    pub unsent: bool,
}

/// Figures for one area, as the home screen and the example print them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct AreaFigures {
    pub area_id: String,
    pub households: u64,
    pub households_checked: u64,
    pub households_sorting_all: u64,
    pub cleanups: u64,
    pub weekends_with_cleanup: u64,
    pub participants: u64,
    pub waste_kg: f64,
    pub covenant: Option<CovenantStatus>,
    /// The covenant's status in words, or that none is recorded.
    pub covenant_label: Message,
}

fn not_recorded() -> Message {
    Message::new("Chưa ghi nhận", "Not recorded yet")
}

fn status(s: String) -> ReviewStatus {
    ReviewStatus::parse(&s).unwrap_or(ReviewStatus::Draft)
}

/// A household's list line from a row selecting `h.id, h.area_id, h.head_name, h.address,
/// h.members, r.review_status` first.
pub(super) fn household_row(r: &rusqlite::Row) -> rusqlite::Result<HouseholdRow> {
    let status = status(r.get(5)?);
    Ok(HouseholdRow {
        id: r.get(0)?,
        area_id: r.get(1)?,
        head_name: r.get(2)?,
        address: r.get(3)?,
        members: r.get(4)?,
        status_label: status.label(),
        status,
    })
}

/// A pattern matching `word` at the start of any word of a search key; escapes LIKE wildcards
/// typed by a person.
fn like_pattern(word: &str) -> String {
    let mut p = String::from("% ");
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

impl Store {
    /// Households of an area whose name or address contains every word of `query`, ignoring
    /// diacritics and case ("nguyen van a" finds "Nguyễn Văn A"), ordered by name. Households
    /// staff marked as duplicates are left out: they were merged into the one kept.
    pub fn households(
        &self,
        area_id: &str,
        query: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<HouseholdRow>> {
        let words: Vec<String> = text::search_key(query)
            .split_whitespace()
            .take(8)
            .map(like_pattern)
            .collect();
        let mut sql = String::from(
            "SELECT h.id, h.area_id, h.head_name, h.address, h.members, r.review_status
             FROM households h JOIN records r ON r.id = h.id
             WHERE h.area_id = ?1 AND NOT EXISTS (
                SELECT 1 FROM household_duplicates d
                WHERE d.household_id = h.id AND d.merged_into IS NOT NULL)",
        );
        let mut args: Vec<rusqlite::types::Value> = vec![area_id.to_owned().into()];
        for w in &words {
            args.push(w.clone().into());
            sql.push_str(&format!(" AND h.search LIKE ?{} ESCAPE '\\'", args.len()));
        }
        if let Some(after) = after {
            args.push(after.to_owned().into());
            let n = args.len();
            sql.push_str(&format!(
                " AND (h.search, h.id) > (SELECT search, id FROM households WHERE id = ?{n})"
            ));
        }
        args.push(((limit.clamp(1, 500) + 1) as i64).into());
        sql.push_str(&format!(" ORDER BY h.search, h.id LIMIT ?{}", args.len()));
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut items: Vec<HouseholdRow> = stmt
            .query_map(rusqlite::params_from_iter(args), household_row)?
            .collect::<rusqlite::Result<_>>()?;
        let next = if items.len() > limit.clamp(1, 500) {
            items.pop();
            items.last().map(|h| h.id.clone())
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// Each household of the area with its latest check (by check date, then record time).
    /// With `approved_only`, only approved checks count: a household's status for the targets.
    /// A duplicate's checks count for the household kept, as in the report.
    pub fn latest_checks(&self, area_id: &str, approved_only: bool) -> Result<Vec<LatestCheck>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT household_id, head_name, check_id, check_date, all_sorted, review_status FROM (
                SELECT h.id AS household_id, h.head_name, c.id AS check_id, c.check_date,
                       c.all_sorted, r.review_status,
                       ROW_NUMBER() OVER (PARTITION BY h.id
                                          ORDER BY c.check_date DESC, r.created_at DESC, c.id DESC) AS n
                FROM sorting_checks c
                JOIN records r ON r.id = c.id
                LEFT JOIN household_duplicates d
                    ON d.household_id = c.household_id AND d.merged_into IS NOT NULL
                JOIN households h ON h.id = COALESCE(d.merged_into, c.household_id)
                WHERE h.area_id = ?1 AND (?2 = 0 OR r.review_status = 'approved')
             ) WHERE n = 1 ORDER BY household_id",
        )?;
        let rows = stmt
            .query_map(params![area_id, approved_only], |r| {
                let status = status(r.get(5)?);
                Ok(LatestCheck {
                    household_id: r.get(0)?,
                    head_name: r.get(1)?,
                    check_id: r.get(2)?,
                    check_date: r.get(3)?,
                    all_sorted: r.get(4)?,
                    status_label: status.label(),
                    status,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Weekend cleanups per area per weekend between two days (inclusive).
    pub fn cleanups_by_weekend(
        &self,
        area_id: Option<&str>,
        from: Day,
        to: Day,
    ) -> Result<Vec<WeekendCleanups>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT area_id, weekend, COUNT(*), SUM(participants), TOTAL(waste_kg), TOTAL(bags)
             FROM cleanups
             WHERE weekend IS NOT NULL AND cleanup_date BETWEEN ?1 AND ?2
               AND (?3 IS NULL OR area_id = ?3)
             GROUP BY area_id, weekend ORDER BY area_id, weekend",
        )?;
        let rows = stmt
            .query_map(params![from.to_string(), to.to_string(), area_id], |r| {
                Ok(WeekendCleanups {
                    area_id: r.get(0)?,
                    weekend: r.get(1)?,
                    cleanups: r.get(2)?,
                    participants: r.get::<_, i64>(3)? as u64,
                    waste_kg: r.get(4)?,
                    bags: r.get::<_, f64>(5)? as u64,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The covenant status of every area of a commune, including areas with none recorded.
    pub fn covenant_status(&self, commune_id: &str) -> Result<Vec<AreaCovenant>> {
        let areas: Vec<(String, String)> = self
            .reference()
            .areas_of(commune_id)
            .map(|a| (a.id.clone(), a.name.clone()))
            .collect();
        self.covenant_status_of(&areas)
    }

    /// The covenant status of the given areas (id, name), including areas with none recorded.
    /// Where an area has several covenant records, the most recently created one counts.
    pub fn covenant_status_of(&self, areas: &[(String, String)]) -> Result<Vec<AreaCovenant>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.status, c.with_environment, r.review_status
             FROM covenants c JOIN records r ON r.id = c.id
             WHERE c.area_id = ?1 ORDER BY r.created_at DESC, c.id DESC LIMIT 1",
        )?;
        let mut out = vec![];
        for (area_id, area_name) in areas {
            let row = stmt
                .query_row([area_id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, bool>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .optional()?;
            out.push(match row {
                Some((id, st, env, rs)) => AreaCovenant {
                    area_id: area_id.clone(),
                    area_name: area_name.clone(),
                    record_id: Some(id),
                    status: CovenantStatus::parse(&st),
                    status_label: CovenantStatus::parse(&st)
                        .map(|s| s.label())
                        .unwrap_or_else(not_recorded),
                    with_environment: env,
                    review_status_label: Some(status(rs.clone()).label()),
                    review_status: Some(status(rs)),
                },
                None => AreaCovenant {
                    area_id: area_id.clone(),
                    area_name: area_name.clone(),
                    record_id: None,
                    status: None,
                    status_label: not_recorded(),
                    with_environment: false,
                    review_status: None,
                    review_status_label: None,
                },
            });
        }
        Ok(out)
    }

    /// Records waiting for their author: drafts, returned ones, and ones in conflict.
    /// With `author`, only that person's records (conflicts are shown to everyone in scope).
    pub fn needs_attention(&self, author: Option<&str>) -> Result<Vec<Attention>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, kind, area_id, review_status, conflicts != '[]' FROM records
             WHERE kind != 'review'
               AND (review_status IN ('draft', 'returned') AND (?1 IS NULL OR author = ?1)
                    OR conflicts != '[]')
             ORDER BY created_at, id",
        )?;
        let rows = stmt
            .query_map([author], |r| {
                let rs: String = r.get(3)?;
                let conflict: bool = r.get(4)?;
                let kind: String = r.get(1)?;
                Ok(Attention {
                    id: r.get(0)?,
                    kind: RecordKind::parse(&kind).unwrap_or(RecordKind::Household),
                    area_id: r.get(2)?,
                    why: if conflict {
                        NeedsUser::Conflict
                    } else if rs == "returned" {
                        NeedsUser::Returned
                    } else {
                        NeedsUser::Draft
                    },
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The approved records this phone holds, as the report reads them, with staff's duplicate
    /// marks (in force as made, never reviewed).
    pub fn facts(&self) -> Result<Vec<crate::report::Fact>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, kind, created_at, data FROM records WHERE review_status = ?1 OR kind = ?2",
        )?;
        let decided = RecordKind::HouseholdDuplicate.as_str();
        let rows: Vec<(String, String, i64, String)> = stmt
            .query_map([ReviewStatus::Approved.as_str(), decided], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, kind, created_at, data)| {
                let kind = RecordKind::parse(&kind)?;
                let record =
                    crate::model::AnyRecord::from_json(kind, serde_json::from_str(&data).ok()?)
                        .ok()?;
                Some(crate::report::Fact {
                    id,
                    created_at,
                    record,
                })
            })
            .collect())
    }

    /// The plan's targets for an area over a period, from the approved records this phone
    /// holds, computed by the same report code as the server's.
    pub fn area_targets(
        &self,
        area_id: &str,
        from: Day,
        to: Day,
    ) -> Result<Option<crate::report::Targets>> {
        let Some(commune) = self.reference().commune_of_area(area_id) else {
            return Ok(None);
        };
        let report = crate::report::compute(
            self.reference(),
            std::slice::from_ref(&commune.id),
            &self.facts()?,
            from,
            to,
        );
        Ok(report.areas.into_iter().find(|t| t.unit_id == area_id))
    }

    /// An area's figures over all its records (any review status): what the volunteer has done.
    pub fn area_figures(&self, area_id: &str) -> Result<AreaFigures> {
        let conn = self.conn();
        let households: i64 = conn.query_row(
            "SELECT COUNT(*) FROM households h WHERE area_id = ?1 AND NOT EXISTS (
                SELECT 1 FROM household_duplicates d
                WHERE d.household_id = h.id AND d.merged_into IS NOT NULL)",
            [area_id],
            |r| r.get(0),
        )?;
        let latest = self.latest_checks(area_id, false)?;
        let (cleanups, weekends, participants, waste_kg): (i64, i64, i64, f64) = conn.query_row(
            "SELECT COUNT(*), COUNT(DISTINCT weekend), COALESCE(SUM(participants), 0), TOTAL(waste_kg)
             FROM cleanups WHERE area_id = ?1",
            [area_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let covenant = self
            .reference()
            .commune_of_area(area_id)
            .map(|c| self.covenant_status(&c.id))
            .transpose()?
            .and_then(|all| all.into_iter().find(|a| a.area_id == area_id))
            .and_then(|a| a.status);
        Ok(AreaFigures {
            area_id: area_id.to_owned(),
            households: households as u64,
            households_checked: latest.len() as u64,
            households_sorting_all: latest.iter().filter(|c| c.all_sorted).count() as u64,
            cleanups: cleanups as u64,
            weekends_with_cleanup: weekends as u64,
            participants: participants as u64,
            waste_kg,
            covenant_label: covenant.map(|c| c.label()).unwrap_or_else(not_recorded),
            covenant,
        })
    }
}

/// A record's standing as its projection row holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub author: String,
    pub state: crate::model::Lifecycle,
    pub status: ReviewStatus,
    pub conflicts: Vec<crate::document::Conflict>,
}

impl Store {
    /// A record's author, lifecycle, review status and conflicts, without loading it.
    pub fn summary(&self, id: &str) -> Result<Standing> {
        let (author, state, st, conflicts): (String, String, String, String) = self
            .conn()
            .query_row(
                "SELECT author, state, review_status, conflicts FROM records WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or_else(|| crate::error::Error::NotFound(id.to_owned()))?;
        Ok(Standing {
            author,
            state: crate::model::Lifecycle::parse(&state).unwrap_or(crate::model::Lifecycle::Draft),
            status: status(st),
            conflicts: serde_json::from_str(&conflicts).unwrap_or_default(),
        })
    }

    /// The reason of the latest return or rejection of a record, for the person fixing it.
    pub fn review_reason(&self, record_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT v.reason FROM reviews v JOIN records r ON r.id = v.id
                 WHERE v.record_id = ?1 AND v.decision != 'approved'
                 ORDER BY r.created_at DESC, v.id DESC LIMIT 1",
                [record_id],
                |r| r.get(0),
            )
            .optional()?)
    }
}

const SUMMARY_SQL: &str = "SELECT r.id, r.kind, r.area_id, r.review_status, r.conflicts != '[]',
        r.data,
        CASE WHEN r.review_status IN ('returned', 'rejected') THEN
        (SELECT v.reason FROM reviews v JOIN records rv ON rv.id = v.id
          WHERE v.record_id = r.id AND v.decision != 'approved'
          ORDER BY rv.created_at DESC, v.id DESC LIMIT 1) END,
        EXISTS (SELECT 1 FROM outbox o WHERE o.doc_id = r.id)
     FROM records r
     WHERE r.kind != 'review' AND ";

impl Store {
    /// What another record or an area is called, for titles that name one.
    pub fn name_of(&self, id: &str) -> Option<String> {
        if let Some(a) = self.reference().area(id) {
            return Some(a.name.clone());
        }
        self.conn()
            .query_row(
                "SELECT head_name FROM households WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten()
    }

    /// A record's title from its row's kind and values.
    pub(crate) fn title_of(&self, kind: RecordKind, data: &str) -> Message {
        serde_json::from_str(data)
            .ok()
            .and_then(|d| crate::model::AnyRecord::from_json(kind, d).ok())
            .map(|r| r.title(&|id| self.name_of(id)))
            .unwrap_or_else(|| kind.label())
    }
}

impl Store {
    fn summaries(&self, condition: &str, arg: Option<&str>) -> Result<Vec<RecordSummary>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{SUMMARY_SQL}{condition} ORDER BY r.created_at, r.id"
        ))?;
        type Row = (
            String,
            String,
            Option<String>,
            String,
            bool,
            String,
            Option<String>,
            bool,
        );
        let rows: Vec<Row> = stmt
            .query_map([arg], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows
            .into_iter()
            .filter_map(
                |(id, kind, area_id, st, in_conflict, data, reason, unsent)| {
                    let kind = RecordKind::parse(&kind)?;
                    let status = status(st);
                    Some(RecordSummary {
                        kind_label: kind.label(),
                        title: self.title_of(kind, &data),
                        area_name: area_id
                            .as_deref()
                            .and_then(|a| self.reference().area(a))
                            .map(|a| a.name.clone()),
                        status_label: status.label(),
                        id,
                        kind,
                        area_id,
                        status,
                        in_conflict,
                        reason,
                        unsent,
                    })
                },
            )
            .collect())
    }

    /// Records waiting for a reviewer: submitted and not yet decided at their current version.
    pub fn review_queue(&self) -> Result<Vec<RecordSummary>> {
        self.summaries(
            "r.review_status IN ('awaiting_review', 'changed_since_approval') AND (?1 IS NULL OR 1)",
            None,
        )
    }

    /// [`Store::needs_attention`] as list lines, with return reasons.
    pub fn attention_summaries(&self, author: Option<&str>) -> Result<Vec<RecordSummary>> {
        self.summaries(
            "(r.review_status IN ('draft', 'returned') AND (?1 IS NULL OR r.author = ?1)
              OR r.conflicts != '[]')",
            author,
        )
    }

    /// Everything this person recorded, oldest first, with its standing and whether it still
    /// waits to be sent: the outbox screen.
    pub fn records_of(&self, author: &str) -> Result<Vec<RecordSummary>> {
        self.summaries("r.author = ?1", Some(author))
    }

    /// The kind of a record this store holds.
    pub fn kind_of(&self, id: &str) -> Result<Option<RecordKind>> {
        let kind: Option<String> = self
            .conn()
            .query_row("SELECT kind FROM records WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        Ok(kind.and_then(|k| RecordKind::parse(&k)))
    }
}
