//! Enrolment: commune staff create a one-time code for a person with a role and areas; a device
//! exchanges it once for a token, binding its Automerge actor id. Staff can revoke devices.

use crate::auth::{code_hashes, hash_secret, new_token, store_new_code, Authed, PeerIp};
use crate::error::ApiError;
use crate::storage::{Person, Storage, StorageError};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use sachxanh_core::error::ErrorCode;
use sachxanh_core::model::Role;
use sachxanh_core::sync::Enrolment;
use sachxanh_core::{text, Reference};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Codes are meant to be used within days, on paper or as a QR code.
pub const CODE_LIFETIME_MS: i64 = 14 * 24 * 3600 * 1000;

#[derive(Deserialize)]
pub struct EnrolRequest {
    code: String,
    actor_id: String,
}

fn valid_actor(a: &str) -> bool {
    a.len() == 32 && a.bytes().all(|b| b.is_ascii_hexdigit())
}

/// JSON bodies whose refusal is our typed error, not the framework's plain text.
pub fn json_body<T>(
    body: Result<Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, ApiError> {
    body.map(|Json(v)| v).map_err(|e| {
        tracing::debug!(error = %e, "refused JSON body");
        ApiError::of(StatusCode::BAD_REQUEST, ErrorCode::MalformedJson)
    })
}

fn bad_code() -> ApiError {
    ApiError::of(StatusCode::NOT_FOUND, ErrorCode::BadCode)
}

pub async fn enrol(
    State(st): State<Arc<AppState>>,
    PeerIp(ip): PeerIp,
    body: Result<Json<EnrolRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Enrolment>, ApiError> {
    st.attempts.attempt(ip)?;
    let req = json_body(body)?;
    if !valid_actor(&req.actor_id) {
        return Err(ApiError::bad_request(
            "mã thiết bị không hợp lệ",
            "invalid device actor id",
        ));
    }
    // The core's reading of a typed code: a code that cannot be one costs no hashing.
    let code = sachxanh_core::enrolment::parse_typed(&req.code).map_err(|_| bad_code())?;
    let _hashing = st.hashing.acquire().await.map_err(ApiError::internal)?;
    let storage = st.storage.clone();
    let result = tokio::task::spawn_blocking(move || -> Result<Enrolment, ApiError> {
        let token = new_token();
        let device_id = uuid::Uuid::now_v7().to_string();
        let hashes = code_hashes(&code, &storage.deployment_salt()?);
        let person = storage
            .redeem_code(
                &hashes,
                &device_id,
                &hash_secret(&token),
                &req.actor_id,
                chrono::Utc::now().timestamp_millis(),
            )
            .map_err(|e| match e {
                StorageError::Conflict(_) => {
                    ApiError::of(StatusCode::CONFLICT, ErrorCode::ActorTaken)
                }
                other => other.into(),
            })?
            .ok_or_else(bad_code)?;
        tracing::info!(device = %device_id, role = person.role.as_str(), "device enrolled");
        Ok(Enrolment {
            token,
            device_id,
            person_id: person.id,
            person_name: person.name,
            role: person.role,
            commune_id: person.commune_id,
            areas: person.areas,
        })
    })
    .await??;
    Ok(Json(result))
}

#[derive(Deserialize)]
pub struct NewCode {
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub areas: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct IssuedCode {
    pub person_id: String,
    pub code: String,
    pub expires_at: i64,
}

/// Creates a person and a one-time code for them (used by the API and the command line).
pub fn issue_code(
    storage: &dyn Storage,
    reference: &Reference,
    commune_id: &str,
    req: &NewCode,
) -> Result<IssuedCode, ApiError> {
    let name = text::normalize(&req.name);
    let mut errors = vec![];
    text::check(&mut errors, "name", &name, true, 120, false);
    if !errors.is_empty() {
        return Err(ApiError::bad_request(
            "tên người dùng không hợp lệ",
            "invalid person name",
        ));
    }
    if req.role == Role::ProvinceViewer {
        return Err(ApiError::forbidden());
    }
    let needs_areas = matches!(req.role, Role::Volunteer | Role::AreaHead);
    if (needs_areas && req.areas.is_empty())
        || req.areas.iter().any(|a| {
            reference
                .area(a)
                .is_none_or(|area| area.commune_id != commune_id)
        })
    {
        return Err(ApiError::bad_request(
            "cần chọn ấp/khu vực thuộc xã",
            "choose areas of the commune",
        ));
    }
    let person = Person {
        id: format!("p-{}", uuid::Uuid::now_v7()),
        name,
        role: req.role,
        commune_id: commune_id.to_owned(),
        areas: req.areas.clone(),
    };
    storage.add_person(&person)?;
    let expires_at = chrono::Utc::now().timestamp_millis() + CODE_LIFETIME_MS;
    let code = store_new_code(storage, &person.id, expires_at)?;
    Ok(IssuedCode {
        person_id: person.id,
        code,
        expires_at,
    })
}

pub async fn create_code(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    body: Result<Json<NewCode>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<IssuedCode>), ApiError> {
    authed.require_staff()?;
    let req = json_body(body)?;
    let commune = authed.0.person.commune_id.clone();
    let state = st.clone();
    let _hashing = st.hashing.acquire().await.map_err(ApiError::internal)?;
    let issued = tokio::task::spawn_blocking(move || {
        issue_code(state.storage.as_ref(), &state.reference, &commune, &req)
    })
    .await??;
    Ok((StatusCode::CREATED, Json(issued)))
}

pub async fn revoke(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(device_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    authed.require_staff()?;
    let storage = st.storage.clone();
    // Only a phone of the staff member's own commune; any other is as good as absent.
    let commune = authed.0.person.commune_id.clone();
    let done =
        tokio::task::spawn_blocking(move || storage.revoke_device(&device_id, &commune)).await??;
    if done {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found())
    }
}

#[derive(Serialize)]
pub struct Me {
    device_id: String,
    person_id: String,
    name: String,
    role: Role,
    commune_id: String,
    areas: Vec<String>,
}

pub async fn me(Authed(d, _): Authed) -> Json<Me> {
    Json(Me {
        device_id: d.id,
        person_id: d.person.id,
        name: d.person.name,
        role: d.person.role,
        commune_id: d.person.commune_id,
        areas: d.person.areas,
    })
}
