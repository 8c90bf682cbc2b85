//! Report periods: the plan asks units to report their year before 30 November, so by default a
//! period runs from 1 December to 30 November and ends on the day its report is due.
//! Consecutive periods tile the calendar: every day lies in exactly one.

use crate::i18n::Message;
use crate::model::Day;
use chrono::Datelike;

/// One reporting period, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Day,
    pub to: Day,
}

/// The month and day a period ends on (the units' due date in the plan).
pub const DUE_MONTH_DAY: (u32, u32) = (11, 30);

impl Period {
    /// The period a day lies in.
    pub fn containing(day: Day) -> Period {
        let (m, d) = DUE_MONTH_DAY;
        let year = day.0.year();
        let end_this_year = Day::ymd(year, m, d);
        let to = match end_this_year {
            Some(end) if day <= end => end,
            _ => Day::ymd(year + 1, m, d).unwrap_or(day),
        };
        let from = Day::ymd(to.0.year() - 1, m, d)
            .map(|prev| Day(prev.0 + chrono::Duration::days(1)))
            .unwrap_or(day);
        Period { from, to }
    }

    /// Whether the period's report was due before `today`: its figures have gone up the line.
    pub fn is_closed(&self, today: Day) -> bool {
        today > self.to
    }
}

/// What the server says of a record dated in a period already closed: it is kept (late records
/// are real work), and the person is asked to check the date — a phone whose clock is years off
/// dates its records into the wrong year without anyone noticing.
pub fn closed_period_notice(day: Day, today: Day) -> Option<Message> {
    let p = Period::containing(day);
    p.is_closed(today).then(|| {
        Message::new(
            format!(
                "Ngày {} thuộc kỳ báo cáo {}–{}, đã khép lại ngày {}. Hồ sơ vẫn được nhận; hãy \
                 kiểm tra lại ngày, và báo cán bộ xã nếu báo cáo kỳ đó đã gửi.",
                day.shown(),
                p.from.shown(),
                p.to.shown(),
                p.to.shown()
            ),
            format!(
                "{} lies in the report period {}–{}, which closed on {}. The record is kept; \
                 check the date, and tell commune staff if that period's report was already sent.",
                day.shown(),
                p.from.shown(),
                p.to.shown(),
                p.to.shown()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_tile_the_calendar_with_no_gap_and_no_overlap() {
        let mut day = Day::ymd(2024, 1, 1).unwrap();
        let mut last = Period::containing(day);
        while day < Day::ymd(2028, 1, 1).unwrap() {
            let p = Period::containing(day);
            assert!(p.from <= day && day <= p.to, "{day} not in {p:?}");
            if p != last {
                assert_eq!(p.from.0, last.to.0 + chrono::Duration::days(1));
                last = p;
            }
            day = Day(day.0 + chrono::Duration::days(1));
        }
        let p = Period::containing(Day::ymd(2026, 11, 30).unwrap());
        assert_eq!(
            (p.from.to_string(), p.to.to_string()),
            ("2025-12-01".into(), "2026-11-30".into())
        );
        let p = Period::containing(Day::ymd(2026, 12, 1).unwrap());
        assert_eq!(p.to.to_string(), "2027-11-30");
    }

    #[test]
    fn a_period_closes_the_day_after_its_report_is_due() {
        let p = Period::containing(Day::ymd(2026, 3, 8).unwrap());
        assert!(!p.is_closed(Day::ymd(2026, 11, 30).unwrap()));
        assert!(p.is_closed(Day::ymd(2026, 12, 1).unwrap()));
        let n = closed_period_notice(
            Day::ymd(2023, 5, 2).unwrap(),
            Day::ymd(2026, 11, 29).unwrap(),
        )
        .expect("2023 is closed");
        assert!(n.vi.contains("02/05/2023") && n.vi.contains("01/12/2022–30/11/2023"));
        assert!(n.en.contains("closed on 30/11/2023"));
        assert_eq!(
            closed_period_notice(
                Day::ymd(2026, 11, 2).unwrap(),
                Day::ymd(2026, 11, 29).unwrap()
            ),
            None
        );
    }
}
