//! A phone on the command line: enrol with a code, record a household, sync — the core's own
//! store and sync client, as the apps use them. The browser tests drive it to enrol a phone
//! with a code they read from the dashboard's QR image. Each command prints one JSON line.
//!
//!     cargo run -p sachxanh-core --example phone -- enrol http://127.0.0.1:8080 K7QM-3XPA-TW dir
//!     cargo run -p sachxanh-core --example phone -- record dir
//!     cargo run -p sachxanh-core --example phone -- sync http://127.0.0.1:8080 dir
//!     cargo run -p sachxanh-core --example phone -- search dir "nguyen van"
//!
//! Every line carries `peak_rss_kb`, the process's peak resident memory (Linux), so a bench can
//! weigh the core alone on a phone-sized budget.

use sachxanh_core::i18n::Lang;
use sachxanh_core::model::Household;
use sachxanh_core::sync::{RetryPolicy, SyncClient, SyncError};
use sachxanh_core::{Reference, Store};
use serde_json::json;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// Loopback: answers come at once or never.
fn patient_enough() -> RetryPolicy {
    RetryPolicy {
        attempts: 2,
        first_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(500),
        timeout: Duration::from_secs(20),
    }
}

fn open(dir: &Path) -> Result<Store, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    Ok(Store::open(
        dir.join("phone.db"),
        Arc::new(Reference::demo()),
    )?)
}

fn areas(store: &Store) -> Vec<String> {
    store
        .setting("areas")
        .ok()
        .flatten()
        .unwrap_or_default()
        .split(',')
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

fn refused(e: &SyncError) -> serde_json::Value {
    let message = match e {
        SyncError::Unauthorized(m) | SyncError::Server { message: m, .. } => m.clone(),
        other => sachxanh_core::i18n::Message::new(other.to_string(), other.to_string()),
    };
    json!({"ok": false, "vi": message.get(Lang::Vi), "en": message.get(Lang::En)})
}

/// The process's peak resident memory in KB (`VmHWM`), 0 where /proc does not say.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["enrol", url, code, dir] => {
            let dir = Path::new(dir);
            let mut store = open(dir)?;
            // What a scanned QR image holds, read as the apps read it; or a typed code.
            let code = sachxanh_core::enrolment::parse_qr(code).unwrap_or_else(|| code.to_owned());
            match SyncClient::enrol(url, &code, &mut store, patient_enough()) {
                Ok(e) => {
                    std::fs::write(dir.join("token"), &e.token)?;
                    json!({"ok": true, "device_id": e.device_id, "areas": e.areas})
                }
                Err(e) => refused(&e),
            }
        }
        ["record", dir] => {
            let mut store = open(Path::new(dir))?;
            let area = areas(&store).into_iter().next().ok_or("not enrolled")?;
            let waiting_before = store.records_waiting()?;
            let id = store.create(Household {
                area_id: area,
                address: format!("Số {}, đường ven kênh", 10 + waiting_before),
                // Invented, as all demo data.
                head_name: "Nguyễn Văn Thử".into(),
                members: 4,
                location: None,
                note: String::new(),
            })?;
            json!({"ok": true, "id": id, "waiting": store.records_waiting()?})
        }
        ["sync", url, dir] => {
            let dir = Path::new(dir);
            let mut store = open(dir)?;
            let token = std::fs::read_to_string(dir.join("token"))?;
            let client = SyncClient::with_policy(url, token.trim(), patient_enough())?;
            let result = client.sync(&mut store, &mut |_| {}, &AtomicBool::new(false));
            let waiting = store.records_waiting()?;
            match result {
                Ok(r) => {
                    // The names as the phone shows them: from the areas the server sent.
                    let names: Vec<String> = areas(&store)
                        .iter()
                        .map(|a| {
                            store
                                .reference()
                                .area(a)
                                .map_or(a.clone(), |x| x.name.clone())
                        })
                        .collect();
                    json!({
                        "ok": true, "pushed": r.pushed, "waiting": waiting, "areas": areas(&store),
                        "area_names": names, "areas_version": store.areas_version()?
                    })
                }
                Err(e) => {
                    let mut v = refused(&e);
                    v["waiting"] = waiting.into();
                    v
                }
            }
        }
        ["search", dir, query] => {
            // What a volunteer does with the store open: search each hamlet without diacritics.
            let store = open(Path::new(dir))?;
            let mut found = 0;
            for area in areas(&store) {
                let mut after: Option<String> = None;
                loop {
                    let page = store.households(&area, query, after.as_deref(), 200)?;
                    found += page.items.len();
                    match page.next {
                        Some(next) => after = Some(next),
                        None => break,
                    }
                }
            }
            json!({"ok": true, "found": found, "records": store.document_ids()?.len()})
        }
        _ => {
            return Err(
                "usage: phone enrol URL CODE DIR | record DIR | sync URL DIR | search DIR QUERY"
                    .into(),
            )
        }
    };
    let mut out = out;
    out["peak_rss_kb"] = peak_rss_kb().into();
    println!("{out}");
    Ok(())
}
