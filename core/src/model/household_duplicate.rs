//! Hộ ghi trùng: commune staff's decision that a household was recorded twice. Like a review it
//! is its own record, authored by staff and carried by the same sync as every record, so every
//! phone of the area converges on it; the rule that finds such pairs and resolves the marks is
//! `crate::duplicates`. The duplicate then leaves lists and denominators, and its checks count for
//! the household kept.

use super::{check_id, Context, Draft, Names, RecordBody, RecordKind, AREA_FIELD};
use crate::error::{FieldError, Rule};
use crate::form::{Field, InputSpec};
use crate::i18n::{Label, Message};
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdDuplicate {
    /// The area of both households: it scopes who receives the mark.
    pub area_id: String,
    /// The household recorded twice, which leaves the lists and figures.
    pub household_id: String,
    /// The household kept, for which the duplicate's checks count.
    pub kept_id: String,
    /// The staff member (a person id).
    pub marked_by: String,
}

impl RecordBody for HouseholdDuplicate {
    const KIND: RecordKind = RecordKind::HouseholdDuplicate;
    const LABEL: Label = Label::new("Hộ ghi trùng", "Duplicate household");
    const FIELDS: &'static [Field] = &[
        AREA_FIELD,
        Field::new(
            "household_id",
            Label::new("Hộ ghi trùng", "Duplicate household"),
            InputSpec::Household,
        )
        .required(),
        Field::new(
            "kept_id",
            Label::new("Hộ giữ lại", "Household kept"),
            InputSpec::Household,
        )
        .required(),
        Field::new(
            "marked_by",
            Label::new("Người đánh dấu", "Marked by"),
            InputSpec::Text {
                max_chars: 120,
                multiline: false,
            },
        )
        .hidden(),
    ];
    const TABLE: &'static str = TABLE;
    const TABLE_NAME: &'static str = "household_duplicates";

    fn area_id(&self) -> Option<&str> {
        Some(&self.area_id)
    }

    fn normalize(&mut self) {
        self.area_id = self.area_id.trim().to_owned();
        self.household_id = self.household_id.trim().to_owned();
        self.kept_id = self.kept_id.trim().to_owned();
        self.marked_by = text::normalize(&self.marked_by);
    }

    fn check(&self, ctx: &Context) -> Vec<FieldError> {
        let mut e = vec![];
        ctx.check_area(&mut e, "area_id", &self.area_id);
        check_id(&mut e, "household_id", &self.household_id);
        check_id(&mut e, "kept_id", &self.kept_id);
        if self.household_id == self.kept_id && !self.kept_id.is_empty() {
            e.push(FieldError::new("kept_id", Rule::InvalidId));
        }
        text::check(&mut e, "marked_by", &self.marked_by, true, 120, false);
        e
    }

    fn title(&self, names: Names) -> Message {
        let name = |id: &str| names(id).unwrap_or_default();
        let (dup, kept) = (name(&self.household_id), name(&self.kept_id));
        Message::new(
            format!("{dup} trùng với {kept}"),
            format!("{dup} is a duplicate of {kept}"),
        )
    }

    fn public_title(&self, _names: Names) -> Message {
        Self::LABEL.message()
    }

    fn refers_to(&self) -> Vec<&str> {
        vec![&self.household_id, &self.kept_id]
    }

    fn draft(draft: &Draft) -> Self {
        HouseholdDuplicate {
            area_id: draft.area_id.clone(),
            household_id: String::new(),
            kept_id: String::new(),
            marked_by: draft.person_id.clone(),
        }
    }

    fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        conn.prepare_cached(
            "INSERT OR REPLACE INTO household_duplicates (id, area_id, household_id, kept_id)
             VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id, self.area_id, self.household_id, self.kept_id],
        )?;
        resolve_area(conn, &self.area_id)
    }

    crate::write_changed_fields!(area_id, household_id, kept_id, marked_by);
}

/// Which marks of an area are in force and where each duplicate is merged (the end of any
/// chain), by the core's resolution: recomputed from all the area's marks whenever one arrives,
/// so the rows are the same whatever order marks came in. Lists and figures read
/// `merged_into`; one row per duplicate carries it.
fn resolve_area(conn: &Connection, area_id: &str) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, r.created_at, d.household_id, d.kept_id
         FROM household_duplicates d JOIN records r ON r.id = d.id
         WHERE d.area_id = ?1 ORDER BY d.id",
    )?;
    let rows: Vec<(String, i64, HouseholdDuplicate)> = stmt
        .query_map([area_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                HouseholdDuplicate {
                    area_id: area_id.to_owned(),
                    household_id: r.get(2)?,
                    kept_id: r.get(3)?,
                    marked_by: String::new(),
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let marks: Vec<crate::duplicates::Mark> = rows
        .iter()
        .map(|(id, created_at, mark)| crate::duplicates::Mark {
            id,
            created_at: *created_at,
            mark,
        })
        .collect();
    let merged = crate::duplicates::resolve(&marks);
    conn.prepare_cached("UPDATE household_duplicates SET merged_into = NULL WHERE area_id = ?1")?
        .execute([area_id])?;
    for (duplicate, kept) in &merged {
        conn.prepare_cached(
            "UPDATE household_duplicates SET merged_into = ?2 WHERE id = (
                SELECT MIN(id) FROM household_duplicates WHERE area_id = ?3 AND household_id = ?1)",
        )?
        .execute(params![duplicate, kept, area_id])?;
    }
    Ok(())
}

const TABLE: &str = "CREATE TABLE household_duplicates (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    household_id TEXT NOT NULL,
    kept_id TEXT NOT NULL,
    merged_into TEXT
);
CREATE INDEX household_duplicates_of ON household_duplicates(household_id);";
