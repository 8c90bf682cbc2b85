//! The catalogue of labels: every word the apps and the dashboard show for the campaign's data —
//! kinds, fields, choices, statuses, roles, decisions, history actions. Built once here from
//! the registry and the enums; the phones get it over the FFI, the server serves it as JSON
//! (`GET /api/v1/catalog`) and fills its pages' filters from it.

use crate::form::Input;
use crate::i18n::{Choice, Message};
use crate::model::{AuditAction, Decision, Lifecycle, RecordKind, ReviewStatus, Role};
use serde::Serialize;

/// One field of a kind's form, without values.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct FieldInfo {
    pub path: String,
    pub label: Message,
    pub input: Input,
    pub section: Option<Message>,
    pub help: Option<Message>,
    pub required: bool,
}

/// A kind, its name and its form's fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct KindInfo {
    pub kind: RecordKind,
    pub label: Message,
    pub fields: Vec<FieldInfo>,
    /// Records of this kind wait in the review queue: every kind but the review decision itself.
    pub reviewed: bool,
}

/// Every word shown for the campaign's data; the shells' own strings keep only their chrome.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Catalog {
    pub kinds: Vec<KindInfo>,
    pub review_statuses: Vec<Choice>,
    pub lifecycles: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub decisions: Vec<Choice>,
    pub audit_actions: Vec<Choice>,
}

/// The catalogue, from the registry.
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
                reviewed: !k.is_staff_decision(),
            })
            .collect(),
        review_statuses: ReviewStatus::choices(),
        lifecycles: Lifecycle::choices(),
        roles: Role::choices(),
        decisions: Decision::choices(),
        audit_actions: AuditAction::choices(),
    }
}
