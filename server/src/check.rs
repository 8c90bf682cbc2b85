//! The server check: each record's pushed changes are applied to a fork of the server's copy,
//! the result is read back as its typed record and judged with the core's validation and the
//! sender's role and scope (judged on the value before the change). Accepted changes go to the
//! log with an audit row in the same transaction; refused ones come back with reasons.

use crate::storage::{Accepted, Device, RecordRow, Storage, StorageResult, SyncTx};
use automerge::{Change, ReadDoc};
use sachxanh_core::document::RecordDoc;
use sachxanh_core::i18n::Message;
use sachxanh_core::model::review::derive_status;
use sachxanh_core::model::{AnyRecord, Context, Lifecycle, Meta};
use sachxanh_core::sync::protocol::{encode, PushResponse, Refusal};
use sachxanh_core::{FieldError, Reference};

/// A refusal before it is sent: code, message, broken rules.
struct Deny(&'static str, Message, Vec<FieldError>);

impl Deny {
    fn simple(code: &'static str, vi: &str, en: &str) -> Self {
        Deny(code, Message::new(vi, en), vec![])
    }
}

/// Processes one push batch; returns the encoded answer (stored for idempotency).
pub fn process_push(
    storage: &dyn Storage,
    reference: &Reference,
    device: &Device,
    batch: &str,
    records: Vec<(String, Vec<Change>)>,
) -> StorageResult<Vec<u8>> {
    let mut tx = storage.begin()?;
    if let Some(answer) = tx.batch_answer(&device.id, batch)? {
        return Ok(answer);
    }
    let mut response = PushResponse {
        accepted: vec![],
        refused: vec![],
    };
    for (id, changes) in records {
        let hashes: Vec<String> = changes.iter().map(|c| c.hash().to_string()).collect();
        match check_record(tx.as_mut(), reference, device, &id, changes)? {
            Ok(()) => response.accepted.extend(hashes),
            Err(Deny(code, message, fields)) => {
                tracing::info!(record = %id, device = %device.id, code, "refused changes");
                response.refused.push(Refusal {
                    record_id: id,
                    hashes,
                    code: code.to_owned(),
                    message,
                    fields,
                })
            }
        }
    }
    let answer = encode(&response);
    tx.save_batch_answer(&device.id, batch, &answer)?;
    tx.commit()?;
    Ok(answer)
}

fn check_record(
    tx: &mut dyn SyncTx,
    reference: &Reference,
    device: &Device,
    id: &str,
    changes: Vec<Change>,
) -> StorageResult<Result<(), Deny>> {
    // The server's copy, read once; the push is tried on a fork of it.
    let existing = match tx.snapshot(id)? {
        Some(bytes) => Some(
            RecordDoc::load([bytes.as_slice()], &automerge::ActorId::random())
                .map_err(|e| crate::storage::StorageError::Database(e.to_string()))?,
        ),
        None => None,
    };
    let fresh: Vec<Change> = changes
        .into_iter()
        .filter(|c| {
            existing
                .as_ref()
                .is_none_or(|d| d.automerge().get_change_by_hash(&c.hash()).is_none())
        })
        .collect();
    if fresh.is_empty() {
        // Everything already held: a re-sent change is a no-op.
        return Ok(Ok(()));
    }
    // Automerge actor ids are bound to the enrolled device.
    if fresh
        .iter()
        .any(|c| device.actor_id.as_deref() != Some(c.actor_id().to_hex_string().as_str()))
    {
        return Ok(Err(Deny::simple(
            "foreign_actor",
            "thay đổi được ký bởi thiết bị khác",
            "the changes were made under another device's identity",
        )));
    }
    let before: Option<(Meta, AnyRecord)> = match &existing {
        Some(d) => match (d.meta(), d.record()) {
            (Ok(m), Ok(r)) => Some((m, r)),
            _ => None,
        },
        None => None,
    };
    let mut fork = match &existing {
        Some(d) => d.fork(),
        None => RecordDoc::load(std::iter::empty(), &automerge::ActorId::random())
            .map_err(|e| crate::storage::StorageError::Database(e.to_string()))?,
    };
    if fork.apply(fresh.clone()).is_err() || fork.has_missing_deps() {
        return Ok(Err(Deny::simple(
            "missing_dependencies",
            "thiếu các thay đổi trước đó của hồ sơ này",
            "earlier changes of this record are missing",
        )));
    }
    if fork.kind().is_none() {
        return Ok(Err(Deny::simple(
            "unknown_kind",
            "loại hồ sơ không được hỗ trợ",
            "this kind of record is not supported",
        )));
    }
    let (meta, after) = match (fork.meta(), fork.record()) {
        (Ok(m), Ok(r)) => (m, r),
        _ => {
            return Ok(Err(Deny::simple(
                "unreadable",
                "hồ sơ không đọc được theo đúng mẫu",
                "the record does not read as its kind",
            )))
        }
    };
    let author_ok = match &before {
        None => meta.author == device.person.id,
        Some((m, _)) => m.author == meta.author,
    };
    if !author_ok {
        let d = sachxanh_core::model::Denial::AuthorMismatch;
        return Ok(Err(Deny(d.as_str(), d.message(), vec![])));
    }
    let ctx = Context::new(reference);
    let errors = after.check(&ctx);
    if !errors.is_empty() {
        return Ok(Err(Deny(
            "invalid",
            Message::new("hồ sơ chưa hợp lệ", "the record is not valid"),
            errors,
        )));
    }
    // A review names a record the server holds, at heads that record really had.
    let mut reviewed: Option<RecordRow> = None;
    if let AnyRecord::Review(r) = &after {
        reviewed = tx.record(&r.record_id)?;
        if let Some(target) = &reviewed {
            let known = tx
                .snapshot(&target.id)?
                .and_then(|b| RecordDoc::load([b.as_slice()], &automerge::ActorId::random()).ok());
            let heads_known = known.is_some_and(|d| {
                r.record_heads.iter().all(|h| {
                    h.parse::<automerge::ChangeHash>()
                        .ok()
                        .and_then(|h| d.automerge().get_change_by_hash(&h))
                        .is_some()
                })
            });
            if !heads_known {
                return Ok(Err(Deny(
                    "invalid",
                    Message::new("hồ sơ chưa hợp lệ", "the record is not valid"),
                    vec![FieldError::new(
                        "record_heads",
                        sachxanh_core::Rule::InvalidHash,
                    )],
                )));
            }
        }
    }
    let reviewed_area = match &after {
        AnyRecord::Review(_) => reviewed.as_ref().map(|t| t.area_id.as_deref()),
        _ => None,
    };
    // Records without an area (reviews) carry their target's, so scopes and pulls follow it.
    let area_id = match &after {
        AnyRecord::Review(_) => reviewed.as_ref().and_then(|t| t.area_id.clone()),
        other => other.area_id().map(str::to_owned),
    };
    let scope = device.person.scope();
    if let Err(d) = scope.authorize(
        reference,
        before.as_ref().map(|(_, r)| r),
        &after,
        reviewed_area,
    ) {
        return Ok(Err(Deny(d.as_str(), d.message(), vec![])));
    }
    let commune_id = area_id
        .as_deref()
        .and_then(|a| reference.commune_of_area(a))
        .map(|c| c.id.clone());
    let heads = fork.heads();
    let review_status = match &after {
        AnyRecord::Review(_) => "approved".to_owned(),
        _ => derive_status(
            meta.state == Lifecycle::Submitted,
            &heads,
            &tx.reviews_of(id)?,
        )
        .as_str()
        .to_owned(),
    };
    let row = RecordRow {
        id: id.to_owned(),
        kind: after.kind().as_str().to_owned(),
        area_id,
        commune_id,
        author: meta.author.clone(),
        created_at: meta.created_at,
        state: meta.state.as_str().to_owned(),
        heads,
        review_status,
        data: serde_json::to_value(&after)
            .map(|v| v["data"].clone())
            .unwrap_or_default(),
        updated_seq: 0,
    };
    let accepted = Accepted {
        row,
        changes: fresh
            .iter()
            .map(|c| (c.hash().to_string(), c.raw_bytes().to_vec()))
            .collect(),
        snapshot: fork.save(),
        action: match (&after, &before) {
            (AnyRecord::Review(_), _) => "review",
            (_, None) => "create",
            (_, Some(_)) => "edit",
        },
    };
    tx.append(device, &accepted)?;
    if let (AnyRecord::Review(_), Some(target)) = (&after, &reviewed) {
        refresh_status(tx, target)?;
    }
    Ok(Ok(()))
}

/// A reviewed record's standing after a new review, with the core's rule.
fn refresh_status(tx: &mut dyn SyncTx, target: &RecordRow) -> StorageResult<()> {
    let status = derive_status(
        target.state == Lifecycle::Submitted.as_str(),
        &target.heads,
        &tx.reviews_of(&target.id)?,
    );
    tx.set_review_status(&target.id, status.as_str())
}

/// Why a review from the dashboard was not recorded.
#[derive(Debug)]
pub enum ReviewRefused {
    NotFound,
    /// The record changed since the reviewer opened it: they must look again.
    Changed,
    Invalid(Vec<FieldError>),
    Denied(sachxanh_core::model::Denial),
}

/// A review made in the dashboard: a review record authored by the staff member, pinned to the
/// heads they looked at, appended to the log like any phone's change so phones pull it.
pub fn review_from_dashboard(
    storage: &dyn Storage,
    reference: &Reference,
    device: &Device,
    record_id: &str,
    seen_heads: &[String],
    decision: sachxanh_core::model::Decision,
    reason: &str,
) -> StorageResult<Result<String, ReviewRefused>> {
    use sachxanh_core::model::{RecordBody, Review};
    let mut tx = storage.begin()?;
    let Some(target) = tx.record(record_id)?.filter(|r| r.kind != "review") else {
        return Ok(Err(ReviewRefused::NotFound));
    };
    let mut review = Review {
        record_id: record_id.to_owned(),
        record_heads: target.heads.clone(),
        decision,
        reason: reason.to_owned(),
        reviewer: device.person.id.clone(),
    };
    review.normalize();
    let scope = device.person.scope();
    if let Err(d) = scope.authorize(
        reference,
        None,
        &AnyRecord::Review(review.clone()),
        Some(target.area_id.as_deref()),
    ) {
        return Ok(Err(ReviewRefused::Denied(d)));
    }
    let mut seen = seen_heads.to_vec();
    seen.sort();
    if seen != target.heads {
        return Ok(Err(ReviewRefused::Changed));
    }
    let errors = review.check(&Context::new(reference));
    if !errors.is_empty() {
        return Ok(Err(ReviewRefused::Invalid(errors)));
    }
    let id = uuid::Uuid::now_v7().to_string();
    let meta = Meta {
        author: device.person.id.clone(),
        created_at: chrono::Utc::now().timestamp_millis(),
        state: Lifecycle::Submitted,
    };
    let (doc, change) = RecordDoc::create(&automerge::ActorId::random(), &id, &meta, &review)
        .map_err(|e| crate::storage::StorageError::Database(e.to_string()))?;
    let row = RecordRow {
        id: id.clone(),
        kind: "review".into(),
        area_id: target.area_id.clone(),
        commune_id: target.commune_id.clone(),
        author: meta.author.clone(),
        created_at: meta.created_at,
        state: meta.state.as_str().into(),
        heads: doc.heads(),
        review_status: "approved".into(),
        data: serde_json::to_value(&review).unwrap_or_default(),
        updated_seq: 0,
    };
    tx.append(
        device,
        &Accepted {
            row,
            changes: vec![(change.hash().to_string(), change.raw_bytes().to_vec())],
            snapshot: doc.save(),
            action: "review",
        },
    )?;
    refresh_status(tx.as_mut(), &target)?;
    tx.commit()?;
    Ok(Ok(id))
}
