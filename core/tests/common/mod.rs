//! Builders for plausible, invented records in the demo commune (Xã Rạch Sen).
#![allow(dead_code)]

use sachxanh_core::model::*;
use sachxanh_core::place::{Coord, Place};
use sachxanh_core::{Reference, Store};
use std::sync::Arc;

pub const AREA: &str = "rs-ap-my-hoa";
pub const OTHER_AREA: &str = "rs-ap-cau-tre";

pub fn reference() -> Arc<Reference> {
    Arc::new(Reference::demo())
}

pub fn store_in(dir: &std::path::Path, name: &str) -> Store {
    let mut s = Store::open(dir.join(name), reference()).expect("open store");
    s.set_person("p-volunteer-1").expect("person");
    s
}

pub fn memory_store(person: &str) -> Store {
    let mut s = Store::open_in_memory(reference()).expect("open store");
    s.set_person(person).expect("person");
    s
}

pub fn household(name: &str) -> Household {
    Household {
        area_id: AREA.into(),
        address: "Số 12, đường Rạch Sen".into(),
        head_name: name.into(),
        members: 4,
        location: Some(Coord::new(105.631, 9.998)),
        note: String::new(),
    }
}

pub fn days_ago(n: i64) -> Day {
    Day(Day::today().0 - chrono::Duration::days(n))
}

/// The most recent Saturday on or before today.
pub fn last_saturday() -> Day {
    Day::today().latest_saturday()
}

pub fn check(household_id: &str, all_sorted: bool) -> SortingCheck {
    SortingCheck {
        household_id: household_id.into(),
        area_id: AREA.into(),
        check_date: days_ago(1),
        recyclable_sorted: true,
        food_sorted: true,
        other_sorted: all_sorted,
        hazardous_separated: true,
        served_by_collection: true,
        burning_seen: false,
        dumping_seen: false,
        note: String::new(),
        checked_by: "p-volunteer-1".into(),
    }
}

pub fn cleanup(date: Day) -> Cleanup {
    Cleanup {
        area_id: AREA.into(),
        cleanup_date: date,
        place: Place::line(vec![
            Coord::new(105.625, 9.995),
            Coord::new(105.635, 10.005),
        ]),
        work: Work {
            sweeping: true,
            waterways: true,
            ..Default::default()
        },
        participants: Participants {
            womens_union: 12,
            youth_union: 20,
            residents: 15,
            ..Default::default()
        },
        waste_kg: Some(350.0),
        bags: Some(40),
        note: "Vớt rác kênh Rạch Sen đoạn cầu tre".into(),
        photos: vec![PhotoRef {
            sha256: "a".repeat(64),
            stage: PhotoStage::Before,
        }],
    }
}

pub fn covenant(status: CovenantStatus) -> Covenant {
    let d = |n| Some(days_ago(n));
    Covenant {
        area_id: AREA.into(),
        status,
        clauses: vec!["Hộ gia đình phân loại rác tại nguồn".into()],
        drafting_started: d(200),
        consultation_date: if status >= CovenantStatus::Consultation {
            d(150)
        } else {
            None
        },
        approved_date: if status >= CovenantStatus::Approved {
            d(100)
        } else {
            None
        },
        in_force_date: if status >= CovenantStatus::InForce {
            d(90)
        } else {
            None
        },
        document_sha256: None,
        note: String::new(),
    }
}

/// A point inside Ấp Mỹ Hòa.
pub fn spot() -> Place {
    Place::point(Coord::new(105.628, 9.998))
}

pub fn photo(stage: PhotoStage, n: char) -> PhotoRef {
    PhotoRef {
        sha256: n.to_string().repeat(64),
        stage,
    }
}

pub fn collection_point(meets: bool) -> CollectionPoint {
    CollectionPoint {
        area_id: AREA.into(),
        name: "Điểm tập kết đầu cầu Mỹ Hòa".into(),
        place: spot(),
        inspection_date: days_ago(3),
        sealed_floor: true,
        roofed: true,
        enclosed: meets,
        sorted_containers: true,
        collected_on_schedule: true,
        note: String::new(),
        photos: vec![photo(PhotoStage::Before, 'b')],
    }
}

pub fn black_spot(status: SpotStatus) -> BlackSpot {
    let reached = |s: SpotStatus, n| (status >= s).then(|| days_ago(n));
    BlackSpot {
        area_id: AREA.into(),
        spot_kind: SpotKind::SpontaneousDump,
        place: spot(),
        description: "Bãi rác tự phát ven kênh, khoảng 2 xe ba gác".into(),
        status,
        reported_date: days_ago(30),
        verified_date: reached(SpotStatus::Verified, 25),
        cleaned_date: reached(SpotStatus::Cleaned, 20),
        closed_date: reached(SpotStatus::Closed, 10),
        photos: if status >= SpotStatus::Cleaned {
            vec![
                photo(PhotoStage::Before, 'c'),
                photo(PhotoStage::After, 'd'),
            ]
        } else {
            vec![photo(PhotoStage::Before, 'c')]
        },
        note: String::new(),
    }
}

pub fn briefing(attendance: u32) -> Briefing {
    Briefing {
        area_id: AREA.into(),
        briefing_date: days_ago(5),
        topic: "Quán triệt Nghị quyết 394/NQ-CP về phân loại rác tại nguồn".into(),
        audience: Audience::Residents,
        attendance,
        note: String::new(),
    }
}

pub fn self_managed_model(status: ModelStatus) -> SelfManagedModel {
    SelfManagedModel {
        area_id: AREA.into(),
        name: "Tổ phụ nữ tự quản bến sông Mỹ Hòa".into(),
        members: 18,
        start_date: days_ago(120),
        status,
        activities: "Quét dọn bến sông sáng chủ nhật".into(),
    }
}
