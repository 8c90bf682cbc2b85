//! Điểm tập kết rác: a collection point where households bring sorted waste for the collector,
//! and whether it meets the technical requirements (target b: ending improper dumping).

use super::{Context, Day, PhotoRef, RecordBody, RecordKind};
use crate::error::FieldError;
use crate::place::Place;
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct CollectionPoint {
    pub area_id: String,
    /// How people call it: "Đầu cầu Rạch Sung", "Chợ ấp".
    pub name: String,
    pub place: Place,
    /// The day the conditions below were seen.
    pub inspection_date: Day,
    /// Nền chống thấm: a sealed floor so leachate does not soak into the canal bank.
    pub sealed_floor: bool,
    /// Có mái che: rain does not wash the waste out.
    pub roofed: bool,
    /// Có tường/rào bao quanh: animals and wind do not scatter it.
    pub enclosed: bool,
    /// Có thùng chứa theo nhóm đã phân loại.
    pub sorted_containers: bool,
    /// Được thu gom đúng lịch: waste does not pile up.
    pub collected_on_schedule: bool,
    pub note: String,
    pub photos: Vec<PhotoRef>,
}

impl CollectionPoint {
    /// Meets the technical requirements: every condition holds.
    pub fn meets_requirements(&self) -> bool {
        self.sealed_floor
            && self.roofed
            && self.enclosed
            && self.sorted_containers
            && self.collected_on_schedule
    }
}

impl RecordBody for CollectionPoint {
    const KIND: RecordKind = RecordKind::CollectionPoint;

    fn area_id(&self) -> Option<&str> {
        Some(&self.area_id)
    }

    fn normalize(&mut self) {
        self.area_id = self.area_id.trim().to_owned();
        self.name = text::normalize(&self.name);
        self.note = text::normalize(&self.note);
        super::normalize_photos(&mut self.photos);
    }

    fn day(&self) -> Option<Day> {
        Some(self.inspection_date)
    }

    fn check(&self, ctx: &Context) -> Vec<FieldError> {
        let mut e = vec![];
        let area_known = ctx.check_area(&mut e, "area_id", &self.area_id);
        text::check(&mut e, "name", &self.name, true, 200, false);
        ctx.check_place(
            &mut e,
            "place",
            &self.place,
            area_known.then_some(&*self.area_id),
        );
        ctx.check_past_date(&mut e, "inspection_date", &self.inspection_date);
        text::check(&mut e, "note", &self.note, false, 2000, true);
        super::check_photos(&mut e, &self.photos);
        e
    }

    crate::write_changed_fields!(
        area_id,
        name,
        place,
        inspection_date,
        sealed_floor,
        roofed,
        enclosed,
        sorted_containers,
        collected_on_schedule,
        note,
        photos,
    );

    fn into_any(self) -> super::AnyRecord {
        super::AnyRecord::CollectionPoint(self)
    }
}

pub(crate) const TABLE: &str = "CREATE TABLE collection_points (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    name TEXT NOT NULL,
    inspection_date TEXT NOT NULL,
    meets_requirements INTEGER NOT NULL
);
CREATE INDEX collection_points_area ON collection_points(area_id);";

impl CollectionPoint {
    pub(crate) fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        conn.prepare_cached(
            "INSERT OR REPLACE INTO collection_points
                (id, area_id, name, inspection_date, meets_requirements)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            id,
            self.area_id,
            self.name,
            self.inspection_date.to_string(),
            self.meets_requirements()
        ])?;
        Ok(())
    }
}
