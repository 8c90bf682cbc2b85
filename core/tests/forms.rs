//! Forms as the apps use them: the core lists each kind's fields, reads what a person typed
//! (Vietnamese decimal commas, day/month/year dates, blanks), puts every problem under its
//! field, hides a ladder's dates not reached yet, and saves a draft or an edit.

mod common;
use common::*;
use sachxanh_core::form::{FieldInput, FieldValue, FormState, Input};
use sachxanh_core::model::*;
use sachxanh_core::place::{Coord, Place};
use sachxanh_core::store::forms::Saved;

fn text(path: &str, t: &str) -> FieldInput {
    FieldInput {
        path: path.into(),
        value: FieldValue::Text { text: t.into() },
    }
}

fn flag(path: &str, on: bool) -> FieldInput {
    FieldInput {
        path: path.into(),
        value: FieldValue::Flag { on },
    }
}

fn choice(path: &str, code: &str) -> FieldInput {
    FieldInput {
        path: path.into(),
        value: FieldValue::Choice {
            code: Some(code.into()),
        },
    }
}

fn place(path: &str, lon: f64, lat: f64) -> FieldInput {
    FieldInput {
        path: path.into(),
        value: FieldValue::Place {
            place: Some(Place::point(Coord::new(lon, lat))),
        },
    }
}

/// The form's values with some replaced.
fn with(form: &FormState, changes: Vec<FieldInput>) -> Vec<FieldInput> {
    form.fields
        .iter()
        .map(|f| {
            changes
                .iter()
                .find(|c| c.path == f.path)
                .cloned()
                .unwrap_or(FieldInput {
                    path: f.path.clone(),
                    value: f.value.clone(),
                })
        })
        .collect()
}

fn problems(form: &FormState, path: &str) -> Vec<String> {
    form.fields
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no field {path}"))
        .problems
        .iter()
        .map(|m| m.vi.clone())
        .collect()
}

#[test]
fn every_kind_has_a_labelled_form_the_apps_can_draw() {
    for kind in RecordKind::ALL {
        let fields = kind.fields();
        assert!(!fields.is_empty(), "{kind} has a form");
        for f in fields {
            let l = f.label.message();
            assert!(!l.vi.is_empty() && !l.en.is_empty(), "{kind}.{}", f.path);
            assert_ne!(
                l.vi, f.path,
                "{kind}.{} is labelled, not named by its path",
                f.path
            );
        }
        let label = kind.label();
        assert_ne!(label.vi, label.en, "{kind} has words in both languages");
    }
}

#[test]
fn a_cleanup_typed_the_vietnamese_way_is_saved() {
    let mut s = memory_store("p-volunteer-1");
    let form = s.new_form(RecordKind::Cleanup, AREA);
    assert_eq!(form.title.vi, "Ra quân tổng vệ sinh");
    // Sections and inputs come from the core.
    let work = form
        .fields
        .iter()
        .find(|f| f.path == "work.sweeping")
        .unwrap();
    assert_eq!(work.section.as_ref().unwrap().vi, "Nội dung công việc");
    assert_eq!(work.label.en, "Sweeping streets and alleys");
    let kg = form.fields.iter().find(|f| f.path == "waste_kg").unwrap();
    assert!(matches!(kg.input, Input::Quantity { .. }));
    // A blank form: the problems are under the fields they concern.
    let blank = s
        .check_form(RecordKind::Cleanup, None, AREA, &with(&form, vec![]))
        .unwrap();
    assert!(!blank.is_ok());
    assert!(!problems(&blank, "place").is_empty());
    assert!(problems(&blank, "work.sweeping")
        .iter()
        .any(|p| p.contains("nội dung công việc")));
    assert!(problems(&blank, "participants.fatherland_front")
        .iter()
        .any(|p| p.contains("người tham gia")));
    // Text that is not a number is said to be so, under its field.
    let typo = s
        .check_form(
            RecordKind::Cleanup,
            None,
            AREA,
            &with(&form, vec![text("participants.youth_union", "mười hai")]),
        )
        .unwrap();
    assert_eq!(
        problems(&typo, "participants.youth_union"),
        vec!["hãy nhập một số nguyên"]
    );
    // Typed as people type: "12,5" kg, a day/month/year date.
    let day = last_saturday();
    let values = with(
        &form,
        vec![
            text("cleanup_date", &day.shown()),
            place("place", 105.63, 10.0),
            flag("work.waterways", true),
            text("participants.youth_union", "12"),
            text("participants.residents", "1.200"),
            text("waste_kg", "12,5"),
        ],
    );
    let Saved::Record(id) = s
        .save_form(RecordKind::Cleanup, None, AREA, &values)
        .unwrap()
    else {
        panic!("saved")
    };
    let saved = s.get::<Cleanup>(&id).unwrap().body;
    assert_eq!(saved.waste_kg, Some(12.5));
    assert_eq!(saved.participants.residents, 1200);
    assert_eq!(saved.cleanup_date, day);
    assert!(saved.work.waterways && !saved.work.sweeping);
    // The stored form shows it back as typed, and an edit changes only what changed.
    let again = s.form(&id).unwrap();
    let kg = again.fields.iter().find(|f| f.path == "waste_kg").unwrap();
    assert_eq!(
        kg.value,
        FieldValue::Text {
            text: "12,5".into()
        }
    );
    let edited = with(&again, vec![text("bags", "3")]);
    assert_eq!(
        s.save_form(RecordKind::Cleanup, Some(&id), AREA, &edited)
            .unwrap(),
        Saved::Record(id.clone())
    );
    assert_eq!(s.get::<Cleanup>(&id).unwrap().body.bags, Some(3));
}

#[test]
fn a_ladder_shows_the_dates_reached_and_names_the_next_step() {
    let mut s = memory_store("p-volunteer-1");
    let form = s.new_form(RecordKind::BlackSpot, AREA);
    let shown = |f: &FormState, path: &str| f.fields.iter().find(|x| x.path == path).unwrap().shown;
    assert!(shown(&form, "reported_date"));
    assert!(!shown(&form, "verified_date") && !shown(&form, "closed_date"));
    let ladder = form.ladder.clone().unwrap();
    assert_eq!(ladder.current.label.vi, "Mới phản ánh");
    assert_eq!(ladder.next.unwrap().label.en, "Verified");
    assert_eq!(ladder.next_date_path.as_deref(), Some("verified_date"));
    // Moving up without the step's date: the date is asked for, naming the status in each
    // language.
    let values = with(
        &form,
        vec![
            place("place", 105.63, 10.0),
            text("description", "Rác đổ bên bờ kênh"),
            text("reported_date", &days_ago(3).shown()),
            choice("status", "verified"),
        ],
    );
    let checked = s
        .check_form(RecordKind::BlackSpot, None, AREA, &values)
        .unwrap();
    assert!(shown(&checked, "verified_date"));
    let p = &checked
        .fields
        .iter()
        .find(|f| f.path == "verified_date")
        .unwrap()
        .problems;
    assert_eq!(p[0].vi, "bắt buộc khi trạng thái là «Đã xác minh»");
    assert_eq!(p[0].en, "is required when the status is “Verified”");
    let values = with(&checked, vec![text("verified_date", &days_ago(1).shown())]);
    let saved = s
        .save_form(RecordKind::BlackSpot, None, AREA, &values)
        .unwrap();
    assert!(matches!(saved, Saved::Record(_)), "{saved:?}");
}

#[test]
fn rules_that_need_the_store_come_back_to_the_form_and_nothing_is_saved() {
    let mut s = memory_store("p-volunteer-1");
    let form = s.new_form(RecordKind::SortingCheck, AREA);
    let values = with(
        &form,
        vec![text("household_id", &uuid::Uuid::now_v7().to_string())],
    );
    let before = s.projection_dump().unwrap();
    match s
        .save_form(RecordKind::SortingCheck, None, AREA, &values)
        .unwrap()
    {
        Saved::Problems(f) => {
            assert_eq!(problems(&f, "household_id"), vec!["không có trên máy này"])
        }
        Saved::Record(_) => panic!("a check of an unknown household is refused"),
    }
    assert_eq!(s.projection_dump().unwrap(), before);
    // A field the kind does not have (an app out of step) is said to be so, not ignored.
    let mut odd = with(&form, vec![]);
    odd.push(text("spaceship", "1"));
    let f = s
        .check_form(RecordKind::SortingCheck, None, AREA, &odd)
        .unwrap();
    assert!(f.general.iter().any(|m| m.en.contains("update the app")));
}

#[test]
fn a_read_record_speaks_words_not_codes() {
    let mut s = memory_store("p-volunteer-1");
    let h = s.create(household("Nguyễn Văn Mười")).unwrap();
    let c = s.create(check(&h, true)).unwrap();
    let read = sachxanh_core::form::readable(&s.form(&c).unwrap(), &|x| s.name_of(x));
    let value = |path: &str| read.iter().find(|f| f.path == path).unwrap().value.clone();
    assert_eq!(value("area_id").vi, "Ấp Mỹ Hòa");
    assert_eq!(value("household_id").vi, "Nguyễn Văn Mười");
    assert_eq!(
        (value("food_sorted").vi, value("food_sorted").en),
        ("Có".into(), "Yes".into())
    );
    assert!(
        read.iter().all(|f| f.path != "checked_by"),
        "set by the app, not shown"
    );
}

#[test]
fn conflicting_values_are_worded_as_the_form_words_them() {
    use sachxanh_core::document::Conflict;
    use sachxanh_core::form::{field_label, word_conflict};
    let record = AnyRecord::from(Covenant {
        area_id: AREA.into(),
        status: CovenantStatus::InForce,
        clauses: vec!["Không đổ rác xuống kênh".into()],
        drafting_started: Day::ymd(2026, 1, 5),
        consultation_date: Day::ymd(2026, 2, 5),
        approved_date: Day::ymd(2026, 3, 5),
        in_force_date: Day::ymd(2026, 4, 1),
        document_sha256: None,
        note: String::new(),
    });
    let status_path = RecordKind::Covenant
        .ladder()
        .expect("a covenant's ladder")
        .status;
    let statuses = [CovenantStatus::InForce, CovenantStatus::Drafting];
    let conflict = Conflict {
        field: format!("data.{status_path}"),
        values: statuses.iter().map(|s| s.as_str().to_owned()).collect(),
    };
    let worded = word_conflict(&record, &conflict, &|_| None);
    assert_eq!(
        Some(worded.label),
        field_label(RecordKind::Covenant.fields(), status_path)
    );
    assert_eq!(
        worded.values,
        statuses.iter().map(|s| s.label()).collect::<Vec<_>>(),
        "a status by its label, not its code"
    );
    // A value the record cannot hold is shown as it came.
    let odd = Conflict {
        field: conflict.field.clone(),
        values: vec!["no such status".into()],
    };
    assert_eq!(
        word_conflict(&record, &odd, &|_| None).values[0].vi,
        "no such status"
    );
    // The record's standing (sent or not) is named as such, its values by the lifecycle's words.
    let meta = Conflict {
        field: "meta.state".into(),
        values: vec!["submitted".into(), "draft".into()],
    };
    let worded = word_conflict(&record, &meta, &|_| None);
    assert_eq!(worded.label.vi, "Trạng thái gửi duyệt");
    assert_eq!(
        worded.values,
        vec![Lifecycle::Submitted.label(), Lifecycle::Draft.label()]
    );
}

#[test]
fn every_form_that_takes_photos_asks_for_places_not_faces() {
    let store = memory_store("p-volunteer-1");
    let mut seen = 0;
    for kind in RecordKind::ALL {
        let form = store.new_form(*kind, AREA);
        for f in form
            .fields
            .iter()
            .filter(|f| matches!(f.input, Input::Photos { .. }))
        {
            let help = f.help.as_ref().unwrap_or_else(|| panic!("{kind}: no hint"));
            assert!(
                help.vi.contains("mặt người") && help.vi.contains("hỏi họ"),
                "{kind}"
            );
            assert!(
                help.en.contains("faces") && help.en.contains("ask them"),
                "{kind}"
            );
            seen += 1;
        }
    }
    assert_eq!(
        seen, 3,
        "cleanups, collection points and black spots take photos"
    );
}
