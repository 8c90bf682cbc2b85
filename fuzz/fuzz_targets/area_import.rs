#![no_main]
libfuzzer_sys::fuzz_target!(
    init: sachxanh_core::fuzzing::init(),
    |data: &[u8]| sachxanh_core::fuzzing::area_import(data)
);
