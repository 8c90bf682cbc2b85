//! The one public error of the FFI: few stable variants, each with a message in Vietnamese and
//! English and, where the server or a rule said why, a typed code; mapped from the core's
//! errors in one place. Messages carry no personal data.

use crate::error::{Error, ErrorCode, FieldError};
use crate::i18n::Message;
use crate::sync::SyncError;

/// A broken rule under a form field, ready to show.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FieldProblem {
    /// The field's path in its form (`members`, `participants.youth_union`); forms match it to
    /// their fields by equality, never by parsing it.
    pub field: String,
    pub rule: crate::error::Rule,
    pub message: Message,
}

impl From<&FieldError> for FieldProblem {
    fn from(e: &FieldError) -> Self {
        FieldProblem {
            field: e.field.clone(),
            rule: e.rule.clone(),
            message: e.message(),
        }
    }
}

/// (Each variant's text is `reason`, not `message`: Kotlin exceptions own `message`.)
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum ApiError {
    /// What was given has mistakes: one problem per broken rule.
    #[error("{reason}")]
    Invalid {
        reason: Message,
        problems: Vec<FieldProblem>,
    },
    #[error("{reason}")]
    NotFound { reason: Message },
    /// The phone must be enrolled (or re-enrolled) first.
    #[error("{reason}")]
    NotEnrolled { reason: Message },
    /// No connection, or the server did not answer in time: try again later, nothing is lost.
    #[error("{reason}")]
    Offline { reason: Message },
    /// The server refused the request, for the reason its code names.
    #[error("{reason}")]
    Server { code: ErrorCode, reason: Message },
    #[error("{reason}")]
    Cancelled { reason: Message },
    /// The phone's storage failed (full disk, damaged file).
    #[error("{reason}")]
    Storage { reason: Message },
}

impl ApiError {
    pub fn invalid(problems: Vec<FieldProblem>) -> Self {
        ApiError::Invalid {
            reason: Message::new(
                "Biểu mẫu còn lỗi, vui lòng kiểm tra lại",
                "The form has mistakes, please check it",
            ),
            problems,
        }
    }

    /// One broken rule of something typed outside a record form (a code, a date).
    pub(crate) fn field(error: FieldError) -> Self {
        ApiError::invalid(vec![FieldProblem::from(&error)])
    }

    pub(crate) fn invalid_date(text: &str) -> Self {
        let _ = text;
        ApiError::field(FieldError::new("date", crate::error::Rule::InvalidDate))
    }

    pub(crate) fn not_enrolled() -> Self {
        ApiError::NotEnrolled {
            reason: Message::new(
                "Thiết bị chưa đăng ký, hãy nhập mã đăng ký",
                "This device is not enrolled; enter an enrolment code",
            ),
        }
    }

    pub(crate) fn forbidden() -> Self {
        ApiError::Server {
            code: ErrorCode::Forbidden,
            reason: ErrorCode::Forbidden.label(),
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid(inv) => {
                ApiError::invalid(inv.0.iter().map(FieldProblem::from).collect())
            }
            Error::NotFound(_) | Error::WrongKind { .. } => ApiError::NotFound {
                reason: Message::new("Không tìm thấy hồ sơ", "Record not found"),
            },
            Error::Photo(p) => ApiError::invalid(vec![FieldProblem {
                field: "photo".into(),
                rule: crate::error::Rule::InvalidHash,
                message: p.message(),
            }]),
            Error::BadChange(_) => ApiError::Server {
                code: ErrorCode::BadChange,
                reason: Message::new("Dữ liệu nhận được bị hỏng", "Received data is damaged"),
            },
            // Details stay out of the message: they may name files or records.
            Error::SchemaTooNew { .. } => ApiError::Storage {
                reason: Message::new(
                    "Dữ liệu được tạo bởi phiên bản ứng dụng mới hơn, hãy cập nhật ứng dụng",
                    "The data was written by a newer app version; update the app",
                ),
            },
            Error::WrongKey => ApiError::Storage {
                reason: Message::new(
                    "Không mở được dữ liệu trên máy: khóa bảo vệ không đúng. Dữ liệu vẫn còn \
                     nguyên; hãy mở lại ứng dụng, nếu vẫn lỗi hãy báo cán bộ xã.",
                    "The data on this phone cannot be opened: its protection key is wrong. The \
                     data is intact; restart the app, and tell commune staff if this goes on.",
                ),
            },
            Error::StorageFull => ApiError::Storage {
                reason: crate::error::storage_full_message(),
            },
            _ => ApiError::Storage {
                reason: Message::new(
                    "Lỗi lưu trữ trên máy, dữ liệu đã lưu không bị ảnh hưởng",
                    "Storage error on the phone; saved data is not affected",
                ),
            },
        }
    }
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Network(_) | SyncError::Protocol(_) => ApiError::Offline {
                reason: Message::new(
                    "Chưa kết nối được máy chủ; dữ liệu vẫn được giữ trên máy và sẽ gửi sau",
                    "Cannot reach the server; your data stays on the phone and will be sent later",
                ),
            },
            SyncError::Server { code, message, .. } => ApiError::Server {
                code: ErrorCode::of(&code),
                reason: message,
            },
            SyncError::Unauthorized(reason) => ApiError::NotEnrolled { reason },
            SyncError::Cancelled => ApiError::Cancelled {
                reason: Message::new("Đã hủy đồng bộ", "Sync cancelled"),
            },
            SyncError::Store(e) => (*e).into(),
        }
    }
}
