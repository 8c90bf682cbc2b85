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
