//! Phổ biến, quán triệt: a briefing session on the resolution and the plan (target d: every
//! official and member briefed), with its audience and attendance.

use super::{check_range, Context, Day, RecordBody, RecordKind};
use crate::error::FieldError;
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    pub enum Audience {
        /// Cán bộ, công chức.
        Officials = "officials",
        /// Đoàn viên, hội viên of the Front's organisations.
        Members = "members",
        /// Người dân.
        Residents = "residents",
        /// Học sinh.
        Pupils = "pupils",
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

    crate::write_changed_fields!(area_id, briefing_date, topic, audience, attendance, note);

    fn into_any(self) -> super::AnyRecord {
        super::AnyRecord::Briefing(self)
    }
}

pub(crate) const TABLE: &str = "CREATE TABLE briefings (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    briefing_date TEXT NOT NULL,
    audience TEXT NOT NULL,
    attendance INTEGER NOT NULL
);
CREATE INDEX briefings_area ON briefings(area_id, briefing_date);";

impl Briefing {
    pub(crate) fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
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
}
