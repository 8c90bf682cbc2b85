//! The administrator's page: every commune with its hamlets and staff, a new commune from its
//! boundary file, and new accounts (commune staff, the Department's viewers, administrators)
//! whose key is shown once. Every form goes through `crate::admin`, as the JSON API does.

use super::pages::{form_field, staff_form_of, staff_upload_of, Ctx, Flash, Layout, Tab};
use crate::admin::{self, AccountMade, NewAccount, NewCommune, Overview};
use crate::auth::Authed;
use crate::error::ApiError;
use crate::storage::Device;
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use sachxanh_core::model::Role;
use std::sync::Arc;

pub struct RoleChoice {
    pub code: String,
    pub label: String,
}

pub struct Issued {
    pub name: String,
    pub role: String,
    pub key: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    l: Layout,
    overview: Overview,
    roles: Vec<RoleChoice>,
    other_roles: Vec<(String, String)>,
    issued: Option<Issued>,
}

async fn page(
    st: &Arc<AppState>,
    ctx: &Ctx,
    admin: &Device,
    flash: Option<Flash>,
    issued: Option<AccountMade>,
) -> Response {
    let overview = match blocking(st, admin::overview).await {
        Ok(o) => o,
        Err(e) => return ctx.fail(e),
    };
    let mut l = ctx.layout(Some(&admin.person), Tab::Admin);
    l.flash = flash;
    let page = AdminPage {
        l,
        other_roles: overview
            .others
            .iter()
            .map(|(name, role)| (name.clone(), ctx.t(&role.label())))
            .collect(),
        overview,
        roles: admin::ROLES
            .iter()
            .map(|r| RoleChoice {
                code: r.as_str().into(),
                label: ctx.t(&r.label()),
            })
            .collect(),
        issued: issued.map(|a| Issued {
            name: a.name,
            role: ctx.t(&a.role.label()),
            key: a.key,
        }),
    };
    ctx.page(StatusCode::OK, page)
}

/// `GET /admin`.
pub async fn show(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    authed: Result<Authed, ApiError>,
) -> Response {
    match authed.and_then(|a| a.require_admin().map(|_| a)) {
        Ok(a) => page(&st, &ctx, &a.0, None, None).await,
        Err(e) => ctx.fail(e),
    }
}

async fn refused(st: &Arc<AppState>, ctx: &Ctx, admin: &Device, e: ApiError) -> Response {
    if !ctx.wants_html() || e.status != StatusCode::BAD_REQUEST {
        return ctx.fail(e);
    }
    let flash = Flash {
        ok: false,
        text: ctx.t(&e.message),
    };
    let mut resp = page(st, ctx, admin, Some(flash), None).await;
    *resp.status_mut() = e.status;
    resp
}

/// `POST /admin/communes`: a name, a province and a boundary file (one polygon).
pub async fn add_commune(State(st): State<Arc<AppState>>, ctx: Ctx, req: Request) -> Response {
    let (authed, form, file) = match staff_upload_of(
        &st,
        &ctx,
        req,
        crate::areas::MAX_IMPORT_BYTES,
        Authed::require_admin,
    )
    .await
    {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let admin = authed.0.clone();
    let boundary = std::str::from_utf8(&file)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .map(|v| match v.get("features").and_then(|f| f.get(0)) {
            // A FeatureCollection of one feature, as QGIS saves a layer; or a bare geometry.
            Some(feature) => feature["geometry"].clone(),
            None => match v.get("geometry") {
                Some(g) => g.clone(),
                None => v,
            },
        });
    let Some(boundary) = boundary else {
        let e = ApiError::bad_request(
            "tệp ranh giới không phải GeoJSON",
            "the boundary file is not GeoJSON",
        );
        return refused(&st, &ctx, &admin, e).await;
    };
    let req = NewCommune {
        name: form_field(&form, "name"),
        province: form_field(&form, "province"),
        boundary,
    };
    let by = authed.0;
    match blocking(&st, move |s| admin::add_commune(s, &by, req)).await {
        Ok(made) => {
            let flash = Flash {
                ok: true,
                text: format!("{} {}", ctx.w().commune_added, made.id),
            };
            page(&st, &ctx, &admin, Some(flash), None).await
        }
        Err(e) => refused(&st, &ctx, &admin, e).await,
    }
}

/// `POST /admin/people`: a staff member, a viewer or an administrator, with a key shown once.
pub async fn add_account(State(st): State<Arc<AppState>>, ctx: Ctx, req: Request) -> Response {
    let (authed, form) = match staff_form_of(&st, &ctx, req, Authed::require_admin).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let admin = authed.0.clone();
    let Some(role) = Role::parse(&form_field(&form, "role")) else {
        let e = ApiError::bad_request("vai trò không hợp lệ", "invalid role");
        return refused(&st, &ctx, &admin, e).await;
    };
    let req = NewAccount {
        name: form_field(&form, "name"),
        role,
        commune_id: Some(form_field(&form, "commune")),
    };
    let by = authed.0;
    match blocking(&st, move |s| admin::add_account(s, &by, req)).await {
        Ok(made) => page(&st, &ctx, &admin, None, Some(made)).await,
        Err(e) => refused(&st, &ctx, &admin, e).await,
    }
}
