//! Hương ước, quy ước: an area's local covenant and how far it is in adding environmental rules.

use super::{AREA_FIELD, Context, Day, Draft, NOTE_FIELD, Names, RecordBody, RecordKind, check_sha256};
use crate::error::{FieldError, Rule};
use crate::form::{Field, InputSpec, Ladder};
use crate::i18n::{Label, Message};
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// The ladder from DOMAIN.md, in order.
    pub enum CovenantStatus {
        NotStarted = "not_started" ("Chưa thực hiện", "Not started"),
        Drafting = "drafting" ("Đang soạn thảo", "Drafting"),
        Consultation = "consultation" ("Đang lấy ý kiến cộng đồng", "Community consultation"),
        Approved = "approved" ("Đã được xã phê duyệt", "Approved by the commune"),
        InForce = "in_force" ("Đang có hiệu lực", "In force"),
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

const fn date(path: &'static str, vi: &'static str, en: &'static str) -> Field {
    Field::new(path, Label::new(vi, en), InputSpec::Date { nullable: true })
}

impl RecordBody for Covenant {
    const KIND: RecordKind = RecordKind::Covenant;
    const LABEL: Label = Label::new("Hương ước, quy ước", "Local covenant");
    const FIELDS: &'static [Field] = &[
        AREA_FIELD,
        Field::new(
            "status",
            Label::new("Tình trạng", "Status"),
            InputSpec::Choice(CovenantStatus::choices),
        )
        .required(),
        Field::new(
            "clauses",
            Label::new("Điều khoản về môi trường", "Environmental clauses"),
            InputSpec::Lines {
                max_items: MAX_CLAUSES as u32,
                max_chars: 500,
            },
        )
        .help(Label::new("Mỗi dòng một điều khoản", "One clause per line")),
        date(
            "drafting_started",
            "Ngày bắt đầu soạn thảo",
            "Drafting started",
        ),
        date(
            "consultation_date",
            "Ngày lấy ý kiến cộng đồng",
            "Community consultation",
        ),
        date("approved_date", "Ngày xã phê duyệt", "Approved by the commune"),
        date("in_force_date", "Ngày có hiệu lực", "In force since"),
        Field::new(
            "document_sha256",
            Label::new("Ảnh văn bản đã ký", "Photo of the signed text"),
            InputSpec::Photo,
        ),
        NOTE_FIELD,
    ];
    const TABLE: &'static str = TABLE;
    const TABLE_NAME: &'static str = "covenants";
    const LADDER: Option<Ladder> = Some(Ladder {
        status: "status",
        steps: &[
            ("not_started", None),
            ("drafting", Some("drafting_started")),
            ("consultation", Some("consultation_date")),
            ("approved", Some("approved_date")),
            ("in_force", Some("in_force_date")),
        ],
    });

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
        ctx.check_ladder(&mut e, self);
        if self.status == CovenantStatus::InForce && self.clauses.is_empty() {
            e.push(FieldError::new(
                "clauses",
                Rule::RequiredForStatus {
                    status: self.status.label(),
                },
            ));
        }
        if let Some(h) = &self.document_sha256 {
            check_sha256(&mut e, "document_sha256", h);
        }
        text::check(&mut e, "note", &self.note, false, 2000, true);
        e
    }

    fn title(&self, names: Names) -> Message {
        let area = names(&self.area_id).unwrap_or_else(|| self.area_id.clone());
        let status = self.status.label();
        Message::new(
            format!("Hương ước {area}: {}", status.vi),
            format!("Covenant of {area}: {}", status.en),
        )
    }

    fn photos(&self) -> Vec<super::Photo> {
        self.document_sha256
            .iter()
            .map(|sha| super::Photo {
                sha256: sha.clone(),
                label: Message::new("Văn bản đã ký", "Signed text"),
            })
            .collect()
    }

    fn draft(draft: &Draft) -> Self {
        Covenant {
            area_id: draft.area_id.clone(),
            status: CovenantStatus::NotStarted,
            clauses: vec![],
            drafting_started: None,
            consultation_date: None,
            approved_date: None,
            in_force_date: None,
            document_sha256: None,
            note: String::new(),
        }
    }

    fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        conn.prepare_cached(
            "INSERT OR REPLACE INTO covenants (id, area_id, status, clauses, in_force_date, with_environment)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
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
}

const TABLE: &str = "CREATE TABLE covenants (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    status TEXT NOT NULL,
    clauses INTEGER NOT NULL,
    in_force_date TEXT,
    with_environment INTEGER NOT NULL
);
CREATE INDEX covenants_area ON covenants(area_id);";
