//! Phổ biến, quán triệt: a briefing session on the resolution and the plan (target d: every
//! official and member briefed), with its audience and attendance.

use super::{AREA_FIELD, Context, Day, Draft, NOTE_FIELD, Names, RecordBody, RecordKind, check_range};
use crate::error::FieldError;
use crate::form::{Field, InputSpec};
use crate::i18n::{Label, Message};
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    pub enum Audience {
        Officials = "officials" ("Cán bộ, công chức", "Officials and civil servants"),
        Members = "members" ("Đoàn viên, hội viên", "Union and association members"),
        Residents = "residents" ("Người dân", "Residents"),
        Pupils = "pupils" ("Học sinh", "Pupils"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Briefing {
    pub area_id: String,
    pub briefing_date: Day,
    pub topic: String,
    pub audience: Audience,
    /// People who attended.
    pub attendance: u32,
    pub note: String,
}

/// A commune hall holds a few hundred; a school assembly perhaps two thousand.
pub const MAX_ATTENDANCE: u32 = 5_000;

impl RecordBody for Briefing {
    const KIND: RecordKind = RecordKind::Briefing;
    const LABEL: Label = Label::new("Phổ biến, quán triệt", "Briefing");
    const FIELDS: &'static [Field] = &[
        AREA_FIELD,
        Field::new(
            "briefing_date",
            Label::new("Ngày phổ biến", "Briefing date"),
            InputSpec::Date { nullable: false },
        )
        .required(),
        Field::new(
            "topic",
            Label::new("Nội dung phổ biến", "Topic"),
            InputSpec::Text {
                max_chars: 300,
                multiline: false,
            },
        )
        .required(),
        Field::new(
            "audience",
            Label::new("Đối tượng", "Audience"),
            InputSpec::Choice(Audience::choices),
        )
        .required(),
        Field::new(
            "attendance",
            Label::new("Số người tham dự", "Attendance"),
            InputSpec::Count {
                max: MAX_ATTENDANCE,
                nullable: false,
            },
        )
        .required(),
        NOTE_FIELD,
    ];
    const TABLE: &'static str = TABLE;
    const TABLE_NAME: &'static str = "briefings";

    fn area_id(&self) -> Option<&str> {
        Some(&self.area_id)
    }

    fn normalize(&mut self) {
        self.area_id = self.area_id.trim().to_owned();
        self.topic = text::normalize(&self.topic);
        self.note = text::normalize(&self.note);
    }

    fn day(&self) -> Option<Day> {
        Some(self.briefing_date)
    }

    fn check(&self, ctx: &Context) -> Vec<FieldError> {
        let mut e = vec![];
        ctx.check_area(&mut e, "area_id", &self.area_id);
        ctx.check_past_date(&mut e, "briefing_date", &self.briefing_date);
        text::check(&mut e, "topic", &self.topic, true, 300, false);
        check_range(
            &mut e,
            "attendance",
            self.attendance as f64,
            1.0,
            MAX_ATTENDANCE as f64,
        );
        text::check(&mut e, "note", &self.note, false, 2000, true);
        e
    }

    fn title(&self, _names: Names) -> Message {
        let day = self.briefing_date.shown();
        let audience = self.audience.label();
        let n = self.attendance;
        Message::new(
            format!("{day} · {} · {n} người", audience.vi),
            format!("{day} · {} · {n} people", audience.en),
        )
    }

    fn draft(draft: &Draft) -> Self {
        Briefing {
            area_id: draft.area_id.clone(),
            briefing_date: draft.today(),
            topic: String::new(),
            audience: Audience::Residents,
            attendance: 0,
            note: String::new(),
        }
    }

    fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        conn.prepare_cached(
            "INSERT OR REPLACE INTO briefings (id, area_id, briefing_date, audience, attendance)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            id,
            self.area_id,
            self.briefing_date.to_string(),
            self.audience.as_str(),
            self.attendance
        ])?;
        Ok(())
    }

    crate::write_changed_fields!(area_id, briefing_date, topic, audience, attendance, note);
}

const TABLE: &str = "CREATE TABLE briefings (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    briefing_date TEXT NOT NULL,
    audience TEXT NOT NULL,
    attendance INTEGER NOT NULL
);
CREATE INDEX briefings_area ON briefings(area_id, briefing_date);";
