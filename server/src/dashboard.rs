//! The commune dashboard's API: sign-in, the review queue, a record's page (values, place,
//! history, conflicts), review decisions, and the plan's targets. The page itself is
//! `dashboard.html`, served at `/`.

use crate::auth::{
    hash_secret, new_token, session_cookie, Authed, PeerIp, SESSION_COOKIE, SESSION_LIFETIME_MS,
};
use crate::check::{review_from_dashboard, ReviewRefused};
use crate::enrol::json_body;
use crate::error::ApiError;
use crate::storage::{AuditRow, PullScope, QueueFilter, RecordFilter, RecordRow, Storage};
use crate::view::Names;
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use sachxanh_core::document::{Conflict, RecordDoc};
use sachxanh_core::error::ErrorCode;
use sachxanh_core::i18n::Message;
use sachxanh_core::model::{Day, Decision, RecordKind, ReviewStatus, Role};
use sachxanh_core::report::{self, Fact, Report};
use sachxanh_core::Reference;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub const PAGE: &str = include_str!("dashboard.html");
const SCRIPT: &str = include_str!("dashboard.js");
const STYLE: &str = include_str!("dashboard.css");

pub async fn page() -> Html<&'static str> {
    Html(PAGE)
}

/// The page's script, served from here so the CSP can forbid every inline one.
pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
}

pub async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE)
}

#[derive(Deserialize)]
pub struct SignIn {
    key: String,
}

/// Staff sign in with their personal access key. The browser gets a session of its own — a
/// new random secret in an HttpOnly, SameSite=Strict cookie (Secure over HTTPS), ending after a
/// working day or at sign-out — so the long-lived key never sits in the browser.
pub async fn sign_in(
    State(st): State<Arc<AppState>>,
    PeerIp(ip): PeerIp,
    body: Result<Json<SignIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    st.attempts.attempt(ip)?;
    let req = json_body(body)?;
    let key = req.key.trim().to_owned();
    let bad_key = || ApiError::of(StatusCode::UNAUTHORIZED, ErrorCode::BadKey);
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad_key());
    }
    let storage = st.storage.clone();
    let hash = hash_secret(&key);
    let session = new_token();
    let session_hash = hash_secret(&session);
    let now = chrono::Utc::now().timestamp_millis();
    let device = tokio::task::spawn_blocking(move || {
        let device = storage.device_by_token(&hash, now)?;
        if let Some(d) = device
            .as_ref()
            .filter(|d| matches!(d.person.role, Role::CommuneStaff | Role::ProvinceViewer))
        {
            storage.start_session(&session_hash, &d.id, now + SESSION_LIFETIME_MS)?;
        }
        Ok::<_, crate::storage::StorageError>(device)
    })
    .await??;
    match device {
        Some(d) if matches!(d.person.role, Role::CommuneStaff | Role::ProvinceViewer) => {
            let secure = if st.secure_cookies { "; Secure" } else { "" };
            Ok((
                StatusCode::OK,
                [(
                    header::SET_COOKIE,
                    format!(
                        "{SESSION_COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
                        SESSION_LIFETIME_MS / 1000
                    ),
                )],
                Json(serde_json::json!({"name": d.person.name, "role": d.person.role, "commune_id": d.person.commune_id})),
            )
                .into_response())
        }
        Some(_) => Err(ApiError::forbidden()),
        None => Err(bad_key()),
    }
}

/// Ends the session on the server (the cookie alone would outlive a sign-out) and clears it.
pub async fn sign_out(
    State(st): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(session) = session_cookie(&headers) {
        let storage = st.storage.clone();
        let hash = hash_secret(&session);
        tokio::task::spawn_blocking(move || storage.end_session(&hash)).await??;
    }
    let secure = if st.secure_cookies { "; Secure" } else { "" };
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}"),
        )],
    )
        .into_response())
}

/// Areas of the caller's commune as GeoJSON, for the map.
pub async fn areas_geojson(
    State(st): State<Arc<AppState>>,
    authed: Authed,
) -> Result<Json<serde_json::Value>, ApiError> {
    authed.require_viewer()?;
    let person = &authed.0.person;
    let features: Vec<serde_json::Value> = st
        .reference
        .communes()
        .filter(|c| person.role == Role::ProvinceViewer || c.id == person.commune_id)
        .flat_map(|c| st.reference.areas_of(&c.id))
        .map(|a| {
            serde_json::json!({
                "type": "Feature",
                "properties": {"id": a.id, "name": a.name, "commune_id": a.commune_id},
                "geometry": geojson::Geometry::from(&a.boundary),
            })
        })
        .collect();
    Ok(Json(
        serde_json::json!({"type": "FeatureCollection", "features": features}),
    ))
}

/// A line of the queue or of a drill-down: every text in both languages, from the core.
#[derive(Serialize)]
pub struct Line {
    id: String,
    kind: RecordKind,
    kind_label: Message,
    area_id: Option<String>,
    area_name: String,
    title: Message,
    date: String,
    status: ReviewStatus,
    status_label: Message,
    author: String,
}

fn line(reference: &Reference, names: &Names, row: &RecordRow, author: String) -> Line {
    Line {
        id: row.id.clone(),
        kind: row.kind(),
        kind_label: row.kind().label(),
        area_name: row
            .area_id
            .as_deref()
            .and_then(|a| reference.area(a))
            .map(|a| a.name.clone())
            .unwrap_or_default(),
        area_id: row.area_id.clone(),
        title: names.title(row),
        date: row.day.clone(),
        status: row.review_status,
        status_label: row.review_status.label(),
        author,
    }
}

fn author_name(storage: &dyn Storage, row: &RecordRow) -> Result<String, ApiError> {
    Ok(storage
        .person(&row.author)?
        .map(|p| p.name)
        .unwrap_or_default())
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    area: Option<String>,
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// `pending` (default: awaiting review or changed since approval), `all`, or one status.
    status: Option<String>,
    /// Where the page starts: the `next` of the previous page.
    after: Option<String>,
}

/// Most approved records one report reads: a commune holds tens of thousands; a province
/// report over every commune at once is built from the communes' reports instead.
pub const MAX_REPORT_ROWS: usize = 300_000;

/// The records (of one status, or all) of the communes asked for (or the person's whole
/// scope), within [`MAX_REPORT_ROWS`].
pub fn rows_of(
    storage: &dyn Storage,
    person: &crate::storage::Person,
    communes: &[String],
    status: Option<ReviewStatus>,
) -> Result<Vec<RecordRow>, ApiError> {
    let scopes = if communes.is_empty() {
        vec![PullScope::of(person)]
    } else {
        communes.iter().cloned().map(PullScope::Commune).collect()
    };
    let mut rows = vec![];
    for scope in scopes {
        rows.extend(storage.records(&RecordFilter {
            scope: Some(scope),
            review_status: status,
            limit: MAX_REPORT_ROWS + 1 - rows.len(),
            ..Default::default()
        })?);
        if rows.len() > MAX_REPORT_ROWS {
            return Err(ApiError::of(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::ReportTooLarge,
            ));
        }
    }
    Ok(rows)
}

/// Lines of the queue one page holds.
pub const QUEUE_PAGE: usize = 100;

/// One page of the review queue and where the next one starts.
#[derive(Serialize)]
pub struct QueuePage {
    lines: Vec<Line>,
    /// Pass back as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// The review queue, filtered and paged in the database: a page is a hundred lines whatever the
/// commune's size, each with its author, in one query.
pub async fn queue(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Query(q): Query<QueueQuery>,
) -> Result<Json<QueuePage>, ApiError> {
    authed.require_viewer()?;
    let parse_day = |s: &Option<String>| -> Result<Option<String>, ApiError> {
        match s.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => Day::parse(s)
                .map(|d| Some(d.to_string()))
                .ok_or_else(|| ApiError::bad_request("ngày không hợp lệ", "invalid date")),
        }
    };
    let (from, to) = (parse_day(&q.from)?, parse_day(&q.to)?);
    let statuses = match q.status.as_deref().unwrap_or("pending") {
        "pending" => vec![
            ReviewStatus::AwaitingReview,
            ReviewStatus::ChangedSinceApproval,
        ],
        "all" | "" => vec![],
        s => match ReviewStatus::parse(s) {
            Some(status) => vec![status],
            None => {
                return Err(ApiError::bad_request(
                    "trạng thái không hợp lệ",
                    "unknown status",
                ))
            }
        },
    };
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(RecordKind::parse(k).ok_or_else(|| {
            ApiError::bad_request("loại hồ sơ không tồn tại", "unknown record kind")
        })?),
    };
    let after = match q.after.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => {
            let bad = || ApiError::bad_request("con trỏ trang không hợp lệ", "invalid page cursor");
            let (day, id) = a.split_once('|').ok_or_else(bad)?;
            if Day::parse(day).is_none() || uuid::Uuid::parse_str(id).is_err() {
                return Err(bad());
            }
            Some((day.to_owned(), id.to_owned()))
        }
    };
    let filter = QueueFilter {
        scope: PullScope::of(&authed.0.person),
        kind,
        area_id: q.area.filter(|a| !a.is_empty()),
        statuses,
        from,
        to,
        after,
        limit: QUEUE_PAGE + 1,
    };
    let state = st.clone();
    let page = tokio::task::spawn_blocking(move || -> Result<QueuePage, ApiError> {
        let mut found = state.storage.queue(&filter)?;
        let more = found.len() > QUEUE_PAGE;
        found.truncate(QUEUE_PAGE);
        let next = more
            .then(|| found.last().map(|l| format!("{}|{}", l.row.day, l.row.id)))
            .flatten();
        let rows: Vec<&RecordRow> = found.iter().map(|l| &l.row).collect();
        let names = Names::for_rows(state.storage.as_ref(), &state.reference, &rows)?;
        let lines = found
            .into_iter()
            .map(|l| line(&state.reference, &names, &l.row, l.author_name))
            .collect();
        Ok(QueuePage { lines, next })
    })
    .await??;
    Ok(Json(page))
}

/// One line of a record's history, in words.
#[derive(Serialize)]
pub struct HistoryLine {
    at: i64,
    person_name: String,
    action: Message,
    /// What the change set, by the fields' labels.
    fields: Vec<Message>,
}

#[derive(Serialize)]
pub struct Detail {
    record: RecordRow,
    kind_label: Message,
    status_label: Message,
    /// The record's fields and values in words, as the core words them.
    fields: Vec<sachxanh_core::form::ReadField>,
    title: Message,
    area_name: String,
    author: String,
    conflicts: Vec<Conflict>,
    history: Vec<HistoryLine>,
    /// The record's place or location as GeoJSON, if it has one.
    geometry: Option<serde_json::Value>,
    photos: Vec<sachxanh_core::model::Photo>,
    reviews: Vec<Line>,
}

pub async fn detail(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<Json<Detail>, ApiError> {
    authed.require_viewer()?;
    let state = st.clone();
    let found = tokio::task::spawn_blocking(move || -> Result<Option<Detail>, ApiError> {
        let storage = state.storage.as_ref();
        let Some(row) = storage.record(&id)? else {
            return Ok(None);
        };
        let scope = authed.0.person.scope();
        if !row
            .area_id
            .as_deref()
            .is_some_and(|a| scope.covers_area(&state.reference, a))
        {
            return Ok(None);
        }
        let doc = storage
            .snapshot(&id)?
            .and_then(|b| RecordDoc::load([b.as_slice()], &automerge::ActorId::random()).ok());
        let conflicts = doc.as_ref().map(|d| d.conflicts()).unwrap_or_default();
        let kind = row.kind();
        let history = storage
            .audit_of(&id)?
            .into_iter()
            .map(|h: AuditRow| {
                let mut paths: Vec<String> = doc
                    .iter()
                    .flat_map(|d| h.hashes.iter().flat_map(|c| d.fields_changed_by(c)))
                    .filter_map(|f| f.strip_prefix("data.").map(str::to_owned))
                    .collect();
                paths.sort();
                paths.dedup();
                HistoryLine {
                    at: h.at,
                    person_name: h.person_name,
                    action: h.action.label(),
                    fields: paths
                        .iter()
                        .filter_map(|p| sachxanh_core::form::field_label(kind.fields(), p))
                        .collect(),
                }
            })
            .collect();
        let geometry = row.record.place().map(|p| p.to_geojson());
        let photos = row.record.photos();
        let reviews = storage.reviews_of_record(&id)?;
        let mut rows: Vec<&RecordRow> = reviews.iter().collect();
        rows.push(&row);
        let names = Names::for_rows(storage, &state.reference, &rows)?;
        let reviews = reviews
            .iter()
            .map(|r| {
                let name = author_name(storage, r)?;
                Ok(line(&state.reference, &names, r, name))
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let name = author_name(storage, &row)?;
        let l = line(&state.reference, &names, &row, name);
        let state = sachxanh_core::form::state_of(&row.record);
        let fields = sachxanh_core::form::readable(&state, &|x| names.name(x));
        Ok(Some(Detail {
            kind_label: l.kind_label,
            status_label: l.status_label,
            fields,
            title: l.title,
            area_name: l.area_name,
            author: l.author,
            conflicts,
            history,
            geometry,
            photos,
            reviews,
            record: row,
        }))
    })
    .await??;
    found.map(Json).ok_or_else(ApiError::not_found)
}

#[derive(Deserialize)]
pub struct ReviewRequest {
    decision: Decision,
    #[serde(default)]
    reason: String,
    /// The version the reviewer looked at.
    heads: Vec<String>,
}

pub async fn review(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(id): Path<String>,
    body: Result<Json<ReviewRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    authed.require_staff()?;
    let req = json_body(body)?;
    let state = st.clone();
    let result = tokio::task::spawn_blocking(move || {
        review_from_dashboard(
            state.storage.as_ref(),
            &state.reference,
            &authed.0,
            &id,
            &req.heads,
            req.decision,
            &req.reason,
        )
    })
    .await??;
    match result {
        Ok(review_id) => Ok((
            StatusCode::CREATED,
            Json(serde_json::json!({"review_id": review_id})),
        )),
        Err(ReviewRefused::NotFound) => Err(ApiError::not_found()),
        Err(ReviewRefused::Changed) => Err(ApiError::of(StatusCode::CONFLICT, ErrorCode::Changed)),
        Err(ReviewRefused::Invalid(fields)) => {
            let m = fields
                .first()
                .map(|f| f.message())
                .unwrap_or_else(|| sachxanh_core::i18n::Message::new("không hợp lệ", "invalid"));
            Err(ApiError::with_message(
                StatusCode::BAD_REQUEST,
                ErrorCode::Invalid,
                m,
            ))
        }
        Err(ReviewRefused::Denied(d)) => Err(ApiError::with_message(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            d.message(),
        )),
    }
}

/// Approved records of the scope as facts for the targets.
pub fn facts(rows: &[RecordRow]) -> Vec<Fact> {
    rows.iter()
        .filter(|r| r.review_status == ReviewStatus::Approved)
        .map(|r| Fact {
            id: r.id.clone(),
            created_at: r.created_at,
            record: r.record.clone(),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct TargetsQuery {
    commune: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The communes a person may report on: their own, or (province) any asked for.
pub fn communes_for(
    reference: &Reference,
    person: &crate::storage::Person,
    asked: Option<&str>,
) -> Result<Vec<String>, ApiError> {
    match (person.role, asked.filter(|c| !c.is_empty())) {
        (Role::ProvinceViewer, None) => Ok(vec![]),
        (Role::ProvinceViewer, Some(c)) if reference.commune(c).is_some() => Ok(vec![c.into()]),
        (_, None) => Ok(vec![person.commune_id.clone()]),
        (_, Some(c)) if c == person.commune_id => Ok(vec![c.into()]),
        (_, Some(c)) if reference.commune(c).is_none() => Err(ApiError::not_found()),
        _ => Err(ApiError::forbidden()),
    }
}

/// Computes the report for the caller's scope.
pub fn report_for(
    state: &AppState,
    person: &crate::storage::Person,
    communes: &[String],
    from: Day,
    to: Day,
) -> Result<(Report, Vec<RecordRow>), ApiError> {
    let rows = rows_of(
        state.storage.as_ref(),
        person,
        communes,
        Some(ReviewStatus::Approved),
    )?;
    let report = report::compute(&state.reference, communes, &facts(&rows), from, to);
    Ok((report, rows))
}

pub async fn targets(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Query(q): Query<TargetsQuery>,
) -> Result<Json<Report>, ApiError> {
    authed.require_viewer()?;
    let today = Day::today();
    let parse = |s: &Option<String>, default: Day| -> Result<Day, ApiError> {
        match s.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => Day::parse(s)
                .ok_or_else(|| ApiError::bad_request("ngày không hợp lệ", "invalid date")),
        }
    };
    let year_start = Day::ymd(chrono::Datelike::year(&today.0), 1, 1).unwrap_or(today);
    let (from, to) = (parse(&q.from, year_start)?, parse(&q.to, today)?);
    if from > to {
        return Err(ApiError::bad_request(
            "ngày bắt đầu sau ngày kết thúc",
            "the period starts after it ends",
        ));
    }
    let communes = communes_for(&st.reference, &authed.0.person, q.commune.as_deref())?;
    let state = st.clone();
    let report = tokio::task::spawn_blocking(move || {
        report_for(&state, &authed.0.person, &communes, from, to).map(|(r, _)| r)
    })
    .await??;
    Ok(Json(report))
}
