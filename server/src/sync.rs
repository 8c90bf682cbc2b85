//! Sync endpoints: push (the device's outbox in), pull (the log out, within the device's scope),
//! and a record's full server version (for rebuilding after a refusal).

use crate::auth::Authed;
use crate::check::process_push;
use crate::error::ApiError;
use crate::storage::{PullScope, SyncReport};
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sachxanh_core::error::ErrorCode;
use sachxanh_core::sync::protocol::{
    check_push, compact, decode, encode, AreasUpdate, Assignment, PullResponse, PushRequest,
    RecordChanges, WireError, APP_VERSION_HEADER, AREAS_VERSION_HEADER, CONTENT_TYPE,
    WAITING_HEADER,
};
use serde::Deserialize;
use serde_bytes::ByteBuf;
use std::sync::Arc;

/// Most log entries and bytes in one pull page: a page should arrive over 2G in seconds.
const PULL_MAX_ENTRIES: usize = 1_000;
const PULL_MAX_BYTES: usize = 512 << 10;

fn cbor(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response()
}

#[derive(Deserialize)]
pub struct PushQuery {
    /// `rest`: the phone knows its batch; the answer names only what was refused.
    #[serde(default)]
    acks: Option<String>,
}

pub async fn push(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Query(q): Query<PushQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    authed.require_writer()?;
    let Authed(device, _slot) = authed;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type != CONTENT_TYPE {
        return Err(ApiError::of(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
        ));
    }
    let limits = st.limits;
    let bytes: Bytes = axum::body::to_bytes(body, limits.max_body)
        .await
        .map_err(|_| WireError::BodyTooLarge {
            limit: limits.max_body,
        })?;
    // Inflating, parsing and checking are CPU work on bounded input: off the async workers,
    // a few at a time.
    let _permit = st.pushes.acquire().await.map_err(ApiError::internal)?;
    let state = st.clone();
    let answer = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let req: PushRequest = decode(&bytes, &limits)?;
        let records = check_push(&req, &limits)?;
        process_push(
            state.storage.as_ref(),
            &state.reference(),
            &device,
            &req,
            records,
            q.acks.as_deref() == Some("rest"),
        )
    })
    .await??;
    Ok(cbor(answer))
}

#[derive(Deserialize)]
pub struct PullQuery {
    #[serde(default)]
    cursor: u64,
    /// The phone takes records compact ([`compact`]); older phones do not say so.
    #[serde(default)]
    compact: bool,
}

/// What a phone says of itself in a pull's headers. A header that does not read is left out
/// (an old or odd client still syncs; staff just see nothing new for it).
fn phone_report(headers: &HeaderMap) -> SyncReport {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    SyncReport {
        app_version: header(APP_VERSION_HEADER)
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= 32
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".+-_".contains(c))
            })
            .map(str::to_owned),
        records_waiting: header(WAITING_HEADER)
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|n| *n <= 10_000_000),
    }
}

pub async fn pull(
    State(st): State<Arc<AppState>>,
    Authed(device, _slot): Authed,
    Query(q): Query<PullQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let scope = PullScope::of(&device.person, &st.reference());
    let storage = st.storage.clone();
    let report = phone_report(&headers);
    let assignment = Assignment {
        role: device.person.role,
        areas: device.person.areas.clone(),
    };
    // A phone that says which areas it holds gets its commune's when they are not the latest
    // (an older app says nothing and is sent none).
    let held: Option<u64> = headers
        .get(AREAS_VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let commune = device.person.commune_id.clone();
    let state = st.clone();
    let body = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        storage.report_sync(&device.id, chrono::Utc::now().timestamp_millis(), &report)?;
        let areas = match held {
            Some(held) => {
                let version = state.areas_version()?;
                let reference = state.reference();
                (held != version && reference.commune(&commune).is_some()).then(|| AreasUpdate {
                    version,
                    geojson: reference.to_geojson(Some(&commune)),
                })
            }
            None => None,
        };
        // The areas travel in the same answer: the records' share of the page shrinks so the
        // whole stays within what a phone takes in one answer.
        let budget = PULL_MAX_BYTES
            .saturating_sub(areas.as_ref().map_or(0, |a| a.geojson.len() / 2))
            .max(PULL_MAX_BYTES / 4);
        let page = storage.pull(&scope, &device.id, q.cursor, PULL_MAX_ENTRIES, budget)?;
        // Consecutive entries of one record travel together.
        let mut records: Vec<RecordChanges> = vec![];
        for (id, bytes) in page.entries {
            match records.last_mut() {
                Some(last) if last.id == id => last.changes.push(ByteBuf::from(bytes)),
                _ => records.push(RecordChanges {
                    id,
                    changes: vec![ByteBuf::from(bytes)],
                }),
            }
        }
        if q.compact {
            records = records.into_iter().map(compact).collect();
        }
        // Encoding (deflate) is CPU work too: here, not on an async worker.
        Ok(encode(&PullResponse {
            records,
            cursor: page.cursor,
            more: page.more,
            replaced: page.replaced,
            assignment: Some(assignment),
            areas,
        }))
    })
    .await??;
    Ok(cbor(body))
}

pub async fn record_version(
    State(st): State<Arc<AppState>>,
    Authed(device, _slot): Authed,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(WireError::BadRecordId.into());
    }
    let storage = st.storage.clone();
    let reference = st.reference();
    let rid = id.clone();
    let changes = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let Some(row) = storage.record(&rid)? else {
            return Ok(None);
        };
        let scope = device.person.scope();
        let visible = row
            .area_id
            .as_deref()
            .is_some_and(|a| scope.covers_area(&reference, a));
        if !visible {
            return Ok(None);
        }
        Ok(Some(storage.changes_of(&rid)?))
    })
    .await??;
    match changes {
        Some(changes) => Ok(cbor(encode(&RecordChanges {
            id,
            changes: changes.into_iter().map(ByteBuf::from).collect(),
        }))),
        None => Err(ApiError::not_found()),
    }
}
