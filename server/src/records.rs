//! The staff read API: records as JSON, paginated, and any record as a standard Automerge file,
//! so our users' data is never locked into our code.

use crate::auth::Authed;
use crate::error::ApiError;
use crate::storage::{PullScope, RecordFilter, RecordRow};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sachxanh_core::model::RecordKind;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Deserialize)]
pub struct ListQuery {
    kind: Option<String>,
    area: Option<String>,
    cursor: Option<String>,
    limit: Option<usize>,
}

#[derive(Serialize)]
pub struct RecordPage {
    pub records: Vec<RecordRow>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

pub async fn list(
    State(st): State<Arc<AppState>>,
    Authed(device, _slot): Authed,
    Query(q): Query<ListQuery>,
) -> Result<Json<RecordPage>, ApiError> {
    let kind = match q.kind.as_deref() {
        None => None,
        Some(k) => Some(RecordKind::parse(k).ok_or_else(|| {
            ApiError::bad_request("loại hồ sơ không tồn tại", "unknown record kind")
        })?),
    };
    if let Some(c) = &q.cursor {
        if uuid::Uuid::parse_str(c).is_err() {
            return Err(ApiError::bad_request(
                "con trỏ trang không hợp lệ",
                "invalid page cursor",
            ));
        }
    }
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let filter = RecordFilter {
        kind,
        area_id: q.area,
        scope: Some(PullScope::of(&device.person, &st.reference())),
        after_id: q.cursor,
        review_status: None,
        limit: limit + 1,
        include_restricted: false,
    };
    let storage = st.storage.clone();
    let mut records = tokio::task::spawn_blocking(move || storage.records(&filter)).await??;
    let next_cursor = if records.len() > limit {
        records.pop();
        records.last().map(|r| r.id.clone())
    } else {
        None
    };
    Ok(Json(RecordPage {
        records,
        next_cursor,
    }))
}

fn visible(st: &AppState, device: &crate::storage::Device, row: &RecordRow) -> bool {
    let scope = device.person.scope();
    row.area_id
        .as_deref()
        .is_some_and(|a| scope.covers_area(&st.reference(), a))
}

pub async fn get(
    State(st): State<Arc<AppState>>,
    Authed(device, _slot): Authed,
    Path(id): Path<String>,
) -> Result<Json<RecordRow>, ApiError> {
    let storage = st.storage.clone();
    let row = tokio::task::spawn_blocking(move || storage.record(&id)).await??;
    match row {
        Some(r) if visible(&st, &device, &r) => Ok(Json(r)),
        _ => Err(ApiError::not_found()),
    }
}

pub async fn automerge_file(
    State(st): State<Arc<AppState>>,
    Authed(device, _slot): Authed,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let storage = st.storage.clone();
    let found = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let Some(row) = storage.record(&id)? else {
            return Ok(None);
        };
        Ok(storage.snapshot(&id)?.map(|s| (row, s)))
    })
    .await??;
    match found {
        Some((row, bytes)) if visible(&st, &device, &row) => Ok((
            [
                (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}.automerge\"", row.id),
                ),
            ],
            bytes,
        )
            .into_response()),
        _ => Err(ApiError::not_found()),
    }
}
