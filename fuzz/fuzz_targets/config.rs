//! journeymap.toml text through the config parser and the settings it feeds.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    journeymap::fuzzing::config(text);
});
