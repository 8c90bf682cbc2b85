//! The dashboard's pages, rendered here with askama (templates in `server/templates/`, checked
//! when the server is built, every value escaped by the engine) and sent with no script at all:
//! links and forms do the work. Vietnamese by default, English by `?lang=en` (remembered in a
//! cookie). Every word about the campaign's data comes from the core; the pages' own headings
//! and buttons are in [`super::words`].
//!
//! Forms that change something carry a token of the session in a hidden field: a page of
//! another site cannot read it, so it cannot post a decision or a sign-out in the staff's name
//! (on top of the SameSite=Strict cookie, and browsers' `Sec-Fetch-Site`).

use super::map::{self, MapView, Mark};
use super::pictures;
use super::words::{self, Words};
use super::{
    communes_for, load_detail, open_session, period, queue_filter, queue_page, queue_search,
    QueueQuery, ALL, PENDING,
};
use crate::auth::{hash_secret, session_cookie, Authed, PeerIp};
use crate::error::ApiError;
use crate::storage::{Person, PhotoHeld, RecordRow};
use crate::view::Names;
use crate::AppState;
use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use sachxanh_core::catalog::catalog;
use sachxanh_core::form::{Field, InputSpec};
use sachxanh_core::i18n::{Lang, Message};
use sachxanh_core::model::{Day, Decision, Organisation, RecordKind, ReviewStatus, Role};
use sachxanh_core::report::monthly::monthly;
use sachxanh_core::report::period::Period;
use sachxanh_core::report::{ranking, Target, Targets};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The cookie that remembers the language picked.
const LANG_COOKIE: &str = "sx_lang";
/// The query parameter that picks the language.
const LANG_PARAM: &str = "lang";
/// The hidden field carrying the session's form token.
const CSRF_FIELD: &str = "csrf";
/// The hidden field carrying the record's heads the reviewer saw, comma-separated.
const HEADS_FIELD: &str = "heads";
/// The hidden field carrying the queue's filters, to go back to them.
const BACK_FIELD: &str = "back";
/// Largest form body the pages accept.
const FORM_LIMIT: usize = 64 << 10;

fn lang_code(lang: Lang) -> &'static str {
    words::of(lang).lang_code
}

fn parse_lang(s: &str) -> Option<Lang> {
    [Lang::Vi, Lang::En]
        .into_iter()
        .find(|l| lang_code(*l) == s)
}

fn other(lang: Lang) -> Lang {
    match lang {
        Lang::Vi => Lang::En,
        Lang::En => Lang::Vi,
    }
}

/// The session's form token: derived from the session secret (which only the browser holding
/// the HttpOnly cookie has) under a label of its own, so it gives nothing of the session away.
fn csrf_token(session: &str) -> String {
    hash_secret(&format!("sachxanh form token\u{0}{session}"))
}

/// Compares in time independent of where two tokens differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// A form whose token is missing or wrong: an old page, or a page of another site.
fn stale_form() -> ApiError {
    ApiError::with_message(
        StatusCode::FORBIDDEN,
        sachxanh_core::error::ErrorCode::Forbidden,
        Message::new(
            "Biểu mẫu đã cũ hoặc không đến từ trang này; hãy mở lại trang rồi làm lại.",
            "The form is out of date or did not come from this page; open the page again and retry.",
        ),
    )
}

/// A form posted from another site, as the browser tells (`Sec-Fetch-Site`; browsers that do
/// not send it still meet the token and SameSite).
fn cross_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v != "same-origin" && v != "none")
}

fn query_string<T: Serialize>(q: &T) -> String {
    serde_urlencoded::to_string(q).unwrap_or_default()
}

pub(super) fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// What every page knows of its request.
pub struct Ctx {
    pub lang: Lang,
    /// The language was picked in the query: the answer remembers it in a cookie.
    remember: bool,
    /// A browser asks for HTML; an API client asking a page gets our JSON errors.
    html: bool,
    /// The session's form token, when the request carries a session.
    csrf: Option<String>,
    path: String,
    query: Vec<(String, String)>,
    /// A GET: the page can be asked for again (in the other language).
    get: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query: Vec<(String, String)> =
            serde_urlencoded::from_str(parts.uri.query().unwrap_or_default()).unwrap_or_default();
        let asked = query
            .iter()
            .find(|(k, _)| k == LANG_PARAM)
            .and_then(|(_, v)| parse_lang(v));
        let remembered = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .and_then(|(_, v)| parse_lang(v));
        let html = parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        Ok(Ctx {
            lang: asked.or(remembered).unwrap_or(Lang::Vi),
            remember: asked.is_some(),
            html,
            csrf: session_cookie(&parts.headers).map(|s| csrf_token(&s)),
            path: parts.uri.path().to_owned(),
            query,
            get: parts.method == axum::http::Method::GET,
        })
    }
}

/// What the frame of every page shows.
pub struct Layout {
    pub w: &'static Words,
    /// Who is signed in, and as what; `None` on the sign-in and error pages' frame.
    pub who: Option<String>,
    pub csrf: String,
    /// This page in the other language.
    pub lang_href: String,
    pub on_queue: bool,
    pub on_targets: bool,
    pub on_reports: bool,
    pub on_people: bool,
    pub on_areas: bool,
    pub on_duplicates: bool,
    pub on_admin: bool,
    pub on_map: bool,
    /// The administrator sees the admin tab only.
    pub admin: bool,
    /// Commune staff manage people; the Department's viewers only read.
    pub staff: bool,
    pub flash: Option<Flash>,
    /// The countdown to the next report due, when it is near.
    pub due: Option<String>,
}

pub struct Flash {
    pub ok: bool,
    pub text: String,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Tab {
    None,
    Queue,
    Targets,
    Reports,
    People,
    Areas,
    Duplicates,
    Admin,
    Map,
}

impl Ctx {
    /// A browser asking for a page (else an API client, answered in JSON).
    pub(super) fn wants_html(&self) -> bool {
        self.html
    }

    pub(super) fn w(&self) -> &'static Words {
        words::of(self.lang)
    }

    pub(super) fn t(&self, m: &Message) -> String {
        m.get(self.lang).to_owned()
    }

    /// This page (`path` with the request's query) in the other language.
    fn lang_href_for(&self, path: &str, query: &[(String, String)]) -> String {
        let mut q: Vec<(String, String)> = query
            .iter()
            .filter(|(k, _)| k != LANG_PARAM)
            .cloned()
            .collect();
        q.push((LANG_PARAM.into(), lang_code(other(self.lang)).into()));
        with_query(path, &query_string(&q))
    }

    pub(super) fn layout(&self, person: Option<&Person>, tab: Tab) -> Layout {
        self.layout_at(person, tab, &self.path, &self.query)
    }

    fn layout_at(
        &self,
        person: Option<&Person>,
        tab: Tab,
        path: &str,
        query: &[(String, String)],
    ) -> Layout {
        Layout {
            w: self.w(),
            who: person.map(|p| format!("{} · {}", p.name, self.t(&p.role.label()))),
            csrf: self.csrf.clone().unwrap_or_default(),
            lang_href: self.lang_href_for(path, query),
            on_queue: tab == Tab::Queue,
            on_targets: tab == Tab::Targets,
            on_reports: tab == Tab::Reports,
            on_people: tab == Tab::People,
            on_areas: tab == Tab::Areas,
            on_duplicates: tab == Tab::Duplicates,
            on_admin: tab == Tab::Admin,
            on_map: tab == Tab::Map,
            admin: person.is_some_and(|p| p.role.administers()),
            staff: person.is_some_and(|p| p.role == Role::CommuneStaff),
            flash: None,
            due: person.and_then(|p| self.due_banner(p)),
        }
    }

    /// The countdown to the next report due, in the last 30 days before it: the commune's to
    /// the Department (30 November), the Department's to the city and the Ministry (15
    /// December).
    fn due_banner(&self, person: &Person) -> Option<String> {
        let today = Day::today();
        let due = match person.role {
            Role::CommuneStaff => Period::containing(today).to,
            Role::ProvinceViewer => {
                let y = chrono::Datelike::year(&today.0);
                let this = Day::ymd(y, 12, 15)?;
                if today <= this {
                    this
                } else {
                    Day::ymd(y + 1, 12, 15)?
                }
            }
            _ => return None,
        };
        let days = (due.0 - today.0).num_days();
        if days > 30 {
            return None;
        }
        // Both due dates (30/11 and 15/12) fall in the year the report is named after.
        let year = chrono::Datelike::year(&due.0);
        Some(
            self.w()
                .due_banner
                .replace("{year}", &year.to_string())
                .replace("{due}", &due.shown())
                .replace("{left}", &super::reports::left_text(self, days)),
        )
    }

    /// The `Set-Cookie` that remembers a language picked in the query.
    fn lang_cookie(&self) -> Option<HeaderValue> {
        self.remember.then(|| {
            HeaderValue::from_str(&format!(
                "{LANG_COOKIE}={}; SameSite=Strict; Path=/; Max-Age=31536000",
                lang_code(self.lang)
            ))
            .expect("a cookie of ASCII letters")
        })
    }

    pub(super) fn page(&self, status: StatusCode, page: impl Template) -> Response {
        match page.render() {
            Ok(html) => {
                let mut resp = (
                    status,
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    html,
                )
                    .into_response();
                if let Some(c) = self.lang_cookie() {
                    resp.headers_mut().append(header::SET_COOKIE, c);
                }
                resp
            }
            Err(e) => ApiError::internal(e).into_response(),
        }
    }

    pub(super) fn redirect(&self, to: &str) -> Response {
        let mut resp = (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response();
        if let Some(c) = self.lang_cookie() {
            resp.headers_mut().append(header::SET_COOKIE, c);
        }
        resp
    }

    /// An error as a page in the page's language (sign-in again when the session is gone), or
    /// as the API's JSON for a client that does not ask for HTML.
    pub(super) fn fail(&self, e: ApiError) -> Response {
        if !self.html {
            return e.into_response();
        }
        if e.status == StatusCode::UNAUTHORIZED {
            return self.redirect("/");
        }
        let mut l = if self.get {
            self.layout(None, Tab::None)
        } else {
            self.layout_at(None, Tab::None, "/", &[])
        };
        l.flash = Some(Flash {
            ok: false,
            text: self.t(&e.message),
        });
        self.page(e.status, ErrorPage { l })
    }
}

/// The signed-in viewer (staff or province).
pub(super) fn viewer(authed: Result<Authed, ApiError>) -> Result<Authed, ApiError> {
    let authed = authed?;
    authed.require_viewer()?;
    Ok(authed)
}

fn day_text(day: &str) -> String {
    Day::parse(day)
        .map(|d| d.0.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|| day.to_owned())
}

/// A moment as people in the commune read it: Vietnam's time (UTC+7, no daylight saving).
pub(super) fn time_text(ms: i64) -> String {
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600).expect("a valid offset");
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&vietnam)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// How a status looks: the style sheet knows tones, not status codes.
fn tone(s: ReviewStatus) -> &'static str {
    match s {
        ReviewStatus::Approved => "good",
        ReviewStatus::Returned => "warn",
        ReviewStatus::Rejected => "bad",
        ReviewStatus::AwaitingReview | ReviewStatus::ChangedSinceApproval => "wait",
        ReviewStatus::Draft => "none",
    }
}

pub struct Badge {
    pub code: String,
    pub label: String,
    pub tone: &'static str,
}

impl Badge {
    fn of(ctx: &Ctx, s: ReviewStatus) -> Self {
        Badge {
            code: s.as_str().to_owned(),
            label: ctx.t(&s.label()),
            tone: tone(s),
        }
    }
}

fn record_href(id: &str, back: &QueueQuery, done: Option<Decision>) -> String {
    #[derive(Serialize)]
    struct Q<'a> {
        #[serde(skip_serializing_if = "str::is_empty")]
        back: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        done: Option<&'a str>,
    }
    let back = query_string(back);
    let q = Q {
        back: &back,
        done: done.map(|d| d.as_str()),
    };
    with_query(&format!("/records/{id}"), &query_string(&q))
}

/// The queue's filters carried in a link, read back as filters (never echoed as they came).
fn back_of(s: Option<&str>) -> QueueQuery {
    s.and_then(|s| serde_urlencoded::from_str(s).ok())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Sign-in and sign-out

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    l: Layout,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
}

fn sign_in_page(ctx: &Ctx, status: StatusCode, message: Option<&Message>) -> Response {
    let mut l = ctx.layout_at(None, Tab::None, "/", &[]);
    l.flash = message.map(|m| Flash {
        ok: false,
        text: ctx.t(m),
    });
    ctx.page(status, SignInPage { l })
}

/// `GET /`: the queue for a signed-in viewer, else the sign-in form.
pub async fn home(ctx: Ctx, authed: Result<Authed, ApiError>) -> Response {
    match authed {
        Ok(a) if a.require_admin().is_ok() => ctx.redirect("/admin"),
        Ok(a) if a.require_viewer().is_ok() => ctx.redirect("/queue"),
        _ => sign_in_page(&ctx, StatusCode::OK, None),
    }
}

#[derive(Deserialize)]
pub struct SignInForm {
    key: String,
}

/// `POST /sign-in`: the form's key opens a session, exactly as `POST /api/v1/session` does.
pub async fn sign_in(
    State(st): State<Arc<AppState>>,
    PeerIp(ip): PeerIp,
    ctx: Ctx,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    if cross_site(&headers) {
        return ctx.fail(stale_form());
    }
    if let Err(e) = st.attempts.attempt(ip) {
        let mut resp = sign_in_page(&ctx, e.status, Some(&e.message));
        if let Some(s) = e.retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, s.into());
        }
        return resp;
    }
    let Ok(Form(form)) = form else {
        let e = ApiError::bad_request("thiếu khóa đăng nhập", "the sign-in key is missing");
        return sign_in_page(&ctx, e.status, Some(&e.message));
    };
    match open_session(&st, &form.key).await {
        Ok((person, cookie)) => {
            let mut resp = ctx.redirect(if person.role.administers() {
                "/admin"
            } else {
                "/queue"
            });
            match HeaderValue::from_str(&cookie) {
                Ok(c) => {
                    resp.headers_mut().append(header::SET_COOKIE, c);
                    resp
                }
                Err(e) => ApiError::internal(e).into_response(),
            }
        }
        Err(e) => sign_in_page(&ctx, e.status, Some(&e.message)),
    }
}

/// The form's token matches the session's (or the request needs none: a bearer token is sent
/// by programs, never by a browser on its own).
fn token_ok(ctx: &Ctx, headers: &HeaderMap, form: &[(String, String)]) -> bool {
    if headers.contains_key(header::AUTHORIZATION) {
        return true;
    }
    let sent = form
        .iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.as_str());
    matches!((&ctx.csrf, sent), (Some(want), Some(got)) if same_token(want, got))
}

/// `POST /sign-out`: ends the session on the server and clears the cookie.
pub async fn sign_out(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    if cross_site(&headers) || (ctx.csrf.is_some() && !token_ok(&ctx, &headers, &form)) {
        return ctx.fail(stale_form());
    }
    match super::close_session(&st, &headers).await {
        Ok(cookie) => {
            let mut resp = ctx.redirect("/");
            if let Ok(c) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().append(header::SET_COOKIE, c);
            }
            resp
        }
        Err(e) => ctx.fail(e),
    }
}

// ---------------------------------------------------------------------------------------------
// The review queue

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
    /// The option is one of the catalogue's (not "all" or "needs review").
    pub catalog: bool,
}

pub struct QueueRow {
    pub id: String,
    pub href: String,
    pub date: String,
    pub area: String,
    pub kind: String,
    pub title: String,
    pub author: String,
    pub status: Badge,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueueView {
    l: Layout,
    areas: Vec<Opt>,
    kinds: Vec<Opt>,
    statuses: Vec<Opt>,
    from: String,
    to: String,
    search: String,
    rows: Vec<QueueRow>,
    more_href: Option<String>,
    first_href: Option<String>,
}

/// The areas a viewer may filter by: the commune's, or (province) every commune's.
fn areas_for(st: &AppState, person: &Person, selected: &str) -> Vec<Opt> {
    let reference = st.reference();
    reference
        .communes()
        .filter(|c| person.role == Role::ProvinceViewer || c.id == person.commune_id)
        .flat_map(|c| {
            reference.areas_of(&c.id).map(move |a| Opt {
                value: a.id.clone(),
                label: if person.role == Role::ProvinceViewer {
                    format!("{} — {}", c.name, a.name)
                } else {
                    a.name.clone()
                },
                selected: a.id == selected,
                catalog: false,
            })
        })
        .collect()
}

/// `GET /queue`: the review queue, filtered and paged in the database.
pub async fn queue(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    authed: Result<Authed, ApiError>,
    q: Result<Query<QueueQuery>, QueryRejection>,
) -> Response {
    let authed = match viewer(authed) {
        Ok(a) => a,
        Err(e) => return ctx.fail(e),
    };
    let Ok(Query(q)) = q else {
        return ctx.fail(ApiError::bad_request(
            "bộ lọc không hợp lệ",
            "invalid filter",
        ));
    };
    let person = authed.0.person.clone();
    let filter = match queue_filter(&person, &q) {
        Ok(f) => f,
        Err(e) => return ctx.fail(e),
    };
    let search = match queue_search(&q) {
        Ok(s) => s,
        Err(e) => return ctx.fail(e),
    };
    let page = match queue_page(&st, filter, search.clone()).await {
        Ok(p) => p,
        Err(e) => return ctx.fail(e),
    };
    drop(authed);
    let w = ctx.w();
    let kind = q.kind.clone().unwrap_or_default();
    let status = q.status.clone().unwrap_or_else(|| PENDING.to_owned());
    let mut kinds = vec![Opt {
        value: String::new(),
        label: w.all.into(),
        selected: kind.is_empty(),
        catalog: false,
    }];
    kinds.extend(catalog().kinds.iter().filter(|k| k.reviewed).map(|k| Opt {
        value: k.kind.as_str().to_owned(),
        label: ctx.t(&k.label),
        selected: k.kind.as_str() == kind,
        catalog: true,
    }));
    let mut statuses = vec![Opt {
        value: PENDING.into(),
        label: w.pending.into(),
        selected: status == PENDING,
        catalog: false,
    }];
    statuses.extend(catalog().review_statuses.iter().map(|s| Opt {
        value: s.code.clone(),
        label: ctx.t(&s.label),
        selected: s.code == status,
        catalog: true,
    }));
    statuses.push(Opt {
        value: ALL.into(),
        label: w.all.into(),
        selected: status == ALL,
        catalog: false,
    });
    let mut areas = vec![Opt {
        value: String::new(),
        label: w.all.into(),
        selected: q.area.as_deref().unwrap_or_default().is_empty(),
        catalog: false,
    }];
    areas.extend(areas_for(
        &st,
        &person,
        q.area.as_deref().unwrap_or_default(),
    ));
    let rows = page
        .lines
        .iter()
        .map(|l| QueueRow {
            id: l.id.clone(),
            href: record_href(&l.id, &q, None),
            date: day_text(&l.date),
            area: l.area_name.clone(),
            kind: ctx.t(&l.kind_label),
            title: ctx.t(&l.title),
            author: l.author.clone(),
            status: Badge::of(&ctx, l.status),
        })
        .collect();
    let more_href = page.next.as_ref().map(|next| {
        let mut more = q.clone();
        more.after = Some(next.clone());
        with_query("/queue", &query_string(&more))
    });
    let first_href = q.after.as_ref().map(|_| {
        let mut first = q.clone();
        first.after = None;
        with_query("/queue", &query_string(&first))
    });
    let view = QueueView {
        l: ctx.layout(Some(&person), Tab::Queue),
        areas,
        kinds,
        statuses,
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        search,
        rows,
        more_href,
        first_href,
    };
    ctx.page(StatusCode::OK, view)
}

// ---------------------------------------------------------------------------------------------
// A record's page and decisions

/// The review form's two fields a reviewer fills in, as the core declares them: the decision
/// (a choice) and the reason (text). Their paths name the page form's inputs, their labels
/// and help are what the reviewer reads.
struct ReviewForm {
    decision: &'static Field,
    reason: &'static Field,
}

fn review_form() -> ReviewForm {
    let shown = || RecordKind::Review.fields().iter().filter(|f| !f.hidden);
    ReviewForm {
        decision: shown()
            .find(|f| matches!(f.input, InputSpec::Choice(_)))
            .expect("the core's review form has a decision"),
        reason: shown()
            .find(|f| matches!(f.input, InputSpec::Text { .. }))
            .expect("the core's review form has a reason"),
    }
}

pub struct FieldRow {
    pub section: Option<String>,
    pub path: String,
    pub label: String,
    pub value: String,
}

pub struct ConflictRow {
    pub label: String,
    pub values: Vec<String>,
}

pub struct PhotoView {
    pub src: String,
    pub label: String,
    /// The server holds it; else the phone has not sent it yet.
    pub held: bool,
}

pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub action: String,
    pub fields: Vec<String>,
}

pub struct LabelValue {
    pub label: String,
    pub value: String,
}

pub struct ReviewRow {
    pub when: String,
    pub who: String,
    pub fields: Vec<LabelValue>,
}

pub struct DecisionButton {
    pub code: String,
    pub label: String,
    pub tone: &'static str,
}

pub struct EraseForm {
    pub action: String,
    pub access_href: String,
    pub csrf: String,
    pub reason_name: &'static str,
}

pub struct DecideForm {
    pub action: String,
    pub csrf: String,
    pub heads: String,
    pub back: String,
    pub decision_name: String,
    pub decision_label: String,
    pub choices: Vec<DecisionButton>,
    pub reason_name: String,
    pub reason_label: String,
    pub reason_help: String,
    pub reason_value: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    l: Layout,
    back_href: String,
    title: String,
    kind: String,
    area: String,
    author: String,
    status: Badge,
    fields: Vec<FieldRow>,
    conflicts: Vec<ConflictRow>,
    map: Option<MapView>,
    has_place: bool,
    photos: Vec<PhotoView>,
    history: Vec<HistoryRow>,
    /// Who read this record about a household (shown only for such records).
    reads: Vec<(String, String)>,
    about_a_household: bool,
    /// For staff, on a record with personal data: erase it on request.
    erase: Option<EraseForm>,
    reviews: Vec<ReviewRow>,
    decide: Option<DecideForm>,
}

#[derive(Deserialize, Default)]
pub struct RecordQuery {
    back: Option<String>,
    /// The decision just saved (after the redirect), to say so.
    done: Option<String>,
}

/// How a record's page is shown besides the record: the queue to go back to, and after a
/// decision, what happened and the reason as typed.
struct Shown {
    back: QueueQuery,
    flash: Option<Flash>,
    status: StatusCode,
    reason: String,
}

/// Renders a record's page.
async fn record_page(
    st: &Arc<AppState>,
    ctx: &Ctx,
    person: Person,
    id: String,
    shown: Shown,
) -> Response {
    let Shown {
        back,
        flash,
        status,
        reason,
    } = shown;
    let state = st.clone();
    let viewer = person.clone();
    let loaded = tokio::task::spawn_blocking(move || {
        let Some(d) = load_detail(&state, &viewer, &id)? else {
            return Ok(None);
        };
        // Photos the server holds for the record's commune (the viewer's, or any for the
        // province, as the photo route serves them); the rest are still on a phone. No device
        // is named: nobody's unfinished upload counts.
        let commune = d.record.commune_id.clone().unwrap_or_default();
        let held = d
            .photos
            .iter()
            .map(|p| {
                Ok(matches!(
                    state.storage.photo_held(&p.sha256, "", &commune)?,
                    PhotoHeld::Complete { .. }
                ))
            })
            .collect::<Result<Vec<bool>, ApiError>>()?;
        let map = map::draw(
            &state.reference(),
            d.record.area_id.as_deref(),
            d.record.record.place().as_ref(),
        );
        Ok::<_, ApiError>(Some((d, held, map)))
    })
    .await
    .map_err(ApiError::from)
    .and_then(|r| r);
    let (d, held, map) = match loaded {
        Ok(Some(found)) => found,
        Ok(None) => return ctx.fail(ApiError::not_found()),
        Err(e) => return ctx.fail(e),
    };
    let id = d.record.id.clone();
    let fields = d
        .fields
        .iter()
        .map(|f| FieldRow {
            section: f.section.as_ref().map(|s| ctx.t(s)),
            path: f.path.clone(),
            label: ctx.t(&f.label),
            value: ctx.t(&f.value),
        })
        .collect();
    let conflicts = d
        .worded_conflicts
        .iter()
        .map(|c| ConflictRow {
            label: ctx.t(&c.label),
            values: c.values.iter().map(|v| ctx.t(v)).collect(),
        })
        .collect();
    let photos = d
        .photos
        .iter()
        .zip(held)
        .map(|(p, held)| PhotoView {
            src: format!("/api/v1/photos/{}", p.sha256),
            label: ctx.t(&p.label),
            held,
        })
        .collect();
    let history = d
        .history
        .iter()
        .map(|h| HistoryRow {
            when: time_text(h.at),
            who: h.person_name.clone(),
            action: ctx.t(&h.action),
            fields: h.fields.iter().map(|f| ctx.t(f)).collect(),
        })
        .collect();
    let reads = d
        .reads
        .iter()
        .map(|r| (time_text(r.at), r.person_name.clone()))
        .collect();
    let about_a_household = d.record.record.about_a_household();
    let erase =
        (person.role == Role::CommuneStaff && d.record.record.place_is_personal()).then(|| {
            EraseForm {
                action: format!("/records/{id}/erase"),
                access_href: format!("/records/{id}/access-request"),
                csrf: ctx.csrf.clone().unwrap_or_default(),
                reason_name: ERASE_REASON_FIELD,
            }
        });
    let reviews = d
        .reviews
        .iter()
        .zip(&d.review_words)
        .map(|(r, (at, fields))| ReviewRow {
            when: time_text(*at),
            who: r.author.clone(),
            fields: fields
                .iter()
                .map(|f| LabelValue {
                    label: ctx.t(&f.label),
                    value: ctx.t(&f.value),
                })
                .collect(),
        })
        .collect();
    let decide = (person.role == Role::CommuneStaff).then(|| {
        let form = review_form();
        let choices = match form.decision.input {
            InputSpec::Choice(options) => options(),
            _ => vec![],
        };
        DecideForm {
            action: format!("/records/{id}/decide"),
            csrf: ctx.csrf.clone().unwrap_or_default(),
            heads: d.record.heads.join(","),
            back: query_string(&back),
            decision_name: form.decision.path.to_owned(),
            decision_label: ctx.t(&form.decision.label.message()),
            choices: choices
                .iter()
                .map(|c| DecisionButton {
                    code: c.code.clone(),
                    label: ctx.t(&c.label),
                    tone: match Decision::parse(&c.code) {
                        Some(Decision::Approved) => "primary",
                        Some(Decision::Returned) => "warn",
                        _ => "bad",
                    },
                })
                .collect(),
            reason_name: form.reason.path.to_owned(),
            reason_label: ctx.t(&form.reason.label.message()),
            reason_help: form
                .reason
                .help
                .map(|h| ctx.t(&h.message()))
                .unwrap_or_default(),
            reason_value: reason,
        }
    });
    let page_query: Vec<(String, String)> = {
        let back = query_string(&back);
        if back.is_empty() {
            vec![]
        } else {
            vec![(BACK_FIELD.to_owned(), back)]
        }
    };
    let mut l = ctx.layout_at(
        Some(&person),
        Tab::Queue,
        &format!("/records/{id}"),
        &page_query,
    );
    l.flash = flash;
    let page = RecordPage {
        l,
        back_href: with_query("/queue", &query_string(&back)),
        title: ctx.t(&d.title),
        kind: ctx.t(&d.kind_label),
        area: d.area_name.clone(),
        author: d.author.clone(),
        status: Badge::of(ctx, d.record.review_status),
        fields,
        conflicts,
        has_place: d.geometry.is_some(),
        map,
        photos,
        history,
        reads,
        about_a_household,
        erase,
        reviews,
        decide,
    };
    ctx.page(status, page)
}

/// `GET /records/{id}`: the record's page.
pub async fn record(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    authed: Result<Authed, ApiError>,
    Path(id): Path<String>,
    q: Result<Query<RecordQuery>, QueryRejection>,
) -> Response {
    let authed = match viewer(authed) {
        Ok(a) => a,
        Err(e) => return ctx.fail(e),
    };
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let flash = q.done.as_deref().and_then(Decision::parse).map(|d| Flash {
        ok: true,
        text: format!("{} “{}”.", ctx.w().saved, ctx.t(&d.label())),
    });
    let person = authed.0.person.clone();
    drop(authed);
    let shown = Shown {
        back: back_of(q.back.as_deref()),
        flash,
        status: StatusCode::OK,
        reason: String::new(),
    };
    record_page(&st, &ctx, person, id, shown).await
}

/// `POST /records/{id}/decide`: approve, return or reject at the heads the page showed. On
/// success the browser is sent back to the record's page, which says what was saved; a refusal
/// shows the page again with why, and the reason as typed.
/// A staff form posted from a page: read within its limit, checked for its token and origin,
/// its sender signed in as commune staff.
pub(super) async fn staff_form(
    st: &Arc<AppState>,
    ctx: &Ctx,
    req: Request,
) -> Result<(Authed, Vec<(String, String)>), Response> {
    staff_form_of(st, ctx, req, Authed::require_staff).await
}

/// A form posted by whoever `allowed` lets through (staff, the administrator), checked as
/// [`staff_form`] checks it.
pub(super) async fn staff_form_of(
    st: &Arc<AppState>,
    ctx: &Ctx,
    req: Request,
    allowed: fn(&Authed) -> Result<(), ApiError>,
) -> Result<(Authed, Vec<(String, String)>), Response> {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
        return Err(ctx.fail(ApiError::bad_request(
            "biểu mẫu quá lớn",
            "the form is too large",
        )));
    };
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    if cross_site(&parts.headers) || !token_ok(ctx, &parts.headers, &form) {
        return Err(ctx.fail(stale_form()));
    }
    let authed = Authed::of_page_form(&parts, st)
        .await
        .map_err(|e| ctx.fail(e))?;
    allowed(&authed).map_err(|e| ctx.fail(e))?;
    Ok((authed, form))
}

/// A file posted from a page (`multipart/form-data`) by staff: its text fields (the form
/// token among them, checked as [`staff_form`] checks it) and the file's bytes, at most
/// `limit`.
pub(super) async fn staff_upload(
    st: &Arc<AppState>,
    ctx: &Ctx,
    req: Request,
    limit: usize,
) -> Result<(Authed, Vec<(String, String)>, Vec<u8>), Response> {
    staff_upload_of(st, ctx, req, limit, Authed::require_staff).await
}

/// A file posted by whoever `allowed` lets through, checked as [`staff_upload`] checks it.
pub(super) async fn staff_upload_of(
    st: &Arc<AppState>,
    ctx: &Ctx,
    req: Request,
    limit: usize,
    allowed: fn(&Authed) -> Result<(), ApiError>,
) -> Result<(Authed, Vec<(String, String)>, Vec<u8>), Response> {
    use axum::extract::FromRequest;
    let too_large = || {
        ctx.fail(ApiError::bad_request(
            &format!("tệp lớn quá {} MB", limit >> 20),
            &format!("the file is larger than {} MB", limit >> 20),
        ))
    };
    let (parts, body) = req.into_parts();
    let headers = parts.headers.clone();
    let authed = Authed::of_page_form(&parts, st)
        .await
        .map_err(|e| ctx.fail(e))?;
    allowed(&authed).map_err(|e| ctx.fail(e))?;
    let req = Request::from_parts(parts, body);
    let mut multipart = axum::extract::Multipart::from_request(req, &())
        .await
        .map_err(|_| {
            ctx.fail(ApiError::bad_request(
                "biểu mẫu gửi tệp không đọc được",
                "the upload form cannot be read",
            ))
        })?;
    let mut form = vec![];
    let mut file = vec![];
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err(too_large()),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if field.file_name().is_some() {
            let mut field = field;
            while let Ok(Some(chunk)) = field.chunk().await {
                if file.len() + chunk.len() > limit {
                    return Err(too_large());
                }
                file.extend_from_slice(&chunk);
            }
        } else {
            let text = field.text().await.unwrap_or_default();
            if text.len() > FORM_LIMIT {
                return Err(too_large());
            }
            form.push((name, text));
        }
    }
    if cross_site(&headers) || !token_ok(ctx, &headers, &form) {
        return Err(ctx.fail(stale_form()));
    }
    Ok((authed, form, file))
}

/// `?done=…` after a form's redirect: what the page says was done.
#[derive(Deserialize, Default)]
pub struct DoneQuery {
    pub(super) done: Option<String>,
}

/// The "done" message of a page a form redirected back to (`?done=…`).
pub(super) fn done_flash(q: Result<Query<DoneQuery>, QueryRejection>, text: &str) -> Option<Flash> {
    q.ok().and_then(|Query(q)| q.done).map(|_| Flash {
        ok: true,
        text: text.into(),
    })
}

/// A refused form shown on its own page, with why: bad input or a conflict, asked by a browser.
/// `None` for anything else, which answers as the error it is.
pub(super) fn shown_refusal(ctx: &Ctx, e: &ApiError) -> Option<Flash> {
    let shown = e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::CONFLICT;
    (ctx.wants_html() && shown).then(|| Flash {
        ok: false,
        text: ctx.t(&e.message),
    })
}

/// The caller when they are commune staff, else the page saying why not.
pub(super) fn staff_page(
    ctx: &Ctx,
    authed: Result<Authed, ApiError>,
) -> Result<Authed, Box<Response>> {
    authed
        .and_then(|a| a.require_staff().map(|_| a))
        .map_err(|e| Box::new(ctx.fail(e)))
}

/// A posted form's first value of a field ("" when absent: the handler's checks say why).
pub(super) fn form_field(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// `POST /records/{id}/erase`: a household's personal data erased on its request, with why.
/// On success the page shows the erased record; a refusal shows the page with the reason.
pub async fn erase(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let (authed, form) = match staff_form(&st, &ctx, req).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let reason = form_field(&form, ERASE_REASON_FIELD);
    let person = authed.0.person.clone();
    let state = st.clone();
    let body = axum::Json(super::EraseRequest { reason });
    match super::erase(State(state), authed, Path(id.clone()), Ok(body)).await {
        Ok(_) => ctx.redirect(&format!("/records/{id}?erased=1")),
        Err(e) if e.status == StatusCode::NOT_FOUND || !ctx.html => ctx.fail(e),
        Err(e) => {
            let shown = Shown {
                back: back_of(None),
                flash: Some(Flash {
                    ok: false,
                    text: ctx.t(&e.message),
                }),
                status: e.status,
                reason: String::new(),
            };
            record_page(&st, &ctx, person, id, shown).await
        }
    }
}

pub struct AccessView {
    kind: String,
    title: String,
    status: String,
    fields: Vec<(String, String)>,
    history: Vec<(String, String, String)>,
    reads: Vec<(String, String)>,
    photos: Vec<String>,
}

#[derive(Template)]
#[template(path = "access.html")]
struct AccessPage {
    l: Layout,
    household_id: String,
    generated: String,
    restricted: bool,
    records: Vec<AccessView>,
}

/// `GET /records/{id}/access-request`: everything held about a household, readable, for its
/// access request (staff; each record's read is logged).
pub async fn access_request(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    authed: Result<Authed, ApiError>,
    Path(id): Path<String>,
) -> Response {
    let authed = match authed.and_then(|a| a.require_staff().map(|()| a)) {
        Ok(a) => a,
        Err(e) => return ctx.fail(e),
    };
    let person = authed.0.person.clone();
    let state = st.clone();
    let viewer = person.clone();
    let found =
        tokio::task::spawn_blocking(move || super::access_request(&state, &viewer, &id)).await;
    let a = match found {
        Ok(Ok(Some(a))) => a,
        Ok(Ok(None)) => return ctx.fail(ApiError::not_found()),
        Ok(Err(e)) => return ctx.fail(e),
        Err(e) => return ctx.fail(ApiError::from(e)),
    };
    let page = AccessPage {
        l: ctx.layout(Some(&person), Tab::None),
        generated: time_text(a.generated_at),
        restricted: a.restricted,
        records: a
            .records
            .iter()
            .map(|r| AccessView {
                kind: ctx.t(&r.kind),
                title: ctx.t(&r.title),
                status: ctx.t(&r.status),
                fields: r
                    .fields
                    .iter()
                    .map(|f| (ctx.t(&f.label), ctx.t(&f.value)))
                    .collect(),
                history: r
                    .history
                    .iter()
                    .map(|h| (time_text(h.at), h.person_name.clone(), ctx.t(&h.action)))
                    .collect(),
                reads: r
                    .reads
                    .iter()
                    .map(|x| (time_text(x.at), x.person_name.clone()))
                    .collect(),
                photos: r.photos.clone(),
            })
            .collect(),
        household_id: a.household_id,
    };
    ctx.page(StatusCode::OK, page)
}

/// The erase form's reason field.
const ERASE_REASON_FIELD: &str = "erase_reason";

pub async fn decide(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let (authed, form) = match staff_form(&st, &ctx, req).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let field = |name: &str| form_field(&form, name);
    let rf = review_form();
    let Some(decision) = Decision::parse(&field(rf.decision.path)) else {
        return ctx.fail(ApiError::bad_request(
            "chưa chọn quyết định",
            "no decision chosen",
        ));
    };
    let reason = field(rf.reason.path);
    let heads: Vec<String> = field(HEADS_FIELD)
        .split(',')
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .collect();
    let back = back_of(Some(&field(BACK_FIELD)));
    let person = authed.0.person.clone();
    match super::decide(&st, authed, id.clone(), heads, decision, reason.clone()).await {
        Ok(_) => ctx.redirect(&record_href(&id, &back, Some(decision))),
        Err(e) if e.status == StatusCode::NOT_FOUND || !ctx.html => ctx.fail(e),
        Err(e) => {
            let mut text = ctx.t(&e.message);
            if e.status == StatusCode::CONFLICT {
                text = format!("{text}. {}", ctx.w().look_again);
            }
            let shown = Shown {
                back,
                flash: Some(Flash { ok: false, text }),
                status: e.status,
                reason,
            };
            record_page(&st, &ctx, person, id, shown).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Targets

pub struct Cell {
    /// The target's code, for tests and links.
    pub code: &'static str,
    pub figure: String,
    /// The same figure over the period before, where the plan asks for a trend.
    pub before: Option<String>,
    pub extra: String,
    pub href: String,
    /// A commune's place among the communes shown, when there are several (the core ranks).
    pub rank: Option<String>,
}

pub struct TargetRow {
    pub unit_id: String,
    pub name: String,
    pub commune: bool,
    pub cells: Vec<Cell>,
}

pub struct DrillItem {
    pub href: String,
    pub title: String,
    pub kind: String,
    pub date: String,
}

pub struct Drill {
    pub title: String,
    pub close_href: String,
    pub items: Vec<DrillItem>,
}

#[derive(Template)]
#[template(path = "targets.html")]
struct TargetsPage {
    l: Layout,
    from: String,
    to: String,
    headings: Vec<String>,
    rows: Vec<TargetRow>,
    drill: Option<Drill>,
    /// Each unit's bar per target.
    progress: Vec<pictures::ProgressUnit>,
    /// Target (a)'s volume: cleanups, what they collected, who took part.
    volume: Vec<VolumeRow>,
    organisations: Vec<String>,
    /// The period month by month, one chart per measure.
    charts: Vec<pictures::Chart>,
    map_href: String,
}

/// One unit's cleanups in the period: how many, kilograms, bags, participants by organisation.
pub struct VolumeRow {
    pub unit_id: String,
    pub name: String,
    pub cleanups: u64,
    pub kg: String,
    pub bags: u64,
    pub by_organisation: Vec<u32>,
    pub total: u64,
}

impl VolumeRow {
    fn of(t: &Targets, lang: Lang) -> Self {
        let v = &t.cleanup_volume;
        VolumeRow {
            unit_id: t.unit_id.clone(),
            name: t.unit_name.clone(),
            cleanups: v.held.count,
            kg: pictures::number(lang, v.waste_kg.round()),
            bags: v.bags,
            by_organisation: Organisation::ALL
                .iter()
                .map(|o| v.participants.of(*o))
                .collect(),
            total: v.held.people,
        }
    }
}

#[derive(Deserialize, Serialize, Default)]
pub struct TargetsQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    /// A drill-down: the unit and the figure whose records to list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    figure: Option<String>,
}

/// A percentage as each language writes it (Vietnamese with a decimal comma).
pub(super) fn percent(lang: Lang, p: Option<f64>) -> String {
    match p {
        None => "—".into(),
        Some(p) => {
            let s = format!("{p:.1}%");
            if lang == Lang::Vi {
                s.replace('.', ",")
            } else {
                s
            }
        }
    }
}

/// `GET /targets`: the plan's figures per hamlet and commune, each with the records behind it.
pub async fn targets(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    authed: Result<Authed, ApiError>,
    q: Result<Query<TargetsQuery>, QueryRejection>,
) -> Response {
    let authed = match viewer(authed) {
        Ok(a) => a,
        Err(e) => return ctx.fail(e),
    };
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let (from, to) = match period(&q.from, &q.to) {
        Ok(p) => p,
        Err(e) => return ctx.fail(e),
    };
    let person = authed.0.person.clone();
    let communes = match communes_for(&st.reference(), &person, None) {
        Ok(c) => c,
        Err(e) => return ctx.fail(e),
    };
    let state = st.clone();
    let viewer = person.clone();
    let drill_of = q.unit.clone().zip(q.figure.clone());
    let lang = ctx.lang;
    let computed = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let (report, rows) = crate::reporting::compute(&state, &viewer, &communes, from, to)?;
        let months = monthly(
            &state.reference(),
            &communes,
            &super::facts(&rows),
            from,
            to,
        );
        // The drill-down's records, titled as the queue titles them.
        let drill = drill_of.and_then(|(unit, figure)| {
            let t = report
                .areas
                .iter()
                .chain(&report.communes)
                .find(|t| t.unit_id == unit)?;
            let target = Target::parse(&figure)?;
            Some((
                t.unit_name.clone(),
                target.label(),
                t.amount(target).records().to_vec(),
            ))
        });
        let drill = match drill {
            None => None,
            Some((unit, heading, ids)) => {
                let by_id: std::collections::HashMap<&str, &RecordRow> =
                    rows.iter().map(|r| (r.id.as_str(), r)).collect();
                let found: Vec<&RecordRow> = ids
                    .iter()
                    .filter_map(|i| by_id.get(i.as_str()).copied())
                    .collect();
                let reference = state.reference();
                let names = Names::for_rows(state.storage.as_ref(), &reference, &found)?;
                let items: Vec<DrillItem> = found
                    .iter()
                    .map(|r| DrillItem {
                        href: format!("/records/{}", r.id),
                        title: names.title(r).get(lang).to_owned(),
                        kind: r.kind().label().get(lang).to_owned(),
                        date: day_text(&r.day),
                    })
                    .collect();
                Some((unit, heading, items))
            }
        };
        Ok((report, drill, months))
    })
    .await
    .map_err(ApiError::from)
    .and_then(|r| r);
    drop(authed);
    let (report, drill, months) = match computed {
        Ok(c) => c,
        Err(e) => return ctx.fail(e),
    };
    let w = ctx.w();
    let period_q = TargetsQuery {
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        ..Default::default()
    };
    let row = |t: &Targets, commune: bool| TargetRow {
        unit_id: t.unit_id.clone(),
        name: t.unit_name.clone(),
        commune,
        cells: Target::ALL
            .iter()
            .map(|target| {
                let (figure, extra) = pictures::figure_text(ctx.lang, t.amount(*target));
                // Where the plan asks for an end (burning, dumping), the period before beside.
                let before = t.before(*target).map(|b| {
                    let (f, e) = pictures::figure_text(ctx.lang, b);
                    format!("{} {f} · {e}", w.period_before)
                });
                let q = TargetsQuery {
                    unit: Some(t.unit_id.clone()),
                    figure: Some(target.as_str().to_owned()),
                    from: period_q.from.clone(),
                    to: period_q.to.clone(),
                };
                Cell {
                    code: target.as_str(),
                    figure,
                    extra,
                    before,
                    href: with_query("/targets", &query_string(&q)),
                    rank: None,
                }
            })
            .collect(),
    };
    let mut rows: Vec<TargetRow> = report.areas.iter().map(|t| row(t, false)).collect();
    let first_commune = rows.len();
    rows.extend(report.communes.iter().map(|t| row(t, true)));
    // Several communes (the Department's view): each commune's place on each target.
    if report.communes.len() > 1 {
        for (i, target) in Target::ALL.iter().enumerate() {
            let amounts: Vec<_> = report.communes.iter().map(|t| t.amount(*target)).collect();
            let ranks = ranking::ranks(*target, &amounts);
            for (row, rank) in rows[first_commune..].iter_mut().zip(ranks) {
                row.cells[i].rank = rank.map(|r| format!("{} {r}/{}", w.rank, amounts.len()));
            }
        }
    }
    let volume = report
        .areas
        .iter()
        .chain(&report.communes)
        .map(|t| VolumeRow::of(t, ctx.lang))
        .collect();
    let drill = drill.map(|(unit, heading, items)| Drill {
        title: format!("{unit}: {} — {}", heading.get(ctx.lang), w.behind_figure),
        close_href: with_query("/targets", &query_string(&period_q)),
        items,
    });
    let page = TargetsPage {
        l: ctx.layout(Some(&person), Tab::Targets),
        from: from.to_string(),
        to: to.to_string(),
        headings: Target::ALL
            .iter()
            .map(|t| t.label().get(ctx.lang).to_owned())
            .collect(),
        rows,
        drill,
        progress: pictures::progress(&report, ctx.lang),
        volume,
        organisations: Organisation::ALL
            .iter()
            .map(|o| o.label().get(ctx.lang).to_owned())
            .collect(),
        charts: pictures::charts(&months, ctx.lang, w),
        map_href: pictures::map_href(None, from, to),
    };
    ctx.page(StatusCode::OK, page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_review_form_is_the_cores() {
        let f = review_form();
        assert_eq!(f.decision.label.message().en, "Decision");
        assert_eq!(f.reason.label.message().vi, "Lý do");
    }

    #[test]
    fn form_tokens_belong_to_their_session() {
        let (a, b) = (csrf_token("session-a"), csrf_token("session-b"));
        assert_ne!(a, b);
        assert_ne!(a, hash_secret("session-a"), "not the stored session hash");
        assert!(same_token(&a, &csrf_token("session-a")));
        assert!(!same_token(&a, &b) && !same_token(&a, ""));
    }

    #[test]
    fn languages_round_trip() {
        for l in [Lang::Vi, Lang::En] {
            assert_eq!(parse_lang(lang_code(l)), Some(l));
            assert_eq!(other(other(l)), l);
        }
        assert_eq!(percent(Lang::Vi, Some(50.0)), "50,0%");
        assert_eq!(percent(Lang::En, Some(12.34)), "12.3%");
    }
}
