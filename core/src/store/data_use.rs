//! What sync costs the person: bytes sent and received per month (headers included), and an
//! estimate in đồng at a tariff they can set. People on prepaid 2G/3G pay by the megabyte.

use super::Store;
use crate::error::{FieldError, Invalid, Result, Rule};
use crate::i18n::Message;
use serde::Serialize;

/// Đồng per megabyte when the person has set nothing: Vietnamese carriers' pay-as-you-go rate
/// outside a data package (75 đ per 50 KB), the most a megabyte can cost them.
pub const DEFAULT_TARIFF_DONG_PER_MB: u32 = 1_536;

/// The highest tariff accepted (anything above is a typing mistake).
pub const MAX_TARIFF_DONG_PER_MB: u32 = 100_000;

/// This month's data use, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct DataUse {
    /// `YYYY-MM`.
    pub month: String,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub megabytes: f64,
    pub tariff_dong_per_mb: u32,
    pub estimate_dong: u64,
    /// "Tháng 11/2026: 1,2 MB, khoảng 1.800 đ" in both languages.
    pub message: Message,
}

const TARIFF: &str = "tariff_dong_per_mb";

fn month_key(month: &str) -> String {
    format!("data_use:{month}")
}

/// 1234567 → "1.234.567" (Vietnamese) / "1,234,567" (English).
fn grouped(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

impl Store {
    /// The month now, by the trusted time.
    fn this_month(&self) -> String {
        self.today().0.format("%Y-%m").to_string()
    }

    /// Adds a sync's bytes to this month's totals.
    pub fn add_data_use(&mut self, sent: u64, received: u64) -> Result<()> {
        let key = month_key(&self.this_month());
        let (s, r) = self.month_totals(&key)?;
        self.set_setting(&key, Some(&format!("{},{}", s + sent, r + received)))
    }

    fn month_totals(&self, key: &str) -> Result<(u64, u64)> {
        Ok(self
            .setting(key)?
            .and_then(|v| {
                let (s, r) = v.split_once(',')?;
                Some((s.parse().ok()?, r.parse().ok()?))
            })
            .unwrap_or((0, 0)))
    }

    /// The tariff the person set, or the default.
    pub fn tariff(&self) -> Result<u32> {
        Ok(self
            .setting(TARIFF)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_TARIFF_DONG_PER_MB))
    }

    /// Sets the đồng a megabyte costs this person (0 for unlimited data).
    pub fn set_tariff(&mut self, dong_per_mb: u32) -> Result<()> {
        if dong_per_mb > MAX_TARIFF_DONG_PER_MB {
            return Err(Invalid(vec![FieldError::new(
                TARIFF,
                Rule::OutOfRange {
                    min: 0.0,
                    max: MAX_TARIFF_DONG_PER_MB as f64,
                },
            )])
            .into());
        }
        self.set_setting(TARIFF, Some(&dong_per_mb.to_string()))
    }

    /// This month's data use and what it costs at the person's tariff.
    pub fn data_use(&self) -> Result<DataUse> {
        let month = self.this_month();
        let (sent, received) = self.month_totals(&month_key(&month))?;
        let tariff = self.tariff()?;
        let megabytes = (sent + received) as f64 / (1024.0 * 1024.0);
        let estimate = (megabytes * tariff as f64).round() as u64;
        let (y, m) = month.split_once('-').unwrap_or((&month, ""));
        let m = m.trim_start_matches('0');
        let mb_vi = format!("{megabytes:.1}").replace('.', ",");
        Ok(DataUse {
            message: Message::new(
                format!(
                    "Tháng {m}/{y}: đồng bộ dùng {mb_vi} MB, khoảng {} đ",
                    grouped(estimate, '.')
                ),
                format!(
                    "{m}/{y}: sync used {megabytes:.1} MB, about {} đ",
                    grouped(estimate, ',')
                ),
            ),
            month,
            bytes_sent: sent,
            bytes_received: received,
            megabytes,
            tariff_dong_per_mb: tariff,
            estimate_dong: estimate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_as_each_language_writes_them() {
        assert_eq!(grouped(0, '.'), "0");
        assert_eq!(grouped(999, '.'), "999");
        assert_eq!(grouped(1_800, '.'), "1.800");
        assert_eq!(grouped(1_234_567, ','), "1,234,567");
    }
}
