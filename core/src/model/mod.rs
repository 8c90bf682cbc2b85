//! The records volunteers and staff make. One kind is one module holding its struct, its
//! validation, its form, its projection row and how it is titled, placed and dated; adding a
//! kind touches its module plus one line of the registry below (`record_kinds!`).

pub mod day;
pub mod permission;
mod registry;

pub use black_spot::{BlackSpot, SpotKind, SpotStatus};
pub use briefing::{Audience, Briefing};
pub use cleanup::{Cleanup, Organisation, Participants, PhotoRef, PhotoStage, Work, WorkKind};
pub use collection_point::CollectionPoint;
pub use covenant::{Covenant, CovenantStatus};
pub use day::Day;
pub use household::Household;
pub use household_duplicate::HouseholdDuplicate;
pub use permission::{AreaInfo, Capabilities, Denial, KindCapability, Role, Scope};
pub use review::{Decision, Review, ReviewStatus};
pub use self_managed_model::{ModelStatus, SelfManagedModel};
pub use sorting_check::SortingCheck;

use crate::error::{FieldError, Invalid, Rule};
use crate::form::{Field, Ladder};
use crate::i18n::{Label, Message};
use crate::place::Place;
use crate::reference::Reference;
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

crate::record_kinds! {
    Household = "household" => household::Household,
    SortingCheck = "sorting_check" => sorting_check::SortingCheck,
    Cleanup = "cleanup" => cleanup::Cleanup,
    Covenant = "covenant" => covenant::Covenant,
    CollectionPoint = "collection_point" => collection_point::CollectionPoint,
    BlackSpot = "black_spot" => black_spot::BlackSpot,
    Briefing = "briefing" => briefing::Briefing,
    SelfManagedModel = "self_managed_model" => self_managed_model::SelfManagedModel,
    Review = "review" => review::Review,
    HouseholdDuplicate = "household_duplicate" => household_duplicate::HouseholdDuplicate,
}

impl RecordKind {
    /// Kinds that are commune staff's decisions about other records (a review, a duplicate
    /// mark): made once by staff, in force as made, never sent for review nor offered in the
    /// apps' "new record" menus.
    pub fn is_staff_decision(&self) -> bool {
        matches!(self, RecordKind::Review | RecordKind::HouseholdDuplicate)
    }
}

crate::string_enum! {
    /// Where the author is with a record. Review outcomes are separate records (see `review`).
    pub enum Lifecycle {
        Draft = "draft" ("Bản nháp", "Draft"),
        Submitted = "submitted" ("Đã gửi duyệt", "Sent for review"),
    }
}

crate::string_enum! {
    /// What one line of the audit trail did (to a record, or to a person and their phones).
    pub enum AuditAction {
        Create = "create" ("Tạo mới", "Created"),
        Edit = "edit" ("Sửa", "Edited"),
        Review = "review" ("Duyệt", "Reviewed"),
        Erase = "erase" ("Xoá dữ liệu cá nhân theo yêu cầu", "Personal data erased on request"),
        Restrict = "restrict" ("Hạn chế xử lý trong khi giải quyết yêu cầu", "Processing restricted while a request is handled"),
        Unrestrict = "unrestrict" ("Bỏ hạn chế xử lý", "Restriction lifted"),
        AddPerson = "add_person" ("Thêm người", "Person added"),
        IssueCode = "issue_code" ("Cấp mã đăng ký", "Enrolment code issued"),
        RevokePhone = "revoke_phone" ("Thu hồi điện thoại", "Phone revoked"),
        MoveAreas = "move_areas" ("Đổi địa bàn", "Areas changed"),
        ChangeAreas = "change_areas" ("Thay đổi khu vực dân cư", "Residential areas changed"),
    }
}

/// A photo a record references, and what it shows (its stage, or "the signed text").
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Photo {
    pub sha256: String,
    pub label: Message,
}

impl From<&PhotoRef> for Photo {
    fn from(p: &PhotoRef) -> Self {
        Photo {
            sha256: p.sha256.clone(),
            label: p.stage.label(),
        }
    }
}

/// Labels several kinds share.
pub(crate) const AREA: Label = Label::new("Ấp / khu vực", "Area");
pub(crate) const NOTE: Label = Label::new("Ghi chú", "Note");
/// The field every kind starts with: the area it belongs to.
pub(crate) const AREA_FIELD: crate::form::Field =
    crate::form::Field::new("area_id", AREA, crate::form::InputSpec::Area).required();
/// The free note most kinds end with.
pub(crate) const NOTE_FIELD: crate::form::Field = crate::form::Field::new(
    "note",
    NOTE,
    crate::form::InputSpec::Text {
        max_chars: 2000,
        multiline: true,
    },
);
pub(crate) const PHOTOS: Label = Label::new("Ảnh trước và sau", "Photos before and after");
/// Under every photo field: photos of people are the person's choice.
pub(crate) const PHOTOS_HINT: Label = Label::new(
    "Chụp nơi làm việc, tránh chụp rõ mặt người; nếu có người trong ảnh, hãy hỏi họ trước.",
    "Photograph the place, not people's faces; if someone is in the picture, ask them first.",
);

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
    /// reached needs its date, and the dates climb with the ladder.
    pub fn check_ladder<T: RecordBody>(&self, errors: &mut Vec<FieldError>, record: &T) {
        let Some(ladder) = T::LADDER else { return };
        let json = serde_json::to_value(record).unwrap_or_default();
        let status = json[ladder.status].as_str().unwrap_or_default();
        let day_of = |path: &str| json[path].as_str().and_then(Day::parse);
        let dates: Vec<(&str, Option<Day>)> = ladder
            .steps
            .iter()
            .filter_map(|(_, d)| *d)
            .map(|d| (d, day_of(d)))
            .collect();
        for (field, d) in &dates {
            if let Some(d) = d {
                self.check_past_date(errors, field, d);
            }
        }
        let status_label = T::FIELDS
            .iter()
            .find(|f| f.path == ladder.status)
            .and_then(|f| match f.input {
                crate::form::InputSpec::Choice(choices) => {
                    choices().into_iter().find(|c| c.code == status)
                }
                _ => None,
            })
            .map(|c| c.label)
            .unwrap_or_else(|| Message::new(status, status));
        for (field, status_code) in ladder.reached_dates(status) {
            if day_of(field).is_none() {
                let _ = status_code;
                errors.push(FieldError::new(
                    field,
                    Rule::RequiredForStatus {
                        status: status_label.clone(),
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

/// What a new record's form starts from: who records it, where, and today.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub person_id: String,
    pub area_id: String,
    pub today: Option<Day>,
}

impl Draft {
    pub fn today(&self) -> Day {
        self.today.unwrap_or(Day::EARLIEST)
    }
}

/// Finds what another record is called (a sorting check names its household's head).
pub type Names<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A record's body: the typed struct behind one Automerge document.
pub trait RecordBody:
    Hydrate
    + Reconcile
    + Clone
    + PartialEq
    + std::fmt::Debug
    + Serialize
    + serde::de::DeserializeOwned
    + Into<AnyRecord>
    + Send
    + Sync
    + 'static
{
    const KIND: RecordKind;
    /// What the kind is called.
    const LABEL: Label;
    /// The form a person fills in, field by field, in order.
    const FIELDS: &'static [Field];
    /// The kind's projection table on the phone, and its name.
    const TABLE: &'static str;
    const TABLE_NAME: &'static str;
    /// A status ladder (covenant, black spot).
    const LADDER: Option<Ladder> = None;

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

    /// What a list line calls it, in both languages.
    fn title(&self, names: Names) -> Message;

    /// Its title without a person's name, house number or anything else personal: what default
    /// exports carry (staff opt in to names with a reason). The kinds about a household say so.
    fn public_title(&self, names: Names) -> Message {
        self.title(names)
    }

    /// Whether its place is a person's home (a household's location): left out of default
    /// exports with the names.
    fn place_is_personal(&self) -> bool {
        false
    }

    /// Blanks its personal fields (a household's head, address, note, home): what an erasure
    /// on a data subject's request leaves. `false` when the kind holds nothing to erase.
    fn erase_personal(&mut self) -> bool {
        false
    }

    /// Whether it is about a named household (its head, address, what was seen there): staff
    /// reads of it are logged.
    fn about_a_household(&self) -> bool {
        self.place_is_personal() || !self.refers_to().is_empty()
    }

    /// Where it is, for maps.
    fn place(&self) -> Option<Place> {
        None
    }

    /// The photos (and scans) it references, with what each shows.
    fn photos(&self) -> Vec<Photo> {
        vec![]
    }

    /// Ids of other records its title names (a check's household).
    fn refers_to(&self) -> Vec<&str> {
        vec![]
    }

    /// A new record's starting values.
    fn draft(draft: &Draft) -> Self;

    /// An empty record, for a form's defaults.
    fn blank() -> Self {
        Self::draft(&Draft::default())
    }

    /// Writes its projection row on the phone.
    fn project(&self, conn: &rusqlite::Connection, id: &str) -> rusqlite::Result<()>;

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

    fn validate(&self, ctx: &Context) -> Result<(), Invalid> {
        let errors = self.check(ctx);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errors))
        }
    }
}

/// What every kind can do, as an object: how code that handles any record (projections,
/// sync, the server, forms) reaches the kind's module without naming it.
pub trait Record: std::fmt::Debug + Send + Sync {
    fn kind(&self) -> RecordKind;
    fn area_id(&self) -> Option<&str>;
    fn check(&self, ctx: &Context) -> Vec<FieldError>;
    fn day(&self) -> Option<Day>;
    fn title(&self, names: Names) -> Message;
    fn public_title(&self, names: Names) -> Message;
    fn place_is_personal(&self) -> bool;
    fn about_a_household(&self) -> bool;
    fn place(&self) -> Option<Place>;
    fn photos(&self) -> Vec<Photo>;
    fn refers_to(&self) -> Vec<&str>;
    fn project(&self, conn: &rusqlite::Connection, id: &str) -> rusqlite::Result<()>;
    fn values(&self) -> Vec<crate::form::FieldInput>;
    fn normalize(&mut self);
}

impl<T: RecordBody> Record for T {
    fn kind(&self) -> RecordKind {
        T::KIND
    }
    fn area_id(&self) -> Option<&str> {
        RecordBody::area_id(self)
    }
    fn check(&self, ctx: &Context) -> Vec<FieldError> {
        RecordBody::check(self, ctx)
    }
    fn day(&self) -> Option<Day> {
        RecordBody::day(self)
    }
    fn title(&self, names: Names) -> Message {
        RecordBody::title(self, names)
    }
    fn public_title(&self, names: Names) -> Message {
        RecordBody::public_title(self, names)
    }
    fn place_is_personal(&self) -> bool {
        RecordBody::place_is_personal(self)
    }
    fn about_a_household(&self) -> bool {
        RecordBody::about_a_household(self)
    }
    fn place(&self) -> Option<Place> {
        RecordBody::place(self)
    }
    fn photos(&self) -> Vec<Photo> {
        RecordBody::photos(self)
    }
    fn refers_to(&self) -> Vec<&str> {
        RecordBody::refers_to(self)
    }
    fn project(&self, conn: &rusqlite::Connection, id: &str) -> rusqlite::Result<()> {
        RecordBody::project(self, conn, id)
    }
    fn values(&self) -> Vec<crate::form::FieldInput> {
        crate::form::values_of(self)
    }
    fn normalize(&mut self) {
        RecordBody::normalize(self)
    }
}

/// Code generic over kinds, called with whichever kind a record or a kind code is.
pub trait KindVisitor {
    type Output;
    fn visit<T: RecordBody>(self) -> Self::Output;
}

/// Code generic over kinds, given the record itself.
pub trait RecordVisitor {
    type Output;
    fn visit<T: RecordBody>(self, record: T) -> Self::Output;
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

impl AnyRecord {
    pub fn kind(&self) -> RecordKind {
        self.body().kind()
    }

    pub fn area_id(&self) -> Option<&str> {
        self.body().area_id()
    }

    pub fn check(&self, ctx: &Context) -> Vec<FieldError> {
        self.body().check(ctx)
    }

    pub fn day(&self) -> Option<Day> {
        self.body().day()
    }

    pub fn title(&self, names: Names) -> Message {
        self.body().title(names)
    }

    /// The title without anything personal (see [`RecordBody::public_title`]).
    pub fn public_title(&self, names: Names) -> Message {
        self.body().public_title(names)
    }

    /// Whether its place is a person's home.
    pub fn place_is_personal(&self) -> bool {
        self.body().place_is_personal()
    }

    /// Whether it is about a named household (staff reads of it are logged).
    pub fn about_a_household(&self) -> bool {
        self.body().about_a_household()
    }

    pub fn place(&self) -> Option<Place> {
        self.body().place()
    }

    /// The photos (and scans) the record references, with what each shows.
    pub fn photos(&self) -> Vec<Photo> {
        self.body().photos()
    }

    /// The SHA-256 of every photo (and scan) the record references.
    pub fn photo_refs(&self) -> Vec<String> {
        self.photos().into_iter().map(|p| p.sha256).collect()
    }

    /// Ids of other records its title names.
    pub fn refers_to(&self) -> Vec<&str> {
        self.body().refers_to()
    }
}
