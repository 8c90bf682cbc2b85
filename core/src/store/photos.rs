//! The device's photos: kept in the store (one SQLite file to back up, and a photo is saved in
//! the same durable way as the record that references it) until the server confirms holding
//! the exact bytes; downloaded ones are cached here too.

use super::Store;
use crate::error::{Error, Result};
use crate::photo::{self, PhotoSettings};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// A photo on this device.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PhotoInfo {
    pub sha256: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
}

/// A photo still waiting to be uploaded.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingPhoto {
    pub sha256: String,
    pub bytes: u64,
}

impl Store {
    /// Prepares a camera photo (scaled, re-encoded, metadata dropped) and keeps it until the
    /// server has it. Adding the same photo twice keeps one copy.
    pub fn add_photo(&mut self, source: &[u8], settings: PhotoSettings) -> Result<PhotoInfo> {
        let p = photo::prepare(source, settings)?;
        self.conn.execute(
            "INSERT OR IGNORE INTO photos (sha256, bytes, added_at) VALUES (?1, ?2, ?3)",
            params![p.sha256, p.jpeg, chrono::Utc::now().timestamp_millis()],
        )?;
        Ok(PhotoInfo {
            sha256: p.sha256,
            bytes: p.jpeg.len() as u64,
            width: p.width,
            height: p.height,
        })
    }

    /// A photo's bytes, if this device holds it.
    pub fn photo(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT bytes FROM photos WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Keeps a photo downloaded from the server, after checking it is the one asked for.
    pub fn keep_downloaded_photo(&mut self, sha256: &str, bytes: &[u8]) -> Result<()> {
        if photo::sha256_hex(bytes) != sha256 {
            return Err(Error::BadChange(format!(
                "ảnh tải về không khớp mã {sha256} / downloaded photo does not match {sha256}"
            )));
        }
        self.conn.execute(
            "INSERT OR IGNORE INTO photos (sha256, bytes, added_at, uploaded) VALUES (?1, ?2, ?3, 1)",
            params![sha256, bytes, chrono::Utc::now().timestamp_millis()],
        )?;
        Ok(())
    }

    /// Photos a saved record uses and the server does not yet hold, oldest first. A photo
    /// taken for a form that was never saved, or removed from it, never leaves the phone.
    pub fn photos_to_upload(&self) -> Result<Vec<PendingPhoto>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT sha256, length(bytes) FROM photos
             WHERE uploaded = 0 AND sha256 IN (SELECT sha256 FROM record_photos)
             ORDER BY added_at, sha256",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(PendingPhoto {
                    sha256: r.get(0)?,
                    bytes: r.get::<_, i64>(1)? as u64,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Bytes `[offset, offset + len)` of a photo, read without loading the rest.
    pub fn photo_part(&self, sha256: &str, offset: u64, len: u64) -> Result<Vec<u8>> {
        let part: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT substr(bytes, ?2 + 1, ?3) FROM photos WHERE sha256 = ?1",
                params![sha256, offset as i64, len as i64],
                |r| r.get(0),
            )
            .optional()?;
        part.ok_or_else(|| Error::NotFound(sha256.to_owned()))
    }

    /// The server confirmed holding exactly this photo.
    pub fn photo_uploaded(&mut self, sha256: &str) -> Result<()> {
        self.conn
            .execute("UPDATE photos SET uploaded = 1 WHERE sha256 = ?1", [sha256])?;
        Ok(())
    }

    pub fn photos_waiting(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM photos
             WHERE uploaded = 0 AND sha256 IN (SELECT sha256 FROM record_photos)",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Whether this device holds the photo (opening it needs no network).
    pub fn has_photo(&self, sha256: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM photos WHERE sha256 = ?1)",
            [sha256],
            |r| r.get(0),
        )?)
    }

    /// Forgets a photo taken by mistake: only one no record on this phone uses and the server
    /// does not hold. Returns whether it was forgotten.
    pub fn discard_photo(&mut self, sha256: &str) -> Result<bool> {
        Ok(self.conn.execute(
            "DELETE FROM photos WHERE sha256 = ?1 AND uploaded = 0
               AND sha256 NOT IN (SELECT sha256 FROM record_photos)",
            [sha256],
        )? > 0)
    }
}
