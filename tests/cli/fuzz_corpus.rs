//! The fuzz targets' inputs on stable Rust, without cargo-fuzz (docs/fuzzing.md): every seed
//! of `fuzz/corpus/<target>/` and every saved crash of `fuzz/regressions/<target>/` goes
//! through the same `journeymap::fuzzing` function as the fuzz target, then a short
//! mutation run (a fixed number of inputs made from the corpus by a seeded mutator, the same
//! ones on every run) does too. Any panic fails the test and names the input.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use journeymap::fuzzing;

/// Panics seen anywhere in the process, so that a panic on a thread the code under test
/// spawned and joined (and turned into an error) still counts.
static PANICS: AtomicUsize = AtomicUsize::new(0);
static HOOK: Once = Once::new();
/// One target at a time, so that a panic is blamed on the right input.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The largest input the mutator makes (the seeds are smaller).
const MAX_LEN: usize = 4096;
/// The mutation run stops early when it takes longer than this (a slow machine).
const TIME_CAP: Duration = Duration::from_secs(4);

fn count_panics() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `fuzz/<kind>/<target>/`, sorted by name (none if the folder does not exist).
fn inputs(kind: &str, target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fuzz_dir().join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| {
            let name = format!("{target}/{}", p.file_name().unwrap().to_string_lossy());
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// Runs one input; `Err` with the panic count when it panicked.
fn run_one(target: fn(&[u8]), input: &[u8]) -> Result<(), usize> {
    let before = PANICS.load(Ordering::SeqCst);
    let caught = panic::catch_unwind(AssertUnwindSafe(|| target(input)));
    let after = PANICS.load(Ordering::SeqCst);
    if caught.is_err() || after != before {
        return Err(after - before);
    }
    Ok(())
}

/// A small, seeded generator (xorshift64*), so that every run makes the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that mean something to one of the parsers: quotes, separators, digits, signs,
/// brackets, strftime's `%`, a NUL and bytes that are not UTF-8.
const INTERESTING: &[u8] = b"\",\n\r\t;{}[]:=+-.%TZ 0129\\\x00\x7f\xc3\xff";

/// One to four random edits of `input`: flip a bit, set or insert a byte, delete or repeat
/// a range, or splice in part of another corpus input.
fn mutate(rng: &mut Rng, input: &[u8], corpus: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = out.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                out[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 => {
                let i = rng.below(len + 1);
                let b = if rng.below(2) == 0 {
                    INTERESTING[rng.below(INTERESTING.len())]
                } else {
                    rng.next() as u8
                };
                out.insert(i, b);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(16));
                out.drain(i..i + n);
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(32));
                let part = out[i..i + n].to_vec();
                let at = rng.below(len + 1);
                out.splice(at..at, part);
            }
            5 => {
                let (_, other) = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let i = rng.below(other.len());
                    let n = 1 + rng.below((other.len() - i).min(64));
                    let at = rng.below(len + 1);
                    out.splice(at..at, other[i..i + n].iter().copied());
                }
            }
            _ => {
                let keep = rng.below(len + 1);
                out.truncate(keep);
            }
        }
    }
    out.truncate(MAX_LEN);
    out
}

/// Replays the target's seeds and regressions, then `mutations` inputs made from them.
fn replay_and_mutate(target: &str, run: fn(&[u8]), mutations: usize, seed: u64) {
    count_panics();
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut corpus = inputs("corpus", target);
    assert!(!corpus.is_empty(), "fuzz/corpus/{target}/ has no seeds");
    corpus.extend(inputs("regressions", target));
    let mut failures = Vec::new();
    for (name, bytes) in &corpus {
        if let Err(n) = run_one(run, bytes) {
            failures.push(format!("{name}: {n} panic(s)"));
        }
    }
    let mut rng = Rng(seed);
    let start = Instant::now();
    let mut done = 0;
    while done < mutations && start.elapsed() < TIME_CAP {
        let (_, base) = &corpus[rng.below(corpus.len())];
        let input = mutate(&mut rng, base, &corpus);
        if let Err(n) = run_one(run, &input) {
            failures.push(format!(
                "mutation {done}: {n} panic(s) on {:?}",
                String::from_utf8_lossy(&input)
            ));
        }
        done += 1;
    }
    eprintln!(
        "{target}: {} corpus inputs, {done} mutations in {:.1?}",
        corpus.len(),
        start.elapsed()
    );
    assert!(
        failures.is_empty(),
        "the {target} fuzz target panicked (the panic messages are above; save the input in \
         fuzz/regressions/{target}/):\n{}",
        failures.join("\n")
    );
}

/// The time and config targets take text as their fuzz targets do (libfuzzer-sys's `&str`):
/// the longest prefix of the bytes that is UTF-8.
fn text(run: fn(&str), bytes: &[u8]) {
    let valid = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap(),
    };
    run(valid);
}

#[test]
fn csv() {
    replay_and_mutate("csv", fuzzing::csv, 3000, 0x00c5_0001);
}

#[test]
fn jsonl() {
    replay_and_mutate("jsonl", fuzzing::jsonl, 6000, 0x0150_0002);
}

#[test]
fn time() {
    replay_and_mutate("time", |b| text(fuzzing::time, b), 15000, 0x7193_0003);
}

#[test]
fn config() {
    replay_and_mutate("config", |b| text(fuzzing::config, b), 10000, 0xc0f1_0004);
}
