//! Each target of plan II.2 recounted from raw records by plain loops written here, never by
//! the report's own code, over many generated hamlets; and two consecutive report periods that
//! count a record dated on every day of two years exactly once, with a sent period's late
//! approvals carried into the next.

use proptest::prelude::*;
use sachxanh_core::model::*;
use sachxanh_core::place::{Coord, Place};
use sachxanh_core::report::period::Period;
use sachxanh_core::report::{compute, compute_with, Fact, Inputs, Targets};
use sachxanh_core::Reference;

const AREAS: [&str; 2] = ["rs-ap-my-hoa", "rs-ap-ben-dinh"];
const COMMUNE: &str = "rach-sen";

fn day(n: i64) -> Day {
    // Day 0 is the period's first day (1 December 2025).
    Day(Day::ymd(2025, 12, 1).unwrap().0 + chrono::Duration::days(n))
}

fn period() -> (Day, Day) {
    (day(0), day(364))
}

/// The period before: the same length, just before.
fn before() -> (Day, Day) {
    (day(-365), day(-1))
}

fn within(d: Day, (from, to): (Day, Day)) -> bool {
    d >= from && d <= to
}

fn fact(n: usize, record: AnyRecord) -> Fact {
    Fact {
        id: format!("r{n:04}"),
        created_at: (n as i64 * 7919) % 1000,
        record,
    }
}

/// What a generated record may be; the area index picks one of [`AREAS`].
#[derive(Debug, Clone)]
enum Raw {
    Household {
        area: usize,
    },
    Check {
        household: usize,
        date: i64,
        flags: [bool; 6],
    },
    Spot {
        area: usize,
        kind: usize,
        reported: i64,
        closed: Option<i64>,
    },
    Cleanup {
        area: usize,
        date: i64,
        people: [u32; 7],
        kg: Option<u16>,
        bags: Option<u8>,
    },
    Briefing {
        area: usize,
        date: i64,
        attendance: u32,
    },
}

fn raw() -> impl Strategy<Value = Raw> {
    prop_oneof![
        (0..2usize).prop_map(|area| Raw::Household { area }),
        (0..12usize, -420..420i64, any::<[bool; 6]>()).prop_map(|(household, date, flags)| {
            Raw::Check {
                household,
                date,
                flags,
            }
        }),
        (
            0..2usize,
            0..4usize,
            -400..400i64,
            prop::option::of(0..60i64)
        )
            .prop_map(|(area, kind, reported, closed)| Raw::Spot {
                area,
                kind,
                reported,
                closed: closed.map(|c| reported + c),
            }),
        (
            0..2usize,
            -400..400i64,
            any::<[u8; 7]>(),
            prop::option::of(0..500u16),
            prop::option::of(0..40u8)
        )
            .prop_map(|(area, date, p, kg, bags)| Raw::Cleanup {
                area,
                date,
                people: p.map(u32::from),
                kg,
                bags,
            }),
        (0..2usize, -400..400i64, 0..200u32).prop_map(|(area, date, attendance)| {
            Raw::Briefing {
                area,
                date,
                attendance,
            }
        }),
    ]
}

const KINDS: [SpotKind; 4] = [
    SpotKind::SpontaneousDump,
    SpotKind::PollutionSpot,
    SpotKind::Burning,
    SpotKind::Violation,
];

/// The generated records as facts; checks name the n-th household generated (when there is
/// one).
fn facts(raws: &[Raw]) -> Vec<Fact> {
    let households: Vec<(usize, usize)> = raws
        .iter()
        .enumerate()
        .filter_map(|(n, r)| match r {
            Raw::Household { area } => Some((n, *area)),
            _ => None,
        })
        .collect();
    let here = Place::point(Coord::new(105.63, 10.0));
    raws.iter()
        .enumerate()
        .filter_map(|(n, r)| {
            let record = match r.clone() {
                Raw::Household { area } => AnyRecord::Household(Household {
                    area_id: AREAS[area].into(),
                    address: format!("Số {n}"),
                    head_name: format!("Hộ {n}"),
                    members: 3,
                    location: None,
                    note: String::new(),
                }),
                Raw::Check {
                    household,
                    date,
                    flags: f,
                } => {
                    let (h, area) = *households.get(household % households.len().max(1))?;
                    AnyRecord::SortingCheck(SortingCheck {
                        household_id: format!("r{h:04}"),
                        area_id: AREAS[area].into(),
                        check_date: day(date),
                        recyclable_sorted: f[0],
                        food_sorted: f[1],
                        other_sorted: f[2],
                        hazardous_separated: true,
                        served_by_collection: f[3],
                        burning_seen: f[4],
                        dumping_seen: f[5],
                        note: String::new(),
                        checked_by: "p".into(),
                    })
                }
                Raw::Spot {
                    area,
                    kind,
                    reported,
                    closed,
                } => AnyRecord::BlackSpot(BlackSpot {
                    area_id: AREAS[area].into(),
                    spot_kind: KINDS[kind],
                    place: here.clone(),
                    description: "Rác ven kênh".into(),
                    status: if closed.is_some() {
                        SpotStatus::Closed
                    } else {
                        SpotStatus::Reported
                    },
                    reported_date: day(reported),
                    verified_date: None,
                    cleaned_date: None,
                    closed_date: closed.map(day),
                    photos: vec![],
                    note: String::new(),
                }),
                Raw::Cleanup {
                    area,
                    date,
                    people: p,
                    kg,
                    bags,
                } => AnyRecord::Cleanup(Cleanup {
                    area_id: AREAS[area].into(),
                    cleanup_date: day(date),
                    place: here.clone(),
                    work: Work {
                        sweeping: true,
                        ..Work::default()
                    },
                    participants: Participants {
                        fatherland_front: p[0],
                        womens_union: p[1],
                        youth_union: p[2],
                        farmers_union: p[3],
                        veterans: p[4],
                        residents: p[5],
                        other: p[6],
                    },
                    waste_kg: kg.map(f64::from),
                    bags: bags.map(u32::from),
                    note: String::new(),
                    photos: vec![],
                }),
                Raw::Briefing {
                    area,
                    date,
                    attendance,
                } => AnyRecord::Briefing(Briefing {
                    area_id: AREAS[area].into(),
                    briefing_date: day(date),
                    topic: "Phân loại rác".into(),
                    audience: Audience::Members,
                    attendance,
                    note: String::new(),
                }),
            };
            Some(fact(n, record))
        })
        .collect()
}

/// A household's latest check in `window` (latest date, then latest made, then id).
fn latest_check<'a>(
    facts: &'a [Fact],
    household: &str,
    window: (Day, Day),
) -> Option<&'a SortingCheck> {
    let mut best: Option<(&Fact, &SortingCheck)> = None;
    for f in facts {
        if let AnyRecord::SortingCheck(c) = &f.record {
            if c.household_id != household || !within(c.check_date, window) {
                continue;
            }
            let later = match best {
                None => true,
                Some((bf, bc)) => {
                    (c.check_date, f.created_at, &f.id) > (bc.check_date, bf.created_at, &bf.id)
                }
            };
            if later {
                best = Some((f, c));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// (numerator, denominator) of the households of `area` whose latest check in `window` says
/// `yes`, over those with a check in it (`checked_only`) or all of them.
fn households_where(
    facts: &[Fact],
    area: &str,
    window: (Day, Day),
    checked_only: bool,
    yes: impl Fn(&SortingCheck) -> bool,
) -> (u64, u64) {
    let (mut n, mut d) = (0, 0);
    for f in facts {
        let AnyRecord::Household(h) = &f.record else {
            continue;
        };
        if h.area_id != area {
            continue;
        }
        let check = latest_check(facts, &f.id, window);
        if checked_only && check.is_none() {
            continue;
        }
        d += 1;
        if check.is_some_and(&yes) {
            n += 1;
        }
    }
    (n, d)
}

fn spots(facts: &[Fact], area: &str, kind: SpotKind, to: Day) -> (u64, u64) {
    let (mut n, mut d) = (0, 0);
    for f in facts {
        if let AnyRecord::BlackSpot(s) = &f.record {
            if s.area_id == area && s.spot_kind == kind && s.reported_date <= to {
                d += 1;
                if s.status == SpotStatus::Closed && s.closed_date.is_some_and(|c| c <= to) {
                    n += 1;
                }
            }
        }
    }
    (n, d)
}

fn reports(facts: &[Fact], area: &str, window: (Day, Day)) -> u64 {
    facts
        .iter()
        .filter(|f| match &f.record {
            AnyRecord::BlackSpot(s) => {
                s.area_id == area
                    && matches!(s.spot_kind, SpotKind::Burning | SpotKind::Violation)
                    && within(s.reported_date, window)
            }
            _ => false,
        })
        .count() as u64
}

fn area_of<'a>(report: &'a [Targets], id: &str) -> &'a Targets {
    report.iter().find(|t| t.unit_id == id).expect("the area")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_target_recounts_from_raw_records(raws in prop::collection::vec(raw(), 0..80), to_brief in 0..500u64) {
        let facts = facts(&raws);
        let (from, to) = period();
        let inputs = Inputs {
            to_brief: [(COMMUNE.to_owned(), to_brief)].into(),
            ..Inputs::default()
        };
        let r = compute_with(&Reference::demo(), &[COMMUNE.to_owned()], &facts, from, to, &inputs);
        let pair = |f: &sachxanh_core::report::Figure| (f.numerator, f.denominator);
        let mut people_reached = 0;
        for area in AREAS {
            let t = area_of(&r.areas, area);
            // (b) collection coverage: latest check by the period's end says "served".
            prop_assert_eq!(pair(&t.collection_coverage),
                households_where(&facts, area, (day(-10_000), to), false, |c| c.served_by_collection));
            // (b) burning and dumping seen, this period and the one before.
            let seen = |c: &SortingCheck| c.burning_seen || c.dumping_seen;
            prop_assert_eq!(pair(&t.burning_dumping), households_where(&facts, area, period(), true, seen));
            prop_assert_eq!(pair(&t.burning_dumping_before), households_where(&facts, area, before(), true, seen));
            // (b) violation reports, this period and the one before.
            prop_assert_eq!(t.violation_reports.count, reports(&facts, area, period()));
            prop_assert_eq!(t.violation_reports_before.count, reports(&facts, area, before()));
            // (đ4) black spots and (đ5) spontaneous dumps, separately.
            prop_assert_eq!(pair(&t.black_spots_closed), spots(&facts, area, SpotKind::PollutionSpot, to));
            prop_assert_eq!(pair(&t.dumps_closed), spots(&facts, area, SpotKind::SpontaneousDump, to));
            // (a) the cleanups' volume, organisation by organisation.
            let cleanups: Vec<&Cleanup> = facts.iter().filter_map(|f| match &f.record {
                AnyRecord::Cleanup(c) if c.area_id == area && within(c.cleanup_date, period()) => Some(c),
                _ => None,
            }).collect();
            let v = &t.cleanup_volume;
            prop_assert_eq!(v.held.count, cleanups.len() as u64);
            prop_assert_eq!(v.bags, cleanups.iter().map(|c| c.bags.unwrap_or(0) as u64).sum::<u64>());
            prop_assert!((v.waste_kg - cleanups.iter().map(|c| c.waste_kg.unwrap_or(0.0)).sum::<f64>()).abs() < 1e-6);
            for org in Organisation::ALL {
                let sum: u64 = cleanups.iter().map(|c| c.participants.of(*org) as u64).sum();
                prop_assert_eq!(v.participants.of(*org) as u64, sum, "{:?}", org);
            }
            prop_assert_eq!(v.held.people, cleanups.iter().map(|c| c.participants.total()).sum::<u64>());
            people_reached += facts.iter().filter_map(|f| match &f.record {
                AnyRecord::Briefing(b) if b.area_id == area && within(b.briefing_date, period()) => Some(b.attendance as u64),
                _ => None,
            }).sum::<u64>();
        }
        // (d) people reached against the people the commune entered.
        let reach = &r.communes[0].briefing_reach;
        if to_brief > 0 {
            prop_assert_eq!(pair(reach), (people_reached, to_brief));
        } else {
            prop_assert_eq!(reach.denominator, 0, "nothing entered: no share");
        }
    }
}

#[test]
fn two_periods_count_a_record_of_every_day_exactly_once_even_when_approved_late() {
    let reference = Reference::demo();
    let first = Period::containing(Day::ymd(2025, 6, 1).unwrap());
    let second = Period::containing(Day(first.to.0 + chrono::Duration::days(1)));
    assert_eq!(
        second.from.0,
        first.to.0 + chrono::Duration::days(1),
        "no gap"
    );
    let days = (second.to.0 - first.from.0).num_days() + 1;
    let all: Vec<Fact> = (0..days)
        .map(|n| {
            let d = Day(first.from.0 + chrono::Duration::days(n));
            fact(
                n as usize,
                AnyRecord::Briefing(Briefing {
                    area_id: AREAS[(n % 2) as usize].into(),
                    briefing_date: d,
                    topic: "Phân loại rác".into(),
                    audience: Audience::Residents,
                    attendance: 1,
                    note: String::new(),
                }),
            )
        })
        .collect();
    let count = |r: &sachxanh_core::report::Report| r.communes[0].briefings.count;
    let scope = [COMMUNE.to_owned()];
    // Everything approved in time: each day in its own period.
    let a = compute(&reference, &scope, &all, first.from, first.to);
    let b = compute(&reference, &scope, &all, second.from, second.to);
    assert_eq!(count(&a) + count(&b), days as u64);
    // The first period's last 40 days approved only after its report was sent: not in the
    // sent copy, carried into the second period instead.
    let late_from = Day(first.to.0 - chrono::Duration::days(39));
    let (late, on_time): (Vec<Fact>, Vec<Fact>) = all.iter().cloned().partition(|f| {
        matches!(&f.record, AnyRecord::Briefing(b) if b.briefing_date >= late_from && b.briefing_date <= first.to)
    });
    let sent = compute(&reference, &scope, &on_time, first.from, first.to);
    let inputs = Inputs {
        carried: late.iter().map(|f| f.id.clone()).collect(),
        ..Inputs::default()
    };
    let next = compute_with(&reference, &scope, &all, second.from, second.to, &inputs);
    assert_eq!(count(&sent), count(&a) - 40);
    assert_eq!(
        count(&sent) + count(&next),
        days as u64,
        "each day exactly once"
    );
}
