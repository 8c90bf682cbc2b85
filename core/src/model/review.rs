//! Duyệt hồ sơ: commune staff's decision on one exact version of a record. A review is its own
//! record naming the reviewed record's Automerge heads, so an edit after approval is visible as
//! "changed since approval" rather than silently riding on an old approval.

use super::{check_id, Context, Draft, Names, RecordBody, RecordKind};
use crate::error::{FieldError, Rule};
use crate::form::{Field, InputSpec};
use crate::i18n::{Label, Message};
use crate::text;
use autosurgeon::{Hydrate, Reconcile};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    pub enum Decision {
        Approved = "approved" ("Duyệt", "Approve"),
        Returned = "returned" ("Trả lại để sửa", "Return for changes"),
        Rejected = "rejected" ("Không duyệt", "Reject"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Review {
    pub record_id: String,
    /// The reviewed record's heads (hex change hashes, sorted) at the moment of review.
    pub record_heads: Vec<String>,
    pub decision: Decision,
    /// Why it was returned or rejected: the volunteer reads this on the phone.
    pub reason: String,
    /// The staff member (a person id).
    pub reviewer: String,
}

crate::string_enum! {
    /// A record's standing, derived from its lifecycle, its heads and the reviews of it.
    pub enum ReviewStatus {
        Draft = "draft" ("Bản nháp", "Draft"),
        AwaitingReview = "awaiting_review" ("Chờ duyệt", "Awaiting review"),
        Approved = "approved" ("Đã duyệt", "Approved"),
        Returned = "returned" ("Trả lại để sửa", "Returned for changes"),
        Rejected = "rejected" ("Không duyệt", "Rejected"),
        /// Approved once, edited since: needs review again and does not count meanwhile.
        ChangedSinceApproval = "changed_since_approval" ("Đã sửa sau khi duyệt", "Changed since approval"),
    }
}

/// What a review says about a record, for deriving its status.
#[derive(Debug, Clone)]
pub struct ReviewFact {
    pub id: String,
    pub created_at: i64,
    pub heads: Vec<String>,
    pub decision: Decision,
}

/// A record's status: decided by the latest review of its current heads; an approval of older
/// heads means "changed since approval". Latest is by review time then id, so every store picks
/// the same review.
pub fn derive_status(
    submitted: bool,
    current_heads: &[String],
    reviews: &[ReviewFact],
) -> ReviewStatus {
    let latest = |rs: &mut dyn Iterator<Item = &ReviewFact>| {
        rs.max_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)))
            .map(|r| r.decision)
    };
    if let Some(decision) = latest(&mut reviews.iter().filter(|r| r.heads == current_heads)) {
        return match decision {
            Decision::Approved => ReviewStatus::Approved,
            Decision::Returned => ReviewStatus::Returned,
            Decision::Rejected => ReviewStatus::Rejected,
        };
    }
    if !submitted {
        return ReviewStatus::Draft;
    }
    if reviews.iter().any(|r| r.decision == Decision::Approved) {
        ReviewStatus::ChangedSinceApproval
    } else {
        ReviewStatus::AwaitingReview
    }
}

impl RecordBody for Review {
    const KIND: RecordKind = RecordKind::Review;
    const LABEL: Label = Label::new("Ý kiến duyệt", "Review decision");
    const FIELDS: &'static [Field] = &[
        Field::new(
            "decision",
            Label::new("Quyết định", "Decision"),
            InputSpec::Choice(Decision::choices),
        )
        .required(),
        Field::new(
            "reason",
            Label::new("Lý do", "Reason"),
            InputSpec::Text {
                max_chars: 1000,
                multiline: true,
            },
        )
        .help(Label::new("Người ghi sẽ đọc được", "The author reads it")),
        Field::new(
            "record_id",
            Label::new("Hồ sơ được duyệt", "Reviewed record"),
            InputSpec::Text {
                max_chars: 64,
                multiline: false,
            },
        )
        .hidden(),
        Field::new(
            "record_heads",
            Label::new("Phiên bản được duyệt", "Reviewed version"),
            InputSpec::Lines {
                max_items: 64,
                max_chars: 64,
            },
        )
        .hidden(),
        Field::new(
            "reviewer",
            Label::new("Người duyệt", "Reviewer"),
            InputSpec::Text {
                max_chars: 120,
                multiline: false,
            },
        )
        .hidden(),
    ];
    const TABLE: &'static str = TABLE;
    const TABLE_NAME: &'static str = "reviews";

    fn area_id(&self) -> Option<&str> {
        None
    }

    fn normalize(&mut self) {
        self.record_id = self.record_id.trim().to_owned();
        self.record_heads.sort();
        self.record_heads.dedup();
        self.reason = text::normalize(&self.reason);
        self.reviewer = text::normalize(&self.reviewer);
    }

    fn check(&self, _ctx: &Context) -> Vec<FieldError> {
        let mut e = vec![];
        check_id(&mut e, "record_id", &self.record_id);
        let hex64 = |h: &String| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
        if self.record_heads.is_empty() || !self.record_heads.iter().all(hex64) {
            e.push(FieldError::new("record_heads", Rule::InvalidHash));
        }
        let needs_reason = self.decision != Decision::Approved;
        text::check(&mut e, "reason", &self.reason, needs_reason, 1000, true);
        text::check(&mut e, "reviewer", &self.reviewer, true, 120, false);
        e
    }

    fn title(&self, _names: Names) -> Message {
        let d = self.decision.label();
        if self.reason.is_empty() {
            d
        } else {
            Message::new(
                format!("{}: {}", d.vi, self.reason),
                format!("{}: {}", d.en, self.reason),
            )
        }
    }

    fn draft(draft: &Draft) -> Self {
        Review {
            record_id: String::new(),
            record_heads: vec![],
            decision: Decision::Approved,
            reason: String::new(),
            reviewer: draft.person_id.clone(),
        }
    }

    fn project(&self, conn: &Connection, id: &str) -> rusqlite::Result<()> {
        conn.prepare_cached(
            "INSERT OR REPLACE INTO reviews (id, record_id, heads, decision, reason, reviewer)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                self.record_id,
                self.record_heads.join(","),
                self.decision.as_str(),
                self.reason,
                self.reviewer
            ],
        )?;
        Ok(())
    }

    crate::write_changed_fields!(record_id, record_heads, decision, reason, reviewer);
}

const TABLE: &str = "CREATE TABLE reviews (
    id TEXT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    record_id TEXT NOT NULL,
    heads TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    reviewer TEXT NOT NULL
);
CREATE INDEX reviews_record ON reviews(record_id);";

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(id: &str, at: i64, heads: &[&str], d: Decision) -> ReviewFact {
        ReviewFact {
            id: id.into(),
            created_at: at,
            heads: heads.iter().map(|s| s.to_string()).collect(),
            decision: d,
        }
    }

    #[test]
    fn approval_holds_only_at_the_approved_heads() {
        let h1 = vec!["aa".to_string()];
        let h2 = vec!["bb".to_string()];
        let approved = [fact("r1", 1, &["aa"], Decision::Approved)];
        assert_eq!(derive_status(true, &h1, &approved), ReviewStatus::Approved);
        assert_eq!(
            derive_status(true, &h2, &approved),
            ReviewStatus::ChangedSinceApproval
        );
        assert_eq!(derive_status(true, &h2, &[]), ReviewStatus::AwaitingReview);
        assert_eq!(derive_status(false, &h2, &[]), ReviewStatus::Draft);
        // A later return of the same version wins over the earlier approval.
        let both = [
            fact("r1", 1, &["aa"], Decision::Approved),
            fact("r2", 2, &["aa"], Decision::Returned),
        ];
        assert_eq!(derive_status(true, &h1, &both), ReviewStatus::Returned);
    }
}
