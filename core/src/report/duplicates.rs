//! Households recorded twice, before any figure is counted: a household staff marked as a
//! duplicate leaves the facts, and its checks count for the household kept (the latest check
//! across both wins, as for one household). Marks resolve by the core's rule
//! (`crate::duplicates::resolve`), so phones and server count the same.

use super::Fact;
use crate::duplicates::{resolve, Mark};
use crate::model::AnyRecord;

/// The facts with duplicates merged into the households kept.
pub fn merge(facts: &[Fact]) -> Vec<Fact> {
    let marks: Vec<Mark> = facts
        .iter()
        .filter_map(|f| match &f.record {
            AnyRecord::HouseholdDuplicate(mark) => Some(Mark {
                id: &f.id,
                created_at: f.created_at,
                mark,
            }),
            _ => None,
        })
        .collect();
    let kept = resolve(&marks);
    facts
        .iter()
        .filter(|f| !kept.contains_key(&f.id))
        .map(|f| match &f.record {
            AnyRecord::SortingCheck(check) if kept.contains_key(&check.household_id) => {
                let mut check = check.clone();
                check.household_id = kept[&check.household_id].clone();
                Fact {
                    record: AnyRecord::SortingCheck(check),
                    ..f.clone()
                }
            }
            _ => f.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Day, Household, HouseholdDuplicate, RecordBody, SortingCheck};
    use crate::reference::Reference;

    #[test]
    fn a_duplicate_leaves_the_denominator_and_its_later_check_counts_for_the_kept() {
        let reference = Reference::demo();
        let commune = reference
            .communes()
            .next()
            .map(|c| c.id.clone())
            .unwrap_or_default();
        let area = reference
            .areas_of(&commune)
            .next()
            .map(|a| a.id.clone())
            .unwrap_or_default();
        let household = |id: &str| Fact {
            id: id.into(),
            created_at: 1,
            record: AnyRecord::Household(Household {
                area_id: area.clone(),
                address: "số 12".into(),
                head_name: "Nguyễn Văn A".into(),
                members: 3,
                location: None,
                note: String::new(),
            }),
        };
        let check = |id: &str, household: &str, day: u32, all: bool| {
            let mut c = SortingCheck::blank();
            c.household_id = household.into();
            c.check_date = Day::ymd(2026, 3, day).unwrap_or(Day::EARLIEST);
            c.area_id = area.clone();
            c.recyclable_sorted = all;
            c.food_sorted = all;
            c.other_sorted = all;
            Fact {
                id: id.into(),
                created_at: 2,
                record: AnyRecord::SortingCheck(c),
            }
        };
        let mark = Fact {
            id: "m".into(),
            created_at: 3,
            record: AnyRecord::HouseholdDuplicate(HouseholdDuplicate {
                area_id: area.clone(),
                household_id: "dup".into(),
                kept_id: "kept".into(),
                marked_by: "staff".into(),
            }),
        };
        let facts = vec![
            household("kept"),
            household("dup"),
            check("c1", "kept", 1, false),
            check("c2", "dup", 9, true),
        ];
        let (from, to) = (
            Day::ymd(2026, 1, 1).unwrap(),
            Day::ymd(2026, 11, 30).unwrap(),
        );
        let figure = |facts: &[Fact]| {
            super::super::compute(&reference, std::slice::from_ref(&commune), facts, from, to)
                .communes[0]
                .household_sorting
                .clone()
        };
        let before = figure(&facts);
        let mut marked = facts.clone();
        marked.push(mark);
        let after = figure(&marked);
        assert_eq!(after.denominator + 1, before.denominator);
        assert_eq!(after.numerator, 1);
        assert_eq!(after.records, vec!["c2".to_string()]);
    }
}
