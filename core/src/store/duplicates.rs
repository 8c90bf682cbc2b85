//! Households recorded twice, on the phone: the households of the area a form being typed
//! resembles (by the core's rule in `crate::duplicates`), shown before the person saves.

use super::queries::{household_row, HouseholdRow};
use super::Store;
use crate::error::Result;
use crate::form::{self, FieldInput};
use crate::model::{Household, RecordKind};

impl Store {
    /// The households of the draft's area (duplicates already merged aside) that `draft`
    /// resembles; `except` is the household being edited.
    pub fn similar_households(
        &self,
        draft: &Household,
        except: Option<&str>,
    ) -> Result<Vec<HouseholdRow>> {
        // Only a household of the same head can resemble: its search key starts with the head's
        // words (letters and digits only, nothing LIKE reads specially), so the index narrows
        // the area to those before the rule reads them.
        let name = crate::text::search_key(&draft.head_name);
        if name.is_empty() {
            return Ok(vec![]);
        }
        let prefix = format!("{name} %");
        let mut stmt = self.conn().prepare_cached(
            "SELECT h.id, h.area_id, h.head_name, h.address, h.members, r.review_status, r.data
             FROM households h JOIN records r ON r.id = h.id
             WHERE h.area_id = ?1 AND h.search LIKE ?2 AND NOT EXISTS (
                SELECT 1 FROM household_duplicates d
                WHERE d.household_id = h.id AND d.merged_into IS NOT NULL)
             ORDER BY h.search, h.id",
        )?;
        let rows: Vec<(HouseholdRow, String)> = stmt
            .query_map([&draft.area_id, &prefix], |r| {
                Ok((household_row(r)?, r.get::<_, String>(6)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let known: Vec<(HouseholdRow, Household)> = rows
            .into_iter()
            .filter(|(row, _)| Some(row.id.as_str()) != except)
            .filter_map(|(row, data)| Some((row, serde_json::from_str(&data).ok()?)))
            .collect();
        let found =
            crate::duplicates::candidates(draft, known.iter().map(|(row, h)| (row.id.as_str(), h)));
        Ok(known
            .iter()
            .filter(|(row, _)| found.contains(&row.id.as_str()))
            .map(|(row, _)| row.clone())
            .collect())
    }

    /// The households a form being typed resembles: empty for kinds other than households, and
    /// until the head's name is typed.
    pub fn similar_to_form(
        &self,
        kind: RecordKind,
        id: Option<&str>,
        area_id: &str,
        values: &[FieldInput],
    ) -> Result<Vec<HouseholdRow>> {
        if kind != RecordKind::Household {
            return Ok(vec![]);
        }
        let base: Household = match id {
            Some(id) => match self.record(id)? {
                crate::model::AnyRecord::Household(h) => h,
                _ => return Ok(vec![]),
            },
            None => crate::model::RecordBody::draft(&self.draft(area_id)),
        };
        match form::fill(&base, values).0 {
            Some(draft) => self.similar_households(&draft, id),
            None => Ok(vec![]),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Household, HouseholdDuplicate};
    use crate::{Reference, Store};
    use std::sync::Arc;

    const AREA: &str = "rs-ap-my-hoa";

    fn household(name: &str) -> Household {
        Household {
            area_id: AREA.into(),
            address: "số 12, hẻm 3".into(),
            head_name: name.into(),
            members: 4,
            location: None,
            note: String::new(),
        }
    }

    fn mark(dup: &str, kept: &str) -> HouseholdDuplicate {
        HouseholdDuplicate {
            area_id: AREA.into(),
            household_id: dup.into(),
            kept_id: kept.into(),
            marked_by: "p-staff".into(),
        }
    }

    fn listed(s: &Store) -> Vec<String> {
        let page = s.households(AREA, "", None, 50).expect("households");
        page.items.into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn crossed_marks_resolve_on_the_phone_as_the_report_resolves_them() {
        let mut s = Store::open_in_memory(Arc::new(Reference::demo())).expect("store");
        s.set_person("p-staff").expect("person");
        let a = s.create(household("Nguyễn Văn A")).expect("a");
        let b = s.create(household("Nguyen Van A")).expect("b");
        assert_eq!(
            s.similar_households(&household("nguyen van a"), None)
                .expect("similar")
                .len(),
            2
        );
        // Two marks made apart that cross: the older (a into b) holds, the other would loop.
        s.create(mark(&a, &b)).expect("first mark");
        s.create(mark(&b, &a)).expect("crossing mark");
        assert_eq!(listed(&s), vec![b.clone()]);
        let hint = s
            .similar_households(&household("nguyen van a"), None)
            .expect("similar");
        assert_eq!(
            hint.into_iter().map(|h| h.id).collect::<Vec<_>>(),
            vec![b.clone()]
        );
        assert_eq!(s.area_figures(AREA).expect("figures").households, 1);
        // Projections are a function of the documents: rebuilt, they are the same rows.
        let live = s.projection_dump().expect("dump");
        s.rebuild_projections().expect("rebuild");
        assert_eq!(s.projection_dump().expect("dump"), live);
        assert_eq!(listed(&s), vec![b]);
    }
}
