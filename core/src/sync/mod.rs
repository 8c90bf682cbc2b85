//! Sync with the server: a server-sequenced change feed (see DESIGN.md, "Sync").
//!
//! The path reads as a story: save → outbox (store) → [`client`] pushes a batch → the server
//! checks it with the same model and rules → its log → the client pulls pages after its cursor →
//! the store applies them and its projections follow.

pub mod change_bytes;
pub mod client;
mod photos;
pub mod policy;
pub mod protocol;

pub use client::{Enrolment, Progress, RetryPolicy, SyncClient, SyncError, SyncPhase, SyncReport};
