//! The deployment's administrator: communes (a name, its province, a boundary; its hamlets are
//! its staff's to manage), the communes' staff and the Department's viewers, each with a
//! dashboard key shown once. The first administrator is made on the command line
//! (`sachxanh-server add-admin`); everything after happens here or on the admin page. An
//! administrator sees no record.

use crate::areas::Note;
use crate::auth::Authed;
use crate::error::ApiError;
use crate::storage::{Device, Person};
use crate::{blocking, enrol, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sachxanh_core::i18n::Message;
use sachxanh_core::model::{AuditAction, Role};
use sachxanh_core::text;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Roles an administrator hands out (volunteers and area heads come from their staff).
pub const ROLES: [Role; 3] = [
    Role::CommuneStaff,
    Role::ProvinceViewer,
    Role::Administrator,
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCommune {
    pub name: String,
    pub province: String,
    /// A GeoJSON Polygon or MultiPolygon in longitude and latitude.
    pub boundary: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommuneMade {
    pub id: String,
    pub version: u64,
}

/// Adds a commune, saved as a new version of the areas with who made it.
pub fn add_commune(st: &AppState, by: &Device, req: NewCommune) -> Result<CommuneMade, ApiError> {
    let boundary = sachxanh_core::reference::import::boundary_from_json(&req.name, req.boundary)
        .map_err(ApiError::from)?;
    let expected = st.areas_version()?;
    let (next, id) = st
        .reference()
        .add_commune(&req.name, &req.province, boundary)
        .map_err(ApiError::from)?;
    let name = next
        .commune(&id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    st.save_areas(
        by,
        expected,
        next,
        Note {
            commune: &id,
            subject: &id,
            summary: Message::new(format!("Thêm {name}"), format!("Added {name}")),
            moves: &[],
        },
    )?;
    Ok(CommuneMade {
        id,
        version: expected + 1,
    })
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub name: String,
    pub role: Role,
    /// The commune of a staff member; none for the Department and administrators.
    #[serde(default)]
    pub commune_id: Option<String>,
}

/// A person made with a dashboard key, shown once.
#[derive(Debug, Clone, Serialize)]
pub struct AccountMade {
    pub person_id: String,
    pub name: String,
    pub role: Role,
    pub commune_id: String,
    pub key: String,
}

/// Makes a staff member, a Department viewer or another administrator, with a key.
pub fn add_account(st: &AppState, by: &Device, req: NewAccount) -> Result<AccountMade, ApiError> {
    let name = text::normalize(&req.name);
    let mut errors = vec![];
    text::check(&mut errors, "name", &name, true, 120, false);
    if !errors.is_empty() {
        return Err(ApiError::bad_request(
            "cần nhập họ tên (tối đa 120 ký tự)",
            "enter a name (at most 120 characters)",
        ));
    }
    if !ROLES.contains(&req.role) {
        return Err(ApiError::bad_request(
            "tình nguyện viên và trưởng ấp do cán bộ xã thêm",
            "volunteers and area heads are added by their commune's staff",
        ));
    }
    let commune_id = match (req.role, req.commune_id.filter(|c| !c.is_empty())) {
        (Role::CommuneStaff, Some(c)) if st.reference().commune(&c).is_some() => c,
        (Role::CommuneStaff, _) => {
            return Err(ApiError::bad_request(
                "cần chọn xã/phường của cán bộ",
                "choose the staff member's commune",
            ))
        }
        _ => String::new(),
    };
    let person = Person {
        id: format!("p-{}", uuid::Uuid::now_v7()),
        name,
        role: req.role,
        commune_id,
        areas: vec![],
    };
    let key = enrol::add_with_key(st.storage.as_ref(), &person)?;
    st.storage
        .audit_person(by, &person.id, AuditAction::AddPerson)?;
    Ok(AccountMade {
        person_id: person.id,
        name: person.name,
        role: person.role,
        commune_id: person.commune_id,
        key,
    })
}

/// A commune as the administrator sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CommuneRow {
    pub id: String,
    pub name: String,
    pub province: String,
    pub areas: usize,
    pub staff: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub communes: Vec<CommuneRow>,
    /// The Department's viewers and the administrators, by name, with their role.
    pub others: Vec<(String, Role)>,
}

pub fn overview(st: &AppState) -> Result<Overview, ApiError> {
    let reference = st.reference();
    let mut communes = vec![];
    for c in reference.communes() {
        let staff = st
            .storage
            .people_of(&c.id)?
            .into_iter()
            .filter(|p| p.person.role == Role::CommuneStaff)
            .map(|p| p.person.name)
            .collect();
        communes.push(CommuneRow {
            id: c.id.clone(),
            name: c.name.clone(),
            province: c.province.clone(),
            areas: reference.areas_of(&c.id).count(),
            staff,
        });
    }
    let others = st
        .storage
        .people_of("")?
        .into_iter()
        .filter(|p| matches!(p.person.role, Role::ProvinceViewer | Role::Administrator))
        .map(|p| (p.person.name, p.person.role))
        .collect();
    Ok(Overview { communes, others })
}

/// `GET /api/v1/admin/communes`.
pub async fn list(
    State(st): State<Arc<AppState>>,
    authed: Authed,
) -> Result<Json<Overview>, ApiError> {
    authed.require_admin()?;
    blocking(&st, |s| overview(s).map(Json)).await
}

fn json_error(e: axum::extract::rejection::JsonRejection) -> ApiError {
    ApiError::bad_request(
        &format!("yêu cầu không hợp lệ: {}", e.body_text()),
        &format!("invalid request: {}", e.body_text()),
    )
}

/// `POST /api/v1/admin/communes`.
pub async fn create_commune(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    body: Result<Json<NewCommune>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<CommuneMade>), ApiError> {
    authed.require_admin()?;
    let Json(req) = body.map_err(json_error)?;
    let by = authed.0.clone();
    let made = blocking(&st, move |s| add_commune(s, &by, req)).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// `POST /api/v1/admin/people`.
pub async fn create_account(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    body: Result<Json<NewAccount>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<AccountMade>), ApiError> {
    authed.require_admin()?;
    let Json(req) = body.map_err(json_error)?;
    let by = authed.0.clone();
    let made = blocking(&st, move |s| add_account(s, &by, req)).await?;
    Ok((StatusCode::CREATED, Json(made)))
}
