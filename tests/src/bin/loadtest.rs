//! Load test (a binary, not a test): 300 phones reconnecting at once to a commune of 20,000
//! records. Each phone pushes what it recorded offline and pulls what its hamlet's neighbours
//! sent. The server runs as its own process (release build), so its CPU time and peak memory
//! are its own; SQLite and PostgreSQL side by side in the same run. Loopback only.
//!
//!     cargo build --release -p sachxanh-server -p sachxanh-tests
//!     scripts/with-postgres target/release/loadtest            # both backends
//!     target/release/loadtest                                  # SQLite only
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

const AREAS: &[&str] = &[
    "rs-ap-my-hoa",
    "rs-ap-ben-dinh",
    "rs-ap-vam-xang",
    "rs-ap-rach-sung",
    "rs-ap-cau-tre",
];

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Server {
    child: Child,
    url: String,
    staff_token: String,
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
    c.arg("--data").arg(data);
    if let Some(db) = database {
        c.arg("--database").arg(db);
    }
    let out = c.args(args).output().expect("run sachxanh-server");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn start(data: &Path, database: Option<&str>) -> Server {
    let staff: serde_json::Value = serde_json::from_str(&cli(
        data,
        database,
        &[
            "add-staff",
            "--name",
            "Cán bộ tải thử",
            "--commune",
            "rach-sen",
        ],
    ))
    .expect("staff json");
    let mut c = Command::new(server_bin());
    // Every simulated phone enrols from this one address.
    c.arg("--data").arg(data).args([
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
        staff_token: staff["token"].as_str().expect("token").to_owned(),
    }
}

struct Phone {
    token: String,
    actor: ActorId,
    person: String,
    area: String,
}

fn enrol(http: &reqwest::blocking::Client, s: &Server, role: Role, area: &str) -> Phone {
    let issued: serde_json::Value = http
        .post(format!("{}/api/v1/enrolment-codes", s.url))
        .bearer_auth(&s.staff_token)
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

/// Pulls from `cursor` until caught up; returns the number of requests.
fn pull(http: &reqwest::blocking::Client, s: &Server, p: &Phone, mut cursor: u64) -> u64 {
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
            return n;
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
    push: Vec<Duration>,
    pull: Vec<Duration>,
    requests: u64,
    wall: Duration,
    cpu: f64,
    peak_mb: f64,
}

fn run(backend: &'static str, database: Option<&str>, phones: usize, records: usize) -> Row {
    let dir = tempfile::tempdir().expect("dir");
    let server = start(dir.path(), database);
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("http");
    eprintln!("[{backend}] seeding {records} records…");
    let seeders: Vec<Phone> = AREAS
        .iter()
        .map(|a| enrol(&http, &server, Role::AreaHead, a))
        .collect();
    let per = records / AREAS.len();
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
    let fleet: Vec<Phone> = (0..phones)
        .map(|i| enrol(&http, &server, Role::Volunteer, AREAS[i % AREAS.len()]))
        .collect();
    // Every phone was caught up before going offline: its cursor is the log's end now.
    let start_cursor: u64 = {
        let resp = http
            .get(format!("{}/healthz", server.url))
            .send()
            .expect("health")
            .json::<serde_json::Value>()
            .expect("json");
        resp["log_entries"].as_u64().unwrap_or(0)
    };
    let pid = server.child.id();
    let (cpu0, _) = usage(pid);
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
                    let n = pull(http, server, p, start_cursor);
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
        push: results.iter().map(|r| r.0).collect(),
        pull: results.iter().map(|r| r.1).collect(),
        requests: results.iter().map(|r| r.2).sum(),
        wall,
        cpu: cpu1 - cpu0,
        peak_mb,
    }
}

fn main() {
    let phones = env("LOAD_PHONES", 300);
    let records = env("LOAD_RECORDS", 20_000);
    let mut rows = vec![run("SQLite (embedded)", None, phones, records)];
    match std::env::var("SACHXANH_TEST_POSTGRES") {
        Ok(base) if !base.is_empty() => {
            let url = sachxanh_tests::fresh_postgres_database(&base);
            rows.push(run("PostgreSQL", Some(&url), phones, records));
        }
        _ => eprintln!("(no PostgreSQL: run under scripts/with-postgres to compare)"),
    }
    println!("\n{phones} phones reconnecting at once to a commune of {records} records; each pushes 2 new records and pulls its hamlet's news.\n");
    println!("| backend | push p50 / p95 / p99 (ms) | pull p50 / p95 / p99 (ms) | requests/s | server CPU (s) | server peak RSS (MB) |");
    println!("|---|---:|---:|---:|---:|---:|");
    for mut r in rows {
        println!(
            "| {} | {} / {} / {} | {} / {} / {} | {:.0} | {:.1} | {:.0} |",
            r.backend,
            pct(&mut r.push, 0.5),
            pct(&mut r.push, 0.95),
            pct(&mut r.push, 0.99),
            pct(&mut r.pull, 0.5),
            pct(&mut r.pull, 0.95),
            pct(&mut r.pull, 0.99),
            r.requests as f64 / r.wall.as_secs_f64(),
            r.cpu,
            r.peak_mb,
        );
    }
}
