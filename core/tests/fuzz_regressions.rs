//! Every input the fuzzers (`fuzz/`) found or were seeded with, replayed on each test run:
//! a crash fixed once stays fixed. `fuzz/regressions/<target>/` holds them.

use sachxanh_core::fuzzing;

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/regressions")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let ok = std::panic::catch_unwind(|| check(&data));
        assert!(ok.is_ok(), "{} fails again", path.display());
        n += 1;
    }
    n
}

#[test]
fn every_found_input_still_passes() {
    for (target, check) in [
        ("change_bytes", fuzzing::change_bytes as fn(&[u8])),
        ("push_body", fuzzing::push_body),
        ("pull_body", fuzzing::pull_body),
        ("enrolment_code", fuzzing::enrolment_code),
        ("typed_text", fuzzing::typed_text),
        ("reference_geojson", fuzzing::reference_geojson),
        ("area_import", fuzzing::area_import),
        ("record_edit", fuzzing::record_edit),
        ("photo_upload", fuzzing::photo_upload),
    ] {
        assert!(replay(target, check) > 0, "{target} has regression inputs");
    }
}

#[test]
fn the_area_import_seed_is_taken() {
    // A seed the import refuses would leave the fuzzer mutating refusals only.
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fuzz/regressions/area_import/qgis-two-hamlets.geojson"),
    )
    .unwrap();
    let day = sachxanh_core::model::Day::ymd(2027, 1, 10).unwrap();
    let (next, done) = sachxanh_core::Reference::demo()
        .import_boundaries("rach-sen", &text, day, day)
        .expect("the seed imports");
    assert_eq!((done.updated.len(), done.added.len()), (2, 0));
    assert_eq!(next.areas_of("rach-sen").count(), 5);
}

#[test]
fn the_record_edit_seeds_reach_the_rules() {
    // Otherwise the fuzzer would only ever mutate inputs refused at the door.
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions/record_edit");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("seed-")
        {
            let data = std::fs::read(&path).unwrap();
            assert!(fuzzing::record_edit_checked(&data), "{}", path.display());
        }
    }
}
