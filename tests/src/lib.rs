//! The harness for end-to-end tests: a real server on a free loopback port with its own data
//! folder, and phones that are the real core (store + sync client) enrolled through HTTP.

pub mod proxy;

use sachxanh_core::model::*;
use sachxanh_core::place::Coord;
use sachxanh_core::sync::{Enrolment, RetryPolicy, SyncClient, SyncError, SyncReport};
use sachxanh_core::{Reference, Store};
use sachxanh_server::enrol::{issue_code, NewCode};
use sachxanh_server::storage::postgresql::PostgresStorage;
use sachxanh_server::storage::sqlite::SqliteStorage;
use sachxanh_server::storage::{Person, Storage};
use sachxanh_server::AppState;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

pub const COMMUNE: &str = "rach-sen";
pub const AREA_A: &str = "rs-ap-my-hoa";
pub const AREA_B: &str = "rs-ap-cau-tre";
/// A second commune of the demo province, for what one commune must never reach of another.
pub const OTHER_COMMUNE: &str = "con-sen";
pub const OTHER_AREA: &str = "cs-kv-1";

/// Environment variable naming a PostgreSQL server (`postgres://user@host:port/db`): when set,
/// every test server gets a fresh database there instead of an SQLite file, so the same suites
/// run against both backends.
pub const POSTGRES_ENV: &str = "SACHXANH_TEST_POSTGRES";

/// A fresh, empty database on the test PostgreSQL server; its URL.
pub fn fresh_postgres_database(base: &str) -> String {
    let name = format!("sx_test_{}", uuid::Uuid::now_v7().simple());
    let mut admin =
        postgres::Client::connect(base, postgres::NoTls).expect("connect to PostgreSQL");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create test database");
    let (head, _) = base.rsplit_once('/').expect("a database in the URL");
    format!("{head}/{name}")
}

/// Where a test server's data lives, so a second instance can share it.
#[derive(Clone, Debug)]
pub enum Database {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Database {
    /// SQLite in `dir`, or a fresh PostgreSQL database when [`POSTGRES_ENV`] is set.
    pub fn fresh(dir: &std::path::Path) -> Database {
        match std::env::var(POSTGRES_ENV) {
            Ok(base) if !base.is_empty() => Database::Postgres(fresh_postgres_database(&base)),
            _ => Database::Sqlite(dir.join("server.db")),
        }
    }

    /// Opens it: each call is a separate storage instance, as a separate server process has.
    pub fn open(&self) -> Arc<dyn Storage> {
        match self {
            Database::Sqlite(path) => Arc::new(SqliteStorage::open(path).expect("SQLite storage")),
            Database::Postgres(url) => {
                Arc::new(PostgresStorage::open(url, 8).expect("PostgreSQL storage"))
            }
        }
    }
}

pub struct TestServer {
    pub rt: tokio::runtime::Runtime,
    /// `http://127.0.0.1:port`
    pub url: String,
    /// `127.0.0.1:port`
    pub addr: String,
    pub storage: Arc<dyn Storage>,
    pub database: Database,
    pub reference: Arc<Reference>,
    /// A commune staff console token (no actor: it reads and manages, it does not sync).
    pub staff_token: String,
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Patient enough for injected faults, quick enough for a test.
pub fn test_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 4,
        first_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        timeout: Duration::from_secs(3),
    }
}

impl TestServer {
    pub fn start() -> TestServer {
        Self::start_with(|_| {})
    }

    /// A server whose state is adjusted first (limits, cookies), with the same staff console.
    pub fn start_with(configure: impl FnOnce(&mut AppState)) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let database = Database::fresh(dir.path());
        Self::start_with_database(database, dir, configure)
    }

    /// A server over a database made by the caller (who may hold its own handle on it), with
    /// the same staff console.
    pub fn start_with_database(
        database: Database,
        dir: tempfile::TempDir,
        configure: impl FnOnce(&mut AppState),
    ) -> TestServer {
        let server = Self::start_on(database, dir, configure);
        let staff = Person {
            id: "p-staff-test".into(),
            name: "Cán bộ thử nghiệm".into(),
            role: Role::CommuneStaff,
            commune_id: COMMUNE.into(),
            areas: vec![],
        };
        server.storage.add_person(&staff).expect("staff");
        server
            .storage
            .add_device(
                "d-staff-console",
                &staff.id,
                &sachxanh_server::auth::hash_secret(&server.staff_token),
                None,
            )
            .expect("staff token");
        server
    }

    /// A server over a database that already has its people and staff console (a database
    /// made by an earlier release): nothing is added to it, `staff_token` is the one given.
    pub fn reopen(database: Database, dir: tempfile::TempDir, staff_token: &str) -> TestServer {
        let mut s = Self::start_on(database, dir, |_| {});
        s.staff_token = staff_token.to_owned();
        s
    }

    /// A second server instance over the same database, on its own port (as a second process
    /// behind a load balancer would be).
    pub fn another_instance(&self) -> TestServer {
        let mut s = Self::start_on(
            self.database.clone(),
            tempfile::tempdir().expect("temp dir"),
            |_| {},
        );
        s.staff_token = self.staff_token.clone();
        s
    }

    fn start_on(
        database: Database,
        dir: tempfile::TempDir,
        configure: impl FnOnce(&mut AppState),
    ) -> TestServer {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let storage = database.open();
        let reference = Arc::new(Reference::demo());
        let mut state = AppState::new(storage.clone(), reference.clone());
        // Suites enrol dozens of phones from one address within a minute; the limit itself
        // has its own test.
        state.attempts =
            sachxanh_server::auth::Attempts::new(10_000, std::time::Duration::from_secs(60));
        configure(&mut state);
        let state = Arc::new(state);
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        rt.spawn(sachxanh_server::serve(listener, state, async move {
            let _ = rx.await;
        }));
        let staff_token = sachxanh_server::auth::new_token();
        TestServer {
            rt,
            url: format!("http://{addr}"),
            addr,
            storage,
            database,
            reference,
            staff_token,
            dir,
            stop: Some(tx),
        }
    }

    /// A one-time enrolment code for a new person.
    pub fn code(&self, role: Role, areas: &[&str]) -> String {
        self.code_in(COMMUNE, role, areas)
    }

    /// A one-time enrolment code for a new person of a commune.
    pub fn code_in(&self, commune: &str, role: Role, areas: &[&str]) -> String {
        let name = format!("Người thử {}", uuid::Uuid::now_v7().simple());
        issue_code(
            self.storage.as_ref(),
            &self.reference,
            commune,
            &NewCode {
                name,
                role,
                areas: areas.iter().map(|a| a.to_string()).collect(),
            },
        )
        .expect("code")
        .code
    }

    /// A phone enrolled directly with the server, syncing through `via` (the server or a proxy).
    pub fn phone(&self, role: Role, areas: &[&str], via: &str) -> Phone {
        self.phone_in(COMMUNE, role, areas, via)
    }

    /// A phone of a person of `commune`.
    pub fn phone_in(&self, commune: &str, role: Role, areas: &[&str], via: &str) -> Phone {
        let code = self.code_in(commune, role, areas);
        let mut store = Store::open_in_memory(self.reference.clone()).expect("store");
        let enrolment =
            SyncClient::enrol(&self.url, &code, &mut store, test_retry()).expect("enrol");
        let client = SyncClient::with_policy(via, &enrolment.token, test_retry()).expect("client");
        Phone {
            store,
            client,
            enrolment,
        }
    }

    /// A staff console key (no actor) for a new staff member of `commune`.
    pub fn staff_key_in(&self, commune: &str) -> String {
        let person = Person {
            id: format!("p-staff-{}", uuid::Uuid::now_v7().simple()),
            name: "Cán bộ xã khác".into(),
            role: Role::CommuneStaff,
            commune_id: commune.into(),
            areas: vec![],
        };
        sachxanh_server::enrol::add_with_key(self.storage.as_ref(), &person).expect("staff key")
    }

    /// A dashboard key for a viewer of the province's Department (every commune, read only),
    /// as `sachxanh-server add-viewer` makes one.
    pub fn viewer_key(&self) -> String {
        let person = Person {
            id: format!("p-viewer-{}", uuid::Uuid::now_v7().simple()),
            name: "Chuyên viên Sở".into(),
            role: Role::ProvinceViewer,
            commune_id: String::new(),
            areas: vec![],
        };
        sachxanh_server::enrol::add_with_key(self.storage.as_ref(), &person).expect("viewer key")
    }

    /// A JSON POST with any key, answered as it is.
    pub fn post_as(
        &self,
        key: &str,
        path: &str,
        body: serde_json::Value,
    ) -> reqwest::blocking::Response {
        reqwest::blocking::Client::new()
            .post(format!("{}{path}", self.url))
            .bearer_auth(key)
            .json(&body)
            .send()
            .expect("POST")
    }

    /// A GET with any key, answered as it is.
    pub fn get_as(&self, key: &str, path: &str) -> reqwest::blocking::Response {
        reqwest::blocking::Client::new()
            .get(format!("{}{path}", self.url))
            .bearer_auth(key)
            .send()
            .expect("GET")
    }

    /// A GET of the staff API with the staff key, expecting 200.
    pub fn staff_get(&self, path: &str) -> serde_json::Value {
        let r = reqwest::blocking::Client::new()
            .get(format!("{}{path}", self.url))
            .bearer_auth(&self.staff_token)
            .send()
            .expect("staff GET");
        assert_eq!(r.status(), 200, "{path}");
        r.json().expect("JSON")
    }

    /// Staff decide on a record at the version its dashboard page shows.
    pub fn staff_decide(
        &self,
        id: &str,
        decision: &str,
        reason: &str,
    ) -> reqwest::blocking::Response {
        let detail = self.staff_get(&format!("/api/v1/records/{id}/detail"));
        reqwest::blocking::Client::new()
            .post(format!("{}/api/v1/records/{id}/review", self.url))
            .bearer_auth(&self.staff_token)
            .json(&serde_json::json!({
                "decision": decision, "reason": reason, "heads": detail["record"]["heads"]
            }))
            .send()
            .expect("staff review")
    }

    /// A push made by hand (an attacker's, a broken client's) that the server answers with a
    /// per-record verdict.
    pub fn push(
        &self,
        token: &str,
        req: &sachxanh_core::sync::protocol::PushRequest,
    ) -> sachxanh_core::sync::protocol::PushResponse {
        use sachxanh_core::sync::protocol::*;
        let resp = reqwest::blocking::Client::new()
            .post(format!("{}/api/v1/sync/push", self.url))
            .bearer_auth(token)
            .header("content-type", CONTENT_TYPE)
            .body(encode(req))
            .send()
            .expect("the server answers");
        assert_eq!(resp.status(), 200);
        decode(&resp.bytes().expect("body"), &Limits::default()).expect("a push answer")
    }

    /// (records, log entries, devices) on the server.
    pub fn counts(&self) -> (u64, u64, u64) {
        self.storage.counts().expect("counts")
    }
}

/// A weekend cleanup in `area` on `day` (a point in Ấp Mỹ Hòa, 12 youth union members, 80 kg),
/// with these photos.
pub fn cleanup_in(area: &str, day: Day, photos: Vec<PhotoRef>) -> Cleanup {
    Cleanup {
        area_id: area.into(),
        cleanup_date: day,
        place: sachxanh_core::place::Place::point(Coord::new(105.63, 10.0)),
        work: Work {
            waterways: true,
            ..Default::default()
        },
        participants: Participants {
            youth_union: 12,
            ..Default::default()
        },
        waste_kg: Some(80.0),
        bags: None,
        note: String::new(),
        photos,
    }
}

pub struct Phone {
    pub store: Store,
    pub client: SyncClient,
    pub enrolment: Enrolment,
}

impl Phone {
    /// This phone pulls every change whole, as phones did before compact pulls.
    pub fn pulling_whole_changes(mut self) -> Self {
        self.client = self.client.with_full_pulls();
        self
    }

    pub fn sync(&mut self) -> Result<SyncReport, SyncError> {
        let never = AtomicBool::new(false);
        self.client.sync(&mut self.store, &mut |_| {}, &never)
    }

    pub fn area(&self) -> &str {
        &self.enrolment.areas[0]
    }

    pub fn add_household(&mut self, name: &str) -> String {
        let area = self.area().to_owned();
        let (lon, lat) = if area == AREA_A {
            (105.63, 10.0)
        } else {
            (105.67, 10.02)
        };
        self.store
            .create(Household {
                area_id: area,
                address: "Số 5, đường ven kênh".into(),
                head_name: name.into(),
                members: 3,
                location: Some(Coord::new(lon, lat)),
                note: String::new(),
            })
            .expect("save household")
    }

    pub fn add_check(&mut self, household: &str) -> String {
        let area = self.area().to_owned();
        self.store
            .create(SortingCheck {
                household_id: household.into(),
                area_id: area,
                check_date: Day::today(),
                recyclable_sorted: true,
                food_sorted: true,
                other_sorted: false,
                hazardous_separated: true,
                served_by_collection: true,
                burning_seen: false,
                dumping_seen: false,
                note: String::new(),
                checked_by: self.enrolment.person_id.clone(),
            })
            .expect("save check")
    }
}

/// A stand-in for a camera photo (JPEG at camera quality): sky, a canal bank and fine texture
/// like foliage and water, so it compresses the way a real outdoor photo does — not like a flat
/// test pattern, which would make every size figure meaningless.
pub fn camera_photo(width: u32, height: u32, seed: u64) -> Vec<u8> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    // Coarse value noise for shapes, fine noise for texture.
    let (cw, ch) = (width / 32 + 2, height / 32 + 2);
    let coarse: Vec<f32> = (0..cw * ch).map(|_| rng.random::<f32>()).collect();
    // xorshift for the grain: a per-pixel call into `rand` is slow in unoptimised test builds.
    let mut x: u64 = rng.random::<u64>() | 1;
    let fine: Vec<u8> = (0..width * height)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 56) as u8
        })
        .collect();
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        let (gx, gy) = (x as f32 / 32.0, y as f32 / 32.0);
        let (ix, iy) = (gx as u32, gy as u32);
        let (fx, fy) = (gx - ix as f32, gy - iy as f32);
        let at = |a: u32, b: u32| coarse[(b * cw + a) as usize];
        let shape = at(ix, iy) * (1.0 - fx) * (1.0 - fy)
            + at(ix + 1, iy) * fx * (1.0 - fy)
            + at(ix, iy + 1) * (1.0 - fx) * fy
            + at(ix + 1, iy + 1) * fx * fy;
        let grain = fine[(y * width + x) as usize] as f32 / 255.0 - 0.5;
        let sky = y < height / 3;
        let base = if sky {
            [150.0, 190.0, 235.0]
        } else {
            [70.0, 110.0, 60.0]
        };
        let texture = if sky { 10.0 } else { 60.0 };
        let px =
            |c: usize| (base[c] * (0.6 + 0.6 * shape) + grain * texture).clamp(0.0, 255.0) as u8;
        image::Rgb([px(0), px(1), px(2)])
    });
    let mut out = vec![];
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&img)
        .expect("encode");
    out
}
