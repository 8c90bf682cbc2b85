//! Ngày cuối tuần ra quân tổng vệ sinh: a weekend general cleanup in an area — where, what work,
//! who took part by organisation, how much waste, and photos before and after.

use super::{AREA_FIELD, Context, Day, Draft, NOTE_FIELD, Names, PHOTOS, PHOTOS_HINT, RecordBody, RecordKind, check_range};
use crate::error::{FieldError, Rule};
use crate::form::{Field, InputSpec};
use crate::i18n::{Label, Message};
use crate::place::{Place, Shape};
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// Kinds of work of a cleanup (DOMAIN.md).
    pub enum WorkKind {
        Sweeping = "sweeping" ("Quét dọn đường phố, ngõ xóm", "Sweeping streets and alleys"),
        Waterways = "waterways" ("Vớt rác sông, kênh, mương, ao hồ", "Collecting trash from rivers, canals, ditches and ponds"),
        Drains = "drains" ("Khơi thông cống rãnh", "Clearing drains"),
        Trees = "trees" ("Trồng cây xanh", "Planting trees"),
    }
}

/// Kinds of work (each a field, so two volunteers ticking different boxes both count).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Work {
    pub sweeping: bool,
    pub waterways: bool,
    pub drains: bool,
    pub trees: bool,
}

impl Work {
    pub fn has(&self, kind: WorkKind) -> bool {
        match kind {
            WorkKind::Sweeping => self.sweeping,
            WorkKind::Waterways => self.waterways,
            WorkKind::Drains => self.drains,
            WorkKind::Trees => self.trees,
        }
    }

    pub fn any(&self) -> bool {
        WorkKind::ALL.iter().any(|k| self.has(*k))
    }

    /// The kinds of work done.
    pub fn kinds(&self) -> Vec<WorkKind> {
        WorkKind::ALL
            .iter()
            .copied()
            .filter(|k| self.has(*k))
            .collect()
    }
}

crate::string_enum! {
    /// Who took part: the Fatherland Front and its member organisations, and residents.
    pub enum Organisation {
        FatherlandFront = "fatherland_front" ("Mặt trận Tổ quốc", "Fatherland Front"),
        WomensUnion = "womens_union" ("Hội Phụ nữ", "Women's Union"),
        YouthUnion = "youth_union" ("Đoàn Thanh niên", "Youth Union"),
        FarmersUnion = "farmers_union" ("Hội Nông dân", "Farmers' Union"),
        Veterans = "veterans" ("Hội Cựu chiến binh", "Veterans' Association"),
        Residents = "residents" ("Người dân", "Residents"),
        Other = "other" ("Khác", "Others"),
    }
}

/// Participants by organisation of the Fatherland Front, plus residents.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Participants {
    pub fatherland_front: u32,
    pub womens_union: u32,
    pub youth_union: u32,
    pub farmers_union: u32,
    pub veterans: u32,
    pub residents: u32,
    pub other: u32,
}

impl Participants {
    pub fn of(&self, org: Organisation) -> u32 {
        match org {
            Organisation::FatherlandFront => self.fatherland_front,
            Organisation::WomensUnion => self.womens_union,
            Organisation::YouthUnion => self.youth_union,
            Organisation::FarmersUnion => self.farmers_union,
            Organisation::Veterans => self.veterans,
            Organisation::Residents => self.residents,
            Organisation::Other => self.other,
        }
    }

    /// Adds another cleanup's participants, organisation by organisation (saturating: a
    /// province's totals never wrap).
    pub fn add(&mut self, o: &Participants) {
        let add = |a: &mut u32, b: u32| *a = a.saturating_add(b);
        add(&mut self.fatherland_front, o.fatherland_front);
        add(&mut self.womens_union, o.womens_union);
        add(&mut self.youth_union, o.youth_union);
        add(&mut self.farmers_union, o.farmers_union);
        add(&mut self.veterans, o.veterans);
        add(&mut self.residents, o.residents);
        add(&mut self.other, o.other);
    }

    pub fn total(&self) -> u64 {
        Organisation::ALL.iter().map(|o| self.of(*o) as u64).sum()
    }
}

crate::string_enum! {
    pub enum PhotoStage {
        Before = "before" ("Trước khi làm", "Before"),
        After = "after" ("Sau khi làm", "After"),
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

const fn work(path: &'static str, kind: WorkKind) -> Field {
    Field::new(path, kind.label_of(), InputSpec::Flag)
}

const fn people(path: &'static str, org: Organisation) -> Field {
    Field::new(
        path,
        org.label_of(),
        InputSpec::Count {
            max: MAX_PARTICIPANTS_PER_GROUP,
            nullable: false,
        },
    )
}

impl RecordBody for Cleanup {
    const KIND: RecordKind = RecordKind::Cleanup;
    const LABEL: Label = Label::new("Ra quân tổng vệ sinh", "Weekend cleanup");
    const FIELDS: &'static [Field] = &[
        AREA_FIELD,
        Field::new(
            "cleanup_date",
            Label::new("Ngày ra quân", "Cleanup date"),
            InputSpec::Date { nullable: false },
        )
        .required(),
        Field::new(
            "place",
            Label::new("Nơi làm vệ sinh", "Place cleaned"),
            InputSpec::Place,
        )
        .required()
        .help(Label::new(
            "Một điểm, một đoạn đường hoặc một khu vực",
            "A point, a stretch of road or an area",
        )),
        work("work.sweeping", WorkKind::Sweeping)
            .section(Label::new("Nội dung công việc", "Kinds of work")),
        work("work.waterways", WorkKind::Waterways),
        work("work.drains", WorkKind::Drains),
        work("work.trees", WorkKind::Trees),
        people("participants.fatherland_front", Organisation::FatherlandFront)
            .section(Label::new("Số người tham gia", "Participants")),
        people("participants.womens_union", Organisation::WomensUnion),
        people("participants.youth_union", Organisation::YouthUnion),
        people("participants.farmers_union", Organisation::FarmersUnion),
        people("participants.veterans", Organisation::Veterans),
        people("participants.residents", Organisation::Residents),
        people("participants.other", Organisation::Other),
        Field::new(
            "waste_kg",
            Label::new("Khối lượng rác (kg)", "Waste collected (kg)"),
            InputSpec::Quantity {
                max: MAX_WASTE_KG,
                unit: Label::new("kg", "kg"),
                nullable: true,
            },
        )
        .section(Label::new("Rác thu gom được", "Waste collected")),
        Field::new(
            "bags",
            Label::new("Số bao rác", "Bags of waste"),
            InputSpec::Count {
                max: MAX_BAGS,
                nullable: true,
            },
        ),
        Field::new("photos", PHOTOS, InputSpec::Photos(PhotoStage::choices)).help(PHOTOS_HINT),
        NOTE_FIELD,
    ];
    const TABLE: &'static str = TABLE;
    const TABLE_NAME: &'static str = "cleanups";

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
        for org in Organisation::ALL {
            check_range(
                &mut e,
                &format!("participants.{org}"),
                self.participants.of(*org) as f64,
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

    fn title(&self, _names: Names) -> Message {
        let day = self.cleanup_date.shown();
        let n = self.participants.total();
        Message::new(
            format!("Ra quân {day} · {n} người"),
            format!("Cleanup {day} · {n} people"),
        )
    }

    fn place(&self) -> Option<Place> {
        Some(self.place.clone()).filter(|p| !p.coords.is_empty())
    }

    fn photos(&self) -> Vec<super::Photo> {
        self.photos.iter().map(super::Photo::from).collect()
    }

    fn draft(draft: &Draft) -> Self {
        Cleanup {
            area_id: draft.area_id.clone(),
            cleanup_date: draft.today(),
            place: Place {
                shape: Shape::Point,
                coords: vec![],
            },
            work: Work::default(),
            participants: Participants::default(),
            waste_kg: None,
            bags: None,
            note: String::new(),
            photos: vec![],
        }
    }

    fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        let weekend = self
            .cleanup_date
            .is_weekend()
            .then(|| self.cleanup_date.weekend_saturday().to_string());
        let work: Vec<&str> = self.work.kinds().iter().map(|k| k.as_str()).collect();
        conn.prepare_cached(
            "INSERT OR REPLACE INTO cleanups (id, area_id, cleanup_date, weekend, shape, geometry,
                work, participants, waste_kg, bags, photos)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                id,
                self.area_id,
                self.cleanup_date.to_string(),
                weekend,
                self.place.shape.as_str(),
                self.place.to_geojson().to_string(),
                work.join(","),
                self.participants.total() as i64,
                self.waste_kg,
                self.bags,
                self.photos.len() as i64
            ],
        )?;
        Ok(())
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
}

const TABLE: &str = "CREATE TABLE cleanups (
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
