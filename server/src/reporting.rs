//! A commune's yearly report through its life (plan VI.2): staff prepare it (the figures, the
//! people the commune must brief, and "Khó khăn, vướng mắc và đề xuất"), check it and mark it
//! sent. The sent copy is frozen: figures, the records behind them and the XLSX and CSV files.
//! A record of that period approved afterwards shows as "changed since sent" and is counted in
//! the next period, never by rewriting what was sent.

use crate::auth::Authed;
use crate::dashboard::{facts, rows_of};
use crate::enrol::json_body;
use crate::error::ApiError;
use crate::export::{self, Notes};
use crate::storage::{Device, Person, RecordRow, ReportLine, ReportState, SentCopy, Storage};
use crate::view::Names;
use crate::{blocking, AppState};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use sachxanh_core::error::ErrorCode;
use sachxanh_core::i18n::Message;
use sachxanh_core::model::{Day, ReviewStatus};
use sachxanh_core::report::period::{Period, DUE_MONTH_DAY};
use sachxanh_core::report::{self, Amount, Inputs, Report, Target, Targets};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;

/// What sending keeps besides the files: the figures, every approved record they were computed
/// from (so a later approval is known as late), the areas' version and the commune's words.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Frozen {
    pub report: Report,
    pub counted: Vec<String>,
    pub areas_version: u64,
    pub notes: Notes,
    pub to_brief: u64,
}

/// The year of the report being prepared today: that of its period's last day.
pub fn this_year() -> i32 {
    chrono::Datelike::year(&Period::containing(Day::today()).to.0)
}

/// The period reported in `year`: the one ending on that year's due date.
pub fn period_of_year(year: i32) -> Result<Period, ApiError> {
    let bad = || ApiError::bad_request("năm không hợp lệ", "invalid year");
    if !(2020..=2100).contains(&year) {
        return Err(bad());
    }
    let (m, d) = DUE_MONTH_DAY;
    Ok(Period::containing(Day::ymd(year, m, d).ok_or_else(bad)?))
}

/// The days a report covers: its period, up to today while the period runs (weekends still to
/// come cannot have been missed).
pub fn covered(p: Period, today: Day) -> (Day, Day) {
    (p.from, p.to.min(today.max(p.from)))
}

/// The frozen copies of a commune's sent reports.
fn sent_of(storage: &dyn Storage, lines: &[ReportLine]) -> Result<Vec<Frozen>, ApiError> {
    let mut out = vec![];
    for l in lines.iter().filter(|l| l.state == ReportState::Sent) {
        if let Some(sent) = storage.sent_copy(&l.commune_id, &l.period_to)? {
            out.push(serde_json::from_str(&sent.frozen).map_err(ApiError::internal)?);
        }
    }
    Ok(out)
}

/// What a report over `[from, to]` needs besides records, for `communes` (all when empty):
/// the people each commune must brief (entered with its report of the period, else its latest
/// earlier one), and the records carried in — approved, dated before `from`, not in any sent
/// copy, when the period just before was sent.
pub fn inputs_for(
    st: &AppState,
    communes: &[String],
    rows: &[RecordRow],
    from: Day,
    to: Day,
) -> Result<Inputs, ApiError> {
    let reference = st.reference();
    let ids: Vec<String> = if communes.is_empty() {
        reference.communes().map(|c| c.id.clone()).collect()
    } else {
        communes.to_vec()
    };
    let mut inputs = Inputs::default();
    let before = Day(from.0 - chrono::Duration::days(1)).to_string();
    let own_period = Period::containing(to).to.to_string();
    for commune in ids {
        let lines = st.storage.reports_of(&commune)?;
        let own = lines
            .iter()
            .find(|l| l.period_to == own_period && l.to_brief > 0);
        let earlier = lines
            .iter()
            .rev()
            .find(|l| l.period_to < own_period && l.to_brief > 0);
        if let Some(l) = own.or(earlier) {
            inputs.to_brief.insert(commune.clone(), l.to_brief);
        }
        let previous_sent = lines
            .iter()
            .any(|l| l.period_to == before && l.state == ReportState::Sent);
        if !previous_sent {
            continue;
        }
        let counted: BTreeSet<String> = sent_of(st.storage.as_ref(), &lines)?
            .into_iter()
            .flat_map(|f| f.counted)
            .collect();
        let from_text = from.to_string();
        inputs.carried.extend(
            rows.iter()
                .filter(|r| r.commune_id.as_deref() == Some(commune.as_str()))
                .filter(|r| r.review_status == ReviewStatus::Approved && r.day < from_text)
                .filter(|r| !counted.contains(&r.id))
                .map(|r| r.id.clone()),
        );
    }
    Ok(inputs)
}

/// The report over `[from, to]` for the caller's scope, with the records behind it.
pub fn compute(
    st: &AppState,
    person: &Person,
    communes: &[String],
    from: Day,
    to: Day,
) -> Result<(Report, Vec<RecordRow>), ApiError> {
    let rows = rows_of(
        st.storage.as_ref(),
        person,
        communes,
        Some(ReviewStatus::Approved),
    )?;
    let inputs = inputs_for(st, communes, &rows, from, to)?;
    let report = report::compute_with(&st.reference(), communes, &facts(&rows), from, to, &inputs);
    Ok((report, rows))
}

/// The Department's roll-up for a period: each commune's sent copy where it sent one, else its
/// figures today, with the province summed from them; the notes list each commune's
/// difficulties and who has not sent yet.
pub fn roll_up(st: &AppState, live: Report, p: Period) -> Result<(Report, Notes), ApiError> {
    let reference = st.reference();
    let (mut parts, mut words, mut pending) = (vec![], vec![], vec![]);
    for commune in &live.communes {
        let sent = st.storage.sent_copy(&commune.unit_id, &p.to.to_string())?;
        match sent {
            Some(sent) => {
                let frozen: Frozen =
                    serde_json::from_str(&sent.frozen).map_err(ApiError::internal)?;
                if !frozen.notes.difficulties.is_empty() {
                    words.push(format!(
                        "{}: {}",
                        commune.unit_name, frozen.notes.difficulties
                    ));
                }
                parts.push(frozen.report);
            }
            None => {
                pending.push(commune.unit_name.clone());
                parts.push(live.of_commune(&reference, &commune.unit_id));
            }
        }
    }
    if !pending.is_empty() {
        words.push(format!(
            "Chưa gửi báo cáo (số liệu tính đến ngày tải): {}",
            pending.join(", ")
        ));
    }
    let notes = Notes {
        difficulties: words.join("\n"),
        sent: None,
    };
    Ok((Report::combine(live.from, live.to, parts), notes))
}

/// One figure that differs between the sent copy and the records now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub unit_id: String,
    pub unit_name: String,
    pub target: Target,
    pub target_label: Message,
    pub sent: String,
    pub now: String,
}

fn shown(a: Amount) -> String {
    match a {
        Amount::Share(f) => format!("{}/{}", f.numerator, f.denominator),
        Amount::Count(t) => format!("{} · {}", t.count, t.people),
    }
}

/// The figures of `now` that differ from `sent`, unit by unit, target by target.
pub fn changes(sent: &Report, now: &Report) -> Vec<Change> {
    let units =
        |r: &Report| -> Vec<Targets> { r.communes.iter().chain(&r.areas).cloned().collect() };
    let now_units = units(now);
    let mut out = vec![];
    for s in units(sent) {
        let Some(n) = now_units.iter().find(|n| n.unit_id == s.unit_id) else {
            continue;
        };
        for target in Target::ALL.iter().copied() {
            let (a, b) = (shown(s.amount(target)), shown(n.amount(target)));
            if a != b {
                out.push(Change {
                    unit_id: s.unit_id.clone(),
                    unit_name: s.unit_name.clone(),
                    target,
                    target_label: target.label(),
                    sent: a,
                    now: b,
                });
            }
        }
    }
    out
}

/// A commune's report for a year, as its page and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub commune_id: String,
    pub year: i32,
    pub from: Day,
    pub to: Day,
    /// Days left to the due date (negative once past).
    pub days_left: i64,
    pub line: Option<ReportLine>,
    /// Once sent: the figures that differ now from the sent copy.
    pub changed_since_sent: Vec<Change>,
}

/// The commune a person acts on: their own; the Department names one.
fn commune_of(st: &AppState, person: &Person, asked: Option<&str>) -> Result<String, ApiError> {
    let communes = crate::dashboard::communes_for(&st.reference(), person, asked)?;
    communes.into_iter().next().ok_or_else(|| {
        ApiError::bad_request(
            "hãy chọn một xã để xem báo cáo",
            "choose a commune to see its report",
        )
    })
}

pub fn status(
    st: &AppState,
    person: &Person,
    year: i32,
    asked: Option<&str>,
) -> Result<Status, ApiError> {
    let commune = commune_of(st, person, asked)?;
    let p = period_of_year(year)?;
    let line = st.storage.report(&commune, &p.to.to_string())?;
    let mut changed_since_sent = vec![];
    if let Some(sent) = st.storage.sent_copy(&commune, &p.to.to_string())? {
        let frozen: Frozen = serde_json::from_str(&sent.frozen).map_err(ApiError::internal)?;
        let (from, to) = (frozen.report.from, frozen.report.to);
        let scope = std::slice::from_ref(&commune);
        let (now, _) = compute(st, person, scope, from, to)?;
        changed_since_sent = changes(&frozen.report, &now);
    }
    Ok(Status {
        commune_id: commune,
        year,
        from: p.from,
        to: p.to,
        days_left: (p.to.0 - Day::today().0).num_days(),
        line,
        changed_since_sent,
    })
}

/// What staff enter with the report.
#[derive(Debug, Deserialize)]
pub struct Prepare {
    #[serde(default)]
    pub difficulties: String,
    #[serde(default)]
    pub to_brief: u64,
}

/// Longest text kept: a page or two of the commune's own words.
pub const MAX_DIFFICULTIES: usize = 8000;
/// More people to brief than any commune has.
pub const MAX_TO_BRIEF: u64 = 1_000_000;

fn staff_only(person: &Person) -> Result<(), ApiError> {
    if person.role == sachxanh_core::model::Role::CommuneStaff {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

fn conflict(vi: &str, en: &str) -> ApiError {
    ApiError::with_message(
        StatusCode::CONFLICT,
        ErrorCode::Changed,
        Message::new(vi, en),
    )
}

/// A step storage took (`done`), else refused with why; then the report as it stands.
fn after_step(
    st: &AppState,
    by: &Device,
    year: i32,
    done: bool,
    vi: &str,
    en: &str,
) -> Result<Status, ApiError> {
    if !done {
        return Err(conflict(vi, en));
    }
    status(st, &by.person, year, None)
}

pub fn prepare(st: &AppState, by: &Device, year: i32, req: &Prepare) -> Result<Status, ApiError> {
    staff_only(&by.person)?;
    let p = period_of_year(year)?;
    let text = req.difficulties.trim();
    if text.chars().count() > MAX_DIFFICULTIES {
        return Err(ApiError::bad_request(
            &format!("phần khó khăn, đề xuất dài quá {MAX_DIFFICULTIES} ký tự"),
            &format!(
                "the difficulties and proposals are longer than {MAX_DIFFICULTIES} characters"
            ),
        ));
    }
    if req.to_brief > MAX_TO_BRIEF {
        return Err(ApiError::bad_request(
            "số người cần phổ biến quá lớn",
            "the number of people to brief is too large",
        ));
    }
    let commune = &by.person.commune_id;
    let done = st
        .storage
        .prepare_report(by, commune, &p.to.to_string(), text, req.to_brief)?;
    after_step(
        st,
        by,
        year,
        done,
        "Báo cáo kỳ này đã gửi, không sửa được nữa; thay đổi sau sẽ vào kỳ sau",
        "This period's report was sent and cannot change; later changes go into the next period",
    )
}

pub fn check(st: &AppState, by: &Device, year: i32) -> Result<Status, ApiError> {
    staff_only(&by.person)?;
    let p = period_of_year(year)?;
    let done = st
        .storage
        .check_report(by, &by.person.commune_id, &p.to.to_string())?;
    after_step(
        st,
        by,
        year,
        done,
        "Chỉ kiểm tra được báo cáo đã soạn và chưa kiểm tra",
        "Only a prepared report not yet checked can be checked",
    )
}

/// Sends the report: computes it one last time and keeps that copy.
pub fn send(st: &AppState, by: &Device, year: i32) -> Result<Status, ApiError> {
    staff_only(&by.person)?;
    let p = period_of_year(year)?;
    let commune = by.person.commune_id.clone();
    let period_to = p.to.to_string();
    let line = st.storage.report(&commune, &period_to)?;
    let Some(line) = line.filter(|l| l.state == ReportState::Checked) else {
        return Err(conflict(
            "Hãy soạn và kiểm tra báo cáo trước khi gửi",
            "Prepare and check the report before sending it",
        ));
    };
    let (from, to) = covered(p, Day::today());
    let scope = std::slice::from_ref(&commune);
    let (report, rows) = compute(st, &by.person, scope, from, to)?;
    let notes = Notes {
        difficulties: line.difficulties.clone(),
        sent: Some((
            by.person.name.clone(),
            chrono::Utc::now().timestamp_millis(),
        )),
    };
    let all: Vec<&RecordRow> = rows.iter().collect();
    let reference = st.reference();
    let names = Names::for_rows(st.storage.as_ref(), &reference, &all)?;
    let year_of = chrono::Datelike::year(&p.to.0);
    let xlsx =
        export::xlsx(&report, &rows, &names, year_of, false, &notes).map_err(ApiError::internal)?;
    let csv = export::csv(&report);
    let frozen = Frozen {
        report,
        counted: rows.iter().map(|r| r.id.clone()).collect(),
        areas_version: st.areas_version()?,
        notes,
        to_brief: line.to_brief,
    };
    let frozen = serde_json::to_string(&frozen).map_err(ApiError::internal)?;
    let copy = SentCopy {
        frozen: &frozen,
        xlsx: &xlsx,
        csv: csv.as_bytes(),
    };
    let done = st.storage.send_report(by, &commune, &period_to, &copy)?;
    after_step(
        st,
        by,
        year,
        done,
        "Báo cáo đã được gửi hoặc vừa thay đổi: hãy xem lại",
        "The report was already sent or just changed: look again",
    )
}

#[derive(Debug, Deserialize)]
pub struct CommuneQuery {
    commune: Option<String>,
}

fn year_in(path: Result<Path<i32>, PathRejection>) -> Result<i32, ApiError> {
    path.map(|Path(y)| y)
        .map_err(|_| ApiError::bad_request("năm không hợp lệ", "invalid year"))
}

/// `GET /api/v1/reports/{year}`.
pub async fn get_status(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    year: Result<Path<i32>, PathRejection>,
    Query(q): Query<CommuneQuery>,
) -> Result<Json<Status>, ApiError> {
    authed.require_viewer()?;
    let year = year_in(year)?;
    let person = authed.0.person.clone();
    blocking(&st, move |s| {
        status(s, &person, year, q.commune.as_deref()).map(Json)
    })
    .await
}

/// `POST /api/v1/reports/{year}/prepare`.
pub async fn post_prepare(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    year: Result<Path<i32>, PathRejection>,
    body: Result<Json<Prepare>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Status>, ApiError> {
    authed.require_staff()?;
    let year = year_in(year)?;
    let req = json_body(body)?;
    let by = authed.0.clone();
    blocking(&st, move |s| prepare(s, &by, year, &req).map(Json)).await
}

/// `POST /api/v1/reports/{year}/check`.
pub async fn post_check(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    year: Result<Path<i32>, PathRejection>,
) -> Result<Json<Status>, ApiError> {
    authed.require_staff()?;
    let year = year_in(year)?;
    let by = authed.0.clone();
    blocking(&st, move |s| check(s, &by, year).map(Json)).await
}

/// `POST /api/v1/reports/{year}/send`.
pub async fn post_send(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    year: Result<Path<i32>, PathRejection>,
) -> Result<Json<Status>, ApiError> {
    authed.require_staff()?;
    let year = year_in(year)?;
    let by = authed.0.clone();
    blocking(&st, move |s| send(s, &by, year).map(Json)).await
}
