//! What sync costs on the wire: bytes, requests and time for three moments of a phone's life,
//! beside the native Automerge per-document sync protocol and a plain JSON upload/download of
//! the same records, measured in the same run. Prints a Markdown table.
//!
//!     cargo bench -p sachxanh-tests --bench sync
//!     SACHXANH_BENCH_RECORDS=2000 cargo bench -p sachxanh-tests --bench sync   # smaller commune
//!
//! With the phone example built first (`cargo build --release -p sachxanh-core --example
//! phone`), it also weighs the core alone, as its own process: peak resident memory during a
//! first sync of the whole commune and with that store open and searched.
//!
//! Our feed is measured through the test proxy (every byte both ways, HTTP headers included).
//! The alternatives are measured in process: their message bytes only, so they are flattered.

use automerge::sync::SyncDoc;
use sachxanh_core::model::{Household, Role};
use sachxanh_core::Store;
use sachxanh_tests::proxy::FaultProxy;
use sachxanh_tests::*;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

struct Cost {
    bytes: u64,
    requests: u64,
    time: Duration,
}

fn measure_feed(proxy: &FaultProxy, f: impl FnOnce()) -> Cost {
    let (b0, r0) = (
        proxy.stats.bytes_up.load(Ordering::Relaxed)
            + proxy.stats.bytes_down.load(Ordering::Relaxed),
        proxy.stats.requests.load(Ordering::Relaxed),
    );
    let t = Instant::now();
    f();
    let time = t.elapsed();
    Cost {
        bytes: proxy.stats.bytes_up.load(Ordering::Relaxed)
            + proxy.stats.bytes_down.load(Ordering::Relaxed)
            - b0,
        requests: proxy.stats.requests.load(Ordering::Relaxed) - r0,
        time,
    }
}

/// Automerge's own sync protocol, one document at a time, both peers in memory: every message
/// would be one request.
fn automerge_sync(pairs: &mut [(automerge::Automerge, automerge::Automerge)]) -> Cost {
    let t = Instant::now();
    let (mut bytes, mut messages) = (0u64, 0u64);
    for (phone, server) in pairs.iter_mut() {
        let mut sp = automerge::sync::State::new();
        let mut ss = automerge::sync::State::new();
        loop {
            let mut moved = false;
            if let Some(m) = phone.generate_sync_message(&mut sp) {
                let enc = m.encode();
                bytes += enc.len() as u64;
                messages += 1;
                server
                    .receive_sync_message(
                        &mut ss,
                        automerge::sync::Message::decode(&enc).expect("msg"),
                    )
                    .expect("receive");
                moved = true;
            }
            if let Some(m) = server.generate_sync_message(&mut ss) {
                let enc = m.encode();
                bytes += enc.len() as u64;
                messages += 1;
                phone
                    .receive_sync_message(
                        &mut sp,
                        automerge::sync::Message::decode(&enc).expect("msg"),
                    )
                    .expect("receive");
                moved = true;
            }
            if !moved {
                break;
            }
        }
    }
    Cost {
        bytes,
        requests: messages,
        time: t.elapsed(),
    }
}

/// The records as JSON, deflated as HTTP would, in pages of 500.
fn json_transfer(records: &[serde_json::Value]) -> Cost {
    let t = Instant::now();
    let mut bytes = 0u64;
    let mut requests = 0u64;
    for page in records.chunks(500) {
        let body = serde_json::to_vec(page).expect("json");
        let mut z = flate2::write::DeflateEncoder::new(vec![], flate2::Compression::default());
        z.write_all(&body).expect("deflate");
        bytes += z.finish().expect("deflate").len() as u64;
        requests += 1;
    }
    Cost {
        bytes,
        requests: requests.max(1),
        time: t.elapsed(),
    }
}

fn record_json(store: &Store, id: &str) -> serde_json::Value {
    let s = store.get::<Household>(id).expect("record");
    serde_json::json!({"id": s.id, "meta": s.meta, "data": s.body})
}

fn docs(store: &Store, ids: &[String]) -> Vec<automerge::Automerge> {
    ids.iter()
        .map(|id| {
            automerge::Automerge::load(&store.export_automerge(id).expect("export")).expect("load")
        })
        .collect()
}

fn fmt(c: &Cost) -> String {
    format!(
        "{:.1} KB, {} req, {:.0} ms",
        c.bytes as f64 / 1024.0,
        c.requests,
        c.time.as_secs_f64() * 1000.0
    )
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let total: usize = std::env::var("SACHXANH_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 20_000 } else { 400 });
    let area_households = (total / 10).max(10);
    let server = TestServer::start();
    let proxy = FaultProxy::start(server.rt.handle(), server.addr.clone(), 1);
    // The commune: one hamlet with `area_households`, the rest spread over the others.
    eprintln!("recording {total} households in the commune…");
    let mut a = server.phone(Role::Volunteer, &[AREA_A], &proxy.url);
    let a_ids: Vec<String> = (0..area_households)
        .map(|i| a.add_household(&format!("Nguyễn Văn Hộ {i}")))
        .collect();
    a.sync().expect("upload area A");
    let others = [
        "rs-ap-ben-dinh",
        "rs-ap-vam-xang",
        "rs-ap-rach-sung",
        AREA_B,
    ];
    for (k, area) in others.iter().enumerate() {
        let mut p = server.phone(Role::Volunteer, &[area], &proxy.url);
        let n = (total - area_households) / others.len()
            + usize::from(k == 0) * ((total - area_households) % others.len());
        for i in 0..n {
            p.store
                .create(Household {
                    area_id: area.to_string(),
                    address: format!("Số {i}, tổ 3"),
                    head_name: format!("Trần Thị Hộ {i}"),
                    members: 4,
                    location: None,
                    note: String::new(),
                })
                .expect("save");
        }
        p.sync().expect("upload");
    }
    let mut staff = server.phone(Role::CommuneStaff, &[], &proxy.url);
    staff.sync().expect("staff first sync");
    let records_on_server = server.counts().0;
    eprintln!("{records_on_server} records on the server; measuring…");

    // 1. A new phone's first sync of hamlet A: compact pulls, and beside them the whole
    // changes phones pulled before.
    let mut before = server
        .phone(Role::Volunteer, &[AREA_A], &proxy.url)
        .pulling_whole_changes();
    let feed1_before = measure_feed(&proxy, || {
        before.sync().expect("first sync, whole changes");
    });
    let mut newcomer = server.phone(Role::Volunteer, &[AREA_A], &proxy.url);
    let feed1 = measure_feed(&proxy, || {
        newcomer.sync().expect("first sync");
    });
    let apply = apply_only(&server, &proxy);
    let mut pairs1: Vec<_> = docs(&a.store, &a_ids)
        .into_iter()
        .map(|d| (automerge::Automerge::new(), d))
        .collect();
    let am1 = automerge_sync(&mut pairs1);
    let json_a: Vec<serde_json::Value> = a_ids.iter().map(|id| record_json(&a.store, id)).collect();
    let json1 = json_transfer(&json_a);

    // 2. Nothing changed: staff's phone, holding the whole commune, syncs again.
    let feed2 = measure_feed(&proxy, || {
        staff.sync().expect("idle sync");
    });
    let all_ids = staff.store.document_ids().expect("ids");
    let all_docs = docs(&staff.store, &all_ids);
    let mut pairs2: Vec<_> = all_docs.iter().map(|d| (d.clone(), d.clone())).collect();
    let am2 = automerge_sync(&mut pairs2);
    // Without a change feed a JSON client downloads everything to find what changed.
    let json_all: Vec<serde_json::Value> = all_ids
        .iter()
        .filter_map(|id| {
            staff
                .store
                .get::<Household>(id)
                .ok()
                .map(|_| record_json(&staff.store, id))
        })
        .collect();
    let json2 = json_transfer(&json_all);

    // 3. After 100 edits on a phone of hamlet A.
    let before_edit = docs(&a.store, &a_ids);
    for id in a_ids.iter().take(100) {
        a.store
            .update::<Household>(id, |h| h.members += 1)
            .expect("edit");
    }
    let feed3 = measure_feed(&proxy, || {
        a.sync().expect("sync after edits");
    });
    let after_edit = docs(&a.store, &a_ids);
    // The phone cannot know which documents changed on the server, so it syncs all it holds.
    let mut pairs3: Vec<_> = after_edit.into_iter().zip(before_edit).collect();
    let am3 = automerge_sync(&mut pairs3);
    let edited: Vec<serde_json::Value> = a_ids
        .iter()
        .take(100)
        .map(|id| record_json(&a.store, id))
        .collect();
    let json3 = json_transfer(&edited);

    println!(
        "\nCommune of {records_on_server} records; hamlet A holds {area_households} households.\n"
    );
    println!("| moment | sachxanh change feed (on the wire) | Automerge sync, per document | plain JSON (deflated) |");
    println!("|---|---:|---:|---:|");
    println!(
        "| first sync of a hamlet of {area_households} households | {} | {} | {} |",
        fmt(&feed1),
        fmt(&am1),
        fmt(&json1)
    );
    println!(
        "| the same, whole changes (before compact pulls) | {} | | |",
        fmt(&feed1_before)
    );
    println!(
        "| sync with nothing changed, whole commune ({} records) | {} | {} | {} |",
        all_ids.len(),
        fmt(&feed2),
        fmt(&am2),
        fmt(&json2)
    );
    println!(
        "| sync after 100 edits | {} | {} | {} |",
        fmt(&feed3),
        fmt(&am3),
        fmt(&json3)
    );
    let rate = |c: &Cost| area_households as f64 / c.time.as_secs_f64();
    println!(
        "\nFirst sync of hamlet A: {:.0} records a second compact, {:.0} with whole changes \
         (the whole sync: pull, transfer, apply); the phone's store applies the compact pages \
         alone at {:.0} records a second ({} ms); {:.2}× the deflated JSON's bytes compact, \
         {:.2}× whole.",
        rate(&feed1),
        rate(&feed1_before),
        rate(&apply),
        apply.time.as_millis(),
        feed1.bytes as f64 / json1.bytes as f64,
        feed1_before.bytes as f64 / json1.bytes as f64,
    );
    phone_memory(&server, records_on_server);
}

/// The phone's store alone applying hamlet A's compact pages, fetched first: what a first sync
/// costs the phone without the network and the server.
fn apply_only(server: &TestServer, proxy: &FaultProxy) -> Cost {
    use sachxanh_core::sync::protocol::{decode, Limits, PullResponse};
    let mut phone = server.phone(Role::Volunteer, &[AREA_A], &proxy.url);
    let mut pages: Vec<PullResponse> = vec![];
    let mut cursor = 0;
    loop {
        let body = reqwest::blocking::Client::new()
            .get(format!(
                "{}/api/v1/sync/pull?cursor={cursor}&compact=true",
                server.url
            ))
            .bearer_auth(&phone.enrolment.token)
            .send()
            .and_then(|r| r.bytes())
            .expect("pull");
        let page: PullResponse = decode(&body, &Limits::default()).expect("page");
        cursor = page.cursor;
        let more = page.more;
        pages.push(page);
        if !more {
            break;
        }
    }
    let t = Instant::now();
    for page in &pages {
        phone
            .store
            .apply_pulled_page(&page.records, &page.replaced, page.cursor)
            .expect("apply");
    }
    Cost {
        bytes: 0,
        requests: pages.len() as u64,
        time: t.elapsed(),
    }
}

/// Runs the phone example (the core's store and sync client, nothing else) and reads the
/// peak resident memory it reports.
fn phone(bin: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new(bin)
        .args(args)
        .output()
        .expect("run the phone example");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "phone {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The core's memory on a phone-sized budget (target: 64 MB), beside the phone example doing
/// nothing but open its store (the process's own floor), measured in the same run.
fn phone_memory(server: &TestServer, records: u64) {
    let exe = std::env::current_exe().expect("bench path");
    // target/<profile>/deps/sync-… → target/<profile>/examples/phone
    let Some(bin) = exe
        .parent()
        .and_then(|d| d.parent())
        .map(|d| d.join("examples").join("phone"))
        .filter(|b| b.exists())
    else {
        println!(
            "\n(memory not measured: build the phone example first, see the top of this file)"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let dir_s = dir.path().to_string_lossy().to_string();
    let areas: Vec<&str> = server
        .reference
        .areas_of(COMMUNE)
        .map(|a| a.id.as_str())
        .collect();
    let code = server.code(Role::AreaHead, &areas);
    let enrol = phone(&bin, &["enrol", &server.url, &code, &dir_s]);
    assert_eq!(enrol["ok"], true, "{enrol}");
    let t = Instant::now();
    let sync = phone(&bin, &["sync", &server.url, &dir_s]);
    let sync_time = t.elapsed();
    assert_eq!(sync["ok"], true, "{sync}");
    let t = Instant::now();
    let search = phone(&bin, &["search", &dir_s, "nguyen van ho 1"]);
    let search_time = t.elapsed();
    let mb = |v: &serde_json::Value| v["peak_rss_kb"].as_u64().unwrap_or(0) as f64 / 1024.0;
    println!(
        "\nThe core alone (the phone example, its own process), commune of {records} records:\n"
    );
    println!("| moment | peak resident memory | time |");
    println!("|---|---:|---:|");
    println!(
        "| enrol (store opened, nothing held: the floor) | {:.1} MB | |",
        mb(&enrol)
    );
    println!(
        "| first sync of the whole commune ({} records) | {:.1} MB | {:.1} s |",
        search["records"],
        mb(&sync),
        sync_time.as_secs_f64()
    );
    println!(
        "| store open, every hamlet searched without diacritics ({} found) | {:.1} MB | {:.0} ms |",
        search["found"],
        mb(&search),
        search_time.as_secs_f64() * 1000.0
    );
}
