//! The yearly report for the 30 November deadline (XLSX with Vietnamese headings and CSV) and
//! the GeoJSON export of every located record.

use crate::auth::Authed;
use crate::dashboard::{communes_for, report_for, rows_of};
use crate::error::ApiError;
use crate::storage::RecordRow;
use crate::view::Names;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};
use sachxanh_core::model::Day;
use sachxanh_core::report::{Figure, Report, Targets};
use serde::Deserialize;
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

fn period(year: Option<i32>) -> Result<(i32, Day, Day), ApiError> {
    let today = Day::today();
    let year = year.unwrap_or_else(|| chrono::Datelike::year(&today.0));
    let bad = || ApiError::bad_request("năm không hợp lệ", "invalid year");
    if !(2020..=2100).contains(&year) {
        return Err(bad());
    }
    let from = Day::ymd(year, 1, 1).ok_or_else(bad)?;
    let end = Day::ymd(year, 12, 31).ok_or_else(bad)?;
    // A year not over yet is reported up to today: future weekends cannot have been missed.
    Ok((year, from, end.min(today.max(from))))
}

pub const SUMMARY_HEADINGS: [&str; 21] = [
    "Cấp",
    "Đơn vị",
    "Cuối tuần có ra quân",
    "Số cuối tuần",
    "Tỷ lệ ra quân cuối tuần (%)",
    "Hộ phân loại đủ 3 nhóm",
    "Tổng số hộ",
    "Tỷ lệ hộ phân loại (%)",
    "Ấp/khu vực có hương ước về môi trường có hiệu lực",
    "Tổng số ấp/khu vực",
    "Tỷ lệ hương ước (%)",
    "Điểm tập kết đạt yêu cầu",
    "Tổng số điểm tập kết",
    "Tỷ lệ điểm tập kết đạt (%)",
    "Bãi rác tự phát, điểm đen đã xử lý",
    "Bãi rác tự phát, điểm đen đã phát hiện",
    "Tỷ lệ đã xử lý (%)",
    "Số buổi phổ biến, quán triệt",
    "Số lượt người được phổ biến",
    "Mô hình tự quản đang hoạt động",
    "Thành viên mô hình tự quản",
];

fn pct(f: &Figure) -> f64 {
    // Rounded to one decimal, as the report is read.
    f.percent()
        .map(|p| (p * 10.0).round() / 10.0)
        .unwrap_or(0.0)
}

/// The summary rows: level, unit, then numerator, denominator and percent of each share, then
/// the counts (briefings and people reached, active models and members).
pub fn summary_rows(r: &Report) -> Vec<(String, String, Vec<f64>)> {
    let row = |level: &str, t: &Targets| {
        let mut nums = vec![];
        for f in [
            &t.weekend_cleanups,
            &t.household_sorting,
            &t.covenant_adoption,
            &t.collection_points,
            &t.dumps_closed,
        ] {
            nums.extend([f.numerator as f64, f.denominator as f64, pct(f)]);
        }
        for c in [&t.briefings, &t.self_managed_models] {
            nums.extend([c.count as f64, c.people as f64]);
        }
        (level.to_owned(), t.unit_name.clone(), nums)
    };
    let mut rows: Vec<_> = r.areas.iter().map(|t| row("Ấp/khu vực", t)).collect();
    rows.extend(r.communes.iter().map(|t| row("Xã/phường", t)));
    rows.push(row("Tỉnh/thành phố", &r.province));
    rows
}

fn xlsx(
    report: &Report,
    rows: &[RecordRow],
    names: &Names,
    year: i32,
    personal: bool,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let province = report.communes.len() > 1;
    let s = wb.add_worksheet().set_name("Tổng hợp")?;
    // Plan VI.2: communes report to the Department by 30 November, the Department to the city
    // and the Ministry by 15 December, from the communes' figures.
    let title = if province {
        format!(
            "Báo cáo tổng hợp toàn tỉnh năm {year} ({} – {}), gửi UBND thành phố và Bộ trước 15/12",
            report.from, report.to
        )
    } else {
        format!(
            "Kết quả thực hiện năm {year} ({} – {})",
            report.from, report.to
        )
    };
    s.write_string_with_format(0, 0, title, &bold)?;
    for (c, h) in SUMMARY_HEADINGS.iter().enumerate() {
        s.write_string_with_format(2, c as u16, *h, &bold)?;
    }
    for (i, (level, unit, nums)) in summary_rows(report).iter().enumerate() {
        let r = 3 + i as u32;
        s.write_string(r, 0, level)?;
        s.write_string(r, 1, unit)?;
        for (j, n) in nums.iter().enumerate() {
            s.write_number(r, 2 + j as u16, *n)?;
        }
    }
    s.set_column_width(1, 24)?;
    if province {
        ranking_sheet(&mut wb, report, &bold)?;
    }
    let by_id: std::collections::HashMap<&str, &RecordRow> =
        rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let area_name = |t: &Targets| t.unit_name.clone();
    type Pick = fn(&Targets) -> &[String];
    let lists: [(&str, Pick); 7] = [
        ("Ra quân cuối tuần", |t| &t.weekend_cleanups.records),
        ("Phân loại rác", |t| &t.household_sorting.records),
        ("Hương ước", |t| &t.covenant_adoption.records),
        ("Điểm tập kết", |t| &t.collection_points.records),
        ("Điểm đen đã xử lý", |t| &t.dumps_closed.records),
        ("Phổ biến", |t| &t.briefings.records),
        ("Mô hình tự quản", |t| &t.self_managed_models.records),
    ];
    for (name, pick) in lists {
        let s = wb.add_worksheet().set_name(name)?;
        for (c, h) in ["Ấp/khu vực", "Mã hồ sơ", "Ngày", "Nội dung"]
            .iter()
            .enumerate()
        {
            s.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        let mut r = 1;
        for t in &report.areas {
            for id in pick(t) {
                s.write_string(r, 0, area_name(t))?;
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
    use sachxanh_core::report::{ranking, Target};
    let s = wb.add_worksheet().set_name("Xếp hạng các xã")?;
    s.write_string_with_format(0, 0, "Xã/phường", bold)?;
    for (c, target) in Target::ALL.iter().enumerate() {
        s.write_string_with_format(0, 1 + c as u16, target.label().vi, bold)?;
        let amounts: Vec<_> = report.communes.iter().map(|t| t.amount(*target)).collect();
        let n = amounts.len();
        for (r, rank) in ranking::ranks(&amounts).into_iter().enumerate() {
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

fn csv(report: &Report) -> String {
    let mut out = String::from('\u{feff}'); // so spreadsheet programs read Vietnamese as UTF-8
    out.push_str(
        &SUMMARY_HEADINGS
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

async fn yearly(
    st: Arc<AppState>,
    authed: Authed,
    q: YearQuery,
    xlsx_too: bool,
) -> Result<(Report, Option<Vec<u8>>, i32), ApiError> {
    authed.require_viewer()?;
    let (year, from, to) = period(q.year)?;
    let communes = communes_for(&st.reference(), &authed.0.person, q.commune.as_deref())?;
    let personal =
        xlsx_too && personal_granted(q.personal, q.reason.as_deref(), &authed, "yearly.xlsx")?;
    let (report, book) = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let (report, rows) = report_for(&st, &authed.0.person, &communes, from, to)?;
        let book = if xlsx_too {
            let all: Vec<&RecordRow> = rows.iter().collect();
            let reference = st.reference();
            let names = Names::for_rows(st.storage.as_ref(), &reference, &all)?;
            Some(xlsx(&report, &rows, &names, year, personal).map_err(ApiError::internal)?)
        } else {
            None
        };
        Ok((report, book))
    })
    .await??;
    Ok((report, book, year))
}

pub async fn yearly_xlsx(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Query(q): Query<YearQuery>,
) -> Result<Response, ApiError> {
    let (_, bytes, year) = yearly(st, authed, q, true).await?;
    let bytes = bytes.unwrap_or_default();
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
    let (report, _, year) = yearly(st, authed, q, false).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"bao-cao-{year}.csv\""),
            ),
        ],
        csv(&report),
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
