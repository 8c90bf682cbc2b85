//! The commune dashboard: its JSON API here — sign-in, the review queue, a record's page
//! (values, place, history, conflicts), review decisions, the plan's targets and the catalogue
//! of labels — and its pages, rendered on the server without script, in [`pages`].

pub mod admin;
pub mod areas;
pub mod catalog;
pub mod duplicates;
mod map;
pub mod pages;
pub mod people;
pub mod pictures;
pub mod reports;
mod words;

use crate::auth::{
    hash_secret, new_token, session_cookie, Authed, PeerIp, SESSION_COOKIE, SESSION_LIFETIME_MS,
};
use crate::check::{review_from_dashboard, ReviewRefused};
use crate::enrol::json_body;
use crate::error::ApiError;
use crate::storage::{AuditRow, Person, PullScope, QueueFilter, RecordFilter, RecordRow, Storage};
use crate::view::Names;
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sachxanh_core::document::{Conflict, RecordDoc};
use sachxanh_core::error::ErrorCode;
use sachxanh_core::form::{self, ReadField};
use sachxanh_core::i18n::Message;
use sachxanh_core::model::{Day, Decision, RecordKind, ReviewStatus, Role};
use sachxanh_core::report::{Fact, Report};
use sachxanh_core::Reference;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

const STYLE: &str = include_str!("dashboard.css");

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
    let (person, cookie) = open_session(&st, &req.key).await?;
    Ok((
        StatusCode::OK,
        [(header::SET_COOKIE, cookie)],
        Json(serde_json::json!({"name": person.name, "role": person.role, "commune_id": person.commune_id})),
    )
        .into_response())
}

/// Opens a session for a staff member's key (the caller counted the attempt): the person and
/// the `Set-Cookie` value that carries the session. The JSON sign-in and the page's form both
/// come here, so their cookies are the same.
pub(crate) async fn open_session(st: &AppState, key: &str) -> Result<(Person, String), ApiError> {
    let key = key.trim().to_owned();
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
        if let Some(d) = device.as_ref().filter(|d| d.person.role.uses_dashboard()) {
            storage.start_session(&session_hash, &d.id, now + SESSION_LIFETIME_MS)?;
        }
        Ok::<_, crate::storage::StorageError>(device)
    })
    .await??;
    match device {
        Some(d) if d.person.role.uses_dashboard() => {
            let secure = if st.secure_cookies { "; Secure" } else { "" };
            let cookie = format!(
                "{SESSION_COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
                SESSION_LIFETIME_MS / 1000
            );
            Ok((d.person, cookie))
        }
        Some(_) => Err(ApiError::forbidden()),
        None => Err(bad_key()),
    }
}

/// Ends the browser's session on the server, if it has one; the `Set-Cookie` value that clears
/// the cookie.
pub(crate) async fn close_session(
    st: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<String, ApiError> {
    if let Some(session) = session_cookie(headers) {
        let storage = st.storage.clone();
        let hash = hash_secret(&session);
        tokio::task::spawn_blocking(move || storage.end_session(&hash)).await??;
    }
    let secure = if st.secure_cookies { "; Secure" } else { "" };
    Ok(format!(
        "{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}"
    ))
}

/// Ends the session on the server (the cookie alone would outlive a sign-out) and clears it.
pub async fn sign_out(
    State(st): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let cookie = close_session(&st, &headers).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// Areas of the caller's commune as GeoJSON, for the map.
pub async fn areas_geojson(
    State(st): State<Arc<AppState>>,
    authed: Authed,
) -> Result<Json<serde_json::Value>, ApiError> {
    authed.require_viewer()?;
    let person = &authed.0.person;
    let reference = st.reference();
    let features: Vec<serde_json::Value> = reference
        .communes()
        .filter(|c| person.role == Role::ProvinceViewer || c.id == person.commune_id)
        .flat_map(|c| reference.areas_of(&c.id))
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
    pub(crate) id: String,
    pub(crate) kind: RecordKind,
    pub(crate) kind_label: Message,
    pub(crate) area_id: Option<String>,
    pub(crate) area_name: String,
    pub(crate) title: Message,
    pub(crate) date: String,
    pub(crate) status: ReviewStatus,
    pub(crate) status_label: Message,
    pub(crate) author: String,
}

pub(crate) fn line(reference: &Reference, names: &Names, row: &RecordRow, author: String) -> Line {
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

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct QueueQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) area: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) to: Option<String>,
    /// `pending` (default: awaiting review or changed since approval), `all`, or one status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<String>,
    /// Where the page starts: the `next` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) after: Option<String>,
    /// Words every line's title must contain (a head's name, an address), with or without
    /// diacritics, as the phones search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) search: Option<String>,
}

/// Longest search one queue request may carry: a name and an address.
const MAX_SEARCH_CHARS: usize = 200;

/// The queue's search as asked, checked; empty when none.
pub(crate) fn queue_search(q: &QueueQuery) -> Result<String, ApiError> {
    let s = q.search.as_deref().unwrap_or_default().trim();
    if s.chars().count() > MAX_SEARCH_CHARS || s.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "từ khoá tìm kiếm không hợp lệ",
            "invalid search",
        ));
    }
    Ok(s.to_owned())
}

/// The queue's status filter that shows what needs a decision: awaiting review, or changed
/// since approval.
pub(crate) const PENDING: &str = "pending";
/// The queue's status filter that shows every status.
pub(crate) const ALL: &str = "all";

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
        vec![PullScope::dashboard(person)]
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
    pub(crate) lines: Vec<Line>,
    /// Pass back as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next: Option<String>,
}

/// A day typed in a filter (`YYYY-MM-DD`), if any.
pub(crate) fn filter_day(s: &Option<String>) -> Result<Option<Day>, ApiError> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Day::parse(s)
            .map(Some)
            .ok_or_else(|| ApiError::bad_request("ngày không hợp lệ", "invalid date")),
    }
}

/// The queue's filter as the database reads it, from what was asked.
pub(crate) fn queue_filter(person: &Person, q: &QueueQuery) -> Result<QueueFilter, ApiError> {
    let from = filter_day(&q.from)?.map(|d| d.to_string());
    let to = filter_day(&q.to)?.map(|d| d.to_string());
    let statuses = match q.status.as_deref().unwrap_or(PENDING) {
        PENDING => vec![
            ReviewStatus::AwaitingReview,
            ReviewStatus::ChangedSinceApproval,
        ],
        ALL | "" => vec![],
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
    Ok(QueueFilter {
        scope: PullScope::dashboard(person),
        kind,
        area_id: q.area.clone().filter(|a| !a.is_empty()),
        statuses,
        from,
        to,
        after,
        limit: QUEUE_PAGE + 1,
    })
}

/// One page of the queue, read on the blocking pool. A search reads the filtered lines of the
/// whole scope and keeps those whose title (as the core words it) matches, by the core's rule:
/// titles name households through other records, which SQL cannot fold.
pub(crate) async fn queue_page(
    st: &Arc<AppState>,
    mut filter: QueueFilter,
    search: String,
) -> Result<QueuePage, ApiError> {
    let state = st.clone();
    tokio::task::spawn_blocking(move || -> Result<QueuePage, ApiError> {
        if !search.is_empty() {
            filter.limit = MAX_REPORT_ROWS + 1;
        }
        let mut found = state.storage.queue(&filter)?;
        if !search.is_empty() {
            let rows: Vec<&RecordRow> = found.iter().map(|l| &l.row).collect();
            let reference = state.reference();
            let names = Names::for_rows(state.storage.as_ref(), &reference, &rows)?;
            let keep: Vec<bool> = rows
                .iter()
                .map(|r| sachxanh_core::text::matches(&search, &names.title(r).vi))
                .collect();
            let mut keep = keep.into_iter();
            found.retain(|_| keep.next().unwrap_or(false));
        }
        let more = found.len() > QUEUE_PAGE;
        found.truncate(QUEUE_PAGE);
        let next = more
            .then(|| found.last().map(|l| format!("{}|{}", l.row.day, l.row.id)))
            .flatten();
        let rows: Vec<&RecordRow> = found.iter().map(|l| &l.row).collect();
        let reference = state.reference();
        let names = Names::for_rows(state.storage.as_ref(), &reference, &rows)?;
        let lines = found
            .into_iter()
            .map(|l| line(&state.reference(), &names, &l.row, l.author_name))
            .collect();
        Ok(QueuePage { lines, next })
    })
    .await?
}

/// The review queue, filtered and paged in the database: a page is a hundred lines whatever the
/// commune's size, each with its author, in one query.
pub async fn queue(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Query(q): Query<QueueQuery>,
) -> Result<Json<QueuePage>, ApiError> {
    authed.require_viewer()?;
    let filter = queue_filter(&authed.0.person, &q)?;
    let search = queue_search(&q)?;
    Ok(Json(queue_page(&st, filter, search).await?))
}

/// One line of a record's history, in words.
#[derive(Serialize)]
pub struct HistoryLine {
    pub(crate) at: i64,
    pub(crate) person_name: String,
    pub(crate) action: Message,
    /// What the change set, by the fields' labels.
    pub(crate) fields: Vec<Message>,
}

#[derive(Serialize)]
pub struct Detail {
    pub(crate) record: RecordRow,
    pub(crate) kind_label: Message,
    pub(crate) status_label: Message,
    /// The record's fields and values in words, as the core words them.
    pub(crate) fields: Vec<ReadField>,
    pub(crate) title: Message,
    pub(crate) area_name: String,
    pub(crate) author: String,
    pub(crate) conflicts: Vec<Conflict>,
    pub(crate) history: Vec<HistoryLine>,
    /// Who read this record about a household, and when (this read included), oldest first.
    pub(crate) reads: Vec<ReadLine>,
    /// The record's place or location as GeoJSON, if it has one.
    pub(crate) geometry: Option<serde_json::Value>,
    pub(crate) photos: Vec<sachxanh_core::model::Photo>,
    pub(crate) reviews: Vec<Line>,
    /// For the page: each conflict's field and values in words.
    #[serde(skip)]
    pub(crate) worded_conflicts: Vec<form::WordedConflict>,
    /// For the page: each review (as in `reviews`) as its own form words it, and when it was made.
    #[serde(skip)]
    pub(crate) review_words: Vec<(i64, Vec<ReadField>)>,
}

/// One read of a record about a household.
#[derive(Debug, Clone, Serialize)]
pub struct ReadLine {
    pub at: i64,
    pub person_name: String,
}

/// A record's page, if the person may see it (out of scope reads as absent). Blocking. A read
/// of a record about a household is logged first: who read personal data is on record.
pub(crate) fn load_detail(
    state: &AppState,
    person: &Person,
    id: &str,
) -> Result<Option<Detail>, ApiError> {
    let storage = state.storage.as_ref();
    let Some(row) = storage.record(id)? else {
        return Ok(None);
    };
    let scope = person.scope();
    if !row
        .area_id
        .as_deref()
        .is_some_and(|a| scope.covers_area(&state.reference(), a))
    {
        return Ok(None);
    }
    let reads = if row.record.about_a_household() {
        storage.log_read(&person.id, id)?;
        storage
            .reads_of(id)?
            .into_iter()
            .map(|(at, person_name)| ReadLine { at, person_name })
            .collect()
    } else {
        vec![]
    };
    let doc = storage
        .snapshot(id)?
        .and_then(|b| RecordDoc::load([b.as_slice()], &automerge::ActorId::random()).ok());
    let conflicts = doc.as_ref().map(|d| d.conflicts()).unwrap_or_default();
    let kind = row.kind();
    let history = storage
        .audit_of(id)?
        .into_iter()
        .map(|h: AuditRow| {
            let mut paths: Vec<String> = doc
                .iter()
                .flat_map(|d| h.hashes.iter().flat_map(|c| d.fields_changed_by(c)))
                .filter_map(|f| f.strip_prefix(DATA).map(str::to_owned))
                .collect();
            paths.sort();
            paths.dedup();
            HistoryLine {
                at: h.at,
                person_name: h.person_name,
                action: h.action.label(),
                fields: paths
                    .iter()
                    .filter_map(|p| form::field_label(kind.fields(), p))
                    .collect(),
            }
        })
        .collect();
    let geometry = row.record.place().map(|p| p.to_geojson());
    let photos = row.record.photos();
    let reviews = storage.reviews_of_record(id)?;
    let mut rows: Vec<&RecordRow> = reviews.iter().collect();
    rows.push(&row);
    let reference = state.reference();
    let names = Names::for_rows(storage, &reference, &rows)?;
    let name_of = |x: &str| names.name(x);
    let review_words = reviews
        .iter()
        .map(|r| {
            let fields = form::readable(&form::state_of(&r.record), &name_of);
            (r.created_at, fields)
        })
        .collect();
    let reviews = reviews
        .iter()
        .map(|r| {
            let name = author_name(storage, r)?;
            Ok(line(&state.reference(), &names, r, name))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let name = author_name(storage, &row)?;
    let l = line(&state.reference(), &names, &row, name);
    let fields = form::readable(&form::state_of(&row.record), &name_of);
    let worded_conflicts = conflicts
        .iter()
        .map(|c| form::word_conflict(&row.record, c, &name_of))
        .collect();
    Ok(Some(Detail {
        kind_label: l.kind_label,
        status_label: l.status_label,
        fields,
        title: l.title,
        area_name: l.area_name,
        author: l.author,
        conflicts,
        history,
        reads,
        geometry,
        photos,
        reviews,
        worded_conflicts,
        review_words,
        record: row,
    }))
}

/// Where a record's values sit in its document (`data.members`).
const DATA: &str = "data.";

pub async fn detail(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<Json<Detail>, ApiError> {
    authed.require_viewer()?;
    let state = st.clone();
    let found =
        tokio::task::spawn_blocking(move || load_detail(&state, &authed.0.person, &id)).await??;
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
    let review_id = decide(&st, authed, id, req.heads, req.decision, req.reason).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"review_id": review_id})),
    ))
}

/// Records a staff decision on the record at the heads the reviewer saw; the review's id, or
/// why it was refused, in both languages.
pub(crate) async fn decide(
    st: &Arc<AppState>,
    authed: Authed,
    id: String,
    heads: Vec<String>,
    decision: Decision,
    reason: String,
) -> Result<String, ApiError> {
    let state = st.clone();
    let result = tokio::task::spawn_blocking(move || {
        review_from_dashboard(
            state.storage.as_ref(),
            &state.reference(),
            &authed.0,
            &id,
            &heads,
            decision,
            &reason,
        )
    })
    .await??;
    match result {
        Ok(review_id) => Ok(review_id),
        Err(ReviewRefused::NotFound) => Err(ApiError::not_found()),
        Err(ReviewRefused::Changed) => Err(ApiError::of(StatusCode::CONFLICT, ErrorCode::Changed)),
        Err(ReviewRefused::Invalid(fields)) => {
            let m = fields
                .first()
                .map(|f| f.message_in(RecordKind::Review))
                .unwrap_or_else(|| Message::new("không hợp lệ", "invalid"));
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

#[derive(Deserialize)]
pub struct EraseRequest {
    #[serde(default)]
    pub(crate) reason: String,
}

/// `POST /api/v1/records/{id}/erase`: a household's personal data erased through its history on
/// the person's request, with the reason (kept in the audit trail, the values are not).
pub async fn erase(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(id): Path<String>,
    body: Result<Json<EraseRequest>, JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    authed.require_staff()?;
    let req = json_body(body)?;
    let reason = request_reason(&req.reason)?;
    let state = st.clone();
    let result = tokio::task::spawn_blocking(move || {
        crate::check::erase_record(
            state.storage.as_ref(),
            &state.reference(),
            &authed.0,
            &id,
            &reason,
        )
    })
    .await??;
    match result {
        Ok(heads) => Ok(Json(serde_json::json!({ "heads": heads }))),
        Err(crate::check::EraseRefused::NotFound) => Err(ApiError::not_found()),
        Err(crate::check::EraseRefused::NothingPersonal) => Err(ApiError::bad_request(
            "hồ sơ loại này không có dữ liệu cá nhân để xoá",
            "a record of this kind holds no personal data to erase",
        )),
    }
}

#[derive(Deserialize)]
pub struct RestrictRequest {
    restricted: bool,
    #[serde(default)]
    reason: String,
}

/// A reason staff give for handling personal data (a request, an export with names): trimmed,
/// 10–300 characters, no control characters; `None` when it is not one.
pub(crate) fn staff_reason(reason: &str) -> Option<&str> {
    let reason = reason.trim();
    let chars = reason.chars().count();
    ((10..=300).contains(&chars) && !reason.chars().any(char::is_control)).then_some(reason)
}

/// The reason staff give for acting on a data subject's request.
fn request_reason(reason: &str) -> Result<String, ApiError> {
    let Some(reason) = staff_reason(reason) else {
        return Err(ApiError::bad_request(
            "hãy ghi lý do (10–300 ký tự), ví dụ yêu cầu của ai, ngày nào",
            "give the reason (10–300 characters), e.g. whose request, on which day",
        ));
    };
    Ok(reason.to_owned())
}

/// `POST /api/v1/records/{id}/restrict`: a household's record kept but out of lists, exports
/// and figures while its request is handled (or back in), with the reason in the audit trail.
pub async fn restrict(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(id): Path<String>,
    body: Result<Json<RestrictRequest>, JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    authed.require_staff()?;
    let req = json_body(body)?;
    let reason = request_reason(&req.reason)?;
    let state = st.clone();
    let changed = tokio::task::spawn_blocking(move || -> Result<bool, ApiError> {
        let scope = authed.0.person.scope();
        let row = state.storage.record(&id)?.filter(|r| {
            r.area_id
                .as_deref()
                .is_some_and(|a| scope.covers_area(&state.reference(), a))
        });
        let Some(row) = row else {
            return Err(ApiError::not_found());
        };
        if !row.record.about_a_household() {
            return Err(ApiError::bad_request(
                "chỉ hạn chế được hồ sơ về một hộ gia đình",
                "only a record about a household can be restricted",
            ));
        }
        Ok(state
            .storage
            .set_restricted(&authed.0, &id, req.restricted, &reason)?)
    })
    .await??;
    Ok(Json(
        serde_json::json!({ "restricted": req.restricted, "changed": changed }),
    ))
}

/// Everything held about one household, for its access request: the record and every record
/// about it, each in words, with its history, who read it and its photos.
#[derive(Serialize)]
pub struct AccessRequest {
    pub household_id: String,
    pub generated_at: i64,
    pub restricted: bool,
    pub records: Vec<AccessRecord>,
}

#[derive(Serialize)]
pub struct AccessRecord {
    pub id: String,
    pub kind: Message,
    pub title: Message,
    pub status: Message,
    pub fields: Vec<ReadField>,
    pub history: Vec<HistoryLine>,
    pub reads: Vec<ReadLine>,
    pub photos: Vec<String>,
}

/// The access request's contents (each record's read is logged as any read). Blocking.
pub(crate) fn access_request(
    state: &AppState,
    person: &Person,
    id: &str,
) -> Result<Option<AccessRequest>, ApiError> {
    let Some(main) = load_detail(state, person, id)? else {
        return Ok(None);
    };
    if !main.record.record.place_is_personal() {
        return Err(ApiError::bad_request(
            "yêu cầu truy cập dữ liệu lập theo hồ sơ hộ gia đình",
            "an access request is made from a household's record",
        ));
    }
    let related: Vec<String> = state
        .storage
        .records(&RecordFilter {
            area_id: main.record.area_id.clone(),
            limit: MAX_REPORT_ROWS,
            include_restricted: true,
            ..Default::default()
        })?
        .into_iter()
        .filter(|r| r.record.refers_to().contains(&id))
        .map(|r| r.id)
        .collect();
    let mut records = vec![main];
    for r in related {
        records.extend(load_detail(state, person, &r)?);
    }
    Ok(Some(AccessRequest {
        household_id: id.to_owned(),
        generated_at: chrono::Utc::now().timestamp_millis(),
        restricted: state.storage.is_restricted(id)?,
        records: records
            .into_iter()
            .map(|d| AccessRecord {
                id: d.record.id.clone(),
                kind: d.kind_label,
                title: d.title,
                status: d.status_label,
                fields: d.fields,
                history: d.history,
                reads: d.reads,
                photos: d.photos.into_iter().map(|p| p.sha256).collect(),
            })
            .collect(),
    }))
}

/// `GET /api/v1/records/{id}/access-request`: everything held about a household, as JSON.
pub async fn access_request_json(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<Json<AccessRequest>, ApiError> {
    authed.require_staff()?;
    let state = st.clone();
    let found = tokio::task::spawn_blocking(move || access_request(&state, &authed.0.person, &id))
        .await??;
    found.map(Json).ok_or_else(ApiError::not_found)
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

/// The period figures cover: as asked, else this report period up to today.
pub(crate) fn period(from: &Option<String>, to: &Option<String>) -> Result<(Day, Day), ApiError> {
    let today = Day::today();
    let this = sachxanh_core::report::period::Period::containing(today);
    let from = filter_day(from)?.unwrap_or(this.from);
    let to = filter_day(to)?.unwrap_or(today);
    if from > to {
        return Err(ApiError::bad_request(
            "ngày bắt đầu sau ngày kết thúc",
            "the period starts after it ends",
        ));
    }
    Ok((from, to))
}

pub async fn targets(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Query(q): Query<TargetsQuery>,
) -> Result<Json<Report>, ApiError> {
    authed.require_viewer()?;
    let (from, to) = period(&q.from, &q.to)?;
    let communes = communes_for(&st.reference(), &authed.0.person, q.commune.as_deref())?;
    let state = st.clone();
    let report = tokio::task::spawn_blocking(move || {
        crate::reporting::compute(&state, &authed.0.person, &communes, from, to).map(|(r, _)| r)
    })
    .await??;
    Ok(Json(report))
}
