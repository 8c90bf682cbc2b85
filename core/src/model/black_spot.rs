//! Điểm đen ô nhiễm, bãi rác tự phát, and reports of violations (đổ, đốt rác không đúng quy
//! định): a located report with photos, tracked reported → verified → cleaned → closed
//! (target đ: every spontaneous dump closed and restored).

use super::{Context, Day, PhotoRef, PhotoStage, RecordBody, RecordKind};
use crate::error::{FieldError, Rule};
use crate::place::Place;
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    pub enum SpotKind {
        /// Bãi rác tự phát.
        SpontaneousDump = "spontaneous_dump",
        /// Điểm đen ô nhiễm (a polluted ditch, a stinking corner).
        PollutionSpot = "pollution_spot",
        /// Đốt rác không đúng quy định.
        Burning = "burning",
        /// Another violation reported by a resident.
        Violation = "violation",
    }
}

crate::string_enum! {
    /// The ladder from DOMAIN.md, in order.
    pub enum SpotStatus {
        Reported = "reported",
        Verified = "verified",
        Cleaned = "cleaned",
        Closed = "closed",
    }
}

impl SpotStatus {
    pub fn label_vi(&self) -> &'static str {
        match self {
            SpotStatus::Reported => "Mới phản ánh",
            SpotStatus::Verified => "Đã xác minh",
            SpotStatus::Cleaned => "Đã thu dọn",
            SpotStatus::Closed => "Đã xử lý dứt điểm",
        }
    }

    fn steps(&self) -> usize {
        match self {
            SpotStatus::Reported => 1,
            SpotStatus::Verified => 2,
            SpotStatus::Cleaned => 3,
            SpotStatus::Closed => 4,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct BlackSpot {
    pub area_id: String,
    pub spot_kind: SpotKind,
    pub place: Place,
    /// What was seen, in the reporter's words.
    pub description: String,
    pub status: SpotStatus,
    pub reported_date: Day,
    pub verified_date: Option<Day>,
    pub cleaned_date: Option<Day>,
    pub closed_date: Option<Day>,
    /// Before: as reported; after: once cleaned.
    pub photos: Vec<PhotoRef>,
    pub note: String,
}

impl BlackSpot {
    /// Counts for target (đ): closed and restored.
    pub fn is_closed(&self) -> bool {
        self.status == SpotStatus::Closed
    }
}

impl RecordBody for BlackSpot {
    const KIND: RecordKind = RecordKind::BlackSpot;

    fn area_id(&self) -> Option<&str> {
        Some(&self.area_id)
    }

    fn normalize(&mut self) {
        self.area_id = self.area_id.trim().to_owned();
        self.description = text::normalize(&self.description);
        self.note = text::normalize(&self.note);
        super::normalize_photos(&mut self.photos);
    }

    fn day(&self) -> Option<Day> {
        Some(self.reported_date)
    }

    fn check(&self, ctx: &Context) -> Vec<FieldError> {
        let mut e = vec![];
        let area_known = ctx.check_area(&mut e, "area_id", &self.area_id);
        ctx.check_place(
            &mut e,
            "place",
            &self.place,
            area_known.then_some(&*self.area_id),
        );
        text::check(&mut e, "description", &self.description, true, 1000, true);
        ctx.check_ladder(
            &mut e,
            &[
                ("reported_date", Some(self.reported_date)),
                ("verified_date", self.verified_date),
                ("cleaned_date", self.cleaned_date),
                ("closed_date", self.closed_date),
            ],
            self.status.steps(),
            self.status.label_vi(),
        );
        // A spot is only cleaned when a photo shows it.
        if self.status.steps() >= SpotStatus::Cleaned.steps()
            && !self.photos.iter().any(|p| p.stage == PhotoStage::After)
        {
            e.push(FieldError::new(
                "photos",
                Rule::RequiredForStatus {
                    status: self.status.label_vi().to_owned(),
                },
            ));
        }
        super::check_photos(&mut e, &self.photos);
        text::check(&mut e, "note", &self.note, false, 2000, true);
        e
    }

    crate::write_changed_fields!(
        area_id,
        spot_kind,
        place,
        description,
        status,
        reported_date,
        verified_date,
        cleaned_date,
        closed_date,
        photos,
        note,
    );

    fn into_any(self) -> super::AnyRecord {
        super::AnyRecord::BlackSpot(self)
    }
}

pub(crate) const TABLE: &str = "CREATE TABLE black_spots (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    spot_kind TEXT NOT NULL,
    status TEXT NOT NULL,
    reported_date TEXT NOT NULL,
    closed_date TEXT
);
CREATE INDEX black_spots_area ON black_spots(area_id, status);";

impl BlackSpot {
    pub(crate) fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        conn.prepare_cached(
            "INSERT OR REPLACE INTO black_spots
                (id, area_id, spot_kind, status, reported_date, closed_date)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            id,
            self.area_id,
            self.spot_kind.as_str(),
            self.status.as_str(),
            self.reported_date.to_string(),
            self.closed_date.map(|d| d.to_string())
        ])?;
        Ok(())
    }
}
