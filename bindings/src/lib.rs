//! The library the phone apps load: the core with its uniffi face (`sachxanh_core::ffi`).
//! Nothing is defined here; linking the core into this cdylib/staticlib exports its scaffolding.

pub use sachxanh_core::ffi::*;
