//! A cheap phone full of photos: a save that finds no space fails with a message the person can
//! act on, in both languages, and harms nothing — every earlier record reads back, the outbox
//! keeps its order — and the same save works once space is freed. (The file is capped with
//! SQLite's page limit: what a full file system looks like to SQLite, `SQLITE_FULL`.)

mod common;
use common::*;
use sachxanh_core::model::Household;
use sachxanh_core::Error;

#[test]
fn a_full_phone_refuses_the_save_harms_nothing_and_saves_again_once_freed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path(), "phone.db");
    let mut saved = vec![];
    for i in 0..20 {
        saved.push(store.create(household(&format!("Hộ đã lưu {i}"))).unwrap());
    }
    let outbox_before: Vec<(String, String)> = store
        .outbox(usize::MAX)
        .unwrap()
        .into_iter()
        .map(|e| (e.doc_id, e.hash))
        .collect();

    // No page left to grow into: the next records cannot be saved.
    let pages = store.page_count().unwrap();
    store.limit_pages(Some(pages)).unwrap();
    let mut long = household("Hộ chưa lưu được");
    long.note = "ghi chú dài ".repeat(80);
    let mut refused = None;
    for _ in 0..50 {
        match store.create(long.clone()) {
            Ok(id) => saved.push(id), // a page freed earlier may still take a small record
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    let err = refused.expect("a store with no room left must refuse a save");
    assert!(matches!(err, Error::StorageFull), "got {err:?}");
    let ffi = sachxanh_core::error::storage_full_message();
    assert!(ffi.vi.contains("Bộ nhớ máy đã đầy") && ffi.vi.contains("vẫn còn nguyên"));
    assert!(ffi.en.contains("storage is full") && ffi.en.contains("intact"));
    assert!(err.to_string().contains("storage is full"));

    // An edit of an existing record is refused the same way, and leaves it as it was.
    let first = saved[0].clone();
    let mut edits_refused = 0;
    let mut last_saved_note = String::new();
    for i in 0..50 {
        let note = format!("sửa {i:02} ").repeat(140);
        match store.update::<Household>(&first, |h| h.note = note.clone()) {
            Ok(_) => last_saved_note = note,
            Err(Error::StorageFull) => {
                edits_refused += 1;
                break;
            }
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(
        edits_refused, 1,
        "an edit with no room left must be refused"
    );
    assert_eq!(
        store.get::<Household>(&first).unwrap().body.note,
        last_saved_note
    );

    // Nothing stored is harmed: every record reads back, the file is sound, and the outbox
    // still starts with the same changes in the same order.
    assert_eq!(store.integrity_check().unwrap(), "ok");
    for id in &saved {
        store.get::<Household>(id).unwrap();
    }
    let outbox_after: Vec<(String, String)> = store
        .outbox(usize::MAX)
        .unwrap()
        .into_iter()
        .map(|e| (e.doc_id, e.hash))
        .collect();
    assert_eq!(outbox_after[..outbox_before.len()], outbox_before[..]);
    let live = store.projection_dump().unwrap();
    store.rebuild_projections().unwrap();
    assert_eq!(store.projection_dump().unwrap(), live);

    // Space is freed: the same save goes through, and the store reopens whole.
    store.limit_pages(None).unwrap();
    let id = store.create(long).unwrap();
    assert_eq!(
        store.get::<Household>(&id).unwrap().body.head_name,
        "Hộ chưa lưu được"
    );
    drop(store);
    let store = store_in(dir.path(), "phone.db");
    assert_eq!(store.integrity_check().unwrap(), "ok");
    for id in saved.iter().chain([&id]) {
        store.get::<Household>(id).unwrap();
    }
    let waiting: Vec<String> = store
        .outbox(usize::MAX)
        .unwrap()
        .into_iter()
        .map(|e| e.doc_id)
        .collect();
    assert_eq!(
        waiting.last(),
        Some(&id),
        "the new save goes to the end of the outbox"
    );
}
