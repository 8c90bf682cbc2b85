//! The kind registry. `record_kinds!` (one line per kind, in `model/mod.rs`) declares each
//! kind's module and makes everything that lists kinds: the `RecordKind` enum, the
//! `AnyRecord` type, hydration from a document, reading from JSON, and the dispatch that lets
//! generic code reach a kind's module. Nothing else in the product names kinds one by one.

/// Declares the record kinds: `Variant = "code" => module::Type,` per kind.
#[macro_export]
macro_rules! record_kinds {
    ($($variant:ident = $code:literal => $module:ident :: $ty:ident,)+) => {
        $(pub mod $module;)+

        /// The kinds of record.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
        pub enum RecordKind {
            $(#[serde(rename = $code)] $variant,)+
        }

        impl RecordKind {
            pub const ALL: &'static [RecordKind] = &[$(RecordKind::$variant,)+];

            /// The stable code, stored in documents and rows.
            pub fn as_str(&self) -> &'static str {
                match self { $(RecordKind::$variant => $code,)+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some(RecordKind::$variant),)+ _ => None }
            }

            /// What a person reads for the kind.
            pub fn label(&self) -> $crate::i18n::Message {
                match self {
                    $(RecordKind::$variant => <$ty as $crate::model::RecordBody>::LABEL.message(),)+
                }
            }

            /// Every kind with its label: a choice list.
            pub fn choices() -> Vec<$crate::i18n::Choice> {
                Self::ALL
                    .iter()
                    .map(|k| $crate::i18n::Choice { code: k.as_str().to_owned(), label: k.label() })
                    .collect()
            }

            /// Runs generic code with this kind's type.
            pub fn visit<V: $crate::model::KindVisitor>(&self, v: V) -> V::Output {
                match self { $(RecordKind::$variant => v.visit::<$ty>(),)+ }
            }

            /// The kind's form fields.
            pub fn fields(&self) -> &'static [$crate::form::Field] {
                match self { $(RecordKind::$variant => <$ty as $crate::model::RecordBody>::FIELDS,)+ }
            }

            /// The kind's status ladder, if it has one.
            pub fn ladder(&self) -> Option<$crate::form::Ladder> {
                match self { $(RecordKind::$variant => <$ty as $crate::model::RecordBody>::LADDER,)+ }
            }

            /// The kind's projection table on the phone: (name, `CREATE TABLE …`).
            pub fn table(&self) -> (&'static str, &'static str) {
                match self {
                    $(RecordKind::$variant => (
                        <$ty as $crate::model::RecordBody>::TABLE_NAME,
                        <$ty as $crate::model::RecordBody>::TABLE,
                    ),)+
                }
            }

            /// A new record of this kind, as its form starts.
            pub fn draft(&self, draft: &$crate::model::Draft) -> AnyRecord {
                match self {
                    $(RecordKind::$variant => AnyRecord::$variant(<$ty as $crate::model::RecordBody>::draft(draft)),)+
                }
            }
        }

        impl std::fmt::Display for RecordKind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl autosurgeon::Reconcile for RecordKind {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
                r.str(self.as_str())
            }
        }

        impl autosurgeon::Hydrate for RecordKind {
            fn hydrate_string(s: &str) -> Result<Self, autosurgeon::HydrateError> {
                RecordKind::parse(s).ok_or_else(|| {
                    autosurgeon::HydrateError::unexpected("a record kind", s.to_owned())
                })
            }
        }

        /// A record of any kind, for code that handles them all (projections, sync, the server,
        /// the apps' forms).
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(tag = "kind", content = "data")]
        #[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
        pub enum AnyRecord {
            $(#[serde(rename = $code)] $variant($ty),)+
        }

        $(
            impl From<$ty> for AnyRecord {
                fn from(r: $ty) -> Self {
                    AnyRecord::$variant(r)
                }
            }
        )+

        impl AnyRecord {
            /// The record as its kind's module sees it.
            pub fn body(&self) -> &dyn $crate::model::Record {
                match self { $(AnyRecord::$variant(r) => r,)+ }
            }

            pub fn body_mut(&mut self) -> &mut dyn $crate::model::Record {
                match self { $(AnyRecord::$variant(r) => r,)+ }
            }

            /// Runs generic code with the record as its own type.
            pub fn visit<V: $crate::model::RecordVisitor>(self, v: V) -> V::Output {
                match self { $(AnyRecord::$variant(r) => v.visit(r),)+ }
            }

            /// Reads the body of a document of the given kind.
            pub fn hydrate_from(
                kind: RecordKind,
                doc: &automerge::Automerge,
            ) -> Result<AnyRecord, autosurgeon::HydrateError> {
                Ok(match kind {
                    $(RecordKind::$variant => AnyRecord::$variant(autosurgeon::hydrate_prop(doc, automerge::ROOT, "data")?),)+
                })
            }

            /// A record from its kind and its values as JSON (as rows keep them).
            pub fn from_json(kind: RecordKind, data: serde_json::Value) -> serde_json::Result<AnyRecord> {
                Ok(match kind {
                    $(RecordKind::$variant => AnyRecord::$variant(serde_json::from_value(data)?),)+
                })
            }

            /// The record's values as JSON, as rows keep them.
            pub fn to_json(&self) -> serde_json::Value {
                match self { $(AnyRecord::$variant(r) => serde_json::to_value(r).unwrap_or_default(),)+ }
            }
        }
    };
}
