//! Writes the fuzzers' seed inputs (`fuzz/regressions/<target>/seed-*`): real changes, push and
//! pull bodies made by the real store, the bombs of the security review, and typed codes.
//! `cargo run -p sachxanh-core --example fuzz_seeds`

use sachxanh_core::model::*;
use sachxanh_core::place::Coord;
use sachxanh_core::sync::protocol::{encode, PullResponse, PushRequest, RecordChanges};
use sachxanh_core::{Reference, Store};
use serde_bytes::ByteBuf;
use std::io::Write;
use std::sync::Arc;

fn uleb(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let write = |target: &str, name: &str, bytes: &[u8]| -> std::io::Result<()> {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("seed-{name}")), bytes)
    };
    let mut store = Store::open_in_memory(Arc::new(Reference::demo()))?;
    store.set_person("p-seed")?;
    let id = store.create(Household {
        area_id: "rs-ap-my-hoa".into(),
        address: "Số 12, hẻm 3".into(),
        head_name: "Nguyễn Văn A".into(),
        members: 4,
        location: Some(Coord::new(105.63, 10.0)),
        note: String::new(),
    })?;
    store.update::<Household>(&id, |h| h.members = 5)?;
    let changes = store.changes_of(&id)?;
    write("change_bytes", "household-create", &changes[0])?;
    write("change_bytes", "household-edit", &changes[1])?;
    // The review's bombs: a compressed chunk, and a run claiming four billion rows.
    let mut z = flate2::write::DeflateEncoder::new(vec![], flate2::Compression::default());
    z.write_all(&vec![0u8; 1 << 20])?;
    let body = z.finish()?;
    let mut compressed = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 2];
    uleb(body.len() as u64, &mut compressed);
    compressed.extend(body);
    write("change_bytes", "compressed-bomb", &compressed)?;
    let mut run = vec![0u8, 1, 0xab, 1, 1, 0, 0, 0, 1];
    uleb((1 << 4) | 2, &mut run);
    run.extend([6, 0x80, 0xa8, 0xd6, 0xb9, 0x0e, 1]);
    let mut bomb = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 1];
    uleb(run.len() as u64, &mut bomb);
    bomb.extend(run);
    write("change_bytes", "run-bomb", &bomb)?;
    let record = |changes: Vec<Vec<u8>>| RecordChanges {
        id: id.clone(),
        changes: changes.into_iter().map(ByteBuf::from).collect(),
    };
    let push = PushRequest {
        batch: uuid::Uuid::now_v7().to_string(),
        records: vec![record(changes.clone())],
    };
    write("push_body", "household", &encode(&push))?;
    let bombs = PushRequest {
        batch: uuid::Uuid::now_v7().to_string(),
        records: vec![record(vec![compressed, bomb])],
    };
    write("push_body", "bombs", &encode(&bombs))?;
    let pull = PullResponse {
        replaced: vec![],
        records: vec![record(changes.clone())],
        cursor: 42,
        more: false,
        assignment: None,
        areas: None,
    };
    write("pull_body", "household", &encode(&pull))?;
    // An edit against the record it edits: the first change's length (two bytes), the first
    // change, then the edit.
    let mut pair = (changes[0].len() as u16).to_be_bytes().to_vec();
    pair.extend(&changes[0]);
    pair.extend(&changes[1]);
    write("record_edit", "household-edit", &pair)?;
    for (name, text) in [
        ("count", "1.200"),
        ("quantity", "12,5"),
        ("date", "28/11/2026"),
        ("iso-date", "2026-11-28"),
        ("vietnamese", "mười hai"),
    ] {
        write("typed_text", name, text.as_bytes())?;
    }
    write(
        "reference_geojson",
        "demo-commune",
        sachxanh_core::reference::DEMO_GEOJSON.as_bytes(),
    )?;
    for (name, code) in [
        ("typed", "k7qm 3xpa tw"),
        ("qr", "sachxanh://enrol?code=K7QM-3XPA-TW"),
        ("confusable", "K7QM-3XPA-T0"),
        ("vietnamese", "mã đăng ký"),
    ] {
        write("enrolment_code", name, code.as_bytes())?;
    }
    // A tiny JPEG (16 × 16) keeps the photo upload fuzzer at thousands of inputs a second; a
    // camera-sized one spends every input in the decoder. One byte of part count, then two
    // bytes per part (its length in 64-byte units, and where it claims to start), then the photo.
    let mut jpeg = vec![];
    image::RgbImage::from_fn(16, 16, |x, y| {
        image::Rgb([(x * 16) as u8, (y * 16) as u8, 90])
    })
    .write_to(
        &mut std::io::Cursor::new(&mut jpeg),
        image::ImageFormat::Jpeg,
    )?;
    for (name, plan) in [
        ("three-parts", vec![2u8, 0, 0, 0, 0, 255, 0]),
        ("overrun", vec![1, 0, 0, 255, 0x80]),
        ("misplaced-parts", vec![4, 0, 0, 0, 1, 0, 2, 0, 3, 255, 0]),
    ] {
        write("photo_upload", name, &[plan, jpeg.clone()].concat())?;
    }
    Ok(())
}
