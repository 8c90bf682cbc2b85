//! The plan's targets (DOMAIN.md), computed from approved records only, the same way on phones
//! and on the server. Inputs are plain facts, so the server can feed them from its tables and a
//! phone from its projections; each figure keeps its numerator, denominator and the records
//! behind it for drilling down.

use crate::model::{Covenant, Day, Household, SortingCheck};
use crate::reference::Reference;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// An approved record of a kind the targets read, with what the targets need of it.
#[derive(Debug, Clone)]
pub enum Fact {
    Household {
        id: String,
        value: Household,
    },
    Check {
        id: String,
        value: SortingCheck,
        created_at: i64,
    },
    Cleanup {
        id: String,
        area_id: String,
        date: Day,
    },
    Covenant {
        id: String,
        value: Covenant,
        created_at: i64,
    },
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

/// The three targets of plan II.2 for one unit (area, commune or province).
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
/// approved facts. Checks and covenants dated after `to` are ignored, so a past year's report
/// stays what it was.
pub fn compute(
    reference: &Reference,
    communes: &[String],
    facts: &[Fact],
    from: Day,
    to: Day,
) -> Report {
    let weekends = weekends_between(from, to);
    let in_scope: Vec<_> = reference
        .communes()
        .filter(|c| communes.is_empty() || communes.contains(&c.id))
        .collect();
    let mut households: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut latest: BTreeMap<&str, (Day, i64, &str, bool)> = BTreeMap::new();
    let mut cleanups: BTreeMap<(&str, Day), Vec<&str>> = BTreeMap::new();
    let mut covenants: BTreeMap<&str, (i64, &str, bool)> = BTreeMap::new();
    for f in facts {
        match f {
            Fact::Household { id, value } => households.entry(&value.area_id).or_default().push(id),
            Fact::Check {
                id,
                value,
                created_at,
            } if value.check_date <= to => {
                let key = (
                    value.check_date,
                    *created_at,
                    id.as_str(),
                    value.sorts_all_groups(),
                );
                let e = latest.entry(&value.household_id).or_insert(key);
                if (key.0, key.1, key.2) > (e.0, e.1, e.2) {
                    *e = key;
                }
            }
            Fact::Cleanup { id, area_id, date }
                if date.is_weekend() && *date >= from && *date <= to =>
            {
                cleanups
                    .entry((area_id, date.weekend_saturday()))
                    .or_default()
                    .push(id)
            }
            Fact::Covenant {
                id,
                value,
                created_at,
            } => {
                let in_time = value.in_force_date.is_none_or(|d| d <= to);
                let key = (
                    *created_at,
                    id.as_str(),
                    value.in_force_with_environment() && in_time,
                );
                let e = covenants.entry(&value.area_id).or_insert(key);
                if (key.0, key.1) > (e.0, e.1) {
                    *e = key;
                }
            }
            _ => {}
        }
    }
    let mut areas = vec![];
    let mut commune_totals = vec![];
    let mut province = Targets {
        unit_id: "province".into(),
        unit_name: in_scope
            .first()
            .map(|c| c.province.clone())
            .unwrap_or_default(),
        weekend_cleanups: Figure::new(),
        household_sorting: Figure::new(),
        covenant_adoption: Figure::new(),
    };
    for commune in in_scope {
        let mut total = Targets {
            unit_id: commune.id.clone(),
            unit_name: commune.name.clone(),
            weekend_cleanups: Figure::new(),
            household_sorting: Figure::new(),
            covenant_adoption: Figure::new(),
        };
        for area in reference.areas_of(&commune.id) {
            let mut t = Targets {
                unit_id: area.id.clone(),
                unit_name: area.name.clone(),
                weekend_cleanups: Figure::new(),
                household_sorting: Figure::new(),
                covenant_adoption: Figure::new(),
            };
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
            total.weekend_cleanups.add(&t.weekend_cleanups);
            total.household_sorting.add(&t.household_sorting);
            total.covenant_adoption.add(&t.covenant_adoption);
            areas.push(t);
        }
        province.weekend_cleanups.add(&total.weekend_cleanups);
        province.household_sorting.add(&total.household_sorting);
        province.covenant_adoption.add(&total.covenant_adoption);
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
}
