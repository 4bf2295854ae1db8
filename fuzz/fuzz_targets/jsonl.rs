//! JSON Lines bytes through journeymap's reader and loader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    journeymap::fuzzing::jsonl(data);
});
