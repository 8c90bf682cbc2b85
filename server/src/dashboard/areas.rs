//! The commune's residential areas as staff manage them from the browser: the areas in force
//! and those ended (merged or retired, with the date), the forms to add, rename, merge and
//! retire one, a boundary file to import (as QGIS exports it), and the history of changes with
//! who made each. Every form goes through `crate::areas`, as the JSON API does.

use super::pages::{
    done_flash, form_field, shown_refusal, staff_form, staff_page, staff_upload, time_text, Ctx,
    DoneQuery, Flash, Layout, Tab,
};
use crate::areas::{self, ChangeRequest, MAX_IMPORT_BYTES};
use crate::auth::Authed;
use crate::error::ApiError;
use crate::storage::Device;
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use sachxanh_core::model::Day;
use std::sync::Arc;

pub struct AreaRow {
    pub id: String,
    pub name: String,
    pub since: String,
    /// "merged into X on d" / "retired on d"; empty while in force.
    pub ended: String,
    pub former: String,
    pub has_boundary: bool,
}

pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "areas.html")]
struct AreasPage {
    l: Layout,
    in_force: Vec<AreaRow>,
    ended: Vec<AreaRow>,
    history: Vec<HistoryRow>,
    today: String,
}

fn day_text(d: Day) -> String {
    d.0.format("%d/%m/%Y").to_string()
}

async fn page(st: &Arc<AppState>, ctx: &Ctx, staff: &Device, flash: Option<Flash>) -> Response {
    let commune = staff.person.commune_id.clone();
    let list = match blocking(st, move |s| areas::list_of(s, &commune)).await {
        Ok(l) => l,
        Err(e) => return ctx.fail(e),
    };
    let w = ctx.w();
    let name_of = |id: &str| {
        list.areas
            .iter()
            .find(|a| a.id == id)
            .map_or(id.to_owned(), |a| a.name.clone())
    };
    let (mut in_force, mut ended) = (vec![], vec![]);
    for a in &list.areas {
        let row = AreaRow {
            id: a.id.clone(),
            name: a.name.clone(),
            since: a.from.map_or_else(|| "—".to_owned(), day_text),
            ended: match (a.until, &a.merged_into) {
                (Some(d), Some(into)) => {
                    format!("{} {} — {}", w.merged_into, name_of(into), day_text(d))
                }
                (Some(d), None) => format!("{} — {}", w.retired, day_text(d)),
                _ => String::new(),
            },
            former: a
                .former_names
                .iter()
                .map(|n| format!("{} ({} {})", n.name, w.until, day_text(n.until)))
                .collect::<Vec<_>>()
                .join("; "),
            has_boundary: a.has_boundary,
        };
        if a.until.is_none() {
            in_force.push(row);
        } else {
            ended.push(row);
        }
    }
    let history = list
        .history
        .iter()
        .map(|h| HistoryRow {
            when: time_text(h.at),
            who: h.by.clone().unwrap_or_else(|| w.start_file.to_owned()),
            what: ctx.t(&h.summary),
        })
        .collect();
    let mut l = ctx.layout(Some(&staff.person), Tab::Areas);
    l.flash = flash;
    ctx.page(
        StatusCode::OK,
        AreasPage {
            l,
            in_force,
            ended,
            history,
            today: Day::today().to_string(),
        },
    )
}

/// `GET /areas`.
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
    let flash = done_flash(q, ctx.w().areas_changed);
    page(&st, &ctx, &authed.0, flash).await
}

/// A refusal shown on the areas page, with the page as it is.
async fn refused(st: &Arc<AppState>, ctx: &Ctx, staff: &Device, e: ApiError) -> Response {
    let Some(flash) = shown_refusal(ctx, &e) else {
        return ctx.fail(e);
    };
    let mut resp = page(st, ctx, staff, Some(flash)).await;
    *resp.status_mut() = e.status;
    resp
}

/// The date a form gives (`YYYY-MM-DD`, from a date input), or today when left empty.
fn date_of(form: &[(String, String)]) -> Result<Option<Day>, ApiError> {
    let on = form_field(form, "on");
    if on.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_value(serde_json::Value::String(on.trim().to_owned()))
        .map(Some)
        .map_err(|_| ApiError::bad_request("ngày hiệu lực không hợp lệ", "invalid date"))
}

/// The form's fields as a change.
fn change_of(form: &[(String, String)]) -> Result<ChangeRequest, ApiError> {
    let f = |k: &str| form_field(form, k);
    let on = date_of(form)?;
    Ok(match f("change").as_str() {
        "add" => ChangeRequest::Add {
            name: f("name"),
            boundary: None,
            on,
        },
        "rename" => ChangeRequest::Rename {
            area_id: f("area_id"),
            name: f("name"),
            on,
        },
        "merge" => ChangeRequest::Merge {
            area_id: f("area_id"),
            into_id: f("into_id"),
            on,
        },
        "retire" => ChangeRequest::Retire {
            area_id: f("area_id"),
            on,
        },
        _ => {
            return Err(ApiError::bad_request(
                "thay đổi không hợp lệ",
                "invalid change",
            ))
        }
    })
}

/// `POST /areas/changes`: add, rename, merge or retire, from the page's forms.
pub async fn change(State(st): State<Arc<AppState>>, ctx: Ctx, req: Request) -> Response {
    let (authed, form) = match staff_form(&st, &ctx, req).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let staff = authed.0.clone();
    let req = match change_of(&form) {
        Ok(r) => r,
        Err(e) => return refused(&st, &ctx, &staff, e).await,
    };
    let by = authed.0;
    match blocking(&st, move |s| areas::apply(s, &by, req)).await {
        Ok(_) => ctx.redirect("/areas?done=1"),
        Err(e) => refused(&st, &ctx, &staff, e).await,
    }
}

/// `POST /areas/import`: a boundary file chosen on the page.
pub async fn import(State(st): State<Arc<AppState>>, ctx: Ctx, req: Request) -> Response {
    let (authed, form, file) = match staff_upload(&st, &ctx, req, MAX_IMPORT_BYTES).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let staff = authed.0.clone();
    let on = match date_of(&form) {
        Ok(on) => on,
        Err(e) => return refused(&st, &ctx, &staff, e).await,
    };
    let text = match areas::file_text(file) {
        Ok(t) => t,
        Err(e) => return refused(&st, &ctx, &staff, e).await,
    };
    let by = authed.0;
    match blocking(&st, move |s| areas::import(s, &by, &text, on)).await {
        Ok(_) => ctx.redirect("/areas?done=1"),
        Err(e) => refused(&st, &ctx, &staff, e).await,
    }
}
