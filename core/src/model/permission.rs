//! Who may write what. The server judges every pushed change with these rules; phones use the
//! same rules to grey out what a person may not do. Scope is judged on the value *before* the
//! change (and the value after must stay in scope), so nobody moves a record into their area to
//! take it over.

use super::{AnyRecord, RecordKind};
use crate::i18n::Message;
use crate::reference::Reference;
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// A person's role (DOMAIN.md, "People and roles").
    pub enum Role {
        Volunteer = "volunteer",
        AreaHead = "area_head",
        CommuneStaff = "commune_staff",
        ProvinceViewer = "province_viewer",
    }
}

impl Role {
    pub fn label(&self) -> Message {
        match self {
            Role::Volunteer => Message::new("Tình nguyện viên", "Volunteer"),
            Role::AreaHead => Message::new("Trưởng ấp / tổ trưởng", "Area head"),
            Role::CommuneStaff => Message::new("Cán bộ xã/phường", "Commune staff"),
            Role::ProvinceViewer => Message::new("Sở Nông nghiệp và Môi trường", "Province viewer"),
        }
    }
}

/// A person's reach: their role, their commune, and (for volunteers and area heads) their areas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub role: Role,
    pub commune_id: String,
    pub areas: Vec<String>,
}

crate::string_enum! {
    /// Why a change was refused. Stable codes: phones key their behaviour on them.
    pub enum Denial {
        NotAllowedForRole = "not_allowed_for_role",
        OutOfScope = "out_of_scope",
        ReviewedRecordUnknown = "reviewed_record_unknown",
        AuthorMismatch = "author_mismatch",
        KindChanged = "kind_changed",
    }
}

impl Denial {
    pub fn message(&self) -> Message {
        match self {
            Denial::NotAllowedForRole => Message::new(
                "vai trò của bạn không được phép ghi loại hồ sơ này",
                "your role may not write this kind of record",
            ),
            Denial::OutOfScope => Message::new(
                "hồ sơ thuộc địa bàn không được giao cho bạn",
                "the record belongs to an area not assigned to you",
            ),
            Denial::ReviewedRecordUnknown => Message::new(
                "hồ sơ được duyệt không có trên máy chủ",
                "the reviewed record is not on the server",
            ),
            Denial::AuthorMismatch => Message::new(
                "người ghi của hồ sơ không khớp với thiết bị",
                "the record's author does not match the device",
            ),
            Denial::KindChanged => Message::new(
                "không được đổi loại hồ sơ",
                "a record cannot change its kind",
            ),
        }
    }
}

impl Scope {
    /// Whether the person may see (and, role permitting, write) records of an area.
    pub fn covers_area(&self, reference: &Reference, area_id: &str) -> bool {
        match self.role {
            Role::ProvinceViewer => true,
            Role::CommuneStaff => reference
                .area(area_id)
                .is_some_and(|a| a.commune_id == self.commune_id),
            Role::Volunteer | Role::AreaHead => self.areas.iter().any(|a| a == area_id),
        }
    }

    fn may_write_kind(&self, kind: RecordKind) -> bool {
        match (self.role, kind) {
            (Role::ProvinceViewer, _) => false,
            (Role::CommuneStaff, _) => true,
            (_, RecordKind::Review) => false,
            // Area-level undertakings are the area head's to record.
            (
                Role::Volunteer,
                RecordKind::Covenant | RecordKind::CollectionPoint | RecordKind::SelfManagedModel,
            ) => false,
            _ => true,
        }
    }

    /// Judges one record write. `before` is the server's value (None for a new record),
    /// `reviewed_area` the area of the record a review names (None if unknown to the server).
    pub fn authorize(
        &self,
        reference: &Reference,
        before: Option<&AnyRecord>,
        after: &AnyRecord,
        reviewed_area: Option<Option<&str>>,
    ) -> Result<(), Denial> {
        if let Some(b) = before {
            if b.kind() != after.kind() {
                return Err(Denial::KindChanged);
            }
        }
        if !self.may_write_kind(after.kind()) {
            return Err(Denial::NotAllowedForRole);
        }
        let area_of = |r: &AnyRecord| -> Result<Option<String>, Denial> {
            match r {
                AnyRecord::Review(_) => match reviewed_area {
                    Some(area) => Ok(area.map(str::to_owned)),
                    None => Err(Denial::ReviewedRecordUnknown),
                },
                other => Ok(other.area_id().map(str::to_owned)),
            }
        };
        for r in before.into_iter().chain(std::iter::once(after)) {
            match area_of(r)? {
                Some(area) if self.covers_area(reference, &area) => {}
                _ => return Err(Denial::OutOfScope),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Covenant, CovenantStatus};

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

    #[test]
    fn roles_and_areas_decide() {
        let r = Reference::demo();
        let scope = |role, areas: &[&str]| Scope {
            role,
            commune_id: "rach-sen".into(),
            areas: areas.iter().map(|s| s.to_string()).collect(),
        };
        let head = scope(Role::AreaHead, &["rs-ap-my-hoa"]);
        assert_eq!(
            head.authorize(&r, None, &covenant("rs-ap-my-hoa"), None),
            Ok(())
        );
        assert_eq!(
            head.authorize(&r, None, &covenant("rs-ap-cau-tre"), None),
            Err(Denial::OutOfScope)
        );
        // Moving another area's record into one's own area is judged by the value before.
        assert_eq!(
            head.authorize(
                &r,
                Some(&covenant("rs-ap-cau-tre")),
                &covenant("rs-ap-my-hoa"),
                None
            ),
            Err(Denial::OutOfScope)
        );
        let volunteer = scope(Role::Volunteer, &["rs-ap-my-hoa"]);
        assert_eq!(
            volunteer.authorize(&r, None, &covenant("rs-ap-my-hoa"), None),
            Err(Denial::NotAllowedForRole)
        );
        let staff = scope(Role::CommuneStaff, &[]);
        assert_eq!(
            staff.authorize(&r, None, &covenant("rs-ap-cau-tre"), None),
            Ok(())
        );
        let viewer = scope(Role::ProvinceViewer, &[]);
        assert_eq!(
            viewer.authorize(&r, None, &covenant("rs-ap-cau-tre"), None),
            Err(Denial::NotAllowedForRole)
        );
    }
}
