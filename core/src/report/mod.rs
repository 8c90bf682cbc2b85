//! The plan's targets (DOMAIN.md), computed from approved records only, the same way on phones
//! and on the server. Inputs are plain facts, so the server can feed them from its tables and a
//! phone from its projections; each figure keeps its numerator, denominator and the records
//! behind it for drilling down.

pub mod duplicates;
pub mod life;
pub mod monthly;
pub mod period;
pub mod ranking;

use crate::i18n::Label;
use crate::model::{AnyRecord, Day, ModelStatus, Participants, SortingCheck, SpotKind};
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
    /// The plan's targets (II.2, letters a–đ), in the order every report lists them; the code
    /// names a figure in a link (a drill-down), the label heads its column.
    pub enum Target {
        WeekendCleanups = "weekend_cleanups" ("Ra quân cuối tuần", "Weekend cleanups"),
        CleanupVolume = "cleanup_volume" ("Buổi ra quân · người tham gia", "Cleanups · participants"),
        HouseholdSorting = "household_sorting" ("Hộ phân loại đủ 3 nhóm", "Households sorting all 3 groups"),
        CollectionCoverage = "collection_coverage" ("Hộ được thu gom rác", "Households served by collection"),
        CollectionPoints = "collection_points" ("Điểm tập kết đạt yêu cầu", "Collection points meeting requirements"),
        BurningDumping = "burning_dumping" ("Hộ còn đổ, đốt rác sai quy định", "Households still dumping or burning"),
        ViolationReports = "violation_reports" ("Phản ánh đốt rác, vi phạm", "Burning and violation reports"),
        CovenantAdoption = "covenant_adoption" ("Hương ước về môi trường có hiệu lực", "Environmental covenants in force"),
        SelfManagedModels = "self_managed_models" ("Mô hình tự quản · thành viên", "Self-managed models · members"),
        Briefings = "briefings" ("Buổi phổ biến · người tham dự", "Briefings · people reached"),
        BriefingReach = "briefing_reach" ("Cán bộ, hội viên được phổ biến", "Officials and members briefed"),
        BlackSpotsClosed = "black_spots_closed" ("Điểm đen ô nhiễm đã xóa", "Pollution black spots removed"),
        DumpsClosed = "dumps_closed" ("Bãi rác tự phát đã đóng cửa", "Spontaneous dumps closed"),
    }
}

impl Target {
    /// The letter of plan II.2 the target serves, and the clause within it when the plan lists
    /// several (đ4 black spots, đ5 spontaneous dumps).
    pub fn clause(self) -> &'static str {
        match self {
            Target::WeekendCleanups | Target::CleanupVolume => "a",
            Target::HouseholdSorting
            | Target::CollectionCoverage
            | Target::CollectionPoints
            | Target::BurningDumping
            | Target::ViolationReports => "b",
            Target::CovenantAdoption | Target::SelfManagedModels => "c",
            Target::Briefings | Target::BriefingReach => "d",
            Target::BlackSpotsClosed => "đ4",
            Target::DumpsClosed => "đ5",
        }
    }

    /// Whether less is better (the plan wants burning and dumping ended), for rankings and for
    /// comparing a period with the one before.
    pub fn lower_is_better(self) -> bool {
        matches!(self, Target::BurningDumping)
    }
}

/// A target of the plan the app does not measure, and why: a report lists these too, so
/// nobody reads a missing figure as zero.
pub struct NotMeasured {
    pub clause: &'static str,
    pub target: Label,
    pub reason: Label,
}

/// Plan II.2's targets outside what volunteers record.
pub const NOT_MEASURED: [NotMeasured; 4] = [
    NotMeasured {
        clause: "đ1",
        target: Label::new(
            "95,8% rác thải sinh hoạt đô thị, 90% nông thôn được thu gom, xử lý",
            "95.8% of urban and 90% of rural household waste collected and treated",
        ),
        reason: Label::new(
            "Khối lượng rác do đơn vị thu gom cân, ứng dụng không ghi nhận; tỷ lệ hộ được thu \
             gom là số thay thế gần nhất.",
            "Tonnages are weighed by the collection companies, not recorded in the app; the \
             share of households served by collection is the nearest proxy.",
        ),
    },
    NotMeasured {
        clause: "đ2",
        target: Label::new(
            "Dưới 50% rác thải sinh hoạt chôn lấp trực tiếp",
            "Under 50% of household waste landfilled directly",
        ),
        reason: Label::new(
            "Số liệu của nhà máy, bãi xử lý, không thuộc phạm vi xã.",
            "Figures of treatment plants and landfills, outside the commune's records.",
        ),
    },
    NotMeasured {
        clause: "đ3",
        target: Label::new(
            "Trên 50% bãi chôn lấp không hợp vệ sinh được cải tạo",
            "Over 50% of unsanitary landfills restored",
        ),
        reason: Label::new(
            "Bãi chôn lấp do Sở quản lý, không do tình nguyện viên ghi nhận.",
            "Landfills are managed by the Department, not recorded by volunteers.",
        ),
    },
    NotMeasured {
        clause: "e",
        target: Label::new(
            "Huy động nguồn lực, đầu tư hạ tầng thu gom, xử lý",
            "Resources and investment in collection and treatment",
        ),
        reason: Label::new(
            "Số liệu đầu tư, ngân sách do các sở tổng hợp.",
            "Investment and budget figures are compiled by the Departments.",
        ),
    },
];

/// What a report needs besides the records: entered by the commune, or kept by the server
/// from the reports already sent.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Officials and members each commune must brief (target d's denominator), by commune id.
    pub to_brief: BTreeMap<String, u64>,
    /// Records dated before the period that count in it: approved after the report of their
    /// own period was sent, so they feed this report instead of rewriting that one.
    pub carried: BTreeSet<String>,
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

    /// The number a comparison reads: a share's percentage, a count's number.
    pub fn score(&self) -> Option<f64> {
        match self {
            Amount::Share(f) => f.percent(),
            Amount::Count(t) => Some(t.count as f64),
        }
    }
}

/// A share: `numerator / denominator`, with the records that make the numerator.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
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

    fn one(&mut self, id: &str, yes: bool) {
        self.tick(yes.then_some(id));
    }

    /// One more unit in the denominator, and in the numerator when a record makes it count.
    fn tick(&mut self, hit: Option<&str>) {
        self.denominator += 1;
        if let Some(id) = hit {
            self.numerator += 1;
            self.records.push(id.to_owned());
        }
    }
}

/// A count with the people it concerns: briefings held and people reached, active
/// self-managed models and their members.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
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

    fn push(&mut self, id: &str, people: u64) {
        self.count += 1;
        self.people += people;
        self.records.push(id.to_owned());
    }

    fn add(&mut self, other: &Tally) {
        self.count += other.count;
        self.people += other.people;
        self.records.extend(other.records.iter().cloned());
    }
}

/// Target (a)'s volume: every cleanup held in the period (weekend or not), what it collected,
/// and who took part, organisation by organisation — the Fatherland Front and its unions report
/// their own members' work from this.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Volume {
    /// Cleanups held and participants in all.
    pub held: Tally,
    pub waste_kg: f64,
    pub bags: u64,
    pub participants: Participants,
}

impl Volume {
    fn new() -> Self {
        Volume {
            held: Tally::new(),
            waste_kg: 0.0,
            bags: 0,
            participants: Participants::default(),
        }
    }

    fn add(&mut self, o: &Volume) {
        self.held.add(&o.held);
        self.waste_kg += o.waste_kg;
        self.bags += o.bags;
        self.participants.add(&o.participants);
    }
}

/// The targets of plan II.2 for one unit (area, commune or province). A sent report keeps
/// these as JSON for years: a figure added later reads as empty from an older copy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
#[serde(default)]
pub struct Targets {
    pub unit_id: String,
    pub unit_name: String,
    /// (a): area-weekends with an approved cleanup / area-weekends in the period.
    pub weekend_cleanups: Figure,
    /// (a): the cleanups' volume and participants by organisation.
    pub cleanup_volume: Volume,
    /// (b): households whose latest approved check sorts all three groups / households.
    pub household_sorting: Figure,
    /// (b), the app's proxy for collection coverage: households whose latest approved check
    /// says they are served by collection / households.
    pub collection_coverage: Figure,
    /// (b): collection points meeting the technical requirements / collection points.
    pub collection_points: Figure,
    /// (b) "end improper dumping and burning": households whose latest check in the period saw
    /// burning or dumping / households checked in the period.
    pub burning_dumping: Figure,
    /// The same over the period before, to read the trend.
    pub burning_dumping_before: Figure,
    /// (b): reports of improper burning and other violations made in the period.
    pub violation_reports: Tally,
    /// The same over the period before.
    pub violation_reports_before: Tally,
    /// (c): areas whose covenant with environmental content is in force / areas.
    pub covenant_adoption: Figure,
    /// (c): self-managed environmental models active at the end of the period, and members.
    pub self_managed_models: Tally,
    /// (d): briefing sessions held in the period and the people they reached.
    pub briefings: Tally,
    /// (d): people reached / officials and members to brief, as the commune entered it (a
    /// commune-wide figure: an area's denominator is 0).
    pub briefing_reach: Figure,
    /// (đ4): pollution black spots removed by the end of the period / reported by then.
    pub black_spots_closed: Figure,
    /// (đ5): spontaneous dumps closed by the end of the period / reported by then.
    pub dumps_closed: Figure,
}

impl Targets {
    /// The figure of `target`.
    pub fn amount(&self, target: Target) -> Amount<'_> {
        match target {
            Target::WeekendCleanups => Amount::Share(&self.weekend_cleanups),
            Target::CleanupVolume => Amount::Count(&self.cleanup_volume.held),
            Target::HouseholdSorting => Amount::Share(&self.household_sorting),
            Target::CollectionCoverage => Amount::Share(&self.collection_coverage),
            Target::CollectionPoints => Amount::Share(&self.collection_points),
            Target::BurningDumping => Amount::Share(&self.burning_dumping),
            Target::ViolationReports => Amount::Count(&self.violation_reports),
            Target::CovenantAdoption => Amount::Share(&self.covenant_adoption),
            Target::SelfManagedModels => Amount::Count(&self.self_managed_models),
            Target::Briefings => Amount::Count(&self.briefings),
            Target::BriefingReach => Amount::Share(&self.briefing_reach),
            Target::BlackSpotsClosed => Amount::Share(&self.black_spots_closed),
            Target::DumpsClosed => Amount::Share(&self.dumps_closed),
        }
    }

    /// The figure of `target` over the period before, for the targets compared with it.
    pub fn before(&self, target: Target) -> Option<Amount<'_>> {
        match target {
            Target::BurningDumping => Some(Amount::Share(&self.burning_dumping_before)),
            Target::ViolationReports => Some(Amount::Count(&self.violation_reports_before)),
            _ => None,
        }
    }

    /// A unit with nothing counted yet.
    pub fn new(unit_id: &str, unit_name: &str) -> Self {
        Targets {
            unit_id: unit_id.to_owned(),
            unit_name: unit_name.to_owned(),
            weekend_cleanups: Figure::new(),
            cleanup_volume: Volume::new(),
            household_sorting: Figure::new(),
            collection_coverage: Figure::new(),
            collection_points: Figure::new(),
            burning_dumping: Figure::new(),
            burning_dumping_before: Figure::new(),
            violation_reports: Tally::new(),
            violation_reports_before: Tally::new(),
            covenant_adoption: Figure::new(),
            self_managed_models: Tally::new(),
            briefings: Tally::new(),
            briefing_reach: Figure::new(),
            black_spots_closed: Figure::new(),
            dumps_closed: Figure::new(),
        }
    }

    fn add(&mut self, o: &Targets) {
        self.weekend_cleanups.add(&o.weekend_cleanups);
        self.cleanup_volume.add(&o.cleanup_volume);
        self.household_sorting.add(&o.household_sorting);
        self.collection_coverage.add(&o.collection_coverage);
        self.collection_points.add(&o.collection_points);
        self.burning_dumping.add(&o.burning_dumping);
        self.burning_dumping_before.add(&o.burning_dumping_before);
        self.violation_reports.add(&o.violation_reports);
        self.violation_reports_before
            .add(&o.violation_reports_before);
        self.covenant_adoption.add(&o.covenant_adoption);
        self.self_managed_models.add(&o.self_managed_models);
        self.briefings.add(&o.briefings);
        self.briefing_reach.add(&o.briefing_reach);
        self.black_spots_closed.add(&o.black_spots_closed);
        self.dumps_closed.add(&o.dumps_closed);
    }

    /// The figures of the kinds counted one record at a time. `span` says whether a date falls
    /// in the period (or the record is carried into it), or in the period before.
    fn count(&mut self, fact: &Fact, span: &Span) {
        let id = fact.id.as_str();
        let to = span.to;
        match &fact.record {
            AnyRecord::CollectionPoint(value) if value.inspection_date <= to => {
                self.collection_points.one(id, value.meets_requirements())
            }
            AnyRecord::BlackSpot(value) if value.reported_date <= to => {
                let closed = value.is_closed() && value.closed_date.is_some_and(|d| d <= to);
                match value.spot_kind {
                    SpotKind::PollutionSpot => self.black_spots_closed.one(id, closed),
                    SpotKind::SpontaneousDump => self.dumps_closed.one(id, closed),
                    SpotKind::Burning | SpotKind::Violation => {
                        if span.now(fact, value.reported_date) {
                            self.violation_reports.push(id, 0)
                        } else if span.before(value.reported_date) {
                            self.violation_reports_before.push(id, 0)
                        }
                    }
                }
            }
            AnyRecord::Briefing(value) if span.now(fact, value.briefing_date) => {
                self.briefings.push(id, value.attendance as u64)
            }
            AnyRecord::SelfManagedModel(value)
                if value.status == ModelStatus::Active && value.start_date <= to =>
            {
                self.self_managed_models.push(id, value.members as u64)
            }
            AnyRecord::Cleanup(value) if span.now(fact, value.cleanup_date) => {
                let v = &mut self.cleanup_volume;
                v.held.push(id, value.participants.total());
                v.waste_kg += value.waste_kg.unwrap_or(0.0);
                v.bags += value.bags.unwrap_or(0) as u64;
                v.participants.add(&value.participants);
            }
            _ => {}
        }
    }
}

/// The period being reported, the one before it (same length, just before), and the records
/// carried into it from a period whose report was already sent.
struct Span<'a> {
    from: Day,
    to: Day,
    before_from: Day,
    carried: &'a BTreeSet<String>,
}

impl Span<'_> {
    fn new(from: Day, to: Day, carried: &BTreeSet<String>) -> Span<'_> {
        let length = to.0 - from.0 + chrono::Duration::days(1);
        Span {
            from,
            to,
            before_from: Day(from.0 - length),
            carried,
        }
    }

    /// Whether a record dated `day` counts in this period's flows (cleanups, briefings,
    /// reports): dated in it, or dated earlier and carried into it.
    fn now(&self, fact: &Fact, day: Day) -> bool {
        (day >= self.from && day <= self.to) || (day < self.from && self.carried.contains(&fact.id))
    }

    fn before(&self, day: Day) -> bool {
        day >= self.before_from && day < self.from
    }
}

/// Figures per area, per commune and for the province, for a period.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Report {
    pub from: Day,
    pub to: Day,
    /// Saturdays of the weekends counted (those whose Saturday or Sunday falls in the period).
    pub weekends: Vec<Day>,
    pub areas: Vec<Targets>,
    pub communes: Vec<Targets>,
    pub province: Targets,
}

impl Report {
    /// Communes' reports side by side, the province summed from them: the Department's roll-up
    /// assembled from the copies communes sent (and today's figures of those yet to send).
    pub fn combine(from: Day, to: Day, parts: Vec<Report>) -> Report {
        let name = parts
            .first()
            .map(|r| r.province.unit_name.clone())
            .unwrap_or_default();
        let mut province = Targets::new("province", &name);
        let (mut areas, mut communes) = (vec![], vec![]);
        for part in parts {
            for c in &part.communes {
                province.add(c);
            }
            areas.extend(part.areas);
            communes.extend(part.communes);
        }
        Report {
            from,
            to,
            weekends: weekends_between(from, to),
            areas,
            communes,
            province,
        }
    }

    /// The part of the report about one commune (its areas, its row), as if computed alone.
    pub fn of_commune(&self, reference: &Reference, commune_id: &str) -> Report {
        let areas = self
            .areas
            .iter()
            .filter(|t| {
                reference
                    .commune_of_area(&t.unit_id)
                    .is_some_and(|c| c.id == commune_id)
            })
            .cloned()
            .collect();
        let communes: Vec<Targets> = self
            .communes
            .iter()
            .filter(|t| t.unit_id == commune_id)
            .cloned()
            .collect();
        let mut province = Targets::new("province", &self.province.unit_name);
        for c in &communes {
            province.add(c);
        }
        Report {
            from: self.from,
            to: self.to,
            weekends: self.weekends.clone(),
            areas,
            communes,
            province,
        }
    }
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

/// A household's latest approved check in some window: (date, made at, check id, check).
type Latest<'a> = BTreeMap<&'a str, (Day, i64, &'a str, &'a SortingCheck)>;

fn keep_latest<'a>(latest: &mut Latest<'a>, fact: &'a Fact, check: &'a SortingCheck) {
    let key = (check.check_date, fact.created_at, fact.id.as_str(), check);
    let e = latest.entry(&check.household_id).or_insert(key);
    if (key.0, key.1, key.2) > (e.0, e.1, e.2) {
        *e = key;
    }
}

/// [`compute_with`] with nothing entered and nothing carried.
pub fn compute(
    reference: &Reference,
    communes: &[String],
    facts: &[Fact],
    from: Day,
    to: Day,
) -> Report {
    compute_with(reference, communes, facts, from, to, &Inputs::default())
}

/// Computes the targets of every area of the given communes (all communes when empty) from
/// approved facts. Checks and covenants dated after `to` are ignored, and the areas are those
/// of `to` with their names then (a record of a hamlet merged later counts in that hamlet), so a
/// past year's report stays what it was.
pub fn compute_with(
    reference: &Reference,
    communes: &[String],
    facts: &[Fact],
    from: Day,
    to: Day,
    inputs: &Inputs,
) -> Report {
    let facts = &duplicates::merge(facts);
    let span = Span::new(from, to, &inputs.carried);
    let weekends = weekends_between(from, to);
    let in_scope: Vec<_> = reference
        .communes()
        .filter(|c| communes.is_empty() || communes.contains(&c.id))
        .collect();
    // The area each record counts in on the period's last day (after mergers).
    let unit = |area_id: &str| reference.area_on(area_id, to).map(|a| a.id.as_str());
    let mut households: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    // Latest check by the period's end (sorting, collection), in the period and in the one
    // before (burning and dumping seen).
    let (mut latest, mut latest_now, mut latest_before) =
        (Latest::new(), Latest::new(), Latest::new());
    let mut cleanups: BTreeMap<(&str, Day), Vec<&str>> = BTreeMap::new();
    let mut covenants: BTreeMap<&str, (i64, &str, bool)> = BTreeMap::new();
    let mut others: BTreeMap<&str, Vec<&Fact>> = BTreeMap::new();
    for f in facts {
        let (id, created_at) = (&f.id, f.created_at);
        match &f.record {
            AnyRecord::Household(value) => {
                if let Some(unit) = unit(&value.area_id) {
                    households.entry(unit).or_default().push(id)
                }
            }
            AnyRecord::SortingCheck(value) => {
                let date = value.check_date;
                if date <= to {
                    keep_latest(&mut latest, f, value);
                }
                if span.now(f, date) {
                    keep_latest(&mut latest_now, f, value);
                } else if span.before(date) {
                    keep_latest(&mut latest_before, f, value);
                }
            }
            AnyRecord::Cleanup(c) => {
                let date = c.cleanup_date;
                if let Some(unit) = unit(&c.area_id) {
                    if date.is_weekend() && date >= from && date <= to {
                        cleanups
                            .entry((unit, date.weekend_saturday()))
                            .or_default()
                            .push(id)
                    }
                    others.entry(unit).or_default().push(f);
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
            AnyRecord::CollectionPoint(_)
            | AnyRecord::BlackSpot(_)
            | AnyRecord::Briefing(_)
            | AnyRecord::SelfManagedModel(_) => {
                if let Some(unit) = unit(f.area_id()) {
                    others.entry(unit).or_default().push(f);
                }
            }
            _ => {}
        }
    }
    let mut areas = vec![];
    let mut commune_totals = vec![];
    let province_name = in_scope
        .first()
        .map(|c| c.province.clone())
        .unwrap_or_default();
    let mut province = Targets::new("province", &province_name);
    for commune in in_scope {
        let mut total = Targets::new(&commune.id, &commune.name);
        for area in reference.areas_on(&commune.id, to) {
            let mut t = Targets::new(&area.id, area.name_on(to));
            for f in others.get(area.id.as_str()).into_iter().flatten() {
                t.count(f, &span);
            }
            for w in &weekends {
                let f = &mut t.weekend_cleanups;
                f.denominator += 1;
                if let Some(ids) = cleanups.get(&(area.id.as_str(), *w)) {
                    f.numerator += 1;
                    f.records.extend(ids.iter().map(|s| s.to_string()));
                }
            }
            let hs: BTreeSet<&str> = households
                .get(area.id.as_str())
                .into_iter()
                .flatten()
                .copied()
                .collect();
            for h in &hs {
                let check = latest.get(h).map(|e| (e.2, e.3));
                t.household_sorting
                    .tick(check.filter(|c| c.1.sorts_all_groups()).map(|c| c.0));
                t.collection_coverage
                    .tick(check.filter(|c| c.1.served_by_collection).map(|c| c.0));
                let seen = |c: &&SortingCheck| c.burning_seen || c.dumping_seen;
                if let Some((_, _, id, c)) = latest_now.get(h) {
                    t.burning_dumping.tick(Some(*c).filter(seen).map(|_| *id));
                }
                if let Some((_, _, id, c)) = latest_before.get(h) {
                    t.burning_dumping_before
                        .tick(Some(*c).filter(seen).map(|_| *id));
                }
            }
            let covenant = covenants.get(area.id.as_str());
            t.covenant_adoption
                .tick(covenant.filter(|c| c.2).map(|c| c.1));
            total.add(&t);
            areas.push(t);
        }
        // Target (d)'s denominator is the commune's own count of people to brief.
        if let Some(n) = inputs.to_brief.get(&commune.id).filter(|n| **n > 0) {
            total.briefing_reach = Figure {
                numerator: total.briefings.people,
                denominator: *n,
                records: total.briefings.records.clone(),
            };
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
    fn a_sent_copy_from_before_a_figure_existed_still_reads() {
        let old = r#"{"unit_id":"rach-sen","unit_name":"Xã Rạch Sen",
            "briefings":{"count":2,"people":65,"records":["b1","b2"]}}"#;
        let t: Targets = serde_json::from_str(old).expect("an older copy reads");
        assert_eq!((t.briefings.count, t.dumps_closed.denominator), (2, 0));
    }

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
        // Dumps (đ5) and black spots (đ4) are separate figures; the dump closed after the
        // period is still open in this year's report.
        assert_eq!(
            (t.dumps_closed.numerator, t.dumps_closed.denominator),
            (1, 2)
        );
        assert_eq!(t.dumps_closed.records, vec!["closed"]);
        assert_eq!(
            (
                t.black_spots_closed.numerator,
                t.black_spots_closed.denominator
            ),
            (0, 1)
        );
        // The burning report is a violation report of the period, not a dump to close.
        assert_eq!(t.violation_reports.records, vec!["burning"]);
        assert_eq!((t.briefings.count, t.briefings.people), (2, 65));
        assert_eq!(
            (t.self_managed_models.count, t.self_managed_models.people),
            (1, 12)
        );
        let commune = r.communes.iter().find(|c| c.unit_id == "rach-sen").unwrap();
        assert_eq!(commune.briefings.people, 65);
        assert_eq!(r.province.dumps_closed.denominator, 2);
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
