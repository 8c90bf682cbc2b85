//! Errors of the core. [`Invalid`] is what a person sees when a form is wrong: it names the field
//! and explains the rule in Vietnamese and English. [`Error`] is everything else that can go wrong
//! inside the core; the FFI and the server map it to their own small public types.

use crate::i18n::{Lang, Message};
use crate::model::RecordKind;
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
    TooLong {
        max: u32,
    },
    TooMany {
        max: u32,
    },
    ControlCharacters,
    DateInFuture,
    DateTooOld {
        earliest: String,
    },
    NoParticipants,
    OutOfRange {
        min: f64,
        max: f64,
    },
    NoWorkSelected,
    NothingCollectedRecorded,
    InvalidCoordinate,
    InvalidGeometry,
    OutsideCommune,
    UnknownArea,
    /// A record named by another (a check's household) that this device does not know.
    UnknownRecord,
    InvalidId,
    InvalidHash,
    RequiredForStatus {
        status: Message,
    },
    DatesOutOfOrder,
    CodeCharacters,
    CodeLength {
        length: u32,
    },
    NotAWholeNumber,
    NotANumber,
    InvalidDate,
    /// A form sent a field its kind does not have (a shell out of step with the core).
    UnknownField,
    /// A form sent a value of the wrong sort for its field.
    WrongInput,
}

impl FieldError {
    pub fn new(field: impl Into<String>, rule: Rule) -> Self {
        FieldError {
            field: field.into(),
            rule,
        }
    }

    /// The message naming the field of a kind's form, in both languages (for a list of
    /// problems shown away from the form).
    pub fn message_in(&self, kind: RecordKind) -> Message {
        let label = crate::form::field_label(kind.fields(), &self.field)
            .unwrap_or_else(|| field_label(&self.field));
        self.named(label)
    }

    /// The message naming the field, in both languages, when the kind is not known: the first
    /// kind with such a field names it.
    pub fn message(&self) -> Message {
        let label = RecordKind::ALL
            .iter()
            .find_map(|k| crate::form::field_label(k.fields(), &self.field))
            .unwrap_or_else(|| field_label(&self.field));
        self.named(label)
    }

    fn named(&self, label: Message) -> Message {
        let rule = self.rule.message();
        Message::new(
            format!("{}: {}", label.vi, rule.vi),
            format!("{}: {}", label.en, rule.en),
        )
    }

    pub fn message_in_lang(&self, lang: Lang) -> String {
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
            Rule::UnknownRecord => Message::new("không có trên máy này", "is not on this phone"),
            Rule::InvalidId => Message::new("mã không hợp lệ", "invalid identifier"),
            Rule::InvalidHash => Message::new(
                "mã ảnh/tệp không hợp lệ (cần SHA-256)",
                "invalid file reference (SHA-256 expected)",
            ),
            Rule::RequiredForStatus { status } => Message::new(
                format!("bắt buộc khi trạng thái là «{}»", status.vi),
                format!("is required when the status is “{}”", status.en),
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
            Rule::NotAWholeNumber => Message::new("hãy nhập một số nguyên", "enter a whole number"),
            Rule::NotANumber => Message::new(
                "hãy nhập một số (ví dụ 12,5)",
                "enter a number (for example 12.5)",
            ),
            Rule::InvalidDate => Message::new(
                "ngày không hợp lệ (ngày/tháng/năm, ví dụ 28/11/2026)",
                "invalid date (day/month/year, for example 28/11/2026)",
            ),
            Rule::UnknownField => Message::new(
                "trường này không có trong mẫu; hãy cập nhật ứng dụng",
                "this field is not in the form; update the app",
            ),
            Rule::WrongInput => Message::new(
                "giá trị không đúng loại; hãy cập nhật ứng dụng",
                "the value is of the wrong sort; update the app",
            ),
        }
    }
}

/// Labels of fields that belong to no record form (enrolment, settings, a photo being added).
fn field_label(path: &str) -> Message {
    let (vi, en) = match path {
        crate::enrolment::FIELD => ("Mã đăng ký", "Enrolment code"),
        "photo" => ("Ảnh", "Photo"),
        "reference_geojson" => ("Bản đồ ấp, khu vực", "Areas map"),
        "tariff_dong_per_mb" => ("Giá cước dữ liệu (đ/MB)", "Data tariff (đ/MB)"),
        other => return Message::new(other, other),
    };
    Message::new(vi, en)
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
    /// The phone's (or server's) disk is full: the write was rolled back whole, so everything
    /// saved before is intact, and the same save works once space is freed.
    #[error("bộ nhớ đã đầy, chưa lưu được / storage is full, not saved")]
    StorageFull,
    /// The store is encrypted and the key given (or none) does not open it.
    #[error("khóa mở dữ liệu không đúng / the store's key is wrong or missing")]
    WrongKey,
    #[error("lỗi lưu trữ / storage error: {0}")]
    Sqlite(rusqlite::Error),
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

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if is_disk_full(&e) {
            Error::StorageFull
        } else {
            Error::Sqlite(e)
        }
    }
}

/// Whether SQLite gave up for want of space (`SQLITE_FULL`: its Unix layer reports a write
/// the file system refused with `ENOSPC` so, as well as a page limit reached).
pub fn is_disk_full(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull)
}

/// What a person is told when the phone's storage is full.
pub fn storage_full_message() -> Message {
    Message::new(
        "Bộ nhớ máy đã đầy nên chưa lưu được. Những gì đã lưu trước đó vẫn còn nguyên. \
         Hãy xoá bớt ảnh, video hoặc ứng dụng không dùng rồi bấm Lưu lại.",
        "The phone's storage is full, so this was not saved. Everything saved before is intact. \
         Free some space (photos, videos, unused apps) and press Save again.",
    )
}

crate::string_enum! {
    /// Why the server (or the wire) refused something: one typed set for the server's HTTP
    /// errors, the wire's limits and the push check's refusals. The label is the reason a person
    /// reads when nothing more specific is said. Phones and the dashboard key on the code.
    pub enum ErrorCode {
        Unauthorized = "unauthorized" ("thiết bị chưa đăng ký hoặc đã bị thu hồi", "device not enrolled or its token was revoked"),
        Forbidden = "forbidden" ("vai trò của bạn không được làm việc này", "your role may not do this"),
        NotFound = "not_found" ("không tìm thấy", "not found"),
        BadRequest = "bad_request" ("yêu cầu không hợp lệ", "invalid request"),
        ServerFull = "server_full" ("máy chủ đã hết chỗ lưu; dữ liệu vẫn ở trên máy và sẽ được gửi lại sau", "the server is out of storage space; your data stays on the phone and will be sent later"),
        Internal = "internal" ("lỗi máy chủ, vui lòng thử lại sau", "server error, please try again later"),
        Busy = "busy" ("thiết bị đang gửi quá nhiều yêu cầu cùng lúc; thử lại sau giây lát", "this device has too many requests in flight; try again in a moment"),
        TooManyAttempts = "too_many_attempts" ("thử quá nhiều lần; vui lòng đợi một phút rồi thử lại", "too many attempts; wait a minute and try again"),
        UnsupportedMediaType = "unsupported_media_type" ("định dạng gói dữ liệu không đúng", "wrong body format"),
        MalformedJson = "malformed_json" ("nội dung gửi lên không đúng định dạng JSON yêu cầu", "the JSON body is malformed or misses fields"),
        BadCode = "bad_code" ("mã đăng ký sai, đã dùng hoặc đã hết hạn", "the enrolment code is wrong, used or expired"),
        ActorTaken = "actor_taken" ("thiết bị này đã được đăng ký", "this device is already enrolled"),
        BadKey = "bad_key" ("khóa đăng nhập không đúng hoặc đã bị thu hồi", "the sign-in key is wrong or was revoked"),
        BatchReused = "batch_reused" ("mã lô gửi đã được dùng cho nội dung khác", "this batch id was already used for other contents"),
        Changed = "changed" ("hồ sơ vừa được sửa, vui lòng xem lại phiên bản mới", "the record changed since you opened it; look at the new version"),
        PhotoOffset = "photo_offset" ("máy chủ đã có phần khác của ảnh; hỏi lại vị trí tiếp tục", "the server holds a different part of the photo; ask where to resume"),
        PhotoComplete = "photo_complete" ("máy chủ đã có đủ ảnh này", "the server already holds this photo"),
        PhotoMismatch = "photo_mismatch" ("ảnh nhận được không khớp mã SHA-256 hoặc không phải JPEG; hãy gửi lại", "the photo received does not match its SHA-256 or is not a JPEG; send it again"),
        TooManyUploads = "too_many_uploads" ("thiết bị đang gửi dở quá nhiều ảnh; hãy gửi xong các ảnh đó trước", "this device has too many unfinished photo uploads; finish those first"),
        ReportTooLarge = "report_too_large" ("quá nhiều hồ sơ cho một báo cáo; hãy chọn từng xã/phường", "too many records for one report; choose a commune"),
        BodyTooLarge = "body_too_large" ("gói dữ liệu quá lớn", "request body too large"),
        InflatedTooLarge = "inflated_too_large" ("dữ liệu giải nén quá lớn", "decompressed body too large"),
        Malformed = "malformed" ("gói dữ liệu không đọc được", "the request body could not be read"),
        TooManyRecords = "too_many_records" ("quá nhiều hồ sơ trong một lần gửi", "too many records in one batch"),
        TooManyChanges = "too_many_changes" ("quá nhiều thay đổi cho một hồ sơ", "too many changes for one record"),
        TooManyOperations = "too_many_operations" ("một thay đổi quá lớn", "a change is too large"),
        TooManyOperationsInPush = "too_many_operations_in_push" ("quá nhiều thao tác trong một lần gửi", "too many operations in one batch"),
        TooManyChangesInPush = "too_many_changes_in_push" ("quá nhiều thay đổi trong một lần gửi", "too many changes in one batch"),
        ChangeTooLarge = "change_too_large" ("hồ sơ quá lớn để gửi; hãy rút ngắn nội dung", "the record is too large to send; shorten it"),
        CompressedChange = "compressed_change" ("thay đổi được nén riêng không được chấp nhận", "separately compressed changes are not accepted"),
        DuplicateChange = "duplicate_change" ("cùng một thay đổi được gửi cho hai hồ sơ", "the same change was sent for two records"),
        BadChange = "bad_change" ("một thay đổi bị hỏng hoặc không đọc được", "a change is damaged or unreadable"),
        BadRecordId = "bad_record_id" ("mã hồ sơ không hợp lệ", "invalid record id"),
        Invalid = "invalid" ("hồ sơ chưa hợp lệ", "the record is not valid"),
        ForeignActor = "foreign_actor" ("thay đổi được ký bởi thiết bị khác", "the changes were made under another device's identity"),
        MissingDependencies = "missing_dependencies" ("thiếu các thay đổi trước đó của hồ sơ này", "earlier changes of this record are missing"),
        BadCounter = "bad_counter" ("thay đổi không nối tiếp phiên bản mà thiết bị đã có", "the change does not follow the version the device had"),
        UnknownKind = "unknown_kind" ("loại hồ sơ không được hỗ trợ", "this kind of record is not supported"),
        Unreadable = "unreadable" ("hồ sơ không đọc được theo đúng mẫu", "the record does not read as its kind"),
        UnknownFields = "unknown_fields" ("hồ sơ chứa trường không thuộc mẫu", "the record holds fields its kind does not have"),
        RecordTooLarge = "record_too_large" ("hồ sơ quá lớn; hãy rút ngắn nội dung hoặc bớt ảnh", "the record is too large; shorten it or use fewer photos"),
        NotAllowedForRole = "not_allowed_for_role" ("vai trò của bạn không được phép ghi loại hồ sơ này", "your role may not write this kind of record"),
        OutOfScope = "out_of_scope" ("hồ sơ thuộc địa bàn không được giao cho bạn", "the record belongs to an area not assigned to you"),
        ReviewedRecordUnknown = "reviewed_record_unknown" ("hồ sơ được duyệt không có trên máy chủ", "the reviewed record is not on the server"),
        AuthorMismatch = "author_mismatch" ("người ghi của hồ sơ không khớp với thiết bị", "the record's author does not match the device"),
        KindChanged = "kind_changed" ("không được đổi loại hồ sơ", "a record cannot change its kind"),
        ReviewImmutable = "review_immutable" ("quyết định duyệt đã ghi thì không sửa được; hãy duyệt lại bằng quyết định mới", "a review decision cannot be changed; make a new decision instead"),
        ReviewerMismatch = "reviewer_mismatch" ("người duyệt phải là chính người dùng thiết bị này", "the reviewer must be the person using this device"),
        ReviewTime = "review_time" ("thời điểm duyệt không khớp với đồng hồ máy chủ; hãy kiểm tra ngày giờ của máy và duyệt lại", "the review's time does not match the server's clock; check the phone's date and review again"),
        NotAllowedToSubmit = "not_allowed_to_submit" ("chỉ người ghi hồ sơ hoặc trưởng ấp/khu vực mới được gửi duyệt hồ sơ này", "only the record's author or the area head may send this record for review"),
        RequestTimeout = "request_timeout" ("yêu cầu quá lâu; hãy thử lại khi sóng tốt hơn", "the request took too long; try again with a better signal"),
        Revoked = "revoked" ("điện thoại này đã bị thu hồi; hãy xin cán bộ xã mã đăng ký mới. Bản ghi chưa gửi vẫn còn trên máy và sẽ được gửi sau khi đăng ký lại", "this phone was revoked; ask commune staff for a new enrolment code. Records not yet sent stay on the phone and go out after enrolling again"),
        Erased = "erased" ("dữ liệu cá nhân của hồ sơ này đã được xoá theo yêu cầu; bản sửa trên máy không được gửi, máy nhận bản đã xoá", "this record's personal data was erased on request; the edit on this phone is not sent, and the phone takes the erased version"),
        /// A code this version does not know (a newer server).
        Unknown = "unknown" ("lỗi không xác định", "unknown error"),
    }
}

impl ErrorCode {
    /// The code of a server answer; one this version does not know is `Unknown`.
    pub fn of(code: &str) -> ErrorCode {
        ErrorCode::parse(code).unwrap_or(ErrorCode::Unknown)
    }
}

impl From<crate::model::Denial> for ErrorCode {
    fn from(d: crate::model::Denial) -> Self {
        d.code()
    }
}
