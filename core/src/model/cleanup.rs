//! Ngày cuối tuần ra quân tổng vệ sinh: a weekend general cleanup in an area — where, what work,
//! who took part by organisation, how much waste, and photos before and after.

use super::{check_range, Context, Day, RecordBody, RecordKind};
use crate::error::{FieldError, Rule};
use crate::place::Place;
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

/// Kinds of work (each a field, so two volunteers ticking different boxes both count).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Work {
    /// Quét dọn đường phố, ngõ xóm.
    pub sweeping: bool,
    /// Vớt rác sông, kênh, mương, ao hồ.
    pub waterways: bool,
    /// Khơi thông cống rãnh.
    pub drains: bool,
    /// Trồng cây xanh.
    pub trees: bool,
}

impl Work {
    pub fn any(&self) -> bool {
        self.sweeping || self.waterways || self.drains || self.trees
    }

    pub fn labels(&self) -> Vec<&'static str> {
        let mut v = vec![];
        if self.sweeping {
            v.push("sweeping");
        }
        if self.waterways {
            v.push("waterways");
        }
        if self.drains {
            v.push("drains");
        }
        if self.trees {
            v.push("trees");
        }
        v
    }
}

/// Participants by organisation of the Fatherland Front, plus residents.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Participants {
    /// Mặt trận Tổ quốc.
    pub fatherland_front: u32,
    /// Hội Phụ nữ.
    pub womens_union: u32,
    /// Đoàn Thanh niên.
    pub youth_union: u32,
    /// Hội Nông dân.
    pub farmers_union: u32,
    /// Hội Cựu chiến binh.
    pub veterans: u32,
    /// Người dân.
    pub residents: u32,
    pub other: u32,
}

impl Participants {
    pub fn total(&self) -> u64 {
        [
            self.fatherland_front,
            self.womens_union,
            self.youth_union,
            self.farmers_union,
            self.veterans,
            self.residents,
            self.other,
        ]
        .iter()
        .map(|&n| n as u64)
        .sum()
    }

    fn each(&self) -> [(&'static str, u32); 7] {
        [
            ("participants.fatherland_front", self.fatherland_front),
            ("participants.womens_union", self.womens_union),
            ("participants.youth_union", self.youth_union),
            ("participants.farmers_union", self.farmers_union),
            ("participants.veterans", self.veterans),
            ("participants.residents", self.residents),
            ("participants.other", self.other),
        ]
    }
}

crate::string_enum! {
    pub enum PhotoStage {
        Before = "before",
        After = "after",
    }
}

/// A photo kept outside the document, by content hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PhotoRef {
    pub sha256: String,
    pub stage: PhotoStage,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Cleanup {
    pub area_id: String,
    pub cleanup_date: Day,
    pub place: Place,
    pub work: Work,
    pub participants: Participants,
    pub waste_kg: Option<f64>,
    pub bags: Option<u32>,
    pub note: String,
    pub photos: Vec<PhotoRef>,
}

/// Bounds that catch typing slips (an extra zero) without refusing a big canal cleanup.
pub const MAX_PARTICIPANTS_PER_GROUP: u32 = 5_000;
pub const MAX_WASTE_KG: f64 = 100_000.0;
pub const MAX_BAGS: u32 = 10_000;

impl RecordBody for Cleanup {
    const KIND: RecordKind = RecordKind::Cleanup;

    fn area_id(&self) -> Option<&str> {
        Some(&self.area_id)
    }

    fn normalize(&mut self) {
        self.area_id = self.area_id.trim().to_owned();
        self.note = text::normalize(&self.note);
        super::normalize_photos(&mut self.photos);
    }

    fn day(&self) -> Option<Day> {
        Some(self.cleanup_date)
    }

    fn check(&self, ctx: &Context) -> Vec<FieldError> {
        let mut e = vec![];
        let area_known = ctx.check_area(&mut e, "area_id", &self.area_id);
        ctx.check_past_date(&mut e, "cleanup_date", &self.cleanup_date);
        ctx.check_place(
            &mut e,
            "place",
            &self.place,
            area_known.then_some(&*self.area_id),
        );
        if !self.work.any() {
            e.push(FieldError::new("work", Rule::NoWorkSelected));
        }
        for (field, n) in self.participants.each() {
            check_range(
                &mut e,
                field,
                n as f64,
                0.0,
                MAX_PARTICIPANTS_PER_GROUP as f64,
            );
        }
        if self.participants.total() == 0 {
            e.push(FieldError::new("participants", Rule::NoParticipants));
        }
        match (self.waste_kg, self.bags) {
            (None, None) => e.push(FieldError::new("waste_kg", Rule::NothingCollectedRecorded)),
            (kg, bags) => {
                if let Some(kg) = kg {
                    check_range(&mut e, "waste_kg", kg, 0.0, MAX_WASTE_KG);
                }
                if let Some(b) = bags {
                    check_range(&mut e, "bags", b as f64, 0.0, MAX_BAGS as f64);
                }
            }
        }
        text::check(&mut e, "note", &self.note, false, 2000, true);
        super::check_photos(&mut e, &self.photos);
        e
    }

    crate::write_changed_fields!(
        area_id,
        cleanup_date,
        place,
        work,
        participants,
        waste_kg,
        bags,
        note,
        photos,
    );

    fn into_any(self) -> super::AnyRecord {
        super::AnyRecord::Cleanup(self)
    }
}

pub(crate) const TABLE: &str = "CREATE TABLE cleanups (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    cleanup_date TEXT NOT NULL,
    weekend TEXT,
    shape TEXT NOT NULL,
    geometry TEXT NOT NULL,
    work TEXT NOT NULL,
    participants INTEGER NOT NULL,
    waste_kg REAL,
    bags INTEGER,
    photos INTEGER NOT NULL
);
CREATE INDEX cleanups_area_weekend ON cleanups(area_id, weekend);";

impl Cleanup {
    pub(crate) fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        let weekend = self
            .cleanup_date
            .is_weekend()
            .then(|| self.cleanup_date.weekend_saturday().to_string());
        conn.execute(
            "INSERT OR REPLACE INTO cleanups (id, area_id, cleanup_date, weekend, shape, geometry,
                work, participants, waste_kg, bags, photos)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                id,
                self.area_id,
                self.cleanup_date.to_string(),
                weekend,
                self.place.shape.as_str(),
                self.place.to_geojson().to_string(),
                self.work.labels().join(","),
                self.participants.total() as i64,
                self.waste_kg,
                self.bags,
                self.photos.len() as i64
            ],
        )?;
        Ok(())
    }
}
