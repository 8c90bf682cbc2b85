//! A yearly report's life (plan VI.2): prepared by commune staff, checked, then sent, after
//! which it never changes. The ladder lives here so the server, the dashboard and the apps read
//! the same states and words.

crate::string_enum! {
    /// Where a report is in its life.
    pub enum ReportState {
        Prepared = "prepared" ("Đã soạn, chờ kiểm tra", "Prepared, to be checked"),
        Checked = "checked" ("Đã kiểm tra, chờ gửi", "Checked, to be sent"),
        Sent = "sent" ("Đã gửi", "Sent"),
    }
}

impl ReportState {
    /// Whether the commune's words may still change (a change means checking again).
    pub fn editable(self) -> bool {
        self != ReportState::Sent
    }

    /// The state a step may start from: checking needs a prepared report, sending a checked one.
    pub fn before(self) -> Option<ReportState> {
        match self {
            ReportState::Prepared => None,
            ReportState::Checked => Some(ReportState::Prepared),
            ReportState::Sent => Some(ReportState::Checked),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_checked_before_it_is_sent_and_never_edited_after() {
        assert_eq!(ReportState::Sent.before(), Some(ReportState::Checked));
        assert_eq!(ReportState::Checked.before(), Some(ReportState::Prepared));
        assert!(ReportState::Checked.editable() && !ReportState::Sent.editable());
        assert_eq!(ReportState::parse("sent"), Some(ReportState::Sent));
        assert_eq!(ReportState::Sent.label().en, "Sent");
    }
}
