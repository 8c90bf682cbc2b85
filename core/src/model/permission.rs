//! Who may write what. The server judges every pushed change with these rules; phones use the
//! same rules to grey out what a person may not do. Scope is judged on the value *before* the
//! change (and the value after must stay in scope), so nobody moves a record into their area to
//! take it over. A review is a decision made once, by the person whose device sends it.

use super::{AnyRecord, Lifecycle, Meta, RecordKind};
use crate::error::ErrorCode;
use crate::i18n::Message;
use crate::reference::Reference;
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// A person's role (DOMAIN.md, "People and roles").
    pub enum Role {
        Volunteer = "volunteer" ("Tình nguyện viên", "Volunteer"),
        AreaHead = "area_head" ("Trưởng ấp / tổ trưởng", "Area head"),
        CommuneStaff = "commune_staff" ("Cán bộ xã/phường", "Commune staff"),
        ProvinceViewer = "province_viewer" ("Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment"),
        Administrator = "administrator" ("Quản trị hệ thống", "Administrator"),
    }
}

impl Role {
    /// Whether the role writes anything at all (records, photos, reviews): the Department's
    /// viewers only read, and are refused before anything they send is looked at.
    pub fn writes(self) -> bool {
        !matches!(self, Role::ProvinceViewer | Role::Administrator)
    }

    /// Who signs in to the dashboard: staff, the Department's viewers, the administrator.
    pub fn uses_dashboard(self) -> bool {
        matches!(
            self,
            Role::CommuneStaff | Role::ProvinceViewer | Role::Administrator
        )
    }

    /// The deployment's administrator makes communes, their staff and the Department's viewers,
    /// and sees no record: the least a person setting up the system needs.
    pub fn administers(self) -> bool {
        self == Role::Administrator
    }
}

/// A person's reach: who they are, their role, their commune, and (for volunteers and area
/// heads) their areas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub person_id: String,
    pub role: Role,
    pub commune_id: String,
    pub areas: Vec<String>,
}

/// Why a change was refused by the write rules; its code and words are the
/// [`ErrorCode`](crate::error::ErrorCode) of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Denial {
    NotAllowedForRole,
    OutOfScope,
    ReviewedRecordUnknown,
    AuthorMismatch,
    KindChanged,
    /// A decision, once made, is kept: a new decision is a new review.
    ReviewImmutable,
    ReviewerMismatch,
    /// A review dated outside the server's clock (forward or far back).
    ReviewTime,
    NotAllowedToSubmit,
}

impl Denial {
    pub fn code(&self) -> ErrorCode {
        match self {
            Denial::NotAllowedForRole => ErrorCode::NotAllowedForRole,
            Denial::OutOfScope => ErrorCode::OutOfScope,
            Denial::ReviewedRecordUnknown => ErrorCode::ReviewedRecordUnknown,
            Denial::AuthorMismatch => ErrorCode::AuthorMismatch,
            Denial::KindChanged => ErrorCode::KindChanged,
            Denial::ReviewImmutable => ErrorCode::ReviewImmutable,
            Denial::ReviewerMismatch => ErrorCode::ReviewerMismatch,
            Denial::ReviewTime => ErrorCode::ReviewTime,
            Denial::NotAllowedToSubmit => ErrorCode::NotAllowedToSubmit,
        }
    }

    pub fn as_str(&self) -> &'static str {
        self.code().as_str()
    }

    pub fn message(&self) -> Message {
        self.code().label()
    }
}

/// One version of a record as it is judged: its meta, its body, and the area that scopes it (a
/// review's is the area of the record it reviews, looked up by whoever judges).
#[derive(Debug, Clone, Copy)]
pub struct Version<'a> {
    pub meta: &'a Meta,
    pub record: &'a AnyRecord,
    pub area: Option<&'a str>,
}

/// How far a review's time may run ahead of the judge's clock (phones' clocks drift), and how
/// long a review made offline may wait before it is sent.
pub const REVIEW_CLOCK_SLACK_MS: i64 = 10 * 60 * 1000;
pub const REVIEW_MAX_AGE_MS: i64 = 30 * 24 * 3600 * 1000;

/// A review's time decides which decision is the latest, on the server and on every phone: it
/// must lie within the judge's clock, neither ahead of it nor older than a review may wait.
pub fn check_review_time(created_at_ms: i64, now_ms: i64) -> Result<(), Denial> {
    if created_at_ms > now_ms + REVIEW_CLOCK_SLACK_MS || created_at_ms < now_ms - REVIEW_MAX_AGE_MS
    {
        Err(Denial::ReviewTime)
    } else {
        Ok(())
    }
}

/// An area as a person picks it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct AreaInfo {
    pub id: String,
    pub name: String,
}

/// One kind as a person may use it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct KindCapability {
    pub kind: RecordKind,
    pub label: Message,
    /// The person may record this kind (in their areas).
    pub may_write: bool,
}

/// What the signed-in person may do, for the shells to show only that: the areas they work
/// in (the covenant list, the area pickers), the kinds they may record, whether they review.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Capabilities {
    pub role: Role,
    pub role_label: Message,
    pub areas: Vec<AreaInfo>,
    /// Every kind people record (staff decisions aside), with whether this person may.
    pub kinds: Vec<KindCapability>,
    pub may_review: bool,
    /// May send others' records of their areas for review (area heads, staff).
    pub may_submit_others: bool,
}

impl Scope {
    /// What this person may do: areas, kinds, review.
    pub fn capabilities(&self, reference: &Reference) -> Capabilities {
        let areas = match self.role {
            Role::Volunteer | Role::AreaHead => self
                .areas
                .iter()
                .map(|a| AreaInfo {
                    id: a.clone(),
                    name: reference
                        .area(a)
                        .map(|x| x.name.clone())
                        .unwrap_or_else(|| a.clone()),
                })
                .collect(),
            Role::CommuneStaff => reference
                .areas_of(&self.commune_id)
                .map(|a| AreaInfo {
                    id: a.id.clone(),
                    name: a.name.clone(),
                })
                .collect(),
            Role::ProvinceViewer | Role::Administrator => vec![],
        };
        Capabilities {
            role: self.role,
            role_label: self.role.label(),
            areas,
            kinds: RecordKind::ALL
                .iter()
                .filter(|k| !k.is_staff_decision())
                .map(|k| KindCapability {
                    kind: *k,
                    label: k.label(),
                    may_write: self.may_write_kind(*k),
                })
                .collect(),
            may_review: self.role == Role::CommuneStaff,
            may_submit_others: matches!(self.role, Role::AreaHead | Role::CommuneStaff),
        }
    }

    /// Whether the person may see (and, role permitting, write) records of an area.
    pub fn covers_area(&self, reference: &Reference, area_id: &str) -> bool {
        match self.role {
            Role::ProvinceViewer => true,
            Role::Administrator => false,
            Role::CommuneStaff => reference
                .area(area_id)
                .is_some_and(|a| a.commune_id == self.commune_id),
            // A hamlet merged into one of theirs is theirs too: its households live on.
            Role::Volunteer | Role::AreaHead => {
                self.areas.iter().any(|a| a == area_id)
                    || reference
                        .successor(area_id)
                        .is_some_and(|s| self.areas.contains(&s.id))
            }
        }
    }

    /// Whether the person may record this kind at all.
    pub fn may_write_kind(&self, kind: RecordKind) -> bool {
        match (self.role, kind) {
            (Role::ProvinceViewer | Role::Administrator, _) => false,
            (Role::CommuneStaff, _) => true,
            (_, kind) if kind.is_staff_decision() => false,
            // Area-level undertakings are the area head's to record.
            (
                Role::Volunteer,
                RecordKind::Covenant | RecordKind::CollectionPoint | RecordKind::SelfManagedModel,
            ) => false,
            _ => true,
        }
    }

    /// Whether the person may send a record for review (or take it back): its author, the
    /// head of its area, or commune staff (DOMAIN.md: area heads submit their area's records).
    pub fn may_submit(&self, author: &str) -> bool {
        author == self.person_id || matches!(self.role, Role::AreaHead | Role::CommuneStaff)
    }

    /// Judges one record write: `before` is the stored version (None for a new record). Scope
    /// is judged on both the stored version and the new one, so nobody moves a record into, or
    /// out of, an area to take it over.
    pub fn authorize(
        &self,
        reference: &Reference,
        before: Option<Version>,
        after: Version,
    ) -> Result<(), Denial> {
        let kind = after.record.kind();
        if let Some(b) = &before {
            if b.record.kind() != kind {
                return Err(Denial::KindChanged);
            }
        }
        if !self.may_write_kind(kind) {
            return Err(Denial::NotAllowedForRole);
        }
        for v in before.iter().chain(std::iter::once(&after)) {
            match v.area {
                Some(area) if self.covers_area(reference, area) => {}
                _ => return Err(Denial::OutOfScope),
            }
        }
        let author_ok = match &before {
            None => after.meta.author == self.person_id,
            Some(b) => b.meta.author == after.meta.author,
        };
        if !author_ok {
            return Err(Denial::AuthorMismatch);
        }
        // A staff decision is made once, by the person whose device sends it.
        let decided_by = match after.record {
            AnyRecord::Review(r) => Some(&r.reviewer),
            AnyRecord::HouseholdDuplicate(m) => Some(&m.marked_by),
            _ => None,
        };
        if let Some(by) = decided_by {
            if before.is_some() {
                return Err(Denial::ReviewImmutable);
            }
            if *by != self.person_id {
                return Err(Denial::ReviewerMismatch);
            }
        } else {
            let state_before = before.map(|b| b.meta.state).unwrap_or(Lifecycle::Draft);
            if state_before != after.meta.state && !self.may_submit(&after.meta.author) {
                return Err(Denial::NotAllowedToSubmit);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Covenant, CovenantStatus, Decision, Review};

    fn covenant(area: &str) -> AnyRecord {
        AnyRecord::Covenant(Covenant {
            area_id: area.into(),
            status: CovenantStatus::NotStarted,
            clauses: vec![],
            drafting_started: None,
            consultation_date: None,
            approved_date: None,
            in_force_date: None,
            document_sha256: None,
            note: String::new(),
        })
    }

    fn meta(author: &str, state: Lifecycle) -> Meta {
        Meta {
            author: author.into(),
            created_at: 0,
            state,
        }
    }

    fn v<'a>(m: &'a Meta, r: &'a AnyRecord) -> Version<'a> {
        Version {
            meta: m,
            record: r,
            area: r.area_id(),
        }
    }

    fn scope(person: &str, role: Role, areas: &[&str]) -> Scope {
        Scope {
            person_id: person.into(),
            role,
            commune_id: "rach-sen".into(),
            areas: areas.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn roles_and_areas_decide() {
        let r = Reference::demo();
        let head = scope("p-head", Role::AreaHead, &["rs-ap-my-hoa"]);
        let mine = meta("p-head", Lifecycle::Draft);
        let (a, b) = (covenant("rs-ap-my-hoa"), covenant("rs-ap-cau-tre"));
        assert_eq!(head.authorize(&r, None, v(&mine, &a)), Ok(()));
        assert_eq!(
            head.authorize(&r, None, v(&mine, &b)),
            Err(Denial::OutOfScope)
        );
        // Moving another area's record into one's own area is judged by the value before.
        assert_eq!(
            head.authorize(&r, Some(v(&mine, &b)), v(&mine, &a)),
            Err(Denial::OutOfScope)
        );
        let volunteer = scope("p-vol", Role::Volunteer, &["rs-ap-my-hoa"]);
        let theirs = meta("p-vol", Lifecycle::Draft);
        assert_eq!(
            volunteer.authorize(&r, None, v(&theirs, &a)),
            Err(Denial::NotAllowedForRole)
        );
        let staff = scope("p-staff", Role::CommuneStaff, &[]);
        let staffs = meta("p-staff", Lifecycle::Draft);
        assert_eq!(staff.authorize(&r, None, v(&staffs, &b)), Ok(()));
        // Nobody creates a record in someone else's name.
        assert_eq!(
            staff.authorize(&r, None, v(&mine, &b)),
            Err(Denial::AuthorMismatch)
        );
        let viewer = scope("p-dept", Role::ProvinceViewer, &[]);
        let viewers = meta("p-dept", Lifecycle::Draft);
        assert_eq!(
            viewer.authorize(&r, None, v(&viewers, &b)),
            Err(Denial::NotAllowedForRole)
        );
    }

    #[test]
    fn the_author_or_the_area_head_submits() {
        use crate::model::Household;
        use crate::place::Coord;
        let r = Reference::demo();
        let household = AnyRecord::Household(Household {
            area_id: "rs-ap-my-hoa".into(),
            address: "Số 1".into(),
            head_name: "Hộ thử".into(),
            members: 3,
            location: None::<Coord>,
            note: String::new(),
        });
        let draft = meta("p-vol-1", Lifecycle::Draft);
        let submitted = meta("p-vol-1", Lifecycle::Submitted);
        let other = scope("p-vol-2", Role::Volunteer, &["rs-ap-my-hoa"]);
        // Another volunteer of the area may correct a value, not send it for review.
        assert_eq!(
            other.authorize(&r, Some(v(&draft, &household)), v(&draft, &household)),
            Ok(())
        );
        assert_eq!(
            other.authorize(&r, Some(v(&draft, &household)), v(&submitted, &household)),
            Err(Denial::NotAllowedToSubmit)
        );
        let author = scope("p-vol-1", Role::Volunteer, &["rs-ap-my-hoa"]);
        let head = scope("p-head", Role::AreaHead, &["rs-ap-my-hoa"]);
        for s in [author, head] {
            assert_eq!(
                s.authorize(&r, Some(v(&draft, &household)), v(&submitted, &household)),
                Ok(())
            );
        }
    }

    #[test]
    fn a_review_is_made_once_by_its_reviewer_within_the_clock() {
        let r = Reference::demo();
        let staff = scope("p-staff", Role::CommuneStaff, &[]);
        let review = |reviewer: &str| {
            AnyRecord::Review(Review {
                record_id: uuid::Uuid::now_v7().to_string(),
                record_heads: vec!["ab".repeat(32)],
                decision: Decision::Approved,
                reason: String::new(),
                reviewer: reviewer.into(),
            })
        };
        let m = meta("p-staff", Lifecycle::Submitted);
        let (own, foreign) = (review("p-staff"), review("p-other"));
        let at = |rec| Version {
            meta: &m,
            record: rec,
            area: Some("rs-ap-my-hoa"),
        };
        assert_eq!(staff.authorize(&r, None, at(&own)), Ok(()));
        assert_eq!(
            staff.authorize(&r, None, at(&foreign)),
            Err(Denial::ReviewerMismatch)
        );
        assert_eq!(
            staff.authorize(&r, Some(at(&own)), at(&own)),
            Err(Denial::ReviewImmutable)
        );
        // Another commune's staff cannot review here.
        let elsewhere = Scope {
            commune_id: "elsewhere".into(),
            ..staff.clone()
        };
        assert_eq!(
            elsewhere.authorize(&r, None, at(&own)),
            Err(Denial::OutOfScope)
        );
        let now = 1_800_000_000_000;
        assert_eq!(check_review_time(now + 60_000, now), Ok(()));
        assert_eq!(
            check_review_time(now + 24 * 3600 * 1000, now),
            Err(Denial::ReviewTime)
        );
        assert_eq!(
            check_review_time(now - 365 * 24 * 3600 * 1000, now),
            Err(Denial::ReviewTime)
        );
    }
}
