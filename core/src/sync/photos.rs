//! Photo upload and download, separate from record sync: records go first (they are small and
//! they are what the figures count), then photos, each resumable. Before sending, the phone asks
//! the server how much of the photo it already holds and sends only the rest, in parts; the
//! server keeps whatever part of a request arrived before the link dropped. A photo stays on
//! the phone until the server confirms holding exactly its bytes (it checks the SHA-256).

use super::client::{
    sleep_unless_cancelled, Progress, SyncClient, SyncError, SyncPhase, SyncReport,
};
use super::protocol::PhotoUploadStatus;
use crate::photo;
use crate::store::Store;
use std::sync::atomic::{AtomicBool, Ordering};

impl SyncClient {
    /// Uploads every photo the server does not hold yet. A photo the link keeps failing stays
    /// waiting for the next sync; only cancelling or losing authorisation stops the others.
    pub fn upload_photos(
        &self,
        store: &mut Store,
        progress: &mut dyn FnMut(Progress),
        cancel: &AtomicBool,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let pending = store.photos_to_upload()?;
        let total: u64 = pending.iter().map(|p| p.bytes).sum();
        let mut finished = 0;
        for p in pending {
            let mut at = |received: u64| {
                progress(Progress {
                    phase: SyncPhase::UploadingPhotos,
                    done: finished + received.min(p.bytes),
                    total,
                })
            };
            at(0);
            match self.upload_photo(store, &p.sha256, p.bytes, cancel, report, &mut at) {
                Ok(()) => {
                    store.photo_uploaded(&p.sha256)?;
                    report.photos_uploaded += 1;
                }
                Err(e @ (SyncError::Cancelled | SyncError::Unauthorized(_))) => return Err(e),
                // It stays on the phone and is tried at the next sync; the report says how many.
                Err(_) => report.photos_waiting += 1,
            }
            finished += p.bytes;
        }
        Ok(())
    }

    fn upload_photo(
        &self,
        store: &Store,
        sha256: &str,
        size: u64,
        cancel: &AtomicBool,
        report: &mut SyncReport,
        at: &mut dyn FnMut(u64),
    ) -> Result<(), SyncError> {
        let url = format!("{}/api/v1/photos/{sha256}/upload", self.base);
        let mut delay = self.retry.first_delay;
        let mut fruitless = 0;
        let mut best = 0;
        loop {
            // `send` retries the status question itself; a failure here means the network is
            // down for good this time.
            let status: PhotoUploadStatus = self
                .send(cancel, &mut report.requests, |c| {
                    c.http.get(&url).bearer_auth(&c.token)
                })?
                .json()
                .map_err(|e| SyncError::Protocol(e.to_string()))?;
            if status.complete {
                at(size);
                return Ok(());
            }
            let offset = status.received.min(size);
            at(offset);
            if offset > best {
                best = offset;
                fruitless = 0;
                delay = self.retry.first_delay;
            } else if fruitless >= self.retry.attempts.max(1) {
                return Err(SyncError::Network(
                    "tải ảnh lên không tiến triển / the photo upload makes no progress".into(),
                ));
            }
            if cancel.load(Ordering::Relaxed) {
                return Err(SyncError::Cancelled);
            }
            let part = store.photo_part(sha256, offset, self.photo_part_bytes)?;
            report.photo_bytes_sent += part.len() as u64;
            report.requests += 1;
            let sent = self.execute(
                self.http
                    .put(format!("{url}?offset={offset}&total={size}"))
                    .bearer_auth(&self.token)
                    .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                    .body(part),
            );
            match sent {
                Ok(resp) if resp.status().is_success() => {
                    let s: PhotoUploadStatus = resp
                        .json()
                        .map_err(|e| SyncError::Protocol(e.to_string()))?;
                    if s.complete {
                        at(size);
                        return Ok(());
                    }
                    continue;
                }
                // Someone else's part landed first: ask again where to resume.
                Ok(resp) if resp.status() == 409 => continue,
                Ok(resp) if resp.status() == 401 || resp.status() == 403 => {
                    return Err(SyncError::Unauthorized(error_message(resp)));
                }
                Ok(resp) if resp.status().is_client_error() && resp.status() != 429 => {
                    let status = resp.status().as_u16();
                    return Err(SyncError::Server {
                        status,
                        code: "photo_refused".into(),
                        message: error_message(resp),
                    });
                }
                // A dropped link, a timeout, a busy server: back off, then ask what arrived.
                _ => {
                    fruitless += 1;
                    sleep_unless_cancelled(delay, cancel)?;
                    delay = (delay * 2).min(self.retry.max_delay);
                }
            }
        }
    }

    /// Fetches a photo the phone does not hold (the person opened it) and keeps it.
    pub fn download_photo(&self, store: &mut Store, sha256: &str) -> Result<Vec<u8>, SyncError> {
        let bytes = self.fetch_photo(sha256)?;
        store.keep_downloaded_photo(sha256, &bytes)?;
        Ok(bytes)
    }

    /// Fetches a photo and checks it is the one named.
    pub fn fetch_photo(&self, sha256: &str) -> Result<Vec<u8>, SyncError> {
        let never = AtomicBool::new(false);
        let mut requests = 0;
        let bytes = self
            .send(&never, &mut requests, |c| {
                c.http
                    .get(format!("{}/api/v1/photos/{sha256}", c.base))
                    .bearer_auth(&c.token)
            })?
            .bytes()
            .map_err(|e| SyncError::Network(e.to_string()))?;
        if photo::sha256_hex(&bytes) != sha256 {
            return Err(SyncError::Protocol(
                "ảnh tải về không đúng / the downloaded photo does not match its name".into(),
            ));
        }
        Ok(bytes.to_vec())
    }
}

fn error_message(resp: reqwest::blocking::Response) -> crate::i18n::Message {
    let code = resp.status().as_u16();
    resp.json::<super::protocol::ErrorBody>()
        .map(|b| b.message)
        .unwrap_or_else(|_| {
            crate::i18n::Message::new(format!("lỗi HTTP {code}"), format!("HTTP error {code}"))
        })
}
