//! The yearly report's page: the period and its due date, the report's state and who moved it
//! there, the form to prepare it (the commune's words and the people it must brief), the steps
//! to check and send it, what changed since it was sent, and the downloads (the sent copy once
//! sent). The Department sees every commune's state. Every step goes through
//! `crate::reporting`, as the JSON API does.

use super::pages::{form_field, shown_refusal, staff_form, time_text, Ctx, Flash, Layout, Tab};
use crate::auth::Authed;
use crate::error::ApiError;
use crate::reporting::{self, Prepare, Status};
use crate::storage::{Person, ReportLine};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use sachxanh_core::model::{Day, Role};
use sachxanh_core::report::life::ReportState;
use sachxanh_core::report::period::Period;
use sachxanh_core::report::NOT_MEASURED;
use serde::Deserialize;
use std::sync::Arc;

pub struct ChangeRow {
    pub unit: String,
    pub target: String,
    pub sent: String,
    pub now: String,
}

pub struct StepRow {
    pub what: String,
    pub who: String,
    pub when: String,
}

pub struct CommuneRow {
    pub name: String,
    pub state: String,
    pub sent: bool,
    pub when: String,
}

pub struct NotMeasuredRow {
    pub clause: &'static str,
    pub target: &'static str,
    pub reason: &'static str,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    l: Layout,
    year: i32,
    title: String,
    due: String,
    /// The report's state, in words.
    state: String,
    state_code: String,
    steps: Vec<StepRow>,
    editable: bool,
    can_check: bool,
    can_send: bool,
    sent: bool,
    difficulties: String,
    to_brief: String,
    changes: Vec<ChangeRow>,
    communes: Vec<CommuneRow>,
    not_measured: Vec<NotMeasuredRow>,
    figures_href: String,
    xlsx_href: String,
    csv_href: String,
    geojson_href: String,
}

#[derive(Deserialize, Default)]
pub struct ReportsQuery {
    year: Option<String>,
    done: Option<String>,
}

/// The year asked (this report's year when none); `reporting::period_of_year` checks its range.
fn year_of(asked: Option<&str>) -> Result<i32, ApiError> {
    match asked.map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(reporting::this_year()),
        Some(y) => y
            .parse::<i32>()
            .map_err(|_| ApiError::bad_request("năm không hợp lệ", "invalid year")),
    }
}

/// The due-date words: "due 30/11/2026 (3 days left)".
pub(super) fn left_text(ctx: &Ctx, days: i64) -> String {
    let w = ctx.w();
    if days == 0 {
        w.due_today.to_owned()
    } else if days > 0 {
        w.days_left.replace("{n}", &days.to_string())
    } else {
        w.days_over.replace("{n}", &(-days).to_string())
    }
}

fn steps(ctx: &Ctx, line: &ReportLine) -> Vec<StepRow> {
    let w = ctx.w();
    let mut out = vec![StepRow {
        what: w.prepared_by.into(),
        who: line.prepared_by.clone(),
        when: time_text(line.prepared_at),
    }];
    if let (Some(who), Some(at)) = (&line.checked_by, line.checked_at) {
        out.push(StepRow {
            what: w.checked_by.into(),
            who: who.clone(),
            when: time_text(at),
        });
    }
    if let (Some(who), Some(at)) = (&line.sent_by, line.sent_at) {
        out.push(StepRow {
            what: w.sent_by.into(),
            who: who.clone(),
            when: time_text(at),
        });
    }
    out
}

/// Every commune's report for `year`, for the Department.
fn communes_of(st: &AppState, p: Period) -> Result<Vec<(String, Option<ReportLine>)>, ApiError> {
    let reference = st.reference();
    reference
        .communes()
        .map(|c| Ok((c.name.clone(), st.storage.report(&c.id, &p.to.to_string())?)))
        .collect()
}

async fn page(
    st: &Arc<AppState>,
    ctx: &Ctx,
    person: &Person,
    year: i32,
    flash: Option<Flash>,
) -> Response {
    let p = match reporting::period_of_year(year) {
        Ok(p) => p,
        Err(e) => return ctx.fail(e),
    };
    let viewer = person.role == Role::ProvinceViewer;
    let who = person.clone();
    let loaded = blocking(st, move |s| {
        if viewer {
            Ok((None, communes_of(s, p)?))
        } else {
            Ok((Some(reporting::status(s, &who, year, None)?), vec![]))
        }
    })
    .await;
    let (status, communes): (Option<Status>, _) = match loaded {
        Ok(l) => l,
        Err(e) => return ctx.fail(e),
    };
    let w = ctx.w();
    let line = status.as_ref().and_then(|s| s.line.clone());
    let state = line.as_ref().map(|l| l.state);
    let days = (p.to.0 - Day::today().0).num_days();
    let staff = person.role == Role::CommuneStaff;
    let mut l = ctx.layout(Some(person), Tab::Reports);
    if state == Some(ReportState::Sent) {
        l.due = None;
    }
    l.flash = flash;
    let page = ReportsPage {
        l,
        year,
        title: w
            .report_title
            .replace("{year}", &year.to_string())
            .replace("{from}", &p.from.shown())
            .replace("{to}", &p.to.shown()),
        due: format!(
            "{}{}",
            w.due_on.replace("{due}", &p.to.shown()),
            if state == Some(ReportState::Sent) {
                String::new()
            } else {
                format!(" ({})", left_text(ctx, days))
            }
        ),
        state: state.map_or(w.not_prepared.to_owned(), |s| ctx.t(&s.label())),
        state_code: state.map_or("none".into(), |s| s.as_str().to_owned()),
        steps: line.as_ref().map(|l| steps(ctx, l)).unwrap_or_default(),
        editable: staff && state.is_none_or(|s| s.editable()),
        can_check: staff && state == Some(ReportState::Prepared),
        can_send: staff && state == Some(ReportState::Checked),
        sent: state == Some(ReportState::Sent),
        difficulties: line
            .as_ref()
            .map(|l| l.difficulties.clone())
            .unwrap_or_default(),
        to_brief: line
            .as_ref()
            .filter(|l| l.to_brief > 0)
            .map(|l| l.to_brief.to_string())
            .unwrap_or_default(),
        changes: status
            .iter()
            .flat_map(|s| &s.changed_since_sent)
            .map(|c| ChangeRow {
                unit: c.unit_name.clone(),
                target: ctx.t(&c.target_label),
                sent: c.sent.clone(),
                now: c.now.clone(),
            })
            .collect(),
        communes: communes
            .into_iter()
            .map(|(name, line)| CommuneRow {
                name,
                state: line
                    .as_ref()
                    .map_or(w.not_prepared.to_owned(), |l| ctx.t(&l.state.label())),
                sent: line.as_ref().is_some_and(|l| l.state == ReportState::Sent),
                when: line
                    .as_ref()
                    .and_then(|l| l.sent_at)
                    .map(time_text)
                    .unwrap_or_default(),
            })
            .collect(),
        not_measured: NOT_MEASURED
            .iter()
            .map(|n| NotMeasuredRow {
                clause: n.clause,
                target: n.target.get(ctx.lang),
                reason: n.reason.get(ctx.lang),
            })
            .collect(),
        figures_href: format!("/targets?from={}&to={}", p.from, p.to),
        xlsx_href: format!("/api/v1/reports/yearly.xlsx?year={year}"),
        csv_href: format!("/api/v1/reports/yearly.csv?year={year}"),
        geojson_href: "/api/v1/exports/records.geojson".into(),
    };
    ctx.page(StatusCode::OK, page)
}

/// `GET /reports`.
pub async fn show(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    authed: Result<Authed, ApiError>,
    q: Result<Query<ReportsQuery>, QueryRejection>,
) -> Response {
    let authed = match authed.and_then(|a| a.require_viewer().map(|_| a)) {
        Ok(a) => a,
        Err(e) => return ctx.fail(e),
    };
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let year = match year_of(q.year.as_deref()) {
        Ok(y) => y,
        Err(e) => return ctx.fail(e),
    };
    let flash = q.done.map(|_| Flash {
        ok: true,
        text: ctx.w().report_saved.into(),
    });
    page(&st, &ctx, &authed.0.person, year, flash).await
}

/// `POST /reports/{year}/{step}`: prepare, check or send, from the page's forms.
pub async fn step(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    Path((year, step)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (authed, form) = match staff_form(&st, &ctx, req).await {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let person = authed.0.person.clone();
    let year = match year_of(Some(&year)) {
        Ok(y) => y,
        Err(e) => return ctx.fail(e),
    };
    let by = authed.0;
    let done = match step.as_str() {
        "prepare" => {
            let to_brief = form_field(&form, "to_brief");
            let to_brief = match to_brief.trim() {
                "" => Ok(0),
                n => n.parse::<u64>().map_err(|_| {
                    ApiError::bad_request(
                        "số người cần phổ biến phải là số nguyên không âm",
                        "the number of people to brief must be a whole number",
                    )
                }),
            };
            match to_brief {
                Ok(to_brief) => {
                    let req = Prepare {
                        difficulties: form_field(&form, "difficulties"),
                        to_brief,
                    };
                    blocking(&st, move |s| reporting::prepare(s, &by, year, &req)).await
                }
                Err(e) => Err(e),
            }
        }
        "check" => blocking(&st, move |s| reporting::check(s, &by, year)).await,
        "send" => blocking(&st, move |s| reporting::send(s, &by, year)).await,
        _ => Err(ApiError::not_found()),
    };
    let e = match done {
        Ok(_) => return ctx.redirect(&format!("/reports?year={year}&done=1")),
        Err(e) => e,
    };
    let Some(flash) = shown_refusal(&ctx, &e) else {
        return ctx.fail(e);
    };
    let mut resp = page(&st, &ctx, &person, year, Some(flash)).await;
    *resp.status_mut() = e.status;
    resp
}
