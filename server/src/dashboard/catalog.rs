//! The catalogue of labels: every word the dashboard and the apps show for the campaign's data —
//! kinds, fields, choices, statuses, roles, decisions, history actions — read from the core's
//! public API. It has the shape of `sachxanh_core::ffi::catalog` (the apps' copy), which the
//! server cannot call: it builds the core without `ffi`.

use crate::error::ApiError;
use axum::Json;
use sachxanh_core::form::Input;
use sachxanh_core::i18n::{Choice, Message};
use sachxanh_core::model::{AuditAction, Decision, Lifecycle, RecordKind, ReviewStatus, Role};
use serde::Serialize;

/// One field of a kind's form, without values.
#[derive(Debug, Clone, Serialize)]
pub struct FieldInfo {
    pub path: String,
    pub label: Message,
    pub input: Input,
    pub section: Option<Message>,
    pub help: Option<Message>,
    pub required: bool,
}

/// A kind, its name and its form's fields.
#[derive(Debug, Clone, Serialize)]
pub struct KindInfo {
    pub kind: RecordKind,
    pub label: Message,
    pub fields: Vec<FieldInfo>,
    /// Records of this kind wait in the review queue: every kind but the review decision
    /// itself. (Not in the apps' copy; the dashboard's filter lists these.)
    pub reviewed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Catalog {
    pub kinds: Vec<KindInfo>,
    pub review_statuses: Vec<Choice>,
    pub lifecycles: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub decisions: Vec<Choice>,
    pub audit_actions: Vec<Choice>,
}

/// The catalogue, from the core.
pub fn catalog() -> Catalog {
    Catalog {
        kinds: RecordKind::ALL
            .iter()
            .map(|k| KindInfo {
                kind: *k,
                label: k.label(),
                fields: k
                    .fields()
                    .iter()
                    .map(|f| FieldInfo {
                        path: f.path.to_owned(),
                        label: f.label.message(),
                        input: f.input.input(),
                        section: f.section.map(|l| l.message()),
                        help: f.help.map(|l| l.message()),
                        required: f.required,
                    })
                    .collect(),
                reviewed: *k != RecordKind::Review,
            })
            .collect(),
        review_statuses: ReviewStatus::choices(),
        lifecycles: Lifecycle::choices(),
        roles: Role::choices(),
        decisions: Decision::choices(),
        audit_actions: AuditAction::choices(),
    }
}

/// `GET /api/v1/catalog`: labels only, nobody's data, so it needs no sign-in.
pub async fn get() -> Result<Json<Catalog>, ApiError> {
    Ok(Json(catalog()))
}
