//! The error kinds that decide journeymap's exit code.
//!
//! Every failure travels as an `anyhow::Error`; the ones that are the user's command line
//! rather than their data are tagged [`Error::Usage`] so `main` can exit with 2.

use std::fmt;

/// A failure tagged with the exit code it must produce.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line asks for something journeymap cannot do (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A `check` gate failed (exit 1, but not reported as an error).
    #[error("{0}")]
    GateFailed(String),
    /// Bad input for `check` (exit 2, like a usage error), so that its exit code 1 always
    /// means "a check failed" and never "the export could not be read".
    #[error(transparent)]
    CheckInput(anyhow::Error),
}

/// Builds a usage error (exit code 2).
pub fn usage(msg: impl fmt::Display) -> anyhow::Error {
    Error::Usage(msg.to_string()).into()
}

/// Exit code for an error chain: 2 for usage errors (and `check`'s input errors), 1 for
/// everything else (a failed `check` gate included).
pub fn exit_code(err: &anyhow::Error) -> i32 {
    match err.downcast_ref::<Error>() {
        Some(Error::Usage(_) | Error::CheckInput(_)) => 2,
        _ => 1,
    }
}

/// True when the error is a failed `check` gate (reported without the `error:` prefix).
pub fn is_gate_failure(err: &anyhow::Error) -> bool {
    matches!(err.downcast_ref::<Error>(), Some(Error::GateFailed(_)))
}

/// True when the error is (or was caused by) writing to a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
