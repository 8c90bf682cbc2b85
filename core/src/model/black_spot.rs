//! Điểm đen ô nhiễm, bãi rác tự phát, and reports of violations (đổ, đốt rác không đúng quy
//! định): a located report with photos, tracked reported → verified → cleaned → closed
//! (target đ: every spontaneous dump closed and restored).

use super::{AREA_FIELD, Context, Day, Draft, NOTE_FIELD, Names, PHOTOS, PhotoRef, PhotoStage, RecordBody, RecordKind};
use crate::error::{FieldError, Rule};
use crate::form::{Field, InputSpec, Ladder};
use crate::i18n::{Label, Message};
use crate::place::{Place, Shape};
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    pub enum SpotKind {
        SpontaneousDump = "spontaneous_dump" ("Bãi rác tự phát", "Spontaneous dump"),
        /// A polluted ditch, a stinking corner.
        PollutionSpot = "pollution_spot" ("Điểm đen ô nhiễm", "Pollution black spot"),
        Burning = "burning" ("Đốt rác không đúng quy định", "Improper burning"),
        /// Another violation reported by a resident.
        Violation = "violation" ("Vi phạm khác", "Other violation"),
    }
}

crate::string_enum! {
    /// The ladder from DOMAIN.md, in order.
    pub enum SpotStatus {
        Reported = "reported" ("Mới phản ánh", "Reported"),
        Verified = "verified" ("Đã xác minh", "Verified"),
        Cleaned = "cleaned" ("Đã thu dọn", "Cleaned up"),
        Closed = "closed" ("Đã xử lý dứt điểm", "Closed for good"),
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

    /// Whether the spot has come as far as `step` on its ladder.
    pub fn reached(&self, step: SpotStatus) -> bool {
        let at = |s: SpotStatus| Self::LADDER.and_then(|l| l.step(s.as_str()));
        at(self.status) >= at(step)
    }
}

const fn date(path: &'static str, vi: &'static str, en: &'static str, nullable: bool) -> Field {
    Field::new(path, Label::new(vi, en), InputSpec::Date { nullable })
}

impl RecordBody for BlackSpot {
    const KIND: RecordKind = RecordKind::BlackSpot;
    const LABEL: Label = Label::new(
        "Điểm đen, bãi rác tự phát",
        "Black spot, spontaneous dump",
    );
    const FIELDS: &'static [Field] = &[
        AREA_FIELD,
        Field::new(
            "spot_kind",
            Label::new("Loại", "Kind"),
            InputSpec::Choice(SpotKind::choices),
        )
        .required(),
        Field::new("place", Label::new("Vị trí", "Location"), InputSpec::Place).required(),
        Field::new(
            "description",
            Label::new("Mô tả những gì thấy", "What was seen"),
            InputSpec::Text {
                max_chars: 1000,
                multiline: true,
            },
        )
        .required(),
        Field::new(
            "status",
            Label::new("Tiến độ xử lý", "Progress"),
            InputSpec::Choice(SpotStatus::choices),
        )
        .required(),
        date("reported_date", "Ngày phản ánh", "Reported on", false).required(),
        date("verified_date", "Ngày xác minh", "Verified on", true),
        date("cleaned_date", "Ngày thu dọn", "Cleaned up on", true),
        date("closed_date", "Ngày xử lý dứt điểm", "Closed on", true),
        Field::new("photos", PHOTOS, InputSpec::Photos(PhotoStage::choices)).help(Label::new(
            "Ảnh «sau khi làm» là bắt buộc khi đã thu dọn. Chụp nơi làm việc, tránh chụp rõ mặt \
             người; nếu có người trong ảnh, hãy hỏi họ trước.",
            "An “after” photo is required once cleaned up. Photograph the place, not people's \
             faces; if someone is in the picture, ask them first.",
        )),
        NOTE_FIELD,
    ];
    const TABLE: &'static str = TABLE;
    const TABLE_NAME: &'static str = "black_spots";
    const LADDER: Option<Ladder> = Some(Ladder {
        status: "status",
        steps: &[
            ("reported", Some("reported_date")),
            ("verified", Some("verified_date")),
            ("cleaned", Some("cleaned_date")),
            ("closed", Some("closed_date")),
        ],
    });

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
        ctx.check_ladder(&mut e, self);
        // A spot is only cleaned when a photo shows it.
        if self.reached(SpotStatus::Cleaned)
            && !self.photos.iter().any(|p| p.stage == PhotoStage::After)
        {
            e.push(FieldError::new(
                "photos",
                Rule::RequiredForStatus {
                    status: self.status.label(),
                },
            ));
        }
        super::check_photos(&mut e, &self.photos);
        text::check(&mut e, "note", &self.note, false, 2000, true);
        e
    }

    fn title(&self, _names: Names) -> Message {
        let (kind, status) = (self.spot_kind.label(), self.status.label());
        let day = self.reported_date.shown();
        Message::new(
            format!("{} · {day} · {}", kind.vi, status.vi),
            format!("{} · {day} · {}", kind.en, status.en),
        )
    }

    fn place(&self) -> Option<Place> {
        Some(self.place.clone()).filter(|p| !p.coords.is_empty())
    }

    fn photos(&self) -> Vec<super::Photo> {
        self.photos.iter().map(super::Photo::from).collect()
    }

    fn draft(draft: &Draft) -> Self {
        BlackSpot {
            area_id: draft.area_id.clone(),
            spot_kind: SpotKind::SpontaneousDump,
            place: Place {
                shape: Shape::Point,
                coords: vec![],
            },
            description: String::new(),
            status: SpotStatus::Reported,
            reported_date: draft.today(),
            verified_date: None,
            cleaned_date: None,
            closed_date: None,
            photos: vec![],
            note: String::new(),
        }
    }

    fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
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
}

const TABLE: &str = "CREATE TABLE black_spots (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    spot_kind TEXT NOT NULL,
    status TEXT NOT NULL,
    reported_date TEXT NOT NULL,
    closed_date TEXT
);
CREATE INDEX black_spots_area ON black_spots(area_id, status);";
