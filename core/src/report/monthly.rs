//! The campaign month by month, for a chart: cleanups held, kilograms collected and households
//! sorting all three groups, from the same approved [`Fact`]s as the targets and counted in
//! the same units (the areas of the period's last day, the communes asked for).

use super::Fact;
use crate::model::{AnyRecord, Day};
use crate::reference::Reference;
use chrono::Datelike;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

crate::string_enum! {
    /// What the chart shows per month, in the order it shows them; the label heads its chart.
    pub enum Measure {
        Cleanups = "cleanups" ("Số buổi ra quân", "Cleanups held"),
        Kilograms = "kilograms" ("Rác thu gom (kg)", "Waste collected (kg)"),
        SortingHouseholds = "sorting_households" ("Hộ phân loại đủ 3 nhóm", "Households sorting all 3 groups"),
    }
}

/// One calendar month of a period (cut to the period at either end).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Month {
    pub year: i32,
    /// 1 = January.
    pub month: u32,
    /// The month's first and last day within the period.
    pub from: Day,
    pub to: Day,
    /// Approved cleanups dated in the month.
    pub cleanups: u64,
    /// Waste those cleanups collected, in kilograms (a cleanup that counted bags only adds 0).
    pub kilograms: f64,
    /// Households whose latest approved check up to the month's last day sorts all three
    /// groups: where the household stood then, as target (b) counts it.
    pub sorting_households: u64,
}

impl Month {
    /// The month's figure for `measure`.
    pub fn value(&self, measure: Measure) -> f64 {
        match measure {
            Measure::Cleanups => self.cleanups as f64,
            Measure::Kilograms => self.kilograms,
            Measure::SortingHouseholds => self.sorting_households as f64,
        }
    }
}

/// The months touching `[from, to]`, oldest first, with the figures of the given communes'
/// areas (all communes when empty).
pub fn monthly(
    reference: &Reference,
    communes: &[String],
    facts: &[Fact],
    from: Day,
    to: Day,
) -> Vec<Month> {
    // A household merged into another is counted once, as the targets count it.
    let facts = &super::duplicates::merge(facts);
    // A record counts where the targets count it: its area on the period's last day, when that
    // area belongs to a commune asked for.
    let in_scope = |area_id: &str| {
        reference
            .area_on(area_id, to)
            .is_some_and(|a| communes.is_empty() || communes.contains(&a.commune_id))
    };
    let mut months = months_between(from, to);
    let mut households: BTreeSet<&str> = BTreeSet::new();
    // Each household's checks, as (day, made at, id, sorts all three) — the order in which the
    // latest one wins, as in `compute`.
    let mut checks: BTreeMap<&str, Vec<(Day, i64, &str, bool)>> = BTreeMap::new();
    for f in facts {
        match &f.record {
            AnyRecord::Household(h) if in_scope(&h.area_id) => {
                households.insert(&f.id);
            }
            AnyRecord::SortingCheck(c) if c.check_date <= to => {
                checks.entry(&c.household_id).or_default().push((
                    c.check_date,
                    f.created_at,
                    &f.id,
                    c.sorts_all_groups(),
                ));
            }
            AnyRecord::Cleanup(c) if in_scope(&c.area_id) => {
                let day = c.cleanup_date;
                if let Some(m) = months.iter_mut().find(|m| m.from <= day && day <= m.to) {
                    m.cleanups += 1;
                    m.kilograms += c.waste_kg.unwrap_or(0.0);
                }
            }
            _ => {}
        }
    }
    for h in households {
        let Some(list) = checks.get_mut(h) else {
            continue;
        };
        list.sort();
        for m in months.iter_mut() {
            // The latest check on or before the month's end.
            let latest = list.iter().rev().find(|c| c.0 <= m.to);
            if latest.is_some_and(|c| c.3) {
                m.sorting_households += 1;
            }
        }
    }
    months
}

/// The calendar months with a day in `[from, to]`, each cut to the period, with no figures yet.
fn months_between(from: Day, to: Day) -> Vec<Month> {
    let mut out = vec![];
    let (mut y, mut m) = (from.0.year(), from.0.month());
    while let Some(first) = Day::ymd(y, m, 1) {
        if first > to {
            break;
        }
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let last = Day::ymd(ny, nm, 1)
            .map(|d| Day(d.0 - chrono::Duration::days(1)))
            .unwrap_or(to);
        out.push(Month {
            year: y,
            month: m,
            from: first.max(from),
            to: last.min(to),
            cleanups: 0,
            kilograms: 0.0,
            sorting_households: 0,
        });
        (y, m) = (ny, nm);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::place::{Coord, Place};

    const AREA: &str = "rs-ap-my-hoa";
    /// Of the demo's other commune: outside "rach-sen".
    fn other_area(reference: &Reference) -> String {
        reference
            .communes()
            .find(|c| c.id != "rach-sen")
            .and_then(|c| reference.areas_of(&c.id).next())
            .map(|a| a.id.clone())
            .expect("a second demo commune with an area")
    }

    fn day(m: u32, d: u32) -> Day {
        Day::ymd(2026, m, d).unwrap()
    }

    fn fact(id: &str, created_at: i64, record: AnyRecord) -> Fact {
        Fact {
            id: id.into(),
            created_at,
            record,
        }
    }

    fn household(id: &str, area: &str) -> Fact {
        fact(
            id,
            0,
            AnyRecord::Household(Household {
                area_id: area.into(),
                address: "Số 1".into(),
                head_name: "Hộ thử".into(),
                members: 3,
                location: None,
                note: String::new(),
            }),
        )
    }

    fn check(id: &str, created_at: i64, household: &str, date: Day, all: bool) -> Fact {
        fact(
            id,
            created_at,
            AnyRecord::SortingCheck(SortingCheck {
                household_id: household.into(),
                area_id: AREA.into(),
                check_date: date,
                recyclable_sorted: true,
                food_sorted: true,
                other_sorted: all,
                hazardous_separated: false,
                served_by_collection: true,
                burning_seen: false,
                dumping_seen: false,
                note: String::new(),
                checked_by: "p-vol".into(),
            }),
        )
    }

    fn cleanup(id: &str, area: &str, date: Day, kg: Option<f64>) -> Fact {
        fact(
            id,
            0,
            AnyRecord::Cleanup(Cleanup {
                area_id: area.into(),
                cleanup_date: date,
                place: Place::point(Coord::new(105.628, 9.998)),
                work: Work {
                    sweeping: true,
                    ..Default::default()
                },
                participants: Participants {
                    residents: 10,
                    ..Default::default()
                },
                waste_kg: kg,
                bags: Some(4),
                note: String::new(),
                photos: vec![],
            }),
        )
    }

    #[test]
    fn months_are_cut_to_the_period() {
        let m = months_between(day(1, 15), Day::ymd(2027, 2, 3).unwrap());
        let names: Vec<(i32, u32, String, String)> = m
            .iter()
            .map(|m| (m.year, m.month, m.from.to_string(), m.to.to_string()))
            .collect();
        assert_eq!(names.len(), 14);
        assert_eq!(
            names[0],
            (2026, 1, "2026-01-15".into(), "2026-01-31".into())
        );
        assert_eq!(names[1].3, "2026-02-28");
        assert_eq!(
            names[11],
            (2026, 12, "2026-12-01".into(), "2026-12-31".into())
        );
        assert_eq!(
            names[13],
            (2027, 2, "2027-02-01".into(), "2027-02-03".into())
        );
        assert_eq!(months_between(day(5, 31), day(5, 31)).len(), 1);
    }

    #[test]
    fn cleanups_and_kilograms_fall_in_their_month_and_commune() {
        let reference = Reference::demo();
        let elsewhere = other_area(&reference);
        let facts = vec![
            cleanup("c1", AREA, day(3, 7), Some(120.0)),
            cleanup("c2", AREA, day(3, 28), Some(80.5)),
            cleanup("bags-only", AREA, day(4, 4), None),
            cleanup("before", AREA, day(2, 28), Some(999.0)),
            cleanup("other-commune", &elsewhere, day(3, 14), Some(500.0)),
        ];
        let communes = vec!["rach-sen".to_owned()];
        let m = monthly(&reference, &communes, &facts, day(3, 1), day(4, 30));
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].cleanups, m[0].kilograms), (2, 200.5));
        assert_eq!((m[1].cleanups, m[1].kilograms), (1, 0.0));
        // Every commune: the other commune's cleanup counts too.
        let all = monthly(&reference, &[], &facts, day(3, 1), day(4, 30));
        assert_eq!((all[0].cleanups, all[0].kilograms), (3, 700.5));
    }

    #[test]
    fn a_household_counts_from_the_month_its_latest_check_sorts_all_three() {
        let reference = Reference::demo();
        let facts = vec![
            household("h1", AREA),
            household("h2", AREA),
            household("h3", AREA),
            // h1: sorting all three from March, lapsed in May, back in June (two checks that
            // day: the one made later wins).
            check("k1", 1, "h1", day(3, 10), true),
            check("k2", 2, "h1", day(5, 2), false),
            check("k3", 3, "h1", day(6, 5), false),
            check("k4", 4, "h1", day(6, 5), true),
            // h2: sorting all three since before the period.
            check("k5", 5, "h2", Day::ymd(2025, 12, 20).unwrap(), true),
            // h3: never all three.
            check("k6", 6, "h3", day(4, 1), false),
            // A check of a household nobody approved counts nowhere.
            check("k7", 7, "unknown", day(3, 1), true),
        ];
        let m = monthly(&reference, &[], &facts, day(2, 1), day(6, 30));
        let sorting: Vec<u64> = m.iter().map(|m| m.sorting_households).collect();
        assert_eq!(sorting, vec![1, 2, 2, 1, 2]);
        // A period ending mid-June ignores the June checks made after its end.
        let m = monthly(&reference, &[], &facts, day(6, 1), day(6, 4));
        assert_eq!(m[0].sorting_households, 1);
    }

    #[test]
    fn the_months_agree_with_the_targets_at_the_periods_end() {
        let reference = Reference::demo();
        let facts = vec![
            household("h1", AREA),
            household("h2", AREA),
            check("k1", 1, "h1", day(3, 10), true),
            check("k2", 2, "h2", day(4, 10), true),
            check("k3", 3, "h2", day(5, 10), false),
        ];
        let (from, to) = (day(1, 1), day(5, 31));
        let months = monthly(&reference, &[], &facts, from, to);
        let report = super::super::compute(&reference, &[], &facts, from, to);
        assert_eq!(
            months.last().map(|m| m.sorting_households),
            Some(report.province.household_sorting.numerator)
        );
    }
}
