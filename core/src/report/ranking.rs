//! Communes ranked on each target, for the emulation and commendation the plan asks for (Cần
//! Thơ's plan, section VI): a share by its percentage, a count by its number. A unit with
//! nothing to measure (no denominator) is not ranked; ties share a place (1, 2, 2, 4).

use super::Amount;

/// Each unit's place among `amounts` (the same target for every unit), 1 the best.
pub fn ranks(amounts: &[Amount]) -> Vec<Option<u32>> {
    let scores: Vec<Option<f64>> = amounts
        .iter()
        .map(|a| match a {
            Amount::Share(f) => f.percent(),
            Amount::Count(t) => Some(t.count as f64),
        })
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
            ranks(&amounts),
            [Some(2), Some(2), Some(4), Some(1), None],
            "90% and 90% share second place; 50% is fourth, not third"
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
            ranks(&[Amount::Count(&a), Amount::Count(&b)]),
            [Some(2), Some(1)]
        );
    }
}
