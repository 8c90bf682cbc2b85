//! Devices prove themselves with a bearer token. The server keeps only SHA-256 hashes of tokens
//! and enrolment codes: a stolen database does not let anyone sync as a volunteer.

use crate::error::ApiError;
use crate::storage::Device;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use rand::Rng;
use sachxanh_core::model::Role;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.trim().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// 256 random bits, URL-safe.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Letters and digits nobody confuses when reading a code aloud or typing it (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A one-time enrolment code like `K7QM-3XPA-TW`: short enough to type on a cheap phone.
pub fn new_code() -> String {
    let mut rng = rand::rng();
    let chars: String = (0..10)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!("{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..10])
}

/// Normalises a typed code: case, spaces and dashes do not matter.
pub fn normalize_code(code: &str) -> String {
    let c: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if c.len() == 10 {
        format!("{}-{}-{}", &c[0..4], &c[4..8], &c[8..10])
    } else {
        c
    }
}

/// The dashboard's session cookie name.
pub const SESSION_COOKIE: &str = "sx_session";
/// Header the dashboard adds to every write.
pub const CSRF_HEADER: &str = "x-sachxanh";

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

/// The device behind a request's bearer token (or the dashboard's session cookie).
pub struct Authed(pub Device);

impl Authed {
    /// Staff and province viewers read the dashboard.
    pub fn require_viewer(&self) -> Result<(), ApiError> {
        match self.0.person.role {
            Role::CommuneStaff | Role::ProvinceViewer => Ok(()),
            _ => Err(ApiError::forbidden()),
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

impl FromRequestParts<Arc<AppState>> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let token = match bearer {
            Some(t) => t.to_owned(),
            None => {
                // The dashboard's session cookie. Writes through it must carry our header: a
                // page on another site cannot add it, so a forged form post gets nowhere.
                let cookie = session_cookie(&parts.headers).ok_or_else(ApiError::unauthorized)?;
                let safe = parts.method == axum::http::Method::GET;
                if !safe && !parts.headers.contains_key(CSRF_HEADER) {
                    return Err(ApiError::forbidden());
                }
                cookie
            }
        };
        if token.is_empty() || token.len() > 200 {
            return Err(ApiError::unauthorized());
        }
        let hash = hash_secret(&token);
        let storage = state.storage.clone();
        let device = tokio::task::spawn_blocking(move || storage.device_by_token(&hash)).await??;
        device.map(Authed).ok_or_else(ApiError::unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typable_and_forgiving() {
        let c = new_code();
        assert_eq!(c.len(), 12);
        assert_eq!(normalize_code(&c.to_lowercase().replace('-', " ")), c);
        assert_ne!(new_token(), new_token());
        assert_eq!(hash_secret("abc").len(), 64);
    }
}
