//! Households recorded twice, on the phone: the households of the area a form being typed
//! resembles (by the core's rule in `crate::duplicates`), shown before the person saves.

use super::queries::HouseholdRow;
use super::Store;
use crate::error::Result;
use crate::form::{self, FieldInput};
use crate::model::{Household, RecordKind, ReviewStatus};

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
                SELECT 1 FROM household_duplicates d WHERE d.household_id = h.id)
             ORDER BY h.search, h.id",
        )?;
        let known: Vec<(HouseholdRow, Household)> = stmt
            .query_map([&draft.area_id, &prefix], |r| {
                let status =
                    ReviewStatus::parse(&r.get::<_, String>(5)?).unwrap_or(ReviewStatus::Draft);
                let data: String = r.get(6)?;
                Ok((
                    HouseholdRow {
                        id: r.get(0)?,
                        area_id: r.get(1)?,
                        head_name: r.get(2)?,
                        address: r.get(3)?,
                        members: r.get(4)?,
                        status_label: status.label(),
                        status,
                    },
                    data,
                ))
            })?
            .filter_map(|row| {
                let (row, data) = row.ok()?;
                let household = serde_json::from_str(&data).ok()?;
                Some((row, household))
            })
            .filter(|(row, _)| Some(row.id.as_str()) != except)
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
