//! Errors as HTTP answers: a status, a stable code and a message in Vietnamese and English.
//! Details that could carry personal data stay in the server's log at debug level only.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sachxanh_core::i18n::Message;
use sachxanh_core::sync::protocol::{ErrorBody, WireError};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: Message,
    /// Seconds to wait before trying again (429, 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, vi: &str, en: &str) -> Self {
        ApiError {
            status,
            code,
            message: Message::new(vi, en),
            retry_after: None,
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "thiết bị chưa đăng ký hoặc đã bị thu hồi",
            "device not enrolled or its token was revoked",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "vai trò của bạn không được làm việc này",
            "your role may not do this",
        )
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "không tìm thấy",
            "not found",
        )
    }

    pub fn bad_request(vi: &str, en: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", vi, en)
    }

    /// An error carrying the core's message.
    pub fn with_message(status: StatusCode, code: &'static str, message: Message) -> Self {
        ApiError {
            status,
            code,
            message,
            retry_after: None,
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "lỗi máy chủ, vui lòng thử lại sau",
            "server error, please try again later",
        )
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
        ApiError::with_message(status, e.code(), e.message())
    }
}

impl From<crate::storage::StorageError> for ApiError {
    fn from(e: crate::storage::StorageError) -> Self {
        ApiError::internal(e)
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
            code: self.code.to_owned(),
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
