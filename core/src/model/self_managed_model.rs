//! Mô hình tự quản về môi trường: a named group or street that keeps itself clean ("Tuyến
//! đường xanh – sạch – đẹp", "Tổ phụ nữ tự quản bến sông"), its members, start and standing
//! (target c).

use super::{check_range, Context, Day, RecordBody, RecordKind};
use crate::error::FieldError;
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    pub enum ModelStatus {
        /// Đang hoạt động.
        Active = "active",
        /// Tạm ngưng.
        Paused = "paused",
        /// Đã giải thể.
        Ended = "ended",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SelfManagedModel {
    pub area_id: String,
    pub name: String,
    pub members: u32,
    pub start_date: Day,
    pub status: ModelStatus,
    /// What the group does: sweeping the lane on Sundays, keeping the landing clean.
    pub activities: String,
}

pub const MAX_MODEL_MEMBERS: u32 = 10_000;

impl RecordBody for SelfManagedModel {
    const KIND: RecordKind = RecordKind::SelfManagedModel;

    fn area_id(&self) -> Option<&str> {
        Some(&self.area_id)
    }

    fn normalize(&mut self) {
        self.area_id = self.area_id.trim().to_owned();
        self.name = text::normalize(&self.name);
        self.activities = text::normalize(&self.activities);
    }

    fn day(&self) -> Option<Day> {
        Some(self.start_date)
    }

    fn check(&self, ctx: &Context) -> Vec<FieldError> {
        let mut e = vec![];
        ctx.check_area(&mut e, "area_id", &self.area_id);
        text::check(&mut e, "name", &self.name, true, 200, false);
        check_range(
            &mut e,
            "members",
            self.members as f64,
            1.0,
            MAX_MODEL_MEMBERS as f64,
        );
        ctx.check_past_date(&mut e, "start_date", &self.start_date);
        text::check(&mut e, "activities", &self.activities, false, 2000, true);
        e
    }

    crate::write_changed_fields!(area_id, name, members, start_date, status, activities);

    fn into_any(self) -> super::AnyRecord {
        super::AnyRecord::SelfManagedModel(self)
    }
}

pub(crate) const TABLE: &str = "CREATE TABLE self_managed_models (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    members INTEGER NOT NULL
);
CREATE INDEX self_managed_models_area ON self_managed_models(area_id);";

impl SelfManagedModel {
    pub(crate) fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        conn.prepare_cached(
            "INSERT OR REPLACE INTO self_managed_models (id, area_id, name, status, members)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            id,
            self.area_id,
            self.name,
            self.status.as_str(),
            self.members
        ])?;
        Ok(())
    }
}
