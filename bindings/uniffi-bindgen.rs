//! `cargo run -p sachxanh-ffi --bin uniffi-bindgen -- generate --library …`: the bindings
//! generator at the exact uniffi version the library was built with.

fn main() {
    uniffi::uniffi_bindgen_main()
}
