//! Inputs named twice, links, and directories that link back up the tree: every file is read
//! once, by its real path, and every skip is a warning.

use crate::common::*;

#[cfg(unix)]
#[test]
fn every_file_is_read_once_and_links_back_are_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = scratch("links");
    let export = dir.join("export");
    std::fs::create_dir_all(&export).unwrap();
    std::fs::copy(data("tiny.csv"), export.join("tiny.csv")).unwrap();
    // A link to the directory itself and two to its parent: walked naively, the first is
    // read again and again, and the two to the parent double the walk at every level.
    symlink(".", export.join("me")).unwrap();
    symlink("..", export.join("up1")).unwrap();
    symlink("..", export.join("up2")).unwrap();

    let run = run_in(&dir, &["inspect", "export", "-f", "json"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["rows"]["used"], 16, "tiny.csv has 16 events");
    assert_eq!(run.json()["inputs"].as_array().unwrap().len(), 1);
    assert!(
        run.stderr
            .contains("is walked already (a link back up the tree?); not read again"),
        "{}",
        run.stderr
    );

    // The same file named twice, and once more through the link.
    let run = run_in(
        &dir,
        &[
            "paths",
            "export/tiny.csv",
            "export/tiny.csv",
            "export/me/tiny.csv",
            "-f",
            "json",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["journeys"], 4);
    assert_eq!(
        run.stderr,
        "journeymap: warning: export/tiny.csv is named more than once; it is read once\n\
         journeymap: warning: export/me/tiny.csv is the same file as export/tiny.csv; it is read once\n"
    );
}
