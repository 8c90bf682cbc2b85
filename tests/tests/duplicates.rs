//! A household recorded twice: the phone adding it is shown the one already known, staff see
//! the pair and mark one as a duplicate, and every phone of the hamlet converges on it — the
//! duplicate leaves their lists and the household denominators, and its check counts for the
//! household kept, on the server and on each phone alike.

use sachxanh_core::model::{Day, Household, Role, SortingCheck};
use sachxanh_tests::*;
use serde_json::Value;

fn household(area: &str, name: &str, address: &str) -> Household {
    Household {
        area_id: area.into(),
        address: address.into(),
        head_name: name.into(),
        members: 4,
        location: None,
        note: String::new(),
    }
}

/// The period the figures are asked for: the last month, so that yesterday is in it.
fn from() -> Day {
    Day(Day::today().0 - chrono::Duration::days(30))
}

/// A check `days_ago`: which of two checks is the latest goes by its date first (the record
/// times are phones' clocks, which may disagree by more than the time between two saves).
fn check(phone: &mut Phone, household: &str, days_ago: i64, all_sorted: bool) -> String {
    let area = phone.area().to_owned();
    let by = phone.enrolment.person_id.clone();
    phone
        .store
        .create(SortingCheck {
            household_id: household.into(),
            area_id: area,
            check_date: Day(Day::today().0 - chrono::Duration::days(days_ago)),
            recyclable_sorted: all_sorted,
            food_sorted: all_sorted,
            other_sorted: all_sorted,
            hazardous_separated: false,
            served_by_collection: true,
            burning_seen: false,
            dumping_seen: false,
            note: String::new(),
            checked_by: by,
        })
        .expect("save check")
}

/// The hamlet's household-sorting figure on the server: (numerator, denominator, records).
fn server_sorting(server: &TestServer) -> (u64, u64, Vec<String>) {
    let t = server.staff_get(&format!("/api/v1/targets?from={}", from()));
    let area = t["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .find(|a| a["unit_id"] == AREA_A)
        .expect("the hamlet")
        .clone();
    let f = &area["household_sorting"];
    let records = f["records"]
        .as_array()
        .expect("records")
        .iter()
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect();
    (
        f["numerator"].as_u64().unwrap_or_default(),
        f["denominator"].as_u64().unwrap_or_default(),
        records,
    )
}

/// The same figure as a phone computes it from what it holds.
fn phone_sorting(phone: &Phone) -> (u64, u64, Vec<String>) {
    let t = phone
        .store
        .area_targets(AREA_A, from(), Day::today())
        .expect("targets")
        .expect("the hamlet's targets");
    let f = t.household_sorting;
    (f.numerator, f.denominator, f.records)
}

/// A phone's household list of the hamlet (ids, in its order) and what "nguyen van a" finds.
fn lists(phone: &Phone) -> (Vec<String>, Vec<String>) {
    let ids = |q: &str| -> Vec<String> {
        phone
            .store
            .households(AREA_A, q, None, 100)
            .expect("households")
            .items
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    (ids(""), ids("nguyen van a"))
}

#[test]
fn staff_mark_a_duplicate_and_three_phones_converge_on_it() {
    let server = TestServer::start();
    let mut phones: Vec<Phone> = [Role::Volunteer, Role::Volunteer, Role::AreaHead]
        .iter()
        .map(|r| server.phone(*r, &[AREA_A], &server.url))
        .collect();

    // The first phone records the household and a check that finds it not sorting yet.
    let kept = phones[0]
        .store
        .create(household(AREA_A, "Nguyễn Văn A", "số 12, hẻm 3"))
        .unwrap();
    let other = phones[0]
        .store
        .create(household(AREA_A, "Trần Thị B", "số 21, hẻm 3"))
        .unwrap();
    let kept_check = check(&mut phones[0], &kept, 1, false);
    phones[0].sync().unwrap();

    // The second phone, synced, is shown that household when it types the same one without
    // diacritics; a different household gets no hint.
    phones[1].sync().unwrap();
    let typed = household(AREA_A, "Nguyen Van A", "so 12 hem 3");
    let hint: Vec<String> = phones[1]
        .store
        .similar_households(&typed, None)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(hint, vec![kept.clone()]);
    let different = household(AREA_A, "Nguyen Van A", "so 21 hem 3");
    assert!(phones[1]
        .store
        .similar_households(&different, None)
        .unwrap()
        .is_empty());

    // It saves anyway, and a check there the next day finds all three groups sorted.
    let dup = phones[1].store.create(typed).unwrap();
    let dup_check = check(&mut phones[1], &dup, 0, true);
    phones[1].sync().unwrap();
    for id in [&kept, &other, &dup, &kept_check, &dup_check] {
        assert_eq!(server.staff_decide(id, "approved", "").status(), 201);
    }
    for p in phones.iter_mut() {
        p.sync().unwrap();
    }
    assert_eq!(
        server_sorting(&server),
        (1, 3, vec![dup_check.clone()]),
        "before the mark: three households, the duplicate sorting"
    );

    // Staff see the pair, by the same rule, and mark the second as the duplicate.
    let found = server.staff_get("/api/v1/duplicates");
    let pair = &found["suspected"][0];
    let ids = [pair["a"]["id"].as_str(), pair["b"]["id"].as_str()];
    assert_eq!(found["suspected"].as_array().map(Vec::len), Some(1));
    assert!(ids.contains(&Some(kept.as_str())) && ids.contains(&Some(dup.as_str())));
    let mark = |dup: &str, kept: &str| {
        server.post_as(
            &server.staff_token,
            &format!("/api/v1/records/{dup}/duplicate-of"),
            serde_json::json!({ "kept_id": kept }),
        )
    };
    assert_eq!(mark(&dup, &kept).status(), 201);
    // Marked once: neither again, nor the other way round (which would loop).
    assert_eq!(mark(&dup, &kept).status(), 409);
    let back = mark(&kept, &dup);
    assert_eq!(back.status(), 409);
    let body: Value = back.json().unwrap();
    assert!(body["message"]["vi"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    let found = server.staff_get("/api/v1/duplicates");
    assert_eq!(found["suspected"].as_array().map(Vec::len), Some(0));
    assert_eq!(found["merged"][0]["duplicate"]["id"], dup.as_str());
    assert_eq!(found["merged"][0]["kept"]["id"], kept.as_str());

    // The denominator drops by one; the duplicate's later check counts for the household kept.
    let after = server_sorting(&server);
    assert_eq!(after, (1, 2, vec![dup_check.clone()]));

    // Every phone converges: the same list without the duplicate, the same search, the same
    // figures as the server's.
    for p in phones.iter_mut() {
        p.sync().unwrap();
    }
    // By name: Nguyễn before Trần.
    let expected_list = vec![kept.clone(), other.clone()];
    for p in &phones {
        let (list, search) = lists(p);
        assert_eq!(list, expected_list, "the phone's household list");
        assert_eq!(search, vec![kept.clone()], "the phone's search");
        assert_eq!(phone_sorting(p), after, "the phone's figure");
        // The home screen's figures too: two households, the kept one checked (by the
        // duplicate's later check) and sorting.
        let f = p.store.area_figures(AREA_A).unwrap();
        assert_eq!(
            (f.households, f.households_checked, f.households_sorting_all),
            (2, 1, 1)
        );
        // Adding the same household again is hinted with the one kept only.
        let hint: Vec<String> = p
            .store
            .similar_households(&household(AREA_A, "nguyễn văn a", "12 hẻm 3"), None)
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect();
        assert_eq!(hint, vec![kept.clone()]);
    }
    // A volunteer's phone cannot make such a mark.
    let volunteer_key = phones[0].enrolment.token.clone();
    assert_eq!(
        server
            .post_as(
                &volunteer_key,
                &format!("/api/v1/records/{other}/duplicate-of"),
                serde_json::json!({ "kept_id": kept }),
            )
            .status(),
        403
    );
}
