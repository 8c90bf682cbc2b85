//! The plan's targets (DOMAIN.md), computed from approved records only, the same way on phones
//! and on the server. Inputs are plain facts, so the server can feed them from its tables and a
//! phone from its projections; each figure keeps its numerator, denominator and the records
//! behind it for drilling down.

pub mod duplicates;
pub mod period;
pub mod ranking;

use crate::model::{AnyRecord, Day, ModelStatus, SpotKind};
use crate::reference::Reference;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// An approved record, with what the targets need besides its values: its id (for drilling
/// down) and when it was made (the latest of several checks or covenants wins).
#[derive(Debug, Clone)]
pub struct Fact {
    pub id: String,
    pub created_at: i64,
    pub record: AnyRecord,
}

impl Fact {
    fn area_id(&self) -> &str {
        self.record.area_id().unwrap_or_default()
    }
}

crate::string_enum! {
    /// The plan's targets, in the order every report lists them; the code names a figure in a
    /// link (a drill-down), the label heads its column.
    pub enum Target {
        WeekendCleanups = "weekend_cleanups" ("Ra quân cuối tuần", "Weekend cleanups"),
        HouseholdSorting = "household_sorting" ("Hộ phân loại đủ 3 nhóm", "Households sorting all 3 groups"),
        CovenantAdoption = "covenant_adoption" ("Hương ước về môi trường có hiệu lực", "Environmental covenants in force"),
        CollectionPoints = "collection_points" ("Điểm tập kết đạt yêu cầu", "Collection points meeting requirements"),
        DumpsClosed = "dumps_closed" ("Bãi rác tự phát, điểm đen đã xử lý", "Spontaneous dumps and black spots closed"),
        Briefings = "briefings" ("Buổi phổ biến · người tham dự", "Briefings · people reached"),
        SelfManagedModels = "self_managed_models" ("Mô hình tự quản · thành viên", "Self-managed models · members"),
    }
}

/// One target's figure for a unit: a share of a whole, or a count with the people it reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount<'a> {
    Share(&'a Figure),
    Count(&'a Tally),
}

impl Amount<'_> {
    /// The records behind the figure, to drill down into.
    pub fn records(&self) -> &[String] {
        match self {
            Amount::Share(f) => &f.records,
            Amount::Count(t) => &t.records,
        }
    }
}

/// A share: `numerator / denominator`, with the records that make the numerator.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Figure {
    pub numerator: u64,
    pub denominator: u64,
    /// Ids of the approved records behind the numerator.
    pub records: Vec<String>,
}

impl Figure {
    fn new() -> Self {
        Figure {
            numerator: 0,
            denominator: 0,
            records: vec![],
        }
    }

    /// The share in percent, `None` when there is nothing to count.
    pub fn percent(&self) -> Option<f64> {
        (self.denominator > 0).then(|| 100.0 * self.numerator as f64 / self.denominator as f64)
    }

    fn add(&mut self, other: &Figure) {
        self.numerator += other.numerator;
        self.denominator += other.denominator;
        self.records.extend(other.records.iter().cloned());
    }
}

/// A count with the people it concerns: briefings held and people reached, active
/// self-managed models and their members.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Tally {
    pub count: u64,
    pub people: u64,
    /// Ids of the approved records counted.
    pub records: Vec<String>,
}

impl Tally {
    fn new() -> Self {
        Tally {
            count: 0,
            people: 0,
            records: vec![],
        }
    }

    fn push(&mut self, id: &str, people: u32) {
        self.count += 1;
        self.people += people as u64;
        self.records.push(id.to_owned());
    }

    fn add(&mut self, other: &Tally) {
        self.count += other.count;
        self.people += other.people;
        self.records.extend(other.records.iter().cloned());
    }
}

/// The targets of plan II.2 for one unit (area, commune or province).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Targets {
    pub unit_id: String,
    pub unit_name: String,
    /// Target (a): area-weekends with an approved cleanup / area-weekends in the period.
    pub weekend_cleanups: Figure,
    /// Target (b): households whose latest approved check sorts all three groups / households.
    pub household_sorting: Figure,
    /// Target (c): areas whose covenant with environmental content is in force / areas.
    pub covenant_adoption: Figure,
    /// Target (b): collection points meeting the technical requirements / collection points.
    pub collection_points: Figure,
    /// Target (đ): spontaneous dumps and pollution black spots closed by the end of the period /
    /// those reported by then. (Burning and other violation reports are tracked, not counted.)
    pub dumps_closed: Figure,
    /// Target (d): briefing sessions held in the period and the people they reached.
    pub briefings: Tally,
    /// Target (c): self-managed environmental models active at the end of the period, and
    /// their members.
    pub self_managed_models: Tally,
}

impl Targets {
    /// The figure of `target`.
    pub fn amount(&self, target: Target) -> Amount<'_> {
        match target {
            Target::WeekendCleanups => Amount::Share(&self.weekend_cleanups),
            Target::HouseholdSorting => Amount::Share(&self.household_sorting),
            Target::CovenantAdoption => Amount::Share(&self.covenant_adoption),
            Target::CollectionPoints => Amount::Share(&self.collection_points),
            Target::DumpsClosed => Amount::Share(&self.dumps_closed),
            Target::Briefings => Amount::Count(&self.briefings),
            Target::SelfManagedModels => Amount::Count(&self.self_managed_models),
        }
    }

    fn empty(unit_id: &str, unit_name: &str) -> Self {
        Targets {
            unit_id: unit_id.to_owned(),
            unit_name: unit_name.to_owned(),
            weekend_cleanups: Figure::new(),
            household_sorting: Figure::new(),
            covenant_adoption: Figure::new(),
            collection_points: Figure::new(),
            dumps_closed: Figure::new(),
            briefings: Tally::new(),
            self_managed_models: Tally::new(),
        }
    }

    fn add(&mut self, o: &Targets) {
        self.weekend_cleanups.add(&o.weekend_cleanups);
        self.household_sorting.add(&o.household_sorting);
        self.covenant_adoption.add(&o.covenant_adoption);
        self.collection_points.add(&o.collection_points);
        self.dumps_closed.add(&o.dumps_closed);
        self.briefings.add(&o.briefings);
        self.self_managed_models.add(&o.self_managed_models);
    }

    /// The figures of the kinds counted one record at a time.
    fn count(&mut self, fact: &Fact, from: Day, to: Day) {
        let one = |f: &mut Figure, id: &str, yes: bool| {
            f.denominator += 1;
            if yes {
                f.numerator += 1;
                f.records.push(id.to_owned());
            }
        };
        let id = fact.id.as_str();
        match &fact.record {
            AnyRecord::CollectionPoint(value) if value.inspection_date <= to => {
                one(&mut self.collection_points, id, value.meets_requirements())
            }
            AnyRecord::BlackSpot(value)
                if matches!(
                    value.spot_kind,
                    SpotKind::SpontaneousDump | SpotKind::PollutionSpot
                ) && value.reported_date <= to =>
            {
                let closed = value.is_closed() && value.closed_date.is_some_and(|d| d <= to);
                one(&mut self.dumps_closed, id, closed)
            }
            AnyRecord::Briefing(value)
                if value.briefing_date >= from && value.briefing_date <= to =>
            {
                self.briefings.push(id, value.attendance)
            }
            AnyRecord::SelfManagedModel(value)
                if value.status == ModelStatus::Active && value.start_date <= to =>
            {
                self.self_managed_models.push(id, value.members)
            }
            _ => {}
        }
    }
}

/// Figures per area, per commune and for the province, for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub from: Day,
    pub to: Day,
    /// Saturdays of the weekends counted (those whose Saturday or Sunday falls in the period).
    pub weekends: Vec<Day>,
    pub areas: Vec<Targets>,
    pub communes: Vec<Targets>,
    pub province: Targets,
}

/// The weekends (named by their Saturday) with a day in `[from, to]`.
pub fn weekends_between(from: Day, to: Day) -> Vec<Day> {
    let mut out = vec![];
    let mut sat = from.weekend_saturday();
    while sat <= to {
        let sun = Day(sat.0 + chrono::Duration::days(1));
        if sun >= from {
            out.push(sat);
        }
        sat = Day(sat.0 + chrono::Duration::days(7));
    }
    out
}

/// Computes the targets of every area of the given communes (all communes when empty) from
/// approved facts. Checks and covenants dated after `to` are ignored, and the areas are those
/// of `to` with their names then (a record of a hamlet merged later counts in that hamlet), so a
/// past year's report stays what it was.
pub fn compute(
    reference: &Reference,
    communes: &[String],
    facts: &[Fact],
    from: Day,
    to: Day,
) -> Report {
    let facts = &duplicates::merge(facts);
    let weekends = weekends_between(from, to);
    let in_scope: Vec<_> = reference
        .communes()
        .filter(|c| communes.is_empty() || communes.contains(&c.id))
        .collect();
    // The area each record counts in on the period's last day (after mergers).
    let unit = |area_id: &str| reference.area_on(area_id, to).map(|a| a.id.as_str());
    let mut households: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut latest: BTreeMap<&str, (Day, i64, &str, bool)> = BTreeMap::new();
    let mut cleanups: BTreeMap<(&str, Day), Vec<&str>> = BTreeMap::new();
    let mut covenants: BTreeMap<&str, (i64, &str, bool)> = BTreeMap::new();
    for f in facts {
        let (id, created_at) = (&f.id, f.created_at);
        match &f.record {
            AnyRecord::Household(value) => {
                if let Some(unit) = unit(&value.area_id) {
                    households.entry(unit).or_default().push(id)
                }
            }
            AnyRecord::SortingCheck(value) if value.check_date <= to => {
                let key = (
                    value.check_date,
                    created_at,
                    id.as_str(),
                    value.sorts_all_groups(),
                );
                let e = latest.entry(&value.household_id).or_insert(key);
                if (key.0, key.1, key.2) > (e.0, e.1, e.2) {
                    *e = key;
                }
            }
            AnyRecord::Cleanup(c) => {
                let date = c.cleanup_date;
                if let Some(unit) = unit(&c.area_id).filter(|_| date.is_weekend()) {
                    if date >= from && date <= to {
                        cleanups
                            .entry((unit, date.weekend_saturday()))
                            .or_default()
                            .push(id)
                    }
                }
            }
            AnyRecord::Covenant(value) => {
                let in_time = value.in_force_date.is_none_or(|d| d <= to);
                let key = (
                    created_at,
                    id.as_str(),
                    value.in_force_with_environment() && in_time,
                );
                let Some(unit) = unit(&value.area_id) else {
                    continue;
                };
                let e = covenants.entry(unit).or_insert(key);
                if (key.0, key.1) > (e.0, e.1) {
                    *e = key;
                }
            }
            _ => {}
        }
    }
    let mut areas = vec![];
    let mut commune_totals = vec![];
    let mut others: BTreeMap<&str, Vec<&Fact>> = BTreeMap::new();
    for f in facts {
        if matches!(
            f.record,
            AnyRecord::CollectionPoint(_)
                | AnyRecord::BlackSpot(_)
                | AnyRecord::Briefing(_)
                | AnyRecord::SelfManagedModel(_)
        ) {
            if let Some(unit) = unit(f.area_id()) {
                others.entry(unit).or_default().push(f);
            }
        }
    }
    let province_name = in_scope
        .first()
        .map(|c| c.province.clone())
        .unwrap_or_default();
    let mut province = Targets::empty("province", &province_name);
    for commune in in_scope {
        let mut total = Targets::empty(&commune.id, &commune.name);
        for area in reference.areas_on(&commune.id, to) {
            let mut t = Targets::empty(&area.id, area.name_on(to));
            for f in others.get(area.id.as_str()).into_iter().flatten() {
                t.count(f, from, to);
            }
            for w in &weekends {
                t.weekend_cleanups.denominator += 1;
                if let Some(ids) = cleanups.get(&(area.id.as_str(), *w)) {
                    t.weekend_cleanups.numerator += 1;
                    t.weekend_cleanups
                        .records
                        .extend(ids.iter().map(|s| s.to_string()));
                }
            }
            let mut hs: BTreeSet<&str> = BTreeSet::new();
            if let Some(ids) = households.get(area.id.as_str()) {
                hs.extend(ids.iter().copied());
            }
            for h in &hs {
                t.household_sorting.denominator += 1;
                if let Some((_, _, check_id, true)) = latest.get(h) {
                    t.household_sorting.numerator += 1;
                    t.household_sorting.records.push(check_id.to_string());
                }
            }
            t.covenant_adoption.denominator = 1;
            if let Some((_, id, true)) = covenants.get(area.id.as_str()) {
                t.covenant_adoption.numerator = 1;
                t.covenant_adoption.records.push(id.to_string());
            }
            total.add(&t);
            areas.push(t);
        }
        province.add(&total);
        commune_totals.push(total);
    }
    Report {
        from,
        to,
        weekends,
        areas,
        communes: commune_totals,
        province,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekends_touching_the_period_are_counted_once() {
        // 2026-11-01 is a Sunday: its weekend (Saturday 31 October) touches November.
        let w = weekends_between(
            Day::ymd(2026, 11, 1).unwrap(),
            Day::ymd(2026, 11, 30).unwrap(),
        );
        let names: Vec<String> = w.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            names,
            vec![
                "2026-10-31",
                "2026-11-07",
                "2026-11-14",
                "2026-11-21",
                "2026-11-28"
            ]
        );
    }

    #[test]
    fn dumps_briefings_points_and_models_are_counted_within_the_period() {
        use crate::model::*;
        use crate::place::{Coord, Place};
        let reference = Reference::demo();
        let day = |m, d| Day::ymd(2026, m, d).unwrap();
        let (from, to) = (day(1, 1), day(11, 30));
        let area = "rs-ap-my-hoa";
        let fact = |id: &str, record: AnyRecord| Fact {
            id: id.into(),
            created_at: 0,
            record,
        };
        let spot = |id: &str, kind, closed: Option<Day>| {
            fact(
                id,
                AnyRecord::BlackSpot(BlackSpot {
                    area_id: area.into(),
                    spot_kind: kind,
                    place: Place::point(Coord::new(105.628, 9.998)),
                    description: "Bãi rác ven kênh".into(),
                    status: if closed.is_some() {
                        SpotStatus::Closed
                    } else {
                        SpotStatus::Reported
                    },
                    reported_date: day(3, 1),
                    verified_date: None,
                    cleaned_date: None,
                    closed_date: closed,
                    photos: vec![],
                    note: String::new(),
                }),
            )
        };
        let briefing = |id: &str, date, attendance| {
            fact(
                id,
                AnyRecord::Briefing(Briefing {
                    area_id: area.into(),
                    briefing_date: date,
                    topic: "Phân loại rác".into(),
                    audience: Audience::Members,
                    attendance,
                    note: String::new(),
                }),
            )
        };
        let model = |id: &str, status| {
            fact(
                id,
                AnyRecord::SelfManagedModel(SelfManagedModel {
                    area_id: area.into(),
                    name: "Tổ tự quản".into(),
                    members: 12,
                    start_date: day(2, 1),
                    status,
                    activities: String::new(),
                }),
            )
        };
        let facts = vec![
            spot("closed", SpotKind::SpontaneousDump, Some(day(6, 1))),
            spot("open", SpotKind::PollutionSpot, None),
            // Closed after the period: still open in this year's report.
            spot("late", SpotKind::SpontaneousDump, Some(day(12, 20))),
            // A burning report is tracked, not a dump to close.
            spot("burning", SpotKind::Burning, Some(day(6, 1))),
            briefing("b1", day(4, 10), 40),
            briefing("b2", day(9, 2), 25),
            briefing("last-year", Day::ymd(2025, 12, 20).unwrap(), 99),
            model("active", ModelStatus::Active),
            model("paused", ModelStatus::Paused),
        ];
        let r = compute(&reference, &[], &facts, from, to);
        let t = r.areas.iter().find(|t| t.unit_id == area).unwrap();
        assert_eq!(
            (t.dumps_closed.numerator, t.dumps_closed.denominator),
            (1, 3)
        );
        assert_eq!(t.dumps_closed.records, vec!["closed"]);
        assert_eq!((t.briefings.count, t.briefings.people), (2, 65));
        assert_eq!(
            (t.self_managed_models.count, t.self_managed_models.people),
            (1, 12)
        );
        let commune = r.communes.iter().find(|c| c.unit_id == "rach-sen").unwrap();
        assert_eq!(commune.briefings.people, 65);
        assert_eq!(r.province.dumps_closed.denominator, 3);
    }

    #[test]
    fn a_merger_leaves_the_past_years_figures_and_moves_later_ones() {
        use crate::model::Household;
        use crate::reference::history::AreaChange;
        let (gone, kept) = ("rs-ap-my-hoa", "rs-ap-ben-dinh");
        let household = |id: &str, area: &str| Fact {
            id: id.into(),
            created_at: 0,
            record: AnyRecord::Household(Household {
                area_id: area.into(),
                address: "Số 1".into(),
                head_name: "Hộ thử".into(),
                members: 3,
                location: None,
                note: String::new(),
            }),
        };
        let facts = vec![
            household("h1", gone),
            household("h2", gone),
            household("h3", kept),
        ];
        let before = Reference::demo();
        let year = |y| {
            (
                Day::ymd(y - 1, 12, 1).unwrap(),
                Day::ymd(y, 11, 30).unwrap(),
            )
        };
        let (from, to) = year(2026);
        let sent = compute(&before, &[], &facts, from, to);
        let merge = AreaChange::Merge {
            area_id: gone.into(),
            into_id: kept.into(),
        };
        let on = Day::ymd(2027, 1, 1).unwrap();
        let (after, _) = before.change(&merge, on, on).expect("merged");
        // 2026 recomputed after the merger: the same hamlets, the same denominators.
        assert_eq!(compute(&after, &[], &facts, from, to), sent);
        let of = |r: &Report, id: &str| {
            r.areas
                .iter()
                .find(|t| t.unit_id == id)
                .map(|t| t.household_sorting.denominator)
        };
        assert_eq!((of(&sent, gone), of(&sent, kept)), (Some(2), Some(1)));
        // 2027: the merged hamlet's households count in the one that took it over.
        let (from, to) = year(2027);
        let later = compute(&after, &[], &facts, from, to);
        assert_eq!((of(&later, gone), of(&later, kept)), (None, Some(3)));
        let commune = later.communes.iter().find(|c| c.unit_id == "rach-sen");
        assert_eq!(commune.map(|c| c.household_sorting.denominator), Some(3));
    }
}
