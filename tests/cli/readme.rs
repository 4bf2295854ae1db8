//! The README's console examples are what the binary prints today.

use crate::common;
use common::*;

#[test]
fn every_console_example_in_the_readme_is_current() {
    let readme =
        std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        let (command, want) = block.split_once('\n').unwrap();
        let args: Vec<&str> = command
            .strip_prefix("$ journeymap ")
            .unwrap_or_else(|| panic!("not a journeymap command: {command}"))
            .split_whitespace()
            .chain(["--color", "never"])
            .collect();
        let got = jm(&args).ok().stdout;
        assert_eq!(got, want, "README example `{command}` is out of date");
        checked += 1;
    }
    assert!(checked >= 4, "{checked} examples");
}
