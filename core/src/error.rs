//! Errors of the core. [`Invalid`] is what a person sees when a form is wrong: it names the field
//! and explains the rule in Vietnamese and English. [`Error`] is everything else that can go wrong
//! inside the core; the FFI and the server map it to their own small public types.

use crate::i18n::{field_label, Lang, Message};
use serde::{Deserialize, Serialize};

/// One broken validation rule, with the field it concerns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct FieldError {
    /// The field's path in the record, e.g. `members` or `participants.youth_union`.
    pub field: String,
    pub rule: Rule,
}

/// The validation rules shared by phones and server. Each carries what its message needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum Rule {
    Required,
    TooLong { max: u32 },
    TooMany { max: u32 },
    ControlCharacters,
    DateInFuture,
    DateTooOld { earliest: String },
    NoParticipants,
    OutOfRange { min: f64, max: f64 },
    NoWorkSelected,
    NothingCollectedRecorded,
    InvalidCoordinate,
    InvalidGeometry,
    OutsideCommune,
    UnknownArea,
    UnknownHousehold,
    InvalidId,
    InvalidHash,
    RequiredForStatus { status: String },
    DatesOutOfOrder,
    CodeCharacters,
    CodeLength { length: u32 },
}

impl FieldError {
    pub fn new(field: impl Into<String>, rule: Rule) -> Self {
        FieldError {
            field: field.into(),
            rule,
        }
    }

    /// The message shown under the field, naming it, in both languages.
    pub fn message(&self) -> Message {
        let top = self.field.split('.').next().unwrap_or(&self.field);
        let label = field_label(top);
        let rule = self.rule.message();
        Message::new(
            format!("{}: {}", label.vi, rule.vi),
            format!("{}: {}", label.en, rule.en),
        )
    }

    pub fn message_in(&self, lang: Lang) -> String {
        self.message().get(lang).to_owned()
    }
}

impl Rule {
    pub fn message(&self) -> Message {
        match self {
            Rule::Required => Message::new("không được để trống", "is required"),
            Rule::TooLong { max } => Message::new(
                format!("dài quá {max} ký tự"),
                format!("is longer than {max} characters"),
            ),
            Rule::TooMany { max } => Message::new(
                format!("không được quá {max} mục"),
                format!("has more than {max} items"),
            ),
            Rule::ControlCharacters => Message::new(
                "chứa ký tự điều khiển không hợp lệ",
                "contains invalid control characters",
            ),
            Rule::DateInFuture => Message::new(
                "không được là ngày trong tương lai",
                "cannot be a date in the future",
            ),
            Rule::DateTooOld { earliest } => Message::new(
                format!("không được trước ngày {earliest}"),
                format!("cannot be before {earliest}"),
            ),
            Rule::NoParticipants => Message::new(
                "phải có ít nhất một người tham gia",
                "needs at least one participant",
            ),
            Rule::OutOfRange { min, max } => Message::new(
                format!("phải nằm trong khoảng {min} đến {max}"),
                format!("must be between {min} and {max}"),
            ),
            Rule::NoWorkSelected => Message::new(
                "chọn ít nhất một nội dung công việc",
                "choose at least one kind of work",
            ),
            Rule::NothingCollectedRecorded => Message::new(
                "ghi số kg hoặc số bao rác đã thu gom",
                "record the kilograms or bags collected",
            ),
            Rule::InvalidCoordinate => Message::new("tọa độ không hợp lệ", "invalid coordinates"),
            Rule::InvalidGeometry => Message::new(
                "hình dạng không hợp lệ (đường cần ít nhất 2 điểm, vùng cần ít nhất 3 điểm)",
                "invalid shape (a line needs at least 2 points, an area at least 3)",
            ),
            Rule::OutsideCommune => {
                Message::new("nằm ngoài địa bàn xã/phường", "lies outside the commune")
            }
            Rule::UnknownArea => Message::new(
                "không thuộc danh sách ấp/khu vực của xã",
                "is not an area of the commune",
            ),
            Rule::UnknownHousehold => Message::new(
                "không tìm thấy hộ gia đình này",
                "this household is not known",
            ),
            Rule::InvalidId => Message::new("mã không hợp lệ", "invalid identifier"),
            Rule::InvalidHash => Message::new(
                "mã ảnh/tệp không hợp lệ (cần SHA-256)",
                "invalid file reference (SHA-256 expected)",
            ),
            Rule::RequiredForStatus { status } => Message::new(
                format!("bắt buộc khi trạng thái là «{status}»"),
                format!("is required when the status is “{status}”"),
            ),
            Rule::DatesOutOfOrder => Message::new(
                "các mốc thời gian không theo thứ tự",
                "the dates are out of order",
            ),
            Rule::CodeCharacters => Message::new(
                "chỉ gồm chữ và số, không có chữ O, I, L và số 0, 1",
                "has only letters and digits, never O, I, L, 0 or 1",
            ),
            Rule::CodeLength { length } => Message::new(
                format!("gồm {length} chữ và số"),
                format!("has {length} letters and digits"),
            ),
        }
    }
}

/// A record that failed validation: every broken rule, so a form can mark all its fields at once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|e| e.field.as_str())
    }

    pub fn has(&self, field: &str, rule: &Rule) -> bool {
        self.0.iter().any(|e| e.field == field && &e.rule == rule)
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| e.message().to_string()).collect();
        write!(f, "{}", parts.join("; "))
    }
}

impl std::error::Error for Invalid {}

/// Everything that can go wrong inside the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("dữ liệu không hợp lệ / invalid record: {0}")]
    Invalid(#[from] Invalid),
    #[error("không tìm thấy hồ sơ {0} / record {0} not found")]
    NotFound(String),
    #[error("hồ sơ {id} là loại {actual}, không phải {expected} / record {id} is a {actual}, not a {expected}")]
    WrongKind {
        id: String,
        expected: &'static str,
        actual: String,
    },
    #[error("thay đổi nhận được không đọc được / received change is unreadable: {0}")]
    BadChange(String),
    #[error("hồ sơ bị hỏng / record document is damaged: {0}")]
    Corrupt(String),
    #[error("dữ liệu bản đồ không hợp lệ / invalid map data: {0}")]
    Reference(String),
    #[error("cơ sở dữ liệu được tạo bởi phiên bản mới hơn ({found} > {supported}) / the database was written by a newer version")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("lỗi lưu trữ / storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("lỗi Automerge / Automerge error: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    #[error("lỗi ánh xạ hồ sơ / record mapping error: {0}")]
    Reconcile(#[from] autosurgeon::ReconcileError),
    #[error("lỗi đọc hồ sơ / record reading error: {0}")]
    Hydrate(#[from] autosurgeon::HydrateError),
    #[error("lỗi tệp / file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Photo(#[from] crate::photo::PhotoError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
