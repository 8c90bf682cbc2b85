//! Enums stored in documents and projections as short stable strings ("in_force"), so a document
//! read by any Automerge tool, or an exported row, says what it means without our code.

/// Declares a fieldless enum with a stable string per variant, serde, autosurgeon and SQL glue.
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $s:literal,)+ }) => {
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
