//! The yearly report for the 30 November deadline (XLSX with Vietnamese headings and CSV) and
//! the GeoJSON export of every located record.

use crate::auth::Authed;
use crate::dashboard::{communes_for, rows_of};
use crate::error::ApiError;
use crate::storage::RecordRow;
use crate::view::Names;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};
use sachxanh_core::model::Day;
use sachxanh_core::model::Organisation;
use sachxanh_core::report::period::Period;
use sachxanh_core::report::{Amount, Figure, Report, Target, Targets, NOT_MEASURED};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Deserialize)]
pub struct YearQuery {
    commune: Option<String>,
    year: Option<i32>,
    #[serde(default)]
    personal: bool,
    reason: Option<String>,
}

/// Exports carry no names, house numbers or homes' locations unless staff ask for them with a
/// reason (`?personal=true&reason=…`), which the server logs with who asked. Whether names go
/// in: checked and logged before any work.
fn personal_granted(
    asked: bool,
    reason: Option<&str>,
    authed: &Authed,
    export: &str,
) -> Result<bool, ApiError> {
    if !asked {
        return Ok(false);
    }
    let Some(reason) = crate::dashboard::staff_reason(reason.unwrap_or_default()) else {
        return Err(ApiError::bad_request(
            "muốn xuất kèm họ tên và địa chỉ, hãy ghi lý do (10–300 ký tự)",
            "to export names and addresses, give a reason (10–300 characters)",
        ));
    };
    tracing::info!(
        person = %authed.0.person.id,
        device = %authed.0.id,
        export,
        reason,
        "export with personal data"
    );
    Ok(true)
}

/// The year asked (that of the due date; this period's by default), its period, and the days
/// it covers.
fn period(year: Option<i32>) -> Result<(i32, Period, Day, Day), ApiError> {
    let today = Day::today();
    let year = year.unwrap_or_else(crate::reporting::this_year);
    let p = crate::reporting::period_of_year(year)?;
    let (from, to) = crate::reporting::covered(p, today);
    Ok((year, p, from, to))
}

/// The summary's columns after level and unit: per target, a share's achieved, total and
/// percent or a count's number and people; the period before where the plan asks for a trend;
/// then the cleanups' volume by organisation. Headings are the core's target labels.
pub fn summary_headings() -> Vec<String> {
    let mut h = vec!["Cấp".to_owned(), "Đơn vị".to_owned()];
    let empty = Targets::new("", "");
    for target in Target::ALL.iter().copied() {
        let label = target.label().vi;
        let parts: &[&str] = match empty.amount(target) {
            Amount::Share(_) => &["đạt", "tổng số", "tỷ lệ (%)"],
            Amount::Count(_) => &["số lượng", "số người"],
        };
        h.extend(parts.iter().map(|p| format!("{label}: {p}")));
        if empty.before(target).is_some() {
            h.extend(parts.iter().map(|p| format!("{label}, kỳ trước: {p}")));
        }
    }
    h.push("Rác thu gom khi ra quân (kg)".into());
    h.push("Số bao rác".into());
    h.extend(
        Organisation::ALL
            .iter()
            .map(|o| format!("Người tham gia ra quân: {}", o.label().vi)),
    );
    h
}

fn pct(f: &Figure) -> f64 {
    // Rounded to one decimal, as the report is read.
    f.percent()
        .map(|p| (p * 10.0).round() / 10.0)
        .unwrap_or(0.0)
}

fn numbers(a: Amount) -> Vec<f64> {
    match a {
        Amount::Share(f) => vec![f.numerator as f64, f.denominator as f64, pct(f)],
        Amount::Count(c) => vec![c.count as f64, c.people as f64],
    }
}

/// The summary rows: level, unit, then the numbers under [`summary_headings`].
pub fn summary_rows(r: &Report) -> Vec<(String, String, Vec<f64>)> {
    let row = |level: &str, t: &Targets| {
        let mut nums = vec![];
        for target in Target::ALL.iter().copied() {
            nums.extend(numbers(t.amount(target)));
            if let Some(before) = t.before(target) {
                nums.extend(numbers(before));
            }
        }
        let v = &t.cleanup_volume;
        nums.push((v.waste_kg * 10.0).round() / 10.0);
        nums.push(v.bags as f64);
        nums.extend(
            Organisation::ALL
                .iter()
                .map(|o| v.participants.of(*o) as f64),
        );
        (level.to_owned(), t.unit_name.clone(), nums)
    };
    let mut rows: Vec<_> = r.areas.iter().map(|t| row("Ấp/khu vực", t)).collect();
    rows.extend(r.communes.iter().map(|t| row("Xã/phường", t)));
    rows.push(row("Tỉnh/thành phố", &r.province));
    rows
}

/// What a report says besides its figures.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Notes {
    /// "Khó khăn, vướng mắc và đề xuất", in the commune's words.
    pub difficulties: String,
    /// Who sent it and when (ms), once sent.
    pub sent: Option<(String, i64)>,
}

/// A target's sheet of records: the label cut to the 31 characters a sheet name may have.
fn sheet_name(target: Target) -> String {
    let label = target.label().vi.replace(['·', '/', ':'], "-");
    label.chars().take(31).collect::<String>().trim().to_owned()
}

pub(crate) fn xlsx(
    report: &Report,
    rows: &[RecordRow],
    names: &Names,
    year: i32,
    personal: bool,
    notes: &Notes,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation time: the same report gives the same file, byte for byte.
    let created =
        rust_xlsxwriter::ExcelDateTime::parse_from_str(&format!("{}T00:00:00", report.to))?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    let province = report.communes.len() > 1;
    let s = wb.add_worksheet().set_name("Tổng hợp")?;
    // Plan VI.2: communes report to the Department by 30 November, the Department to the city
    // and the Ministry by 15 December, from the communes' figures.
    let (from, to) = (report.from.shown(), report.to.shown());
    let title = if province {
        format!(
            "Báo cáo tổng hợp toàn tỉnh năm {year} ({from} – {to}), gửi UBND thành phố và Bộ trước 15/12"
        )
    } else {
        format!("Kết quả thực hiện năm {year} ({from} – {to})")
    };
    s.write_string_with_format(0, 0, title, &bold)?;
    if let Some((by, at)) = &notes.sent {
        let when = chrono::DateTime::from_timestamp_millis(*at)
            .map(|t| t.format("%d/%m/%Y %H:%M UTC").to_string())
            .unwrap_or_default();
        s.write_string(1, 0, format!("Đã gửi lúc {when}, người gửi: {by}"))?;
    }
    for (c, h) in summary_headings().iter().enumerate() {
        s.write_string_with_format(2, c as u16, h, &bold)?;
    }
    let summary = summary_rows(report);
    for (i, (level, unit, nums)) in summary.iter().enumerate() {
        let r = 3 + i as u32;
        s.write_string(r, 0, level)?;
        s.write_string(r, 1, unit)?;
        for (j, n) in nums.iter().enumerate() {
            s.write_number(r, 2 + j as u16, *n)?;
        }
    }
    s.set_column_width(1, 24)?;
    // Below the figures: what the app does not measure, and the commune's own words.
    let mut r = 4 + summary.len() as u32;
    s.write_string_with_format(r, 0, "Chỉ tiêu không đo bằng ứng dụng", &bold)?;
    for n in &NOT_MEASURED {
        r += 1;
        s.write_string(r, 0, n.clause)?;
        s.write_string(r, 1, format!("{} — {}", n.target.vi, n.reason.vi))?;
    }
    r += 2;
    s.write_string_with_format(r, 0, "Khó khăn, vướng mắc và đề xuất", &bold)?;
    for (i, line) in notes.difficulties.lines().enumerate() {
        s.write_string(r + 1 + i as u32, 0, line)?;
    }
    if province {
        ranking_sheet(&mut wb, report, &bold)?;
    }
    let by_id: std::collections::HashMap<&str, &RecordRow> =
        rows.iter().map(|r| (r.id.as_str(), r)).collect();
    for target in Target::ALL.iter().copied() {
        let s = wb.add_worksheet().set_name(sheet_name(target))?;
        for (c, h) in ["Ấp/khu vực", "Mã hồ sơ", "Ngày", "Nội dung"]
            .iter()
            .enumerate()
        {
            s.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        let mut r = 1;
        for t in &report.areas {
            for id in t.amount(target).records() {
                s.write_string(r, 0, &t.unit_name)?;
                s.write_string(r, 1, id)?;
                if let Some(row) = by_id.get(id.as_str()) {
                    s.write_string(r, 2, &row.day)?;
                    s.write_string(r, 3, names.export_title(row, personal).vi)?;
                }
                r += 1;
            }
        }
        s.set_column_width(1, 38)?;
        s.set_column_width(3, 60)?;
    }
    wb.save_to_buffer()
}

/// Each commune's place on each target (the core's ranking), for the emulation and
/// commendation the plan asks of the Department.
fn ranking_sheet(
    wb: &mut Workbook,
    report: &Report,
    bold: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use sachxanh_core::report::ranking;
    let s = wb.add_worksheet().set_name("Xếp hạng các xã")?;
    s.write_string_with_format(0, 0, "Xã/phường", bold)?;
    for (c, target) in Target::ALL.iter().enumerate() {
        s.write_string_with_format(0, 1 + c as u16, target.label().vi, bold)?;
        let amounts: Vec<_> = report.communes.iter().map(|t| t.amount(*target)).collect();
        let n = amounts.len();
        for (r, rank) in ranking::ranks(*target, &amounts).into_iter().enumerate() {
            let text = rank.map_or("—".to_owned(), |k| format!("{k}/{n}"));
            s.write_string(1 + r as u32, 1 + c as u16, text)?;
        }
    }
    for (r, t) in report.communes.iter().enumerate() {
        s.write_string(1 + r as u32, 0, &t.unit_name)?;
    }
    s.set_column_width(0, 24)?;
    Ok(())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub(crate) fn csv(report: &Report) -> String {
    let mut out = String::from('\u{feff}'); // so spreadsheet programs read Vietnamese as UTF-8
    out.push_str(
        &summary_headings()
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for (level, unit, nums) in summary_rows(report) {
        let mut cells = vec![csv_field(&level), csv_field(&unit)];
        cells.extend(nums.iter().map(|n| n.to_string()));
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The yearly report: a commune's sent copy as it was sent, else computed now.
async fn yearly(
    st: Arc<AppState>,
    authed: Authed,
    q: YearQuery,
    xlsx_too: bool,
) -> Result<(Vec<u8>, i32), ApiError> {
    authed.require_viewer()?;
    let (year, p, from, to) = period(q.year)?;
    let communes = communes_for(&st.reference(), &authed.0.person, q.commune.as_deref())?;
    let personal =
        xlsx_too && personal_granted(q.personal, q.reason.as_deref(), &authed, "yearly.xlsx")?;
    let file = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        if let [commune] = communes.as_slice() {
            let sent = st.storage.sent_copy(commune, &p.to.to_string())?;
            if let Some(sent) = sent {
                if !personal {
                    return Ok(if xlsx_too { sent.xlsx } else { sent.csv });
                }
                // Names asked for: the sent figures, with today's names of their records.
                let frozen: crate::reporting::Frozen =
                    serde_json::from_str(&sent.frozen).map_err(ApiError::internal)?;
                let rows = st.storage.records_by_id(&frozen.counted)?;
                let all: Vec<&RecordRow> = rows.iter().collect();
                let reference = st.reference();
                let names = Names::for_rows(st.storage.as_ref(), &reference, &all)?;
                return xlsx(&frozen.report, &rows, &names, year, true, &frozen.notes)
                    .map_err(ApiError::internal);
            }
        }
        let (report, rows) = crate::reporting::compute(&st, &authed.0.person, &communes, from, to)?;
        // Several communes (the Department): assembled from the copies communes sent.
        let (report, notes) = if report.communes.len() > 1 {
            crate::reporting::roll_up(&st, report, p)?
        } else {
            (report, Notes::default())
        };
        if !xlsx_too {
            return Ok(csv(&report).into_bytes());
        }
        let all: Vec<&RecordRow> = rows.iter().collect();
        let reference = st.reference();
        let names = Names::for_rows(st.storage.as_ref(), &reference, &all)?;
        xlsx(&report, &rows, &names, year, personal, &notes).map_err(ApiError::internal)
    })
    .await??;
    Ok((file, year))
}

pub async fn yearly_xlsx(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Query(q): Query<YearQuery>,
) -> Result<Response, ApiError> {
    let (bytes, year) = yearly(st, authed, q, true).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"bao-cao-{year}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn yearly_csv(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Query(q): Query<YearQuery>,
) -> Result<Response, ApiError> {
    let (bytes, year) = yearly(st, authed, q, false).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"bao-cao-{year}.csv\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct CommuneQuery {
    commune: Option<String>,
    #[serde(default)]
    personal: bool,
    reason: Option<String>,
}

/// Every located record of the scope (cleanups, collection points, black spots; households and
/// names only when staff ask with a reason) as GeoJSON.
pub async fn records_geojson(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Query(q): Query<CommuneQuery>,
) -> Result<Response, ApiError> {
    authed.require_viewer()?;
    let communes = communes_for(&st.reference(), &authed.0.person, q.commune.as_deref())?;
    let personal = personal_granted(q.personal, q.reason.as_deref(), &authed, "records.geojson")?;
    let state = st.clone();
    let features =
        tokio::task::spawn_blocking(move || -> Result<Vec<serde_json::Value>, ApiError> {
            let rows = rows_of(state.storage.as_ref(), &authed.0.person, &communes, None)?;
            let all: Vec<&RecordRow> = rows.iter().collect();
            let reference = state.reference();
            let names = Names::for_rows(state.storage.as_ref(), &reference, &all)?;
            Ok(rows
                .iter()
                .filter(|r| personal || !r.record.place_is_personal())
                .filter_map(|r| {
                    let geometry = r.record.place()?.to_geojson();
                    let (title, kind, status) = (
                        names.export_title(r, personal),
                        r.kind().label(),
                        r.review_status.label(),
                    );
                    Some(serde_json::json!({
                        "type": "Feature",
                        "id": r.id,
                        "geometry": geometry,
                        "properties": {
                            "kind": r.kind(), "kind_label": kind.vi, "kind_label_en": kind.en,
                            "area_id": r.area_id, "review_status": r.review_status,
                            "status_label": status.vi, "status_label_en": status.en,
                            "date": r.day, "title": title.vi, "title_en": title.en,
                        },
                    }))
                })
                .collect())
        })
        .await??;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
        .into_response())
}
