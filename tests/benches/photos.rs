//! Photos on 2G: what preparing costs and saves, and what a link that drops every half minute
//! costs an upload — our resumable parts against a whole-file upload that starts again from
//! zero after each drop (what a plain form upload does), measured in the same run through the
//! test proxy. Prints Markdown tables.
//!
//!     cargo bench -p sachxanh-tests --bench photos
//!
//! The 2G profile: an EDGE uplink of about 30 kbit/s (3.75 KB/s) that drops every 30 s or so,
//! i.e. after 60–160 KB; a round trip costs 0.6 s. The proxy cuts by bytes, so the figures do
//! not depend on this machine's speed; the time column is what those bytes and round trips
//! would take on such a link.

use sachxanh_core::model::Role;
use sachxanh_core::photo::{prepare, PhotoSettings};
use sachxanh_core::sync::{SyncClient, SyncReport};
use sachxanh_tests::proxy::FaultProxy;
use sachxanh_tests::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

const UPLINK_BYTES_PER_S: f64 = 3_750.0;
const ROUND_TRIP_S: f64 = 0.6;
const PHOTOS: u64 = 5;

struct Row {
    name: String,
    photo_bytes: u64,
    sent: u64,
    requests: u64,
    cuts: u64,
    completed: u64,
}

fn main() {
    // 1. Preparing on the phone.
    println!("## Preparing a photo on the phone (1600 px, quality 75)\n");
    println!("| camera photo | source | prepared | size | time |");
    println!("|---|---:|---:|---:|---:|");
    for (w, h) in [(4000, 3000), (3264, 2448), (1600, 1200)] {
        let src = camera_photo(w, h, 21);
        let t = Instant::now();
        let p = prepare(&src, PhotoSettings::default()).expect("prepare");
        println!(
            "| {:.0} MP {w}×{h} | {} KB | {} KB | {}×{} | {} ms |",
            (w * h) as f64 / 1e6,
            src.len() / 1024,
            p.jpeg.len() / 1024,
            p.width,
            p.height,
            t.elapsed().as_millis()
        );
    }

    // 2. Uploading over a dropping link: the same camera photos for every strategy.
    let sources: Vec<Vec<u8>> = (0..PHOTOS)
        .map(|i| camera_photo(4000, 3000, 100 + i))
        .collect();
    let mut rows = vec![];
    for (name, part) in [
        ("resumable, 64 KB parts (default)", Some(64 * 1024)),
        ("resumable, 16 KB parts", Some(16 * 1024)),
        (
            "resumable, the whole rest in each request",
            Some(4 * 1024 * 1024),
        ),
        ("baseline: whole file, restart from zero", None),
    ] {
        rows.push(upload_run(name, part, &sources));
    }
    println!(
        "\n## Uploading {PHOTOS} prepared 12 MP photos ({} KB in all) on a 2G link dropping every 60–160 KB\n",
        rows[0].photo_bytes / 1024
    );
    println!(
        "| strategy | photos stored | bytes sent | resent | requests | link drops | time on 2G |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        let resent = r.sent.saturating_sub(r.photo_bytes);
        let secs = r.sent as f64 / UPLINK_BYTES_PER_S + r.requests as f64 * ROUND_TRIP_S;
        println!(
            "| {} | {}/{PHOTOS} | {} KB | {} KB ({:.0}%) | {} | {} | {:.0} min |",
            r.name,
            r.completed,
            r.sent / 1024,
            resent / 1024,
            100.0 * resent as f64 / r.photo_bytes as f64,
            r.requests,
            r.cuts,
            secs / 60.0
        );
    }
}

/// Uploads the photos through a proxy whose link drops every 60–160 KB. `part`: resumable
/// with parts of that size; `None`: the baseline, which loses everything at each drop.
fn upload_run(name: &str, part: Option<u64>, sources: &[Vec<u8>]) -> Row {
    let server = TestServer::start();
    let proxy = FaultProxy::start(server.rt.handle(), server.addr.clone(), 2026);
    let mut phone = server.phone(Role::Volunteer, &[AREA_A], &proxy.url);
    let shas: Vec<String> = sources
        .iter()
        .map(|s| {
            phone
                .store
                .add_photo(s, PhotoSettings::default())
                .expect("add photo")
                .sha256
        })
        .collect();
    // Photos go up once a saved record uses them: a dump report carrying all of them.
    phone
        .store
        .create(sachxanh_core::model::BlackSpot {
            area_id: AREA_A.into(),
            spot_kind: sachxanh_core::model::SpotKind::SpontaneousDump,
            place: sachxanh_core::place::Place::point(sachxanh_core::place::Coord::new(
                105.63, 10.0,
            )),
            description: "Bãi rác tự phát ven kênh".into(),
            status: sachxanh_core::model::SpotStatus::Reported,
            reported_date: sachxanh_core::model::Day::today(),
            verified_date: None,
            cleaned_date: None,
            closed_date: None,
            photos: shas
                .iter()
                .map(|sha| sachxanh_core::model::PhotoRef {
                    sha256: sha.clone(),
                    stage: sachxanh_core::model::PhotoStage::Before,
                })
                .collect(),
            note: String::new(),
        })
        .expect("report");
    let photo_bytes: u64 = phone
        .store
        .photos_to_upload()
        .expect("pending")
        .iter()
        .map(|p| p.bytes)
        .sum();
    proxy.drop_link_every(60_000, 160_000);
    let before = proxy.stats.bytes_to_server.load(Ordering::Relaxed);
    let requests_before = proxy.stats.requests.load(Ordering::Relaxed);
    let mut completed = 0;
    match part {
        Some(part) => {
            let client = SyncClient::with_policy(&proxy.url, &phone.enrolment.token, test_retry())
                .expect("client")
                .with_photo_part_bytes(part);
            let never = AtomicBool::new(false);
            for _ in 0..50 {
                let mut report = SyncReport::default();
                let _ = client.upload_photos(&mut phone.store, &mut |_| {}, &never, &mut report);
                if phone.store.photos_waiting().unwrap_or(1) == 0 {
                    break;
                }
            }
            completed = PHOTOS - phone.store.photos_waiting().unwrap_or(PHOTOS);
        }
        None => {
            let http = reqwest::blocking::Client::new();
            for sha in &shas {
                let bytes = phone.store.photo(sha).expect("photo").expect("kept");
                for _ in 0..20 {
                    // No resume: whatever arrived before a drop is thrown away (after the
                    // server has finished keeping it, so the next attempt starts clean).
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    let _ = server
                        .storage
                        .discard_photo_upload(sha, &phone.enrolment.device_id);
                    let r = http
                        .put(format!(
                            "{}/api/v1/photos/{sha}/upload?offset=0&total={}",
                            proxy.url,
                            bytes.len()
                        ))
                        .bearer_auth(&phone.enrolment.token)
                        .body(bytes.clone())
                        .send();
                    if r.is_ok_and(|r| r.status().is_success()) {
                        completed += 1;
                        break;
                    }
                }
            }
        }
    }
    Row {
        name: name.to_owned(),
        photo_bytes,
        sent: proxy.stats.bytes_to_server.load(Ordering::Relaxed) - before,
        requests: proxy.stats.requests.load(Ordering::Relaxed) - requests_before,
        cuts: proxy.stats.cuts.load(Ordering::Relaxed),
        completed,
    }
}
