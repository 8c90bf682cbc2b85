//! Hộ gia đình: a household of an area, the unit that sorts its waste.

use super::{AREA_FIELD, Context, Draft, NOTE, Names, RecordBody, RecordKind};
use crate::error::{FieldError, Rule};
use crate::form::{Field, InputSpec};
use crate::i18n::{Label, Message};
use crate::place::{Coord, Place};
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Household {
    pub area_id: String,
    pub address: String,
    pub head_name: String,
    pub members: u32,
    pub location: Option<Coord>,
    pub note: String,
}

/// Most people one household record may count; larger figures are typing slips.
pub const MAX_MEMBERS: u32 = 50;

impl RecordBody for Household {
    const KIND: RecordKind = RecordKind::Household;
    const LABEL: Label = Label::new("Hộ gia đình", "Household");
    const FIELDS: &'static [Field] = &[
        AREA_FIELD,
        Field::new(
            "head_name",
            Label::new("Họ tên chủ hộ", "Head of household"),
            InputSpec::Text {
                max_chars: 120,
                multiline: false,
            },
        )
        .required(),
        Field::new(
            "address",
            Label::new("Địa chỉ", "Address"),
            InputSpec::Text {
                max_chars: 200,
                multiline: false,
            },
        )
        .required()
        .help(Label::new("Số nhà, hẻm, đường", "House number, alley, street")),
        Field::new(
            "members",
            Label::new("Số nhân khẩu", "Household members"),
            InputSpec::Count {
                max: MAX_MEMBERS,
                nullable: false,
            },
        )
        .required(),
        Field::new("location", Label::new("Vị trí", "Location"), InputSpec::Point),
        Field::new(
            "note",
            NOTE,
            InputSpec::Text {
                max_chars: 1000,
                multiline: true,
            },
        ),
    ];
    const TABLE: &'static str = TABLE;
    const TABLE_NAME: &'static str = "households";

    fn area_id(&self) -> Option<&str> {
        Some(&self.area_id)
    }

    fn normalize(&mut self) {
        self.area_id = self.area_id.trim().to_owned();
        self.address = text::normalize(&self.address);
        self.head_name = text::normalize(&self.head_name);
        self.note = text::normalize(&self.note);
    }

    fn check(&self, ctx: &Context) -> Vec<FieldError> {
        let mut e = vec![];
        ctx.check_area(&mut e, "area_id", &self.area_id);
        text::check(&mut e, "head_name", &self.head_name, true, 120, false);
        text::check(&mut e, "address", &self.address, true, 200, false);
        text::check(&mut e, "note", &self.note, false, 1000, true);
        if self.members == 0 || self.members > MAX_MEMBERS {
            e.push(FieldError::new(
                "members",
                Rule::OutOfRange {
                    min: 1.0,
                    max: MAX_MEMBERS as f64,
                },
            ));
        }
        if let Some(c) = self.location {
            let place = Place::point(c);
            if place.check("location", &mut e)
                && ctx.reference.area(&self.area_id).is_some()
                && !ctx.reference.place_in_commune_of(&self.area_id, &place)
            {
                e.push(FieldError::new("location", Rule::OutsideCommune));
            }
        }
        e
    }

    fn title(&self, _names: Names) -> Message {
        let t = format!("{} — {}", self.head_name, self.address);
        Message::new(t.clone(), t)
    }

    /// The head's name and the address are personal: a household is its size and its hamlet.
    fn public_title(&self, names: Names) -> Message {
        let area = names(&self.area_id).unwrap_or_default();
        Message::new(
            format!("Hộ {} người · {area}", self.members),
            format!("Household of {} · {area}", self.members),
        )
    }

    fn place_is_personal(&self) -> bool {
        true
    }

    fn erase_personal(&mut self) -> bool {
        self.head_name = crate::erasure::ERASED.into();
        self.address = crate::erasure::ERASED.into();
        self.note.clear();
        self.location = None;
        true
    }

    fn place(&self) -> Option<Place> {
        self.location.map(Place::point)
    }

    fn draft(draft: &Draft) -> Self {
        Household {
            area_id: draft.area_id.clone(),
            address: String::new(),
            head_name: String::new(),
            members: 0,
            location: None,
            note: String::new(),
        }
    }

    fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        let search = text::search_key(&format!("{} {}", self.head_name, self.address));
        conn.prepare_cached(
            "INSERT OR REPLACE INTO households (id, area_id, head_name, address, members, lon, lat, search)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                id,
                self.area_id,
                self.head_name,
                self.address,
                self.members,
                self.location.map(|c| c.lon),
                self.location.map(|c| c.lat),
                search
            ],
        )?;
        Ok(())
    }

    crate::write_changed_fields!(area_id, address, head_name, members, location, note);
}

const TABLE: &str = "CREATE TABLE households (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    head_name TEXT NOT NULL,
    address TEXT NOT NULL,
    members INTEGER NOT NULL,
    lon REAL, lat REAL,
    search TEXT NOT NULL
);
CREATE INDEX households_area_name ON households(area_id, search, id);";
