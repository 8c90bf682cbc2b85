//! People, enrolment codes, devices and dashboard sessions.

use super::sql::{placeholders, Row, Sql, Val};
use super::*;
use crate::args;

const PERSON_COLUMNS: &str = "p.id, p.name, p.role, p.commune_id, p.areas";

fn person(r: &Row, at: usize) -> StorageResult<Person> {
    let role = r.text(at + 2)?;
    Ok(Person {
        id: r.text(at)?,
        name: r.text(at + 1)?,
        role: Role::parse(&role)
            .ok_or_else(|| StorageError::Database(format!("unknown role {role}")))?,
        commune_id: r.text(at + 3)?,
        areas: r.list(at + 4)?,
    })
}

fn person_by_id(sql: &mut dyn Sql, id: &str) -> StorageResult<Option<Person>> {
    sql.row(
        &format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id = $1"),
        args![id],
    )?
    .map(|r| person(&r, 0))
    .transpose()
}

fn device(r: &Row) -> StorageResult<Device> {
    Ok(Device {
        id: r.text(0)?,
        actor_id: r.opt_text(1)?,
        person: person(r, 2)?,
    })
}

const DEVICE_SELECT: &str = "SELECT d.id, d.actor_id, p.id, p.name, p.role, p.commune_id, p.areas
     FROM devices d JOIN people p ON p.id = d.person_id";

impl<B: Backend> People for Db<B> {
    fn add_person(&self, p: &Person) -> StorageResult<()> {
        self.backend.write(|sql| {
            sql.exec(
                "INSERT INTO people (id, name, role, commune_id, areas) VALUES ($1, $2, $3, $4, $5)",
                args![&p.id, &p.name, p.role.as_str(), &p.commune_id, p.areas.join(",")],
            )?;
            Ok(())
        })
    }

    fn person(&self, id: &str) -> StorageResult<Option<Person>> {
        self.backend.read(|sql| person_by_id(sql, id))
    }

    fn deployment_salt(&self) -> StorageResult<Vec<u8>> {
        self.backend.write(|sql| {
            if let Some(r) = sql.row(
                "SELECT value FROM settings WHERE key = 'code_salt'",
                args![],
            )? {
                return r.bytes(0);
            }
            let salt: [u8; 16] = rand::random();
            sql.exec(
                "INSERT INTO settings (key, value) VALUES ('code_salt', $1)",
                args![&salt[..]],
            )?;
            Ok(salt.to_vec())
        })
    }

    fn add_enrolment_code(
        &self,
        code_hash: &str,
        person_id: &str,
        expires_at: i64,
    ) -> StorageResult<()> {
        self.backend.write(|sql| {
            sql.exec(
                "INSERT INTO enrolment_codes (code_hash, person_id, expires_at) VALUES ($1, $2, $3)",
                args![code_hash, person_id, expires_at],
            )?;
            Ok(())
        })
    }

    fn redeem_code(
        &self,
        code_hashes: &[String],
        device_id: &str,
        token_hash: &str,
        actor_id: &str,
        now: i64,
    ) -> StorageResult<Option<Person>> {
        if code_hashes.is_empty() {
            return Ok(None);
        }
        let mut args: Vec<Val> = vec![now.into(), device_id.into()];
        args.extend(code_hashes.iter().map(Val::from));
        let hashes = placeholders(3, code_hashes.len());
        self.backend.write(|sql| {
            let fresh = sql.row(
                &format!(
                    "UPDATE enrolment_codes SET used_at = $1, device_id = $2
                     WHERE code_hash IN ({hashes}) AND used_at IS NULL AND expires_at > $1
                     RETURNING person_id"
                ),
                &args,
            )?;
            if let Some(r) = fresh {
                let person_id = r.text(0)?;
                // A revoked phone enrolling again with a new code keeps its actor id: its
                // unsent records were made under it and go out now. Only a revoked device lets
                // go of its actor; a live one keeps it (the insert below is then refused).
                sql.exec(
                    "UPDATE devices SET actor_id = NULL
                     WHERE actor_id = $1 AND revoked_at IS NOT NULL",
                    args![actor_id],
                )?;
                sql.exec(
                    "INSERT INTO devices (id, person_id, token_hash, actor_id, created_at)
                     VALUES ($1, $2, $3, $4, $5)",
                    args![device_id, &person_id, token_hash, actor_id, now],
                )?;
                return person_by_id(sql, &person_id);
            }
            // The same phone asking again because its answer was lost: only just after the
            // code was used, only while the code is valid, only for the device it bound, and
            // only if that device never used its first token. A code seen on paper, or an actor
            // id seen in a pulled change, is worth nothing after that.
            let mut again = vec![
                Val::from(now - REENROL_WINDOW_MS),
                Val::from(now),
                Val::from(actor_id),
                Val::from(token_hash),
            ];
            again.extend(code_hashes.iter().map(Val::from));
            let hashes = placeholders(5, code_hashes.len());
            let again = sql.row(
                &format!(
                    "UPDATE devices SET token_hash = $4
                     WHERE actor_id = $3 AND revoked_at IS NULL AND first_seen_at IS NULL
                       AND id IN (SELECT device_id FROM enrolment_codes
                                  WHERE code_hash IN ({hashes}) AND used_at >= $1
                                    AND expires_at > $2)
                     RETURNING person_id"
                ),
                &again,
            )?;
            match again {
                Some(r) => person_by_id(sql, &r.text(0)?),
                None => Ok(None),
            }
        })
    }

    fn add_device(
        &self,
        device_id: &str,
        person_id: &str,
        token_hash: &str,
        actor_id: Option<&str>,
    ) -> StorageResult<()> {
        self.backend.write(|sql| {
            sql.exec(
                "INSERT INTO devices (id, person_id, token_hash, actor_id, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
                args![device_id, person_id, token_hash, actor_id, now_ms()],
            )?;
            Ok(())
        })
    }

    fn device_by_token(&self, token_hash: &str, now: i64) -> StorageResult<Option<Device>> {
        let found = self.backend.read(|sql| {
            sql.row(
                "SELECT d.id, d.actor_id, p.id, p.name, p.role, p.commune_id, p.areas,
                        d.first_seen_at
                 FROM devices d JOIN people p ON p.id = d.person_id
                 WHERE d.token_hash = $1 AND d.revoked_at IS NULL",
                args![token_hash],
            )?
            .map(|r| Ok::<_, StorageError>((device(&r)?, r.opt_int(7)?.is_none())))
            .transpose()
        })?;
        let Some((device, first_use)) = found else {
            return Ok(None);
        };
        if first_use {
            // Written once per device: from here on its enrolment code cannot be replayed.
            self.backend.write(|sql| {
                sql.exec(
                    "UPDATE devices SET first_seen_at = $2 WHERE id = $1 AND first_seen_at IS NULL",
                    args![&device.id, now],
                )
            })?;
        }
        Ok(Some(device))
    }

    fn start_session(
        &self,
        session_hash: &str,
        device_id: &str,
        expires_at: i64,
    ) -> StorageResult<()> {
        self.backend.write(|sql| {
            sql.exec(
                "INSERT INTO sessions (token_hash, device_id, created_at, expires_at)
                 VALUES ($1, $2, $3, $4)",
                args![session_hash, device_id, now_ms(), expires_at],
            )?;
            // Sessions that ended or expired a day ago are of no use to anyone.
            sql.exec(
                "DELETE FROM sessions WHERE expires_at < $1 OR ended_at < $1",
                args![now_ms() - 24 * 3600 * 1000],
            )?;
            Ok(())
        })
    }

    fn session_device(&self, session_hash: &str, now: i64) -> StorageResult<Option<Device>> {
        self.backend.read(|sql| {
            sql.row(
                &format!(
                    "{DEVICE_SELECT} JOIN sessions s ON s.device_id = d.id
                     WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > $2
                       AND d.revoked_at IS NULL"
                ),
                args![session_hash, now],
            )?
            .map(|r| device(&r))
            .transpose()
        })
    }

    fn end_session(&self, session_hash: &str) -> StorageResult<()> {
        self.backend.write(|sql| {
            sql.exec(
                "UPDATE sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL",
                args![session_hash, now_ms()],
            )?;
            Ok(())
        })
    }

    fn token_revoked(&self, token_hash: &str) -> StorageResult<bool> {
        self.backend.read(|sql| {
            Ok(sql
                .row(
                    "SELECT 1 FROM devices WHERE token_hash = $1 AND revoked_at IS NOT NULL",
                    args![token_hash],
                )?
                .is_some())
        })
    }

    fn report_sync(&self, device_id: &str, at: i64, report: &SyncReport) -> StorageResult<()> {
        let waiting = report
            .records_waiting
            .map(|n| n.min(i64::MAX as u64) as i64);
        self.backend.write(|sql| {
            sql.exec(
                "UPDATE devices SET last_sync_at = $2,
                        app_version = COALESCE($3, app_version),
                        records_waiting = COALESCE($4, records_waiting)
                 WHERE id = $1",
                args![device_id, at, report.app_version.as_deref(), waiting],
            )?;
            Ok(())
        })
    }

    fn people_of(&self, commune_id: &str) -> StorageResult<Vec<PersonPhones>> {
        self.backend.read(|sql| {
            let mut people: Vec<PersonPhones> = sql
                .rows(
                    &format!(
                        "SELECT {PERSON_COLUMNS} FROM people p WHERE p.commune_id = $1
                         ORDER BY p.name, p.id"
                    ),
                    args![commune_id],
                )?
                .iter()
                .map(|r| {
                    Ok(PersonPhones {
                        person: person(r, 0)?,
                        phones: vec![],
                    })
                })
                .collect::<StorageResult<_>>()?;
            let phones = sql.rows(
                "SELECT d.person_id, d.id, d.actor_id IS NULL, d.created_at, d.last_sync_at,
                        d.app_version, d.records_waiting, d.revoked_at,
                        (SELECT COUNT(DISTINCT l.doc_id) FROM log l WHERE l.device_id = d.id)
                 FROM devices d JOIN people p ON p.id = d.person_id
                 WHERE p.commune_id = $1
                 ORDER BY d.created_at DESC, d.id",
                args![commune_id],
            )?;
            for r in &phones {
                let owner = r.text(0)?;
                let phone = Phone {
                    device_id: r.text(1)?,
                    console: r.int(2)? != 0,
                    enrolled_at: r.int(3)?,
                    last_sync_at: r.opt_int(4)?,
                    app_version: r.opt_text(5)?,
                    records_waiting: r.opt_int(6)?.map(|n| n.max(0) as u64),
                    revoked_at: r.opt_int(7)?,
                    records_sent: r.int(8)?.max(0) as u64,
                };
                if let Some(p) = people.iter_mut().find(|p| p.person.id == owner) {
                    p.phones.push(phone);
                }
            }
            Ok(people)
        })
    }

    fn set_areas(&self, by: &Device, person_id: &str, areas: &[String]) -> StorageResult<bool> {
        let commune = by.person.commune_id.clone();
        self.backend.write(|sql| {
            let n = sql.exec(
                "UPDATE people SET areas = $3 WHERE id = $1 AND commune_id = $2",
                args![person_id, &commune, areas.join(",")],
            )?;
            if n > 0 {
                audit_line(
                    sql,
                    by,
                    person_id,
                    AuditAction::MoveAreas,
                    &areas.join(", "),
                )?;
            }
            Ok(n > 0)
        })
    }

    fn revoke_device(&self, by: &Device, device_id: &str) -> StorageResult<bool> {
        let commune = by.person.commune_id.clone();
        self.backend.write(|sql| {
            let owner = sql.row(
                "UPDATE devices SET revoked_at = $2
                 WHERE id = $1 AND revoked_at IS NULL
                   AND person_id IN (SELECT id FROM people WHERE commune_id = $3)
                 RETURNING person_id",
                args![device_id, now_ms(), &commune],
            )?;
            let Some(owner) = owner else {
                return Ok(false);
            };
            // Sessions opened with that device's key end with it.
            sql.exec(
                "UPDATE sessions SET ended_at = $2 WHERE device_id = $1 AND ended_at IS NULL",
                args![device_id, now_ms()],
            )?;
            audit_line(
                sql,
                by,
                &owner.text(0)?,
                AuditAction::RevokePhone,
                device_id,
            )?;
            Ok(true)
        })
    }

    fn audit_person(&self, by: &Device, person_id: &str, action: AuditAction) -> StorageResult<()> {
        self.backend
            .write(|sql| audit_line(sql, by, person_id, action, ""))
    }
}
