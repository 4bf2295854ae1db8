//! Entry points for the fuzz targets (`fuzz/`) and for the test that replays their corpus
//! (`tests/cli/fuzz_corpus.rs`): each takes arbitrary input and runs it through a parser the
//! way the tool does. Errors are expected and ignored; a panic is a bug. Not part of the API.
//! See docs/fuzzing.md.

use std::io::Write;

use crate::cli::{InputArgs, JourneyArgs};
use crate::input::files::{InputFile, InputFormat, Location};
use crate::input::read::{self, csv_pieces};
use crate::input::time::{parse_bound, parse_tz, TimeParser, TimeUnit};
use crate::input::{load, LoadOptions, SourceSpec};
use crate::settings::{resolve, Request};

/// `--time-format` layouts the time target tries on every input, invalid ones included.
const TIME_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y",
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%d.%m.%Y %H:%M:%S %z",
    "%s",
    "%+",
    "%c",
    "%Y%m%d",
    "%Q",
    "%",
    "%Y-%m-%d %",
    "",
];

/// CSV bytes: split into pieces as loading does (checking that the pieces put back together
/// are the input), then opened, read whole and in small pieces, diagnosed and loaded as a
/// `.csv` file (a `.tsv` one when the first line has a tab and no comma).
pub fn csv(bytes: &[u8]) {
    check_pieces(bytes);
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let tsv = first_line.contains(&b'\t') && !first_line.contains(&b',');
    let (format, suffix) = if tsv {
        (InputFormat::Tsv, ".tsv")
    } else {
        (InputFormat::Csv, ".csv")
    };
    let Some(file) = temp_file(bytes, suffix) else {
        return;
    };
    read_opened(file.path(), format, bytes);
    load_file(file.path());
}

/// JSON Lines bytes: opened (which parses the whole file), read, and loaded as a `.jsonl`
/// file.
pub fn jsonl(bytes: &[u8]) {
    let Some(file) = temp_file(bytes, ".jsonl") else {
        return;
    };
    read_opened(file.path(), InputFormat::Jsonl, bytes);
    load_file(file.path());
}

/// A timestamp text: parsed with the default settings, with each `--time-unit`, in a zone
/// with daylight saving time, with several `--time-format` layouts (invalid ones too) and as
/// a `--from`/`--to` bound. A text with a newline is also read as `LAYOUT\nVALUE`, so the
/// layout is fuzzed too. Parsing is checked to give the same result twice and to ignore
/// spaces around the text.
pub fn time(text: &str) {
    let default = TimeParser::default();
    let once = default.parse(text);
    assert_eq!(once, default.parse(text), "parsing twice differs");
    assert_eq!(
        once,
        default.parse(&format!(" {text}\t")),
        "spaces around the text change the result"
    );
    let tz = parse_tz("Europe/Berlin").ok();
    let units = [TimeUnit::S, TimeUnit::Ms, TimeUnit::Us, TimeUnit::Ns];
    for unit in units.into_iter().map(Some).chain([None]) {
        let p = TimeParser::new(None, unit, None);
        p.parse(text);
        TimeParser::new(None, unit, tz).parse(text);
    }
    for fmt in TIME_FORMATS {
        TimeParser::new(Some(fmt.to_string()), None, None).parse(text);
        TimeParser::new(Some(fmt.to_string()), None, tz).parse(text);
    }
    for upper in [false, true] {
        let _ = parse_bound(&default, text, upper, "--to");
        if let Some(tz) = tz {
            let _ = parse_bound(&TimeParser::new(None, None, Some(tz)), text, upper, "--to");
        }
    }
    if let Some((layout, value)) = text.split_once('\n') {
        let p = TimeParser::new(Some(layout.to_string()), None, None);
        p.parse(value);
        TimeParser::new(Some(layout.to_string()), None, tz).parse(value);
        p.formats_tried();
    }
}

/// A `journeymap.toml` text: parsed (twice, checking both give the same), then merged with
/// empty flags into the settings a command uses, and its `[[check]]` tables compiled.
pub fn config(text: &str) {
    let Ok(cfg) = crate::config::parse(text) else {
        return;
    };
    let again = crate::config::parse(text).expect("the text parsed once");
    assert_eq!(
        format!("{cfg:?}"),
        format!("{again:?}"),
        "parsing twice differs"
    );
    let (input, journey) = (InputArgs::default(), JourneyArgs::default());
    let request = Request::new(&input, &journey, &cfg);
    let _ = resolve(&request);
    let _ = resolve(&request.lenient().channels_if_any());
    let _ = crate::check::spec::compile(&cfg.check, &cfg.funnels, "journeymap.toml");
}

/// Splits `bytes` into pieces with a few piece sizes: every piece must start with the same
/// header line, and the rest of the pieces put together must be the rest of the input, but
/// for blank lines, which are left out (so only line-break bytes may be missing).
fn check_pieces(bytes: &[u8]) {
    let mut sizes = vec![3, 64, bytes.len() + 1];
    if bytes.len() <= 512 {
        sizes.push(1);
    }
    for size in sizes {
        let mut header: Option<Vec<u8>> = None;
        let mut body = Vec::new();
        let mut pieces = 0usize;
        let lines = std::sync::Mutex::default();
        csv_pieces(bytes, size, &lines, |piece, _first_record| {
            pieces += 1;
            let h = header.get_or_insert_with(|| {
                // The header is the first line outside quotes, or the whole text.
                let mut quoted = false;
                let end = piece
                    .iter()
                    .position(|b| {
                        if *b == b'"' {
                            quoted = !quoted;
                        }
                        *b == b'\n' && !quoted
                    })
                    .map_or(piece.len(), |i| i + 1);
                piece[..end].to_vec()
            });
            assert!(
                piece.starts_with(h),
                "piece size {size}: a piece does not start with the header"
            );
            body.extend_from_slice(&piece[h.len()..]);
            Ok(())
        })
        .expect("reading from memory does not fail");
        let header = header.unwrap_or_default();
        assert!(
            pieces > 0 || bytes.is_empty(),
            "piece size {size}: no piece"
        );
        let joined = [header.as_slice(), body.as_slice()].concat();
        let blank_lines = bytes.windows(2).any(|w| w == b"\n\n" || w == b"\n\r")
            || bytes.starts_with(b"\n")
            || bytes.starts_with(b"\r");
        if blank_lines {
            let text = |b: &[u8]| -> Vec<u8> {
                b.iter()
                    .copied()
                    .filter(|c| *c != b'\n' && *c != b'\r')
                    .collect()
            };
            assert_eq!(
                text(&joined),
                text(bytes),
                "piece size {size}: the pieces lost more than blank lines"
            );
        } else {
            assert_eq!(
                joined, bytes,
                "piece size {size}: the pieces are not the input"
            );
        }
    }
}

/// The bytes in a new temporary file whose name ends with `suffix` (`None` if it cannot be
/// written, which is not what is being tested).
fn temp_file(bytes: &[u8], suffix: &str) -> Option<tempfile::NamedTempFile> {
    let mut file = tempfile::Builder::new()
        .prefix("journeymap-fuzz-")
        .suffix(suffix)
        .tempfile()
        .ok()?;
    file.write_all(bytes).ok()?;
    file.flush().ok()?;
    Some(file)
}

/// Opens the file (holding `bytes`) as `format` and reads every column: whole, in small pieces, and the first
/// row that breaks it; guesses column types as `inspect` does.
fn read_opened(path: &std::path::Path, format: InputFormat, bytes: &[u8]) {
    let file = InputFile {
        location: Location::Path(path.to_path_buf()),
        label: path.display().to_string(),
        format,
        gzip: bytes.starts_with(&[0x1f, 0x8b]),
        hive: Vec::new(),
    };
    let Ok(mut opened) = read::open(&file, None) else {
        return;
    };
    opened.sniff_types(1000);
    let columns = opened.columns.clone();
    let _ = opened.read(&columns);
    let _ = opened.read_chunks(&columns, (bytes.len() / 3).max(1), |_| Ok(()));
    opened.diagnose();
    opened.rows_hint();
}

/// Loads the file as a command does (columns detected by name), and if that fails, the way
/// `inspect` does (invalid rows reported, column types guessed).
fn load_file(path: &std::path::Path) {
    let mut opts = LoadOptions {
        sources: vec![SourceSpec {
            inputs: vec![path.display().to_string()],
            ..SourceSpec::default()
        }],
        ..LoadOptions::default()
    };
    if load(&opts).is_ok() {
        return;
    }
    opts.lenient = true;
    opts.sniff_types = true;
    let _ = load(&opts);
}
