//! Communes ranked on each target, for the emulation and commendation the plan asks for (Cần
//! Thơ's plan, section VI): a share by its percentage, a count by its number. A unit with
//! nothing to measure (no denominator) is not ranked; ties share a place (1, 2, 2, 4). Where
//! less is better (households still burning or dumping), the lowest share ranks first.

use super::{Amount, Target};

/// Each unit's place among `amounts` (of `target`, one per unit), 1 the best.
pub fn ranks(target: Target, amounts: &[Amount]) -> Vec<Option<u32>> {
    let sign = if target.lower_is_better() { -1.0 } else { 1.0 };
    let scores: Vec<Option<f64>> = amounts
        .iter()
        .map(|a| a.score().map(|s| sign * s))
        .collect();
    scores
        .iter()
        .map(|s| s.map(|s| 1 + scores.iter().flatten().filter(|o| **o > s).count() as u32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Figure, Tally};

    fn share(numerator: u64, denominator: u64) -> Figure {
        Figure {
            numerator,
            denominator,
            records: vec![],
        }
    }

    #[test]
    fn shares_rank_by_percentage_ties_share_a_place_and_nothing_measured_is_unranked() {
        let (a, b, c, d, none) = (
            share(9, 10),
            share(45, 50),
            share(1, 2),
            share(99, 100),
            share(0, 0),
        );
        let amounts: Vec<Amount> = [&a, &b, &c, &d, &none]
            .into_iter()
            .map(Amount::Share)
            .collect();
        assert_eq!(
            ranks(Target::HouseholdSorting, &amounts),
            [Some(2), Some(2), Some(4), Some(1), None],
            "90% and 90% share second place; 50% is fourth, not third"
        );
        assert_eq!(
            ranks(Target::BurningDumping, &amounts),
            [Some(2), Some(2), Some(1), Some(4), None],
            "fewest households still burning ranks first"
        );
    }

    #[test]
    fn counts_rank_by_number() {
        let tally = |count| Tally {
            count,
            people: 0,
            records: vec![],
        };
        let (a, b) = (tally(3), tally(12));
        assert_eq!(
            ranks(Target::Briefings, &[Amount::Count(&a), Amount::Count(&b)]),
            [Some(2), Some(1)]
        );
    }
}
