//! Every message a person reads exists in Vietnamese and English, carried by the value that
//! explains it rather than sprinkled as strings. Vietnamese comes first.

use serde::{Deserialize, Serialize};

/// The two languages of the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Lang {
    Vi,
    En,
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Message {
    pub vi: String,
    pub en: String,
}

impl Message {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Message {
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// One value a person may pick: its stable code and what they read for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Choice {
    pub code: String,
    pub label: Message,
}

/// A text in both languages known when the program is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub vi: &'static str,
    pub en: &'static str,
}

impl Label {
    pub const fn new(vi: &'static str, en: &'static str) -> Self {
        Label { vi, en }
    }

    pub fn message(&self) -> Message {
        Message::new(self.vi, self.en)
    }

    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi,
            Lang::En => self.en,
        }
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.vi, self.en)
    }
}
