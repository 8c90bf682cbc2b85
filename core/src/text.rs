//! Vietnamese text as people type it: normalised to NFC on the way in, folded (no diacritics,
//! lower case, đ → d) for search, and checked for length and stray control characters.

use crate::error::{FieldError, Rule};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFC form with surrounding whitespace trimmed: what we store.
pub fn normalize(s: &str) -> String {
    s.trim().nfc().collect()
}

/// The search key: "Nguyễn Văn Ánh" → "nguyen van anh". Keyboards send either precomposed or
/// combining diacritics, so decompose first and drop every combining mark.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The searchable form of a text: folded, punctuation turned into spaces, each word preceded by
/// a space, so that a query word can be matched at the start of any word (`LIKE '% word%'`).
pub fn search_key(s: &str) -> String {
    let folded: String = fold(s)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut key = String::with_capacity(folded.len() + 1);
    for w in folded.split_whitespace() {
        key.push(' ');
        key.push_str(w);
    }
    key
}

/// Whether `text` matches a search as the phones' lists do: every word of `query` starts a word
/// of `text`, ignoring diacritics, case and punctuation ("nguyen van a" finds "Nguyễn Văn A").
/// An empty query matches everything.
pub fn matches(query: &str, text: &str) -> bool {
    let key = search_key(text);
    let words: Vec<&str> = key.split_whitespace().collect();
    search_key(query)
        .split_whitespace()
        .all(|q| words.iter().any(|w| w.starts_with(q)))
}

/// Checks a free-text field: required or not, at most `max` characters, no control characters
/// (a newline is allowed only where `multiline`).
pub fn check(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    required: bool,
    max: usize,
    multiline: bool,
) {
    if required && value.trim().is_empty() {
        errors.push(FieldError::new(field, Rule::Required));
        return;
    }
    if value.chars().count() > max {
        errors.push(FieldError::new(field, Rule::TooLong { max: max as u32 }));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t')))
    {
        errors.push(FieldError::new(field, Rule::ControlCharacters));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_drops_vietnamese_diacritics_and_case() {
        assert_eq!(fold("Nguyễn Văn Ánh"), "nguyen van anh");
        assert_eq!(fold("ĐẶNG THỊ Đào"), "dang thi dao");
        // Combining form (as some keyboards send it) folds the same as precomposed.
        let combining = "Nguye\u{0302}\u{0303}n";
        assert_eq!(fold(combining), "nguyen");
    }

    #[test]
    fn search_key_starts_each_word_with_a_space() {
        assert_eq!(search_key("Số 12, đường Rạch Sen"), " so 12 duong rach sen");
    }

    #[test]
    fn matches_finds_words_by_their_start_without_diacritics() {
        assert!(matches("nguyen van a", "Nguyễn Văn A — số 12, hẻm 3"));
        assert!(matches("NGUY hem", "Nguyễn Văn A — số 12, hẻm 3"));
        assert!(matches("", "anything"));
        assert!(!matches("nguyen van b", "Nguyễn Văn A — số 12, hẻm 3"));
        assert!(!matches("guyen", "Nguyễn Văn A"));
    }

    #[test]
    fn normalize_makes_nfc() {
        let combining = "Nguye\u{0302}\u{0303}n ";
        assert_eq!(normalize(combining), "Nguyễn");
        assert_eq!(normalize(combining).chars().count(), 6);
    }

    #[test]
    fn check_reports_each_rule() {
        let mut e = vec![];
        check(&mut e, "address", "  ", true, 10, false);
        check(&mut e, "note", "abcdefghijk", false, 10, false);
        check(&mut e, "head_name", "a\u{7}b", true, 10, false);
        check(&mut e, "note", "dòng 1\ndòng 2", false, 100, true);
        let rules: Vec<_> = e.iter().map(|e| e.rule.clone()).collect();
        assert_eq!(
            rules,
            vec![
                Rule::Required,
                Rule::TooLong { max: 10 },
                Rule::ControlCharacters
            ]
        );
    }
}
