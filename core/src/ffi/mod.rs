//! The FFI face of the core for the Android and iOS shells (uniffi, `ffi` feature). Thin: it
//! holds the device's store, maps errors to [`ApiError`], and calls the core's Rust API. The FFI
//! is synchronous and blocking; shells call it off the main thread. Long work (sync) reports
//! through [`SyncObserver`] and stops on [`Sachxanh::cancel_sync`].

mod error;

pub use error::{ApiError, FieldProblem};

use crate::model::*;
use crate::photo::PhotoSettings;
use crate::store::{
    AreaCovenant, AreaFigures, HouseholdRow, LatestCheck, PhotoInfo, RecordSummary, Refused, Stored,
};
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
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AreaInfo {
    pub id: String,
    pub name: String,
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
    /// Changes saved on the phone and not yet on the server.
    pub waiting: u64,
    pub last_sync_ms: Option<i64>,
    pub refused: u64,
    /// Photos on the phone the server does not hold yet.
    pub photos_waiting: u64,
}

/// For one kind of record: the view a form shows (values, standing, version, conflicts) and
/// the read / create / update calls of the entry object.
macro_rules! record_kind {
    ($view:ident, $body:ty, $get:ident, $create:ident, $update:ident) => {
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct $view {
            pub id: String,
            pub value: $body,
            pub author: String,
            pub state: Lifecycle,
            pub status: ReviewStatus,
            pub heads: Vec<String>,
            pub conflicts: Vec<crate::document::Conflict>,
            /// Why it was returned or rejected, while it stands returned or rejected.
            pub reason: Option<String>,
        }

        impl $view {
            fn of(store: &Store, s: Stored<$body>) -> Result<Self, ApiError> {
                let reason = match s.status {
                    ReviewStatus::Returned | ReviewStatus::Rejected => {
                        store.review_reason(&s.id)?
                    }
                    _ => None,
                };
                Ok($view {
                    id: s.id,
                    value: s.body,
                    author: s.meta.author,
                    state: s.meta.state,
                    status: s.status,
                    heads: s.heads,
                    conflicts: s.conflicts,
                    reason,
                })
            }
        }

        #[uniffi::export]
        impl Sachxanh {
            pub fn $get(&self, id: String) -> Result<$view, ApiError> {
                let store = self.store();
                let stored = store.get::<$body>(&id)?;
                $view::of(&store, stored)
            }

            /// Saves a new record as a draft on this phone; returns its id.
            pub fn $create(&self, value: $body) -> Result<String, ApiError> {
                Ok(self.store().create(value)?)
            }

            /// Saves the form's values; only the fields that changed are written.
            pub fn $update(&self, id: String, value: $body) -> Result<$view, ApiError> {
                let mut store = self.store();
                let stored = store.update::<$body>(&id, |r| *r = value)?;
                $view::of(&store, stored)
            }
        }
    };
}

record_kind!(
    HouseholdView,
    Household,
    household,
    create_household,
    update_household
);
record_kind!(
    SortingCheckView,
    SortingCheck,
    sorting_check,
    create_sorting_check,
    update_sorting_check
);
record_kind!(
    CleanupView,
    Cleanup,
    cleanup,
    create_cleanup,
    update_cleanup
);
record_kind!(
    CovenantView,
    Covenant,
    covenant,
    create_covenant,
    update_covenant
);
record_kind!(
    CollectionPointView,
    CollectionPoint,
    collection_point,
    create_collection_point,
    update_collection_point
);
record_kind!(
    BlackSpotView,
    BlackSpot,
    black_spot,
    create_black_spot,
    update_black_spot
);
record_kind!(
    BriefingView,
    Briefing,
    briefing,
    create_briefing,
    update_briefing
);
record_kind!(
    SelfManagedModelView,
    SelfManagedModel,
    self_managed_model,
    create_self_managed_model,
    update_self_managed_model
);

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

    fn person_of(store: &Store) -> Option<PersonInfo> {
        let person_id = store.person()?.to_owned();
        let setting = |k: &str| store.setting(k).ok().flatten().unwrap_or_default();
        let role = Role::parse(&setting("role"))?;
        let commune_id = setting("commune_id");
        let reference = store.reference();
        let areas = match role {
            Role::CommuneStaff | Role::ProvinceViewer => reference
                .areas_of(&commune_id)
                .map(|a| AreaInfo {
                    id: a.id.clone(),
                    name: a.name.clone(),
                })
                .collect(),
            _ => setting("areas")
                .split(',')
                .filter(|a| !a.is_empty())
                .map(|a| AreaInfo {
                    id: a.to_owned(),
                    name: reference
                        .area(a)
                        .map(|x| x.name.clone())
                        .unwrap_or_else(|| a.to_owned()),
                })
                .collect(),
        };
        Some(PersonInfo {
            person_id,
            name: setting("person_name"),
            role,
            commune_id,
            areas,
        })
    }

    fn retry() -> RetryPolicy {
        RetryPolicy::default()
    }
}

#[uniffi::export]
impl Sachxanh {
    /// Opens (or creates) the phone's store at `path`.
    #[uniffi::constructor]
    pub fn open(path: String, settings: DeviceSettings) -> Result<Arc<Self>, ApiError> {
        let reference = match &settings.reference_geojson {
            Some(g) => Reference::from_geojson(g).map_err(|_| {
                ApiError::invalid(vec![FieldProblem {
                    field: "reference_geojson".into(),
                    message_vi: "Dữ liệu bản đồ không hợp lệ".into(),
                    message_en: "Invalid map data".into(),
                }])
            })?,
            None => Reference::demo(),
        };
        let reference = Arc::new(reference);
        let store = Store::open(&path, reference.clone())?;
        let sync_store = Store::open(&path, reference)?;
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

    /// Sends a record for review (its values are checked again first).
    pub fn submit(&self, id: String) -> Result<(), ApiError> {
        let mut store = self.store();
        match store.kind_of(&id)? {
            Some(RecordKind::Household) => store.submit::<Household>(&id).map(|_| ()),
            Some(RecordKind::SortingCheck) => store.submit::<SortingCheck>(&id).map(|_| ()),
            Some(RecordKind::Cleanup) => store.submit::<Cleanup>(&id).map(|_| ()),
            Some(RecordKind::Covenant) => store.submit::<Covenant>(&id).map(|_| ()),
            Some(RecordKind::CollectionPoint) => store.submit::<CollectionPoint>(&id).map(|_| ()),
            Some(RecordKind::BlackSpot) => store.submit::<BlackSpot>(&id).map(|_| ()),
            Some(RecordKind::Briefing) => store.submit::<Briefing>(&id).map(|_| ()),
            Some(RecordKind::SelfManagedModel) => store.submit::<SelfManagedModel>(&id).map(|_| ()),
            Some(RecordKind::Review) | None => Err(crate::Error::NotFound(id)),
        }?;
        Ok(())
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

    pub fn sync_status(&self) -> Result<SyncStatus, ApiError> {
        let store = self.store();
        Ok(SyncStatus {
            waiting: store.outbox_len()?,
            last_sync_ms: store.setting("last_sync")?.and_then(|v| v.parse().ok()),
            refused: store.refused()?.len() as u64,
            photos_waiting: store.photos_waiting()?,
        })
    }

    /// Pushes what waits, then pulls what is new; progress goes to `observer`.
    pub fn sync(&self, observer: Box<dyn SyncObserver>) -> Result<SyncReport, ApiError> {
        self.cancel.store(false, Ordering::Relaxed);
        let client = SyncClient::with_policy(&self.server_url, &self.token()?, Self::retry())?;
        let mut store = self.sync_store.lock().unwrap_or_else(|p| p.into_inner());
        Ok(client.sync(&mut store, &mut |p| observer.on_progress(p), &self.cancel)?)
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

    pub fn area_figures(&self, area_id: String) -> Result<AreaFigures, ApiError> {
        Ok(self.store().area_figures(&area_id)?)
    }

    pub fn latest_checks(&self, area_id: String) -> Result<Vec<LatestCheck>, ApiError> {
        Ok(self.store().latest_checks(&area_id, false)?)
    }

    pub fn covenant_status(&self) -> Result<Vec<AreaCovenant>, ApiError> {
        let store = self.store();
        let commune = store.setting("commune_id")?.unwrap_or_default();
        Ok(store.covenant_status(&commune)?)
    }
}
