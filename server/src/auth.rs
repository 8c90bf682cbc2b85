//! Who is asking. Devices prove themselves with a bearer token; the dashboard with a session
//! of its own (made at sign-in, short-lived, ended at sign-out), never the long-lived key itself.
//! The server keeps only hashes: SHA-256 of tokens and sessions (256 random bits each, nothing
//! to guess), and Argon2id of enrolment codes (short enough to type, so a stolen database must
//! not give them up to a fast offline search).

use crate::error::ApiError;
use crate::storage::{Device, Storage};
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use base64::Engine;
use rand::Rng;
use sachxanh_core::error::ErrorCode;
use sachxanh_core::model::Role;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// SHA-256 of a random secret (token, session), hex.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.trim().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// 256 random bits, URL-safe.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Argon2id of an enrolment code (as the core normalises it) under the deployment's salt. The
/// parameters are OWASP's minimum for Argon2id (19 MiB, 2 passes): about 30 ms a guess here,
/// so the 2^49.5 codes cannot be searched from a stolen database.
pub fn hash_code(code: &str, salt: &[u8]) -> String {
    let params = argon2::Params::new(19 * 1024, 2, 1, Some(32)).expect("fixed Argon2 parameters");
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = [0u8; 32];
    argon
        .hash_password_into(code.as_bytes(), salt, &mut out)
        .expect("a 16-byte salt and 32-byte output are valid");
    out.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hashes a stored code may have: Argon2id, and the SHA-256 of codes issued before it
/// (they expire within two weeks of an upgrade).
pub fn code_hashes(code: &str, salt: &[u8]) -> Vec<String> {
    vec![hash_code(code, salt), hash_secret(code)]
}

/// Makes a code for a person: the hash is stored, the code goes to paper or a QR image.
pub fn store_new_code(
    storage: &dyn Storage,
    person_id: &str,
    expires_at: i64,
) -> Result<String, crate::storage::StorageError> {
    let code = sachxanh_core::enrolment::generate();
    let salt = storage.deployment_salt()?;
    storage.add_enrolment_code(&hash_code(&code, &salt), person_id, expires_at)?;
    Ok(code)
}

/// The dashboard's session cookie name.
pub const SESSION_COOKIE: &str = "sx_session";
/// Header the dashboard adds to every write.
pub const CSRF_HEADER: &str = "x-sachxanh";
/// A dashboard session lasts a working day.
pub const SESSION_LIFETIME_MS: i64 = 12 * 3600 * 1000;

pub fn session_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// Requests one device may have in flight: a phone syncs one request at a time, the dashboard
/// loads a few at once; more than this is a misbehaving client.
pub const REQUESTS_PER_DEVICE: u32 = 4;

/// A browser opens up to six connections to a host and fetches a record page's photos at once:
/// a dashboard session may have this many requests in flight, so no photo gets a 429.
pub const REQUESTS_PER_SESSION: u32 = 8;

/// Requests in flight per device.
#[derive(Default)]
pub struct Slots(Arc<Mutex<HashMap<String, u32>>>);

/// One request's place; given back when the request ends.
pub struct Slot {
    slots: Arc<Mutex<HashMap<String, u32>>>,
    device: String,
}

impl Slots {
    fn take(&self, device: &str, most: u32) -> Option<Slot> {
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = m.entry(device.to_owned()).or_default();
        if *n >= most {
            return None;
        }
        *n += 1;
        Some(Slot {
            slots: self.0.clone(),
            device: device.to_owned(),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut m = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = m.get_mut(&self.device) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.device);
            }
        }
    }
}

/// The device behind a request's bearer token (or the dashboard's session cookie), holding one
/// of its request slots until the request ends.
pub struct Authed(pub Device, pub Slot);

impl Authed {
    /// Staff and province viewers read the dashboard.
    pub fn require_viewer(&self) -> Result<(), ApiError> {
        match self.0.person.role {
            Role::CommuneStaff | Role::ProvinceViewer => Ok(()),
            _ => Err(ApiError::forbidden()),
        }
    }

    /// Whoever writes records, photos or reviews: everyone but the Department's viewers (the
    /// core's `Role::writes`), refused before anything they send is read.
    pub fn require_writer(&self) -> Result<(), ApiError> {
        if self.0.person.role.writes() {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// The deployment's administrator: communes, staff and viewers.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.0.person.role.administers() {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    pub fn require_staff(&self) -> Result<(), ApiError> {
        if self.0.person.role == Role::CommuneStaff {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }
}

fn busy() -> ApiError {
    ApiError::of(StatusCode::TOO_MANY_REQUESTS, ErrorCode::Busy)
}

impl FromRequestParts<Arc<AppState>> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        Authed::authenticate(parts, state, false).await
    }
}

impl Authed {
    /// Who posts a dashboard page's form: the caller has checked the form's token, which proves
    /// what the API's header proves — the write comes from our own page.
    pub async fn of_page_form(parts: &Parts, state: &Arc<AppState>) -> Result<Self, ApiError> {
        Authed::authenticate(parts, state, true).await
    }

    async fn authenticate(
        parts: &Parts,
        state: &Arc<AppState>,
        origin_proven: bool,
    ) -> Result<Self, ApiError> {
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .map(str::to_owned);
        let (secret, session) = match bearer {
            Some(t) => (t, false),
            None => {
                // The dashboard's session cookie. Writes through it must carry our header: a
                // page on another site cannot add it, so a forged form post gets nowhere.
                let cookie = session_cookie(&parts.headers).ok_or_else(ApiError::unauthorized)?;
                let safe = parts.method == axum::http::Method::GET;
                if !safe && !origin_proven && !parts.headers.contains_key(CSRF_HEADER) {
                    return Err(ApiError::forbidden());
                }
                (cookie, true)
            }
        };
        if secret.is_empty() || secret.len() > 200 {
            return Err(ApiError::unauthorized());
        }
        let hash = hash_secret(&secret);
        let storage = state.storage.clone();
        let now = chrono::Utc::now().timestamp_millis();
        let device = tokio::task::spawn_blocking(move || -> Result<Device, ApiError> {
            let found = if session {
                storage.session_device(&hash, now)?
            } else {
                storage.device_by_token(&hash, now)?
            };
            match found {
                Some(device) => Ok(device),
                // A revoked phone is told so, and that its unsent records are safe.
                None if !session && storage.token_revoked(&hash)? => {
                    Err(ApiError::of(StatusCode::UNAUTHORIZED, ErrorCode::Revoked))
                }
                None => Err(ApiError::unauthorized()),
            }
        })
        .await??;
        let most = if session {
            REQUESTS_PER_SESSION
        } else {
            REQUESTS_PER_DEVICE
        };
        let slot = state.slots.take(&device.id, most).ok_or_else(busy)?;
        Ok(Authed(device, slot))
    }
}

/// The address a request came from (as the listener saw it).
pub struct PeerIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PeerIp(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// Attempts per address in a window, for the routes anyone may call (enrolment, sign-in):
/// guessing codes or keys from one address stops after a few tries a minute. Behind a reverse
/// proxy every phone shares its address: give the proxy its own limit (docs/security.md).
pub struct Attempts {
    per_window: u32,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Attempts {
    pub fn new(per_window: u32, window: Duration) -> Self {
        Attempts {
            per_window,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt; refused when the address used up its window.
    pub fn attempt(&self, ip: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(ip) = ip else { return Ok(()) };
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() > 10_000 {
            seen.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let (start, n) = seen.entry(ip).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            *start = now;
            *n = 0;
        }
        *n += 1;
        if *n > self.per_window {
            let mut e = ApiError::of(StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAttempts);
            e.retry_after = Some(self.window.as_secs().max(1));
            return Err(e);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_codes_hash_apart() {
        assert_ne!(new_token(), new_token());
        assert_eq!(hash_secret("abc").len(), 64);
        let salt = [7u8; 16];
        let code = sachxanh_core::enrolment::generate();
        let h = hash_code(&code, &salt);
        assert_eq!(h, hash_code(&code, &salt));
        assert_ne!(h, hash_code(&code, &[8u8; 16]));
        assert_ne!(h, hash_secret(&code));
    }

    #[test]
    fn a_device_has_a_few_requests_at_once() {
        let slots = Slots::default();
        let held: Vec<Slot> = (0..REQUESTS_PER_DEVICE)
            .map(|_| slots.take("d1", REQUESTS_PER_DEVICE).unwrap())
            .collect();
        assert!(slots.take("d1", REQUESTS_PER_DEVICE).is_none());
        assert!(slots.take("d2", REQUESTS_PER_DEVICE).is_some());
        drop(held);
        assert!(slots.take("d1", REQUESTS_PER_DEVICE).is_some());
    }

    #[test]
    fn attempts_are_counted_per_address() {
        let a = Attempts::new(2, Duration::from_secs(60));
        let ip = Some("10.0.0.1".parse().unwrap());
        assert!(a.attempt(ip).is_ok() && a.attempt(ip).is_ok());
        assert_eq!(
            a.attempt(ip).unwrap_err().code,
            sachxanh_core::error::ErrorCode::TooManyAttempts
        );
        assert!(a.attempt(Some("10.0.0.2".parse().unwrap())).is_ok());
    }
}
