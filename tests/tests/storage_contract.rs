//! The storage contract: the same cases against the storage traits directly, on whichever
//! backend this run uses — SQLite by default, PostgreSQL under `scripts/with-postgres` (the test
//! command runs both). What the server keeps is written once (`server/src/storage/`); these
//! cases pin down what each backend must do alike.

use sachxanh_core::model::review::ReviewFact;
use sachxanh_core::model::{
    AnyRecord, AuditAction, Decision, Household, Lifecycle, RecordKind, Review, ReviewStatus, Role,
};
use sachxanh_server::storage::*;
use sachxanh_tests::Database;

fn storage() -> (std::sync::Arc<dyn Storage>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (Database::fresh(dir.path()).open(), dir)
}

fn person(id: &str, commune: &str, role: Role, areas: &[&str]) -> Person {
    Person {
        id: id.into(),
        name: format!("Người {id}"),
        role,
        commune_id: commune.into(),
        areas: areas.iter().map(|a| a.to_string()).collect(),
    }
}

fn device(id: &str, p: &Person) -> Device {
    Device {
        id: id.into(),
        person: p.clone(),
        actor_id: Some(format!("{:0>32}", id.len())),
    }
}

fn row(id: &str, kind: &str, area: &str, commune: &str, status: &str, day: &str) -> RecordRow {
    let record = match RecordKind::parse(kind).unwrap() {
        RecordKind::Review => AnyRecord::Review(Review {
            record_id: id.into(),
            record_heads: vec!["aa".into()],
            decision: Decision::Approved,
            reason: String::new(),
            reviewer: "p-a".into(),
        }),
        _ => AnyRecord::Household(Household {
            area_id: area.into(),
            address: "Số 1".into(),
            head_name: format!("Hộ {id}"),
            members: 2,
            location: None,
            note: String::new(),
        }),
    };
    RecordRow {
        id: id.into(),
        area_id: Some(area.into()),
        commune_id: Some(commune.into()),
        author: "p-a".into(),
        created_at: 1,
        state: Lifecycle::Submitted,
        heads: vec!["aa".into()],
        review_status: ReviewStatus::parse(status).unwrap(),
        day: day.into(),
        record,
        updated_seq: 0,
    }
}

/// Appends a record with `n` changes of `size` bytes, as one accepted push.
fn append(s: &dyn Storage, d: &Device, r: RecordRow, n: usize, size: usize) {
    let commune = r.commune_id.clone().unwrap_or_default();
    let mut tx = s.begin(&commune).unwrap();
    let changes = (0..n)
        .map(|i| (format!("{}-{i}", r.id), vec![i as u8; size]))
        .collect();
    tx.append(
        d,
        &Accepted {
            row: r,
            changes,
            snapshot: vec![1, 2, 3],
            action: AuditAction::Create,
            review: None,
            reviewed_record: None,
        },
    )
    .unwrap();
    tx.commit().unwrap();
}

#[test]
fn people_codes_devices_and_sessions() {
    let (s, _dir) = storage();
    let p = person("p-a", "rach-sen", Role::Volunteer, &["rs-ap-my-hoa"]);
    s.add_person(&p).unwrap();
    assert_eq!(s.person("p-a").unwrap(), Some(p.clone()));
    assert_eq!(s.person("p-none").unwrap(), None);
    let salt = s.deployment_salt().unwrap();
    assert_eq!(salt.len(), 16);
    assert_eq!(s.deployment_salt().unwrap(), salt, "made once");

    let now = chrono::Utc::now().timestamp_millis();
    s.add_enrolment_code("h1", "p-a", now + 1000).unwrap();
    let hashes = vec!["h1".to_string()];
    assert_eq!(
        s.redeem_code(&hashes, "d1", "t1", "actor1", now).unwrap(),
        Some(p.clone())
    );
    // The same phone asking again at once gets a new token; another actor never does.
    assert!(s
        .redeem_code(&hashes, "d2", "t2", "actor2", now + 1)
        .unwrap()
        .is_none());
    assert!(s
        .redeem_code(&hashes, "d1b", "t1b", "actor1", now + 2)
        .unwrap()
        .is_some());
    assert!(s.device_by_token("t1", now).unwrap().is_none(), "replaced");
    let d = s.device_by_token("t1b", now + 3).unwrap().expect("device");
    assert_eq!(d.person, p);
    // Used: now nobody can ask again.
    assert!(s
        .redeem_code(&hashes, "d1c", "t1c", "actor1", now + 4)
        .unwrap()
        .is_none());
    // Expired codes are never redeemed.
    s.add_enrolment_code("h2", "p-a", now - 1).unwrap();
    assert!(s
        .redeem_code(&["h2".into()], "d3", "t3", "actor3", now)
        .unwrap()
        .is_none());

    // Revoking is per commune; it ends sessions.
    s.start_session("s1", &d.id, now + 10_000).unwrap();
    assert_eq!(s.session_device("s1", now).unwrap(), Some(d.clone()));
    assert_eq!(
        s.session_device("s1", now + 20_000).unwrap(),
        None,
        "expired"
    );
    let elsewhere = device("d-cs", &person("p-cs", "con-sen", Role::CommuneStaff, &[]));
    let staff = device("d-rs", &person("p-rs", "rach-sen", Role::CommuneStaff, &[]));
    assert!(!s.revoke_device(&elsewhere, &d.id).unwrap());
    assert!(!s.token_revoked("t1b").unwrap());
    assert!(s.revoke_device(&staff, &d.id).unwrap());
    assert!(s.device_by_token("t1b", now).unwrap().is_none());
    assert!(s.token_revoked("t1b").unwrap(), "the phone is told why");
    assert!(!s.token_revoked("t-unknown").unwrap());
    assert_eq!(s.session_device("s1", now).unwrap(), None);
    // The revoked phone enrols again with a new code and keeps its actor id (its unsent
    // records were made under it); a live phone's actor id is never handed over.
    s.add_enrolment_code("h3", "p-a", now + 1000).unwrap();
    assert!(s
        .redeem_code(&["h3".into()], "d4", "t4", "actor1", now + 5)
        .unwrap()
        .is_some());
    assert_eq!(
        s.device_by_token("t4", now + 6).unwrap().unwrap().actor_id,
        Some("actor1".into())
    );
    s.add_enrolment_code("h4", "p-a", now + 1000).unwrap();
    assert!(matches!(
        s.redeem_code(&["h4".into()], "d5", "t5", "actor1", now + 7),
        Err(StorageError::Conflict(_))
    ));

    // What phones report at a pull, as staff see it: the old phone revoked, the new one live.
    s.report_sync(
        "d4",
        now + 8,
        &SyncReport {
            app_version: Some("1.2.0".into()),
            records_waiting: Some(3),
        },
    )
    .unwrap();
    s.report_sync("d4", now + 9, &SyncReport::default())
        .unwrap();
    let people = s.people_of("rach-sen").unwrap();
    assert_eq!(people.len(), 1);
    let phones = &people[0].phones;
    assert_eq!(phones.len(), 2, "{phones:?}");
    assert_eq!(phones[0].device_id, "d4", "newest first");
    assert_eq!(phones[0].last_sync_at, Some(now + 9));
    assert_eq!(
        phones[0].app_version.as_deref(),
        Some("1.2.0"),
        "kept when not said"
    );
    assert_eq!(phones[0].records_waiting, Some(3));
    assert_eq!(phones[0].revoked_at, None);
    assert!(phones[1].revoked_at.is_some());
    assert!(s.people_of("con-sen").unwrap().is_empty());

    // Moving a person: only within the staff member's commune, and on the audit trail.
    let areas = vec!["rs-ap-my-hoa".to_string(), "rs-ap-tan-loc".to_string()];
    assert!(!s.set_areas(&elsewhere, "p-a", &areas).unwrap());
    assert!(s.set_areas(&staff, "p-a", &areas).unwrap());
    assert_eq!(s.person("p-a").unwrap().unwrap().areas, areas);
    let trail: Vec<AuditAction> = s
        .audit_of("p-a")
        .unwrap()
        .iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(trail, [AuditAction::RevokePhone, AuditAction::MoveAreas]);
    s.add_device("d-staff", "p-a", "t-staff", None).unwrap();
    s.start_session("s2", "d-staff", now + 10_000).unwrap();
    s.end_session("s2").unwrap();
    assert_eq!(s.session_device("s2", now).unwrap(), None, "ended");
}

#[test]
fn the_feed_pages_by_scope_and_size_and_remembers_batches() {
    let (s, _dir) = storage();
    let pa = person("p-a", "rach-sen", Role::Volunteer, &["rs-ap-my-hoa"]);
    let pb = person("p-b", "con-sen", Role::Volunteer, &["cs-kv-1"]);
    let (da, db) = (device("da", &pa), device("db", &pb));
    append(
        s.as_ref(),
        &da,
        row(
            "r1",
            "household",
            "rs-ap-my-hoa",
            "rach-sen",
            "draft",
            "2026-01-01",
        ),
        3,
        100,
    );
    append(
        s.as_ref(),
        &db,
        row(
            "r2",
            "household",
            "cs-kv-1",
            "con-sen",
            "draft",
            "2026-01-02",
        ),
        2,
        100,
    );
    append(
        s.as_ref(),
        &db,
        row(
            "r3",
            "household",
            "rs-ap-my-hoa",
            "rach-sen",
            "draft",
            "2026-01-03",
        ),
        1,
        100,
    );
    // A phone of Mỹ Hòa pulls what others wrote there, never its own, never elsewhere.
    let page = s
        .pull(
            &PullScope::Areas(vec!["rs-ap-my-hoa".into()]),
            "da",
            0,
            100,
            1 << 20,
        )
        .unwrap();
    let ids: Vec<&str> = page.entries.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, vec!["r3"]);
    assert!(!page.more);
    assert_eq!(page.cursor, 6, "moved to the log's end");
    // Pages by count and by bytes, without losing or repeating an entry.
    let mut seen = vec![];
    let mut cursor = 0;
    loop {
        let p = s.pull(&PullScope::All, "nobody", cursor, 2, 250).unwrap();
        assert!(p.entries.len() <= 2);
        seen.extend(p.entries.iter().map(|(id, _)| id.clone()));
        cursor = p.cursor;
        if !p.more {
            break;
        }
    }
    assert_eq!(seen, vec!["r1", "r1", "r1", "r2", "r2", "r3"]);
    let commune = s
        .pull(
            &PullScope::Commune("con-sen".into()),
            "nobody",
            0,
            100,
            1 << 20,
        )
        .unwrap();
    assert_eq!(commune.entries.len(), 2);
    // No areas at all: nothing.
    let none = s
        .pull(&PullScope::Areas(vec![]), "nobody", 0, 100, 1 << 20)
        .unwrap();
    assert!(none.entries.is_empty());
    assert_eq!(s.changes_of("r1").unwrap().len(), 3);
    assert_eq!(s.snapshot("r1").unwrap(), Some(vec![1, 2, 3]));
    assert_eq!(s.counts().unwrap(), (3, 6, 0));

    // A push holds its commune's lock and may write that commune's records only.
    let mut tx = s.begin("con-sen").unwrap();
    let stray = Accepted {
        row: row(
            "r9",
            "household",
            "rs-ap-my-hoa",
            "rach-sen",
            "draft",
            "2026-03-01",
        ),
        changes: vec![("r9-0".into(), vec![1])],
        snapshot: vec![1],
        action: AuditAction::Create,
        review: None,
        reviewed_record: None,
    };
    assert!(tx.append(&da, &stray).is_err());
    drop(tx);
    assert_eq!(s.counts().unwrap(), (3, 6, 0));

    let mut tx = s.begin("rach-sen").unwrap();
    assert_eq!(tx.batch_answer("da", "b1").unwrap(), None);
    let answer = BatchAnswer {
        answer: vec![9],
        fingerprint: "f".into(),
    };
    tx.save_batch_answer("da", "b1", &answer).unwrap();
    assert_eq!(tx.record_of_change("r2-0").unwrap().as_deref(), Some("r2"));
    tx.commit().unwrap();
    let mut tx = s.begin("rach-sen").unwrap();
    assert_eq!(tx.batch_answer("da", "b1").unwrap(), Some(answer));
    // Dropped without commit: nothing of it stays.
    tx.set_review_status("r1", ReviewStatus::Approved).unwrap();
    drop(tx);
    assert_eq!(
        s.record("r1").unwrap().unwrap().review_status,
        ReviewStatus::Draft
    );
}

#[test]
fn reviews_and_the_queue_are_read_in_the_database() {
    let (s, _dir) = storage();
    let p = person("p-a", "rach-sen", Role::CommuneStaff, &[]);
    s.add_person(&p).unwrap();
    let d = device("da", &p);
    for (id, status, day) in [
        (
            "00000000-0000-7000-8000-000000000003",
            "awaiting_review",
            "2026-03-01",
        ),
        (
            "00000000-0000-7000-8000-000000000001",
            "awaiting_review",
            "2026-03-01",
        ),
        (
            "00000000-0000-7000-8000-000000000002",
            "approved",
            "2026-02-01",
        ),
        (
            "00000000-0000-7000-8000-000000000004",
            "changed_since_approval",
            "2026-01-01",
        ),
    ] {
        append(
            s.as_ref(),
            &d,
            row(id, "household", "rs-ap-my-hoa", "rach-sen", status, day),
            1,
            10,
        );
    }
    append(
        s.as_ref(),
        &d,
        row(
            "00000000-0000-7000-8000-000000000009",
            "household",
            "cs-kv-1",
            "con-sen",
            "awaiting_review",
            "2026-01-01",
        ),
        1,
        10,
    );
    let filter = |after: Option<(String, String)>, limit| QueueFilter {
        scope: PullScope::Commune("rach-sen".into()),
        kind: None,
        area_id: None,
        statuses: vec![
            ReviewStatus::AwaitingReview,
            ReviewStatus::ChangedSinceApproval,
        ],
        from: None,
        to: None,
        after,
        limit,
    };
    let first = s.queue(&filter(None, 2)).unwrap();
    let ids: Vec<&str> = first.iter().map(|l| &l.row.id[34..]).collect();
    assert_eq!(ids, vec!["04", "01"], "by day, then id");
    assert_eq!(first[0].author_name, "Người p-a");
    let last = first.last().unwrap();
    let rest = s
        .queue(&filter(
            Some((last.row.day.clone(), last.row.id.clone())),
            10,
        ))
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert!(rest[0].row.id.ends_with("03"));
    let march = s
        .queue(&QueueFilter {
            from: Some("2026-02-15".into()),
            to: Some("2026-03-31".into()),
            ..filter(None, 10)
        })
        .unwrap();
    assert_eq!(march.len(), 2);

    // A review, found by the record it reviews.
    let target = "00000000-0000-7000-8000-000000000001";
    let mut tx = s.begin("rach-sen").unwrap();
    tx.append(
        &d,
        &Accepted {
            row: row(
                "rv-1",
                "review",
                "rs-ap-my-hoa",
                "rach-sen",
                "approved",
                "2026-03-02",
            ),
            changes: vec![("rv-1-0".into(), vec![1])],
            snapshot: vec![1],
            action: AuditAction::Review,
            review: Some(ReviewFact {
                id: "rv-1".into(),
                created_at: 5,
                heads: vec!["aa".into()],
                decision: Decision::Returned,
            }),
            reviewed_record: Some(target.into()),
        },
    )
    .unwrap();
    let facts = tx.reviews_of(target).unwrap();
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].decision, Decision::Returned);
    tx.commit().unwrap();
    assert_eq!(s.reviews_of_record(target).unwrap()[0].id, "rv-1");
    let approved = s
        .records(&RecordFilter {
            review_status: Some(ReviewStatus::Approved),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(approved.len(), 2);
}

#[test]
fn photo_uploads_belong_to_their_device() {
    let (s, _dir) = storage();
    let sha = "a".repeat(64);
    assert_eq!(s.photo_held(&sha, "d1", "c1").unwrap(), PhotoHeld::Nothing);
    assert_eq!(
        s.append_photo_part(&sha, 0, 10, &[1; 4], "d1", "c1")
            .unwrap(),
        PartOutcome::Appended(4)
    );
    // Another device starts its own upload of the same photo; d1's is untouched.
    assert_eq!(s.photo_held(&sha, "d2", "c2").unwrap(), PhotoHeld::Nothing);
    assert_eq!(
        s.append_photo_part(&sha, 0, 10, &[2; 3], "d2", "c2")
            .unwrap(),
        PartOutcome::Appended(3)
    );
    assert_eq!(
        s.append_photo_part(&sha, 2, 10, &[1; 2], "d1", "c1")
            .unwrap(),
        PartOutcome::Mismatch(PhotoHeld::Partial {
            received: 4,
            total: 10
        })
    );
    assert_eq!(
        s.append_photo_part(&sha, 4, 10, &[1; 6], "d1", "c1")
            .unwrap(),
        PartOutcome::Appended(10)
    );
    assert_eq!(s.photo_upload(&sha, "d1").unwrap(), vec![1; 10]);
    s.complete_photo(&sha, &[1; 10], "c1", "d1").unwrap();
    assert_eq!(
        s.photo_held(&sha, "d9", "c1").unwrap(),
        PhotoHeld::Complete { size: 10 },
        "held for the commune"
    );
    assert_eq!(
        s.photo_held(&sha, "d2", "c2").unwrap(),
        PhotoHeld::Partial {
            received: 3,
            total: 10
        }
    );
    let kept = s.photo(&sha).unwrap().unwrap();
    assert_eq!(kept.communes, vec!["c1".to_string()]);
    s.discard_photo_upload(&sha, "d2").unwrap();
    assert_eq!(s.photo_held(&sha, "d2", "c2").unwrap(), PhotoHeld::Nothing);
    // At most a few unfinished uploads per device; old ones are swept.
    for i in 0..MAX_UPLOADS_PER_DEVICE {
        let other = format!("{i:064}");
        assert!(matches!(
            s.append_photo_part(&other, 0, 10, &[1], "d3", "c1")
                .unwrap(),
            PartOutcome::Appended(1)
        ));
    }
    assert_eq!(
        s.append_photo_part(&"f".repeat(64), 0, 10, &[1], "d3", "c1")
            .unwrap(),
        PartOutcome::TooManyUploads
    );
    let swept = s
        .sweep_photo_uploads(chrono::Utc::now().timestamp_millis() + 1)
        .unwrap();
    assert_eq!(swept, MAX_UPLOADS_PER_DEVICE as u64);
    assert!(matches!(
        s.append_photo_part(&"f".repeat(64), 0, 10, &[1], "d3", "c1")
            .unwrap(),
        PartOutcome::Appended(1)
    ));
}

#[test]
fn area_versions_are_saved_in_order_with_who_and_the_people_of_a_merged_area_move() {
    let (s, _dir) = storage();
    let staff = person("staff", "c1", Role::CommuneStaff, &[]);
    let by = device("d-staff", &staff);
    s.add_person(&staff).unwrap();
    let both = person("both", "c1", Role::AreaHead, &["a1", "a2"]);
    let one = person("one", "c1", Role::Volunteer, &["a1"]);
    let elsewhere = person("else", "c2", Role::Volunteer, &["a1"]);
    for p in [&both, &one, &elsewhere] {
        s.add_person(p).unwrap();
    }
    assert_eq!(s.latest_areas().unwrap(), None);
    assert_eq!(s.areas_version().unwrap(), 0);
    let summary = sachxanh_core::i18n::Message::new("Khu vực ban đầu", "Areas at the start");
    let first = AreasChange {
        geojson: "{\"v\":1}",
        commune_id: None,
        subject: "",
        summary: &summary,
        moves: &[],
    };
    assert!(s.save_areas(None, 0, &first).unwrap());
    // A second save made from the same version loses: someone else saved first.
    assert!(!s.save_areas(None, 0, &first).unwrap());
    let merged = sachxanh_core::i18n::Message::new("Sáp nhập a1 vào a2", "Merged a1 into a2");
    let moves = [("a1".to_string(), "a2".to_string())];
    let merge = AreasChange {
        geojson: "{\"v\":2}",
        commune_id: Some("c1"),
        subject: "a1",
        summary: &merged,
        moves: &moves,
    };
    assert!(s.save_areas(Some(&by), 1, &merge).unwrap());
    assert_eq!(s.latest_areas().unwrap(), Some((2, "{\"v\":2}".into())));
    assert_eq!(s.areas_version().unwrap(), 2);
    // The people of the merged area now work in the other, once; another commune's are untouched.
    let areas = |id: &str| s.person(id).unwrap().unwrap().areas;
    assert_eq!(areas("both"), vec!["a2".to_string()]);
    assert_eq!(areas("one"), vec!["a2".to_string()]);
    assert_eq!(areas("else"), vec!["a1".to_string()]);
    assert!(s
        .audit_of("one")
        .unwrap()
        .iter()
        .any(|l| l.action == AuditAction::MoveAreas));
    // The commune's history: the merger, by whom; the starting file is no commune's change.
    let history = s.areas_history("c1", 10).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].version, 2);
    assert_eq!(history[0].by.as_deref(), Some("Người staff"));
    assert_eq!(history[0].summary, merged);
    assert!(s.areas_history("c2", 10).unwrap().is_empty());
}
