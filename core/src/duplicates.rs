//! Households recorded twice. A volunteer adding a household is shown the households of the same
//! area whose head and address resemble it; staff see such pairs across their commune and mark
//! one as a duplicate of the other (a [`HouseholdDuplicate`] record), after which the duplicate
//! leaves every list and denominator and its checks count for the household kept.
//!
//! Resemblance ignores diacritics, case and punctuation ("Nguyen Van A, so 12 hem 3" is
//! "Nguyễn Văn A, số 12, hẻm 3") but never house numbers: "số 12" is not "số 21".

use crate::i18n::Message;
use crate::model::{Household, HouseholdDuplicate};
use crate::text;
use std::collections::{BTreeMap, HashMap};

/// What resemblance compares of a household: its head's words, its address's numbers in order,
/// and its address's other words.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    area_id: String,
    name: Vec<String>,
    numbers: Vec<String>,
    words: Vec<String>,
}

impl Key {
    fn of(h: &Household) -> Self {
        let tokens = |s: &str| -> Vec<String> {
            text::search_key(s)
                .split_whitespace()
                .map(str::to_owned)
                .collect()
        };
        let (numbers, words): (Vec<String>, Vec<String>) = tokens(&h.address)
            .into_iter()
            .partition(|w| w.chars().any(|c| c.is_ascii_digit()));
        Key {
            area_id: h.area_id.trim().to_owned(),
            name: tokens(&h.head_name),
            numbers,
            words,
        }
    }

    fn resembles(&self, other: &Key) -> bool {
        !self.name.is_empty()
            && self.area_id == other.area_id
            && self.name == other.name
            && self.numbers == other.numbers
            && words_resemble(&self.words, &other.words)
    }
}

/// The address words besides the numbers: one side's words all in the other's ("hẻm 3" and
/// "số 12 hẻm 3"), or most words shared.
fn words_resemble(a: &[String], b: &[String]) -> bool {
    let within = |x: &[String], y: &[String]| x.iter().all(|w| y.contains(w));
    if within(a, b) || within(b, a) {
        return true;
    }
    let shared = a.iter().filter(|w| b.contains(w)).count();
    let all = a.len() + b.len() - shared;
    2 * shared > all
}

/// Whether two households of the same area look like the same household recorded twice.
pub fn resemble(a: &Household, b: &Household) -> bool {
    Key::of(a).resembles(&Key::of(b))
}

/// The known households (`id`, household) that a draft resembles, in the order given.
pub fn candidates<'a>(
    draft: &Household,
    known: impl IntoIterator<Item = (&'a str, &'a Household)>,
) -> Vec<&'a str> {
    let key = Key::of(draft);
    known
        .into_iter()
        .filter(|(_, h)| key.resembles(&Key::of(h)))
        .map(|(id, _)| id)
        .collect()
}

/// Every pair of resembling households among `households`, each pair once (ids in the order
/// given). Households are bucketed by area and house numbers first, so a commune of thousands
/// compares only the few that could match.
pub fn pairs<'a>(households: &[(&'a str, &'a Household)]) -> Vec<(&'a str, &'a str)> {
    // Only households of one area, head and house numbers can resemble.
    type Bucket = (String, Vec<String>, Vec<String>);
    let mut buckets: BTreeMap<Bucket, Vec<(usize, Key)>> = BTreeMap::new();
    for (i, (_, h)) in households.iter().enumerate() {
        let key = Key::of(h);
        buckets
            .entry((key.area_id.clone(), key.name.clone(), key.numbers.clone()))
            .or_default()
            .push((i, key));
    }
    let mut out = vec![];
    for bucket in buckets.values() {
        for (n, (i, a)) in bucket.iter().enumerate() {
            for (j, b) in &bucket[n + 1..] {
                if a.resembles(b) {
                    out.push((*i.min(j), *i.max(j)));
                }
            }
        }
    }
    out.sort();
    out.into_iter()
        .map(|(x, y)| (households[x].0, households[y].0))
        .collect()
}

/// One staff decision that a household is a duplicate of another, as resolution reads it.
#[derive(Debug, Clone)]
pub struct Mark<'a> {
    pub id: &'a str,
    pub created_at: i64,
    pub mark: &'a HouseholdDuplicate,
}

/// Which household each duplicate's records count for: duplicate id → the household kept at the
/// end of any chain. Marks are taken oldest first (then by id), so every phone and the server
/// resolve the same marks the same way; a later mark of a household already marked, or one that
/// would close a cycle, is ignored.
pub fn resolve(marks: &[Mark]) -> HashMap<String, String> {
    let mut ordered: Vec<&Mark> = marks.iter().collect();
    ordered.sort_by(|a, b| (a.created_at, a.id).cmp(&(b.created_at, b.id)));
    let mut kept: HashMap<String, String> = HashMap::new();
    let root = |kept: &HashMap<String, String>, mut id: String| {
        // Bounded by the number of marks: the map never holds a cycle.
        while let Some(next) = kept.get(&id) {
            id = next.clone();
        }
        id
    };
    for m in ordered {
        let (dup, keep) = (&m.mark.household_id, &m.mark.kept_id);
        if dup == keep || kept.contains_key(dup) || root(&kept, keep.clone()) == *dup {
            continue;
        }
        kept.insert(dup.clone(), keep.clone());
    }
    let ids: Vec<String> = kept.keys().cloned().collect();
    ids.into_iter()
        .map(|id| {
            let end = root(&kept, id.clone());
            (id, end)
        })
        .collect()
}

/// Why staff may not mark one household as a duplicate of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkProblem {
    /// Both are the same record.
    SameHousehold,
    /// A duplicate and the household kept are of one area: households of different hamlets
    /// are different households.
    OtherArea,
    /// The household is already marked a duplicate.
    AlreadyDuplicate,
    /// The household to keep is itself marked a duplicate: keep the one it was merged into.
    KeptIsDuplicate,
}

impl MarkProblem {
    pub fn message(&self) -> Message {
        match self {
            MarkProblem::SameHousehold => Message::new(
                "không thể đánh dấu một hộ trùng với chính nó",
                "a household cannot be a duplicate of itself",
            ),
            MarkProblem::OtherArea => Message::new(
                "hai hộ ở hai ấp khác nhau",
                "the two households are in different areas",
            ),
            MarkProblem::AlreadyDuplicate => Message::new(
                "hộ này đã được đánh dấu là trùng",
                "this household is already marked as a duplicate",
            ),
            MarkProblem::KeptIsDuplicate => Message::new(
                "hộ giữ lại đã được đánh dấu là trùng với hộ khác",
                "the household to keep is itself marked as a duplicate",
            ),
        }
    }
}

/// Checks a new mark against the two households (`duplicate`, `kept`) and the marks in force
/// (from [`resolve`]), so no chain loops and no household is merged twice.
pub fn check_mark(
    duplicate: (&str, &Household),
    kept: (&str, &Household),
    in_force: &HashMap<String, String>,
) -> Result<(), MarkProblem> {
    if duplicate.0 == kept.0 {
        return Err(MarkProblem::SameHousehold);
    }
    if duplicate.1.area_id != kept.1.area_id {
        return Err(MarkProblem::OtherArea);
    }
    if in_force.contains_key(duplicate.0) {
        return Err(MarkProblem::AlreadyDuplicate);
    }
    if in_force.contains_key(kept.0) {
        return Err(MarkProblem::KeptIsDuplicate);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(area: &str, name: &str, address: &str) -> Household {
        Household {
            area_id: area.into(),
            address: address.into(),
            head_name: name.into(),
            members: 3,
            location: None,
            note: String::new(),
        }
    }

    #[test]
    fn the_same_household_typed_without_diacritics_or_punctuation_resembles() {
        let known = h("a1", "Nguyễn Văn A", "số 12, hẻm 3");
        assert!(resemble(&h("a1", "Nguyen Van A", "so 12 hem 3"), &known));
        assert!(resemble(&h("a1", "NGUYỄN VĂN A", "Số 12 / Hẻm 3."), &known));
        // A word left out of the address is still the same address.
        assert!(resemble(&h("a1", "Nguyen Van A", "12 hem 3"), &known));
    }

    #[test]
    fn house_numbers_names_and_areas_keep_households_apart() {
        let known = h("a1", "Nguyễn Văn A", "số 12, hẻm 3");
        assert!(!resemble(&h("a1", "Nguyen Van A", "so 21 hem 3"), &known));
        assert!(!resemble(&h("a1", "Nguyen Van A", "so 12"), &known));
        assert!(!resemble(&h("a1", "Nguyen Van An", "so 12 hem 3"), &known));
        assert!(!resemble(&h("a2", "Nguyen Van A", "so 12 hem 3"), &known));
        assert!(!resemble(
            &h("a1", "Nguyễn Văn A", "12 Trần Hưng Đạo"),
            &h("a1", "Nguyễn Văn A", "12 Lê Lợi")
        ));
    }

    #[test]
    fn candidates_and_pairs_find_the_resembling_ones() {
        let a = h("a1", "Nguyễn Văn A", "số 12, hẻm 3");
        let b = h("a1", "Trần Thị B", "số 5");
        let c = h("a1", "nguyen van a", "so 12 hem 3");
        let known = [("ha", &a), ("hb", &b), ("hc", &c)];
        let draft = h("a1", "Nguyen Van A", "so 12 hem 3");
        assert_eq!(candidates(&draft, known.iter().copied()), vec!["ha", "hc"]);
        assert_eq!(pairs(&known), vec![("ha", "hc")]);
    }

    fn mark(dup: &str, kept: &str) -> HouseholdDuplicate {
        HouseholdDuplicate {
            area_id: "a1".into(),
            household_id: dup.into(),
            kept_id: kept.into(),
            marked_by: "staff".into(),
        }
    }

    #[test]
    fn marks_resolve_to_the_end_of_a_chain_and_the_first_mark_wins() {
        let (ab, bc, ba, ac) = (
            mark("a", "b"),
            mark("b", "c"),
            mark("b", "a"),
            mark("a", "c"),
        );
        let marks = [
            Mark {
                id: "m2",
                created_at: 2,
                mark: &bc,
            },
            Mark {
                id: "m1",
                created_at: 1,
                mark: &ab,
            },
            // Would close a cycle with a→b: ignored.
            Mark {
                id: "m3",
                created_at: 3,
                mark: &ba,
            },
            // a is already merged: ignored.
            Mark {
                id: "m4",
                created_at: 4,
                mark: &ac,
            },
        ];
        let r = resolve(&marks);
        assert_eq!(r.len(), 2);
        assert_eq!(r["a"], "c");
        assert_eq!(r["b"], "c");
        // Order given does not matter.
        let mut reversed = marks.to_vec();
        reversed.reverse();
        assert_eq!(resolve(&reversed), r);
    }

    #[test]
    fn a_mark_is_refused_when_it_would_merge_twice_or_across_areas() {
        let (a, b, other) = (h("a1", "A", "1"), h("a1", "A", "1"), h("a2", "A", "1"));
        let none = HashMap::new();
        assert_eq!(check_mark(("x", &a), ("y", &b), &none), Ok(()));
        assert_eq!(
            check_mark(("x", &a), ("x", &a), &none),
            Err(MarkProblem::SameHousehold)
        );
        assert_eq!(
            check_mark(("x", &a), ("z", &other), &none),
            Err(MarkProblem::OtherArea)
        );
        let merged: HashMap<String, String> = [("x".into(), "y".into())].into();
        assert_eq!(
            check_mark(("x", &a), ("y", &b), &merged),
            Err(MarkProblem::AlreadyDuplicate)
        );
        assert_eq!(
            check_mark(("y", &b), ("x", &a), &merged),
            Err(MarkProblem::KeptIsDuplicate)
        );
    }
}
