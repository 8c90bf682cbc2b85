//! A calendar day, stored as "YYYY-MM-DD": readable in any Automerge tool and sortable as text.

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Day(pub NaiveDate);

/// Read as strictly as it is hydrated: only `YYYY-MM-DD` of a four-digit year.
impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Day::parse(&s).ok_or_else(|| serde::de::Error::custom("a date YYYY-MM-DD"))
    }
}

impl Day {
    /// Nothing of this campaign is older than this.
    pub const EARLIEST: Day = Day(match NaiveDate::from_ymd_opt(2020, 1, 1) {
        Some(d) => d,
        None => panic!("valid constant date"),
    });

    /// A day of a four-digit year (what people write and what the stored text can hold).
    pub fn ymd(y: i32, m: u32, d: u32) -> Option<Day> {
        if !(1000..=9999).contains(&y) {
            return None;
        }
        NaiveDate::from_ymd_opt(y, m, d).map(Day)
    }

    /// Reads exactly the stored form `YYYY-MM-DD` of a year 1000–9999, the years [`Day::ymd`]
    /// makes (chrono alone also takes "-20-10-1" and "0227-07-06").
    pub fn parse(s: &str) -> Option<Day> {
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(Day)?;
        (d.to_string() == s && (1000..=9999).contains(&d.0.year())).then_some(d)
    }

    pub fn today() -> Day {
        Day(chrono::Local::now().date_naive())
    }

    /// The Saturday of this day's weekend if it has begun, else of the weekend before: the
    /// most recent weekend cleanup day on or before this day.
    pub fn latest_saturday(&self) -> Day {
        let sat = self.weekend_saturday();
        if sat > *self {
            Day(sat.0 - chrono::Duration::days(7))
        } else {
            sat
        }
    }

    /// As people in Vietnam write a day: `28/11/2026`.
    pub fn shown(&self) -> String {
        self.0.format("%d/%m/%Y").to_string()
    }

    /// Saturday or Sunday: the days of the weekend general cleanup.
    pub fn is_weekend(&self) -> bool {
        matches!(self.0.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The Saturday of this day's weekend (the Saturday before a Sunday), naming the weekend.
    pub fn weekend_saturday(&self) -> Day {
        let back = (self.0.weekday().num_days_from_monday() + 2) % 7;
        Day(self.0 - chrono::Duration::days(back as i64))
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Reconcile for Day {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
        r.str(self.to_string())
    }
}

impl Hydrate for Day {
    fn hydrate_string(s: &str) -> Result<Self, HydrateError> {
        Day::parse(s).ok_or_else(|| HydrateError::unexpected("a date YYYY-MM-DD", s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekend_is_named_by_its_saturday() {
        let sat = Day::ymd(2026, 11, 21).unwrap();
        let sun = Day::ymd(2026, 11, 22).unwrap();
        let fri = Day::ymd(2026, 11, 20).unwrap();
        assert!(sat.is_weekend() && sun.is_weekend() && !fri.is_weekend());
        assert_eq!(sun.weekend_saturday(), sat);
        assert_eq!(sat.weekend_saturday(), sat);
        assert_eq!(fri.weekend_saturday(), Day::ymd(2026, 11, 14).unwrap());
        assert_eq!(fri.latest_saturday(), Day::ymd(2026, 11, 14).unwrap());
        assert_eq!(sun.latest_saturday(), sat);
    }
}

// Over the FFI a day is its "YYYY-MM-DD" text; a malformed one comes back as a typed error.
#[cfg(feature = "ffi")]
uniffi::custom_type!(Day, String, {
    lower: |d| d.to_string(),
    try_lift: |s| Day::parse(&s).ok_or_else(|| {
        uniffi::deps::anyhow::Error::new(crate::ffi::ApiError::invalid_date(&s))
    }),
});
