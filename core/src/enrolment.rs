//! Enrolment codes as staff hand them out — `K7QM-3XPA-TW`, on paper or as a QR code — and as
//! people type them on a cheap phone. One definition for the server that makes and checks them
//! and for the apps that read them.

use crate::error::{FieldError, Rule};
use rand::Rng;

/// Letters and digits nobody confuses when reading a code aloud or typing it (no 0/O, 1/I/L).
pub const ALPHABET: &str = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters of a code, dashes aside: 31^10 ≈ 2^49.5 codes.
pub const LENGTH: usize = 10;
/// What a code's QR image carries: a link the apps recognise, holding the code.
pub const QR_PREFIX: &str = "sachxanh://enrol?code=";
/// The form field a code is typed into.
pub const FIELD: &str = "code";

/// A new random code, grouped `XXXX-XXXX-XX` for reading aloud.
pub fn generate() -> String {
    let alphabet = ALPHABET.as_bytes();
    let mut rng = rand::rng();
    let chars: String = (0..LENGTH)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect();
    group(&chars)
}

fn group(c: &str) -> String {
    format!("{}-{}-{}", &c[0..4], &c[4..8], &c[8..10])
}

/// A code as typed: case, spaces and dashes do not matter. Returns the code as staff wrote it,
/// or the problem to show under the field.
pub fn parse_typed(text: &str) -> Result<String, FieldError> {
    let chars: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    if chars.is_empty() {
        return Err(FieldError::new(FIELD, Rule::Required));
    }
    if chars.chars().any(|c| !ALPHABET.contains(c)) {
        return Err(FieldError::new(FIELD, Rule::CodeCharacters));
    }
    if chars.chars().count() != LENGTH {
        return Err(FieldError::new(
            FIELD,
            Rule::CodeLength {
                length: LENGTH as u32,
            },
        ));
    }
    Ok(group(&chars))
}

/// The code a scanned QR image carries: a bare code, or a link with `code=` (the form
/// [`qr_payload`] makes). `None` for anything else, so a shop's QR code is not taken for one.
pub fn parse_qr(payload: &str) -> Option<String> {
    let payload = payload.trim();
    let candidate = match payload.split_once('?') {
        Some((_, query)) => query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "code")
            .map(|(_, v)| v.replace("%2D", "-").replace("%2d", "-").replace('+', " "))?,
        None => payload.to_owned(),
    };
    parse_typed(&candidate).ok()
}

/// What the QR image of a code carries.
pub fn qr_payload(code: &str) -> String {
    format!("{QR_PREFIX}{code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typable_and_forgiving() {
        let c = generate();
        assert_eq!(c.len(), 12);
        assert_eq!(
            parse_typed(&c.to_lowercase().replace('-', " ")),
            Ok(c.clone())
        );
        assert_eq!(parse_qr(&qr_payload(&c)), Some(c.clone()));
        assert_eq!(parse_qr(&c), Some(c.clone()));
        assert_eq!(parse_qr("https://shop.example/?id=42"), None);
        assert_eq!(parse_typed("  ").unwrap_err().rule, Rule::Required);
        // O, 0, I, 1 and L are never in a code: say so instead of failing at the server.
        assert_eq!(
            parse_typed("K7QM-3XPA-T0").unwrap_err().rule,
            Rule::CodeCharacters
        );
        assert_eq!(
            parse_typed("K7QM-3XPA").unwrap_err().rule,
            Rule::CodeLength { length: 10 }
        );
    }
}
