//! sachxanh-server: enrolment, the sync change feed, the staff read API and the status page,
//! over storage behind one trait (embedded SQLite by default).

pub mod auth;
pub mod check;
pub mod dashboard;
pub mod demo;
pub mod enrol;
pub mod error;
pub mod export;
pub mod photos;
pub mod records;
pub mod status;
pub mod storage;
pub mod sync;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use sachxanh_core::sync::protocol::Limits;
use sachxanh_core::Reference;
use std::sync::Arc;
use storage::Storage;

pub struct AppState {
    pub storage: Arc<dyn Storage>,
    pub reference: Arc<Reference>,
    pub limits: Limits,
}

/// The OpenAPI description served at `/openapi.json`; a test keeps it equal to [`ROUTES`].
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every route: (method, path as in OpenAPI).
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/status"),
    ("post", "/api/v1/session"),
    ("post", "/api/v1/session/end"),
    ("get", "/api/v1/areas.geojson"),
    ("get", "/api/v1/review-queue"),
    ("get", "/api/v1/records/{id}/detail"),
    ("post", "/api/v1/records/{id}/review"),
    ("get", "/api/v1/targets"),
    ("get", "/api/v1/reports/yearly.xlsx"),
    ("get", "/api/v1/reports/yearly.csv"),
    ("get", "/api/v1/exports/records.geojson"),
    ("get", "/healthz"),
    ("get", "/openapi.json"),
    ("post", "/api/v1/enrol"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/enrolment-codes"),
    ("post", "/api/v1/devices/{id}/revoke"),
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

async fn healthz(State(st): State<Arc<AppState>>) -> Result<impl IntoResponse, error::ApiError> {
    let storage = st.storage.clone();
    let (records, log, devices) = tokio::task::spawn_blocking(move || storage.counts()).await??;
    Ok(Json(serde_json::json!({
        "status": "ok", "records": records, "log_entries": log, "devices": devices
    })))
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

pub fn router(state: Arc<AppState>) -> Router {
    let json_limit = axum::extract::DefaultBodyLimit::max(64 << 10);
    Router::new()
        .route("/", get(dashboard::page))
        .route("/status", get(status::page))
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
        .route("/api/v1/targets", get(dashboard::targets))
        .route("/api/v1/reports/yearly.xlsx", get(export::yearly_xlsx))
        .route("/api/v1/reports/yearly.csv", get(export::yearly_csv))
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
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
