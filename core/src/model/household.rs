//! Hộ gia đình: a household of an area, the unit that sorts its waste.

use super::{Context, RecordBody, RecordKind};
use crate::error::{FieldError, Rule};
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

    crate::write_changed_fields!(area_id, address, head_name, members, location, note);

    fn into_any(self) -> super::AnyRecord {
        super::AnyRecord::Household(self)
    }
}

pub(crate) const TABLE: &str = "CREATE TABLE households (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    head_name TEXT NOT NULL,
    address TEXT NOT NULL,
    members INTEGER NOT NULL,
    lon REAL, lat REAL,
    search TEXT NOT NULL
);
CREATE INDEX households_area_name ON households(area_id, search, id);";

impl Household {
    pub(crate) fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        let search = text::search_key(&format!("{} {}", self.head_name, self.address));
        conn.execute(
            "INSERT OR REPLACE INTO households (id, area_id, head_name, address, members, lon, lat, search)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
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
}
