#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sachxanh_core::fuzzing::push_body(data));
