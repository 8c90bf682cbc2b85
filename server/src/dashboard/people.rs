//! The commune's people and their phones, as staff run them from the browser: add a person and
//! hand them a one-time code as a QR code (on screen, and on an A4 sheet of several people),
//! see each phone's last sync, version and what it still holds unsent, revoke a lost phone,
//! move a person to other areas. Every action goes through the same functions as the JSON API
//! (`crate::enrol`) and lands in the audit trail with who did it.

use super::pages::{
    form_field, staff_form, staff_page, time_text, Ctx, DoneQuery, Flash, Layout, Tab,
};
use crate::auth::Authed;
use crate::enrol::{self, IssuedCode, NewCode};
use crate::error::ApiError;
use crate::storage::{AuditRow, Device, Person, PersonPhones};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use sachxanh_core::enrolment;
use sachxanh_core::model::Role;
use sachxanh_core::Reference;
use std::sync::Arc;

/// Most codes one sheet issues at once (each is an Argon2id hash on the server).
const MAX_SHEET: usize = 30;

/// Roles staff hand out from the page (the province's viewers are made by an administrator).
const ROLES: [Role; 3] = [Role::Volunteer, Role::AreaHead, Role::CommuneStaff];

pub struct Choice {
    pub code: String,
    pub label: String,
    pub on: bool,
}

pub struct PhoneView {
    pub device_id: String,
    /// The id's last characters: enough to tell a person's phones apart on screen.
    pub short: String,
    pub console: bool,
    pub enrolled: String,
    pub last_sync: Option<String>,
    pub app_version: String,
    pub sent: u64,
    pub waiting: Option<u64>,
    pub revoked: Option<String>,
    /// The key the signed-in staff member is using: not revocable from here.
    pub yours: bool,
}

pub struct PersonView {
    pub id: String,
    pub name: String,
    pub role: String,
    pub areas: String,
    /// Every area of the commune, ticked where the person works (the "change areas" form).
    pub area_choices: Vec<Choice>,
    pub works_in_areas: bool,
    pub phones: Vec<PhoneView>,
    pub trail: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    l: Layout,
    roles: Vec<Choice>,
    areas: Vec<Choice>,
    people: Vec<PersonView>,
}

pub struct CodeCard {
    pub name: String,
    pub role: String,
    pub areas: String,
    pub code: String,
    pub expires: String,
    /// The QR image, drawn by the `qrcode` crate: an SVG of dark modules only (no script).
    pub qr_svg: String,
}

#[derive(Template)]
#[template(path = "code_sheet.html")]
struct SheetPage {
    l: Layout,
    cards: Vec<CodeCard>,
}

/// The QR image of a code, as SVG: what the phone's scanner reads (`sachxanh://enrol?code=…`).
fn qr_svg(code: &str) -> Result<String, ApiError> {
    // Level M survives a crease or a smudge on paper and keeps the image small.
    let qr = QrCode::with_error_correction_level(enrolment::qr_payload(code), EcLevel::M)
        .map_err(ApiError::internal)?;
    let image = qr
        .render::<svg::Color>()
        .min_dimensions(180, 180)
        .quiet_zone(true)
        .build();
    // Inline in the page: the XML declaration before the <svg> has no place in HTML.
    Ok(image
        .find("<svg")
        .map_or(image.as_str(), |at| &image[at..])
        .to_owned())
}

fn area_names(ctx: &Ctx, reference: &Reference, areas: &[String]) -> String {
    if areas.is_empty() {
        return ctx.w().all.to_owned();
    }
    areas
        .iter()
        .map(|a| reference.area(a).map_or(a.as_str(), |x| x.name.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn area_choices(reference: &Reference, commune: &str, on: &[String]) -> Vec<Choice> {
    reference
        .areas_of(commune)
        .map(|a| Choice {
            code: a.id.clone(),
            label: a.name.clone(),
            on: on.contains(&a.id),
        })
        .collect()
}

fn card(
    ctx: &Ctx,
    reference: &Reference,
    person: &Person,
    issued: &IssuedCode,
) -> Result<CodeCard, ApiError> {
    Ok(CodeCard {
        name: person.name.clone(),
        role: ctx.t(&person.role.label()),
        areas: area_names(ctx, reference, &person.areas),
        code: issued.code.clone(),
        expires: time_text(issued.expires_at),
        qr_svg: qr_svg(&issued.code)?,
    })
}

fn person_view(
    ctx: &Ctx,
    staff: &Device,
    reference: &Reference,
    p: PersonPhones,
    trail: Vec<AuditRow>,
) -> PersonView {
    let trail = trail
        .into_iter()
        .rev()
        .take(5)
        .map(|a| (time_text(a.at), a.person_name, ctx.t(&a.action.label())))
        .collect();
    let phones = p
        .phones
        .into_iter()
        .map(|ph| PhoneView {
            short: ph
                .device_id
                .get(ph.device_id.len().saturating_sub(6)..)
                .unwrap_or_default()
                .to_owned(),
            yours: ph.device_id == staff.id,
            device_id: ph.device_id,
            console: ph.console,
            enrolled: time_text(ph.enrolled_at),
            last_sync: ph.last_sync_at.map(time_text),
            app_version: ph.app_version.unwrap_or_else(|| "—".into()),
            sent: ph.records_sent,
            waiting: ph.records_waiting,
            revoked: ph.revoked_at.map(time_text),
        })
        .collect();
    PersonView {
        area_choices: area_choices(reference, &p.person.commune_id, &p.person.areas),
        works_in_areas: matches!(p.person.role, Role::Volunteer | Role::AreaHead),
        id: p.person.id,
        name: p.person.name,
        role: ctx.t(&p.person.role.label()),
        areas: area_names(ctx, reference, &p.person.areas),
        phones,
        trail,
    }
}

async fn people_page(
    st: &Arc<AppState>,
    ctx: &Ctx,
    staff: &Device,
    flash: Option<Flash>,
) -> Response {
    let commune = staff.person.commune_id.clone();
    let found = blocking(st, move |s| {
        let mut found = vec![];
        for p in s.storage.people_of(&commune)? {
            let trail = s.storage.audit_of(&p.person.id)?;
            found.push((p, trail));
        }
        Ok(found)
    })
    .await;
    let people: Vec<PersonView> = match found {
        Ok(found) => found
            .into_iter()
            .map(|(p, trail)| person_view(ctx, staff, &st.reference(), p, trail))
            .collect(),
        Err(e) => return ctx.fail(e),
    };
    let mut l = ctx.layout(Some(&staff.person), Tab::People);
    l.flash = flash;
    let page = PeoplePage {
        l,
        roles: ROLES
            .iter()
            .map(|r| Choice {
                code: r.as_str().into(),
                label: ctx.t(&r.label()),
                on: *r == Role::Volunteer,
            })
            .collect(),
        areas: area_choices(&st.reference(), &staff.person.commune_id, &[]),
        people,
    };
    ctx.page(StatusCode::OK, page)
}

/// `GET /people`: the commune's people and phones, and the form to add someone.
pub async fn list(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    authed: Result<Authed, ApiError>,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let authed = match staff_page(&ctx, authed) {
        Ok(a) => a,
        Err(resp) => return *resp,
    };
    let w = ctx.w();
    let flash = match q.ok().and_then(|Query(q)| q.done).as_deref() {
        Some("revoked") => Some(w.phone_revoked),
        Some("areas") => Some(w.areas_saved),
        _ => None,
    }
    .map(|text| Flash {
        ok: true,
        text: text.into(),
    });
    people_page(&st, &ctx, &authed.0, flash).await
}

fn values<'a>(form: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    form.iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// A refusal shown on the people page, in the page's language, with the list as it is.
async fn refused(st: &Arc<AppState>, ctx: &Ctx, staff: &Device, e: ApiError) -> Response {
    if !ctx.wants_html() || !shown_on_page(&e) {
        return ctx.fail(e);
    }
    let flash = Flash {
        ok: false,
        text: ctx.t(&e.message),
    };
    let mut resp = people_page(st, ctx, staff, Some(flash)).await;
    *resp.status_mut() = e.status;
    resp
}

/// Refusals the person can act on are shown on the page; the rest are the error page's.
fn shown_on_page(e: &ApiError) -> bool {
    e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::NOT_FOUND
}

/// `POST /people`: adds a person and shows their enrolment sheet (one card).
pub async fn add(State(st): State<Arc<AppState>>, ctx: Ctx, req: Request) -> Response {
    let (authed, form) = match staff_form(&st, &ctx, req).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let staff = authed.0.clone();
    let first = |k: &str| form_field(&form, k);
    let Some(role) = Role::parse(&first("role")).filter(|r| ROLES.contains(r)) else {
        let e = ApiError::bad_request("vai trò không hợp lệ", "invalid role");
        return refused(&st, &ctx, &staff, e).await;
    };
    let req = NewCode {
        name: first("name"),
        role,
        areas: values(&form, "areas")
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    let _hashing = match st.hashing.acquire().await {
        Ok(h) => h,
        Err(e) => return ctx.fail(ApiError::internal(e)),
    };
    let by = authed.0;
    let done = blocking(&st, move |s| {
        let issued = enrol::add_person(s.storage.as_ref(), &s.reference(), &by, &req)?;
        let person = s
            .storage
            .person(&issued.person_id)?
            .ok_or_else(ApiError::not_found)?;
        Ok((person, issued))
    })
    .await;
    match done.and_then(|(p, issued)| card(&ctx, &st.reference(), &p, &issued)) {
        Ok(card) => sheet(&ctx, &staff.person, vec![card]),
        Err(e) => refused(&st, &ctx, &staff, e).await,
    }
}

/// `POST /people/sheet`: a new code for each person ticked, on one printable A4 sheet.
pub async fn print_sheet(State(st): State<Arc<AppState>>, ctx: Ctx, req: Request) -> Response {
    let (authed, form) = match staff_form(&st, &ctx, req).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let staff = authed.0.clone();
    let mut ids: Vec<String> = values(&form, "person")
        .into_iter()
        .map(str::to_owned)
        .collect();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_SHEET {
        let e = ApiError::bad_request("hãy chọn từ 1 đến 30 người", "choose 1 to 30 people");
        return refused(&st, &ctx, &staff, e).await;
    }
    let _hashing = match st.hashing.acquire().await {
        Ok(h) => h,
        Err(e) => return ctx.fail(ApiError::internal(e)),
    };
    let by = authed.0;
    let issued = blocking(&st, move |s| {
        ids.iter()
            .map(|id| enrol::new_code(s.storage.as_ref(), &by, id))
            .collect::<Result<Vec<_>, ApiError>>()
    })
    .await;
    let cards = issued.and_then(|all| {
        all.iter()
            .map(|(p, code)| card(&ctx, &st.reference(), p, code))
            .collect::<Result<Vec<_>, _>>()
    });
    match cards {
        Ok(cards) => sheet(&ctx, &staff.person, cards),
        Err(e) => refused(&st, &ctx, &staff, e).await,
    }
}

fn sheet(ctx: &Ctx, staff: &Person, cards: Vec<CodeCard>) -> Response {
    let page = SheetPage {
        l: ctx.layout(Some(staff), Tab::People),
        cards,
    };
    ctx.page(StatusCode::OK, page)
}

/// `POST /people/phones/{id}/revoke`.
pub async fn revoke(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    Path(device_id): Path<String>,
    req: Request,
) -> Response {
    let (authed, _) = match staff_form(&st, &ctx, req).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let staff = authed.0.clone();
    let by = authed.0;
    let done = blocking(&st, move |s| {
        enrol::revoke_phone(s.storage.as_ref(), &by, &device_id)
    })
    .await;
    match done {
        Ok(()) => ctx.redirect("/people?done=revoked"),
        Err(e) => refused(&st, &ctx, &staff, e).await,
    }
}

/// `POST /people/{id}/areas`: the person's phone learns its new areas at its next sync.
pub async fn move_areas(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    Path(person_id): Path<String>,
    req: Request,
) -> Response {
    let (authed, form) = match staff_form(&st, &ctx, req).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let staff = authed.0.clone();
    let areas: Vec<String> = values(&form, "areas")
        .into_iter()
        .map(str::to_owned)
        .collect();
    let by = authed.0;
    let done = blocking(&st, move |s| {
        enrol::move_person(s.storage.as_ref(), &s.reference(), &by, &person_id, &areas)
    })
    .await;
    match done {
        Ok(()) => ctx.redirect("/people?done=areas"),
        Err(e) => refused(&st, &ctx, &staff, e).await,
    }
}
