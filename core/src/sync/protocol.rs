//! The sync wire format, shared by the device's client and the server so they cannot drift.
//!
//! Push and pull bodies are CBOR (binary: Automerge changes travel as bytes, not base64), deflated.
//! Errors travel as small JSON bodies with a stable code and a message in both languages.
//! Every limit here is enforced on the server before any work, and respected by the client.

use super::change_bytes;
use crate::error::{ErrorCode, FieldError};
use crate::i18n::Message;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::io::{Read, Write};

/// Media type of push and pull bodies.
pub const CONTENT_TYPE: &str = "application/vnd.sachxanh.sync.v1+cbor+deflate";

/// Bounds on what one request may carry, in bytes and in what the bytes describe. Every
/// expansion of untrusted bytes (the body's deflate, each change's columns) has a ceiling that
/// is checked before the expansion, not after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Compressed body bytes.
    pub max_body: usize,
    /// Bytes after inflating: guards against a small body that inflates to gigabytes.
    pub max_inflated: usize,
    pub max_records: usize,
    pub max_changes_per_record: usize,
    /// Changes in one push, all records together.
    pub max_changes: usize,
    pub max_ops_per_change: usize,
    /// Operations in one push, all changes together.
    pub max_ops: usize,
    /// Bytes of one change: bounds what one stored log entry (and so one pulled entry) weighs.
    pub max_change_bytes: usize,
    /// Bytes of changes a client puts in one push; keeps requests short on 2G.
    pub target_push_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // A client's push is at most `target_push_bytes` plus one change: well under these.
            max_body: 1 << 20,
            max_inflated: 4 << 20,
            max_records: 500,
            max_changes_per_record: 2_000,
            max_changes: 5_000,
            max_ops_per_change: 10_000,
            max_ops: 100_000,
            max_change_bytes: 256 << 10,
            target_push_bytes: 256 << 10,
        }
    }
}

/// All changes of one record in a push, or a pulled page, or a record's full server version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordChanges {
    pub id: String,
    pub changes: Vec<ByteBuf>,
}

/// The device sends its outbox. `batch` is the idempotency key: a batch sent again after a lost
/// response gets the first answer back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub batch: String,
    pub records: Vec<RecordChanges>,
}

/// One record's changes the server would not take, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    pub record_id: String,
    /// Hashes of the refused changes (the device's changes of this record in the batch).
    pub hashes: Vec<String>,
    /// Stable code, e.g. `invalid`, `out_of_scope`, `foreign_actor`.
    pub code: String,
    pub message: Message,
    /// For `invalid`: the broken rules, field by field.
    pub fields: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Hashes the server now holds (accepted now or before): the device may forget them.
    /// Empty when `accepted_rest` says which they are.
    pub accepted: Vec<String>,
    /// Every change of the batch whose record is not refused is accepted: sent instead of
    /// `accepted` to a device that asked (`?acks=rest`, [`ACKS_REST`]), which knows its batch.
    /// 32 bytes a change that never compress. Absent from older servers' answers.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accepted_rest: bool,
    pub refused: Vec<Refusal>,
    /// What the server took but wants the person to know (a date in a closed period). Absent
    /// from older servers' answers.
    #[serde(default)]
    pub notices: Vec<Notice>,
}

/// Something the server says of a record it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Notice {
    pub record_id: String,
    /// Stable code, e.g. `closed_period`.
    pub code: String,
    pub message: Message,
}

/// One page of the server's log after the device's cursor, within its scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub records: Vec<RecordChanges>,
    /// Pass back as `cursor` for the next page.
    pub cursor: u64,
    /// Whether more entries follow right away.
    pub more: bool,
    /// Records whose personal data was erased: the phone drops its copy (and any edit of it
    /// waiting to be sent) before taking this page's changes of them, which are a new document.
    /// Absent from older servers' pages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaced: Vec<String>,
    /// The person's role and areas as staff set them now: a person moved to other areas
    /// learns it at the next sync. Absent from older servers' pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment: Option<Assignment>,
    /// The commune's areas, when the phone's copy (its `sachxanh-areas-version` header) is
    /// not the server's latest. Absent from older servers' pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub areas: Option<AreasUpdate>,
}

/// A commune's areas as GeoJSON ([`crate::Reference::to_geojson`]), with their version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreasUpdate {
    pub version: u64,
    pub geojson: String,
}

/// Who the device's person is, as the server knows it at the time of a pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub role: crate::model::Role,
    pub areas: Vec<String>,
}

/// The push query by which a device asks for [`PushResponse::accepted_rest`].
pub const ACKS_REST: &str = "acks=rest";

/// Headers a phone sends with each pull, so staff see what each phone last reported: its
/// app's version and how many records it still holds unsent.
pub const APP_VERSION_HEADER: &str = "sachxanh-app-version";
pub const WAITING_HEADER: &str = "sachxanh-records-waiting";
/// The version of the areas the phone holds (0: none from the server yet).
pub const AREAS_VERSION_HEADER: &str = "sachxanh-areas-version";

/// How much of a photo the server holds (JSON): `GET /api/v1/photos/{sha256}/upload` and the
/// answer to each `PUT` of a part. An upload resumes at `received`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoUploadStatus {
    pub received: u64,
    /// The server holds the whole photo and checked its SHA-256.
    pub complete: bool,
}

/// Errors as the server sends them (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: Message,
}

/// What can be wrong with a request body.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WireError {
    #[error("body larger than {limit} bytes")]
    BodyTooLarge { limit: usize },
    #[error("body inflates past {limit} bytes")]
    InflatedTooLarge { limit: usize },
    #[error("unreadable body: {0}")]
    Malformed(String),
    #[error("more than {max} records in one batch")]
    TooManyRecords { max: usize },
    #[error("more than {max} changes for one record")]
    TooManyChanges { max: usize },
    #[error("a change has more than {max} operations")]
    TooManyOps { max: usize },
    #[error("more than {max} operations in one push")]
    TooManyOpsInPush { max: usize },
    #[error("more than {max} changes in one push")]
    TooManyChangesInPush { max: usize },
    #[error("a change is larger than {max} bytes")]
    ChangeTooLarge { max: usize },
    #[error("compressed change chunks are not accepted")]
    CompressedChange,
    #[error("the same change under two records")]
    DuplicateChange,
    #[error("unreadable change: {0}")]
    BadChange(String),
    #[error("invalid record id")]
    BadRecordId,
}

impl From<change_bytes::Refused> for WireError {
    fn from(r: change_bytes::Refused) -> Self {
        match r {
            change_bytes::Refused::TooLarge { max } => WireError::ChangeTooLarge { max },
            change_bytes::Refused::Compressed => WireError::CompressedChange,
            change_bytes::Refused::TooManyRows { max } => {
                WireError::TooManyOps { max: max as usize }
            }
            change_bytes::Refused::Malformed(what) => WireError::BadChange(what.to_owned()),
        }
    }
}

impl WireError {
    pub fn error_code(&self) -> ErrorCode {
        match self {
            WireError::BodyTooLarge { .. } => ErrorCode::BodyTooLarge,
            WireError::InflatedTooLarge { .. } => ErrorCode::InflatedTooLarge,
            WireError::Malformed(_) => ErrorCode::Malformed,
            WireError::TooManyRecords { .. } => ErrorCode::TooManyRecords,
            WireError::TooManyChanges { .. } => ErrorCode::TooManyChanges,
            WireError::TooManyOps { .. } => ErrorCode::TooManyOperations,
            WireError::TooManyOpsInPush { .. } => ErrorCode::TooManyOperationsInPush,
            WireError::TooManyChangesInPush { .. } => ErrorCode::TooManyChangesInPush,
            WireError::ChangeTooLarge { .. } => ErrorCode::ChangeTooLarge,
            WireError::CompressedChange => ErrorCode::CompressedChange,
            WireError::DuplicateChange => ErrorCode::DuplicateChange,
            WireError::BadChange(_) => ErrorCode::BadChange,
            WireError::BadRecordId => ErrorCode::BadRecordId,
        }
    }

    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code's words, with the limit that was passed where there is one.
    pub fn message(&self) -> Message {
        let at_most = |m: Message, max: usize| {
            Message::new(
                format!("{} (tối đa {max})", m.vi),
                format!("{} (at most {max})", m.en),
            )
        };
        let m = self.error_code().label();
        match self {
            WireError::BodyTooLarge { limit } | WireError::InflatedTooLarge { limit } => {
                at_most(m, *limit)
            }
            WireError::TooManyRecords { max }
            | WireError::TooManyChanges { max }
            | WireError::TooManyOps { max }
            | WireError::TooManyOpsInPush { max }
            | WireError::TooManyChangesInPush { max } => at_most(m, *max),
            WireError::ChangeTooLarge { max } => Message::new(
                format!("{} (mỗi thay đổi tối đa {} KB)", m.vi, max / 1024),
                format!("{} (each change at most {} KB)", m.en, max / 1024),
            ),
            _ => m,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().into(),
            message: self.message(),
        }
    }
}

/// Serialises and deflates a message.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut cbor = vec![];
    // Writing CBOR into a Vec cannot fail for our plain data types.
    ciborium::into_writer(value, &mut cbor).expect("CBOR into memory");
    let mut z = flate2::write::DeflateEncoder::new(vec![], flate2::Compression::default());
    z.write_all(&cbor).expect("deflate into memory");
    z.finish().expect("deflate into memory")
}

/// Inflates (never past `limits.max_inflated`) and parses a message.
pub fn decode<T: DeserializeOwned>(body: &[u8], limits: &Limits) -> Result<T, WireError> {
    if body.len() > limits.max_body {
        return Err(WireError::BodyTooLarge {
            limit: limits.max_body,
        });
    }
    let mut inflated = vec![];
    flate2::read::DeflateDecoder::new(body)
        .take(limits.max_inflated as u64 + 1)
        .read_to_end(&mut inflated)
        .map_err(|e| WireError::Malformed(e.to_string()))?;
    if inflated.len() > limits.max_inflated {
        return Err(WireError::InflatedTooLarge {
            limit: limits.max_inflated,
        });
    }
    ciborium::from_reader(inflated.as_slice()).map_err(|e| WireError::Malformed(e.to_string()))
}

/// One record of a push after the wire checks: its changes, parsed and de-duplicated, or why
/// this record alone is refused (the rest of the batch goes on).
pub type CheckedRecord = (String, Result<Vec<automerge::Change>, WireError>);

/// A pulled record as the server sends it to a phone that asked for a compact pull
/// (`?compact=true`): each change without the header the phone makes again
/// ([`change_bytes::without_header`]), and a record whose first change creates it named only by
/// that change (the id travels once instead of twice). [`whole_changes`] makes the changes whole
/// again; an older phone never asks and gets every change whole.
pub fn compact(mut r: RecordChanges) -> RecordChanges {
    let creates = r
        .changes
        .first()
        .and_then(|b| change_bytes::parse(b).ok())
        .and_then(|c| change_bytes::created_id(&c));
    if creates.as_deref() == Some(r.id.as_str()) {
        r.id.clear();
    }
    for c in &mut r.changes {
        if let Some(body) = change_bytes::without_header(c) {
            *c = ByteBuf::from(body.to_vec());
        }
    }
    r
}

/// A pulled record's changes whole again, compact or not. A record without an id (compact) is
/// named by its first change: the store reads the id that change gave the document.
pub fn whole_changes(r: &RecordChanges) -> Vec<Vec<u8>> {
    r.changes
        .iter()
        .map(|c| change_bytes::with_header(c).into_owned())
        .collect()
}

/// Checks a push against the limits and parses every change, before anything is applied.
/// Every change's bytes are measured ([`change_bytes::inspect`]) before Automerge expands them,
/// and the whole push's operations are counted before any is parsed. A record whose own changes
/// break a limit is refused on its own; a push that breaks a limit of the whole batch is refused
/// whole.
pub fn check_push(req: &PushRequest, limits: &Limits) -> Result<Vec<CheckedRecord>, WireError> {
    if req.records.len() > limits.max_records {
        return Err(WireError::TooManyRecords {
            max: limits.max_records,
        });
    }
    if uuid::Uuid::parse_str(&req.batch).is_err() {
        return Err(WireError::Malformed("batch id is not a UUID".into()));
    }
    let changes: usize = req.records.iter().map(|r| r.changes.len()).sum();
    if changes > limits.max_changes {
        return Err(WireError::TooManyChangesInPush {
            max: limits.max_changes,
        });
    }
    let mut seen_ids = std::collections::HashSet::new();
    let mut measured = Vec::with_capacity(req.records.len());
    let mut ops = 0u64;
    for r in &req.records {
        if uuid::Uuid::parse_str(&r.id).is_err() || !seen_ids.insert(r.id.as_str()) {
            return Err(WireError::BadRecordId);
        }
        let shape = if r.changes.len() > limits.max_changes_per_record {
            Err(WireError::TooManyChanges {
                max: limits.max_changes_per_record,
            })
        } else {
            r.changes
                .iter()
                .map(|b| {
                    change_bytes::inspect(
                        b,
                        limits.max_change_bytes,
                        limits.max_ops_per_change as u64,
                    )
                })
                .try_fold(0u64, |sum, s| Ok::<_, change_bytes::Refused>(sum + s?.rows))
                .map_err(WireError::from)
        };
        if let Ok(n) = shape {
            ops += n;
        }
        measured.push(shape.map(|_| ()));
    }
    if ops > limits.max_ops as u64 {
        return Err(WireError::TooManyOpsInPush {
            max: limits.max_ops,
        });
    }
    let mut seen_hashes = std::collections::HashSet::new();
    Ok(req
        .records
        .iter()
        .zip(measured)
        .map(|(r, measured)| {
            let parsed = measured.and_then(|()| {
                let mut out = Vec::with_capacity(r.changes.len());
                let mut mine = std::collections::HashSet::new();
                for b in &r.changes {
                    let c = change_bytes::parse(b).map_err(WireError::BadChange)?;
                    if c.len() > limits.max_ops_per_change {
                        return Err(WireError::TooManyOps {
                            max: limits.max_ops_per_change,
                        });
                    }
                    // The same change twice in a record is sent once; under two records it
                    // is a lie about one of them.
                    if mine.insert(c.hash()) {
                        if !seen_hashes.insert(c.hash()) {
                            return Err(WireError::DuplicateChange);
                        }
                        out.push(c);
                    }
                }
                Ok(out)
            });
            (r.id.clone(), parsed)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_bombs() {
        let req = PushRequest {
            batch: uuid::Uuid::now_v7().to_string(),
            records: vec![RecordChanges {
                id: uuid::Uuid::now_v7().to_string(),
                changes: vec![ByteBuf::from(vec![1u8, 2, 3])],
            }],
        };
        let limits = Limits::default();
        let bytes = encode(&req);
        assert_eq!(decode::<PushRequest>(&bytes, &limits).unwrap(), req);
        // A small body that inflates past the limit is refused without inflating it all.
        let zeros = vec![0u8; limits.max_inflated + 4096];
        let mut z = flate2::write::DeflateEncoder::new(vec![], flate2::Compression::fast());
        z.write_all(&zeros).unwrap();
        let bomb = z.finish().unwrap();
        assert!(bomb.len() < limits.max_body);
        assert_eq!(
            decode::<PushRequest>(&bomb, &limits),
            Err(WireError::InflatedTooLarge {
                limit: limits.max_inflated
            })
        );
        assert!(matches!(
            decode::<PushRequest>(b"\x00\x01garbage", &limits),
            Err(WireError::Malformed(_))
        ));
        // Unreadable change bytes are caught before anything is applied, for that record.
        let checked = check_push(&req, &limits).unwrap();
        assert!(matches!(checked[0].1, Err(WireError::BadChange(_))));
    }

    #[test]
    fn compact_records_expand_to_the_same_changes() {
        use crate::document::RecordDoc;
        use crate::model::{Household, Lifecycle, Meta};
        let actor = automerge::ActorId::random();
        let id = uuid::Uuid::now_v7().to_string();
        let meta = Meta {
            author: "p1".into(),
            created_at: 1_700_000_000_000,
            state: Lifecycle::Draft,
        };
        let old = Household {
            area_id: "a".into(),
            address: "Số 2".into(),
            head_name: "Đỗ Thị Mẫu".into(),
            members: 3,
            location: None,
            note: String::new(),
        };
        let new = Household {
            members: 4,
            ..old.clone()
        };
        let (mut doc, created) = RecordDoc::create(&actor, &id, &meta, &old).unwrap();
        let edited = doc
            .edit(&old, &new, &[], None, 1_700_000_001_000)
            .unwrap()
            .unwrap();
        let whole = vec![created.raw_bytes().to_vec(), edited.raw_bytes().to_vec()];
        let record = |id: &str, changes: &[Vec<u8>]| RecordChanges {
            id: id.to_owned(),
            changes: changes.iter().cloned().map(ByteBuf::from).collect(),
        };
        // The id travels once (in the creating change) and each change 8 bytes lighter.
        let sent = compact(record(&id, &whole));
        assert_eq!(sent.id, "");
        for (c, w) in sent.changes.iter().zip(&whole) {
            assert_eq!(c.len() + 8, w.len());
        }
        assert_eq!(whole_changes(&sent), whole);
        // A page that starts with an edit keeps the record's id.
        let later = compact(record(&id, &whole[1..]));
        assert_eq!(later.id, id);
        assert_eq!(whole_changes(&later), whole[1..].to_vec());
        // A record named by another id than its document's keeps its id too.
        let other = uuid::Uuid::now_v7().to_string();
        assert_eq!(compact(record(&other, &whole)).id, other);
        // Bytes whose header cannot be made again exactly travel whole.
        let mut odd = whole[1].clone();
        odd[4] ^= 1;
        assert!(change_bytes::without_header(&odd).is_none());
    }
}
