//! Records as staff read them: titles, places and labels, all from the core's model; the server
//! knows no kind by name and reads no field by name.

use crate::storage::{RecordRow, Storage, StorageResult};
use sachxanh_core::i18n::Message;
use sachxanh_core::Reference;
use std::collections::HashMap;

/// What the rows' titles name besides themselves (a check's household), read in one query.
pub struct Names<'a> {
    reference: &'a Reference,
    records: HashMap<String, String>,
}

impl<'a> Names<'a> {
    pub fn for_rows(
        storage: &dyn Storage,
        reference: &'a Reference,
        rows: &[&RecordRow],
    ) -> StorageResult<Self> {
        let mut ids: Vec<String> = rows
            .iter()
            .flat_map(|r| r.record.refers_to())
            .map(str::to_owned)
            .collect();
        ids.sort();
        ids.dedup();
        let no_names = |_: &str| None;
        let records = storage
            .records_by_id(&ids)?
            .into_iter()
            .map(|r| {
                let title = r.record.title(&no_names).vi;
                (r.id, title)
            })
            .collect();
        Ok(Names { reference, records })
    }

    pub fn name(&self, id: &str) -> Option<String> {
        self.reference
            .area(id)
            .map(|a| a.name.clone())
            .or_else(|| self.records.get(id).cloned())
    }

    /// The row's title in both languages.
    pub fn title(&self, row: &RecordRow) -> Message {
        row.record.title(&|id| self.name(id))
    }

    /// The row's title for an export: without names unless staff asked for them.
    pub fn export_title(&self, row: &RecordRow, personal: bool) -> Message {
        if personal {
            self.title(row)
        } else {
            row.record.public_title(&|id| self.name(id))
        }
    }
}
