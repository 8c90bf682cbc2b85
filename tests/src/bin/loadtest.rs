//! Load test (a binary, not a test): 3,000 phones of 10 communes reconnecting at once to a
//! province of 20,000 records. Each phone pushes what it recorded offline and pulls what its
//! hamlet's neighbours sent. The server runs as its own process (release build), so its CPU time
//! and peak memory are its own; SQLite and PostgreSQL side by side in the same run. The communes
//! are copies of the demo commune's five hamlets, side by side. Loopback only.
//!
//!     cargo build --release -p sachxanh-server -p sachxanh-tests
//!     scripts/with-postgres target/release/loadtest            # both backends
//!     target/release/loadtest                                  # SQLite only
//!     LOAD_PHONES=300 LOAD_COMMUNES=1 target/release/loadtest  # issue 7's run
//!     LOAD_PHONES=50 LOAD_RECORDS=2000 target/release/loadtest # smaller

use automerge::ActorId;
use sachxanh_core::document::RecordDoc;
use sachxanh_core::model::{Household, Lifecycle, Meta, Role};
use sachxanh_core::sync::protocol::*;
use serde_bytes::ByteBuf;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Communes and areas: `copies` of the demo commune's five hamlets, each shifted east of the
/// last, with ids of their own, in as many communes, or (`one_commune`) all in one commune that
/// spans them. Returns the GeoJSON and each commune's id with its areas' ids.
fn province(copies: usize, one_commune: bool) -> (String, Vec<(String, Vec<String>)>) {
    let demo: serde_json::Value =
        serde_json::from_str(sachxanh_core::reference::DEMO_GEOJSON).expect("demo GeoJSON");
    let source = demo["features"].as_array().expect("features");
    let of_demo = |f: &&serde_json::Value| {
        f["properties"]["id"] == "rach-sen" || f["properties"]["commune_id"] == "rach-sen"
    };
    let mut features = vec![];
    let mut ids: Vec<(String, Vec<String>)> = vec![];
    for c in 0..copies {
        let commune = format!("xa-thu-{}", if one_commune { 0 } else { c });
        let mut areas = vec![];
        for f in source.iter().filter(of_demo) {
            let mut f = f.clone();
            let shift = 0.1 * c as f64;
            for ring in f["geometry"]["coordinates"]
                .as_array_mut()
                .expect("polygon")
            {
                for point in ring.as_array_mut().expect("ring") {
                    point[0] = (point[0].as_f64().expect("lon") + shift).into();
                }
            }
            let props = &mut f["properties"];
            if props["level"] == "commune" {
                if one_commune {
                    // One commune spanning every copy, added once below.
                    continue;
                }
                props["id"] = commune.clone().into();
                props["name"] = format!("Xã Thử {c}").into();
            } else {
                let id = format!("t{c}-{}", props["id"].as_str().expect("id"));
                props["id"] = id.clone().into();
                props["commune_id"] = commune.clone().into();
                areas.push(id);
            }
            features.push(f);
        }
        match ids.iter_mut().find(|(id, _)| *id == commune) {
            Some((_, all)) => all.extend(areas),
            None => ids.push((commune, areas)),
        }
    }
    if one_commune {
        let east = 105.68 + 0.1 * (copies - 1) as f64;
        features.push(serde_json::json!({
            "type": "Feature",
            "properties": {"level": "commune", "id": "xa-thu-0", "name": "Xã Thử",
                           "province": "Thành phố Cần Thơ"},
            "geometry": {"type": "Polygon", "coordinates": [[[105.62, 9.99], [east, 9.99],
                [east, 10.03], [105.62, 10.03], [105.62, 9.99]]]}
        }));
    }
    let geojson = serde_json::json!({"type": "FeatureCollection", "features": features});
    (geojson.to_string(), ids)
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Server {
    child: Child,
    url: String,
    /// One staff member's token per commune, in the order of `province`'s communes.
    staff_tokens: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("exe");
    exe.with_file_name("sachxanh-server")
}

fn cli(data: &Path, database: Option<&str>, args: &[&str]) -> String {
    let mut c = Command::new(server_bin());
    c.arg("--data")
        .arg(data)
        .arg("--reference")
        .arg(data.join("province.geojson"));
    if let Some(db) = database {
        c.arg("--database").arg(db);
    }
    // Quiet: the command's answer is its stdout.
    let out = c
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run sachxanh-server");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn start(data: &Path, database: Option<&str>, communes: &[(String, Vec<String>)]) -> Server {
    let staff_tokens = communes
        .iter()
        .map(|(commune, _)| {
            let out = cli(
                data,
                database,
                &[
                    "add-staff",
                    "--name",
                    "Cán bộ tải thử",
                    "--commune",
                    commune,
                ],
            );
            let staff: serde_json::Value =
                serde_json::from_str(&out).unwrap_or_else(|e| panic!("staff json: {e}: {out}"));
            staff["token"].as_str().expect("token").to_owned()
        })
        .collect();
    let mut c = Command::new(server_bin());
    // Every simulated phone enrols from this one address.
    c.arg("--data")
        .arg(data)
        .arg("--reference")
        .arg(data.join("province.geojson"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--attempts-per-minute",
            "1000000",
        ]);
    if let Some(db) = database {
        c.arg("--database").arg(db);
    }
    let mut child = c
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = loop {
        let line = lines.next().expect("server output").expect("line");
        if let Some(u) = line.split("listening on ").nth(1) {
            break u.trim().to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    Server {
        child,
        url,
        staff_tokens,
    }
}

struct Phone {
    token: String,
    actor: ActorId,
    person: String,
    area: String,
}

fn enrol(
    http: &reqwest::blocking::Client,
    s: &Server,
    commune: usize,
    role: Role,
    area: &str,
) -> Phone {
    let issued: serde_json::Value = http
        .post(format!("{}/api/v1/enrolment-codes", s.url))
        .bearer_auth(&s.staff_tokens[commune])
        .json(&serde_json::json!({"name": "Người tải thử", "role": role, "areas": [area]}))
        .send()
        .expect("code")
        .json()
        .expect("code json");
    let actor = ActorId::random();
    let e: serde_json::Value = http
        .post(format!("{}/api/v1/enrol", s.url))
        .json(&serde_json::json!({"code": issued["code"], "actor_id": actor.to_hex_string()}))
        .send()
        .expect("enrol")
        .json()
        .expect("enrol json");
    Phone {
        token: e["token"].as_str().expect("token").to_owned(),
        actor,
        person: e["person_id"].as_str().expect("person").to_owned(),
        area: area.to_owned(),
    }
}

fn household_change(p: &Phone, n: usize) -> RecordChanges {
    let id = uuid::Uuid::now_v7().to_string();
    let meta = Meta {
        author: p.person.clone(),
        created_at: chrono::Utc::now().timestamp_millis(),
        state: Lifecycle::Submitted,
    };
    let body = Household {
        area_id: p.area.clone(),
        address: format!("Số {}, tổ {}", n % 300 + 1, n % 17 + 1),
        head_name: format!("Nguyễn Văn Hộ {n}"),
        members: (n % 6 + 1) as u32,
        location: None,
        note: String::new(),
    };
    let (_, change) = RecordDoc::create(&p.actor, &id, &meta, &body).expect("doc");
    RecordChanges {
        id,
        changes: vec![ByteBuf::from(change.raw_bytes().to_vec())],
    }
}

fn push(http: &reqwest::blocking::Client, s: &Server, p: &Phone, records: Vec<RecordChanges>) {
    let req = PushRequest {
        batch: uuid::Uuid::now_v7().to_string(),
        records,
    };
    let resp = http
        .post(format!("{}/api/v1/sync/push", s.url))
        .bearer_auth(&p.token)
        .header("content-type", CONTENT_TYPE)
        .body(encode(&req))
        .send()
        .expect("push");
    assert!(resp.status().is_success(), "push {}", resp.status());
    let answer: PushResponse =
        decode(&resp.bytes().expect("body"), &Limits::default()).expect("answer");
    assert!(answer.refused.is_empty(), "{:?}", answer.refused.first());
}

/// Pulls from `cursor` until caught up; returns the number of requests and the cursor reached.
fn pull(http: &reqwest::blocking::Client, s: &Server, p: &Phone, mut cursor: u64) -> (u64, u64) {
    let mut n = 0;
    loop {
        let resp = http
            .get(format!("{}/api/v1/sync/pull?cursor={cursor}", s.url))
            .bearer_auth(&p.token)
            .send()
            .expect("pull");
        n += 1;
        let page: PullResponse =
            decode(&resp.bytes().expect("body"), &Limits::default()).expect("page");
        cursor = page.cursor;
        if !page.more {
            return (n, cursor);
        }
    }
}

/// (CPU seconds, peak resident MB) of a process, from /proc.
fn usage(pid: u32) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let cpu = (ticks(11) + ticks(12)) / 100.0;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    (cpu, hwm / 1024.0)
}

fn pct(v: &mut [Duration], p: f64) -> String {
    v.sort();
    let d = v[((v.len() as f64 - 1.0) * p).round() as usize];
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

struct Row {
    backend: &'static str,
    communes: usize,
    push: Vec<Duration>,
    pull: Vec<Duration>,
    requests: u64,
    wall: Duration,
    cpu: f64,
    rss_before: f64,
    peak_mb: f64,
}

/// One burst over `copies` × 5 hamlets, in `communes` communes (as many as copies, or one).
fn run(
    backend: &'static str,
    database: Option<&str>,
    phones: usize,
    copies: usize,
    communes: usize,
    records: usize,
) -> Row {
    let dir = tempfile::tempdir().expect("dir");
    let (geojson, province) = province(copies, communes == 1 && copies > 1);
    std::fs::write(dir.path().join("province.geojson"), geojson).expect("province file");
    let server = start(dir.path(), database, &province);
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()
        .expect("http");
    eprintln!("[{backend}] seeding {records} records in {communes} communes…");
    let areas: Vec<(usize, &str)> = province
        .iter()
        .enumerate()
        .flat_map(|(c, (_, areas))| areas.iter().map(move |a| (c, a.as_str())))
        .collect();
    let seeders: Vec<Phone> = areas
        .iter()
        .map(|(c, a)| enrol(&http, &server, *c, Role::AreaHead, a))
        .collect();
    let per = records / areas.len();
    for (k, p) in seeders.iter().enumerate() {
        let mut made = 0;
        while made < per {
            let n = (per - made).min(400);
            let batch = (0..n)
                .map(|i| household_change(p, k * per + made + i))
                .collect();
            push(&http, &server, p, batch);
            made += n;
        }
    }
    eprintln!("[{backend}] enrolling {phones} phones…");
    // Phone i belongs to hamlet copy i % copies, so every commune gets its share of the burst.
    let fleet: Vec<Phone> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|w| {
                let (http, server, areas) = (&http, &server, &areas);
                scope.spawn(move || {
                    (w..phones)
                        .step_by(4)
                        .map(|i| {
                            let (c, a) = areas[(i % copies) * 5 + (i / copies) % 5];
                            (i, enrol(http, server, c, Role::Volunteer, a))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<(usize, Phone)> = workers
            .into_iter()
            .flat_map(|h| h.join().expect("enrol"))
            .collect();
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, p)| p).collect()
    });
    // Every phone was caught up before going offline: its cursor is the log's end now (where a
    // caught-up pull leaves any phone's cursor).
    let (_, start_cursor) = pull(&http, &server, &fleet[0], 0);
    let pid = server.child.id();
    // The peak counts from the burst on (enrolling, hashing codes on several threads, has its
    // own); beside it, what the server held when the burst began.
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let (cpu0, rss_before) = usage(pid);
    eprintln!("[{backend}] {phones} phones reconnect at once…");
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(phones));
    let t0 = Instant::now();
    let results: Vec<(Duration, Duration, u64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = fleet
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (http, server, barrier) = (&http, &server, barrier.clone());
                scope.spawn(move || {
                    let batch = (0..2)
                        .map(|k| household_change(p, 1_000_000 + i * 10 + k))
                        .collect();
                    barrier.wait();
                    let t = Instant::now();
                    push(http, server, p, batch);
                    let push_t = t.elapsed();
                    let t = Instant::now();
                    let (n, _) = pull(http, server, p, start_cursor);
                    (push_t, t.elapsed(), 1 + n)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("phone"))
            .collect()
    });
    let wall = t0.elapsed();
    let (cpu1, peak_mb) = usage(pid);
    Row {
        backend,
        communes,
        push: results.iter().map(|r| r.0).collect(),
        pull: results.iter().map(|r| r.1).collect(),
        requests: results.iter().map(|r| r.2).sum(),
        wall,
        cpu: cpu1 - cpu0,
        rss_before,
        peak_mb,
    }
}

fn main() {
    let phones = env("LOAD_PHONES", 3_000);
    let communes = env("LOAD_COMMUNES", 10).max(1);
    let records = env("LOAD_RECORDS", 20_000);
    // Beside the communes, the same burst and the same hamlets in one commune: every push waits
    // on one lock, as every push of a deployment did before communes got a lock each.
    let baseline = env("LOAD_BASELINE", 1) == 1 && communes > 1;
    let postgres = std::env::var("SACHXANH_TEST_POSTGRES")
        .ok()
        .filter(|b| !b.is_empty());
    if postgres.is_none() {
        eprintln!("(no PostgreSQL: run under scripts/with-postgres to compare)");
    }
    let mut rows = vec![];
    for (backend, base) in [
        ("SQLite (embedded)", None),
        ("PostgreSQL", postgres.as_deref()),
    ] {
        if backend == "PostgreSQL" && base.is_none() {
            continue;
        }
        let mut sizes = vec![communes];
        if baseline {
            sizes.push(1);
        }
        for n in sizes {
            let url = base.map(sachxanh_tests::fresh_postgres_database);
            rows.push(run(backend, url.as_deref(), phones, communes, n, records));
        }
    }
    println!("\n{phones} phones reconnecting at once to {records} records; each pushes 2 new records and pulls its hamlet's news.\n");
    println!("| backend | communes | push p50 / p95 / p99 (ms) | pull p50 / p95 / p99 (ms) | requests/s | server CPU (s) | server RSS before → peak (MB) |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for mut r in rows {
        println!(
            "| {} | {} | {} / {} / {} | {} / {} / {} | {:.0} | {:.1} | {:.0} → {:.0} |",
            r.backend,
            r.communes,
            pct(&mut r.push, 0.5),
            pct(&mut r.push, 0.95),
            pct(&mut r.push, 0.99),
            pct(&mut r.pull, 0.5),
            pct(&mut r.pull, 0.95),
            pct(&mut r.pull, 0.99),
            r.requests as f64 / r.wall.as_secs_f64(),
            r.cpu,
            r.rss_before,
            r.peak_mb,
        );
    }
}
