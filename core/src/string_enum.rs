//! Enums stored in documents and projections as short stable strings ("in_force"), so a document
//! read by any Automerge tool, or an exported row, says what it means without our code. Each
//! value carries the words a person reads for it, in Vietnamese and English: the apps, the
//! dashboard and the exports all show these, never the code.

/// Declares a fieldless enum with a stable string and a label per variant, with serde,
/// autosurgeon and choice-list glue.
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $s:literal ($vi:literal, $en:literal),)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $s)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $s,)+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }

            /// What a person reads for this value (a constant, for form declarations).
            pub const fn label_of(&self) -> $crate::i18n::Label {
                match self { $($name::$variant => $crate::i18n::Label::new($vi, $en),)+ }
            }

            /// What a person reads for this value.
            pub fn label(&self) -> $crate::i18n::Message {
                self.label_of().message()
            }

            /// Every value with its label, in order: a form's choices.
            pub fn choices() -> Vec<$crate::i18n::Choice> {
                Self::ALL
                    .iter()
                    .map(|v| $crate::i18n::Choice { code: v.as_str().to_owned(), label: v.label() })
                    .collect()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl autosurgeon::Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
                r.str(self.as_str())
            }
        }

        impl autosurgeon::Hydrate for $name {
            fn hydrate_string(s: &str) -> Result<Self, autosurgeon::HydrateError> {
                $name::parse(s).ok_or_else(|| autosurgeon::HydrateError::unexpected(
                    concat!("one of the ", stringify!($name), " values"),
                    s.to_owned(),
                ))
            }
        }
    };
}
