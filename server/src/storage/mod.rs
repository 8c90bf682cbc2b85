//! The server's storage, behind one trait so the embedded SQLite default and PostgreSQL (for a
//! province) pass the same suites. The trait is synchronous: handlers call it on tokio's
//! blocking pool. A push runs inside one [`SyncTx`]: reading documents, appending to the log,
//! writing the audit row and remembering the batch's answer commit together or not at all.

pub mod postgresql;
pub mod sqlite;

use sachxanh_core::model::review::ReviewFact;
use sachxanh_core::model::{Role, Scope};
use serde::Serialize;

pub type StorageResult<T> = Result<T, StorageError>;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(String),
    #[error("conflict: {0}")]
    Conflict(String),
}

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        StorageError::Database(e.to_string())
    }
}

/// A person known to the server. Names are personal data: they never reach logs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub commune_id: String,
    pub areas: Vec<String>,
}

impl Person {
    pub fn scope(&self) -> Scope {
        Scope {
            role: self.role,
            commune_id: self.commune_id.clone(),
            areas: self.areas.clone(),
        }
    }
}

/// An enrolled device, found by its token.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub id: String,
    pub person: Person,
    /// The Automerge actor id bound at enrolment (hex); `None` for staff console tokens.
    pub actor_id: Option<String>,
}

/// A record as the server keeps it: its document and its projection row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordRow {
    pub id: String,
    pub kind: String,
    pub area_id: Option<String>,
    pub commune_id: Option<String>,
    pub author: String,
    pub created_at: i64,
    pub state: String,
    pub heads: Vec<String>,
    pub review_status: String,
    /// The record's values as JSON (the core's typed struct, serialised).
    pub data: serde_json::Value,
    /// Log sequence of the record's last accepted change.
    pub updated_seq: i64,
}

/// What a device may pull.
#[derive(Debug, Clone, PartialEq)]
pub enum PullScope {
    All,
    Commune(String),
    Areas(Vec<String>),
}

impl PullScope {
    pub fn of(person: &Person) -> PullScope {
        match person.role {
            Role::ProvinceViewer => PullScope::All,
            Role::CommuneStaff => PullScope::Commune(person.commune_id.clone()),
            Role::Volunteer | Role::AreaHead => PullScope::Areas(person.areas.clone()),
        }
    }
}

/// One accepted push of one record.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub row: RecordRow,
    /// The new changes: (hash hex, bytes).
    pub changes: Vec<(String, Vec<u8>)>,
    /// The whole document after the changes (Automerge `save()`).
    pub snapshot: Vec<u8>,
    pub action: &'static str,
}

/// One page of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogPage {
    /// (record id, change bytes), in log order.
    pub entries: Vec<(String, Vec<u8>)>,
    pub cursor: u64,
    pub more: bool,
}

/// One line of a record's history: who did what, when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRow {
    pub at: i64,
    pub person_id: String,
    pub person_name: String,
    pub action: String,
    /// The Automerge changes the action carried (hex hashes).
    pub hashes: Vec<String>,
    /// The fields those changes set, filled in by the dashboard from the document.
    pub fields: Vec<String>,
}

/// How much of a photo the server holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoHeld {
    Nothing,
    /// An upload in progress: bytes received so far (contiguous from 0), of `total`.
    Partial {
        received: u64,
        total: u64,
    },
    Complete {
        size: u64,
    },
}

/// A stored photo and the commune it was taken in (who may see it).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPhoto {
    pub bytes: Vec<u8>,
    pub commune_id: String,
}

/// Filter of the staff read API.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    pub kind: Option<String>,
    pub area_id: Option<String>,
    pub scope: Option<PullScope>,
    pub after_id: Option<String>,
    pub limit: usize,
}

/// The writes of one push, in one transaction.
pub trait SyncTx {
    /// The stored answer to a batch already processed (idempotency).
    fn batch_answer(&mut self, device_id: &str, batch: &str) -> StorageResult<Option<Vec<u8>>>;
    /// A record's document, locked for this transaction where the backend needs it.
    fn snapshot(&mut self, id: &str) -> StorageResult<Option<Vec<u8>>>;
    fn record(&mut self, id: &str) -> StorageResult<Option<RecordRow>>;
    fn reviews_of(&mut self, record_id: &str) -> StorageResult<Vec<ReviewFact>>;
    /// Appends accepted changes to the log, replaces the document and its row, writes the audit
    /// row.
    fn append(&mut self, device: &Device, accepted: &Accepted) -> StorageResult<()>;
    fn set_review_status(&mut self, id: &str, status: &str) -> StorageResult<()>;
    fn save_batch_answer(
        &mut self,
        device_id: &str,
        batch: &str,
        answer: &[u8],
    ) -> StorageResult<()>;
    fn commit(self: Box<Self>) -> StorageResult<()>;
}

pub trait Storage: Send + Sync + 'static {
    fn add_person(&self, person: &Person) -> StorageResult<()>;
    fn person(&self, id: &str) -> StorageResult<Option<Person>>;
    /// Stores a one-time code (its hash) for a person.
    fn add_enrolment_code(
        &self,
        code_hash: &str,
        person_id: &str,
        expires_at: i64,
    ) -> StorageResult<()>;
    /// Redeems a code once: binds a new device with its token hash and actor id. `None` when the
    /// code is unknown, used or expired.
    fn redeem_code(
        &self,
        code_hash: &str,
        device_id: &str,
        token_hash: &str,
        actor_id: Option<&str>,
        now: i64,
    ) -> StorageResult<Option<Person>>;
    /// A token for a person without an enrolment code (the first staff account, set up from the
    /// command line).
    fn add_device(
        &self,
        device_id: &str,
        person_id: &str,
        token_hash: &str,
        actor_id: Option<&str>,
    ) -> StorageResult<()>;
    fn device_by_token(&self, token_hash: &str) -> StorageResult<Option<Device>>;
    fn revoke_device(&self, device_id: &str) -> StorageResult<bool>;
    fn begin(&self) -> StorageResult<Box<dyn SyncTx + '_>>;
    fn pull(
        &self,
        scope: &PullScope,
        exclude_device: &str,
        after: u64,
        max_entries: usize,
        max_bytes: usize,
    ) -> StorageResult<LogPage>;
    /// Every accepted change of a record, in log order.
    fn changes_of(&self, id: &str) -> StorageResult<Vec<Vec<u8>>>;
    fn record(&self, id: &str) -> StorageResult<Option<RecordRow>>;
    fn records(&self, filter: &RecordFilter) -> StorageResult<Vec<RecordRow>>;
    fn snapshot(&self, id: &str) -> StorageResult<Option<Vec<u8>>>;
    /// A record's history, oldest first.
    fn audit_of(&self, id: &str) -> StorageResult<Vec<AuditRow>>;
    /// Counts for health and the status page: (records, log entries, devices).
    fn counts(&self) -> StorageResult<(u64, u64, u64)>;

    fn photo_held(&self, sha256: &str) -> StorageResult<PhotoHeld>;
    /// Appends a part of an upload if it starts exactly where the held bytes end (and the upload
    /// is for the same total). Returns what is held afterwards; `Err` carries what is held when
    /// the part does not fit (another part landed first, or the photo is complete).
    fn append_photo_part(
        &self,
        sha256: &str,
        offset: u64,
        total: u64,
        bytes: &[u8],
        device_id: &str,
    ) -> StorageResult<Result<u64, PhotoHeld>>;
    /// The bytes of an upload so far, in order.
    fn photo_upload(&self, sha256: &str) -> StorageResult<Vec<u8>>;
    /// Keeps a checked photo and forgets its parts, in one transaction.
    fn complete_photo(
        &self,
        sha256: &str,
        bytes: &[u8],
        commune_id: &str,
        device_id: &str,
    ) -> StorageResult<()>;
    /// Forgets an upload whose bytes turned out wrong.
    fn discard_photo_upload(&self, sha256: &str) -> StorageResult<()>;
    fn photo(&self, sha256: &str) -> StorageResult<Option<StoredPhoto>>;
}
