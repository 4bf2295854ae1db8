//! CSV/TSV bytes through journeymap's piece splitter, reader and loader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    journeymap::fuzzing::csv(data);
});
