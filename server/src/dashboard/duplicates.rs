//! Households recorded twice, as staff see them: pairs of their commune's households that the
//! core's rule finds alike (`sachxanh_core::duplicates`), and those already merged. Marking one
//! as a duplicate of the other makes a duplicate mark through the sync pipeline
//! (`check::mark_duplicate_from_dashboard`), which every phone of the area pulls.

use super::pages::{
    done_flash, form_field, staff_form, staff_page, Ctx, DoneQuery, Flash, Layout, Tab,
};
use crate::auth::Authed;
use crate::check::{mark_duplicate_from_dashboard, MarkRefused};
use crate::error::ApiError;
use crate::storage::{Person, PullScope, RecordFilter, RecordRow, Storage};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use sachxanh_core::duplicates::{pairs, resolve, Mark};
use sachxanh_core::error::ErrorCode;
use sachxanh_core::i18n::Message;
use sachxanh_core::model::{AnyRecord, Household, RecordKind};
use sachxanh_core::Reference;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// One household as the list shows it: the core's title (head and address) and its area.
#[derive(Debug, Clone, Serialize)]
pub struct HouseholdLine {
    pub id: String,
    pub title: Message,
    pub area_name: String,
}

/// Two households the core finds alike.
#[derive(Debug, Clone, Serialize)]
pub struct Suspected {
    pub a: HouseholdLine,
    pub b: HouseholdLine,
}

/// A duplicate merged into the household kept.
#[derive(Debug, Clone, Serialize)]
pub struct Merged {
    pub duplicate: HouseholdLine,
    pub kept: HouseholdLine,
}

#[derive(Debug, Clone, Serialize)]
pub struct Duplicates {
    pub suspected: Vec<Suspected>,
    pub merged: Vec<Merged>,
}

fn rows(
    storage: &dyn Storage,
    commune: &str,
    kind: RecordKind,
) -> Result<Vec<RecordRow>, ApiError> {
    Ok(storage.records(&RecordFilter {
        kind: Some(kind),
        scope: Some(PullScope::Commune(commune.to_owned())),
        limit: super::MAX_REPORT_ROWS,
        ..Default::default()
    })?)
}

/// The commune's duplicate marks in force, by the core's resolution: duplicate → kept.
pub fn in_force(storage: &dyn Storage, commune: &str) -> Result<HashMap<String, String>, ApiError> {
    let marks = rows(storage, commune, RecordKind::HouseholdDuplicate)?;
    let marks: Vec<Mark> = marks
        .iter()
        .filter_map(|r| match &r.record {
            AnyRecord::HouseholdDuplicate(mark) => Some(Mark {
                id: &r.id,
                created_at: r.created_at,
                mark,
            }),
            _ => None,
        })
        .collect();
    Ok(resolve(&marks))
}

/// The commune's suspected pairs (households not merged yet) and merged duplicates. Blocking.
pub fn of_commune(
    storage: &dyn Storage,
    reference: &Reference,
    commune: &str,
) -> Result<Duplicates, ApiError> {
    let merged_into = in_force(storage, commune)?;
    let households = rows(storage, commune, RecordKind::Household)?;
    let line = |r: &RecordRow| HouseholdLine {
        id: r.id.clone(),
        title: r.record.title(&|_| None),
        area_name: r
            .area_id
            .as_deref()
            .and_then(|a| reference.area(a))
            .map(|a| a.name.clone())
            .unwrap_or_default(),
    };
    let by_id: HashMap<&str, &RecordRow> = households.iter().map(|r| (r.id.as_str(), r)).collect();
    let open: Vec<(&str, &Household)> = households
        .iter()
        .filter(|r| !merged_into.contains_key(&r.id))
        .filter_map(|r| match &r.record {
            AnyRecord::Household(h) => Some((r.id.as_str(), h)),
            _ => None,
        })
        .collect();
    let suspected = pairs(&open)
        .into_iter()
        .map(|(a, b)| Suspected {
            a: line(by_id[a]),
            b: line(by_id[b]),
        })
        .collect();
    let mut merged: Vec<Merged> = merged_into
        .iter()
        .filter_map(|(dup, kept)| {
            Some(Merged {
                duplicate: line(by_id.get(dup.as_str())?),
                kept: line(by_id.get(kept.as_str())?),
            })
        })
        .collect();
    merged.sort_by(|x, y| x.duplicate.id.cmp(&y.duplicate.id));
    Ok(Duplicates { suspected, merged })
}

/// Records the mark; its id, or why not in both languages.
async fn mark(
    st: &Arc<AppState>,
    authed: Authed,
    duplicate: String,
    kept: String,
) -> Result<String, ApiError> {
    let result = blocking(st, move |s| {
        let device = &authed.0;
        let in_force = in_force(s.storage.as_ref(), &device.person.commune_id)?;
        Ok(mark_duplicate_from_dashboard(
            s.storage.as_ref(),
            &s.reference(),
            device,
            &duplicate,
            &kept,
            &in_force,
        )?)
    })
    .await?;
    match result {
        Ok(id) => Ok(id),
        Err(MarkRefused::NotFound) => Err(ApiError::not_found()),
        Err(MarkRefused::Problem(p)) => Err(ApiError::with_message(
            StatusCode::CONFLICT,
            ErrorCode::Invalid,
            p.message(),
        )),
        Err(MarkRefused::Invalid(fields)) => Err(ApiError::with_message(
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            fields
                .first()
                .map(|f| f.message_in(RecordKind::HouseholdDuplicate))
                .unwrap_or_else(|| ErrorCode::Invalid.label()),
        )),
        Err(MarkRefused::Denied(d)) => Err(ApiError::with_message(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            d.message(),
        )),
    }
}

/// `GET /api/v1/duplicates`: the staff member's commune's suspected and merged duplicates.
pub async fn list(
    State(st): State<Arc<AppState>>,
    authed: Authed,
) -> Result<Json<Duplicates>, ApiError> {
    authed.require_staff()?;
    let commune = authed.0.person.commune_id.clone();
    let found = blocking(&st, move |s| {
        of_commune(s.storage.as_ref(), &s.reference(), &commune)
    })
    .await?;
    Ok(Json(found))
}

#[derive(Deserialize)]
pub struct MarkRequest {
    /// The household kept, for which the duplicate's checks count.
    kept_id: String,
}

/// `POST /api/v1/records/{id}/duplicate-of`: the household `id` is a duplicate of `kept_id`.
pub async fn mark_json(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(id): Path<String>,
    body: Result<Json<MarkRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    authed.require_staff()?;
    let req = crate::enrol::json_body(body)?;
    let mark_id = mark(&st, authed, id, req.kept_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "mark_id": mark_id })),
    ))
}

pub struct LineView {
    pub id: String,
    pub href: String,
    pub title: String,
    pub area: String,
}

pub struct PairView {
    pub a: LineView,
    pub b: LineView,
}

#[derive(Template)]
#[template(path = "duplicates.html")]
struct DuplicatesPage {
    l: Layout,
    suspected: Vec<PairView>,
    merged: Vec<PairView>,
}

async fn page(st: &Arc<AppState>, ctx: &Ctx, staff: &Person, flash: Option<Flash>) -> Response {
    let commune = staff.commune_id.clone();
    let found = match blocking(st, move |s| {
        of_commune(s.storage.as_ref(), &s.reference(), &commune)
    })
    .await
    {
        Ok(f) => f,
        Err(e) => return ctx.fail(e),
    };
    let view = |h: &HouseholdLine| LineView {
        id: h.id.clone(),
        href: format!("/records/{}", h.id),
        title: ctx.t(&h.title),
        area: h.area_name.clone(),
    };
    let mut l = ctx.layout(Some(staff), Tab::Duplicates);
    l.flash = flash;
    ctx.page(
        StatusCode::OK,
        DuplicatesPage {
            l,
            suspected: found
                .suspected
                .iter()
                .map(|p| PairView {
                    a: view(&p.a),
                    b: view(&p.b),
                })
                .collect(),
            merged: found
                .merged
                .iter()
                .map(|m| PairView {
                    a: view(&m.duplicate),
                    b: view(&m.kept),
                })
                .collect(),
        },
    )
}

/// `GET /duplicates`.
pub async fn show(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    authed: Result<Authed, ApiError>,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let authed = match staff_page(&ctx, authed) {
        Ok(a) => a,
        Err(resp) => return *resp,
    };
    let flash = done_flash(q, ctx.w().duplicate_marked);
    page(&st, &ctx, &authed.0.person, flash).await
}

/// `POST /duplicates/mark`: `duplicate` is the same household as `kept`, from the page's form.
pub async fn mark_form(State(st): State<Arc<AppState>>, ctx: Ctx, req: Request) -> Response {
    let (authed, form) = match staff_form(&st, &ctx, req).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let (duplicate, kept) = (form_field(&form, "duplicate"), form_field(&form, "kept"));
    let staff = authed.0.person.clone();
    match mark(&st, authed, duplicate, kept).await {
        Ok(_) => ctx.redirect("/duplicates?done=1"),
        Err(e) if e.status == StatusCode::NOT_FOUND || !ctx.wants_html() => ctx.fail(e),
        Err(e) => {
            let flash = Flash {
                ok: false,
                text: ctx.t(&e.message),
            };
            let mut resp = page(&st, &ctx, &staff, Some(flash)).await;
            *resp.status_mut() = e.status;
            resp
        }
    }
}
