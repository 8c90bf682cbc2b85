//! The FFI face of the core for the Android and iOS shells (uniffi, `ffi` feature). Thin: it
//! holds the device's store, maps errors to [`ApiError`], and calls the core's Rust API. The FFI
//! is synchronous and blocking; shells call it off the main thread. Long work (sync) reports
//! through [`SyncObserver`] and stops on [`Sachxanh::cancel_sync`].

mod error;

pub use error::{ApiError, FieldProblem};

use crate::catalog::Catalog;
use crate::form::{FieldInput, FormState, ReadField};
use crate::i18n::Message;
use crate::model::*;
use crate::photo::PhotoSettings;
use crate::store::encryption::StoreKey;
use crate::store::forms::Saved;
use crate::store::{
    AreaCovenant, AreaFigures, HouseholdRow, LatestCheck, PhotoInfo, RecordSummary, Refused,
};
use crate::sync::policy::{AfterRun, RunOutcome, SyncConditions, SyncDecision};
use crate::sync::{Progress, RetryPolicy, SyncClient, SyncReport};
use crate::{Reference, Store};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// How the phone was set up.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DeviceSettings {
    /// The sync server, e.g. `https://sachxanh.cantho.gov.vn`.
    pub server_url: String,
    /// Communes and areas as GeoJSON; `None` uses the built-in demo commune.
    pub reference_geojson: Option<String>,
    /// How photos are scaled and re-encoded; `None`: longest edge 1600 px, quality 75.
    #[uniffi(default = None)]
    pub photo: Option<PhotoSettings>,
    /// The store's encryption key: 32 random bytes the shell made once and keeps in the
    /// Android Keystore / iOS Keychain. A store made before encryption is encrypted on the
    /// first open with a key. `None` leaves the store plain (tests and the simulator only).
    #[uniffi(default = None)]
    pub store_key: Option<Vec<u8>>,
}

/// The person recording on this phone.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PersonInfo {
    pub person_id: String,
    pub name: String,
    pub role: Role,
    pub commune_id: String,
    pub areas: Vec<AreaInfo>,
}

/// What enrolment returns. The shell keeps `token` in the Keystore / Keychain and hands it back
/// with [`Sachxanh::set_token`] each time the app starts.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EnrolResult {
    pub token: String,
    pub person: PersonInfo,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HouseholdPage {
    pub items: Vec<HouseholdRow>,
    /// Pass back as `after` for the next page.
    pub next: Option<String>,
}

/// What the home screen shows about sync.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SyncStatus {
    /// Records with changes saved on the phone and not yet on the server (each counted once,
    /// however often it was edited).
    pub waiting: u64,
    pub last_sync_ms: Option<i64>,
    pub refused: u64,
    /// Photos on the phone the server does not hold yet.
    pub photos_waiting: u64,
    /// The phone's clock against the server's, when it is off by enough to tell the person.
    #[uniffi(default = None)]
    pub clock_skew: Option<crate::store::ClockSkew>,
}

/// A stored record as a screen shows it: its values, its standing and version, and every
/// text in both languages.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RecordView {
    pub id: String,
    pub kind: RecordKind,
    pub kind_label: Message,
    pub value: AnyRecord,
    pub title: Message,
    pub author: String,
    pub state: Lifecycle,
    pub status: ReviewStatus,
    pub status_label: Message,
    pub heads: Vec<String>,
    /// Fields edited on two phones at once, each value in words.
    pub conflicts: Vec<crate::form::WordedConflict>,
    /// Why it was returned or rejected, while it stands returned or rejected.
    pub reason: Option<String>,
}

/// What saving a form did.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum SaveOutcome {
    /// Saved on the phone (as a draft, or the edit); the record as it now stands.
    Saved { record: RecordView },
    /// Not saved: the form with each problem under its field.
    Problems { form: FormState },
}

/// The catalogue of labels (the same words the dashboard shows).
#[uniffi::export]
pub fn catalog() -> Catalog {
    crate::catalog::catalog()
}

/// Reads an enrolment code as typed (case, spaces and dashes do not matter).
#[uniffi::export]
pub fn parse_enrolment_code(text: String) -> Result<String, ApiError> {
    crate::enrolment::parse_typed(&text).map_err(ApiError::field)
}

/// The enrolment code a scanned QR image carries, or `None` for any other QR code.
#[uniffi::export]
pub fn enrolment_code_from_qr(payload: String) -> Option<String> {
    crate::enrolment::parse_qr(&payload)
}

/// Whether to sync now (the shells report the conditions, the core decides).
#[uniffi::export]
pub fn sync_decision(conditions: SyncConditions) -> SyncDecision {
    crate::sync::policy::decide(&conditions)
}

/// What the scheduler does after a background run.
#[uniffi::export]
pub fn sync_after_run(outcome: RunOutcome, attempt: u32) -> AfterRun {
    crate::sync::policy::after_run(outcome, attempt)
}

/// Whether a network that came back should start a sync at once.
#[uniffi::export]
pub fn sync_on_reconnect(waiting: u64) -> bool {
    crate::sync::policy::sync_on_reconnect(waiting)
}

/// The interval between routine pulls with nothing to send, for the periodic scheduler.
#[uniffi::export]
pub fn sync_period_ms() -> u64 {
    crate::sync::policy::PULL_EVERY_MS as u64
}

/// Progress of a sync, for a progress bar.
#[uniffi::export(callback_interface)]
pub trait SyncObserver: Send + Sync {
    fn on_progress(&self, progress: Progress);
}

/// The one entry object: owns the phone's store (WAL, migrations).
#[derive(uniffi::Object)]
pub struct Sachxanh {
    store: Mutex<Store>,
    /// A second connection to the same file for sync, so that lists and forms stay usable
    /// while a long sync runs over 2G (SQLite's WAL lets them interleave safely: every save
    /// and every applied page is its own short transaction).
    sync_store: Mutex<Store>,
    server_url: String,
    photo_settings: PhotoSettings,
    token: Mutex<Option<String>>,
    cancel: AtomicBool,
}

impl Sachxanh {
    fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave SQLite half-written: transactions roll back.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn token(&self) -> Result<String, ApiError> {
        self.token
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(ApiError::not_enrolled)
    }

    /// Who is recording on this phone and what they may do, from what enrolment stored.
    fn scope_of(store: &Store) -> Option<Scope> {
        let person_id = store.person()?.to_owned();
        let setting = |k: &str| store.setting(k).ok().flatten().unwrap_or_default();
        Some(Scope {
            person_id,
            role: Role::parse(&setting("role"))?,
            commune_id: setting("commune_id"),
            areas: setting("areas")
                .split(',')
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect(),
        })
    }

    fn person_of(store: &Store) -> Option<PersonInfo> {
        let scope = Self::scope_of(store)?;
        let capabilities = scope.capabilities(store.reference());
        Some(PersonInfo {
            person_id: scope.person_id,
            name: store
                .setting("person_name")
                .ok()
                .flatten()
                .unwrap_or_default(),
            role: scope.role,
            commune_id: scope.commune_id,
            areas: capabilities.areas,
        })
    }

    fn view(store: &Store, id: &str) -> Result<RecordView, ApiError> {
        let record = store.record(id)?;
        let summary = store.summary(id)?;
        Ok(RecordView {
            id: id.to_owned(),
            kind: record.kind(),
            kind_label: record.kind().label(),
            title: record.title(&|x| store.name_of(x)),
            author: summary.author,
            state: summary.state,
            status_label: summary.status.label(),
            status: summary.status,
            heads: store.heads(id)?,
            conflicts: summary
                .conflicts
                .iter()
                .map(|c| crate::form::word_conflict(&record, c, &|x| store.name_of(x)))
                .collect(),
            reason: match summary.status {
                ReviewStatus::Returned | ReviewStatus::Rejected => store.review_reason(id)?,
                _ => None,
            },
            value: record,
        })
    }

    fn retry() -> RetryPolicy {
        RetryPolicy::default()
    }
}

/// A new store key: 32 random bytes from the system's secure generator. The shell makes it on
/// the app's first start, keeps it wrapped by the Android Keystore / iOS Keychain, and passes it
/// in [`DeviceSettings::store_key`] at every open.
#[uniffi::export]
pub fn new_store_key() -> Vec<u8> {
    StoreKey::random().as_bytes().to_vec()
}

#[uniffi::export]
impl Sachxanh {
    /// Opens (or creates) the phone's store at `path`, encrypted with `settings.store_key`.
    #[uniffi::constructor]
    pub fn open(path: String, settings: DeviceSettings) -> Result<Arc<Self>, ApiError> {
        let reference = match &settings.reference_geojson {
            Some(g) => Reference::from_geojson(g).map_err(|_| {
                ApiError::field(crate::error::FieldError::new(
                    "reference_geojson",
                    crate::error::Rule::InvalidGeometry,
                ))
            })?,
            None => Reference::demo(),
        };
        let reference = Arc::new(reference);
        let open = |reference: Arc<Reference>| match &settings.store_key {
            Some(bytes) => {
                let key = StoreKey::new(bytes).ok_or_else(|| ApiError::Storage {
                    reason: Message::new(
                        "Khóa bảo vệ dữ liệu phải dài đúng 32 byte",
                        "The store's protection key must be exactly 32 bytes",
                    ),
                })?;
                Ok::<_, ApiError>(Store::open_encrypted(&path, &key, reference)?)
            }
            None => Ok(Store::open(&path, reference)?),
        };
        let store = open(reference.clone())?;
        let sync_store = open(reference)?;
        Ok(Arc::new(Sachxanh {
            store: Mutex::new(store),
            sync_store: Mutex::new(sync_store),
            server_url: settings.server_url.trim_end_matches('/').to_owned(),
            photo_settings: settings.photo.unwrap_or_default(),
            token: Mutex::new(None),
            cancel: AtomicBool::new(false),
        }))
    }

    /// Exchanges a one-time code (typed or scanned) for this phone's token.
    pub fn enrol(&self, code: String) -> Result<EnrolResult, ApiError> {
        let mut store = self.store();
        let e = SyncClient::enrol(&self.server_url, &code, &mut store, Self::retry())?;
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.token.clone());
        let person = Self::person_of(&store).ok_or_else(ApiError::not_enrolled)?;
        Ok(EnrolResult {
            token: e.token,
            person,
        })
    }

    /// Hands back the token kept in secure storage.
    pub fn set_token(&self, token: String) {
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(token);
    }

    /// The enrolled person, role and areas; `None` before enrolment.
    pub fn me(&self) -> Option<PersonInfo> {
        Self::person_of(&self.store())
    }

    pub fn households(
        &self,
        area_id: String,
        query: String,
        after: Option<String>,
        limit: u32,
    ) -> Result<HouseholdPage, ApiError> {
        let page = self
            .store()
            .households(&area_id, &query, after.as_deref(), limit as usize)?;
        Ok(HouseholdPage {
            items: page.items,
            next: page.next,
        })
    }

    /// What this person may do: their areas, the kinds they may record, whether they review.
    /// The covenant list, the area pickers and the "new record" menu show only this.
    pub fn capabilities(&self) -> Option<Capabilities> {
        let store = self.store();
        Self::scope_of(&store).map(|s| s.capabilities(store.reference()))
    }

    /// A stored record with its standing.
    pub fn record(&self, id: String) -> Result<RecordView, ApiError> {
        Self::view(&self.store(), &id)
    }

    /// A new record's form, in one of the person's areas.
    pub fn new_form(&self, kind: RecordKind, area_id: String) -> FormState {
        self.store().new_form(kind, &area_id)
    }

    /// A stored record's form.
    pub fn form(&self, id: String) -> Result<FormState, ApiError> {
        Ok(self.store().form(&id)?)
    }

    /// The form as typed so far, read and checked without saving (as the person types).
    pub fn check_form(
        &self,
        kind: RecordKind,
        id: Option<String>,
        area_id: String,
        values: Vec<FieldInput>,
    ) -> Result<FormState, ApiError> {
        Ok(self
            .store()
            .check_form(kind, id.as_deref(), &area_id, &values)?)
    }

    /// The households of the area that the form being typed resembles (the core's rule of
    /// households recorded twice: same head and address, diacritics, case and punctuation aside,
    /// house numbers alike), for the form to show before saving. Empty for other kinds.
    pub fn similar_households(
        &self,
        kind: RecordKind,
        id: Option<String>,
        area_id: String,
        values: Vec<FieldInput>,
    ) -> Result<Vec<HouseholdRow>, ApiError> {
        Ok(self
            .store()
            .similar_to_form(kind, id.as_deref(), &area_id, &values)?)
    }

    /// Saves a form: a new draft (`id` none) or an edit, with only the fields that changed
    /// written.
    pub fn save_form(
        &self,
        kind: RecordKind,
        id: Option<String>,
        area_id: String,
        values: Vec<FieldInput>,
    ) -> Result<SaveOutcome, ApiError> {
        let mut store = self.store();
        match store.save_form(kind, id.as_deref(), &area_id, &values)? {
            Saved::Record(id) => Ok(SaveOutcome::Saved {
                record: Self::view(&store, &id)?,
            }),
            Saved::Problems(form) => Ok(SaveOutcome::Problems { form: *form }),
        }
    }

    /// A stored record's fields and values in words, for a read-only view (a reviewer's, or a
    /// record of someone else).
    pub fn read_record(&self, id: String) -> Result<Vec<ReadField>, ApiError> {
        let store = self.store();
        let form = store.form(&id)?;
        Ok(crate::form::readable(&form, &|x| store.name_of(x)))
    }

    /// A version the server refused, in words: what the person sent, to correct it.
    pub fn read_refused(&self, id: String) -> Result<Vec<ReadField>, ApiError> {
        let store = self.store();
        let record = store.refused_record(&id)?;
        let form = crate::form::state_of(&record);
        Ok(crate::form::readable(&form, &|x| store.name_of(x)))
    }

    /// Sends a record for review (its values are checked again first).
    pub fn submit(&self, id: String) -> Result<(), ApiError> {
        Ok(self.store().submit_any(&id)?)
    }

    /// The outline of an area (its outer ring), for drawing places on the map.
    pub fn area_outline(&self, area_id: String) -> Vec<crate::place::Coord> {
        self.store()
            .reference()
            .area(&area_id)
            .map(|a| a.outline())
            .unwrap_or_default()
    }

    /// Commune staff on a phone: approve, return or reject the record at its current version.
    pub fn review(
        &self,
        record_id: String,
        decision: Decision,
        reason: String,
    ) -> Result<String, ApiError> {
        let mut store = self.store();
        let me = Self::person_of(&store).ok_or_else(ApiError::not_enrolled)?;
        if me.role != Role::CommuneStaff {
            return Err(ApiError::forbidden());
        }
        let heads = store.heads(&record_id)?;
        Ok(store.create(Review {
            record_id,
            record_heads: heads,
            decision,
            reason,
            reviewer: me.person_id,
        })?)
    }

    /// Submitted records waiting for a reviewer (staff).
    pub fn review_queue(&self) -> Result<Vec<RecordSummary>, ApiError> {
        Ok(self.store().review_queue()?)
    }

    /// My drafts, my returned records (with the reason) and records in conflict.
    pub fn needs_attention(&self) -> Result<Vec<RecordSummary>, ApiError> {
        let store = self.store();
        let me = store.person().map(str::to_owned);
        Ok(store.attention_summaries(me.as_deref())?)
    }

    /// Everything I recorded on this phone with its review standing, whether it still waits to
    /// be sent, and the latest return or rejection reason: the outbox screen.
    pub fn outbox(&self) -> Result<Vec<RecordSummary>, ApiError> {
        let store = self.store();
        let me = store
            .person()
            .ok_or_else(ApiError::not_enrolled)?
            .to_owned();
        Ok(store.records_of(&me)?)
    }

    /// Versions the server refused, kept readable with the reason.
    pub fn refused(&self) -> Result<Vec<Refused>, ApiError> {
        Ok(self.store().refused()?)
    }

    pub fn dismiss_refused(&self, id: String) -> Result<(), ApiError> {
        Ok(self.store().dismiss_refused(&id)?)
    }

    /// This month's data use and its cost at the person's tariff, for home.
    pub fn data_use(&self) -> Result<crate::store::data_use::DataUse, ApiError> {
        Ok(self.store().data_use()?)
    }

    /// The đồng a megabyte costs this person (0 for unlimited data; at most 100,000).
    pub fn set_tariff(&self, dong_per_mb: u32) -> Result<(), ApiError> {
        Ok(self.store().set_tariff(dong_per_mb)?)
    }

    pub fn sync_status(&self) -> Result<SyncStatus, ApiError> {
        let store = self.store();
        Ok(SyncStatus {
            waiting: store.records_waiting()?,
            last_sync_ms: store.setting("last_sync")?.and_then(|v| v.parse().ok()),
            refused: store.refused()?.len() as u64,
            photos_waiting: store.photos_waiting()?,
            clock_skew: store.clock_skew(),
        })
    }

    /// Pushes what waits, then pulls what is new; progress goes to `observer`.
    pub fn sync(&self, observer: Box<dyn SyncObserver>) -> Result<SyncReport, ApiError> {
        self.cancel.store(false, Ordering::Relaxed);
        let client = SyncClient::with_policy(&self.server_url, &self.token()?, Self::retry())?;
        let mut store = self.sync_store.lock().unwrap_or_else(|p| p.into_inner());
        let before = store.areas_version()?;
        let report = client.sync(&mut store, &mut |p| observer.on_progress(p), &self.cancel);
        // New areas came on the sync handle (even if a later page failed): the screens' handle
        // takes them up too.
        if store.areas_version()? != before {
            drop(store);
            self.store().reload_areas()?;
        }
        Ok(report?)
    }

    /// Takes a photo file (from the camera or the gallery), scales and re-encodes it, and keeps
    /// it on the phone until the server has it. Put the returned `sha256` in the record's
    /// photos: a photo is uploaded once a saved record uses it. The source file is not needed
    /// afterwards.
    pub fn add_photo(&self, path: String) -> Result<PhotoInfo, ApiError> {
        let too_large = || crate::Error::Photo(crate::photo::PhotoError::TooLarge);
        let len = std::fs::metadata(&path).map_err(crate::Error::Io)?.len();
        if len > crate::photo::MAX_SOURCE_BYTES as u64 {
            return Err(too_large().into());
        }
        let bytes = std::fs::read(&path).map_err(crate::Error::Io)?;
        Ok(self.store().add_photo(&bytes, self.photo_settings)?)
    }

    /// A photo's JPEG bytes: from the phone, or downloaded from the server when the person
    /// opens a photo someone else took (then kept).
    pub fn photo(&self, sha256: String) -> Result<Vec<u8>, ApiError> {
        if let Some(bytes) = self.store().photo(&sha256)? {
            return Ok(bytes);
        }
        let mut problems = vec![];
        crate::model::check_sha256(&mut problems, "photo", &sha256);
        if !problems.is_empty() {
            return Err(crate::Error::Invalid(crate::Invalid(problems)).into());
        }
        // Downloaded without holding the store, so forms stay usable meanwhile.
        let client = SyncClient::with_policy(&self.server_url, &self.token()?, Self::retry())?;
        let bytes = client.fetch_photo(&sha256)?;
        self.store().keep_downloaded_photo(&sha256, &bytes)?;
        Ok(bytes)
    }

    /// Whether the photo is on this phone (opening it then needs no network).
    pub fn has_photo(&self, sha256: String) -> Result<bool, ApiError> {
        Ok(self.store().has_photo(&sha256)?)
    }

    /// Forgets a photo taken by mistake: only one that no saved record uses and the server does
    /// not hold (so it was never sent). Returns whether it was forgotten.
    pub fn discard_photo(&self, sha256: String) -> Result<bool, ApiError> {
        Ok(self.store().discard_photo(&sha256)?)
    }

    /// Stops a running sync at the next safe point; what was done stays done.
    pub fn cancel_sync(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The plan's targets for an area from `from` to `to` (inclusive), from the approved
    /// records on this phone — the same report code as the server's dashboard.
    pub fn area_targets(
        &self,
        area_id: String,
        from: Day,
        to: Day,
    ) -> Result<Option<crate::report::Targets>, ApiError> {
        Ok(self.store().area_targets(&area_id, from, to)?)
    }

    pub fn area_figures(&self, area_id: String) -> Result<AreaFigures, ApiError> {
        Ok(self.store().area_figures(&area_id)?)
    }

    pub fn latest_checks(&self, area_id: String) -> Result<Vec<LatestCheck>, ApiError> {
        Ok(self.store().latest_checks(&area_id, false)?)
    }

    /// The covenant of each of the person's areas (their capabilities' areas: the same list on
    /// every app).
    pub fn covenant_status(&self) -> Result<Vec<AreaCovenant>, ApiError> {
        let store = self.store();
        let areas: Vec<(String, String)> = Self::scope_of(&store)
            .map(|s| s.capabilities(store.reference()).areas)
            .unwrap_or_default()
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        Ok(store.covenant_status_of(&areas)?)
    }
}
