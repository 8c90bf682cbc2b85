//! Enrolment: commune staff create a one-time code for a person with a role and areas; a device
//! exchanges it once for a token, binding its Automerge actor id. Staff can revoke devices.

use crate::auth::{code_hashes, hash_secret, new_token, store_new_code, Authed, PeerIp};
use crate::error::ApiError;
use crate::storage::{Device, Person, PersonPhones, Storage, StorageError};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use sachxanh_core::error::ErrorCode;
use sachxanh_core::model::{AuditAction, Role};
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
    // Viewers and administrators are made by an administrator, without a phone code.
    if matches!(req.role, Role::ProvinceViewer | Role::Administrator) {
        return Err(ApiError::forbidden());
    }
    check_areas(reference, commune_id, req.role, &req.areas)?;
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

/// A dashboard key for a person who signs in with one instead of enrolling a phone (the first
/// commune staff, the Department's viewers: set up from the command line), adding the person if
/// new (a second `--demo` on the same database gives the demo's people new keys). The key is
/// shown once.
pub fn add_with_key(storage: &dyn Storage, person: &Person) -> Result<String, StorageError> {
    if storage.person(&person.id)?.is_none() {
        storage.add_person(person)?;
    }
    let key = new_token();
    storage.add_device(
        &uuid::Uuid::now_v7().to_string(),
        &person.id,
        &hash_secret(&key),
        None,
    )?;
    Ok(key)
}

/// Volunteers and area heads work in areas of their commune in force (not merged or retired),
/// at least one.
fn check_areas(
    reference: &Reference,
    commune_id: &str,
    role: Role,
    areas: &[String],
) -> Result<(), ApiError> {
    let needs_areas = matches!(role, Role::Volunteer | Role::AreaHead);
    let mut seen = std::collections::HashSet::new();
    if (needs_areas && areas.is_empty())
        || areas.iter().any(|a| {
            !seen.insert(a)
                || reference
                    .area(a)
                    .is_none_or(|area| area.commune_id != commune_id || !area.in_force())
        })
    {
        return Err(ApiError::bad_request(
            "cần chọn ấp/khu vực thuộc xã",
            "choose areas of the commune",
        ));
    }
    Ok(())
}

/// A staff member adds a person of their commune and gets the first code; both are in the
/// audit trail with who did it.
pub fn add_person(
    storage: &dyn Storage,
    reference: &Reference,
    by: &Device,
    req: &NewCode,
) -> Result<IssuedCode, ApiError> {
    let issued = issue_code(storage, reference, &by.person.commune_id, req)?;
    storage.audit_person(by, &issued.person_id, AuditAction::AddPerson)?;
    storage.audit_person(by, &issued.person_id, AuditAction::IssueCode)?;
    Ok(issued)
}

/// A new one-time code for a person of the staff member's commune (a lost paper, a new or
/// revoked phone). Earlier unused codes stay valid until they expire.
pub fn new_code(
    storage: &dyn Storage,
    by: &Device,
    person_id: &str,
) -> Result<(Person, IssuedCode), ApiError> {
    let person = storage
        .person(person_id)?
        .filter(|p| p.commune_id == by.person.commune_id && p.role != Role::ProvinceViewer)
        .ok_or_else(ApiError::not_found)?;
    let expires_at = chrono::Utc::now().timestamp_millis() + CODE_LIFETIME_MS;
    let code = store_new_code(storage, &person.id, expires_at)?;
    storage.audit_person(by, &person.id, AuditAction::IssueCode)?;
    let issued = IssuedCode {
        person_id: person.id.clone(),
        code,
        expires_at,
    };
    Ok((person, issued))
}

/// Moves a person of the staff member's commune to other areas.
pub fn move_person(
    storage: &dyn Storage,
    reference: &Reference,
    by: &Device,
    person_id: &str,
    areas: &[String],
) -> Result<(), ApiError> {
    let person = storage
        .person(person_id)?
        .filter(|p| p.commune_id == by.person.commune_id)
        .ok_or_else(ApiError::not_found)?;
    check_areas(reference, &person.commune_id, person.role, areas)?;
    if storage.set_areas(by, person_id, areas)? {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

pub async fn create_code(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    body: Result<Json<NewCode>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<IssuedCode>), ApiError> {
    authed.require_staff()?;
    let req = json_body(body)?;
    let state = st.clone();
    let _hashing = st.hashing.acquire().await.map_err(ApiError::internal)?;
    let by = authed.0;
    let issued = tokio::task::spawn_blocking(move || {
        add_person(state.storage.as_ref(), &state.reference(), &by, &req)
    })
    .await??;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// `POST /api/v1/people/{id}/enrolment-codes`: a new code for a person of the commune.
pub async fn create_code_for(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(person_id): Path<String>,
) -> Result<(StatusCode, Json<IssuedCode>), ApiError> {
    authed.require_staff()?;
    let state = st.clone();
    let _hashing = st.hashing.acquire().await.map_err(ApiError::internal)?;
    let by = authed.0;
    let (_, issued) =
        tokio::task::spawn_blocking(move || new_code(state.storage.as_ref(), &by, &person_id))
            .await??;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// `GET /api/v1/people`: the commune's people and their phones.
pub async fn people(
    State(st): State<Arc<AppState>>,
    authed: Authed,
) -> Result<Json<Vec<PersonPhones>>, ApiError> {
    authed.require_staff()?;
    let storage = st.storage.clone();
    let commune = authed.0.person.commune_id.clone();
    Ok(Json(
        tokio::task::spawn_blocking(move || storage.people_of(&commune)).await??,
    ))
}

#[derive(Deserialize)]
pub struct NewAreas {
    pub areas: Vec<String>,
}

/// `POST /api/v1/people/{id}/areas`: the phone learns its new areas at its next sync.
pub async fn set_areas(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(person_id): Path<String>,
    body: Result<Json<NewAreas>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    authed.require_staff()?;
    let req = json_body(body)?;
    let state = st.clone();
    let by = authed.0;
    tokio::task::spawn_blocking(move || {
        move_person(
            state.storage.as_ref(),
            &state.reference(),
            &by,
            &person_id,
            &req.areas,
        )
    })
    .await??;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes a phone (or dashboard key) of the staff member's commune; any other is as good as
/// absent. The key the staff member is using cannot be revoked from itself (a locked-out
/// commune has nobody left to fix it).
pub fn revoke_phone(storage: &dyn Storage, by: &Device, device_id: &str) -> Result<(), ApiError> {
    if device_id == by.id {
        return Err(ApiError::bad_request(
            "không thể thu hồi khóa bạn đang dùng",
            "you cannot revoke the key you are signed in with",
        ));
    }
    if storage.revoke_device(by, device_id)? {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

pub async fn revoke(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(device_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    authed.require_staff()?;
    let storage = st.storage.clone();
    let by = authed.0;
    tokio::task::spawn_blocking(move || revoke_phone(storage.as_ref(), &by, &device_id)).await??;
    Ok(StatusCode::NO_CONTENT)
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
