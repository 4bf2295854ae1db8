//! The one door out: stdout, or a file written atomically (a temporary file beside it,
//! renamed into place only when everything was written).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Where output goes.
pub struct Sink {
    inner: Inner,
}

enum Inner {
    Stdout(BufWriter<std::io::Stdout>),
    File {
        tmp: BufWriter<tempfile::NamedTempFile>,
        target: PathBuf,
    },
}

impl Sink {
    /// Stdout, or a temporary file next to `path`. Writing over one of the `inputs` is refused:
    /// journeymap never touches its input.
    pub fn open(path: Option<&Path>, inputs: &[String]) -> Result<Sink> {
        if let Some(p) = path {
            let target = std::fs::canonicalize(p).ok();
            for input in inputs {
                if target.is_some() && std::fs::canonicalize(input).ok() == target {
                    return Err(crate::error::usage(format!(
                        "-o {} is one of the inputs; journeymap never overwrites its input, so pick another file",
                        p.display()
                    )));
                }
            }
        }
        let inner = match path {
            None => Inner::Stdout(BufWriter::with_capacity(1 << 16, std::io::stdout())),
            Some(p) => {
                let dir = p
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
                let tmp = tempfile::Builder::new()
                    .prefix(".journeymap-")
                    .tempfile_in(dir)
                    .with_context(|| {
                        format!("{}: cannot create a file in {}", p.display(), dir.display())
                    })?;
                Inner::File {
                    tmp: BufWriter::with_capacity(1 << 16, tmp),
                    target: p.to_path_buf(),
                }
            }
        };
        Ok(Sink { inner })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        match &mut self.inner {
            Inner::Stdout(w) => w,
            Inner::File { tmp, .. } => tmp,
        }
    }

    /// Whether output goes to a terminal.
    pub fn is_terminal(&self) -> bool {
        use std::io::IsTerminal;
        matches!(self.inner, Inner::Stdout(_)) && std::io::stdout().is_terminal()
    }

    /// Flushes, and for a file moves it into place.
    pub fn finish(self) -> Result<()> {
        match self.inner {
            Inner::Stdout(mut w) => w.flush()?,
            Inner::File { tmp, target } => {
                let tmp = tmp.into_inner().map_err(|e| e.into_error())?;
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
