//! Records as a volunteer and a reviewer meet them: saved, edited, reopened, listed, reviewed.

mod common;
use common::*;
use sachxanh_core::model::*;
use sachxanh_core::store::NeedsUser;
use sachxanh_core::{Error, Store};

#[test]
fn each_kind_is_created_edited_and_reopened_from_disk_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (hh, chk, cu, cov, rev);
    {
        let mut s = store_in(dir.path(), "phone.db");
        hh = s.create(household("Nguyễn Văn Ánh")).unwrap();
        s.update::<Household>(&hh, |h| h.members = 5).unwrap();
        chk = s.create(check(&hh, false)).unwrap();
        s.update::<SortingCheck>(&chk, |c| c.other_sorted = true)
            .unwrap();
        cu = s.create(cleanup(last_saturday())).unwrap();
        s.update::<Cleanup>(&cu, |c| c.bags = Some(42)).unwrap();
        cov = s.create(covenant(CovenantStatus::Drafting)).unwrap();
        s.update::<Covenant>(&cov, |c| {
            c.status = CovenantStatus::Consultation;
            c.consultation_date = Some(days_ago(10));
        })
        .unwrap();
        let heads = s.get::<Household>(&hh).unwrap().heads;
        rev = s
            .create(Review {
                record_id: hh.clone(),
                record_heads: heads,
                decision: Decision::Returned,
                reason: "Thiếu số nhà".into(),
                reviewer: "p-staff-1".into(),
            })
            .unwrap();
        s.update::<Review>(&rev, |r| r.reason = "Thiếu số nhà, xin bổ sung".into())
            .unwrap();
    }
    let s = store_in(dir.path(), "phone.db");
    assert_eq!(
        s.documents_loaded(),
        0,
        "opening the store loads no document"
    );
    let h = s.get::<Household>(&hh).unwrap();
    assert_eq!(h.body.members, 5);
    assert_eq!(h.body.head_name, "Nguyễn Văn Ánh");
    assert_eq!(h.meta.author, "p-volunteer-1");
    assert!(s.get::<SortingCheck>(&chk).unwrap().body.sorts_all_groups());
    let c = s.get::<Cleanup>(&cu).unwrap().body;
    assert_eq!(
        (c.bags, c.waste_kg, c.participants.total()),
        (Some(42), Some(350.0), 47)
    );
    assert_eq!(c.place.coords.len(), 2);
    assert_eq!(
        s.get::<Covenant>(&cov).unwrap().body.status,
        CovenantStatus::Consultation
    );
    assert_eq!(
        s.get::<Review>(&rev).unwrap().body.reason,
        "Thiếu số nhà, xin bổ sung"
    );
    // Reading a record as the wrong kind is a clear error, not garbage.
    assert!(matches!(
        s.get::<Cleanup>(&hh),
        Err(Error::WrongKind { .. })
    ));
    assert!(matches!(
        s.get::<Household>("nope"),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn projections_rebuilt_from_documents_equal_the_live_ones() {
    let mut s = memory_store("p-volunteer-1");
    let mut ids = vec![];
    for (i, name) in ["Trần Thị Bé", "Lê Văn Tư", "Phạm Thị Mai"]
        .iter()
        .enumerate()
    {
        let id = s.create(household(name)).unwrap();
        s.create(check(&id, i % 2 == 0)).unwrap();
        ids.push(id);
    }
    s.create(cleanup(last_saturday())).unwrap();
    let cov = s.create(covenant(CovenantStatus::InForce)).unwrap();
    s.submit::<Covenant>(&cov).unwrap();
    let heads = s.get::<Covenant>(&cov).unwrap().heads;
    s.create(Review {
        record_id: cov.clone(),
        record_heads: heads,
        decision: Decision::Approved,
        reason: String::new(),
        reviewer: "p-staff-1".into(),
    })
    .unwrap();
    s.update::<Household>(&ids[0], |h| h.address = "Số 3, hẻm 7".into())
        .unwrap();
    let live = s.projection_dump().unwrap();
    assert!(live.len() > 10);
    s.rebuild_projections().unwrap();
    assert_eq!(s.projection_dump().unwrap(), live);
}

#[test]
fn search_ignores_diacritics_and_case_and_pages() {
    let mut s = memory_store("p-volunteer-1");
    let names = [
        "Nguyễn Văn A",
        "Nguyễn Thị Hoa",
        "Trần Văn Đức",
        "Lê Thị Ánh",
        "NGUYỄN VĂN BÌNH",
    ];
    for n in names {
        s.create(household(n)).unwrap();
    }
    let found = |q: &str| -> Vec<String> {
        s.households(AREA, q, None, 50)
            .unwrap()
            .items
            .into_iter()
            .map(|h| h.head_name)
            .collect()
    };
    assert_eq!(found("nguyen van a"), vec!["Nguyễn Văn A"]);
    assert_eq!(found("Nguyễn Văn A"), vec!["Nguyễn Văn A"]);
    assert_eq!(found("duc"), vec!["Trần Văn Đức"]);
    assert_eq!(found("ÁNH"), vec!["Lê Thị Ánh"]);
    assert_eq!(found("nguyen").len(), 3);
    assert_eq!(found("van binh"), vec!["NGUYỄN VĂN BÌNH"]);
    assert!(
        found("100%").is_empty(),
        "punctuation typed by a person is no wildcard"
    );
    // Other areas' households are not listed.
    assert!(s
        .households(OTHER_AREA, "", None, 50)
        .unwrap()
        .items
        .is_empty());
    // Paging walks every household once, in name order.
    let mut seen = vec![];
    let mut after = None;
    loop {
        let page = s.households(AREA, "", after.as_deref(), 2).unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|h| h.head_name.clone()));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(
        seen,
        vec![
            "Lê Thị Ánh",
            "Nguyễn Thị Hoa",
            "Nguyễn Văn A",
            "NGUYỄN VĂN BÌNH",
            "Trần Văn Đức"
        ]
    );
}

#[test]
fn latest_check_cleanups_per_weekend_and_covenant_per_area() {
    let mut s = memory_store("p-volunteer-1");
    let a = s.create(household("Võ Văn Mười")).unwrap();
    let b = s.create(household("Đỗ Thị Lan")).unwrap();
    let mut old = check(&a, false);
    old.check_date = days_ago(30);
    s.create(old).unwrap();
    let newer = s.create(check(&a, true)).unwrap();
    s.create(check(&b, false)).unwrap();
    let latest = s.latest_checks(AREA, false).unwrap();
    assert_eq!(latest.len(), 2);
    let la = latest.iter().find(|c| c.household_id == a).unwrap();
    assert_eq!(
        (la.check_id.as_str(), la.all_sorted),
        (newer.as_str(), true)
    );
    // Nothing approved yet: no household counts for the targets.
    assert!(s.latest_checks(AREA, true).unwrap().is_empty());

    let sat = last_saturday();
    let sun = Day(sat.0 + chrono::Duration::days(1));
    let prev_sat = Day(sat.0 - chrono::Duration::days(7));
    s.create(cleanup(sat)).unwrap();
    if sun <= Day::today() {
        s.create(cleanup(sun)).unwrap();
    } else {
        s.create(cleanup(sat)).unwrap();
    }
    s.create(cleanup(prev_sat)).unwrap();
    let friday = Day(sat.0 - chrono::Duration::days(1));
    s.create(cleanup(friday)).unwrap();
    let weekends = s
        .cleanups_by_weekend(Some(AREA), prev_sat, Day::today())
        .unwrap();
    assert_eq!(weekends.len(), 2, "{weekends:?}");
    assert_eq!(weekends[0].weekend, prev_sat.to_string());
    assert_eq!(weekends[0].cleanups, 1);
    assert_eq!(weekends[1].weekend, sat.to_string());
    assert_eq!(weekends[1].cleanups, 2);
    assert_eq!(weekends[1].participants, 94);
    assert_eq!(weekends[1].waste_kg, 700.0);

    let cov = s.covenant_status("rach-sen").unwrap();
    assert_eq!(cov.len(), 5);
    assert!(cov.iter().all(|c| c.status.is_none()));
    s.create(covenant(CovenantStatus::InForce)).unwrap();
    let cov = s.covenant_status("rach-sen").unwrap();
    let mine = cov.iter().find(|c| c.area_id == AREA).unwrap();
    assert_eq!(mine.status, Some(CovenantStatus::InForce));
    assert!(mine.with_environment);
    assert_eq!(cov.iter().filter(|c| c.status.is_none()).count(), 4);

    let f = s.area_figures(AREA).unwrap();
    assert_eq!(
        (f.households, f.households_checked, f.households_sorting_all),
        (2, 2, 1)
    );
    assert_eq!(f.cleanups, 4);
    assert_eq!(f.covenant, Some(CovenantStatus::InForce));
}

fn review(s: &mut Store, id: &str, decision: Decision, reason: &str) {
    let heads = s.heads(id).unwrap();
    s.create(Review {
        record_id: id.into(),
        record_heads: heads,
        decision,
        reason: reason.into(),
        reviewer: "p-staff-1".into(),
    })
    .unwrap();
}

#[test]
fn review_status_follows_the_exact_version_reviewed() {
    let mut s = memory_store("p-volunteer-1");
    let id = s.create(household("Huỳnh Văn Sáu")).unwrap();
    assert_eq!(s.get::<Household>(&id).unwrap().status, ReviewStatus::Draft);
    s.submit::<Household>(&id).unwrap();
    assert_eq!(
        s.get::<Household>(&id).unwrap().status,
        ReviewStatus::AwaitingReview
    );
    review(&mut s, &id, Decision::Returned, "Sai địa chỉ");
    assert_eq!(
        s.get::<Household>(&id).unwrap().status,
        ReviewStatus::Returned
    );
    let attention = s.needs_attention(Some("p-volunteer-1")).unwrap();
    assert_eq!(attention.len(), 1);
    assert_eq!(attention[0].why, NeedsUser::Returned);
    // Fixing the record makes it await review again.
    s.update::<Household>(&id, |h| h.address = "Số 8, ấp Mỹ Hòa".into())
        .unwrap();
    assert_eq!(
        s.get::<Household>(&id).unwrap().status,
        ReviewStatus::AwaitingReview
    );
    review(&mut s, &id, Decision::Approved, "");
    assert_eq!(
        s.get::<Household>(&id).unwrap().status,
        ReviewStatus::Approved
    );
    assert!(s.needs_attention(Some("p-volunteer-1")).unwrap().is_empty());
    // An edit after approval is visible, and the record needs review again.
    s.update::<Household>(&id, |h| h.members = 6).unwrap();
    assert_eq!(
        s.get::<Household>(&id).unwrap().status,
        ReviewStatus::ChangedSinceApproval
    );
    // Saving the same values makes no new version and keeps the status.
    let before = s.heads(&id).unwrap();
    s.update::<Household>(&id, |h| h.members = 6).unwrap();
    assert_eq!(s.heads(&id).unwrap(), before);
}

#[test]
fn concurrent_edits_of_one_household_merge_and_report_conflicts() {
    let mut a = memory_store("p-volunteer-1");
    let mut b = memory_store("p-volunteer-2");
    let id = a.create(household("Phan Văn Tám")).unwrap();
    b.apply_remote(&id, &a.changes_of(&id).unwrap()).unwrap();
    // Different fields on the two phones merge without conflict.
    a.update::<Household>(&id, |h| h.members = 7).unwrap();
    b.update::<Household>(&id, |h| h.note = "Có nuôi heo".into())
        .unwrap();
    // The same field set differently on both is a conflict.
    a.update::<Household>(&id, |h| h.address = "Số 1".into())
        .unwrap();
    b.update::<Household>(&id, |h| h.address = "Số 2".into())
        .unwrap();
    a.apply_remote(&id, &b.changes_of(&id).unwrap()).unwrap();
    b.apply_remote(&id, &a.changes_of(&id).unwrap()).unwrap();
    let (ra, rb) = (
        a.get::<Household>(&id).unwrap(),
        b.get::<Household>(&id).unwrap(),
    );
    assert_eq!(ra.body, rb.body);
    assert_eq!(ra.heads, rb.heads);
    assert_eq!((ra.body.members, ra.body.note.as_str()), (7, "Có nuôi heo"));
    assert_eq!(ra.conflicts.len(), 1, "{:?}", ra.conflicts);
    assert_eq!(ra.conflicts[0].field, "data.address");
    let mut vals = ra.conflicts[0].values.clone();
    vals.sort();
    assert_eq!(vals, vec!["Số 1", "Số 2"]);
    assert_eq!(ra.conflicts, rb.conflicts);
    assert!(a
        .needs_attention(None)
        .unwrap()
        .iter()
        .any(|x| x.id == id && x.why == NeedsUser::Conflict));
    // An edit of another field leaves the conflict for a person to resolve...
    a.update::<Household>(&id, |h| h.members = 8).unwrap();
    assert_eq!(a.get::<Household>(&id).unwrap().conflicts.len(), 1);
    // ...and choosing a value resolves it, even the value shown by default.
    let shown = a.get::<Household>(&id).unwrap().body.address;
    a.resolve_conflicts::<Household>(&id, |h| h.address = shown.clone())
        .unwrap();
    assert_eq!(a.get::<Household>(&id).unwrap().body.address, shown);
    assert!(a.get::<Household>(&id).unwrap().conflicts.is_empty());
}

#[test]
fn bad_remote_bytes_are_refused_and_harm_nothing() {
    let mut a = memory_store("p-volunteer-1");
    let id = a.create(household("Mai Văn Chín")).unwrap();
    let before = a.projection_dump().unwrap();
    assert!(a.apply_remote(&id, &[vec![1, 2, 3]]).is_err());
    assert!(a
        .apply_remote("not-a-uuid", &a.changes_of(&id).unwrap())
        .is_err());
    let mut truncated = a.changes_of(&id).unwrap();
    let n = truncated[0].len() / 2;
    truncated[0].truncate(n);
    assert!(a.apply_remote(&id, &truncated).is_err());
    assert_eq!(a.projection_dump().unwrap(), before);
    assert_eq!(
        a.get::<Household>(&id).unwrap().body.head_name,
        "Mai Văn Chín"
    );
}

#[test]
fn a_database_from_a_newer_version_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.db");
    {
        let mut s = store_in(dir.path(), "phone.db");
        s.create(household("Tạ Văn Một")).unwrap();
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    match Store::open(&path, reference()) {
        Err(Error::SchemaTooNew { found: 99, .. }) => {}
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("a newer database must not be opened"),
    }
}

#[test]
fn changed_projection_version_rebuilds_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phone.db");
    let id;
    {
        let mut s = store_in(dir.path(), "phone.db");
        id = s.create(household("Lý Thị Hai")).unwrap();
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE device SET value = '0' WHERE key = 'projection_version'",
        [],
    )
    .unwrap();
    conn.execute("DELETE FROM households", []).unwrap();
    drop(conn);
    let s = store_in(dir.path(), "phone.db");
    let page = s.households(AREA, "ly thi", None, 10).unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, id);
}

#[test]
fn every_saved_change_waits_in_the_outbox_until_acknowledged() {
    let mut s = memory_store("p-volunteer-1");
    let id = s.create(household("Cao Văn Năm")).unwrap();
    s.update::<Household>(&id, |h| h.members = 2).unwrap();
    s.submit::<Household>(&id).unwrap();
    let out = s.outbox(100).unwrap();
    assert_eq!(out.len(), 3);
    assert!(out.iter().all(|e| e.doc_id == id));
    // Another store rebuilds the record from the outbox alone.
    let mut other = memory_store("p-volunteer-2");
    for e in &out {
        other
            .apply_remote(&e.doc_id, std::slice::from_ref(&e.bytes))
            .unwrap();
    }
    assert_eq!(
        other.get::<Household>(&id).unwrap().body,
        s.get::<Household>(&id).unwrap().body
    );
    let acked = s
        .acknowledge(&[out[0].hash.clone(), out[1].hash.clone()])
        .unwrap();
    assert_eq!(acked, 2);
    assert_eq!(s.outbox_len().unwrap(), 1);
    // The exported file is a standard Automerge document.
    let bytes = s.export_automerge(&id).unwrap();
    let doc = automerge::Automerge::load(&bytes).unwrap();
    use automerge::ReadDoc;
    assert!(doc.get(automerge::ROOT, "data").unwrap().is_some());
}

#[test]
fn many_edits_are_compacted_into_a_snapshot_without_losing_any() {
    let dir = tempfile::tempdir().unwrap();
    let id;
    {
        let mut s = store_in(dir.path(), "phone.db");
        id = s.create(household("Ngô Văn Mười")).unwrap();
        for i in 0..120u32 {
            s.update::<Household>(&id, |h| h.note = format!("Lần ghé thăm thứ {i}"))
                .unwrap();
        }
        let (snapshot, chunks) = s.document_storage(&id).unwrap();
        assert!(snapshot > 0, "chunks were folded into a snapshot");
        assert!(chunks < 60, "{chunks} chunks left after 120 edits");
    }
    let s = store_in(dir.path(), "phone.db");
    let h = s.get::<Household>(&id).unwrap();
    assert_eq!(h.body.note, "Lần ghé thăm thứ 119");
    assert_eq!(
        s.changes_of(&id).unwrap().len(),
        121,
        "every change is kept"
    );
}

#[test]
fn a_change_that_arrives_before_its_parent_waits_even_through_compaction() {
    let mut a = memory_store("p-volunteer-1");
    let id = a.create(household("Trương Thị Út")).unwrap();
    a.update::<Household>(&id, |h| h.members = 3).unwrap();
    let changes = a.changes_of(&id).unwrap();
    let mut b = memory_store("p-volunteer-2");
    // The edit arrives first: nothing to show yet, but it is kept.
    let applied = b.apply_remote(&id, &changes[1..]).unwrap();
    assert!(!applied.complete);
    assert!(b.households(AREA, "", None, 10).unwrap().items.is_empty());
    b.compact(&id).unwrap();
    // Then the creation arrives, and the record is whole, edit included.
    let applied = b.apply_remote(&id, &changes[..1]).unwrap();
    assert!(applied.complete);
    assert_eq!(b.get::<Household>(&id).unwrap().body.members, 3);
    assert_eq!(b.households(AREA, "", None, 10).unwrap().items.len(), 1);
}

#[test]
fn history_says_which_fields_each_change_set() {
    let mut s = memory_store("p-volunteer-1");
    let id = s.create(household("Lưu Văn Tám")).unwrap();
    let created = s.heads(&id).unwrap();
    s.update::<Household>(&id, |h| {
        h.members = 6;
        h.note = "Nhà có người già".into();
    })
    .unwrap();
    let edited = s.heads(&id).unwrap();
    let doc = sachxanh_core::document::RecordDoc::load(
        [s.export_automerge(&id).unwrap().as_slice()],
        &automerge::ActorId::random(),
    )
    .unwrap();
    assert_eq!(
        doc.fields_changed_by(&edited[0]),
        vec!["data.members", "data.note"]
    );
    let first = doc.fields_changed_by(&created[0]);
    assert!(first.contains(&"data.head_name".to_string()), "{first:?}");
    assert!(doc.fields_changed_by("not-a-hash").is_empty());
}

#[test]
fn the_outbox_lists_my_records_and_what_still_waits_to_be_sent() {
    let mut s = memory_store("p-volunteer-1");
    let first = s.create(household("Lâm Văn Chín")).unwrap();
    let second = s.create(household("Tạ Thị Mười")).unwrap();
    s.submit::<Household>(&second).unwrap();
    let mine = s.records_of("p-volunteer-1").unwrap();
    assert_eq!(
        mine.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [first.as_str(), second.as_str()]
    );
    assert!(mine.iter().all(|r| r.unsent));
    assert_eq!(mine[1].status, ReviewStatus::AwaitingReview);
    assert!(s.records_of("p-volunteer-2").unwrap().is_empty());
    // Once the server has every change of the first record, it no longer waits.
    let hashes: Vec<String> = s
        .outbox(1000)
        .unwrap()
        .into_iter()
        .filter(|c| c.doc_id == first)
        .map(|c| c.hash)
        .collect();
    s.acknowledge(&hashes).unwrap();
    let mine = s.records_of("p-volunteer-1").unwrap();
    assert!(!mine[0].unsent);
    assert!(mine[1].unsent);
}

#[test]
fn the_campaign_s_other_records_are_created_edited_and_reopened_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (cp, bs, br, sm);
    {
        let mut s = store_in(dir.path(), "phone.db");
        cp = s.create(collection_point(false)).unwrap();
        s.update::<CollectionPoint>(&cp, |c| c.enclosed = true)
            .unwrap();
        bs = s.create(black_spot(SpotStatus::Reported)).unwrap();
        s.update::<BlackSpot>(&bs, |b| {
            b.status = SpotStatus::Verified;
            b.verified_date = Some(days_ago(25));
        })
        .unwrap();
        br = s.create(briefing(40)).unwrap();
        s.update::<Briefing>(&br, |b| b.attendance = 45).unwrap();
        sm = s.create(self_managed_model(ModelStatus::Active)).unwrap();
        s.update::<SelfManagedModel>(&sm, |m| m.members = 20)
            .unwrap();
    }
    let s = store_in(dir.path(), "phone.db");
    assert!(s
        .get::<CollectionPoint>(&cp)
        .unwrap()
        .body
        .meets_requirements());
    let spot = s.get::<BlackSpot>(&bs).unwrap().body;
    assert_eq!(
        (spot.status, spot.verified_date),
        (SpotStatus::Verified, Some(days_ago(25)))
    );
    assert_eq!(s.get::<Briefing>(&br).unwrap().body.attendance, 45);
    assert_eq!(s.get::<SelfManagedModel>(&sm).unwrap().body.members, 20);
    // The outbox names each of them in words a volunteer recognises, in both languages: the
    // kind's module words its titles, never a raw code.
    let titles: Vec<(RecordKind, String, String)> = s
        .records_of("p-volunteer-1")
        .unwrap()
        .into_iter()
        .map(|r| (r.kind, r.title.vi, r.title.en))
        .collect();
    let shown = |d: Day| d.shown();
    assert_eq!(
        titles,
        [
            (
                RecordKind::CollectionPoint,
                "Điểm tập kết đầu cầu Mỹ Hòa · đạt yêu cầu".to_owned(),
                "Điểm tập kết đầu cầu Mỹ Hòa · meets requirements".to_owned(),
            ),
            (
                RecordKind::BlackSpot,
                format!("Bãi rác tự phát · {} · Đã xác minh", shown(days_ago(30))),
                format!("Spontaneous dump · {} · Verified", shown(days_ago(30))),
            ),
            (
                RecordKind::Briefing,
                format!("{} · Người dân · 45 người", shown(days_ago(5))),
                format!("{} · Residents · 45 people", shown(days_ago(5))),
            ),
            (
                RecordKind::SelfManagedModel,
                "Tổ phụ nữ tự quản bến sông Mỹ Hòa · Đang hoạt động · 20 thành viên".to_owned(),
                "Tổ phụ nữ tự quản bến sông Mỹ Hòa · Active · 20 members".to_owned(),
            ),
        ]
    );
    // Their projection rows are derived from the documents like every other kind's.
    let live = s.projection_dump().unwrap();
    assert!(live.iter().any(|r| r.starts_with("black_spots|")));
    s.rebuild_projections().unwrap();
    assert_eq!(s.projection_dump().unwrap(), live);
}

#[test]
fn only_photos_a_saved_record_uses_are_sent_and_a_mistaken_one_can_be_forgotten() {
    use sachxanh_core::photo::PhotoSettings;
    let mut s = memory_store("p-volunteer-1");
    let jpeg = |shade: u8| {
        let img = image::RgbImage::from_fn(320, 240, |x, y| {
            image::Rgb([shade, (x % 256) as u8, (y % 256) as u8])
        });
        let mut out = vec![];
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .unwrap();
        out
    };
    let kept = s.add_photo(&jpeg(10), PhotoSettings::default()).unwrap();
    let mistake = s.add_photo(&jpeg(200), PhotoSettings::default()).unwrap();
    assert!(s.has_photo(&kept.sha256).unwrap());
    // Taken, but no saved record uses them yet: nothing waits to be sent.
    assert_eq!(s.photos_waiting().unwrap(), 0);
    let mut c = cleanup(last_saturday());
    c.photos = vec![
        PhotoRef {
            sha256: kept.sha256.clone(),
            stage: PhotoStage::Before,
        },
        PhotoRef {
            sha256: mistake.sha256.clone(),
            stage: PhotoStage::After,
        },
    ];
    let id = s.create(c).unwrap();
    assert_eq!(s.photos_waiting().unwrap(), 2);
    // A photo a record uses cannot be forgotten...
    assert!(!s.discard_photo(&mistake.sha256).unwrap());
    // ...until the record no longer uses it; then it is never sent.
    s.update::<Cleanup>(&id, |c| c.photos.retain(|p| p.stage == PhotoStage::Before))
        .unwrap();
    let pending: Vec<String> = s
        .photos_to_upload()
        .unwrap()
        .into_iter()
        .map(|p| p.sha256)
        .collect();
    assert_eq!(pending, vec![kept.sha256.clone()]);
    assert!(s.discard_photo(&mistake.sha256).unwrap());
    assert!(!s.has_photo(&mistake.sha256).unwrap());
    assert!(s.has_photo(&kept.sha256).unwrap());
    // Once the server holds a photo it is kept for viewing and is not "waiting" any more.
    s.photo_uploaded(&kept.sha256).unwrap();
    assert_eq!(s.photos_waiting().unwrap(), 0);
    assert!(!s.discard_photo(&kept.sha256).unwrap());
}
