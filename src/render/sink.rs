//! The one door out: stdout, or a file written atomically (a temporary file beside it,
//! renamed into place only when everything was written).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::meta::ReadFile;

/// Where output goes.
pub struct Sink {
    inner: Inner,
    /// The file as named (empty for stdout), for messages.
    label: String,
}

enum Inner {
    Stdout(BufWriter<std::io::Stdout>),
    /// A FIFO, a character device or a socket: written through, never replaced.
    Special(BufWriter<std::fs::File>),
    File {
        tmp: BufWriter<tempfile::NamedTempFile>,
        target: PathBuf,
        /// Removes the temporary file if the run is interrupted, until it is dropped.
        _guard: interrupt::Guard,
    },
}

impl Sink {
    /// Stdout, or `path`: a special file (a FIFO, `/dev/stdout`) is written through; a link is
    /// followed, and its target written atomically (a temporary file beside it, renamed into
    /// place at [`Sink::finish`]). Writing over a file the run reads is refused: journeymap
    /// never touches its input, config, checks or baseline.
    pub fn open(path: Option<&Path>, protected: &[ReadFile]) -> Result<Sink> {
        Sink::open_as(path, protected, "-o")
    }

    /// [`Sink::open`] for a file named by another flag (`--write-baseline`), which messages
    /// name.
    pub fn open_as(path: Option<&Path>, protected: &[ReadFile], flag: &str) -> Result<Sink> {
        let Some(p) = path else {
            return Ok(Sink {
                inner: Inner::Stdout(BufWriter::with_capacity(1 << 16, std::io::stdout())),
                label: String::new(),
            });
        };
        let label = p.display().to_string();
        let Some(target) = follow_links(p) else {
            return Err(crate::error::usage(format!(
                "{flag} {label}: the link leads round in a circle; name a file"
            )));
        };
        if target.is_dir() || label.ends_with('/') {
            return Err(crate::error::usage(format!(
                "{flag} {label}: is a directory; name a file (in it)"
            )));
        }
        if let Ok(real) = std::fs::canonicalize(&target) {
            for file in protected {
                if std::fs::canonicalize(file.path).ok().as_ref() == Some(&real) {
                    return Err(crate::error::usage(format!(
                        "{flag} {label} is the {} {}; journeymap never overwrites a file it reads, so pick another file",
                        file.role,
                        file.path
                    )));
                }
            }
        }
        if is_special(&target) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .with_context(|| format!("{}: cannot write", p.display()))?;
            return Ok(Sink {
                inner: Inner::Special(BufWriter::with_capacity(1 << 16, file)),
                label,
            });
        }
        let dir = target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            anyhow::bail!(
                "{}: the directory {} does not exist",
                p.display(),
                dir.display()
            );
        }
        let (tmp, guard) = interrupt::create(|| {
            tempfile::Builder::new()
                .prefix(".journeymap-")
                .tempfile_in(dir)
                .with_context(|| {
                    format!("{}: cannot create a file in {}", p.display(), dir.display())
                })
        })?;
        Ok(Sink {
            inner: Inner::File {
                tmp: BufWriter::with_capacity(1 << 16, tmp),
                target,
                _guard: guard,
            },
            label,
        })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        match &mut self.inner {
            Inner::Stdout(w) => w,
            Inner::Special(w) => w,
            Inner::File { tmp, .. } => tmp,
        }
    }

    /// Whether output goes to a terminal.
    pub fn is_terminal(&self) -> bool {
        use std::io::IsTerminal;
        matches!(self.inner, Inner::Stdout(_)) && std::io::stdout().is_terminal()
    }

    /// An error while writing, with the file's name (stdout's errors stay as they are, so
    /// that a closed pipe is recognised).
    pub fn context(&self, err: anyhow::Error) -> anyhow::Error {
        match self.inner {
            Inner::Stdout(_) => err,
            _ => err.context(format!("{}: cannot write", self.label)),
        }
    }

    /// Flushes, and for a file moves it into place.
    pub fn finish(self) -> Result<()> {
        let label = self.label;
        match self.inner {
            Inner::Stdout(mut w) => w.flush()?,
            Inner::Special(mut w) => w
                .flush()
                .with_context(|| format!("{label}: cannot write"))?,
            Inner::File { tmp, target, .. } => {
                let tmp = tmp
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("{label}: cannot write"))?;
                tmp.as_file().sync_all().ok();
                // A temporary file is private (0600); the result gets the permissions of the
                // file it replaces, or the usual 0644 for a new one.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let perms = std::fs::metadata(&target)
                        .map(|m| m.permissions())
                        .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
                    let _ = tmp.as_file().set_permissions(perms);
                }
                tmp.persist(&target)
                    .map_err(|e| e.error)
                    .with_context(|| format!("{}: cannot write", target.display()))?;
            }
        }
        Ok(())
    }
}

/// Temporary files removed when the run is interrupted (SIGINT, SIGTERM, SIGHUP): a thread
/// waits for the signal, removes them, and the process then ends as the signal would have
/// ended it (so the shell sees exit status 130 for Ctrl-C). Signals are caught only from
/// just before the first temporary file is created; a file is created and listed under the
/// list's lock, so a signal in between waits for the listing and then removes the file.
mod interrupt {
    use std::path::PathBuf;
    use std::sync::{Mutex, Once};

    static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    static WATCH: Once = Once::new();

    fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
        PENDING.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// While it lives, the file is removed if the run is interrupted.
    pub struct Guard(PathBuf);

    impl Drop for Guard {
        fn drop(&mut self) {
            pending().retain(|p| *p != self.0);
        }
    }

    /// Creates a temporary file with `make` and lists it for removal on a signal, with the
    /// signal handlers in place before the file exists.
    pub fn create(
        make: impl FnOnce() -> anyhow::Result<tempfile::NamedTempFile>,
    ) -> anyhow::Result<(tempfile::NamedTempFile, Guard)> {
        watch();
        let mut list = pending();
        let tmp = make()?;
        list.push(tmp.path().to_path_buf());
        let guard = Guard(tmp.path().to_path_buf());
        Ok((tmp, guard))
    }

    /// Starts the thread that waits for the signals (once).
    fn watch() {
        WATCH.call_once(|| {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    for p in pending().drain(..) {
                        let _ = std::fs::remove_file(p);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            });
        });
    }
}

/// The file a path names, links followed (also to a target that does not exist yet), so that
/// writing replaces the target and leaves the link in place; `None` for a circle of links (or
/// a chain of more than 40).
fn follow_links(path: &Path) -> Option<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&current) {
            Ok(next) => {
                current = match current.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            Err(_) => return Some(current),
        }
    }
    None
}

/// A FIFO, a character or block device, or a socket: something a rename would destroy.
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}
