//! The records volunteers and staff make. One kind is one module holding its struct, its
//! validation and its projection row; adding a kind touches its module plus the lines marked
//! `registration` below.

pub mod black_spot;
pub mod briefing;
pub mod cleanup;
pub mod collection_point;
pub mod covenant;
pub mod day;
pub mod household;
pub mod permission;
pub mod review;
pub mod self_managed_model;
pub mod sorting_check;

pub use black_spot::{BlackSpot, SpotKind, SpotStatus};
pub use briefing::{Audience, Briefing};
pub use cleanup::{Cleanup, Participants, PhotoRef, PhotoStage, Work};
pub use collection_point::CollectionPoint;
pub use covenant::{Covenant, CovenantStatus};
pub use day::Day;
pub use household::Household;
pub use permission::{Denial, Role, Scope};
pub use review::{Decision, Review, ReviewStatus};
pub use self_managed_model::{ModelStatus, SelfManagedModel};
pub use sorting_check::SortingCheck;

use crate::error::{FieldError, Invalid, Rule};
use crate::reference::Reference;
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// The kinds of record. (registration)
    pub enum RecordKind {
        Household = "household",
        SortingCheck = "sorting_check",
        Cleanup = "cleanup",
        Covenant = "covenant",
        CollectionPoint = "collection_point",
        BlackSpot = "black_spot",
        Briefing = "briefing",
        SelfManagedModel = "self_managed_model",
        Review = "review",
    }
}

crate::string_enum! {
    /// Where the author is with a record. Review outcomes are separate records (see `review`).
    pub enum Lifecycle {
        Draft = "draft",
        Submitted = "submitted",
    }
}

/// What every record carries besides its body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Meta {
    /// The enrolled person who made the record (a person id, never a name).
    pub author: String,
    /// Milliseconds since the epoch on the author's device: informative only, phone clocks lie.
    pub created_at: i64,
    pub state: Lifecycle,
}

/// What validation needs to know about the world.
pub struct Context<'a> {
    /// Today on this device or server; dates after it are refused (with a day's slack for
    /// time zones and wrong clocks).
    pub today: chrono::NaiveDate,
    pub reference: &'a Reference,
}

impl<'a> Context<'a> {
    pub fn new(reference: &'a Reference) -> Self {
        Context {
            today: chrono::Local::now().date_naive(),
            reference,
        }
    }

    /// Checks that an area id names a known area.
    pub fn check_area(&self, errors: &mut Vec<FieldError>, field: &str, area_id: &str) -> bool {
        if area_id.trim().is_empty() {
            errors.push(FieldError::new(field, Rule::Required));
            false
        } else if self.reference.area(area_id).is_none() {
            errors.push(FieldError::new(field, Rule::UnknownArea));
            false
        } else {
            true
        }
    }

    /// Checks a date that must have happened already, and not before the campaign's records.
    pub fn check_past_date(&self, errors: &mut Vec<FieldError>, field: &str, day: &Day) {
        if day.0 > self.today + chrono::Duration::days(1) {
            errors.push(FieldError::new(field, Rule::DateInFuture));
        } else if day.0 < Day::EARLIEST.0 {
            errors.push(FieldError::new(
                field,
                Rule::DateTooOld {
                    earliest: Day::EARLIEST.to_string(),
                },
            ));
        }
    }

    /// Checks a drawn place, and that it lies in the commune of `area_id` (when the area is
    /// known).
    pub fn check_place(
        &self,
        errors: &mut Vec<FieldError>,
        field: &str,
        place: &crate::place::Place,
        area_id: Option<&str>,
    ) {
        if place.check(field, errors)
            && area_id.is_some_and(|a| !self.reference.place_in_commune_of(a, place))
        {
            errors.push(FieldError::new(field, Rule::OutsideCommune));
        }
    }

    /// A status ladder (covenant, black spot): every date given is a past date, each step
    /// reached (`reached` of them) needs its date, and the dates climb with the ladder.
    pub fn check_ladder(
        &self,
        errors: &mut Vec<FieldError>,
        dates: &[(&str, Option<Day>)],
        reached: usize,
        status_label: &str,
    ) {
        for (field, d) in dates {
            if let Some(d) = d {
                self.check_past_date(errors, field, d);
            }
        }
        for (field, d) in dates.iter().take(reached) {
            if d.is_none() {
                errors.push(FieldError::new(
                    *field,
                    Rule::RequiredForStatus {
                        status: status_label.to_owned(),
                    },
                ));
            }
        }
        let present: Vec<(&str, Day)> = dates
            .iter()
            .filter_map(|(f, d)| d.map(|d| (*f, d)))
            .collect();
        if let Some((field, _)) = present.windows(2).find(|w| w[1].1 < w[0].1).map(|w| w[1]) {
            errors.push(FieldError::new(field, Rule::DatesOutOfOrder));
        }
    }
}

/// Most photos one record may carry.
pub const MAX_PHOTOS: usize = 20;

pub fn normalize_photos(photos: &mut [PhotoRef]) {
    for p in photos {
        p.sha256 = p.sha256.trim().to_ascii_lowercase();
    }
}

/// Checks a record's photo list: not too many, each a SHA-256.
pub fn check_photos(errors: &mut Vec<FieldError>, photos: &[PhotoRef]) {
    if photos.len() > MAX_PHOTOS {
        errors.push(FieldError::new(
            "photos",
            Rule::TooMany {
                max: MAX_PHOTOS as u32,
            },
        ));
    }
    for (i, p) in photos.iter().enumerate() {
        check_sha256(errors, &format!("photos.{i}"), &p.sha256);
    }
}

/// Checks a record id (a UUID made on a device).
pub fn check_id(errors: &mut Vec<FieldError>, field: &str, id: &str) {
    if id.is_empty() {
        errors.push(FieldError::new(field, Rule::Required));
    } else if uuid::Uuid::parse_str(id).is_err() {
        errors.push(FieldError::new(field, Rule::InvalidId));
    }
}

/// Checks a SHA-256 reference to a photo or scan.
pub fn check_sha256(errors: &mut Vec<FieldError>, field: &str, hash: &str) {
    if hash.len() != 64
        || !hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        errors.push(FieldError::new(field, Rule::InvalidHash));
    }
}

/// Checks a number against its plausible range.
pub fn check_range(errors: &mut Vec<FieldError>, field: &str, value: f64, min: f64, max: f64) {
    if !value.is_finite() || value < min || value > max {
        errors.push(FieldError::new(field, Rule::OutOfRange { min, max }));
    }
}

/// A record's body: the typed struct behind one Automerge document.
pub trait RecordBody:
    Hydrate + Reconcile + Clone + PartialEq + std::fmt::Debug + Serialize + Send + Sync + 'static
{
    const KIND: RecordKind;

    /// The area that scopes who may see and change the record. Reviews have none: they follow
    /// the record they review.
    fn area_id(&self) -> Option<&str>;

    /// Brings free text to NFC and trims it, so equal names compare equal.
    fn normalize(&mut self);

    /// Every broken rule, empty when the record is valid.
    fn check(&self, ctx: &Context) -> Vec<FieldError>;

    /// The day the record is about (a check, a cleanup, an inspection), which lists sort and
    /// filter by; `None` for records about no day in particular (a household, a covenant).
    fn day(&self) -> Option<Day> {
        None
    }

    /// Writes only the fields that differ from `old` (and those named in `force`) into the
    /// document's `data` map, so that concurrent edits of different fields merge and a conflict
    /// on a field nobody touched in this edit is left for a person to resolve.
    fn write_changed<D: autosurgeon::Doc>(
        &self,
        old: Option<&Self>,
        force: &[String],
        doc: &mut D,
        obj: &automerge::ObjId,
    ) -> Result<(), autosurgeon::ReconcileError>;

    fn into_any(self) -> AnyRecord;

    fn validate(&self, ctx: &Context) -> Result<(), Invalid> {
        let errors = self.check(ctx);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errors))
        }
    }
}

/// Implements [`RecordBody::write_changed`] field by field for a struct.
#[macro_export]
macro_rules! write_changed_fields {
    ($($field:ident),+ $(,)?) => {
        fn write_changed<D: autosurgeon::Doc>(
            &self,
            old: Option<&Self>,
            force: &[String],
            doc: &mut D,
            obj: &automerge::ObjId,
        ) -> Result<(), autosurgeon::ReconcileError> {
            $(
                if old.is_none_or(|o| o.$field != self.$field)
                    || force.iter().any(|f| f == stringify!($field))
                {
                    autosurgeon::reconcile_prop(doc, obj, stringify!($field), &self.$field)?;
                }
            )+
            Ok(())
        }
    };
}

/// A record of any kind, for code that handles them all (projections, sync, the server).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum AnyRecord {
    Household(Household),
    SortingCheck(SortingCheck),
    Cleanup(Cleanup),
    Covenant(Covenant),
    CollectionPoint(CollectionPoint),
    BlackSpot(BlackSpot),
    Briefing(Briefing),
    SelfManagedModel(SelfManagedModel),
    Review(Review),
}

/// Runs the same expression on whichever kind a record is. (registration)
#[macro_export]
macro_rules! with_record {
    ($any:expr, $r:ident => $body:expr) => {
        match $any {
            $crate::model::AnyRecord::Household($r) => $body,
            $crate::model::AnyRecord::SortingCheck($r) => $body,
            $crate::model::AnyRecord::Cleanup($r) => $body,
            $crate::model::AnyRecord::Covenant($r) => $body,
            $crate::model::AnyRecord::CollectionPoint($r) => $body,
            $crate::model::AnyRecord::BlackSpot($r) => $body,
            $crate::model::AnyRecord::Briefing($r) => $body,
            $crate::model::AnyRecord::SelfManagedModel($r) => $body,
            $crate::model::AnyRecord::Review($r) => $body,
        }
    };
}

impl AnyRecord {
    pub fn kind(&self) -> RecordKind {
        crate::with_record!(self, r => kind_of(r))
    }

    pub fn area_id(&self) -> Option<&str> {
        crate::with_record!(self, r => r.area_id())
    }

    pub fn check(&self, ctx: &Context) -> Vec<FieldError> {
        crate::with_record!(self, r => r.check(ctx))
    }

    pub fn day(&self) -> Option<Day> {
        crate::with_record!(self, r => r.day())
    }

    /// A record from its kind and its values as JSON (as the server's rows keep them).
    /// (registration)
    pub fn from_json(kind: RecordKind, data: serde_json::Value) -> serde_json::Result<AnyRecord> {
        use serde_json::from_value as v;
        Ok(match kind {
            RecordKind::Household => AnyRecord::Household(v(data)?),
            RecordKind::SortingCheck => AnyRecord::SortingCheck(v(data)?),
            RecordKind::Cleanup => AnyRecord::Cleanup(v(data)?),
            RecordKind::Covenant => AnyRecord::Covenant(v(data)?),
            RecordKind::CollectionPoint => AnyRecord::CollectionPoint(v(data)?),
            RecordKind::BlackSpot => AnyRecord::BlackSpot(v(data)?),
            RecordKind::Briefing => AnyRecord::Briefing(v(data)?),
            RecordKind::SelfManagedModel => AnyRecord::SelfManagedModel(v(data)?),
            RecordKind::Review => AnyRecord::Review(v(data)?),
        })
    }

    /// The photos (and scans) the record references, by SHA-256.
    pub fn photo_refs(&self) -> Vec<&str> {
        fn refs(photos: &[PhotoRef]) -> Vec<&str> {
            photos.iter().map(|p| p.sha256.as_str()).collect()
        }
        match self {
            AnyRecord::Cleanup(c) => refs(&c.photos),
            AnyRecord::BlackSpot(b) => refs(&b.photos),
            AnyRecord::CollectionPoint(c) => refs(&c.photos),
            AnyRecord::Covenant(c) => c.document_sha256.as_deref().into_iter().collect(),
            _ => vec![],
        }
    }

    /// Reads the body of a document of the given kind. (registration)
    pub fn hydrate_from(
        kind: RecordKind,
        doc: &automerge::Automerge,
    ) -> Result<AnyRecord, autosurgeon::HydrateError> {
        use autosurgeon::hydrate_prop;
        let root = automerge::ROOT;
        Ok(match kind {
            RecordKind::Household => AnyRecord::Household(hydrate_prop(doc, root, "data")?),
            RecordKind::SortingCheck => AnyRecord::SortingCheck(hydrate_prop(doc, root, "data")?),
            RecordKind::Cleanup => AnyRecord::Cleanup(hydrate_prop(doc, root, "data")?),
            RecordKind::Covenant => AnyRecord::Covenant(hydrate_prop(doc, root, "data")?),
            RecordKind::CollectionPoint => {
                AnyRecord::CollectionPoint(hydrate_prop(doc, root, "data")?)
            }
            RecordKind::BlackSpot => AnyRecord::BlackSpot(hydrate_prop(doc, root, "data")?),
            RecordKind::Briefing => AnyRecord::Briefing(hydrate_prop(doc, root, "data")?),
            RecordKind::SelfManagedModel => {
                AnyRecord::SelfManagedModel(hydrate_prop(doc, root, "data")?)
            }
            RecordKind::Review => AnyRecord::Review(hydrate_prop(doc, root, "data")?),
        })
    }
}

fn kind_of<T: RecordBody>(_: &T) -> RecordKind {
    T::KIND
}
