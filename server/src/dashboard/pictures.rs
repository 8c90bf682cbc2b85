//! Pictures for staff who would rather look than read: a bar per target for each hamlet and the
//! campaign month by month on the targets page, and the commune's map of located records
//! (`GET /map`). All drawn here as inline SVG: the commune office may be offline (no tiles, no
//! fonts to fetch) and the pages run no script.
//!
//! The chart is written by hand rather than with a charting crate: plotters' SVG backend lays
//! out its labels with a font engine (`ttf` pulls font-kit and the system's fonts, `ab_glyph` a
//! bundled font file) for three bar charts we can place with a few lines of arithmetic, and its
//! SVG would come as one string put in the page unescaped, where askama now escapes every month
//! name and label.

use super::map::{AreaShape, Frame, Mark};
use super::pages::{percent, viewer, with_query, Ctx, Layout, Opt, Tab};
use super::words::Words;
use super::{communes_for, period, rows_of};
use crate::auth::Authed;
use crate::error::ApiError;
use crate::view::Names;
use crate::AppState;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use sachxanh_core::form::{self, InputSpec, Ladder};
use sachxanh_core::i18n::{Choice, Lang};
use sachxanh_core::model::{Day, Draft, RecordKind, ReviewStatus};
use sachxanh_core::report::monthly::{Measure, Month};
use sachxanh_core::report::{Amount, Report, Target, Targets};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

// ---------------------------------------------------------------------------------------------
// Progress bars

/// One unit's bars, one per target.
pub struct ProgressUnit {
    pub unit_id: String,
    pub name: String,
    pub commune: bool,
    pub bars: Vec<Bar>,
}

pub struct Bar {
    /// The target's code (for tests and links).
    pub target: &'static str,
    pub label: String,
    /// The figure as the table writes it.
    pub figure: String,
    /// What the bar says when hovered or read aloud: unit, target and figure.
    pub title: String,
    /// How much of the bar is filled, 0–100.
    pub width: String,
    /// A count, drawn against the unit with the most (a share is drawn against its whole).
    pub count: bool,
}

/// A figure and what follows it, as the targets table writes them.
pub(super) fn figure_text(lang: Lang, amount: Amount<'_>) -> (String, String) {
    match amount {
        Amount::Share(f) => (
            format!("{} / {}", f.numerator, f.denominator),
            percent(lang, f.percent()),
        ),
        Amount::Count(c) => (c.count.to_string(), c.people.to_string()),
    }
}

/// Bars for every unit of the report, hamlets first then communes, each target of
/// [`Target::ALL`] in order. A count has no whole: its bar is measured against the largest of
/// the same target among units of the same level (hamlets with hamlets, communes with communes).
pub fn progress(report: &Report, lang: Lang) -> Vec<ProgressUnit> {
    let level = |units: &[Targets], commune: bool| -> Vec<ProgressUnit> {
        let most = |target: Target| {
            units
                .iter()
                .map(|t| match t.amount(target) {
                    Amount::Count(c) => c.count,
                    Amount::Share(_) => 0,
                })
                .max()
                .unwrap_or(0)
        };
        let most: Vec<u64> = Target::ALL.iter().map(|t| most(*t)).collect();
        units
            .iter()
            .map(|t| ProgressUnit {
                unit_id: t.unit_id.clone(),
                name: t.unit_name.clone(),
                commune,
                bars: Target::ALL
                    .iter()
                    .zip(&most)
                    .map(|(target, most)| {
                        let amount = t.amount(*target);
                        let (figure, extra) = figure_text(lang, amount);
                        let figure = format!("{figure} · {extra}");
                        let (share, count) = match amount {
                            Amount::Share(f) => (f.percent().unwrap_or(0.0), false),
                            Amount::Count(c) if *most > 0 => {
                                (100.0 * c.count as f64 / *most as f64, true)
                            }
                            Amount::Count(_) => (0.0, true),
                        };
                        let label = target.label().get(lang).to_owned();
                        Bar {
                            target: target.as_str(),
                            title: format!("{}: {label} — {figure}", t.unit_name),
                            label,
                            figure,
                            width: format!("{:.1}", share.clamp(0.0, 100.0)),
                            count,
                        }
                    })
                    .collect(),
            })
            .collect()
    };
    let mut out = level(&report.areas, false);
    out.extend(level(&report.communes, true));
    out
}

// ---------------------------------------------------------------------------------------------
// The chart by month

/// Drawing units of one chart; the page scales it to its box.
const CHART_W: f64 = 380.0;
const CHART_H: f64 = 230.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 50.0;

/// One measure's bars by month.
pub struct Chart {
    pub measure: &'static str,
    pub title: String,
    pub view_box: String,
    /// The plot's corners, for the axes.
    pub x0: String,
    pub x1: String,
    pub y0: String,
    pub y1: String,
    /// Where the axes' titles go.
    pub mid_x: String,
    pub axis_y: String,
    pub label_x: String,
    pub label_y: String,
    /// Where tick values, month names and years are written.
    pub tick_x: String,
    pub month_y: String,
    pub year_y: String,
    pub axis_month: &'static str,
    pub ticks: Vec<Tick>,
    pub bars: Vec<ChartBar>,
}

/// A value on the vertical axis, with its grid line.
pub struct Tick {
    pub y: String,
    pub label: String,
}

pub struct ChartBar {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    /// The middle of the bar, for its labels.
    pub mid: String,
    /// The value written above the bar, while the bars are wide enough for it (the title
    /// always has it).
    pub value: Option<String>,
    /// Where the value is written (above the bar).
    pub value_y: String,
    /// Shown under the bar (not under every bar when the months are many).
    pub month: Option<String>,
    /// The year, under the first month named and under the first one named in each new year
    /// (a year alone under an unnamed January would read as the month before's).
    pub year: Option<String>,
    pub title: String,
}

/// A number as each language writes it: `1.234,5` in Vietnamese, `1,234.5` in English; whole
/// numbers without decimals.
pub fn number(lang: Lang, v: f64) -> String {
    let (thousands, decimal) = match lang {
        Lang::Vi => ('.', ','),
        Lang::En => (',', '.'),
    };
    let tenths = (v.abs() * 10.0).round() as u64;
    let (whole, tenth) = (tenths / 10, tenths % 10);
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(thousands);
        }
        out.push(c);
    }
    if tenth > 0 {
        out.push(decimal);
        out.push(char::from(b'0' + tenth as u8));
    }
    if v < 0.0 && tenths > 0 {
        out.insert(0, '-');
    }
    out
}

/// The top of the vertical axis: the smallest 1, 2 or 5 times a power of ten at or above the
/// largest value (1 when there is nothing), so the ticks are round numbers.
fn axis_top(max: f64) -> f64 {
    if max.is_nan() || max <= 0.0 {
        return 1.0;
    }
    let mut step = 1.0;
    while step * 10.0 <= max {
        step *= 10.0;
    }
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * step)
        .find(|top| *top >= max)
        .unwrap_or(max)
}

/// One chart per measure of [`Measure::ALL`], bars by month, in the page's language.
pub fn charts(months: &[Month], lang: Lang, w: &'static Words) -> Vec<Chart> {
    let n = months.len().max(1) as f64;
    let (plot_w, plot_h) = (CHART_W - LEFT - RIGHT, CHART_H - TOP - BOTTOM);
    let slot = plot_w / n;
    // Month names under every bar while they fit (about 28 units each), else every k-th.
    let every = ((28.0 / slot).ceil() as usize).max(1);
    // Values above the bars while a "1.403" fits (a period of up to 15 months).
    let values_fit = slot >= 20.0;
    let f = |v: f64| format!("{v:.1}");
    Measure::ALL
        .iter()
        .map(|measure| {
            let values: Vec<f64> = months.iter().map(|m| m.value(*measure)).collect();
            let top = axis_top(values.iter().copied().fold(0.0, f64::max));
            let y_of = |v: f64| TOP + plot_h * (1.0 - v / top);
            let label = measure.label().get(lang).to_owned();
            let mut year_named = None;
            let bars = months
                .iter()
                .zip(&values)
                .enumerate()
                .map(|(i, (m, v))| {
                    let named = i % every == 0;
                    let year = (named && year_named != Some(m.year)).then(|| {
                        year_named = Some(m.year);
                        m.year.to_string()
                    });
                    let x = LEFT + slot * i as f64 + slot * 0.15;
                    let y = y_of(*v);
                    let month_name = w.months.get(m.month as usize - 1).copied().unwrap_or("");
                    let value = number(lang, *v);
                    ChartBar {
                        x: f(x),
                        y: f(y),
                        width: f(slot * 0.7),
                        height: f(TOP + plot_h - y),
                        mid: f(x + slot * 0.35),
                        value_y: f(y - 4.0),
                        month: named.then(|| month_name.to_owned()),
                        year,
                        title: format!("{month_name} {}: {label} {value}", m.year),
                        value: values_fit.then_some(value),
                    }
                })
                .collect();
            Chart {
                measure: measure.as_str(),
                view_box: format!("0 0 {CHART_W:.0} {CHART_H:.0}"),
                x0: f(LEFT),
                x1: f(CHART_W - RIGHT),
                y0: f(TOP + plot_h),
                y1: f(TOP),
                mid_x: f(LEFT + plot_w / 2.0),
                axis_y: f(CHART_H - 6.0),
                label_x: f(14.0),
                label_y: f(TOP + plot_h / 2.0),
                tick_x: f(LEFT - 5.0),
                month_y: f(TOP + plot_h + 14.0),
                year_y: f(TOP + plot_h + 27.0),
                axis_month: w.axis_month,
                ticks: [0.0, top / 2.0, top]
                    .into_iter()
                    .map(|v| Tick {
                        y: f(y_of(v)),
                        label: number(lang, v),
                    })
                    .collect(),
                bars,
                title: label,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The map of located records

/// The kinds drawn on the map: those whose form has a place, unless that place is a person's
/// home (a household's location stays off the map, as it stays out of default exports).
pub fn located_kinds() -> Vec<RecordKind> {
    RecordKind::ALL
        .iter()
        .copied()
        .filter(|k| {
            k.fields()
                .iter()
                .any(|f| matches!(f.input, InputSpec::Place))
        })
        .filter(|k| !k.draft(&Draft::default()).place_is_personal())
        .collect()
}

/// Each kind's colour (when it has no status ladder) and shape, by its place among the
/// located kinds; kept apart from the ladder's red-to-green.
const KIND_COLOURS: &[&str] = &["#1c6dd0", "#7048e8", "#8f5a00", "#0c8599", "#c2255c"];
/// A kind whose marks take their status's colour.
const NEUTRAL: &str = "#7d8a82";

#[derive(Clone, Copy, PartialEq)]
pub enum Shape {
    Circle,
    Square,
    Diamond,
}

const SHAPES: &[Shape] = &[Shape::Circle, Shape::Square, Shape::Diamond];

/// The colour of step `i` of `n` on a status ladder: from red (just reported) through amber to
/// green (done), so a black spot still open stands out.
fn step_colour(i: usize, n: usize) -> String {
    let t = if n > 1 {
        i as f64 / (n - 1) as f64
    } else {
        1.0
    };
    // HSL with the hue turning from red to green and darkening as it goes, so neighbouring
    // steps (cleaned, closed) still differ, and all stay readable on the map's pale green.
    let (h, s, l) = (120.0 * t, 0.75, 0.46 - 0.14 * t);
    let c = (1.0 - (2.0 * l - 1.0_f64).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0_f64).abs());
    let (r, g, b) = if h < 60.0 { (c, x, 0.0) } else { (x, c, 0.0) };
    let m = l - c / 2.0;
    let byte = |v: f64| ((v + m) * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b))
}

/// The choices of a kind's ladder, in order, with their labels from the core.
fn ladder_steps(kind: RecordKind, ladder: &Ladder) -> Vec<Choice> {
    let options = kind
        .fields()
        .iter()
        .find(|f| f.path == ladder.status)
        .map(|f| match f.input {
            InputSpec::Choice(options) => options(),
            _ => vec![],
        })
        .unwrap_or_default();
    ladder
        .steps
        .iter()
        .filter_map(|(code, _)| options.iter().find(|c| c.code == *code).cloned())
        .collect()
}

/// How one located kind is drawn.
struct KindStyle {
    kind: RecordKind,
    colour: String,
    shape: Shape,
    /// Its ladder's steps and their colours, when it has one.
    steps: Vec<(Choice, String)>,
}

fn styles() -> Vec<KindStyle> {
    located_kinds()
        .into_iter()
        .enumerate()
        .map(|(i, kind)| {
            let steps = kind
                .ladder()
                .map(|l| ladder_steps(kind, &l))
                .unwrap_or_default();
            let n = steps.len();
            // A kind coloured by its steps has a neutral swatch of its own in the legend.
            let colour = if steps.is_empty() {
                KIND_COLOURS[i % KIND_COLOURS.len()]
            } else {
                NEUTRAL
            };
            KindStyle {
                kind,
                colour: colour.to_owned(),
                shape: SHAPES[i % SHAPES.len()],
                steps: steps
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| (c, step_colour(i, n)))
                    .collect(),
            }
        })
        .collect()
}

/// A record on the map.
pub struct MapMark {
    pub id: String,
    pub href: String,
    pub kind: &'static str,
    /// Its step on its kind's ladder, if the kind has one.
    pub status: String,
    pub colour: String,
    pub title: String,
    pub drawn: Drawn,
}

pub enum Drawn {
    Circle { cx: String, cy: String },
    Square { x: String, y: String },
    Diamond { d: String },
    Line { points: String },
    Polygon { d: String },
}

impl Drawn {
    fn of(mark: Mark, shape: Shape) -> Drawn {
        match mark {
            Mark::Point { cx, cy } => {
                let (x, y): (f64, f64) = (cx.parse().unwrap_or(0.0), cy.parse().unwrap_or(0.0));
                match shape {
                    Shape::Circle => Drawn::Circle { cx, cy },
                    Shape::Square => Drawn::Square {
                        x: format!("{:.1}", x - 6.0),
                        y: format!("{:.1}", y - 6.0),
                    },
                    Shape::Diamond => Drawn::Diamond {
                        d: diamond(x, y, 8.0),
                    },
                }
            }
            Mark::Line { points } => Drawn::Line { points },
            Mark::Polygon { d } => Drawn::Polygon { d },
        }
    }

    fn is_point(&self) -> bool {
        matches!(
            self,
            Drawn::Circle { .. } | Drawn::Square { .. } | Drawn::Diamond { .. }
        )
    }
}

fn diamond(x: f64, y: f64, r: f64) -> String {
    format!(
        "M{:.1},{:.1}L{:.1},{:.1}L{:.1},{:.1}L{:.1},{:.1}Z",
        x,
        y - r,
        x + r,
        y,
        x,
        y + r,
        x - r,
        y
    )
}

/// A line of the legend: a swatch, what it stands for and how many are drawn.
pub struct LegendItem {
    pub kind: &'static str,
    pub status: String,
    pub label: String,
    pub count: usize,
    pub colour: String,
    pub swatch: Drawn,
    /// A step of the kind above (indented under it).
    pub step: bool,
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    l: Layout,
    communes: Vec<Opt>,
    kinds: Vec<Opt>,
    from: String,
    to: String,
    view_box: String,
    areas: Vec<AreaShape>,
    marks: Vec<MapMark>,
    legend: Vec<LegendItem>,
}

#[derive(Deserialize, Serialize, Default)]
pub struct MapQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    commune: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<String>,
}

/// The kind asked for, if any: one of the kinds the map draws.
fn map_kind(asked: Option<&str>) -> Result<Option<RecordKind>, ApiError> {
    match asked.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(k) => match RecordKind::parse(k) {
            None => Err(ApiError::bad_request(
                "loại hồ sơ không tồn tại",
                "unknown record kind",
            )),
            Some(kind) if located_kinds().contains(&kind) => Ok(Some(kind)),
            Some(_) => Err(ApiError::bad_request(
                "loại hồ sơ này không vẽ trên bản đồ",
                "records of this kind are not drawn on the map",
            )),
        },
    }
}

/// `GET /map`: the commune's areas with its approved located records of the period, each a
/// link to its record. Staff see their commune; the Department picks one (the first by default).
pub async fn show(
    State(st): State<Arc<AppState>>,
    ctx: Ctx,
    authed: Result<Authed, ApiError>,
    q: Result<Query<MapQuery>, QueryRejection>,
) -> Response {
    match map_page(&st, &ctx, authed, q).await {
        Ok(r) => r,
        Err(e) => ctx.fail(e),
    }
}

async fn map_page(
    st: &Arc<AppState>,
    ctx: &Ctx,
    authed: Result<Authed, ApiError>,
    q: Result<Query<MapQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let authed = viewer(authed)?;
    let Ok(Query(q)) = q else {
        return Err(ApiError::bad_request(
            "bộ lọc không hợp lệ",
            "invalid filter",
        ));
    };
    let (from, to) = period(&q.from, &q.to)?;
    let kind = map_kind(q.kind.as_deref())?;
    let reference = st.reference();
    let person = authed.0.person.clone();
    drop(authed);
    let commune = match communes_for(&reference, &person, q.commune.as_deref())?
        .into_iter()
        .next()
    {
        Some(c) => c,
        // The Department asked for none: the first commune.
        None => reference
            .communes()
            .next()
            .map(|c| c.id.clone())
            .ok_or_else(ApiError::not_found)?,
    };
    let lang = ctx.lang;
    let (viewer_person, asked) = (person.clone(), commune.clone());
    let (frame, marks, legend) = crate::blocking(st, move |state| {
        let rows = rows_of(
            state.storage.as_ref(),
            &viewer_person,
            std::slice::from_ref(&asked),
            Some(ReviewStatus::Approved),
        )?;
        let styles = styles();
        let in_period = |day: &str| Day::parse(day).is_none_or(|d| from <= d && d <= to);
        let shown: Vec<_> = rows
            .iter()
            .filter(|r| kind.is_none_or(|k| r.kind() == k))
            .filter(|r| in_period(&r.day))
            .filter_map(|r| {
                let style = styles.iter().find(|s| s.kind == r.kind())?;
                Some((r, style, r.record.place()?))
            })
            .collect();
        let reference = state.reference();
        let frame = Frame::of(
            &reference,
            &asked,
            None,
            shown.iter().flat_map(|(_, _, p)| p.coords.iter()),
        )
        .ok_or_else(ApiError::not_found)?;
        let all: Vec<_> = shown.iter().map(|(r, _, _)| *r).collect();
        let names = Names::for_rows(state.storage.as_ref(), &reference, &all)?;
        let mut counts: std::collections::HashMap<(RecordKind, String), usize> = Default::default();
        let mut marks: Vec<MapMark> = shown
            .iter()
            .filter_map(|(r, style, place)| {
                let mark = frame.mark(place)?;
                // Its step on the ladder, as the core's form reads it.
                let step = form::state_of(&r.record).ladder.map(|l| l.current.code);
                let colour = step
                    .as_ref()
                    .and_then(|s| style.steps.iter().find(|(c, _)| &c.code == s))
                    .map(|(_, colour)| colour.clone())
                    .unwrap_or_else(|| style.colour.clone());
                let status = step.unwrap_or_default();
                *counts.entry((style.kind, status.clone())).or_default() += 1;
                let status_label = style
                    .steps
                    .iter()
                    .find(|(c, _)| c.code == status)
                    .map(|(c, _)| format!(" · {}", c.label.get(lang)))
                    .unwrap_or_default();
                Some(MapMark {
                    id: r.id.clone(),
                    href: format!("/records/{}", r.id),
                    kind: style.kind.as_str(),
                    title: format!(
                        "{} · {}{status_label} · {}",
                        style.kind.label().get(lang),
                        names.title(r).get(lang),
                        Day::parse(&r.day).map(|d| d.shown()).unwrap_or_default()
                    ),
                    status,
                    colour,
                    drawn: Drawn::of(mark, style.shape),
                })
            })
            .collect();
        // Lines and areas underneath, points on top where a click finds them, the kinds with a
        // status ladder (the black spots to act on) last of all.
        let layer = |m: &MapMark| {
            let kind = styles.iter().position(|s| s.kind.as_str() == m.kind);
            let laddered = kind.is_some_and(|i| !styles[i].steps.is_empty());
            (m.drawn.is_point(), laddered, kind)
        };
        marks.sort_by_key(layer);
        let count = |k: RecordKind, s: Option<&str>| -> usize {
            counts
                .iter()
                .filter(|((kind, step), _)| *kind == k && s.is_none_or(|s| s == step))
                .map(|(_, n)| n)
                .sum()
        };
        let swatch = |shape: Shape| {
            Drawn::of(
                Mark::Point {
                    cx: "8".into(),
                    cy: "8".into(),
                },
                shape,
            )
        };
        let mut legend = vec![];
        for s in styles.iter().filter(|s| kind.is_none_or(|k| k == s.kind)) {
            legend.push(LegendItem {
                kind: s.kind.as_str(),
                status: String::new(),
                label: s.kind.label().get(lang).to_owned(),
                count: count(s.kind, None),
                colour: s.colour.clone(),
                swatch: swatch(s.shape),
                step: false,
            });
            for (c, colour) in &s.steps {
                legend.push(LegendItem {
                    kind: s.kind.as_str(),
                    status: c.code.clone(),
                    label: c.label.get(lang).to_owned(),
                    count: count(s.kind, Some(&c.code)),
                    colour: colour.clone(),
                    swatch: swatch(s.shape),
                    step: true,
                });
            }
        }
        Ok((frame, marks, legend))
    })
    .await?;
    let w = ctx.w();
    // Only the Department picks a commune; staff see their own.
    let picks = person.role == sachxanh_core::model::Role::ProvinceViewer;
    let communes = reference
        .communes()
        .filter(|_| picks)
        .map(|c| Opt {
            value: c.id.clone(),
            label: c.name.clone(),
            selected: c.id == commune,
            catalog: false,
        })
        .collect();
    let mut kinds = vec![Opt {
        value: String::new(),
        label: w.all.into(),
        selected: kind.is_none(),
        catalog: false,
    }];
    kinds.extend(located_kinds().into_iter().map(|k| Opt {
        value: k.as_str().to_owned(),
        label: ctx.t(&k.label()),
        selected: Some(k) == kind,
        catalog: true,
    }));
    let page = MapPage {
        l: ctx.layout(Some(&person), Tab::Map),
        communes,
        kinds,
        from: from.to_string(),
        to: to.to_string(),
        view_box: frame.view_box,
        areas: frame.areas,
        marks,
        legend,
    };
    Ok(ctx.page(StatusCode::OK, page))
}

/// The map page's address for a commune and period (the targets page links to it).
pub fn map_href(commune: Option<&str>, from: Day, to: Day) -> String {
    let q = MapQuery {
        commune: commune.map(str::to_owned),
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        ..Default::default()
    };
    with_query("/map", &serde_urlencoded::to_string(&q).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sachxanh_core::report::monthly::monthly;

    #[test]
    fn numbers_are_written_as_each_language_writes_them() {
        assert_eq!(number(Lang::Vi, 1234.5), "1.234,5");
        assert_eq!(number(Lang::En, 1234.5), "1,234.5");
        assert_eq!(number(Lang::En, 1_000_000.0), "1,000,000");
        assert_eq!(number(Lang::Vi, 0.0), "0");
        assert_eq!(number(Lang::Vi, 999.0), "999");
    }

    #[test]
    fn the_axis_ends_on_a_round_number_above_the_tallest_bar() {
        assert_eq!(axis_top(0.0), 1.0);
        assert_eq!(axis_top(1.0), 1.0);
        assert_eq!(axis_top(3.0), 5.0);
        assert_eq!(axis_top(7.0), 10.0);
        assert_eq!(axis_top(1234.0), 2000.0);
        assert_eq!(axis_top(f64::NAN), 1.0);
    }

    #[test]
    fn every_target_has_a_bar_and_counts_compare_with_the_most() {
        let reference = sachxanh_core::Reference::demo();
        let day = |m, d| Day::ymd(2026, m, d).unwrap_or(Day::EARLIEST);
        let mut report =
            sachxanh_core::report::compute(&reference, &[], &[], day(1, 1), day(3, 31));
        let units = progress(&report, Lang::En);
        assert_eq!(units.len(), report.areas.len() + report.communes.len());
        for u in &units {
            let codes: Vec<&str> = u.bars.iter().map(|b| b.target).collect();
            let all: Vec<&str> = Target::ALL.iter().map(|t| t.as_str()).collect();
            assert_eq!(codes, all);
            // Nothing approved: every bar empty, the figure still written.
            assert!(u
                .bars
                .iter()
                .all(|b| b.width == "0.0" && !b.figure.is_empty()));
        }
        // Briefings held: 4 in one hamlet, 1 in another; a share: 1 of 4 weekends.
        report.areas[0].briefings.count = 4;
        report.areas[1].briefings.count = 1;
        report.areas[1].weekend_cleanups.numerator = 1;
        report.areas[1].weekend_cleanups.denominator = 4;
        let units = progress(&report, Lang::Vi);
        let bar = |unit: usize, target: Target| {
            let b = units[unit]
                .bars
                .iter()
                .find(|b| b.target == target.as_str());
            b.map(|b| (b.width.clone(), b.figure.clone(), b.count))
        };
        assert_eq!(
            bar(0, Target::Briefings),
            Some(("100.0".into(), "4 · 0".into(), true))
        );
        assert_eq!(bar(1, Target::Briefings).map(|b| b.0), Some("25.0".into()));
        assert_eq!(
            bar(1, Target::WeekendCleanups),
            Some(("25.0".into(), "1 / 4 · 25,0%".into(), false))
        );
        assert!(units[1].bars[0]
            .title
            .starts_with(&report.areas[1].unit_name));
    }

    #[test]
    fn a_chart_has_a_bar_a_month_named_in_the_pages_language() {
        let reference = sachxanh_core::Reference::demo();
        let from = Day::ymd(2026, 11, 1).unwrap_or(Day::EARLIEST);
        let to = Day::ymd(2027, 2, 10).unwrap_or(Day::EARLIEST);
        let months = monthly(&reference, &[], &[], from, to);
        let vi = charts(&months, Lang::Vi, super::super::words::of(Lang::Vi));
        assert_eq!(vi.len(), Measure::ALL.len());
        let names: Vec<_> = vi[0].bars.iter().map(|b| b.month.clone()).collect();
        assert_eq!(
            names,
            ["Th11", "Th12", "Th1", "Th2"].map(|s| Some(s.to_owned()))
        );
        let years: Vec<_> = vi[0].bars.iter().map(|b| b.year.clone()).collect();
        assert_eq!(
            years,
            [Some("2026"), None, Some("2027"), None].map(|y| y.map(str::to_owned))
        );
        let en = charts(&months, Lang::En, super::super::words::of(Lang::En));
        assert_eq!(en[1].bars[0].title, "Nov 2026: Waste collected (kg) 0");
        assert_eq!(en[1].bars[0].value.as_deref(), Some("0"));
        // Three years by month: every fourth month named (28 units apart at least), the values
        // in the titles only.
        let to = Day::ymd(2029, 10, 31).unwrap_or(Day::EARLIEST);
        let long = charts(
            &monthly(&reference, &[], &[], from, to),
            Lang::En,
            super::super::words::of(Lang::En),
        );
        let named = long[0].bars.iter().filter(|b| b.month.is_some()).count();
        assert_eq!((long[0].bars.len(), named), (36, 9));
        assert!(long[0]
            .bars
            .iter()
            .all(|b| b.value.is_none() && b.title.ends_with(" 0")));
        // Each year under the first month named in it: Nov 2026, Mar 2027 (January and
        // February unnamed), Mar 2028, Mar 2029.
        let years: Vec<(usize, String)> = long[0]
            .bars
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.year.clone().map(|y| (i, y)))
            .collect();
        let want = [(0, "2026"), (4, "2027"), (16, "2028"), (28, "2029")];
        assert_eq!(years, want.map(|(i, y)| (i, y.to_owned())));
    }

    #[test]
    fn the_map_draws_places_that_are_not_homes_and_colours_a_ladder_by_step() {
        let kinds = located_kinds();
        assert!(!kinds.is_empty());
        assert!(kinds
            .iter()
            .all(|k| !k.draft(&Draft::default()).place_is_personal()));
        assert!(map_kind(Some("no-such-kind")).is_err());
        assert!(!kinds.contains(&RecordKind::Household));
        assert!(map_kind(Some(RecordKind::Household.as_str())).is_err());
        assert_eq!(map_kind(Some("")).ok(), Some(None));
        let with_ladder = styles().into_iter().find(|s| !s.steps.is_empty());
        let Some(s) = with_ladder else {
            panic!("a located kind with a status ladder")
        };
        let colours: std::collections::BTreeSet<_> = s.steps.iter().map(|(_, c)| c).collect();
        assert_eq!(colours.len(), s.steps.len(), "each step its own colour");
        let rgb = |c: &str| {
            let v = |i| u8::from_str_radix(&c[i..i + 2], 16).unwrap_or(0);
            (v(1), v(3), v(5))
        };
        let (first, last) = (rgb(&step_colour(0, 4)), rgb(&step_colour(3, 4)));
        assert!(first.0 > 2 * first.1, "the first step is red: {first:?}");
        assert!(last.1 > 2 * last.0, "the last step is green: {last:?}");
    }
}
