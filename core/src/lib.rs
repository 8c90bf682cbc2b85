//! sachxanh-core: the product's brain, shared by the phones (through uniffi) and the server.
//!
//! - [`model`]: the records volunteers and staff make, with the validation both sides apply;
//! - [`document`]: one record as one Automerge document;
//! - [`store`]: the offline store on the device (rusqlite + documents + projections + outbox);
//! - [`sync`]: the wire protocol (shared with the server) and the device's sync client;
//! - [`photo`]: photos scaled and re-encoded on the phone, named by SHA-256;
//! - [`erasure`]: a record's personal data erased through its history, on request;
//! - [`duplicates`]: households recorded twice, found by resemblance and merged by staff;
//! - [`report`]: the plan's targets from approved records, the same on phones and server;
//! - [`reference`] and [`place`]: communes, areas and geometry;
//! - [`text`] and [`i18n`]: Vietnamese text handling and messages in two languages.

pub mod catalog;
pub mod document;
pub mod duplicates;
pub mod enrolment;
pub mod erasure;
pub mod form;
pub mod fuzzing;

pub mod error;
#[cfg(feature = "ffi")]
pub mod ffi;
pub mod i18n;
pub mod model;
pub mod photo;
pub mod place;
pub mod reference;
pub mod report;
pub mod store;
mod string_enum;
pub mod sync;
pub mod text;

#[cfg(feature = "ffi")]
uniffi::setup_scaffolding!();

pub use error::{Error, FieldError, Invalid, Result, Rule};

/// The release this core belongs to: the phone reports it at sync so staff see which phones
/// still run an old app.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub use reference::Reference;
pub use store::Store;
