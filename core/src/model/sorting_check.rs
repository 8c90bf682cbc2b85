//! Kiểm tra phân loại rác tại hộ: a visit checking the three groups of the Law on Environmental
//! Protection 2020, art. 75 (reusable/recyclable, food waste, other), plus hazardous waste kept
//! apart, collection service, and burning or dumping seen.

use super::{AREA_FIELD, Context, Day, Draft, NOTE, Names, RecordBody, RecordKind, check_id};
use crate::error::FieldError;
use crate::form::{Field, InputSpec};
use crate::i18n::{Label, Message};
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SortingCheck {
    pub household_id: String,
    /// The household's area when checked: scopes the record without loading the household.
    pub area_id: String,
    pub check_date: Day,
    pub recyclable_sorted: bool,
    pub food_sorted: bool,
    pub other_sorted: bool,
    pub hazardous_separated: bool,
    pub served_by_collection: bool,
    pub burning_seen: bool,
    pub dumping_seen: bool,
    pub note: String,
    /// The person who visited (a person id).
    pub checked_by: String,
}

impl SortingCheck {
    /// "day · who · result", naming the household or only its hamlet.
    fn titled(&self, who: String) -> Message {
        let (vi, en) = if self.sorts_all_groups() {
            ("đủ 3 nhóm", "all three groups")
        } else {
            ("chưa đủ 3 nhóm", "not all groups")
        };
        let day = self.check_date.shown();
        Message::new(format!("{day} · {who} · {vi}"), format!("{day} · {who} · {en}"))
    }

    /// All three groups sorted: what target (b) counts.
    pub fn sorts_all_groups(&self) -> bool {
        self.recyclable_sorted && self.food_sorted && self.other_sorted
    }
}

const fn flag(path: &'static str, vi: &'static str, en: &'static str) -> Field {
    Field::new(path, Label::new(vi, en), InputSpec::Flag)
}

impl RecordBody for SortingCheck {
    const KIND: RecordKind = RecordKind::SortingCheck;
    const LABEL: Label = Label::new("Kiểm tra phân loại rác", "Waste sorting check");
    const FIELDS: &'static [Field] = &[
        AREA_FIELD,
        Field::new(
            "household_id",
            Label::new("Hộ gia đình", "Household"),
            InputSpec::Household,
        )
        .required(),
        Field::new(
            "check_date",
            Label::new("Ngày kiểm tra", "Check date"),
            InputSpec::Date { nullable: false },
        )
        .required(),
        flag(
            "recyclable_sorted",
            "Phân loại rác tái chế, tái sử dụng",
            "Reusable and recyclable waste sorted",
        )
        .section(Label::new(
            "Ba nhóm rác (Luật Bảo vệ môi trường 2020, điều 75)",
            "The three groups (Law on Environmental Protection 2020, art. 75)",
        )),
        flag(
            "food_sorted",
            "Phân loại chất thải thực phẩm",
            "Food waste sorted",
        ),
        flag(
            "other_sorted",
            "Phân loại chất thải rắn sinh hoạt khác",
            "Other domestic waste sorted",
        ),
        flag(
            "hazardous_separated",
            "Để riêng chất thải nguy hại (pin, bóng đèn)",
            "Hazardous waste (batteries, bulbs) kept apart",
        )
        .section(Label::new("Thu gom và xử lý", "Collection and disposal")),
        flag(
            "served_by_collection",
            "Được thu gom rác",
            "Served by waste collection",
        ),
        flag("burning_seen", "Thấy đốt rác", "Burning seen"),
        flag(
            "dumping_seen",
            "Thấy vứt, đổ rác bừa bãi",
            "Improper dumping seen",
        ),
        Field::new(
            "note",
            NOTE,
            InputSpec::Text {
                max_chars: 1000,
                multiline: true,
            },
        ),
        Field::new(
            "checked_by",
            Label::new("Người kiểm tra", "Checked by"),
            InputSpec::Text {
                max_chars: 120,
                multiline: false,
            },
        )
        .hidden(),
    ];
    const TABLE: &'static str = TABLE;
    const TABLE_NAME: &'static str = "sorting_checks";

    fn area_id(&self) -> Option<&str> {
        Some(&self.area_id)
    }

    fn normalize(&mut self) {
        self.household_id = self.household_id.trim().to_owned();
        self.area_id = self.area_id.trim().to_owned();
        self.note = text::normalize(&self.note);
        self.checked_by = text::normalize(&self.checked_by);
    }

    fn day(&self) -> Option<Day> {
        Some(self.check_date)
    }

    fn check(&self, ctx: &Context) -> Vec<FieldError> {
        let mut e = vec![];
        check_id(&mut e, "household_id", &self.household_id);
        ctx.check_area(&mut e, "area_id", &self.area_id);
        ctx.check_past_date(&mut e, "check_date", &self.check_date);
        text::check(&mut e, "note", &self.note, false, 1000, true);
        text::check(&mut e, "checked_by", &self.checked_by, true, 120, false);
        e
    }

    fn title(&self, names: Names) -> Message {
        self.titled(names(&self.household_id).unwrap_or_default())
    }

    /// Without the household's name: the day, the hamlet and the result.
    fn public_title(&self, names: Names) -> Message {
        self.titled(names(&self.area_id).unwrap_or_default())
    }

    fn refers_to(&self) -> Vec<&str> {
        vec![&self.household_id]
    }

    fn draft(draft: &Draft) -> Self {
        SortingCheck {
            household_id: String::new(),
            area_id: draft.area_id.clone(),
            check_date: draft.today(),
            recyclable_sorted: false,
            food_sorted: false,
            other_sorted: false,
            hazardous_separated: false,
            served_by_collection: false,
            burning_seen: false,
            dumping_seen: false,
            note: String::new(),
            checked_by: draft.person_id.clone(),
        }
    }

    fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        conn.prepare_cached(
            "INSERT OR REPLACE INTO sorting_checks (id, household_id, area_id, check_date,
                recyclable_sorted, food_sorted, other_sorted, all_sorted, hazardous_separated,
                served_by_collection, burning_seen, dumping_seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                id,
                self.household_id,
                self.area_id,
                self.check_date.to_string(),
                self.recyclable_sorted,
                self.food_sorted,
                self.other_sorted,
                self.sorts_all_groups(),
                self.hazardous_separated,
                self.served_by_collection,
                self.burning_seen,
                self.dumping_seen
            ],
        )?;
        Ok(())
    }

    crate::write_changed_fields!(
        household_id,
        area_id,
        check_date,
        recyclable_sorted,
        food_sorted,
        other_sorted,
        hazardous_separated,
        served_by_collection,
        burning_seen,
        dumping_seen,
        note,
        checked_by,
    );
}

const TABLE: &str = "CREATE TABLE sorting_checks (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    household_id TEXT NOT NULL,
    area_id TEXT NOT NULL,
    check_date TEXT NOT NULL,
    recyclable_sorted INTEGER NOT NULL,
    food_sorted INTEGER NOT NULL,
    other_sorted INTEGER NOT NULL,
    all_sorted INTEGER NOT NULL,
    hazardous_separated INTEGER NOT NULL,
    served_by_collection INTEGER NOT NULL,
    burning_seen INTEGER NOT NULL,
    dumping_seen INTEGER NOT NULL
);
CREATE INDEX sorting_checks_household ON sorting_checks(household_id, check_date);
CREATE INDEX sorting_checks_area ON sorting_checks(area_id);";
