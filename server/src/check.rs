//! The server check: each record's pushed changes are applied to a fork of the server's copy,
//! the result is read back as its typed record and judged with the core's validation and the
//! sender's role and scope (judged on the stored version and the new one). Accepted changes go
//! to the log with an audit row in the same transaction; refused ones come back with reasons.
//!
//! What a change may be at all is checked before it is applied: bound to the sender's device,
//! building on what it claims to have seen (no counter inflated to win conflicts it never saw),
//! and, applied, a document holding exactly its typed record within a size ceiling.

use crate::error::ApiError;
use crate::storage::{
    Accepted, BatchAnswer, Device, RecordRow, Storage, StorageError, StorageResult, SyncTx,
};
use automerge::{Change, ReadDoc};
use axum::http::StatusCode;
use sachxanh_core::document::RecordDoc;
use sachxanh_core::error::ErrorCode;
use sachxanh_core::i18n::Message;
use sachxanh_core::model::permission::{check_review_time, Version};
use sachxanh_core::model::review::{derive_status, ReviewFact};
use sachxanh_core::model::{
    AnyRecord, AuditAction, Context, Day, Denial, HouseholdDuplicate, Lifecycle, Meta, RecordKind,
    ReviewStatus,
};
use sachxanh_core::report::period::closed_period_notice;
use sachxanh_core::sync::protocol::{
    encode, CheckedRecord, Notice, PushRequest, PushResponse, Refusal,
};
use sachxanh_core::{FieldError, Reference};
use sha2::{Digest, Sha256};

/// Largest document one record may grow to on the server (all its history): a record is a
/// form's worth of values, so this is generous, and it bounds what one phone can make every
/// other phone of its area download.
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;

/// A refusal before it is sent: code, message, broken rules.
struct Deny(ErrorCode, Message, Vec<FieldError>);

impl From<ErrorCode> for Deny {
    fn from(code: ErrorCode) -> Self {
        Deny(code, code.label(), vec![])
    }
}

impl From<Denial> for Deny {
    fn from(d: Denial) -> Self {
        d.code().into()
    }
}

fn invalid(fields: Vec<FieldError>) -> Deny {
    Deny(ErrorCode::Invalid, ErrorCode::Invalid.label(), fields)
}

/// What a batch carried: its records and their changes' hashes, in order. A batch id sent
/// again with other contents is a different request under a reused key.
fn fingerprint(req: &PushRequest) -> String {
    let mut h = Sha256::new();
    for r in &req.records {
        h.update(r.id.as_bytes());
        for c in &r.changes {
            h.update(Sha256::digest(c));
        }
        h.update(b";");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Processes one push batch; returns the encoded answer (stored for idempotency).
pub fn process_push(
    storage: &dyn Storage,
    reference: &Reference,
    device: &Device,
    req: &PushRequest,
    records: Vec<CheckedRecord>,
    acks_rest: bool,
) -> Result<Vec<u8>, ApiError> {
    let print = fingerprint(req);
    let mut tx = storage.begin(&device.person.commune_id)?;
    if let Some(done) = tx.batch_answer(&device.id, &req.batch)? {
        if done.fingerprint.is_empty() || done.fingerprint == print {
            return Ok(done.answer);
        }
        return Err(ApiError::of(StatusCode::CONFLICT, ErrorCode::BatchReused));
    }
    let mut response = PushResponse {
        accepted: vec![],
        accepted_rest: false,
        refused: vec![],
        notices: vec![],
    };
    let now = chrono::Utc::now().timestamp_millis();
    for (id, checked) in records {
        let verdict = match checked {
            Ok(changes) => {
                let hashes: Vec<String> = changes.iter().map(|c| c.hash().to_string()).collect();
                check_record(tx.as_mut(), reference, device, &id, changes, now)?
                    .map(|notice| {
                        if let Some(message) = notice {
                            response.notices.push(Notice {
                                record_id: id.clone(),
                                code: "closed_period".into(),
                                message,
                            });
                        }
                        hashes.clone()
                    })
                    .map_err(|d| (d, hashes))
            }
            Err(wire) => Err((Deny(wire.error_code(), wire.message(), vec![]), vec![])),
        };
        match verdict {
            Ok(hashes) => response.accepted.extend(hashes),
            Err((Deny(code, message, fields), hashes)) => {
                tracing::info!(record = %id, device = %device.id, code = code.as_str(), "refused changes");
                response.refused.push(Refusal {
                    record_id: id,
                    hashes,
                    code: code.as_str().to_owned(),
                    message,
                    fields,
                })
            }
        }
    }
    if acks_rest {
        response.accepted.clear();
        response.accepted_rest = true;
    }
    let answer = encode(&response);
    tx.save_batch_answer(
        &device.id,
        &req.batch,
        &BatchAnswer {
            answer: answer.clone(),
            fingerprint: print,
        },
    )?;
    tx.commit()?;
    Ok(answer)
}

fn load(bytes: &[u8]) -> StorageResult<RecordDoc> {
    RecordDoc::load([bytes], &automerge::ActorId::random())
        .map_err(|e| StorageError::Database(e.to_string()))
}

/// The reviewed record of a review, checked: it exists, is not itself a review, and had the
/// named heads. Its area is the review's.
fn reviewed_target(
    tx: &mut dyn SyncTx,
    review: &sachxanh_core::model::Review,
) -> StorageResult<Result<RecordRow, Deny>> {
    let Some(target) = tx
        .record(&review.record_id)?
        .filter(|t| t.kind() != RecordKind::Review)
    else {
        return Ok(Err(Denial::ReviewedRecordUnknown.into()));
    };
    let known = tx.snapshot(&target.id)?.map(|b| load(&b)).transpose()?;
    let heads_known = known.is_some_and(|d| {
        review.record_heads.iter().all(|h| {
            h.parse::<automerge::ChangeHash>()
                .ok()
                .and_then(|h| d.automerge().get_change_by_hash(&h))
                .is_some()
        })
    });
    if !heads_known {
        return Ok(Err(invalid(vec![FieldError::new(
            "record_heads",
            sachxanh_core::Rule::InvalidHash,
        )])));
    }
    Ok(Ok(target))
}

/// The households a duplicate mark names, checked against the server's copies: both are
/// households of the mark's area (which scopes it).
fn marked_households(
    tx: &mut dyn SyncTx,
    mark: &HouseholdDuplicate,
) -> StorageResult<Result<(), Deny>> {
    for id in [&mark.household_id, &mark.kept_id] {
        let known = tx.record(id)?.is_some_and(|r| {
            r.kind() == RecordKind::Household && r.area_id.as_deref() == Some(&mark.area_id)
        });
        if !known {
            return Ok(Err(Denial::ReviewedRecordUnknown.into()));
        }
    }
    Ok(Ok(()))
}

/// Each fresh change builds on what it claims to have seen: a change that depends on nothing
/// only creates a record, and its first operation number follows the highest it depends on —
/// what every honest Automerge writer does. A counter set higher would win, unseen, every
/// concurrent conflict on the fields it writes.
fn honest_counters(fork: &RecordDoc, fresh: &[Change], existed: bool) -> bool {
    let doc = fork.automerge();
    fresh.iter().all(|c| {
        if c.deps().is_empty() && existed {
            return false;
        }
        let seen = c
            .deps()
            .iter()
            .map(|d| {
                doc.get_change_by_hash(d)
                    .map_or(u64::MAX, |dep| dep.max_op())
            })
            .max()
            .unwrap_or(0);
        seen != u64::MAX && c.start_op().get() == seen + 1
    })
}

/// Checks one record's changes and appends them when they are acceptable; what the person
/// should hear of an accepted record comes back with it (a date in a closed report period).
fn check_record(
    tx: &mut dyn SyncTx,
    reference: &Reference,
    device: &Device,
    id: &str,
    changes: Vec<Change>,
    now: i64,
) -> StorageResult<Result<Option<Message>, Deny>> {
    // The server's copy, read once; the push is tried on a fork of it.
    let existing = tx.snapshot(id)?.map(|b| load(&b)).transpose()?;
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
        return Ok(Ok(None));
    }
    // Automerge actor ids are bound to the enrolled device.
    if fresh
        .iter()
        .any(|c| device.actor_id.as_deref() != Some(c.actor_id().to_hex_string().as_str()))
    {
        return Ok(Err(ErrorCode::ForeignActor.into()));
    }
    for c in &fresh {
        // An edit made on top of a history erased on request (an offline phone's) would bring
        // the erased values back: refused, and the phone takes the erased version.
        let on_erased = tx.is_erased_change(&c.hash().to_string())?
            || c.deps()
                .iter()
                .map(|d| tx.is_erased_change(&d.to_string()))
                .collect::<StorageResult<Vec<bool>>>()?
                .contains(&true);
        if on_erased {
            return Ok(Err(ErrorCode::Erased.into()));
        }
        if tx.record_of_change(&c.hash().to_string())?.is_some() {
            return Ok(Err(ErrorCode::DuplicateChange.into()));
        }
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
            .map_err(|e| StorageError::Database(e.to_string()))?,
    };
    if fork.apply(fresh.clone()).is_err() {
        return Ok(Err(ErrorCode::Unreadable.into()));
    }
    if fork.has_missing_deps() {
        return Ok(Err(ErrorCode::MissingDependencies.into()));
    }
    if !honest_counters(&fork, &fresh, existing.is_some()) {
        return Ok(Err(ErrorCode::BadCounter.into()));
    }
    if fork.kind().is_none() {
        return Ok(Err(ErrorCode::UnknownKind.into()));
    }
    let (meta, after) = match (fork.meta(), fork.record()) {
        (Ok(m), Ok(r)) => (m, r),
        _ => return Ok(Err(ErrorCode::Unreadable.into())),
    };
    // A decision, once made, is kept: judged before anything else about it.
    if matches!(before, Some((_, AnyRecord::Review(_)))) {
        return Ok(Err(Denial::ReviewImmutable.into()));
    }
    if !fork.unknown_fields(id).is_ok_and(|extra| extra.is_empty()) {
        return Ok(Err(ErrorCode::UnknownFields.into()));
    }
    let Ok(snapshot) = fork.save_checked() else {
        return Ok(Err(ErrorCode::Unreadable.into()));
    };
    if snapshot.len() > MAX_DOCUMENT_BYTES {
        return Ok(Err(ErrorCode::RecordTooLarge.into()));
    }
    let errors = after.check(&Context::new(reference));
    if !errors.is_empty() {
        return Ok(Err(invalid(errors)));
    }
    // A staff decision's time orders it among others on every phone: within the server's clock.
    if before.is_none() && after.kind().is_staff_decision() {
        if let Err(d) = check_review_time(meta.created_at, now) {
            return Ok(Err(d.into()));
        }
    }
    if let AnyRecord::HouseholdDuplicate(mark) = &after {
        if let Err(d) = marked_households(tx, mark)? {
            return Ok(Err(d));
        }
    }
    // A review is scoped by the record it names, checked against the server's own copy.
    let target = match &after {
        AnyRecord::Review(r) => match reviewed_target(tx, r)? {
            Ok(t) => Some(t),
            Err(d) => return Ok(Err(d)),
        },
        _ => None,
    };
    let stored_row = match &before {
        Some(_) => tx.record(id)?,
        None => None,
    };
    let area_after = match &target {
        Some(t) => t.area_id.clone(),
        None => after.area_id().map(str::to_owned),
    };
    let scope = device.person.scope();
    let before_version = before.as_ref().map(|(m, r)| Version {
        meta: m,
        record: r,
        // The stored row's area: for a review, its target's when it was made.
        area: stored_row.as_ref().and_then(|row| row.area_id.as_deref()),
    });
    if let Err(d) = scope.authorize(
        reference,
        before_version,
        Version {
            meta: &meta,
            record: &after,
            area: area_after.as_deref(),
        },
    ) {
        return Ok(Err(d.into()));
    }
    let commune_id = area_after
        .as_deref()
        .and_then(|a| reference.commune_of_area(a))
        .map(|c| c.id.clone());
    let heads = fork.heads();
    // Staff decisions are in force as made: never reviewed themselves.
    let review_status = match &after {
        AnyRecord::Review(_) | AnyRecord::HouseholdDuplicate(_) => ReviewStatus::Approved,
        _ => derive_status(
            meta.state == Lifecycle::Submitted,
            &heads,
            &tx.reviews_of(id)?,
        ),
    };
    let review = match &after {
        AnyRecord::Review(r) => Some(ReviewFact {
            id: id.to_owned(),
            created_at: meta.created_at,
            heads: r.record_heads.clone(),
            decision: r.decision,
        }),
        _ => None,
    };
    // When the server first received the record, by its own clock: the phone's `created_at`
    // is only what its clock said, and phone clocks can be years off.
    let received_at = stored_row.as_ref().map_or(now, |r| r.created_at);
    let row = RecordRow {
        id: id.to_owned(),
        area_id: area_after,
        commune_id,
        author: meta.author.clone(),
        created_at: received_at,
        state: meta.state,
        heads,
        review_status,
        day: crate::storage::listed_day(after.day(), received_at),
        record: after.clone(),
        updated_seq: 0,
    };
    let accepted = Accepted {
        row,
        changes: fresh
            .iter()
            .map(|c| (c.hash().to_string(), c.raw_bytes().to_vec()))
            .collect(),
        snapshot,
        action: match (&after, &before) {
            (AnyRecord::Review(_), _) => AuditAction::Review,
            (_, None) => AuditAction::Create,
            (_, Some(_)) => AuditAction::Edit,
        },
        reviewed_record: target.as_ref().map(|t| t.id.clone()),
        review,
    };
    tx.append(device, &accepted)?;
    if let Some(target) = &target {
        refresh_status(tx, target)?;
    }
    // A new date in a period whose report was due already: kept, and said (by the server's
    // calendar, not the phone's).
    let day = after.day();
    let notice = day
        .filter(|d| before.as_ref().and_then(|(_, r)| r.day()) != Some(*d))
        .and_then(|d| closed_period_notice(d, Day::today()));
    Ok(Ok(notice))
}

/// A reviewed record's standing after a new review, with the core's rule.
fn refresh_status(tx: &mut dyn SyncTx, target: &RecordRow) -> StorageResult<()> {
    let status = derive_status(
        target.state == Lifecycle::Submitted,
        &target.heads,
        &tx.reviews_of(&target.id)?,
    );
    tx.set_review_status(&target.id, status)
}

/// Why a review from the dashboard was not recorded.
#[derive(Debug)]
pub enum ReviewRefused {
    /// No such record, or one the reviewer may not see: the same answer, so existence is not
    /// revealed.
    NotFound,
    /// The record changed since the reviewer opened it: they must look again.
    Changed,
    Invalid(Vec<FieldError>),
    Denied(Denial),
}

/// A review made in the dashboard: a review record authored by the staff member, pinned to the
/// heads they looked at, timed by the server, appended to the log like any phone's change so
/// phones pull it.
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
    let mut tx = storage.begin(&device.person.commune_id)?;
    let scope = device.person.scope();
    let Some(target) = tx
        .record(record_id)?
        .filter(|r| r.kind() != RecordKind::Review)
        .filter(|r| {
            r.area_id
                .as_deref()
                .is_some_and(|a| scope.covers_area(reference, a))
        })
    else {
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
    let meta = staff_meta(device);
    let any = AnyRecord::Review(review.clone());
    if let Err(d) = scope.authorize(
        reference,
        None,
        Version {
            meta: &meta,
            record: &any,
            area: target.area_id.as_deref(),
        },
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
    let mut accepted = staff_decision(
        &meta,
        &review,
        target.area_id.clone(),
        target.commune_id.clone(),
        AuditAction::Review,
    )?;
    let id = accepted.row.id.clone();
    accepted.review = Some(ReviewFact {
        id: id.clone(),
        created_at: meta.created_at,
        heads: review.record_heads.clone(),
        decision,
    });
    accepted.reviewed_record = Some(target.id.clone());
    tx.append(device, &accepted)?;
    refresh_status(tx.as_mut(), &target)?;
    tx.commit()?;
    Ok(Ok(id))
}

/// The meta of a decision staff make in the dashboard: theirs, timed by the server.
fn staff_meta(device: &Device) -> Meta {
    Meta {
        author: device.person.id.clone(),
        created_at: chrono::Utc::now().timestamp_millis(),
        state: Lifecycle::Submitted,
    }
}

/// A decision made in the dashboard (a review, a duplicate mark) as a log entry like any
/// phone's change, so phones pull it: a new document, its row in force as made.
fn staff_decision<T: sachxanh_core::model::RecordBody>(
    meta: &Meta,
    record: &T,
    area_id: Option<String>,
    commune_id: Option<String>,
    action: AuditAction,
) -> StorageResult<Accepted> {
    let id = uuid::Uuid::now_v7().to_string();
    let (doc, change) = RecordDoc::create(&automerge::ActorId::random(), &id, meta, record)
        .map_err(|e| StorageError::Database(e.to_string()))?;
    Ok(Accepted {
        row: RecordRow {
            id,
            area_id,
            commune_id,
            author: meta.author.clone(),
            created_at: meta.created_at,
            state: meta.state,
            heads: doc.heads(),
            review_status: ReviewStatus::Approved,
            day: crate::storage::listed_day(None, meta.created_at),
            record: record.clone().into(),
            updated_seq: 0,
        },
        changes: vec![(change.hash().to_string(), change.raw_bytes().to_vec())],
        snapshot: doc.save(),
        action,
        review: None,
        reviewed_record: None,
    })
}

/// Why a duplicate mark from the dashboard was not recorded.
#[derive(Debug)]
pub enum MarkRefused {
    /// Either household unknown, not a household, or out of the staff member's commune.
    NotFound,
    Problem(sachxanh_core::duplicates::MarkProblem),
    Invalid(Vec<FieldError>),
    Denied(Denial),
}

/// Staff mark `duplicate_id` as the same household as `kept_id`: a duplicate mark authored by
/// the staff member, timed by the server, appended to the log like a review so every phone of
/// the area pulls it. `in_force` is the commune's marks as resolved (duplicate → kept).
pub fn mark_duplicate_from_dashboard(
    storage: &dyn Storage,
    reference: &Reference,
    device: &Device,
    duplicate_id: &str,
    kept_id: &str,
    in_force: &std::collections::HashMap<String, String>,
) -> StorageResult<Result<String, MarkRefused>> {
    use sachxanh_core::model::RecordBody;
    let mut tx = storage.begin(&device.person.commune_id)?;
    let scope = device.person.scope();
    let mut household =
        |id: &str| -> StorageResult<Option<(RecordRow, sachxanh_core::model::Household)>> {
            Ok(tx.record(id)?.and_then(|row| match &row.record {
                AnyRecord::Household(h)
                    if row
                        .area_id
                        .as_deref()
                        .is_some_and(|a| scope.covers_area(reference, a)) =>
                {
                    let h = h.clone();
                    Some((row, h))
                }
                _ => None,
            }))
        };
    let (Some((dup, dup_h)), Some((kept, kept_h))) =
        (household(duplicate_id)?, household(kept_id)?)
    else {
        return Ok(Err(MarkRefused::NotFound));
    };
    if let Err(p) =
        sachxanh_core::duplicates::check_mark((&dup.id, &dup_h), (&kept.id, &kept_h), in_force)
    {
        return Ok(Err(MarkRefused::Problem(p)));
    }
    let mut mark = HouseholdDuplicate {
        area_id: dup_h.area_id.clone(),
        household_id: dup.id.clone(),
        kept_id: kept.id.clone(),
        marked_by: device.person.id.clone(),
    };
    mark.normalize();
    let meta = staff_meta(device);
    let any = AnyRecord::HouseholdDuplicate(mark.clone());
    if let Err(d) = scope.authorize(
        reference,
        None,
        Version {
            meta: &meta,
            record: &any,
            area: Some(&mark.area_id),
        },
    ) {
        return Ok(Err(MarkRefused::Denied(d)));
    }
    let errors = mark.check(&Context::new(reference));
    if !errors.is_empty() {
        return Ok(Err(MarkRefused::Invalid(errors)));
    }
    let accepted = staff_decision(
        &meta,
        &mark,
        Some(mark.area_id.clone()),
        dup.commune_id.clone(),
        AuditAction::Create,
    )?;
    tx.append(device, &accepted)?;
    tx.commit()?;
    Ok(Ok(accepted.row.id))
}

/// Why an erasure was not made.
#[derive(Debug)]
pub enum EraseRefused {
    /// No such record, or one the staff member may not see.
    NotFound,
    /// Its kind holds no personal data to erase.
    NothingPersonal,
}

/// The reason a decision carried over an erasure gives (the earlier reason may name people).
pub const KEPT_DECISION: &str = "Giữ nguyên quyết định sau khi xoá dữ liệu cá nhân theo yêu cầu";

/// Erases a record's personal data through its history, on a data subject's request: the core
/// rewrites it without them in a new document, which replaces the old one and its log entries
/// in one transaction (phones replace their copy at their next sync; an edit made on top of the
/// old history is refused). The decision it had is made again at the new version, so erasing
/// does not take a household out of the figures. Returns the new heads.
pub fn erase_record(
    storage: &dyn Storage,
    reference: &Reference,
    device: &Device,
    id: &str,
    reason: &str,
) -> StorageResult<Result<Vec<String>, EraseRefused>> {
    let mut tx = storage.begin(&device.person.commune_id)?;
    let scope = device.person.scope();
    let Some(row) = tx.record(id)?.filter(|r| {
        r.area_id
            .as_deref()
            .is_some_and(|a| scope.covers_area(reference, a))
    }) else {
        return Ok(Err(EraseRefused::NotFound));
    };
    let Some(snapshot) = tx.snapshot(id)? else {
        return Ok(Err(EraseRefused::NotFound));
    };
    let meta = load(&snapshot)?
        .meta()
        .map_err(|e| StorageError::Database(e.to_string()))?;
    let erased =
        sachxanh_core::erasure::erase(&row.record, id, &meta, &automerge::ActorId::random())
            .map_err(|e| StorageError::Database(e.to_string()))?;
    let Some(erased) = erased else {
        return Ok(Err(EraseRefused::NothingPersonal));
    };
    let heads = erased.doc.heads();
    let before = tx.reviews_of(id)?;
    let accepted = Accepted {
        row: RecordRow {
            record: erased.record,
            heads: heads.clone(),
            ..row.clone()
        },
        changes: vec![(
            erased.change.hash().to_string(),
            erased.change.raw_bytes().to_vec(),
        )],
        snapshot: erased.doc.save(),
        action: AuditAction::Erase,
        review: None,
        reviewed_record: None,
    };
    tx.replace_history(device, &accepted, reason)?;
    tx.commit()?;
    let latest = before
        .iter()
        .max_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    if let Some(last) = latest {
        if let Ok(Err(e)) = review_from_dashboard(
            storage,
            reference,
            device,
            id,
            &heads,
            last.decision,
            KEPT_DECISION,
        ) {
            tracing::warn!(record = %id, refused = ?e, "decision not carried over an erasure");
        }
    }
    Ok(Ok(heads))
}
