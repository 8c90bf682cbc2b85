//! Mô hình tự quản về môi trường: a named group or street that keeps itself clean ("Tuyến
//! đường xanh – sạch – đẹp", "Tổ phụ nữ tự quản bến sông"), its members, start and standing
//! (target c).

use super::{AREA_FIELD, Context, Day, Draft, Names, RecordBody, RecordKind, check_range};
use crate::error::FieldError;
use crate::form::{Field, InputSpec};
use crate::i18n::{Label, Message};
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    pub enum ModelStatus {
        Active = "active" ("Đang hoạt động", "Active"),
        Paused = "paused" ("Tạm ngưng", "Paused"),
        Ended = "ended" ("Đã giải thể", "Ended"),
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
    const LABEL: Label = Label::new("Mô hình tự quản về môi trường", "Self-managed model");
    const FIELDS: &'static [Field] = &[
        AREA_FIELD,
        Field::new(
            "name",
            Label::new("Tên mô hình", "Name of the model"),
            InputSpec::Text {
                max_chars: 200,
                multiline: false,
            },
        )
        .required()
        .help(Label::new(
            "Ví dụ «Tuyến đường xanh – sạch – đẹp»",
            "E.g. “Tuyến đường xanh – sạch – đẹp” (green, clean, beautiful street)",
        )),
        Field::new(
            "members",
            Label::new("Số thành viên", "Members"),
            InputSpec::Count {
                max: MAX_MODEL_MEMBERS,
                nullable: false,
            },
        )
        .required(),
        Field::new(
            "start_date",
            Label::new("Ngày thành lập", "Started on"),
            InputSpec::Date { nullable: false },
        )
        .required(),
        Field::new(
            "status",
            Label::new("Tình trạng", "Status"),
            InputSpec::Choice(ModelStatus::choices),
        )
        .required(),
        Field::new(
            "activities",
            Label::new("Hoạt động", "Activities"),
            InputSpec::Text {
                max_chars: 2000,
                multiline: true,
            },
        ),
    ];
    const TABLE: &'static str = TABLE;
    const TABLE_NAME: &'static str = "self_managed_models";

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

    fn title(&self, _names: Names) -> Message {
        let status = self.status.label();
        Message::new(
            format!("{} · {} · {} thành viên", self.name, status.vi, self.members),
            format!("{} · {} · {} members", self.name, status.en, self.members),
        )
    }

    fn draft(draft: &Draft) -> Self {
        SelfManagedModel {
            area_id: draft.area_id.clone(),
            name: String::new(),
            members: 0,
            start_date: draft.today(),
            status: ModelStatus::Active,
            activities: String::new(),
        }
    }

    fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
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

    crate::write_changed_fields!(area_id, name, members, start_date, status, activities);
}

const TABLE: &str = "CREATE TABLE self_managed_models (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    members INTEGER NOT NULL
);
CREATE INDEX self_managed_models_area ON self_managed_models(area_id);";
