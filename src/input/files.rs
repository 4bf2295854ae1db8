//! From what the user typed (paths, globs, directories, `-`) to a sorted list of data files,
//! each with its format and any hive partition values (`channel=email/part-0.parquet`).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Serialize;

/// The file formats journeymap reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    Csv,
    Tsv,
    Parquet,
    Jsonl,
}

impl InputFormat {
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Csv => "csv",
            InputFormat::Tsv => "tsv",
            InputFormat::Parquet => "parquet",
            InputFormat::Jsonl => "jsonl",
        }
    }
}

/// Where a file's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Path(PathBuf),
    Stdin,
}

/// One data file to read.
#[derive(Clone, Debug)]
pub struct InputFile {
    pub location: Location,
    /// How the file is named in messages.
    pub label: String,
    pub format: InputFormat,
    /// Gzip-compressed (by extension or by its first bytes).
    pub gzip: bool,
    /// `key=value` directory names between a dataset root and the file.
    pub hive: Vec<(String, String)>,
}

const DATA_EXTENSIONS: &str =
    ".parquet, .pq, .csv, .txt, .tsv, .tab, .jsonl, .ndjson, and .gz of the text formats";

/// The format a file name implies, and whether it is gzip-compressed.
pub fn format_from_name(name: &str) -> Option<(InputFormat, bool)> {
    let lower = name.to_ascii_lowercase();
    let (stem, gz) = match lower.strip_suffix(".gz") {
        Some(s) => (s, true),
        None => (lower.as_str(), false),
    };
    let ext = stem.rsplit('.').next().filter(|e| e.len() < stem.len())?;
    let fmt = match ext {
        "csv" | "txt" => InputFormat::Csv,
        "tsv" | "tab" => InputFormat::Tsv,
        "parquet" | "pq" => InputFormat::Parquet,
        "jsonl" | "ndjson" => InputFormat::Jsonl,
        _ => return None,
    };
    if gz && fmt == InputFormat::Parquet {
        return None;
    }
    Some((fmt, gz))
}

/// The files of every input of a run, each read once: a file reached twice (named twice, or
/// through a link) is read the first time only, and a directory is walked once, so links back
/// up the tree are not followed round. What was skipped is said in `warnings`.
#[derive(Debug, Default)]
pub struct FileSet {
    /// Real path -> how the file was first named.
    files: HashMap<PathBuf, String>,
    /// Real paths of the directories walked.
    dirs: HashSet<PathBuf>,
    /// Whether standard input is one of the inputs already.
    stdin: bool,
    pub warnings: Vec<String>,
}

impl FileSet {
    /// Whether the file at `path` is new to the run (else a warning says it was read already).
    fn first_time(&mut self, path: &Path) -> bool {
        let Ok(real) = std::fs::canonicalize(path) else {
            return true;
        };
        match self.files.get(&real) {
            Some(first) => {
                let label = path.display().to_string();
                self.warnings.push(if *first == label {
                    format!("{label} is named more than once; it is read once")
                } else {
                    format!("{label} is the same file as {first}; it is read once")
                });
                false
            }
            None => {
                self.files.insert(real, path.display().to_string());
                true
            }
        }
    }

    /// Whether the directory at `path` is new to the run (else a warning says so).
    fn first_walk(&mut self, path: &Path) -> bool {
        match std::fs::canonicalize(path) {
            Ok(real) if !self.dirs.insert(real.clone()) => {
                self.warnings.push(format!(
                    "{}: the directory {} is walked already (a link back up the tree?); not read again",
                    path.display(),
                    real.display()
                ));
                false
            }
            _ => true,
        }
    }
}

/// Expands the user's inputs into files, in the order given (globs and directories sorted),
/// leaving out the files and directories that `seen` has met already.
pub fn resolve_inputs(
    inputs: &[String],
    forced: Option<InputFormat>,
    seen: &mut FileSet,
) -> Result<Vec<InputFile>> {
    let mut files = Vec::new();
    for input in inputs {
        if input == "-" {
            if seen.stdin {
                seen.warnings
                    .push("- (standard input) is named more than once; it is read once".into());
                continue;
            }
            seen.stdin = true;
            files.push(InputFile {
                location: Location::Stdin,
                label: "<stdin>".to_string(),
                format: forced.unwrap_or(InputFormat::Csv),
                gzip: false,
                hive: Vec::new(),
            });
        } else if input.contains(['*', '?', '[']) {
            let mut matched: Vec<PathBuf> = glob::glob(input)
                .with_context(|| format!("'{input}' is not a valid glob pattern"))?
                .filter_map(|p| p.ok())
                .filter(|p| p.is_file())
                .collect();
            matched.sort();
            if matched.is_empty() {
                bail!("no files match '{input}'");
            }
            for path in matched {
                if seen.first_time(&path) {
                    files.push(file_entry(&path, forced, Vec::new())?);
                }
            }
        } else {
            let path = PathBuf::from(input);
            if path.is_dir() {
                let mut found = Vec::new();
                let walked = seen.first_walk(&path);
                if walked {
                    walk_dataset(&path, &path, &mut found, seen)?;
                }
                if walked && found.is_empty() {
                    bail!("{input}: directory has no data files (looked for {DATA_EXTENSIONS})");
                }
                found.sort_by(|a, b| a.0.cmp(&b.0));
                for (file, hive) in found {
                    if seen.first_time(&file) {
                        files.push(file_entry(&file, forced, hive)?);
                    }
                }
            } else if path.exists() {
                if seen.first_time(&path) {
                    files.push(file_entry(&path, forced, Vec::new())?);
                }
            } else {
                bail!("{input}: no such file or directory");
            }
        }
    }
    Ok(files)
}

fn file_entry(
    path: &Path,
    forced: Option<InputFormat>,
    hive: Vec<(String, String)>,
) -> Result<InputFile> {
    let label = path.display().to_string();
    let by_name = format_from_name(&label);
    let format = match (forced, by_name) {
        (Some(f), _) => f,
        (None, Some((f, _))) => f,
        (None, None) => bail!(
            "{label}: cannot tell the format from the file name; pass --input-format csv|tsv|parquet|jsonl"
        ),
    };
    let magic = read_magic(path).with_context(|| format!("{label}: cannot open"))?;
    let gzip = magic.starts_with(&[0x1f, 0x8b]);
    if magic.starts_with(b"PAR1") && format != InputFormat::Parquet {
        bail!(
            "{label}: this is a Parquet file (it starts with PAR1), not {}; rename it to .parquet or pass --input-format parquet",
            format.name()
        );
    }
    if format == InputFormat::Parquet && !magic.is_empty() && !magic.starts_with(b"PAR1") {
        bail!(
            "{label}: not a Parquet file (it does not start with PAR1); pass --input-format csv if it is text"
        );
    }
    Ok(InputFile {
        location: Location::Path(path.to_path_buf()),
        label,
        format,
        gzip,
        hive,
    })
}

fn read_magic(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::with_capacity(4);
    std::fs::File::open(path)?.take(4).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Collects data files below `dir`, with the `key=value` directory names on the way; a
/// directory already walked (a link back up the tree) is not walked again.
fn walk_dataset(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(PathBuf, Vec<(String, String)>)>,
    seen: &mut FileSet,
) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read directory", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        if path.is_dir() {
            if seen.first_walk(&path) {
                walk_dataset(root, &path, out, seen)?;
            }
        } else if format_from_name(&name).is_some() && !path.is_file() {
            // A FIFO, a device or a socket (or a link to one) would block or never end.
            seen.warnings.push(format!(
                "{}: not a regular file (a FIFO, device or socket); skipped in the directory walk",
                path.display()
            ));
        } else if format_from_name(&name).is_some() {
            let hive = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .parent()
                .map(|p| {
                    p.components()
                        .filter_map(|c| {
                            let s = c.as_os_str().to_string_lossy();
                            s.split_once('=')
                                .map(|(k, v)| (k.to_string(), v.to_string()))
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push((path, hive));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names() {
        assert_eq!(format_from_name("a.csv"), Some((InputFormat::Csv, false)));
        assert_eq!(format_from_name("a.CSV.gz"), Some((InputFormat::Csv, true)));
        assert_eq!(format_from_name("x/y.tsv"), Some((InputFormat::Tsv, false)));
        assert_eq!(
            format_from_name("p.parquet"),
            Some((InputFormat::Parquet, false))
        );
        assert_eq!(
            format_from_name("e.ndjson"),
            Some((InputFormat::Jsonl, false))
        );
        assert_eq!(
            format_from_name("e.jsonl.gz"),
            Some((InputFormat::Jsonl, true))
        );
        assert_eq!(format_from_name("data"), None);
        assert_eq!(format_from_name("a.xlsx"), None);
    }
}
