//! The server's storage. What the server keeps is written once, as SQL over [`sql::Sql`]
//! (`people`, `feed`, `records`, `photos`); the two backends only open connections, run
//! migrations and take locks: embedded SQLite by default (`sqlite`), PostgreSQL for a province
//! (`postgresql`). Both pass the same contract suite (`tests/tests/storage_contract.rs`).
//!
//! The traits are split by concern; [`Storage`] is all of them. Every call is synchronous:
//! handlers run it on tokio's blocking pool. A push runs inside one [`SyncTx`]: reading
//! documents, appending to the log, writing the audit row and remembering the batch's answer
//! commit together or not at all.

mod areas;
pub use areas::{Areas, AreasChange, AreasChangeLine};
mod feed;
mod people;
mod photos;
pub mod postgresql;
mod records;
pub use records::listed_day;
mod reports;
pub use reports::{ReportLine, ReportState, Reports, Sent, SentCopy};
pub mod sql;
pub mod sqlite;

use sachxanh_core::model::review::ReviewFact;
use sachxanh_core::model::{
    AnyRecord, AuditAction, Lifecycle, RecordKind, ReviewStatus, Role, Scope,
};
use serde::Serialize;
use sql::Sql;

pub type StorageResult<T> = Result<T, StorageError>;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// The disk (or the database's quota) is full: the transaction rolled back whole.
    #[error("the database has no space left")]
    Full,
}

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => StorageError::Conflict(e.to_string()),
            Some(rusqlite::ErrorCode::DiskFull) => StorageError::Full,
            _ => StorageError::Database(e.to_string()),
        }
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
            person_id: self.id.clone(),
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

/// A record as the server keeps it: its projection row, with the core's typed record. (Read
/// as JSON it is `{id, kind, data, …}`: the record flattens into its kind and values.)
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordRow {
    pub id: String,
    pub area_id: Option<String>,
    pub commune_id: Option<String>,
    pub author: String,
    pub created_at: i64,
    pub state: Lifecycle,
    pub heads: Vec<String>,
    pub review_status: ReviewStatus,
    /// The day the record is about (`YYYY-MM-DD`), else the day it was made: lists sort and
    /// filter by it.
    pub day: String,
    #[serde(flatten)]
    pub record: AnyRecord,
    /// Log sequence of the record's last accepted change.
    pub updated_seq: i64,
}

impl RecordRow {
    pub fn kind(&self) -> RecordKind {
        self.record.kind()
    }
}

/// What a device may pull.
#[derive(Debug, Clone, PartialEq)]
pub enum PullScope {
    All,
    Commune(String),
    Areas(Vec<String>),
}

impl PullScope {
    /// What a dashboard reader (staff, the Department) sees: their commune, or every one.
    /// Anyone else sees their own areas only.
    pub fn dashboard(person: &Person) -> PullScope {
        match person.role {
            Role::ProvinceViewer => PullScope::All,
            Role::CommuneStaff => PullScope::Commune(person.commune_id.clone()),
            Role::Volunteer | Role::AreaHead => PullScope::Areas(person.areas.clone()),
            // Records are none of the administrator's business.
            Role::Administrator => PullScope::Areas(vec![]),
        }
    }

    /// What a person sees; `reference` adds the areas merged into theirs.
    pub fn of(person: &Person, reference: &sachxanh_core::Reference) -> PullScope {
        match person.role {
            Role::ProvinceViewer => PullScope::All,
            Role::CommuneStaff => PullScope::Commune(person.commune_id.clone()),
            Role::Volunteer | Role::AreaHead => {
                PullScope::Areas(reference.with_merged(&person.areas))
            }
            Role::Administrator => PullScope::Areas(vec![]),
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
    pub action: AuditAction,
    /// For a review: the record it reviews, the heads it names and its decision.
    pub review: Option<ReviewFact>,
    pub reviewed_record: Option<String>,
}

/// One page of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogPage {
    /// (record id, change bytes), in log order.
    pub entries: Vec<(String, Vec<u8>)>,
    pub cursor: u64,
    pub more: bool,
    /// Records of this page whose entries replace them (an erasure): phones drop their copy.
    pub replaced: Vec<String>,
}

/// One line of a record's history: who did what, when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRow {
    pub at: i64,
    pub person_id: String,
    pub person_name: String,
    pub action: AuditAction,
    /// The Automerge changes the action carried (hex hashes).
    pub hashes: Vec<String>,
    /// The fields those changes set, filled in by the dashboard from the document.
    pub fields: Vec<String>,
}

/// How much of a photo the server holds for one device's upload (the rule is the core's).
pub use sachxanh_core::photo::PhotoHeld;

/// What became of a part sent for an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartOutcome {
    /// Appended: the upload now holds this many bytes.
    Appended(u64),
    /// It does not start where the upload ends (or the photo is complete): what is held.
    Mismatch(PhotoHeld),
    /// The device has too many unfinished uploads to start another.
    TooManyUploads,
}

/// A stored photo and the communes it was uploaded for (who may see it).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPhoto {
    pub bytes: Vec<u8>,
    pub communes: Vec<String>,
}

/// Filter of the staff read API.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    pub kind: Option<RecordKind>,
    pub area_id: Option<String>,
    pub scope: Option<PullScope>,
    /// Only records of this review status.
    pub review_status: Option<ReviewStatus>,
    pub after_id: Option<String>,
    pub limit: usize,
    /// Records restricted while a data subject's request is handled are left out of lists,
    /// exports and figures unless asked for (an access request).
    pub include_restricted: bool,
}

/// What the review queue shows: records (never reviews) of a scope, filtered, by day then id.
#[derive(Debug, Clone)]
pub struct QueueFilter {
    pub scope: PullScope,
    pub kind: Option<RecordKind>,
    pub area_id: Option<String>,
    /// Review statuses to show; all when empty.
    pub statuses: Vec<ReviewStatus>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The (day, id) of the last line of the previous page.
    pub after: Option<(String, String)>,
    pub limit: usize,
}

/// A line of the review queue: the record and its author's name.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueLine {
    pub row: RecordRow,
    pub author_name: String,
}

/// The stored answer to a push batch: what was answered, for which request.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchAnswer {
    pub answer: Vec<u8>,
    /// What the batch carried (record ids and change hashes), so a reused id is caught.
    pub fingerprint: String,
}

/// The writes of one push, in one transaction.
pub trait SyncTx {
    /// The stored answer to a batch already processed (idempotency).
    fn batch_answer(&mut self, device_id: &str, batch: &str) -> StorageResult<Option<BatchAnswer>>;
    /// A record's document, locked for this transaction where the backend needs it.
    fn snapshot(&mut self, id: &str) -> StorageResult<Option<Vec<u8>>>;
    fn record(&mut self, id: &str) -> StorageResult<Option<RecordRow>>;
    /// The record a change (by hex hash) belongs to, if the log holds it.
    fn record_of_change(&mut self, hash: &str) -> StorageResult<Option<String>>;
    fn reviews_of(&mut self, record_id: &str) -> StorageResult<Vec<ReviewFact>>;
    /// Appends accepted changes to the log, replaces the document and its row, writes the audit
    /// row.
    fn append(&mut self, device: &Device, accepted: &Accepted) -> StorageResult<()>;
    fn set_review_status(&mut self, id: &str, status: ReviewStatus) -> StorageResult<()>;
    /// Whether a change (by hex hash) belonged to a history erased on request.
    fn is_erased_change(&mut self, hash: &str) -> StorageResult<bool>;
    /// Replaces a record's whole history by `accepted` (an erasure): its old changes leave the
    /// log (their hashes are kept to recognise them), the new entry is marked as replacing the
    /// record, and the audit row keeps why — not what was erased.
    fn replace_history(
        &mut self,
        device: &Device,
        accepted: &Accepted,
        reason: &str,
    ) -> StorageResult<()>;
    fn save_batch_answer(
        &mut self,
        device_id: &str,
        batch: &str,
        answer: &BatchAnswer,
    ) -> StorageResult<()>;
    fn commit(self: Box<Self>) -> StorageResult<()>;
}

/// Erasure on request: the hashes of a record's erased history (a phone pushing an edit on top of
/// it is told so), the log entry that replaces a record, the reason kept in the audit trail, and
/// restriction. The same SQL on both backends.
pub(super) const ERASURE: &str = "
CREATE TABLE erased_changes (
    hash TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL
);
ALTER TABLE log ADD COLUMN replaces INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit ADD COLUMN note TEXT;
ALTER TABLE records ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;
";

/// What each phone reported at its last pull, for staff's list of phones (same SQL on both
/// backends: SQLite reads BIGINT as INTEGER). The index counts a phone's records sent.
pub(super) const PHONE_REPORTS: &str = "
ALTER TABLE devices ADD COLUMN last_sync_at BIGINT;
ALTER TABLE devices ADD COLUMN app_version TEXT;
ALTER TABLE devices ADD COLUMN records_waiting BIGINT;
CREATE INDEX log_device ON log(device_id, doc_id);
";

/// A phone (or a staff member's dashboard key) as staff see it in the list of people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phone {
    pub device_id: String,
    /// A dashboard key made from the command line, not a phone.
    pub console: bool,
    pub enrolled_at: i64,
    /// The server's time of its last pull.
    pub last_sync_at: Option<i64>,
    pub app_version: Option<String>,
    /// Records it sent that the server took (each counted once).
    pub records_sent: u64,
    /// Records still unsent on the phone, as it said at its last pull.
    pub records_waiting: Option<u64>,
    pub revoked_at: Option<i64>,
}

/// A person of the commune and every phone enrolled for them, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonPhones {
    #[serde(flatten)]
    pub person: Person,
    pub phones: Vec<Phone>,
}

/// What a phone says of itself at a pull.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncReport {
    pub app_version: Option<String>,
    pub records_waiting: Option<u64>,
}

/// People, their one-time codes, their devices and the dashboard's sessions.
pub trait People: Send + Sync + 'static {
    fn add_person(&self, person: &Person) -> StorageResult<()>;
    fn person(&self, id: &str) -> StorageResult<Option<Person>>;
    /// A random value of this deployment, made once: the salt of enrolment-code hashes.
    fn deployment_salt(&self) -> StorageResult<Vec<u8>>;
    /// Stores a one-time code (its hash) for a person.
    fn add_enrolment_code(
        &self,
        code_hash: &str,
        person_id: &str,
        expires_at: i64,
    ) -> StorageResult<()>;
    /// Redeems a code once: binds a new device with its token hash and actor id. `None` when the
    /// code is unknown, used or expired — except for the phone the code just bound asking again
    /// because the first answer was lost: within [`REENROL_WINDOW_MS`] of redeeming, while the
    /// code is unexpired and that device has never used its token, it gets a fresh token.
    /// `code_hashes` are the code's hash under every scheme a stored code may use.
    fn redeem_code(
        &self,
        code_hashes: &[String],
        device_id: &str,
        token_hash: &str,
        actor_id: &str,
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
    /// The device a token belongs to (not revoked); notes its first use.
    fn device_by_token(&self, token_hash: &str, now: i64) -> StorageResult<Option<Device>>;
    fn start_session(
        &self,
        session_hash: &str,
        device_id: &str,
        expires_at: i64,
    ) -> StorageResult<()>;
    /// The device behind a live session (not ended, not expired, its device not revoked).
    fn session_device(&self, session_hash: &str, now: i64) -> StorageResult<Option<Device>>;
    fn end_session(&self, session_hash: &str) -> StorageResult<()>;
    /// Whether a token belongs to a device staff revoked: its phone is told so, in words that
    /// say what to do, instead of "unknown device".
    fn token_revoked(&self, token_hash: &str) -> StorageResult<bool>;
    /// Notes a phone's pull: the server's time, and what the phone said of itself.
    fn report_sync(&self, device_id: &str, at: i64, report: &SyncReport) -> StorageResult<()>;
    /// The people of a commune with their phones, by name.
    fn people_of(&self, commune_id: &str) -> StorageResult<Vec<PersonPhones>>;
    /// Moves a person of the commune to other areas (records already made keep theirs); the
    /// audit trail says who did it. `false` when the person is not of that commune.
    fn set_areas(&self, by: &Device, person_id: &str, areas: &[String]) -> StorageResult<bool>;
    /// Revokes a device of the staff member's commune, with a line in the audit trail; `false`
    /// when there is none (or it is elsewhere).
    fn revoke_device(&self, by: &Device, device_id: &str) -> StorageResult<bool>;
    /// A line in the audit trail about a person (added, given a code), by a staff member.
    fn audit_person(&self, by: &Device, person_id: &str, action: AuditAction) -> StorageResult<()>;
}

/// The change feed: pushes in, pages out.
pub trait Feed: Send + Sync + 'static {
    /// A push's transaction, holding `commune`'s lock: it writes that commune's records only.
    fn begin(&self, commune: &str) -> StorageResult<Box<dyn SyncTx + '_>>;
    fn pull(
        &self,
        scope: &PullScope,
        exclude_device: &str,
        after: u64,
        max_entries: usize,
        max_bytes: usize,
    ) -> StorageResult<LogPage>;
}

/// Records as staff read them.
pub trait Records: Send + Sync + 'static {
    /// Every accepted change of a record, in log order.
    fn changes_of(&self, id: &str) -> StorageResult<Vec<Vec<u8>>>;
    fn record(&self, id: &str) -> StorageResult<Option<RecordRow>>;
    fn records(&self, filter: &RecordFilter) -> StorageResult<Vec<RecordRow>>;
    /// The records of these ids (those that exist), in one read.
    fn records_by_id(&self, ids: &[String]) -> StorageResult<Vec<RecordRow>>;
    /// The reviews of a record, oldest first.
    fn reviews_of_record(&self, record_id: &str) -> StorageResult<Vec<RecordRow>>;
    /// One page of the review queue, filtered and paged in the database.
    fn queue(&self, filter: &QueueFilter) -> StorageResult<Vec<QueueLine>>;
    fn snapshot(&self, id: &str) -> StorageResult<Option<Vec<u8>>>;
    /// A record's history, oldest first.
    fn audit_of(&self, id: &str) -> StorageResult<Vec<AuditRow>>;
    /// Restricts a record's processing while a request is handled (or lifts it), with the
    /// audit row saying who and why. `false` when it already was so.
    fn set_restricted(
        &self,
        device: &Device,
        id: &str,
        restricted: bool,
        reason: &str,
    ) -> StorageResult<bool>;
    fn is_restricted(&self, id: &str) -> StorageResult<bool>;
    /// Notes that a person read a record about a household.
    fn log_read(&self, person_id: &str, doc_id: &str) -> StorageResult<()>;
    /// Who read a record, oldest first: (when, person's name).
    fn reads_of(&self, doc_id: &str) -> StorageResult<Vec<(i64, String)>>;
    /// Counts for health: (records, log entries, devices).
    fn counts(&self) -> StorageResult<(u64, u64, u64)>;
}

/// Photos: each device's resumable uploads, and the photos kept for communes.
pub trait Photos: Send + Sync + 'static {
    /// What the server holds of a photo for this device: complete when kept for its commune,
    /// else its own upload in progress. Another device's upload is never visible.
    fn photo_held(
        &self,
        sha256: &str,
        device_id: &str,
        commune_id: &str,
    ) -> StorageResult<PhotoHeld>;
    /// Appends a part of this device's upload if it starts exactly where the held bytes end (and
    /// the upload is for the same total).
    fn append_photo_part(
        &self,
        sha256: &str,
        offset: u64,
        total: u64,
        bytes: &[u8],
        device_id: &str,
        commune_id: &str,
    ) -> StorageResult<PartOutcome>;
    /// The bytes of this device's upload so far, in order.
    fn photo_upload(&self, sha256: &str, device_id: &str) -> StorageResult<Vec<u8>>;
    /// Keeps a checked photo for a commune and forgets the device's parts, in one transaction.
    fn complete_photo(
        &self,
        sha256: &str,
        bytes: &[u8],
        commune_id: &str,
        device_id: &str,
    ) -> StorageResult<()>;
    /// Forgets a device's upload whose bytes turned out wrong.
    fn discard_photo_upload(&self, sha256: &str, device_id: &str) -> StorageResult<()>;
    fn photo(&self, sha256: &str) -> StorageResult<Option<StoredPhoto>>;
    /// Forgets unfinished uploads last touched before `before` (ms); returns how many parts.
    fn sweep_photo_uploads(&self, before: i64) -> StorageResult<u64>;
    /// Forgets stored push answers older than `before` (retention); returns how many.
    fn forget_batch_answers(&self, before: i64) -> StorageResult<u64>;
    /// Forgets enrolment codes used or expired before `before`.
    fn forget_spent_codes(&self, before: i64) -> StorageResult<u64>;
    /// Forgets reads of records older than `before`.
    fn forget_reads(&self, before: i64) -> StorageResult<u64>;
}

/// Everything the server keeps.
pub trait Storage: People + Feed + Records + Photos + Areas + Reports {}
impl<T: People + Feed + Records + Photos + Areas + Reports> Storage for T {}

/// How long after redeeming a code the same phone may ask again (its answer was lost).
pub const REENROL_WINDOW_MS: i64 = 10 * 60 * 1000;
/// Unfinished uploads one device may hold at once.
pub const MAX_UPLOADS_PER_DEVICE: i64 = 8;

/// What a backend provides: transactions over [`Sql`], and the locks its concurrency needs.
/// Everything else is written once in this module's files.
pub trait Backend: Send + Sync + 'static {
    /// Runs `f` in one read-only transaction: one consistent snapshot.
    fn read<T>(&self, f: impl FnOnce(&mut dyn Sql) -> StorageResult<T>) -> StorageResult<T>;
    /// Runs `f` in one write transaction, committed when `f` succeeds.
    fn write<T>(&self, f: impl FnOnce(&mut dyn Sql) -> StorageResult<T>) -> StorageResult<T>;
    /// Opens the transaction a push runs in, holding `commune`'s lock: pushes of one commune
    /// run one after the other, pushes of different communes side by side.
    fn begin_push(&self, commune: &str) -> StorageResult<Box<dyn PushConn + '_>>;
    /// Inside a write transaction: serialises writers on `key` where the backend needs it.
    fn lock_key(&self, sql: &mut dyn Sql, key: &str) -> StorageResult<()>;
}

/// A connection inside a push transaction.
pub trait PushConn: Sql {
    /// Takes the lock that orders the log, held until commit: taken right before a push writes
    /// its log entries, so sequence numbers are committed in the order they are handed out.
    fn order_log(&mut self) -> StorageResult<()>;
    fn commit(self: Box<Self>) -> StorageResult<()>;
}

/// Storage over a backend: the logic lives in `people`, `feed`, `records` and `photos`.
pub struct Db<B: Backend> {
    backend: B,
}

/// A line of the audit trail about a record or a person (its subject), with who did it and a
/// note (a reason, the areas given).
pub(super) fn audit_line(
    sql: &mut dyn Sql,
    by: &Device,
    subject: &str,
    action: AuditAction,
    note: &str,
) -> StorageResult<()> {
    sql.exec(
        "INSERT INTO audit (at, device_id, person_id, doc_id, action, hashes, note)
         VALUES ($1, $2, $3, $4, $5, '', $6)",
        crate::args![
            now_ms(),
            &by.id,
            &by.person.id,
            subject,
            action.as_str(),
            note
        ],
    )?;
    Ok(())
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
