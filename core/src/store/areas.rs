//! The commune's areas as the server last sent them. A phone starts with the areas built into
//! the app (or none), and from its first sync uses its commune's areas as staff manage them:
//! a renamed or merged hamlet reaches every phone without a new app.

use super::Store;
use crate::error::Result;
use crate::reference::Reference;
use rusqlite::{params, OptionalExtension};
use std::sync::Arc;

const VERSION: &str = "areas_version";
const GEOJSON: &str = "areas_geojson";

impl Store {
    /// The version of the areas this store holds from the server; 0 before any.
    pub fn areas_version(&self) -> Result<u64> {
        Ok(self
            .setting(VERSION)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Keeps the areas the server sent and uses them from now on. They are read before
    /// anything is written, so a bad file changes nothing.
    pub fn take_areas(&mut self, version: u64, geojson: &str) -> Result<()> {
        let reference = Reference::from_geojson(geojson)?;
        let tx = self.conn.transaction()?;
        for (key, value) in [
            (VERSION, version.to_string()),
            (GEOJSON, geojson.to_owned()),
        ] {
            tx.execute(
                "INSERT OR REPLACE INTO device (key, value) VALUES (?1, ?2)",
                params![key, value],
            )?;
        }
        tx.commit()?;
        self.reference = Arc::new(reference);
        Ok(())
    }

    /// Takes up areas another handle on the same file received (the app's sync runs on its
    /// own handle). Unchanged when there are none.
    pub fn reload_areas(&mut self) -> Result<()> {
        if let Some(reference) = stored(&self.conn)? {
            self.reference = Arc::new(reference);
        }
        Ok(())
    }
}

/// The areas kept from the server, if any can be read: a store that cannot read its own copy
/// keeps working with the app's and gets a fresh copy at the next sync.
pub(super) fn stored(conn: &rusqlite::Connection) -> Result<Option<Reference>> {
    let text: Option<String> = conn
        .query_row("SELECT value FROM device WHERE key = ?1", [GEOJSON], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(text.and_then(|t| Reference::from_geojson(&t).ok()))
}
