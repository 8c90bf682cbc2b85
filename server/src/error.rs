//! Errors as HTTP answers: a status, a stable code and a message in Vietnamese and English.
//! Details that could carry personal data stay in the server's log at debug level only.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sachxanh_core::error::ErrorCode;
use sachxanh_core::i18n::Message;
use sachxanh_core::sync::protocol::{ErrorBody, WireError};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: Message,
    /// Seconds to wait before trying again (429, 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error saying what its code says.
    pub fn of(status: StatusCode, code: ErrorCode) -> Self {
        Self::with_message(status, code, code.label())
    }

    /// An error saying something more specific than its code.
    pub fn with_message(status: StatusCode, code: ErrorCode, message: Message) -> Self {
        ApiError {
            status,
            code,
            message,
            retry_after: None,
        }
    }

    pub fn unauthorized() -> Self {
        Self::of(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized)
    }

    pub fn forbidden() -> Self {
        Self::of(StatusCode::FORBIDDEN, ErrorCode::Forbidden)
    }

    pub fn not_found() -> Self {
        Self::of(StatusCode::NOT_FOUND, ErrorCode::NotFound)
    }

    /// A bad request, saying what in it is wrong.
    pub fn bad_request(vi: &str, en: &str) -> Self {
        Self::with_message(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            Message::new(vi, en),
        )
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::of(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
    }
}

impl From<WireError> for ApiError {
    fn from(e: WireError) -> Self {
        let status = match e {
            WireError::BodyTooLarge { .. }
            | WireError::InflatedTooLarge { .. }
            | WireError::TooManyOpsInPush { .. }
            | WireError::TooManyChangesInPush { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        };
        tracing::debug!(error = %e, "refused request body");
        ApiError::with_message(status, e.error_code(), e.message())
    }
}

/// How long a phone waits before trying a full server again: long enough for an operator to
/// free space, short enough that a phone in the field gets through the same day.
pub const FULL_RETRY_AFTER_SECS: u64 = 300;

/// A refused change to communes or areas: a bad request, in the core's words.
impl From<sachxanh_core::reference::history::AreaProblem> for ApiError {
    fn from(p: sachxanh_core::reference::history::AreaProblem) -> Self {
        ApiError::with_message(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, p.message())
    }
}

impl From<crate::storage::StorageError> for ApiError {
    fn from(e: crate::storage::StorageError) -> Self {
        match e {
            crate::storage::StorageError::Full => {
                tracing::error!("the database has no space left: answering 503");
                let mut e = ApiError::of(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::ServerFull);
                e.retry_after = Some(FULL_RETRY_AFTER_SECS);
                e
            }
            e => ApiError::internal(e),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.as_str().to_owned(),
            message: self.message,
        };
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(s) = self.retry_after {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, s.into());
        }
        resp
    }
}
