//! `--demo`: a demo commune with staff and several simulated phones. Each phone is the real core
//! (a store on disk) and the real sync client speaking HTTP to this server: it records offline in
//! its hamlet, then syncs, again and again, so a newcomer sees real data arrive.
//!
//! Everyone here is invented: names are drawn from common Vietnamese name parts at random.

use crate::auth::hash_secret;
use crate::enrol::{add_with_key, issue_code, IssuedCode, NewCode};
use crate::storage::{Person, Storage};
use rand::seq::IndexedRandom;
use rand::Rng;
use sachxanh_core::model::*;
use sachxanh_core::place::{Coord, Place};
use sachxanh_core::sync::{RetryPolicy, SyncClient};
use sachxanh_core::{Reference, Store};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub const COMMUNE: &str = "rach-sen";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoStaff {
    pub person_id: String,
    pub name: String,
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoDevice {
    pub slug: String,
    pub name: String,
    pub role: Role,
    pub area_id: String,
    pub person_id: String,
    pub enrolment_code: String,
}

/// What `--demo` created, written to `<data>/demo-credentials.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoCredentials {
    pub server_url: String,
    pub dashboard_url: String,
    pub commune_id: String,
    pub staff: DemoStaff,
    /// The Department's viewer: every commune, read only (absent from older demo data).
    #[serde(default)]
    pub viewer: Option<DemoStaff>,
    /// Staff of the second commune (Phường Cồn Sen), so the Department has two to compare.
    #[serde(default)]
    pub other_staff: Option<DemoStaff>,
    /// The administrator: communes, staff and the Department's viewers.
    #[serde(default)]
    pub admin: Option<DemoStaff>,
    /// How to sign in as each, in words.
    #[serde(default)]
    pub sign_in: String,
    pub devices: Vec<DemoDevice>,
    /// Unused codes, to enrol a phone or the JVM tests by hand.
    pub spare_codes: Vec<IssuedCode>,
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi", "Đỗ", "Ngô",
];
const MIDDLE: &[&str] = &["Văn", "Thị", "Minh", "Hữu", "Ngọc", "Thanh"];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dung", "Em", "Giàu", "Hạnh", "Khánh", "Lộc", "Mai", "Nhung", "Phúc",
    "Quý", "Sang", "Tâm", "Út", "Vân", "Xuân", "Yến", "Tư", "Sáu", "Bảy", "Tám", "Mười",
];
const STREETS: &[&str] = &[
    "đường ven kênh Rạch Sen",
    "hẻm Cây Me",
    "đường đal liên ấp",
    "bờ kênh Xáng",
    "đường Cầu Tre",
];

pub fn invented_name(rng: &mut impl Rng) -> String {
    format!(
        "{} {} {}",
        FAMILY.choose(rng).copied().unwrap_or("Nguyễn"),
        MIDDLE.choose(rng).copied().unwrap_or("Văn"),
        GIVEN.choose(rng).copied().unwrap_or("An")
    )
}

/// The second commune of the demo reference, with staff of its own.
const OTHER_COMMUNE: &str = "con-sen";

const SIGN_IN: &str = "Mở dashboard_url, dán một token vào ô khóa đăng nhập / Open dashboard_url \
and paste a token into the key field: staff.token = cán bộ Xã Rạch Sen (duyệt, chỉ tiêu, người, \
khu vực / review, targets, people, areas); other_staff.token = cán bộ Phường Cồn Sen; \
viewer.token = Sở Nông nghiệp và Môi trường (mọi xã, chỉ xem / every commune, read only); \
admin.token = quản trị (xã, cán bộ, tài khoản Sở / communes, staff, Department accounts). \
Điện thoại / phones: devices[].enrolment_code, spare_codes[].code.";

/// Creates the demo staff and phones once; later runs reuse `<data>/demo-credentials.json`.
pub fn setup(
    storage: &dyn Storage,
    reference: &Reference,
    data: &Path,
    server_url: &str,
) -> Result<DemoCredentials, Box<dyn std::error::Error + Send + Sync>> {
    let path = data.join("demo-credentials.json");
    if let Ok(text) = std::fs::read_to_string(&path) {
        if let Ok(mut creds) = serde_json::from_str::<DemoCredentials>(&text) {
            if storage.person(&creds.staff.person_id)?.is_some() {
                creds.server_url = server_url.to_owned();
                creds.dashboard_url = format!("{server_url}/");
                std::fs::write(&path, serde_json::to_string_pretty(&creds)?)?;
                return Ok(creds);
            }
        }
    }
    let staff = Person {
        id: "p-staff-demo".into(),
        name: "Cán bộ môi trường xã (demo)".into(),
        role: Role::CommuneStaff,
        commune_id: COMMUNE.into(),
        areas: vec![],
    };
    let token = add_with_key(storage, &staff)?;
    let viewer = Person {
        id: "p-department-demo".into(),
        name: "Chuyên viên Sở (demo)".into(),
        role: Role::ProvinceViewer,
        commune_id: String::new(),
        areas: vec![],
    };
    let viewer_token = add_with_key(storage, &viewer)?;
    let other_staff = Person {
        id: "p-staff-con-sen-demo".into(),
        name: "Cán bộ phường Cồn Sen (demo)".into(),
        role: Role::CommuneStaff,
        commune_id: OTHER_COMMUNE.into(),
        areas: vec![],
    };
    let other_token = add_with_key(storage, &other_staff)?;
    let admin = Person {
        id: "p-admin-demo".into(),
        name: "Quản trị hệ thống (demo)".into(),
        role: Role::Administrator,
        commune_id: String::new(),
        areas: vec![],
    };
    let admin_token = add_with_key(storage, &admin)?;
    let plan = [
        ("tnv-my-hoa", Role::Volunteer, "rs-ap-my-hoa"),
        ("truong-ap-my-hoa", Role::AreaHead, "rs-ap-my-hoa"),
        ("tnv-cau-tre", Role::Volunteer, "rs-ap-cau-tre"),
        ("truong-ap-cau-tre", Role::AreaHead, "rs-ap-cau-tre"),
    ];
    let mut rng = rand::rng();
    let mut devices = vec![];
    for (slug, role, area) in plan {
        let name = invented_name(&mut rng);
        let issued = issue_code(
            storage,
            reference,
            COMMUNE,
            &NewCode {
                name: name.clone(),
                role,
                areas: vec![area.into()],
            },
        )
        .map_err(|e| format!("{:?}", e.message))?;
        devices.push(DemoDevice {
            slug: slug.into(),
            name,
            role,
            area_id: area.into(),
            person_id: issued.person_id,
            enrolment_code: issued.code,
        });
    }
    let mut spare_codes = vec![];
    for (role, area) in [
        (Role::Volunteer, "rs-ap-ben-dinh"),
        (Role::AreaHead, "rs-ap-vam-xang"),
    ] {
        spare_codes.push(
            issue_code(
                storage,
                reference,
                COMMUNE,
                &NewCode {
                    name: invented_name(&mut rng),
                    role,
                    areas: vec![area.into()],
                },
            )
            .map_err(|e| format!("{:?}", e.message))?,
        );
    }
    let creds = DemoCredentials {
        server_url: server_url.to_owned(),
        dashboard_url: format!("{server_url}/"),
        commune_id: COMMUNE.into(),
        staff: DemoStaff {
            person_id: staff.id,
            name: staff.name,
            token,
        },
        viewer: Some(DemoStaff {
            person_id: viewer.id,
            name: viewer.name,
            token: viewer_token,
        }),
        other_staff: Some(DemoStaff {
            person_id: other_staff.id,
            name: other_staff.name,
            token: other_token,
        }),
        admin: Some(DemoStaff {
            person_id: admin.id,
            name: admin.name,
            token: admin_token,
        }),
        sign_in: SIGN_IN.into(),
        devices,
        spare_codes,
    };
    std::fs::create_dir_all(data)?;
    std::fs::write(&path, serde_json::to_string_pretty(&creds)?)?;
    Ok(creds)
}

/// Starts one thread per simulated phone. They stop when `stop` is set.
pub fn spawn_devices(
    creds: &DemoCredentials,
    data: &Path,
    reference: Arc<Reference>,
    stop: Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<()>> {
    creds
        .devices
        .iter()
        .cloned()
        .map(|d| {
            let dir = data.join("demo-devices");
            let url = creds.server_url.clone();
            let reference = reference.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                if let Err(e) = run_device(&d, &dir, &url, reference, &stop) {
                    tracing::warn!(device = %d.slug, error = %e, "simulated phone stopped");
                }
            })
        })
        .collect()
}

/// The demo's commune staff: every few seconds they decide on records that have waited more
/// than a minute — most approved, some returned with a reason, a few rejected — so the
/// dashboard's figures come alive while a newcomer watches (and fresh records stay in the queue
/// for them to review by hand).
pub fn spawn_reviewer(
    creds: &DemoCredentials,
    storage: Arc<dyn Storage>,
    reference: Arc<Reference>,
    stop: Arc<AtomicBool>,
    min_wait: Duration,
) -> std::thread::JoinHandle<()> {
    let token_hash = hash_secret(&creds.staff.token);
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            if let Err(e) = review_round(storage.as_ref(), &reference, &token_hash, min_wait) {
                tracing::warn!(error = %e, "demo reviewer");
            }
            for _ in 0..50 {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    })
}

fn review_round(
    storage: &dyn Storage,
    reference: &Reference,
    token_hash: &str,
    min_wait: Duration,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let Some(staff) = storage.device_by_token(token_hash, chrono::Utc::now().timestamp_millis())?
    else {
        return Ok(());
    };
    let waited = chrono::Utc::now().timestamp_millis() - min_wait.as_millis() as i64;
    let rows = storage.records(&crate::storage::RecordFilter {
        scope: Some(crate::storage::PullScope::of(&staff.person, reference)),
        limit: 100_000,
        ..Default::default()
    })?;
    for r in rows.iter().filter(|r| {
        r.kind() != RecordKind::Review
            && r.created_at <= waited
            && matches!(
                r.review_status,
                ReviewStatus::AwaitingReview | ReviewStatus::ChangedSinceApproval
            )
    }) {
        // The same record always gets the same decision: a stable, invented staff habit.
        let dice =
            r.id.bytes()
                .fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(b as u32))
                % 20;
        let (decision, reason) = match dice {
            0 => (Decision::Rejected, "Hồ sơ trùng với hồ sơ đã có"),
            1 | 2 => (Decision::Returned, "Thiếu thông tin, xin bổ sung"),
            _ => (Decision::Approved, ""),
        };
        let _ = crate::check::review_from_dashboard(
            storage, reference, &staff, &r.id, &r.heads, decision, reason,
        )?;
    }
    Ok(())
}

/// A point inside the area, for a household or a cleanup.
fn point_in(reference: &Reference, area: &str, rng: &mut impl Rng) -> Option<Coord> {
    use geo_bbox::bbox;
    let a = reference.area(area)?;
    let (min, max) = bbox(&a.boundary)?;
    for _ in 0..100 {
        let c = Coord::new(
            rng.random_range(min.0..max.0),
            rng.random_range(min.1..max.1),
        );
        if reference
            .area_at(&a.commune_id, c.lon, c.lat)
            .is_some_and(|x| x.id == area)
        {
            return Some(c);
        }
    }
    None
}

mod geo_bbox {
    /// ((min lon, min lat), (max lon, max lat)) of a boundary.
    pub fn bbox(m: &geo_types::MultiPolygon<f64>) -> Option<((f64, f64), (f64, f64))> {
        let mut it = m.0.iter().flat_map(|p| p.exterior().0.iter());
        let first = it.next()?;
        let mut b = ((first.x, first.y), (first.x, first.y));
        for c in it {
            b.0 .0 = b.0 .0.min(c.x);
            b.0 .1 = b.0 .1.min(c.y);
            b.1 .0 = b.1 .0.max(c.x);
            b.1 .1 = b.1 .1.max(c.y);
        }
        Some(b)
    }
}

const HOUSEHOLDS_PER_PHONE: usize = 30;

fn run_device(
    d: &DemoDevice,
    dir: &Path,
    url: &str,
    reference: Arc<Reference>,
    stop: &AtomicBool,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    std::fs::create_dir_all(dir)?;
    let path: PathBuf = dir.join(format!("{}.db", d.slug));
    let mut store = Store::open(&path, reference.clone())?;
    let retry = RetryPolicy {
        attempts: 3,
        first_delay: Duration::from_millis(300),
        max_delay: Duration::from_secs(2),
        timeout: Duration::from_secs(20),
    };
    // A real phone keeps its token in the Keystore/Keychain; the simulation keeps it in its store.
    let token = match store.setting("demo_token")? {
        Some(t) => t,
        None => {
            let e = SyncClient::enrol(url, &d.enrolment_code, &mut store, retry)?;
            store.set_setting("demo_token", Some(&e.token))?;
            e.token
        }
    };
    let client = SyncClient::with_policy(url, &token, retry)?;
    let mut rng = rand::rng();
    while !stop.load(Ordering::Relaxed) {
        record_offline(d, &mut store, &reference, &mut rng)?;
        let never = AtomicBool::new(false);
        match client.sync(&mut store, &mut |_| {}, &never) {
            Ok(r) => tracing::info!(
                device = %d.slug, pushed = r.pushed, pulled = r.pulled, refused = r.refused,
                "simulated phone synced"
            ),
            Err(e) => {
                tracing::warn!(device = %d.slug, error = %e, "simulated phone could not sync")
            }
        }
        for _ in 0..rng.random_range(20..50) {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    Ok(())
}

/// One stretch of offline work: a few households visited, their sorting checked, and now and
/// then the weekend cleanup or the covenant.
fn record_offline(
    d: &DemoDevice,
    store: &mut Store,
    reference: &Reference,
    rng: &mut impl Rng,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    // Each hamlet stops growing at HOUSEHOLDS_PER_PHONE households (its phones see them all).
    let known = store.households(&d.area_id, "", None, 500)?.items.len();
    if known < HOUSEHOLDS_PER_PHONE {
        for _ in 0..rng.random_range(1..=3) {
            let id = store.create(Household {
                area_id: d.area_id.clone(),
                address: format!(
                    "Số {}, {}",
                    rng.random_range(1..200),
                    STREETS.choose(rng).copied().unwrap_or("đường ven kênh")
                ),
                head_name: invented_name(rng),
                members: rng.random_range(1..8),
                location: point_in(reference, &d.area_id, rng),
                note: String::new(),
            })?;
            let all = rng.random_bool(0.6);
            // Visits spread over the past months, so the chart by month shows households
            // taking up sorting over time.
            let visited = Day(Day::today().0 - chrono::Duration::days(rng.random_range(0..150)));
            let check = store.create(SortingCheck {
                household_id: id.clone(),
                area_id: d.area_id.clone(),
                check_date: visited.max(history_start()),
                recyclable_sorted: rng.random_bool(0.8),
                food_sorted: all || rng.random_bool(0.5),
                other_sorted: all,
                hazardous_separated: rng.random_bool(0.5),
                served_by_collection: rng.random_bool(0.9),
                burning_seen: rng.random_bool(0.1),
                dumping_seen: rng.random_bool(0.05),
                note: String::new(),
                checked_by: d.person_id.clone(),
            })?;
            store.submit::<Household>(&id)?;
            store.submit::<SortingCheck>(&check)?;
        }
    }
    let saturday = Day::today().latest_saturday();
    let have_cleanup = store
        .cleanups_by_weekend(Some(&d.area_id), saturday, Day::today())?
        .iter()
        .any(|w| w.cleanups > 0);
    if d.role == Role::AreaHead && !have_cleanup {
        let a = point_in(reference, &d.area_id, rng);
        let b = point_in(reference, &d.area_id, rng);
        if let (Some(a), Some(b)) = (a, b) {
            let photos = vec![
                demo_photo(store, PhotoStage::Before, rng)?,
                demo_photo(store, PhotoStage::After, rng)?,
            ];
            let id = store.create(Cleanup {
                area_id: d.area_id.clone(),
                cleanup_date: saturday,
                place: Place::line(vec![a, b]),
                work: Work {
                    sweeping: true,
                    waterways: rng.random_bool(0.7),
                    drains: rng.random_bool(0.4),
                    trees: rng.random_bool(0.2),
                },
                participants: Participants {
                    fatherland_front: rng.random_range(1..5),
                    womens_union: rng.random_range(5..20),
                    youth_union: rng.random_range(5..30),
                    veterans: rng.random_range(0..6),
                    residents: rng.random_range(10..60),
                    ..Default::default()
                },
                waste_kg: Some(rng.random_range(80..600) as f64),
                bags: Some(rng.random_range(10..80)),
                note: "Ra quân tổng vệ sinh cuối tuần".into(),
                photos,
            })?;
            store.submit::<Cleanup>(&id)?;
        }
        let commune = reference
            .commune_of_area(&d.area_id)
            .map(|c| c.id.clone())
            .unwrap_or_default();
        let has_covenant = store
            .covenant_status(&commune)?
            .iter()
            .any(|c| c.area_id == d.area_id && c.status.is_some());
        if !has_covenant {
            let days = |n: i64| Some(Day(Day::today().0 - chrono::Duration::days(n)));
            // One hamlet is further along than the other.
            let in_force = d.area_id == "rs-ap-my-hoa";
            let id = store.create(Covenant {
                area_id: d.area_id.clone(),
                status: if in_force {
                    CovenantStatus::InForce
                } else {
                    CovenantStatus::Consultation
                },
                clauses: vec![
                    "Hộ gia đình phân loại rác tại nguồn theo ba nhóm".into(),
                    "Không đổ rác xuống kênh, rạch".into(),
                ],
                drafting_started: days(120),
                consultation_date: days(60),
                approved_date: if in_force { days(40) } else { None },
                in_force_date: if in_force { days(30) } else { None },
                document_sha256: None,
                note: String::new(),
            })?;
            store.submit::<Covenant>(&id)?;
        }
    }
    record_campaign_work(d, store, reference, rng)?;
    record_history(d, store, reference, rng)?;
    Ok(())
}

/// How far back the demo's earlier work goes: this calendar year (the yearly report's) and this
/// report period, so back-dated records change no closed period and no earlier year.
fn history_start() -> Day {
    let today = Day::today();
    let year_start = Day::ymd(chrono::Datelike::year(&today.0), 1, 1).unwrap_or(today);
    year_start.max(sachxanh_core::report::period::Period::containing(today).from)
}

/// How many months back the demo's logbooks go.
const HISTORY_MONTHS: i64 = 6;

/// The months before the demo began, copied from the hamlet's paper logbook, one month a round
/// from the phone's second round on (its first sync carries today's work alone, and the photos'
/// cost is spread): a weekend cleanup a month by the area head, dumps reported along the canals
/// by the volunteer (which the area head then follows up) — so the chart by month and the map
/// have more than today to show.
fn record_history(
    d: &DemoDevice,
    store: &mut Store,
    reference: &Reference,
    rng: &mut impl Rng,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    const NEXT: &str = "demo_history_month";
    let months: i64 = match store.setting(NEXT)? {
        None => {
            store.set_setting(NEXT, Some("1"))?;
            return Ok(());
        }
        Some(m) => m.parse().unwrap_or(HISTORY_MONTHS + 1),
    };
    let day = Day(Day::today().0 - chrono::Duration::days(30 * months)).latest_saturday();
    if months > HISTORY_MONTHS || day < history_start() {
        return Ok(());
    }
    store.set_setting(NEXT, Some(&(months + 1).to_string()))?;
    if d.role == Role::AreaHead {
        let (Some(a), Some(b)) = (
            point_in(reference, &d.area_id, rng),
            point_in(reference, &d.area_id, rng),
        ) else {
            return Ok(());
        };
        // The photo taken that day, as every cleanup the commune files has one.
        let photo = demo_photo(store, PhotoStage::After, rng)?;
        let id = store.create(Cleanup {
            area_id: d.area_id.clone(),
            cleanup_date: day,
            place: Place::line(vec![a, b]),
            work: Work {
                sweeping: true,
                waterways: rng.random_bool(0.7),
                ..Default::default()
            },
            participants: Participants {
                womens_union: rng.random_range(5..20),
                youth_union: rng.random_range(5..30),
                residents: rng.random_range(10..60),
                ..Default::default()
            },
            waste_kg: Some(rng.random_range(80..600) as f64),
            bags: Some(rng.random_range(10..80)),
            note: "Ghi lại từ sổ theo dõi của ấp".into(),
            photos: vec![photo],
        })?;
        store.submit::<Cleanup>(&id)?;
    } else if months % 2 == 1 {
        let Some(at) = point_in(reference, &d.area_id, rng) else {
            return Ok(());
        };
        let id = store.create(BlackSpot {
            area_id: d.area_id.clone(),
            spot_kind: if months == 3 {
                SpotKind::PollutionSpot
            } else {
                SpotKind::SpontaneousDump
            },
            place: Place::point(at),
            description: "Rác đổ ven kênh, người dân phản ánh".into(),
            status: SpotStatus::Reported,
            reported_date: day,
            verified_date: None,
            cleaned_date: None,
            closed_date: None,
            photos: vec![],
            note: String::new(),
        })?;
        store.submit::<BlackSpot>(&id)?;
    }
    Ok(())
}

/// A stand-in photo (canal bank under a sky, with grain), prepared and kept like a camera's.
fn demo_photo(
    store: &mut Store,
    stage: PhotoStage,
    rng: &mut impl Rng,
) -> Result<PhotoRef, Box<dyn std::error::Error + Send + Sync>> {
    let (w, h) = (960u32, 720u32);
    let tint: f32 = rng.random_range(0.7..1.2);
    let water = if stage == PhotoStage::Before {
        0.55
    } else {
        1.0
    };
    let seed: u32 = rng.random();
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663) ^ seed) % 40;
        let grain = n as f32 - 20.0;
        let px = |v: f32| (v * tint + grain).clamp(0.0, 255.0) as u8;
        if y < h / 3 {
            image::Rgb([px(150.0), px(190.0), px(235.0)])
        } else if y < h * 2 / 3 {
            image::Rgb([px(60.0), px(120.0), px(55.0)])
        } else {
            image::Rgb([px(90.0 * water), px(110.0 * water), px(80.0)])
        }
    });
    let mut jpeg = vec![];
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&img)?;
    let info = store.add_photo(&jpeg, Default::default())?;
    Ok(PhotoRef {
        sha256: info.sha256,
        stage,
    })
}

/// The rest of the campaign: the area head's collection point and self-managed model once,
/// now and then a briefing, and reports of dumps that the area head follows up to closure.
fn record_campaign_work(
    d: &DemoDevice,
    store: &mut Store,
    reference: &Reference,
    rng: &mut impl Rng,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let days = |n: i64| Day(Day::today().0 - chrono::Duration::days(n));
    let mine = store.records_of(&d.person_id)?;
    let has = |k: RecordKind| mine.iter().any(|r| r.kind == k);
    if d.role == Role::AreaHead && !has(RecordKind::CollectionPoint) {
        if let Some(at) = point_in(reference, &d.area_id, rng) {
            let good = rng.random_bool(0.6);
            let id = store.create(CollectionPoint {
                area_id: d.area_id.clone(),
                name: format!(
                    "Điểm tập kết {}",
                    STREETS.choose(rng).copied().unwrap_or("bến đò")
                ),
                place: Place::point(at),
                inspection_date: days(2),
                sealed_floor: true,
                roofed: good,
                enclosed: good || rng.random_bool(0.5),
                sorted_containers: true,
                collected_on_schedule: true,
                note: String::new(),
                photos: vec![],
            })?;
            store.submit::<CollectionPoint>(&id)?;
        }
    }
    if d.role == Role::AreaHead && !has(RecordKind::SelfManagedModel) {
        let id = store.create(SelfManagedModel {
            area_id: d.area_id.clone(),
            name: "Tổ phụ nữ tự quản đường ven kênh xanh – sạch – đẹp".into(),
            members: rng.random_range(8..30),
            start_date: days(200),
            status: ModelStatus::Active,
            activities: "Quét dọn, vớt rác ven kênh sáng chủ nhật".into(),
        })?;
        store.submit::<SelfManagedModel>(&id)?;
    }
    if rng.random_bool(0.1) {
        let id = store.create(Briefing {
            area_id: d.area_id.clone(),
            briefing_date: Day::today(),
            topic: "Phổ biến Nghị quyết 394/NQ-CP, hướng dẫn phân loại rác tại nguồn".into(),
            audience: if rng.random_bool(0.5) {
                Audience::Residents
            } else {
                Audience::Members
            },
            attendance: rng.random_range(15..80),
            note: String::new(),
        })?;
        store.submit::<Briefing>(&id)?;
    }
    if d.role == Role::Volunteer && rng.random_bool(0.1) {
        if let Some(at) = point_in(reference, &d.area_id, rng) {
            let photo = demo_photo(store, PhotoStage::Before, rng)?;
            let id = store.create(BlackSpot {
                area_id: d.area_id.clone(),
                spot_kind: SpotKind::SpontaneousDump,
                place: Place::point(at),
                description: "Rác sinh hoạt đổ ven kênh, khoảng một xe ba gác".into(),
                status: SpotStatus::Reported,
                reported_date: Day::today(),
                verified_date: None,
                cleaned_date: None,
                closed_date: None,
                photos: vec![photo],
                note: String::new(),
            })?;
            store.submit::<BlackSpot>(&id)?;
        }
    }
    // The area head verifies reported dumps of the hamlet (they arrive by sync).
    if d.role == Role::AreaHead {
        for r in store
            .attention_summaries(None)?
            .into_iter()
            .chain(store.review_queue()?)
        {
            if r.kind != RecordKind::BlackSpot || r.area_id.as_deref() != Some(&d.area_id) {
                continue;
            }
            let spot = store.get::<BlackSpot>(&r.id)?;
            match spot.body.status {
                SpotStatus::Reported => {
                    store.update::<BlackSpot>(&r.id, |b| {
                        b.status = SpotStatus::Verified;
                        b.verified_date = Some(Day::today());
                    })?;
                }
                // Cleaned up at the next round, with a photo as evidence, and closed.
                SpotStatus::Verified => {
                    let after = demo_photo(store, PhotoStage::After, rng)?;
                    store.update::<BlackSpot>(&r.id, |b| {
                        b.status = SpotStatus::Closed;
                        b.cleaned_date = Some(Day::today());
                        b.closed_date = Some(Day::today());
                        b.photos.push(after);
                    })?;
                }
                _ => continue,
            }
            break;
        }
    }
    Ok(())
}
