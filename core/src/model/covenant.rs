//! Hương ước, quy ước: an area's local covenant and how far it is in adding environmental rules.

use super::{check_sha256, Context, Day, RecordBody, RecordKind};
use crate::error::{FieldError, Rule};
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// The ladder from DOMAIN.md, in order.
    pub enum CovenantStatus {
        NotStarted = "not_started",
        Drafting = "drafting",
        Consultation = "consultation",
        Approved = "approved",
        InForce = "in_force",
    }
}

impl CovenantStatus {
    pub fn label_vi(&self) -> &'static str {
        match self {
            CovenantStatus::NotStarted => "Chưa thực hiện",
            CovenantStatus::Drafting => "Đang soạn thảo",
            CovenantStatus::Consultation => "Đang lấy ý kiến cộng đồng",
            CovenantStatus::Approved => "Đã được xã phê duyệt",
            CovenantStatus::InForce => "Đang có hiệu lực",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Covenant {
    pub area_id: String,
    pub status: CovenantStatus,
    /// The environmental clauses the covenant contains, one short text each.
    pub clauses: Vec<String>,
    pub drafting_started: Option<Day>,
    pub consultation_date: Option<Day>,
    pub approved_date: Option<Day>,
    pub in_force_date: Option<Day>,
    /// A photo or scan of the signed text, by SHA-256.
    pub document_sha256: Option<String>,
    pub note: String,
}

pub const MAX_CLAUSES: usize = 50;

impl Covenant {
    /// Counts for target (c): in force with environmental content.
    pub fn in_force_with_environment(&self) -> bool {
        self.status == CovenantStatus::InForce && !self.clauses.is_empty()
    }
}

impl RecordBody for Covenant {
    const KIND: RecordKind = RecordKind::Covenant;

    fn area_id(&self) -> Option<&str> {
        Some(&self.area_id)
    }

    fn normalize(&mut self) {
        self.area_id = self.area_id.trim().to_owned();
        self.clauses = self
            .clauses
            .iter()
            .map(|c| text::normalize(c))
            .filter(|c| !c.is_empty())
            .collect();
        self.note = text::normalize(&self.note);
        if let Some(h) = &mut self.document_sha256 {
            *h = h.trim().to_ascii_lowercase();
        }
    }

    fn check(&self, ctx: &Context) -> Vec<FieldError> {
        let mut e = vec![];
        ctx.check_area(&mut e, "area_id", &self.area_id);
        if self.clauses.len() > MAX_CLAUSES {
            e.push(FieldError::new(
                "clauses",
                Rule::TooMany {
                    max: MAX_CLAUSES as u32,
                },
            ));
        }
        for (i, c) in self.clauses.iter().enumerate() {
            text::check(&mut e, &format!("clauses.{i}"), c, true, 500, false);
        }
        let reached = match self.status {
            CovenantStatus::NotStarted => 0,
            CovenantStatus::Drafting => 1,
            CovenantStatus::Consultation => 2,
            CovenantStatus::Approved => 3,
            CovenantStatus::InForce => 4,
        };
        ctx.check_ladder(
            &mut e,
            &[
                ("drafting_started", self.drafting_started),
                ("consultation_date", self.consultation_date),
                ("approved_date", self.approved_date),
                ("in_force_date", self.in_force_date),
            ],
            reached,
            self.status.label_vi(),
        );
        if self.status == CovenantStatus::InForce && self.clauses.is_empty() {
            e.push(FieldError::new(
                "clauses",
                Rule::RequiredForStatus {
                    status: self.status.label_vi().to_owned(),
                },
            ));
        }
        if let Some(h) = &self.document_sha256 {
            check_sha256(&mut e, "document_sha256", h);
        }
        text::check(&mut e, "note", &self.note, false, 2000, true);
        e
    }

    crate::write_changed_fields!(
        area_id,
        status,
        clauses,
        drafting_started,
        consultation_date,
        approved_date,
        in_force_date,
        document_sha256,
        note,
    );

    fn into_any(self) -> super::AnyRecord {
        super::AnyRecord::Covenant(self)
    }
}

pub(crate) const TABLE: &str = "CREATE TABLE covenants (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    status TEXT NOT NULL,
    clauses INTEGER NOT NULL,
    in_force_date TEXT,
    with_environment INTEGER NOT NULL
);
CREATE INDEX covenants_area ON covenants(area_id);";

impl Covenant {
    pub(crate) fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        conn.execute(
            "INSERT OR REPLACE INTO covenants (id, area_id, status, clauses, in_force_date, with_environment)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                self.area_id,
                self.status.as_str(),
                self.clauses.len() as i64,
                self.in_force_date.map(|d| d.to_string()),
                self.in_force_with_environment()
            ],
        )?;
        Ok(())
    }
}
