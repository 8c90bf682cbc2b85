//! Photo upload and download. Uploads are resumable: a device asks how much of a photo the
//! server holds (`GET …/upload`) and sends the rest (`PUT …/upload?offset=&total=`); the server
//! keeps whatever part of a request arrived, even when the link drops mid-request, so little is
//! ever sent twice over 2G. Once all bytes are in, the SHA-256 must match the photo's name, or
//! the upload is discarded. An upload belongs to the device that started it, and a photo is
//! visible to the people of the communes whose phones uploaded it. Unfinished uploads expire.

use crate::auth::Authed;
use crate::error::ApiError;
use crate::storage::{PartOutcome, PhotoHeld, Storage, StorageResult};
use crate::{blocking, AppState};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use sachxanh_core::error::ErrorCode;
use sachxanh_core::model::Role;
use sachxanh_core::photo::{check_finished, check_part, PartRefused};
use sachxanh_core::sync::protocol::PhotoUploadStatus;
use serde::Deserialize;
use std::sync::Arc;

/// Bytes kept in memory before they are written: what a dropped link can cost at most.
const FLUSH_BYTES: usize = 16 * 1024;

/// How long an unfinished upload is kept after its last part: a phone offline for a week
/// starts that photo again.
pub const UPLOAD_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;

fn check_name(sha256: &str) -> Result<(), ApiError> {
    let mut e = vec![];
    sachxanh_core::model::check_sha256(&mut e, "photo", sha256);
    if e.is_empty() {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "tên ảnh không hợp lệ (cần SHA-256)",
            "invalid photo name (SHA-256 expected)",
        ))
    }
}

fn status_of(held: PhotoHeld) -> PhotoUploadStatus {
    match held {
        PhotoHeld::Nothing => PhotoUploadStatus {
            received: 0,
            complete: false,
        },
        PhotoHeld::Partial { received, .. } => PhotoUploadStatus {
            received,
            complete: false,
        },
        PhotoHeld::Complete { size } => PhotoUploadStatus {
            received: size,
            complete: true,
        },
    }
}

/// `GET /api/v1/photos/{sha256}/upload`: how much of the photo is here for this device.
pub async fn upload_status(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(sha256): Path<String>,
) -> Result<Json<PhotoUploadStatus>, ApiError> {
    authed.require_writer()?;
    check_name(&sha256)?;
    let (device, commune) = (authed.0.id.clone(), authed.0.person.commune_id.clone());
    let held = blocking(&st, move |s| {
        Ok(s.storage.photo_held(&sha256, &device, &commune)?)
    })
    .await?;
    Ok(Json(status_of(held)))
}

#[derive(Deserialize)]
pub struct PartQuery {
    offset: u64,
    total: u64,
}

/// What arrived of one request and is not written yet. Written when full, at the end, and —
/// should the request be abandoned because the link dropped — when it is dropped.
struct Arrived {
    storage: Arc<dyn Storage>,
    sha256: String,
    total: u64,
    device_id: String,
    commune_id: String,
    /// Where `buf` starts in the photo.
    offset: u64,
    buf: Vec<u8>,
}

impl Arrived {
    /// Takes the unwritten bytes and returns the write that appends them, to run on the
    /// blocking pool (`None` when there is nothing to write).
    fn take_write(
        &mut self,
    ) -> Option<impl FnOnce() -> StorageResult<PartOutcome> + Send + 'static> {
        if self.buf.is_empty() {
            return None;
        }
        let bytes = std::mem::take(&mut self.buf);
        let (storage, sha, device, commune) = (
            self.storage.clone(),
            self.sha256.clone(),
            self.device_id.clone(),
            self.commune_id.clone(),
        );
        let (offset, total) = (self.offset, self.total);
        Some(move || storage.append_photo_part(&sha, offset, total, &bytes, &device, &commune))
    }

    async fn write(&mut self) -> Result<(), ApiError> {
        let Some(write) = self.take_write() else {
            return Ok(());
        };
        match tokio::task::spawn_blocking(write).await?? {
            PartOutcome::Appended(received) => {
                self.offset = received;
                Ok(())
            }
            PartOutcome::Mismatch(held) => Err(offset_conflict(held)),
            PartOutcome::TooManyUploads => Err(too_many_uploads()),
        }
    }
}

impl Drop for Arrived {
    fn drop(&mut self) {
        if let (Some(write), Ok(rt)) = (self.take_write(), tokio::runtime::Handle::try_current()) {
            // A part that no longer fits (another landed first) is simply not kept.
            rt.spawn_blocking(move || {
                let _ = write();
            });
        }
    }
}

fn too_many_uploads() -> ApiError {
    let mut e = ApiError::of(StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyUploads);
    e.retry_after = Some(60);
    e
}

fn offset_conflict(held: PhotoHeld) -> ApiError {
    let mut e = ApiError::of(StatusCode::CONFLICT, ErrorCode::PhotoOffset);
    if let PhotoHeld::Complete { .. } = held {
        e = ApiError::of(StatusCode::CONFLICT, ErrorCode::PhotoComplete);
    }
    e
}

/// `PUT /api/v1/photos/{sha256}/upload?offset=&total=`: the next bytes of a photo.
pub async fn upload_part(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(sha256): Path<String>,
    q: Result<Query<PartQuery>, axum::extract::rejection::QueryRejection>,
    body: Body,
) -> Result<Json<PhotoUploadStatus>, ApiError> {
    authed.require_writer()?;
    check_name(&sha256)?;
    // Read after the role check (a viewer is refused as such), and refused in our own words.
    let Query(q) = q.map_err(|_| {
        ApiError::bad_request(
            "thiếu vị trí (offset) hoặc kích thước (total) của ảnh",
            "the photo's offset and total size are missing",
        )
    })?;
    let name = sha256.clone();
    let (device, commune) = (authed.0.id.clone(), authed.0.person.commune_id.clone());
    let held = blocking(&st, move |s| {
        Ok(s.storage.photo_held(&name, &device, &commune)?)
    })
    .await?;
    match check_part(held, q.offset, q.total, 0) {
        Err(PartRefused::BadRange) => {
            return Err(ApiError::bad_request(
                "vị trí hoặc kích thước ảnh không hợp lệ (tối đa 4 MB)",
                "invalid photo offset or size (at most 4 MB)",
            ))
        }
        _ if matches!(held, PhotoHeld::Complete { .. }) => return Ok(Json(status_of(held))),
        Err(PartRefused::Elsewhere(held)) => return Err(offset_conflict(held)),
        Ok(()) => {}
    }
    let mut arrived = Arrived {
        storage: st.storage.clone(),
        sha256: sha256.clone(),
        total: q.total,
        device_id: authed.0.id.clone(),
        commune_id: authed.0.person.commune_id.clone(),
        offset: q.offset,
        buf: Vec::with_capacity(FLUSH_BYTES * 2),
    };
    let mut stream = body.into_data_stream();
    let mut interrupted = false;
    while let Some(frame) = stream.next().await {
        let Ok(bytes) = frame else {
            interrupted = true;
            break;
        };
        if arrived.offset + (arrived.buf.len() + bytes.len()) as u64 > q.total {
            arrived.buf.clear();
            return Err(ApiError::bad_request(
                "gửi nhiều hơn kích thước ảnh đã khai",
                "more bytes than the photo's declared size",
            ));
        }
        arrived.buf.extend_from_slice(&bytes);
        if arrived.buf.len() >= FLUSH_BYTES {
            arrived.write().await?;
        }
    }
    arrived.write().await?;
    if interrupted {
        return Err(ApiError::bad_request(
            "kết nối bị ngắt giữa chừng; phần đã nhận được giữ lại",
            "the connection dropped mid-request; what arrived is kept",
        ));
    }
    if arrived.offset < q.total {
        return Ok(Json(PhotoUploadStatus {
            received: arrived.offset,
            complete: false,
        }));
    }
    let commune = authed.0.person.commune_id.clone();
    let device = authed.0.id.clone();
    blocking(&st, move |s| {
        let s = s.storage.as_ref();
        let bytes = s.photo_upload(&sha256, &device)?;
        // Decoded in full: what is kept and served as a JPEG is one.
        if !check_finished(&bytes, q.total, &sha256) {
            s.discard_photo_upload(&sha256, &device)?;
            return Err(ApiError::of(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::PhotoMismatch,
            ));
        }
        s.complete_photo(&sha256, &bytes, &commune, &device)?;
        Ok(Json(PhotoUploadStatus {
            received: q.total,
            complete: true,
        }))
    })
    .await
}

/// `GET /api/v1/photos/{sha256}`: the photo, for the people of its commune.
pub async fn get_photo(
    State(st): State<Arc<AppState>>,
    authed: Authed,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    check_name(&sha256)?;
    let photo = blocking(&st, move |s| Ok(s.storage.photo(&sha256)?)).await?;
    let person = &authed.0.person;
    let visible = |communes: &[String]| {
        person.role == Role::ProvinceViewer || communes.contains(&person.commune_id)
    };
    match photo {
        Some(p) if visible(&p.communes) => Ok((
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                // Named by its content: it never changes.
                (
                    header::CACHE_CONTROL,
                    "private, max-age=31536000, immutable",
                ),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; sandbox",
                ),
            ],
            p.bytes,
        )
            .into_response()),
        // Another commune's photo is as good as absent.
        _ => Err(ApiError::not_found()),
    }
}
