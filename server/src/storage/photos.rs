//! Photos: each device's resumable upload, and photos kept for the communes that uploaded them.
//! An upload belongs to the device that started it: another device can neither see nor block
//! it, and a photo one commune holds is not visible to another until that commune's phone has
//! sent the same bytes itself.

use super::sql::Sql;
use super::*;
use crate::args;
use sachxanh_core::photo::check_part;

fn held(
    sql: &mut dyn Sql,
    sha256: &str,
    device_id: &str,
    commune_id: &str,
) -> StorageResult<PhotoHeld> {
    if let Some(r) = sql.row(
        "SELECT length(p.bytes) FROM photos p JOIN photo_communes c ON c.sha256 = p.sha256
         WHERE p.sha256 = $1 AND c.commune_id = $2",
        args![sha256, commune_id],
    )? {
        return Ok(PhotoHeld::Complete {
            size: r.int(0)? as u64,
        });
    }
    let r = sql.one(
        "SELECT COALESCE(SUM(length(bytes)), 0), MAX(total) FROM photo_parts
         WHERE sha256 = $1 AND device_id = $2",
        args![sha256, device_id],
    )?;
    Ok(match r.opt_int(1)? {
        Some(total) => PhotoHeld::Partial {
            received: r.int(0)? as u64,
            total: total as u64,
        },
        None => PhotoHeld::Nothing,
    })
}

impl<B: Backend> Photos for Db<B> {
    fn photo_held(
        &self,
        sha256: &str,
        device_id: &str,
        commune_id: &str,
    ) -> StorageResult<PhotoHeld> {
        self.backend
            .read(|sql| held(sql, sha256, device_id, commune_id))
    }

    fn append_photo_part(
        &self,
        sha256: &str,
        offset: u64,
        total: u64,
        bytes: &[u8],
        device_id: &str,
        commune_id: &str,
    ) -> StorageResult<PartOutcome> {
        self.backend.write(|sql| {
            // Parts of one upload arriving on two connections must not interleave.
            self.backend
                .lock_key(sql, &format!("photo:{device_id}:{sha256}"))?;
            let now = held(sql, sha256, device_id, commune_id)?;
            if check_part(now, offset, total, bytes.len() as u64).is_err() {
                return Ok(PartOutcome::Mismatch(now));
            }
            if now == PhotoHeld::Nothing {
                let open = sql
                    .one(
                        "SELECT COUNT(DISTINCT sha256) FROM photo_parts WHERE device_id = $1",
                        args![device_id],
                    )?
                    .int(0)?;
                if open >= MAX_UPLOADS_PER_DEVICE {
                    return Ok(PartOutcome::TooManyUploads);
                }
            }
            sql.exec(
                "INSERT INTO photo_parts (device_id, sha256, part_offset, total, bytes, at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                args![device_id, sha256, offset, total, bytes, now_ms()],
            )?;
            Ok(PartOutcome::Appended(offset + bytes.len() as u64))
        })
    }

    fn photo_upload(&self, sha256: &str, device_id: &str) -> StorageResult<Vec<u8>> {
        self.backend.read(|sql| {
            let mut out = vec![];
            for r in sql.rows(
                "SELECT bytes FROM photo_parts WHERE sha256 = $1 AND device_id = $2
                 ORDER BY part_offset",
                args![sha256, device_id],
            )? {
                out.extend_from_slice(&r.bytes(0)?);
            }
            Ok(out)
        })
    }

    fn complete_photo(
        &self,
        sha256: &str,
        bytes: &[u8],
        commune_id: &str,
        device_id: &str,
    ) -> StorageResult<()> {
        self.backend.write(|sql| {
            sql.exec(
                "INSERT INTO photos (sha256, bytes, device_id, at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (sha256) DO NOTHING",
                args![sha256, bytes, device_id, now_ms()],
            )?;
            sql.exec(
                "INSERT INTO photo_communes (sha256, commune_id) VALUES ($1, $2)
                 ON CONFLICT (sha256, commune_id) DO NOTHING",
                args![sha256, commune_id],
            )?;
            sql.exec(
                "DELETE FROM photo_parts WHERE sha256 = $1 AND device_id = $2",
                args![sha256, device_id],
            )?;
            Ok(())
        })
    }

    fn discard_photo_upload(&self, sha256: &str, device_id: &str) -> StorageResult<()> {
        self.backend.write(|sql| {
            sql.exec(
                "DELETE FROM photo_parts WHERE sha256 = $1 AND device_id = $2",
                args![sha256, device_id],
            )?;
            Ok(())
        })
    }

    fn photo(&self, sha256: &str) -> StorageResult<Option<StoredPhoto>> {
        self.backend.read(|sql| {
            let Some(r) = sql.row("SELECT bytes FROM photos WHERE sha256 = $1", args![sha256])?
            else {
                return Ok(None);
            };
            let communes = sql
                .rows(
                    "SELECT commune_id FROM photo_communes WHERE sha256 = $1",
                    args![sha256],
                )?
                .iter()
                .map(|c| c.text(0))
                .collect::<StorageResult<_>>()?;
            Ok(Some(StoredPhoto {
                bytes: r.bytes(0)?,
                communes,
            }))
        })
    }

    fn sweep_photo_uploads(&self, before: i64) -> StorageResult<u64> {
        self.backend.write(|sql| {
            // An upload is as old as its newest part: one still moving is never cut.
            sql.exec(
                "DELETE FROM photo_parts WHERE (device_id, sha256) IN (
                     SELECT device_id, sha256 FROM photo_parts
                     GROUP BY device_id, sha256 HAVING MAX(at) < $1)",
                args![before],
            )
        })
    }

    fn forget_batch_answers(&self, before: i64) -> StorageResult<u64> {
        self.backend
            .write(|sql| sql.exec("DELETE FROM batches WHERE at < $1", args![before]))
    }

    fn forget_spent_codes(&self, before: i64) -> StorageResult<u64> {
        self.backend.write(|sql| {
            sql.exec(
                "DELETE FROM enrolment_codes
                 WHERE (used_at IS NOT NULL AND used_at < $1) OR expires_at < $1",
                args![before],
            )
        })
    }

    fn forget_reads(&self, before: i64) -> StorageResult<u64> {
        self.backend
            .write(|sql| sql.exec("DELETE FROM reads WHERE at < $1", args![before]))
    }
}
