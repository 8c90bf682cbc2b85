//! sachxanh-server: enrolment, the sync change feed, the staff read API and the dashboard, over
//! storage behind one set of traits (embedded SQLite by default).

pub mod admin;
pub mod areas;
pub mod auth;
pub mod check;
pub mod dashboard;
pub mod demo;
pub mod enrol;
pub mod error;
pub mod export;
pub mod photos;
pub mod records;
pub mod reporting;
pub mod retention;
pub mod storage;
pub mod sync;
pub mod view;

use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sachxanh_core::sync::protocol::Limits;
use sachxanh_core::Reference;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use storage::Storage;

pub struct AppState {
    pub storage: Arc<dyn Storage>,
    /// The communes and areas in use, with their version; replaced whole when staff change
    /// them (see [`areas`]).
    areas: std::sync::RwLock<areas::Loaded>,
    pub limits: Limits,
    /// Requests in flight per device.
    pub slots: auth::Slots,
    /// Enrolment and sign-in attempts per address.
    pub attempts: auth::Attempts,
    /// Argon2 hashes at once (19 MiB each): enrolment floods queue instead of exhausting memory.
    pub hashing: tokio::sync::Semaphore,
    /// Push bodies inflated and checked at once: bounds memory and CPU under a burst.
    pub pushes: tokio::sync::Semaphore,
    /// Set the `Secure` flag on the session cookie (the dashboard is served over HTTPS).
    pub secure_cookies: bool,
    pub timeouts: Timeouts,
}

/// How long a client may take.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// To send a request's head; an idle kept-alive connection is closed after as long.
    pub header: Duration,
    /// Longest silence inside a request body.
    pub body_idle: Duration,
    /// From a request's head to its answer: a 512 KB push at 2G's 5 KB/s fits.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header: Duration::from_secs(15),
            body_idle: Duration::from_secs(30),
            request: Duration::from_secs(180),
        }
    }
}

/// Runs storage work off the async threads (PostgreSQL's blocking client runs a runtime of its
/// own and panics inside ours), with the storage and the reference data at hand.
pub async fn blocking<T: Send + 'static>(
    st: &Arc<AppState>,
    f: impl FnOnce(&AppState) -> Result<T, error::ApiError> + Send + 'static,
) -> Result<T, error::ApiError> {
    let state = st.clone();
    tokio::task::spawn_blocking(move || f(&state)).await?
}

impl AppState {
    /// The state over `storage`, using the areas it keeps. `reference` (the deployment's
    /// starting file) is saved as the first version when it keeps none yet. Call it outside
    /// the async runtime (it reads storage).
    pub fn new(storage: Arc<dyn Storage>, reference: Arc<Reference>) -> Self {
        let loaded = areas::Loaded::open(storage.as_ref(), reference);
        Self::with_areas(storage, loaded)
    }

    /// The state over `storage` with the areas already loaded from it.
    pub fn with_areas(storage: Arc<dyn Storage>, loaded: areas::Loaded) -> Self {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            storage,
            areas: std::sync::RwLock::new(loaded),
            limits: Limits::default(),
            slots: auth::Slots::default(),
            attempts: auth::Attempts::new(20, Duration::from_secs(60)),
            hashing: tokio::sync::Semaphore::new(cpus),
            pushes: tokio::sync::Semaphore::new(cpus * 2),
            secure_cookies: false,
            timeouts: Timeouts::default(),
        }
    }
}

/// The OpenAPI description served at `/openapi.json`; a test keeps it equal to [`ROUTES`].
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every route: (method, path as in OpenAPI).
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/dashboard.css"),
    ("post", "/sign-in"),
    ("post", "/sign-out"),
    ("get", "/queue"),
    ("get", "/records/{id}"),
    ("post", "/records/{id}/decide"),
    ("post", "/records/{id}/erase"),
    ("get", "/records/{id}/access-request"),
    ("get", "/targets"),
    ("get", "/map"),
    ("get", "/reports"),
    ("post", "/reports/{year}/{step}"),
    ("get", "/people"),
    ("post", "/people"),
    ("post", "/people/sheet"),
    ("post", "/people/phones/{id}/revoke"),
    ("post", "/people/{id}/areas"),
    ("get", "/areas"),
    ("get", "/admin"),
    ("post", "/admin/communes"),
    ("post", "/admin/people"),
    ("post", "/areas/changes"),
    ("get", "/duplicates"),
    ("post", "/duplicates/mark"),
    ("post", "/areas/import"),
    ("get", "/api/v1/catalog"),
    ("post", "/api/v1/session"),
    ("post", "/api/v1/session/end"),
    ("get", "/api/v1/areas.geojson"),
    ("get", "/api/v1/review-queue"),
    ("get", "/api/v1/records/{id}/detail"),
    ("post", "/api/v1/records/{id}/review"),
    ("get", "/api/v1/duplicates"),
    ("post", "/api/v1/records/{id}/duplicate-of"),
    ("post", "/api/v1/records/{id}/erase"),
    ("post", "/api/v1/records/{id}/restrict"),
    ("get", "/api/v1/records/{id}/access-request"),
    ("get", "/api/v1/targets"),
    ("get", "/api/v1/reports/yearly.xlsx"),
    ("get", "/api/v1/reports/yearly.csv"),
    ("get", "/api/v1/reports/{year}"),
    ("post", "/api/v1/reports/{year}/prepare"),
    ("post", "/api/v1/reports/{year}/check"),
    ("post", "/api/v1/reports/{year}/send"),
    ("get", "/api/v1/exports/records.geojson"),
    ("get", "/healthz"),
    ("get", "/openapi.json"),
    ("post", "/api/v1/enrol"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/enrolment-codes"),
    ("post", "/api/v1/devices/{id}/revoke"),
    ("get", "/api/v1/people"),
    ("post", "/api/v1/people/{id}/enrolment-codes"),
    ("post", "/api/v1/people/{id}/areas"),
    ("get", "/api/v1/areas"),
    ("get", "/api/v1/admin/communes"),
    ("post", "/api/v1/admin/communes"),
    ("post", "/api/v1/admin/people"),
    ("post", "/api/v1/areas/changes"),
    ("post", "/api/v1/areas/import"),
    ("post", "/api/v1/sync/push"),
    ("get", "/api/v1/sync/pull"),
    ("get", "/api/v1/sync/records/{id}"),
    ("get", "/api/v1/records"),
    ("get", "/api/v1/records/{id}"),
    ("get", "/api/v1/records/{id}/automerge"),
    ("get", "/api/v1/photos/{sha256}/upload"),
    ("put", "/api/v1/photos/{sha256}/upload"),
    ("get", "/api/v1/photos/{sha256}"),
];

/// Liveness for a load balancer: says nothing about what is stored.
async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

/// A header for every answer, unless the handler set its own. The dashboard's pages are
/// rendered on the server and run no script: the policy allows none, nor anything but our own
/// style sheet, photos and form posts.
const SECURITY_HEADERS: &[(&str, &str)] = &[
    (
        "content-security-policy",
        "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; \
         connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    // Answers carry personal data: no shared cache keeps them.
    ("cache-control", "no-store"),
];

async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        if !h.contains_key(*name) {
            h.insert(*name, HeaderValue::from_static(value));
        }
    }
    resp
}

pub fn router(state: Arc<AppState>) -> Router {
    let timeouts = state.timeouts;
    let json_limit = axum::extract::DefaultBodyLimit::max(64 << 10);
    Router::new()
        .route("/", get(dashboard::pages::home))
        .route("/dashboard.css", get(dashboard::style))
        .route(
            "/sign-in",
            post(dashboard::pages::sign_in).layer(json_limit),
        )
        .route(
            "/sign-out",
            post(dashboard::pages::sign_out).layer(json_limit),
        )
        .route("/queue", get(dashboard::pages::queue))
        .route("/records/{id}", get(dashboard::pages::record))
        // The decision form's body is read and bounded by the handler itself.
        .route("/records/{id}/decide", post(dashboard::pages::decide))
        .route("/records/{id}/erase", post(dashboard::pages::erase))
        .route(
            "/records/{id}/access-request",
            get(dashboard::pages::access_request),
        )
        .route("/targets", get(dashboard::pages::targets))
        .route("/reports", get(dashboard::reports::show))
        .route("/reports/{year}/{step}", post(dashboard::reports::step))
        .route("/map", get(dashboard::pictures::show))
        // Forms' bodies are read and bounded by the handlers themselves.
        .route(
            "/people",
            get(dashboard::people::list).post(dashboard::people::add),
        )
        .route("/people/sheet", post(dashboard::people::print_sheet))
        .route(
            "/people/phones/{id}/revoke",
            post(dashboard::people::revoke),
        )
        .route("/people/{id}/areas", post(dashboard::people::move_areas))
        .route("/admin", get(dashboard::admin::show))
        .route(
            "/admin/communes",
            post(dashboard::admin::add_commune).layer(axum::extract::DefaultBodyLimit::max(
                areas::MAX_IMPORT_BYTES + (64 << 10),
            )),
        )
        .route("/admin/people", post(dashboard::admin::add_account))
        .route("/areas", get(dashboard::areas::show))
        .route("/areas/changes", post(dashboard::areas::change))
        .route("/duplicates", get(dashboard::duplicates::show))
        // The form's body is read and bounded by the handler itself.
        .route("/duplicates/mark", post(dashboard::duplicates::mark_form))
        .route("/api/v1/duplicates", get(dashboard::duplicates::list))
        .route(
            "/api/v1/records/{id}/duplicate-of",
            post(dashboard::duplicates::mark_json).layer(json_limit),
        )
        // The boundary file: up to 4 MB, read and bounded by the handler.
        .route(
            "/areas/import",
            post(dashboard::areas::import).layer(axum::extract::DefaultBodyLimit::max(
                areas::MAX_IMPORT_BYTES + (64 << 10),
            )),
        )
        .route("/api/v1/catalog", get(dashboard::catalog::get))
        .route(
            "/api/v1/session",
            post(dashboard::sign_in).layer(json_limit),
        )
        .route("/api/v1/session/end", post(dashboard::sign_out))
        .route("/api/v1/areas.geojson", get(dashboard::areas_geojson))
        .route("/api/v1/review-queue", get(dashboard::queue))
        .route("/api/v1/records/{id}/detail", get(dashboard::detail))
        .route(
            "/api/v1/records/{id}/review",
            post(dashboard::review).layer(json_limit),
        )
        .route(
            "/api/v1/records/{id}/erase",
            post(dashboard::erase).layer(json_limit),
        )
        .route(
            "/api/v1/records/{id}/restrict",
            post(dashboard::restrict).layer(json_limit),
        )
        .route(
            "/api/v1/records/{id}/access-request",
            get(dashboard::access_request_json),
        )
        .route("/api/v1/targets", get(dashboard::targets))
        .route("/api/v1/reports/yearly.xlsx", get(export::yearly_xlsx))
        .route("/api/v1/reports/yearly.csv", get(export::yearly_csv))
        .route("/api/v1/reports/{year}", get(reporting::get_status))
        .route(
            "/api/v1/reports/{year}/prepare",
            post(reporting::post_prepare),
        )
        .route("/api/v1/reports/{year}/check", post(reporting::post_check))
        .route("/api/v1/reports/{year}/send", post(reporting::post_send))
        .route(
            "/api/v1/exports/records.geojson",
            get(export::records_geojson),
        )
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi))
        .route("/api/v1/enrol", post(enrol::enrol).layer(json_limit))
        .route("/api/v1/me", get(enrol::me))
        .route(
            "/api/v1/enrolment-codes",
            post(enrol::create_code).layer(json_limit),
        )
        .route("/api/v1/devices/{id}/revoke", post(enrol::revoke))
        .route("/api/v1/people", get(enrol::people))
        .route(
            "/api/v1/people/{id}/enrolment-codes",
            post(enrol::create_code_for),
        )
        .route(
            "/api/v1/people/{id}/areas",
            post(enrol::set_areas).layer(json_limit),
        )
        .route("/api/v1/areas", get(areas::list))
        .route(
            "/api/v1/admin/communes",
            get(admin::list).post(admin::create_commune).layer(
                axum::extract::DefaultBodyLimit::max(areas::MAX_IMPORT_BYTES),
            ),
        )
        .route(
            "/api/v1/admin/people",
            post(admin::create_account).layer(json_limit),
        )
        .route(
            "/api/v1/areas/changes",
            post(areas::change).layer(axum::extract::DefaultBodyLimit::max(
                areas::MAX_IMPORT_BYTES,
            )),
        )
        // The file is read with its own limit, so its refusal is our typed JSON error.
        .route(
            "/api/v1/areas/import",
            post(areas::import_file).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        // The push body is read with its own limit, so its refusal is our typed JSON error.
        .route(
            "/api/v1/sync/push",
            post(sync::push).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/api/v1/sync/pull", get(sync::pull))
        .route("/api/v1/sync/records/{id}", get(sync::record_version))
        .route("/api/v1/records", get(records::list))
        .route("/api/v1/records/{id}", get(records::get))
        .route(
            "/api/v1/records/{id}/automerge",
            get(records::automerge_file),
        )
        // The part's body is streamed and bounded by the handler itself.
        .route(
            "/api/v1/photos/{sha256}/upload",
            get(photos::upload_status)
                .put(photos::upload_part)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/api/v1/photos/{sha256}", get(photos::get_photo))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            timeouts.body_idle,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` resolves. HTTP/1.1 with a deadline on every request head (a client
/// that opens a connection and sends nothing, or half a header, is cut off) and on every
/// request; each request knows the address it came from.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let sweeper = tokio::spawn(sweep_uploads(state.storage.clone()));
    let timeouts = state.timeouts;
    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            tower::ServiceExt::oneshot(app.clone(), req.map(axum::body::Body::new))
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(timeouts.header)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    sweeper.abort();
    // In-flight requests finish (within the request timeout); new ones are not taken.
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(timeouts.request) => {}
    }
    Ok(())
}

/// Forgets photo uploads nobody finished, and applies the retention periods, once an hour.
async fn sweep_uploads(storage: Arc<dyn Storage>) {
    let mut every = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every.tick().await;
        let storage = storage.clone();
        let now = chrono::Utc::now().timestamp_millis();
        let before = now - photos::UPLOAD_LIFETIME_MS;
        let swept = tokio::task::spawn_blocking(move || {
            let parts = storage.sweep_photo_uploads(before)?;
            retention::sweep(storage.as_ref(), now).map(|s| (parts, s))
        })
        .await;
        match swept {
            Ok(Ok((parts, s))) if parts > 0 || s != retention::Swept::default() => {
                tracing::info!(
                    parts,
                    answers = s.batch_answers,
                    codes = s.spent_codes,
                    reads = s.reads,
                    "retention sweep"
                );
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "retention sweep failed"),
            _ => {}
        }
    }
}
