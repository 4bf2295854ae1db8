//! Timestamp text through journeymap's time parser, with and without --time-format layouts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    journeymap::fuzzing::time(text);
});
