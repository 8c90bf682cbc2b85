//! The offline record store on the device: rusqlite (bundled SQLite, WAL) holding each record as
//! an Automerge document, relational projections for everything that lists or counts, and the
//! outbox of changes not yet sent.
//!
//! A save is one transaction: document chunk + projection rows + outbox entry, committed with
//! `synchronous=FULL`, so what the user was told is saved survives a crash or a flat battery.

mod areas;
pub mod data_use;
mod documents;
mod duplicates;
pub mod encryption;
pub mod forms;
pub mod outbox;
mod photos;
mod projection;
pub mod queries;
pub mod schema;
mod sync_state;

pub use outbox::OutboxEntry;
pub use photos::{PendingPhoto, PhotoInfo};
pub use queries::*;
pub use sync_state::{too_large_refusal, Refused};

use crate::document::{parse_changes, Conflict, RecordDoc};
use crate::error::{Error, Result};
use crate::model::{Context, Lifecycle, Meta, RecordBody, ReviewStatus};
use crate::reference::Reference;
use automerge::ActorId;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use std::cell::Cell;
use std::path::Path;
use std::sync::Arc;

/// A record as read back: its body, meta, version and standing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stored<T> {
    pub id: String,
    pub meta: Meta,
    pub body: T,
    /// The document's heads (sorted hex): the version a review pins.
    pub heads: Vec<String>,
    pub status: ReviewStatus,
    pub conflicts: Vec<Conflict>,
}

/// What applying received changes did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// Changes this store did not have yet.
    pub new_changes: usize,
    /// Whether the record can be shown (its creating change and all dependencies are here).
    pub complete: bool,
}

pub struct Store {
    conn: Connection,
    reference: Arc<Reference>,
    actor: ActorId,
    person: Option<String>,
    docs_loaded: Cell<u64>,
    /// Server time minus this device's time, learnt at the last sync (`None` before any).
    server_offset_ms: Option<i64>,
    /// How wrong this device's clock is made to be: only the tests set it.
    device_clock_error_ms: i64,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The difference between a phone's clock and the server's that is worth telling the person.
pub const CLOCK_SKEW_WARNING_MS: i64 = 10 * 60 * 1000;

/// The phone's clock against the server's, as learnt at the last sync.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ClockSkew {
    /// Server time minus phone time, in minutes (positive: the phone is behind).
    pub minutes: i64,
    pub message: crate::i18n::Message,
}

impl Store {
    /// Opens (creating if needed) the store at `path`. Loads no Automerge document unless the
    /// projections must be rebuilt after an upgrade.
    pub fn open(path: impl AsRef<Path>, reference: Arc<Reference>) -> Result<Store> {
        let conn = Connection::open(path)?;
        // An encrypted store opened without its key says so, rather than "not a database".
        encryption::check_readable(&conn)?;
        Self::setup(conn, reference)
    }

    /// Opens (creating if needed) the store at `path` encrypted with `key`. A store made before
    /// encryption is first rewritten encrypted in place. A wrong key, or a store encrypted with
    /// another, is [`Error::WrongKey`], and nothing is touched.
    pub fn open_encrypted(
        path: impl AsRef<Path>,
        key: &encryption::StoreKey,
        reference: Arc<Reference>,
    ) -> Result<Store> {
        let path = path.as_ref();
        encryption::discard_interrupted(path);
        if encryption::is_plain(path)? {
            encryption::encrypt_in_place(path, key)?;
        }
        let conn = Connection::open(path)?;
        encryption::unlock(&conn, key)?;
        Self::setup(conn, reference)
    }

    /// A store in memory, for tests and simulations.
    pub fn open_in_memory(reference: Arc<Reference>) -> Result<Store> {
        Self::setup(Connection::open_in_memory()?, reference)
    }

    fn setup(mut conn: Connection, reference: Arc<Reference>) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted content is overwritten, not left in free pages: an erased household's old
        // history leaves no bytes behind.
        conn.pragma_update(None, "secure_delete", "ON")?;
        // 8 MB of page cache (SQLite's default is 2 MB): an encrypted page is decrypted each
        // time it is read from the file, so keeping the hot B-tree pages costs a cheap phone
        // little memory and spares most of that work.
        conn.pragma_update(None, "cache_size", -8000)?;
        let rebuild = schema::migrate(&mut conn)?;
        let actor = match conn
            .query_row("SELECT value FROM device WHERE key = 'actor'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
        {
            Some(hex) => ActorId::try_from(hex.as_str())
                .map_err(|_| Error::Corrupt("bad actor id".into()))?,
            None => {
                // One actor per device, bound to it at enrolment: made once, kept forever.
                let actor = ActorId::from(uuid::Uuid::new_v4().as_bytes().to_vec());
                conn.execute(
                    "INSERT INTO device (key, value) VALUES ('actor', ?1)",
                    [actor.to_hex_string()],
                )?;
                actor
            }
        };
        let person = conn
            .query_row("SELECT value FROM device WHERE key = 'person'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let server_offset_ms = conn
            .query_row(
                "SELECT value FROM device WHERE key = 'server_offset_ms'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|v| v.parse().ok());
        let reference = match areas::stored(&conn)? {
            Some(synced) => Arc::new(synced),
            None => reference,
        };
        let store = Store {
            conn,
            reference,
            actor,
            person,
            docs_loaded: Cell::new(0),
            server_offset_ms,
            device_clock_error_ms: 0,
        };
        if rebuild {
            store.rebuild_projections()?;
        }
        Ok(store)
    }

    /// This device's Automerge actor id (hex).
    pub fn actor_id(&self) -> String {
        self.actor.to_hex_string()
    }

    pub fn reference(&self) -> &Reference {
        &self.reference
    }

    /// The person recording on this device (set at enrolment).
    pub fn person(&self) -> Option<&str> {
        self.person.as_deref()
    }

    pub fn set_person(&mut self, person_id: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO device (key, value) VALUES ('person', ?1)",
            [person_id],
        )?;
        self.person = Some(person_id.to_owned());
        Ok(())
    }

    /// How many Automerge documents this store has loaded since it was opened.
    pub fn documents_loaded(&self) -> u64 {
        self.docs_loaded.get()
    }

    fn author(&self) -> Result<String> {
        self.person
            .clone()
            .ok_or_else(|| Error::NotFound("person (device not enrolled)".into()))
    }

    fn load(&self, id: &str) -> Result<RecordDoc> {
        self.docs_loaded.set(self.docs_loaded.get() + 1);
        documents::load(&self.conn, id, &self.actor)
    }

    pub(crate) fn context(&self) -> Context<'_> {
        Context {
            today: self.today().0,
            reference: &self.reference,
        }
    }

    /// This device's clock, in milliseconds since the epoch.
    pub fn device_now_ms(&self) -> i64 {
        now_ms() + self.device_clock_error_ms
    }

    /// The time this device trusts: its clock corrected by the server's at the last sync, so a
    /// phone whose clock is years off neither dates records into the future nor offers a
    /// wrong "today" once it has synced once. Before any sync, its own clock.
    pub fn trusted_now_ms(&self) -> i64 {
        self.device_now_ms() + self.server_offset_ms.unwrap_or(0)
    }

    /// Today where the phone is, by the trusted time.
    pub fn today(&self) -> crate::model::Day {
        let shift = self.trusted_now_ms() - now_ms();
        crate::model::Day(
            (chrono::Local::now() + chrono::Duration::milliseconds(shift)).date_naive(),
        )
    }

    /// Remembers the server's time (from an answer's `Date`) against this device's clock.
    pub fn learn_server_time(&mut self, server_ms: i64) -> Result<()> {
        let offset = server_ms - self.device_now_ms();
        self.set_setting("server_offset_ms", Some(&offset.to_string()))?;
        self.server_offset_ms = Some(offset);
        Ok(())
    }

    /// How far this phone's clock is from the server's, when it is far enough to matter
    /// (records are dated by the server-corrected day meanwhile, and the person is asked to
    /// set the clock: other apps on the phone suffer from it too).
    pub fn clock_skew(&self) -> Option<ClockSkew> {
        let offset = self.server_offset_ms?;
        if offset.abs() < CLOCK_SKEW_WARNING_MS {
            return None;
        }
        let minutes = offset / 60_000;
        let (amount_vi, amount_en) = match offset.abs() / 60_000 {
            m if m >= 2 * 24 * 60 => (
                format!("{} ngày", m / (24 * 60)),
                format!("{} days", m / (24 * 60)),
            ),
            m if m >= 120 => (format!("{} giờ", m / 60), format!("{} hours", m / 60)),
            m => (format!("{m} phút"), format!("{m} minutes")),
        };
        let (dir_vi, dir_en) = if offset > 0 {
            ("chậm", "behind")
        } else {
            ("nhanh", "ahead")
        };
        Some(ClockSkew {
            minutes,
            message: crate::i18n::Message::new(
                format!(
                    "Đồng hồ của máy đang {dir_vi} {amount_vi} so với máy chủ. Ứng dụng ghi ngày \
                     theo giờ máy chủ; hãy chỉnh lại ngày giờ trong Cài đặt của điện thoại."
                ),
                format!(
                    "This phone's clock is {amount_en} {dir_en} the server's. The app dates \
                     records by the server's time; set the date and time in the phone's Settings."
                ),
            ),
        })
    }

    /// Makes this device's clock wrong by `error_ms`, as a phone's can be (tests only).
    #[doc(hidden)]
    pub fn set_device_clock_error(&mut self, error_ms: i64) {
        self.device_clock_error_ms = error_ms;
    }

    /// Validates and saves a new record as a draft. Returns its id.
    pub fn create<T: RecordBody>(&mut self, mut body: T) -> Result<String> {
        body.normalize();
        body.validate(&self.context())?;
        self.check_links(&body.clone().into())?;
        let id = uuid::Uuid::now_v7().to_string();
        let meta = Meta {
            author: self.author()?,
            created_at: self.trusted_now_ms(),
            state: Lifecycle::Draft,
        };
        let (doc, change) = RecordDoc::create(&self.actor, &id, &meta, &body)?;
        let tx = self.conn.transaction()?;
        documents::insert(&tx, &id, Some(T::KIND.as_str()))?;
        documents::append(&tx, &id, change.raw_bytes(), &doc)?;
        outbox::push(&tx, &id, &change.hash().to_string(), change.raw_bytes())?;
        projection::project(&tx, &id, &doc)?;
        tx.commit()?;
        Ok(id)
    }

    /// Rules that need the store: a record naming another (a check its household) must name
    /// one this device knows, of the same area. (Records arriving by sync skip this: order of
    /// arrival is not ours.)
    fn check_links(&self, record: &crate::model::AnyRecord) -> Result<()> {
        use crate::error::{FieldError, Invalid, Rule};
        for other in record.refers_to() {
            let area: Option<Option<String>> = self
                .conn
                .query_row("SELECT area_id FROM records WHERE id = ?1", [other], |r| {
                    r.get(0)
                })
                .optional()?;
            // The field that names it, for the problem to show under.
            let field = crate::form::field_naming(record, other);
            match area {
                None => {
                    return Err(Invalid(vec![FieldError::new(field, Rule::UnknownRecord)]).into())
                }
                Some(a) if a.as_deref() != record.area_id() => {
                    return Err(Invalid(vec![FieldError::new("area_id", Rule::UnknownArea)]).into())
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Reads a record with its version and standing.
    pub fn get<T: RecordBody>(&self, id: &str) -> Result<Stored<T>> {
        let doc = self.load(id)?;
        self.stored(id, &doc)
    }

    fn stored<T: RecordBody>(&self, id: &str, doc: &RecordDoc) -> Result<Stored<T>> {
        let kind = doc.kind().ok_or_else(|| Error::NotFound(id.to_owned()))?;
        if kind != T::KIND {
            return Err(Error::WrongKind {
                id: id.to_owned(),
                expected: T::KIND.as_str(),
                actual: kind.as_str().to_owned(),
            });
        }
        let status: String = self
            .conn
            .query_row(
                "SELECT review_status FROM records WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_else(|| "draft".into());
        Ok(Stored {
            id: id.to_owned(),
            meta: doc.meta()?,
            body: doc.body()?,
            heads: doc.heads(),
            status: ReviewStatus::parse(&status).unwrap_or(ReviewStatus::Draft),
            conflicts: doc.conflicts(),
        })
    }

    /// Saves an edit made by `edit` to the record's current value, as one change holding only
    /// the fields that differ. Returns the record as saved.
    pub fn update<T: RecordBody>(
        &mut self,
        id: &str,
        edit: impl FnOnce(&mut T),
    ) -> Result<Stored<T>> {
        self.write::<T>(id, Some(edit), false, None)
    }

    /// Saves a person's resolution of the record's conflicts: like [`Store::update`], but every
    /// field in conflict is written with the value in the edited body, even the one shown by
    /// default, so the other values are gone for every device.
    pub fn resolve_conflicts<T: RecordBody>(
        &mut self,
        id: &str,
        edit: impl FnOnce(&mut T),
    ) -> Result<Stored<T>> {
        self.write::<T>(id, Some(edit), true, None)
    }

    /// Marks a record submitted for review (after checking it is still valid).
    pub fn submit<T: RecordBody>(&mut self, id: &str) -> Result<Stored<T>> {
        self.write::<T>(id, None::<fn(&mut T)>, false, Some(Lifecycle::Submitted))
    }

    fn write<T: RecordBody>(
        &mut self,
        id: &str,
        edit: Option<impl FnOnce(&mut T)>,
        resolve: bool,
        state: Option<Lifecycle>,
    ) -> Result<Stored<T>> {
        let mut doc = self.load(id)?;
        let current: Stored<T> = self.stored(id, &doc)?;
        let mut new = current.body.clone();
        if let Some(edit) = edit {
            edit(&mut new);
        }
        new.normalize();
        new.validate(&self.context())?;
        self.check_links(&new.clone().into())?;
        // Re-submitting an already submitted record after a fix is a plain edit.
        let state = state.filter(|s| *s != current.meta.state);
        let force: Vec<String> = if resolve {
            current
                .conflicts
                .iter()
                .filter_map(|c| c.field.strip_prefix("data."))
                .map(|f| f.split('.').next().unwrap_or(f).to_owned())
                .collect()
        } else {
            vec![]
        };
        let Some(change) = doc.edit(&current.body, &new, &force, state, self.trusted_now_ms())?
        else {
            return Ok(current);
        };
        let tx = self.conn.transaction()?;
        documents::append(&tx, id, change.raw_bytes(), &doc)?;
        outbox::push(&tx, id, &change.hash().to_string(), change.raw_bytes())?;
        projection::project(&tx, id, &doc)?;
        tx.commit()?;
        self.stored(id, &doc)
    }

    /// Applies changes to one record received from elsewhere (the server or, in tests, another
    /// store), updating its document and projections in one transaction. Unreadable bytes are
    /// refused before anything is written.
    pub fn apply_remote(&mut self, doc_id: &str, changes: &[Vec<u8>]) -> Result<Applied> {
        let tx = self.conn.unchecked_transaction()?;
        let applied = self.apply_in(&tx, Some(doc_id), changes)?;
        tx.commit()?;
        Ok(applied)
    }

    /// `doc_id` `None`: a record a compact pull names only by its first change, which must
    /// create it ([`RecordDoc::created_id`]).
    fn apply_in(
        &self,
        tx: &rusqlite::Transaction,
        doc_id: Option<&str>,
        changes: &[Vec<u8>],
    ) -> Result<Applied> {
        let parsed = parse_changes(changes)?;
        let (doc_id, existing, doc, new_changes) = match doc_id {
            Some(id) => {
                if uuid::Uuid::parse_str(id).is_err() {
                    return Err(Error::BadChange(format!("invalid record id {id:?}")));
                }
                let existing = documents::exists(tx, id)?;
                let mut doc = if existing {
                    self.load(id)?
                } else {
                    RecordDoc::load(std::iter::empty(), &self.actor)?
                };
                let n = doc.apply(parsed)?;
                (id.to_owned(), existing, doc, n)
            }
            None => {
                let first = parsed
                    .first()
                    .filter(|c| c.deps().is_empty())
                    .map(|c| c.hash())
                    .ok_or_else(|| Error::BadChange("a record without an id".into()))?;
                let mut doc = RecordDoc::load(std::iter::empty(), &self.actor)?;
                let n = doc.apply(parsed)?;
                let id = doc
                    .created_id(&first)
                    .ok_or_else(|| Error::BadChange("a record without an id".into()))?;
                if documents::exists(tx, &id)? {
                    // Held already (rare: fetched whole after a refusal): merged as usual.
                    return self.apply_in(tx, Some(&id), changes);
                }
                (id, false, doc, n)
            }
        };
        let doc_id = doc_id.as_str();
        let complete = doc.is_complete();
        if new_changes == 0 {
            return Ok(Applied {
                new_changes,
                complete,
            });
        }
        // A document that cannot be read as its kind is refused whole.
        let record = complete
            .then(|| doc.record())
            .transpose()
            .map_err(|e| Error::BadChange(format!("record {doc_id}: {e}")))?;
        let kind = doc.kind().map(|k| k.as_str());
        let bytes = changes.concat();
        if existing {
            documents::insert(tx, doc_id, kind)?;
            documents::append(tx, doc_id, &bytes, &doc)?;
        } else {
            documents::insert_whole(tx, doc_id, kind, &bytes)?;
        }
        if let Some(record) = &record {
            projection::project_record(tx, doc_id, &doc, record)?;
        }
        Ok(Applied {
            new_changes,
            complete,
        })
    }

    /// Changes waiting to be sent, oldest first.
    pub fn outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>> {
        outbox::pending(&self.conn, limit)
    }

    pub fn outbox_len(&self) -> Result<u64> {
        outbox::count(&self.conn)
    }

    /// Records with changes not on the server yet (a record edited three times counts once).
    pub fn records_waiting(&self) -> Result<u64> {
        outbox::records(&self.conn)
    }

    /// Forgets outbox entries the server confirmed holding.
    pub fn acknowledge(&mut self, hashes: &[String]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let n = outbox::acknowledge(&tx, hashes)?;
        tx.commit()?;
        Ok(n)
    }

    /// Every change of a record, each as raw bytes: what another peer needs to have it whole.
    pub fn changes_of(&self, id: &str) -> Result<Vec<Vec<u8>>> {
        let doc = self.load(id)?;
        Ok(doc
            .automerge()
            .get_changes(&[])
            .into_iter()
            .map(|c| c.raw_bytes().to_vec())
            .collect())
    }

    /// The record as a standard Automerge file (`save()`): readable without our code.
    pub fn export_automerge(&self, id: &str) -> Result<Vec<u8>> {
        Ok(self.load(id)?.save())
    }

    /// Derives every projection again from the documents.
    pub fn rebuild_projections(&self) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        let ids = documents::all_ids(&tx)?;
        projection::rebuild(&tx, |id| self.load(id), &ids)?;
        tx.commit()?;
        Ok(())
    }

    /// Ids of every record document held (complete or not).
    pub fn document_ids(&self) -> Result<Vec<String>> {
        documents::all_ids(&self.conn)
    }

    /// The record's body as any kind, for code that handles all kinds.
    pub fn record(&self, id: &str) -> Result<crate::model::AnyRecord> {
        self.load(id)?.record()
    }

    /// Heads (sorted hex) of a record's document.
    pub fn heads(&self, id: &str) -> Result<Vec<String>> {
        Ok(self.load(id)?.heads())
    }

    /// Runs `PRAGMA integrity_check`; `ok` when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Caps the file at `pages` pages of SQLite (4 KB each) for this connection: how the tests
    /// play a full phone without filling a real disk. `None` lifts the cap.
    #[doc(hidden)]
    pub fn limit_pages(&self, pages: Option<i64>) -> Result<i64> {
        let pages = pages.unwrap_or(u32::MAX as i64 - 1);
        Ok(self
            .conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                r.get(0)
            })?)
    }

    /// Pages the file holds now.
    #[doc(hidden)]
    pub fn page_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Every projection row as text, sorted: lets tests compare two stores or a rebuild.
    pub fn projection_dump(&self) -> Result<Vec<String>> {
        let mut out = vec![];
        for t in schema::projection_table_names() {
            let mut stmt = self.conn.prepare(&format!("SELECT * FROM {t}"))?;
            let n = stmt.column_count();
            let rows = stmt.query_map([], |r| {
                let mut cols = vec![t.to_string()];
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    cols.push(format!("{v:?}"));
                }
                Ok(cols.join("|"))
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        out.sort();
        Ok(out)
    }

    /// Bytes on disk used by the database file and its WAL.
    pub fn page_bytes(&self) -> Result<u64> {
        let pages: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let size: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        Ok((pages * size) as u64)
    }

    /// How a document is kept: snapshot bytes and number of incremental chunks.
    pub fn document_storage(&self, id: &str) -> Result<(u64, u64)> {
        Ok(self.conn.query_row(
            "SELECT d.snapshot_bytes, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = d.id)
             FROM documents d WHERE d.id = ?1",
            [id],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
        )?)
    }

    /// Folds a document's chunks into one snapshot now (maintenance; saves do it as needed).
    pub fn compact(&mut self, id: &str) -> Result<()> {
        let doc = self.load(id)?;
        let tx = self.conn.transaction()?;
        documents::compact(&tx, id, &doc)?;
        tx.commit()?;
        Ok(())
    }

    /// Gives the space of deleted rows (sent outbox entries, folded chunks) back to the phone.
    pub fn vacuum(&self) -> Result<()> {
        self.conn.execute_batch("VACUUM")?;
        self.checkpoint()
    }

    /// Folds the WAL into the database file (e.g. before measuring or backing up).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}
