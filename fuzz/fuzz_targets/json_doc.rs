#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| lake_core::fuzzing::json_doc(data));
