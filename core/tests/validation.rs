//! Every validation rule, as the person filling the form sees it: the field named, the message in
//! Vietnamese and in English, and nothing saved.

mod common;
use common::*;
use sachxanh_core::model::*;
use sachxanh_core::place::{Coord, Place};
use sachxanh_core::{Error, FieldError, Invalid, Rule, Store};

/// Saves `body`, expects it refused for `field` with `rule`, and checks both messages.
fn refused<T: RecordBody>(s: &mut Store, body: T, field: &str, rule: Rule, vi: &str, en: &str) {
    let before = s.projection_dump().unwrap();
    let err = match s.create(body) {
        Err(Error::Invalid(inv)) => inv,
        Err(other) => panic!("{field}: expected a validation error, got {other}"),
        Ok(_) => panic!("{field}: expected {rule:?} to refuse the record"),
    };
    let hit: &FieldError = err
        .0
        .iter()
        .find(|e| e.field == field && e.rule == rule)
        .unwrap_or_else(|| panic!("{field}: {rule:?} not among {:?}", err.0));
    let m = hit.message_in(T::KIND);
    assert!(m.vi.contains(vi), "vi message {:?} lacks {vi:?}", m.vi);
    assert!(m.en.contains(en), "en message {:?} lacks {en:?}", m.en);
    assert_ne!(m.vi, m.en, "both languages are present");
    assert_eq!(s.projection_dump().unwrap(), before, "nothing saved");
}

fn store() -> Store {
    memory_store("p-volunteer-1")
}

#[test]
fn household_rules() {
    let mut s = store();
    let mut h = household("");
    refused(
        &mut s,
        h.clone(),
        "head_name",
        Rule::Required,
        "Họ tên chủ hộ: không được để trống",
        "Head of household: is required",
    );
    h.head_name = "A".repeat(121);
    refused(
        &mut s,
        h.clone(),
        "head_name",
        Rule::TooLong { max: 120 },
        "dài quá 120 ký tự",
        "longer than 120 characters",
    );
    h.head_name = "Nguyễn\u{0}Văn".into();
    refused(
        &mut s,
        h.clone(),
        "head_name",
        Rule::ControlCharacters,
        "ký tự điều khiển",
        "control characters",
    );
    let mut h = household("Nguyễn Văn Hai");
    h.members = 0;
    refused(
        &mut s,
        h.clone(),
        "members",
        Rule::OutOfRange {
            min: 1.0,
            max: 50.0,
        },
        "Số nhân khẩu: phải nằm trong khoảng 1 đến 50",
        "must be between 1 and 50",
    );
    let mut h = household("Nguyễn Văn Hai");
    h.area_id = "ap-khong-co".into();
    refused(
        &mut s,
        h.clone(),
        "area_id",
        Rule::UnknownArea,
        "không thuộc danh sách ấp",
        "not an area of the commune",
    );
    let mut h = household("Nguyễn Văn Hai");
    h.location = Some(Coord::new(106.70, 10.77)); // Thành phố Hồ Chí Minh
    refused(
        &mut s,
        h.clone(),
        "location",
        Rule::OutsideCommune,
        "nằm ngoài địa bàn xã",
        "outside the commune",
    );
    h.location = Some(Coord::new(f64::NAN, 10.0));
    refused(
        &mut s,
        h,
        "location",
        Rule::InvalidCoordinate,
        "tọa độ không hợp lệ",
        "invalid coordinates",
    );
}

#[test]
fn sorting_check_rules() {
    let mut s = store();
    let house = s.create(household("Lâm Thị Bảy")).unwrap();
    let mut c = check(&house, true);
    c.check_date = days_ago(-5);
    refused(
        &mut s,
        c,
        "check_date",
        Rule::DateInFuture,
        "Ngày kiểm tra: không được là ngày trong tương lai",
        "cannot be a date in the future",
    );
    let mut c = check(&house, true);
    c.check_date = Day::ymd(2019, 6, 1).unwrap();
    refused(
        &mut s,
        c,
        "check_date",
        Rule::DateTooOld {
            earliest: "2020-01-01".into(),
        },
        "không được trước ngày 2020-01-01",
        "cannot be before 2020-01-01",
    );
    let c = check("0190f3b1-0000-7000-8000-000000000000", true);
    refused(
        &mut s,
        c,
        "household_id",
        Rule::UnknownRecord,
        "Hộ gia đình: không có trên máy này",
        "Household: is not on this phone",
    );
    let c = check("hộ số 5", true);
    refused(
        &mut s,
        c,
        "household_id",
        Rule::InvalidId,
        "mã không hợp lệ",
        "invalid identifier",
    );
    let mut c = check(&house, true);
    c.checked_by = " ".into();
    refused(
        &mut s,
        c,
        "checked_by",
        Rule::Required,
        "Người kiểm tra",
        "Checked by: is required",
    );
}

#[test]
fn cleanup_rules() {
    let mut s = store();
    let sat = last_saturday();
    let mut c = cleanup(sat);
    c.participants = Participants::default();
    refused(
        &mut s,
        c,
        "participants",
        Rule::NoParticipants,
        "ít nhất một người tham gia",
        "at least one participant",
    );
    let mut c = cleanup(sat);
    c.participants.youth_union = 50_000;
    refused(
        &mut s,
        c,
        "participants.youth_union",
        Rule::OutOfRange {
            min: 0.0,
            max: 5000.0,
        },
        "Đoàn Thanh niên: phải nằm trong khoảng 0 đến 5000",
        "must be between 0 and 5000",
    );
    let mut c = cleanup(sat);
    c.waste_kg = Some(250_000.0);
    refused(
        &mut s,
        c,
        "waste_kg",
        Rule::OutOfRange {
            min: 0.0,
            max: 100000.0,
        },
        "Khối lượng rác (kg)",
        "Waste collected (kg): must be between 0 and 100000",
    );
    let mut c = cleanup(sat);
    c.waste_kg = Some(-3.0);
    refused(
        &mut s,
        c,
        "waste_kg",
        Rule::OutOfRange {
            min: 0.0,
            max: 100000.0,
        },
        "phải nằm trong khoảng",
        "must be between",
    );
    let mut c = cleanup(sat);
    c.bags = Some(20_000);
    refused(
        &mut s,
        c,
        "bags",
        Rule::OutOfRange {
            min: 0.0,
            max: 10000.0,
        },
        "Số bao rác",
        "Bags of waste",
    );
    let mut c = cleanup(sat);
    (c.waste_kg, c.bags) = (None, None);
    refused(
        &mut s,
        c,
        "waste_kg",
        Rule::NothingCollectedRecorded,
        "ghi số kg hoặc số bao",
        "kilograms or bags",
    );
    let mut c = cleanup(sat);
    c.work = Work::default();
    refused(
        &mut s,
        c,
        "work",
        Rule::NoWorkSelected,
        "chọn ít nhất một nội dung",
        "at least one kind of work",
    );
    let mut c = cleanup(sat);
    c.place = Place::line(vec![Coord::new(105.63, 10.0)]);
    refused(
        &mut s,
        c,
        "place",
        Rule::InvalidGeometry,
        "đường cần ít nhất 2 điểm",
        "a line needs at least 2 points",
    );
    let mut c = cleanup(sat);
    c.place = Place::polygon(vec![
        Coord::new(105.63, 10.0),
        Coord::new(105.64, 10.0),
        Coord::new(105.90, 10.0),
    ]);
    refused(
        &mut s,
        c,
        "place",
        Rule::OutsideCommune,
        "nằm ngoài địa bàn",
        "outside the commune",
    );
    let mut c = cleanup(sat);
    c.place = Place::point(Coord::new(105.63, 95.0));
    refused(
        &mut s,
        c,
        "place",
        Rule::InvalidCoordinate,
        "tọa độ",
        "coordinates",
    );
    let mut c = cleanup(sat);
    c.photos[0].sha256 = "abc".into();
    refused(
        &mut s,
        c,
        "photos.0",
        Rule::InvalidHash,
        "SHA-256",
        "SHA-256 expected",
    );
    let mut c = cleanup(sat);
    c.photos = (0..21)
        .map(|_| PhotoRef {
            sha256: "b".repeat(64),
            stage: PhotoStage::After,
        })
        .collect();
    refused(
        &mut s,
        c,
        "photos",
        Rule::TooMany { max: 20 },
        "không được quá 20 mục",
        "more than 20 items",
    );
    let mut c = cleanup(sat);
    c.note = "x".repeat(2001);
    refused(
        &mut s,
        c,
        "note",
        Rule::TooLong { max: 2000 },
        "Ghi chú: dài quá 2000",
        "Note: is longer than 2000",
    );
    let mut c = cleanup(days_ago(-3));
    c.note = "Ra quân\ncả ấp".into(); // a newline in a note is fine; only the date is wrong
    refused(
        &mut s,
        c,
        "cleanup_date",
        Rule::DateInFuture,
        "Ngày ra quân",
        "Cleanup date",
    );
}

#[test]
fn covenant_rules() {
    let mut s = store();
    let mut c = covenant(CovenantStatus::InForce);
    c.in_force_date = None;
    refused(
        &mut s,
        c,
        "in_force_date",
        Rule::RequiredForStatus {
            status: CovenantStatus::InForce.label(),
        },
        "bắt buộc khi trạng thái là «Đang có hiệu lực»",
        "required when the status is",
    );
    let mut c = covenant(CovenantStatus::InForce);
    c.clauses.clear();
    refused(
        &mut s,
        c,
        "clauses",
        Rule::RequiredForStatus {
            status: CovenantStatus::InForce.label(),
        },
        "Điều khoản về môi trường",
        "Environmental clauses",
    );
    let mut c = covenant(CovenantStatus::Approved);
    c.approved_date = Some(days_ago(300)); // before drafting began
    refused(
        &mut s,
        c,
        "approved_date",
        Rule::DatesOutOfOrder,
        "không theo thứ tự",
        "out of order",
    );
    let mut c = covenant(CovenantStatus::Drafting);
    c.document_sha256 = Some("not-a-hash".into());
    refused(
        &mut s,
        c,
        "document_sha256",
        Rule::InvalidHash,
        "Ảnh văn bản đã ký",
        "Photo of the signed text",
    );
    let mut c = covenant(CovenantStatus::Drafting);
    c.clauses = (0..51).map(|i| format!("Điều {i}")).collect();
    refused(
        &mut s,
        c,
        "clauses",
        Rule::TooMany { max: 50 },
        "không được quá 50",
        "more than 50",
    );
}

#[test]
fn collection_point_rules() {
    let mut s = memory_store("p-head-1");
    let mut c = collection_point(true);
    c.name = "  ".into();
    refused(
        &mut s,
        c,
        "name",
        Rule::Required,
        "Tên điểm tập kết: không được để trống",
        "Name of the collection point: is required",
    );
    let mut c = collection_point(true);
    c.place = Place::point(Coord::new(106.7, 10.8));
    refused(
        &mut s,
        c,
        "place",
        Rule::OutsideCommune,
        "nằm ngoài địa bàn",
        "outside the commune",
    );
}

#[test]
fn black_spot_rules() {
    let mut s = store();
    let mut b = black_spot(SpotStatus::Verified);
    b.verified_date = None;
    refused(
        &mut s,
        b,
        "verified_date",
        Rule::RequiredForStatus {
            status: SpotStatus::Verified.label(),
        },
        "Ngày xác minh: bắt buộc khi trạng thái là «Đã xác minh»",
        "Verified on: is required when the status is",
    );
    // Cleaned needs a photo taken after the cleanup, as evidence.
    let mut b = black_spot(SpotStatus::Cleaned);
    b.photos.retain(|p| p.stage == PhotoStage::Before);
    refused(
        &mut s,
        b,
        "photos",
        Rule::RequiredForStatus {
            status: SpotStatus::Cleaned.label(),
        },
        "Ảnh trước và sau: bắt buộc khi trạng thái là «Đã thu dọn»",
        "Photos before and after: is required when the status is",
    );
    let mut b = black_spot(SpotStatus::Closed);
    b.closed_date = Some(days_ago(40));
    refused(
        &mut s,
        b,
        "closed_date",
        Rule::DatesOutOfOrder,
        "không theo thứ tự",
        "out of order",
    );
    let mut b = black_spot(SpotStatus::Reported);
    b.description = String::new();
    refused(
        &mut s,
        b,
        "description",
        Rule::Required,
        "Mô tả những gì thấy: không được để trống",
        "What was seen: is required",
    );
}

#[test]
fn briefing_and_model_rules() {
    let mut s = store();
    refused(
        &mut s,
        briefing(0),
        "attendance",
        Rule::OutOfRange {
            min: 1.0,
            max: 5000.0,
        },
        "Số người tham dự: phải nằm trong khoảng 1 đến 5000",
        "Attendance: must be between 1 and 5000",
    );
    let mut b = briefing(30);
    b.briefing_date = days_ago(-10);
    refused(
        &mut s,
        b,
        "briefing_date",
        Rule::DateInFuture,
        "Ngày phổ biến: không được là ngày trong tương lai",
        "Briefing date: cannot be a date in the future",
    );
    let mut s = memory_store("p-head-1");
    let mut m = self_managed_model(ModelStatus::Active);
    m.members = 0;
    refused(
        &mut s,
        m,
        "members",
        Rule::OutOfRange {
            min: 1.0,
            max: 10000.0,
        },
        "phải nằm trong khoảng 1 đến 10000",
        "must be between 1 and 10000",
    );
}

#[test]
fn review_rules() {
    let mut s = store();
    let house = s.create(household("Châu Văn Ba")).unwrap();
    let heads = s.heads(&house).unwrap();
    let r = Review {
        record_id: house.clone(),
        record_heads: heads.clone(),
        decision: Decision::Returned,
        reason: String::new(),
        reviewer: "p-staff-1".into(),
    };
    refused(
        &mut s,
        r.clone(),
        "reason",
        Rule::Required,
        "Lý do: không được để trống",
        "Reason: is required",
    );
    let mut bad = r.clone();
    bad.reason = "Thiếu ảnh".into();
    bad.record_heads = vec!["xyz".into()];
    refused(
        &mut s,
        bad,
        "record_heads",
        Rule::InvalidHash,
        "Phiên bản được duyệt",
        "Reviewed version",
    );
}

#[test]
fn an_edit_is_validated_too_and_leaves_the_record_as_it_was() {
    let mut s = store();
    let id = s.create(household("Kiều Thị Sáu")).unwrap();
    let err = s.update::<Household>(&id, |h| h.members = 500).unwrap_err();
    match err {
        Error::Invalid(Invalid(v)) => assert_eq!(v[0].field, "members"),
        other => panic!("{other}"),
    }
    assert_eq!(s.get::<Household>(&id).unwrap().body.members, 4);
    assert_eq!(s.outbox_len().unwrap(), 1, "no change was queued");
}

#[test]
fn a_form_with_several_mistakes_gets_all_of_them_at_once() {
    let mut s = store();
    let mut h = household("");
    h.address = String::new();
    h.members = 0;
    let err = match s.create(h) {
        Err(Error::Invalid(i)) => i,
        other => panic!("{other:?}"),
    };
    let fields: Vec<&str> = err.fields().collect();
    assert_eq!(fields, vec!["head_name", "address", "members"]);
    let text = err.to_string();
    assert!(text.contains("Địa chỉ: không được để trống") && text.contains("Address: is required"));
}

#[test]
fn vietnamese_text_is_stored_in_nfc() {
    let mut s = store();
    // "Nguyễn" typed with combining marks, as some keyboards send it.
    let id = s
        .create(household("  Nguye\u{0302}\u{0303}n Thi\u{0323} Hoa "))
        .unwrap();
    let stored = s.get::<Household>(&id).unwrap().body.head_name;
    assert_eq!(stored, "Nguyễn Thị Hoa");
    assert_eq!(stored.chars().count(), 14);
}
