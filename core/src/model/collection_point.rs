//! Điểm tập kết rác: a collection point where households bring sorted waste for the collector,
//! and whether it meets the technical requirements (target b: ending improper dumping).

use super::{AREA_FIELD, Context, Day, Draft, NOTE_FIELD, Names, PHOTOS, PHOTOS_HINT, PhotoRef, PhotoStage, RecordBody, RecordKind};
use crate::error::FieldError;
use crate::form::{Field, InputSpec};
use crate::i18n::{Label, Message};
use crate::place::{Place, Shape};
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

const fn condition(path: &'static str, vi: &'static str, en: &'static str) -> Field {
    Field::new(path, Label::new(vi, en), InputSpec::Flag)
}

impl RecordBody for CollectionPoint {
    const KIND: RecordKind = RecordKind::CollectionPoint;
    const LABEL: Label = Label::new("Điểm tập kết rác", "Collection point");
    const FIELDS: &'static [Field] = &[
        AREA_FIELD,
        Field::new(
            "name",
            Label::new("Tên điểm tập kết", "Name of the collection point"),
            InputSpec::Text {
                max_chars: 200,
                multiline: false,
            },
        )
        .required()
        .help(Label::new(
            "Như người dân vẫn gọi, ví dụ «Đầu cầu Rạch Sung»",
            "As people call it, e.g. “Đầu cầu Rạch Sung”",
        )),
        Field::new("place", Label::new("Vị trí", "Location"), InputSpec::Place).required(),
        Field::new(
            "inspection_date",
            Label::new("Ngày kiểm tra", "Inspection date"),
            InputSpec::Date { nullable: false },
        )
        .required(),
        condition("sealed_floor", "Nền chống thấm", "Sealed floor").section(Label::new(
            "Điều kiện kỹ thuật",
            "Technical conditions",
        )),
        condition("roofed", "Có mái che", "Roofed"),
        condition(
            "enclosed",
            "Có tường, rào bao quanh",
            "Enclosed by a wall or fence",
        ),
        condition(
            "sorted_containers",
            "Có thùng chứa theo nhóm đã phân loại",
            "Containers for each sorted group",
        ),
        condition(
            "collected_on_schedule",
            "Được thu gom đúng lịch",
            "Collected on schedule",
        ),
        Field::new("photos", PHOTOS, InputSpec::Photos(PhotoStage::choices)).help(PHOTOS_HINT),
        NOTE_FIELD,
    ];
    const TABLE: &'static str = TABLE;
    const TABLE_NAME: &'static str = "collection_points";

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

    fn title(&self, _names: Names) -> Message {
        let (vi, en) = if self.meets_requirements() {
            ("đạt yêu cầu", "meets requirements")
        } else {
            ("chưa đạt yêu cầu", "below requirements")
        };
        Message::new(
            format!("{} · {vi}", self.name),
            format!("{} · {en}", self.name),
        )
    }

    fn place(&self) -> Option<Place> {
        Some(self.place.clone()).filter(|p| !p.coords.is_empty())
    }

    fn photos(&self) -> Vec<super::Photo> {
        self.photos.iter().map(super::Photo::from).collect()
    }

    fn draft(draft: &Draft) -> Self {
        CollectionPoint {
            area_id: draft.area_id.clone(),
            name: String::new(),
            place: Place {
                shape: Shape::Point,
                coords: vec![],
            },
            inspection_date: draft.today(),
            sealed_floor: false,
            roofed: false,
            enclosed: false,
            sorted_containers: false,
            collected_on_schedule: false,
            note: String::new(),
            photos: vec![],
        }
    }

    fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
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
}

const TABLE: &str = "CREATE TABLE collection_points (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    name TEXT NOT NULL,
    inspection_date TEXT NOT NULL,
    meets_requirements INTEGER NOT NULL
);
CREATE INDEX collection_points_area ON collection_points(area_id);";
