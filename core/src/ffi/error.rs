//! The one public error of the FFI: few stable variants, each with a message in Vietnamese and
//! English, mapped from the core's errors in one place. Messages carry no personal data.

use crate::error::{Error, FieldError};
use crate::i18n::Message;
use crate::sync::SyncError;

/// A broken rule under a form field, ready to show.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FieldProblem {
    pub field: String,
    pub message_vi: String,
    pub message_en: String,
}

impl From<&FieldError> for FieldProblem {
    fn from(e: &FieldError) -> Self {
        let m = e.message();
        FieldProblem {
            field: e.field.clone(),
            message_vi: m.vi,
            message_en: m.en,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum ApiError {
    /// The form has mistakes: one problem per broken rule.
    #[error("{message_vi} / {message_en}")]
    Invalid {
        message_vi: String,
        message_en: String,
        problems: Vec<FieldProblem>,
    },
    #[error("{message_vi} / {message_en}")]
    NotFound {
        message_vi: String,
        message_en: String,
    },
    /// The phone must be enrolled (or re-enrolled) first.
    #[error("{message_vi} / {message_en}")]
    NotEnrolled {
        message_vi: String,
        message_en: String,
    },
    /// No connection, or the server did not answer in time: try again later, nothing is lost.
    #[error("{message_vi} / {message_en}")]
    Offline {
        message_vi: String,
        message_en: String,
    },
    /// The server refused the request (its code is stable).
    #[error("{message_vi} / {message_en}")]
    Server {
        code: String,
        message_vi: String,
        message_en: String,
    },
    #[error("{message_vi} / {message_en}")]
    Cancelled {
        message_vi: String,
        message_en: String,
    },
    /// The phone's storage failed (full disk, damaged file).
    #[error("{message_vi} / {message_en}")]
    Storage {
        message_vi: String,
        message_en: String,
    },
}

fn msg(m: Message) -> (String, String) {
    (m.vi, m.en)
}

impl ApiError {
    pub fn invalid(problems: Vec<FieldProblem>) -> Self {
        ApiError::Invalid {
            message_vi: "Biểu mẫu còn lỗi, vui lòng kiểm tra lại".into(),
            message_en: "The form has mistakes, please check it".into(),
            problems,
        }
    }

    pub(crate) fn invalid_date(text: &str) -> Self {
        let shown: String = text.chars().take(20).collect();
        ApiError::invalid(vec![FieldProblem {
            field: "date".into(),
            message_vi: format!("Ngày «{shown}» không hợp lệ (cần dạng NNNN-TT-NN)"),
            message_en: format!("The date “{shown}” is invalid (YYYY-MM-DD expected)"),
        }])
    }

    pub(crate) fn not_enrolled() -> Self {
        ApiError::NotEnrolled {
            message_vi: "Thiết bị chưa đăng ký, hãy nhập mã đăng ký".into(),
            message_en: "This device is not enrolled; enter an enrolment code".into(),
        }
    }

    pub(crate) fn forbidden() -> Self {
        ApiError::Server {
            code: "forbidden".into(),
            message_vi: "Vai trò của bạn không được làm việc này".into(),
            message_en: "Your role may not do this".into(),
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
                message_vi: "Không tìm thấy hồ sơ".into(),
                message_en: "Record not found".into(),
            },
            Error::Photo(p) => {
                let m = p.message();
                ApiError::invalid(vec![FieldProblem {
                    field: "photo".into(),
                    message_vi: m.vi,
                    message_en: m.en,
                }])
            }
            Error::BadChange(_) => ApiError::Server {
                code: "bad_change".into(),
                message_vi: "Dữ liệu nhận được bị hỏng".into(),
                message_en: "Received data is damaged".into(),
            },
            other => {
                // Details stay out of the message: they may name files or records.
                let (message_vi, message_en) = match other {
                    Error::SchemaTooNew { .. } => msg(Message::new(
                        "Dữ liệu được tạo bởi phiên bản ứng dụng mới hơn, hãy cập nhật ứng dụng",
                        "The data was written by a newer app version; update the app",
                    )),
                    _ => msg(Message::new(
                        "Lỗi lưu trữ trên máy, dữ liệu đã lưu không bị ảnh hưởng",
                        "Storage error on the phone; saved data is not affected",
                    )),
                };
                ApiError::Storage {
                    message_vi,
                    message_en,
                }
            }
        }
    }
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Network(_) | SyncError::Protocol(_) => ApiError::Offline {
                message_vi:
                    "Chưa kết nối được máy chủ; dữ liệu vẫn được giữ trên máy và sẽ gửi sau".into(),
                message_en:
                    "Cannot reach the server; your data stays on the phone and will be sent later"
                        .into(),
            },
            SyncError::Server { code, message, .. } => ApiError::Server {
                code,
                message_vi: message.vi,
                message_en: message.en,
            },
            SyncError::Unauthorized(m) => ApiError::NotEnrolled {
                message_vi: m.vi,
                message_en: m.en,
            },
            SyncError::Cancelled => ApiError::Cancelled {
                message_vi: "Đã hủy đồng bộ".into(),
                message_en: "Sync cancelled".into(),
            },
            SyncError::Store(e) => (*e).into(),
        }
    }
}
