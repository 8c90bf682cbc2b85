//! The push bomb of the security review (docs/security.md, finding 1) in a test binary of its
//! own, so the peak memory it measures is this test's alone.

use sachxanh_core::model::Role;
use sachxanh_core::sync::protocol::*;
use sachxanh_tests::*;
use serde_bytes::ByteBuf;
use std::io::Write;
use std::time::{Duration, Instant};

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

/// A plain change chunk whose one column claims `rows` rows in a few bytes.
fn run_bomb(rows: u64) -> Vec<u8> {
    let mut body = vec![0u8, 1, 0xab, 1, 1, 0, 0, 0, 1];
    uleb((1 << 4) | 2, &mut body);
    let mut col = vec![];
    let mut v = rows as i64;
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 && b & 0x40 == 0 {
            col.push(b);
            break;
        }
        col.push(b | 0x80);
    }
    col.push(1);
    uleb(col.len() as u64, &mut body);
    body.extend(col);
    let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 1];
    uleb(body.len() as u64, &mut chunk);
    chunk.extend(body);
    chunk
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// An Automerge change chunk of the compressed type whose body inflates to `inflated` bytes.
fn compressed_bomb(inflated: usize) -> Vec<u8> {
    let mut z = flate2::write::DeflateEncoder::new(vec![], flate2::Compression::default());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..inflated >> 20 {
        z.write_all(&zeros).unwrap();
    }
    let body = z.finish().unwrap();
    let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 2];
    uleb(body.len() as u64, &mut chunk);
    chunk.extend(body);
    chunk
}

#[test]
fn a_tiny_push_that_would_inflate_without_limit_is_refused_at_once() {
    let server = TestServer::start();
    let phone = server.phone(Role::Volunteer, &[AREA_A], &server.url);
    let before = server.counts();
    let peak_before = peak_rss_kb();
    // 200 MB once inflated (what Automerge used to do, unbounded), and four billion
    // operations claimed by one run: both in a body under 2 KB.
    let req = PushRequest {
        batch: uuid::Uuid::now_v7().to_string(),
        records: [compressed_bomb(200 << 20), run_bomb(4_000_000_000)]
            .into_iter()
            .map(|change| RecordChanges {
                id: uuid::Uuid::now_v7().to_string(),
                changes: vec![ByteBuf::from(change)],
            })
            .collect(),
    };
    let body = encode(&req);
    assert!(body.len() < 2048, "the bomb is {} bytes", body.len());
    let started = Instant::now();
    let answer = server.push(&phone.enrolment.token, &req);
    let took = started.elapsed();
    let codes: Vec<&str> = answer.refused.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, vec!["compressed_change", "too_many_operations"]);
    assert!(took < Duration::from_secs(2), "took {took:?}");
    let grew_mb = peak_rss_kb().saturating_sub(peak_before) / 1024;
    assert!(grew_mb < 100, "peak memory grew {grew_mb} MB");
    assert_eq!(server.counts(), before);
    let health = reqwest::blocking::get(format!("{}/healthz", server.url)).unwrap();
    assert_eq!(health.status(), 200);
}
