//! Residential areas as staff manage them: the reference in use (loaded from storage, or saved
//! there from the deployment's starting file), the dated changes of the core's
//! `reference::history` and boundary imports applied and saved as a new version, and the JSON
//! API over both. Phones get their commune's areas at their next pull (`crate::sync`).

use crate::auth::Authed;
use crate::error::ApiError;
use crate::storage::{AreasChange, Device, Storage, StorageResult};
use crate::{blocking, AppState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use sachxanh_core::i18n::Message;
use sachxanh_core::model::Day;
use sachxanh_core::reference::history::{AreaChange, AreaProblem};
use sachxanh_core::Reference;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The reference in use and its version in storage.
pub struct Loaded {
    pub version: u64,
    pub reference: Arc<Reference>,
}

impl Loaded {
    /// The areas storage keeps; when it keeps none, `start` saved as version 1. A stored
    /// version that cannot be read (a bug, never a person's input: every version was read
    /// before it was saved) falls back to `start`, loudly.
    pub fn open(storage: &dyn Storage, start: Arc<Reference>) -> Loaded {
        match storage.latest_areas() {
            Ok(Some((version, text))) => match Reference::from_geojson(&text) {
                Ok(r) => {
                    return Loaded {
                        version,
                        reference: Arc::new(r),
                    }
                }
                Err(e) => tracing::error!(error = %e, version, "stored areas unreadable"),
            },
            Ok(None) => {
                let first = AreasChange {
                    geojson: &start.to_geojson(None),
                    commune_id: None,
                    subject: "",
                    summary: &Message::new("Khu vực ban đầu", "Areas at the start"),
                    moves: &[],
                };
                match storage.save_areas(None, 0, &first) {
                    Ok(true) => {
                        return Loaded {
                            version: 1,
                            reference: start,
                        }
                    }
                    // Another instance saved the first version meanwhile: use it.
                    Ok(false) => return Self::open(storage, start),
                    Err(e) => tracing::error!(error = %e, "could not save the starting areas"),
                }
            }
            Err(e) => tracing::error!(error = %e, "could not read the areas"),
        }
        Loaded {
            version: 0,
            reference: start,
        }
    }
}

impl AppState {
    /// The communes and areas in use now.
    pub fn reference(&self) -> Arc<Reference> {
        self.areas
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .reference
            .clone()
    }

    /// The version of the areas in use, after taking up a newer one another server instance
    /// saved. Blocking: storage is read.
    pub fn areas_version(&self) -> StorageResult<u64> {
        let held = self.areas.read().unwrap_or_else(|p| p.into_inner()).version;
        if self.storage.areas_version()? != held {
            self.reload_areas()?;
        }
        Ok(self.areas.read().unwrap_or_else(|p| p.into_inner()).version)
    }

    fn reload_areas(&self) -> StorageResult<()> {
        if let Some((version, text)) = self.storage.latest_areas()? {
            if let Ok(r) = Reference::from_geojson(&text) {
                let mut held = self.areas.write().unwrap_or_else(|p| p.into_inner());
                if held.version < version {
                    *held = Loaded {
                        version,
                        reference: Arc::new(r),
                    };
                }
            }
        }
        Ok(())
    }

    /// Saves `next` as the new version and uses it. When another change came first, the newer
    /// areas are taken up and the person is asked to look again.
    pub(crate) fn save_areas(
        &self,
        by: &Device,
        expected: u64,
        next: Reference,
        note: Note,
    ) -> Result<(), ApiError> {
        let change = AreasChange {
            geojson: &next.to_geojson(None),
            commune_id: Some(note.commune),
            subject: note.subject,
            summary: &note.summary,
            moves: note.moves,
        };
        if !self.storage.save_areas(Some(by), expected, &change)? {
            self.reload_areas()?;
            return Err(ApiError::with_message(
                StatusCode::CONFLICT,
                sachxanh_core::error::ErrorCode::Changed,
                Message::new(
                    "Khu vực vừa được người khác thay đổi: hãy xem lại rồi làm lại",
                    "Someone else changed the areas just now: look again, then try again",
                ),
            ));
        }
        // Unless a newer version was taken up meanwhile (another change saved right after).
        let mut held = self.areas.write().unwrap_or_else(|p| p.into_inner());
        if held.version <= expected {
            *held = Loaded {
                version: expected + 1,
                reference: Arc::new(next),
            };
        }
        Ok(())
    }
}

/// What a saved version is about, for the history and the audit trail.
pub(crate) struct Note<'a> {
    pub commune: &'a str,
    pub subject: &'a str,
    pub summary: Message,
    pub moves: &'a [(String, String)],
}

/// A change as the API and the dashboard's forms send it.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChangeRequest {
    Add {
        name: String,
        /// A GeoJSON Polygon or MultiPolygon; none yet is fine.
        #[serde(default)]
        boundary: Option<serde_json::Value>,
        #[serde(default)]
        on: Option<Day>,
    },
    Rename {
        area_id: String,
        name: String,
        #[serde(default)]
        on: Option<Day>,
    },
    Merge {
        area_id: String,
        into_id: String,
        #[serde(default)]
        on: Option<Day>,
    },
    Split {
        area_id: String,
        name: String,
        boundary: serde_json::Value,
        #[serde(default)]
        on: Option<Day>,
    },
    Retire {
        area_id: String,
        #[serde(default)]
        on: Option<Day>,
    },
}

/// Every problem of an import, one per line, in both languages.
fn problems(list: Vec<AreaProblem>) -> ApiError {
    let join = |f: fn(&Message) -> &str| {
        list.iter()
            .map(|p| f(&p.message()).to_owned())
            .collect::<Vec<_>>()
            .join("\n")
    };
    ApiError::with_message(
        StatusCode::BAD_REQUEST,
        sachxanh_core::error::ErrorCode::BadRequest,
        Message::new(join(|m| &m.vi), join(|m| &m.en)),
    )
}

fn boundary_of(
    name: &str,
    value: serde_json::Value,
) -> Result<geo_types::MultiPolygon<f64>, ApiError> {
    sachxanh_core::reference::import::boundary_from_json(name, value).map_err(ApiError::from)
}

/// Applies a change of the staff member's commune, dated `on` or today. The areas it names
/// must be of that commune.
pub fn apply(st: &AppState, by: &Device, req: ChangeRequest) -> Result<Changed, ApiError> {
    let commune = by.person.commune_id.clone();
    let expected = st.areas_version()?;
    let reference = st.reference();
    let ours = |id: &str| {
        reference
            .area(id)
            .filter(|a| a.commune_id == commune)
            .map(|_| id.to_owned())
            .ok_or_else(|| ApiError::from(AreaProblem::UnknownArea))
    };
    let (change, on) = match req {
        ChangeRequest::Add { name, boundary, on } => (
            AreaChange::Add {
                commune_id: commune.clone(),
                boundary: boundary.map(|b| boundary_of(&name, b)).transpose()?,
                name,
            },
            on,
        ),
        ChangeRequest::Rename { area_id, name, on } => (
            AreaChange::Rename {
                area_id: ours(&area_id)?,
                name,
            },
            on,
        ),
        ChangeRequest::Merge {
            area_id,
            into_id,
            on,
        } => (
            AreaChange::Merge {
                area_id: ours(&area_id)?,
                into_id: ours(&into_id)?,
            },
            on,
        ),
        ChangeRequest::Split {
            area_id,
            name,
            boundary,
            on,
        } => (
            AreaChange::Split {
                area_id: ours(&area_id)?,
                boundary: boundary_of(&name, boundary)?,
                name,
            },
            on,
        ),
        ChangeRequest::Retire { area_id, on } => (
            AreaChange::Retire {
                area_id: ours(&area_id)?,
            },
            on,
        ),
    };
    let today = Day::today();
    let (next, changed) = reference
        .change(&change, on.unwrap_or(today), today)
        .map_err(ApiError::from)?;
    let moves = match &change {
        AreaChange::Merge { area_id, into_id } => vec![(area_id.clone(), into_id.clone())],
        _ => vec![],
    };
    st.save_areas(
        by,
        expected,
        next,
        Note {
            commune: &commune,
            subject: &changed.area_id,
            summary: changed.summary.clone(),
            moves: &moves,
        },
    )?;
    Ok(Changed {
        version: expected + 1,
        area_id: changed.area_id,
        summary: changed.summary,
    })
}

/// Imports boundaries into the staff member's commune.
pub fn import(
    st: &AppState,
    by: &Device,
    text: &str,
    on: Option<Day>,
) -> Result<Changed, ApiError> {
    let expected = st.areas_version()?;
    let reference = st.reference();
    let today = Day::today();
    let (next, done) = reference
        .import_boundaries(&by.person.commune_id, text, on.unwrap_or(today), today)
        .map_err(problems)?;
    let list = |names: &[String]| names.join(", ");
    let summary = Message::new(
        format!(
            "Nhập ranh giới: cập nhật {} [{}], thêm {} [{}]",
            done.updated.len(),
            list(&done.updated),
            done.added.len(),
            list(&done.added)
        ),
        format!(
            "Boundaries imported: {} updated [{}], {} added [{}]",
            done.updated.len(),
            list(&done.updated),
            done.added.len(),
            list(&done.added)
        ),
    );
    let commune = &by.person.commune_id;
    st.save_areas(
        by,
        expected,
        next,
        Note {
            commune,
            subject: commune,
            summary: summary.clone(),
            moves: &[],
        },
    )?;
    Ok(Changed {
        version: expected + 1,
        area_id: String::new(),
        summary,
    })
}

/// What a change did: the new version, the area concerned, and a sentence for the page.
#[derive(Debug, Clone, Serialize)]
pub struct Changed {
    pub version: u64,
    pub area_id: String,
    pub summary: Message,
}

/// An area as the API lists it.
#[derive(Debug, Clone, Serialize)]
pub struct AreaView {
    pub id: String,
    pub name: String,
    pub from: Option<Day>,
    pub until: Option<Day>,
    pub merged_into: Option<String>,
    pub former_names: Vec<sachxanh_core::reference::FormerName>,
    pub has_boundary: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreasList {
    pub version: u64,
    pub commune_id: String,
    pub areas: Vec<AreaView>,
    pub history: Vec<crate::storage::AreasChangeLine>,
}

#[derive(Debug, Deserialize)]
pub struct CommuneQuery {
    commune: Option<String>,
}

/// The commune's areas, in force or not, with their history.
pub fn list_of(st: &AppState, commune: &str) -> Result<AreasList, ApiError> {
    let version = st.areas_version()?;
    let reference = st.reference();
    let areas = reference
        .all_areas_of(commune)
        .map(|a| AreaView {
            id: a.id.clone(),
            name: a.name.clone(),
            from: a.from,
            until: a.until,
            merged_into: a.merged_into.clone(),
            former_names: a.former_names.clone(),
            has_boundary: !a.boundary.0.is_empty(),
        })
        .collect();
    Ok(AreasList {
        version,
        commune_id: commune.to_owned(),
        areas,
        history: st.storage.areas_history(commune, 50)?,
    })
}

/// `GET /api/v1/areas`: staff see their commune's; the Department names one.
pub async fn list(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Query(q): Query<CommuneQuery>,
) -> Result<Json<AreasList>, ApiError> {
    authed.require_viewer()?;
    let person = authed.0.person.clone();
    blocking(&st, move |s| {
        let communes =
            crate::dashboard::communes_for(&s.reference(), &person, q.commune.as_deref())?;
        let commune = communes
            .first()
            .cloned()
            .ok_or_else(|| ApiError::bad_request("hãy chọn một xã", "name one commune"))?;
        Ok(Json(list_of(s, &commune)?))
    })
    .await
}

/// `POST /api/v1/areas/changes`.
pub async fn change(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    body: Result<Json<ChangeRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Changed>, ApiError> {
    authed.require_staff()?;
    let Json(req) = body.map_err(|e| {
        ApiError::bad_request(
            &format!("yêu cầu thay đổi khu vực không hợp lệ: {}", e.body_text()),
            &format!("invalid area change: {}", e.body_text()),
        )
    })?;
    let by = authed.0.clone();
    blocking(&st, move |s| apply(s, &by, req).map(Json)).await
}

#[derive(Debug, Deserialize)]
pub struct ImportQuery {
    on: Option<Day>,
}

/// An uploaded boundary file as text.
pub fn file_text(bytes: Vec<u8>) -> Result<String, ApiError> {
    String::from_utf8(bytes).map_err(|_| {
        ApiError::bad_request("tệp không phải văn bản UTF-8", "the file is not UTF-8 text")
    })
}

/// Largest boundary file taken: a commune's hamlets drawn in detail fit many times over.
pub const MAX_IMPORT_BYTES: usize = 4 << 20;

/// `POST /api/v1/areas/import`: a GeoJSON FeatureCollection as QGIS exports it.
pub async fn import_file(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    q: Result<Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
    body: axum::body::Body,
) -> Result<Json<Changed>, ApiError> {
    authed.require_staff()?;
    let on = q
        .map_err(|_| ApiError::bad_request("ngày không hợp lệ", "invalid date"))?
        .0
        .on;
    let body = axum::body::to_bytes(body, MAX_IMPORT_BYTES)
        .await
        .map_err(|_| {
            ApiError::with_message(
                StatusCode::PAYLOAD_TOO_LARGE,
                sachxanh_core::error::ErrorCode::BodyTooLarge,
                Message::new(
                    "tệp ranh giới lớn quá 4 MB",
                    "the boundary file is larger than 4 MB",
                ),
            )
        })?;
    let text = file_text(body.to_vec())?;
    let by = authed.0.clone();
    blocking(&st, move |s| import(s, &by, &text, on).map(Json)).await
}
