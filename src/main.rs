//! The journeymap binary: parse, run, and turn an error into a message and an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = match journeymap::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; usage errors exit 2.
            let code = e.exit_code();
            if code == 0 {
                let _ = e.print();
            } else {
                // Usage errors get the same prefix as every other error.
                let _ = write!(std::io::stderr(), "journeymap: {}", e.render());
            }
            return ExitCode::from(code as u8);
        }
    };
    match journeymap::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if journeymap::error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if journeymap::error::is_gate_failure(&err) => {
            // The report is written; this line only says why the exit code is 1.
            let msg = format!("journeymap: check: {err}");
            let _ = writeln!(std::io::stderr(), "{}", journeymap::text::visible(&msg));
            ExitCode::from(1)
        }
        Err(err) => {
            let mut msg = format!("journeymap: error: {err}");
            for cause in err.chain().skip(1) {
                msg.push_str(&format!(": {cause}"));
            }
            // Names and values from the data are in the message: control characters are
            // shown escaped, so that they cannot act on the terminal.
            let _ = writeln!(std::io::stderr(), "{}", journeymap::text::visible(&msg));
            ExitCode::from(journeymap::error::exit_code(&err) as u8)
        }
    }
}

/// Loading allocates and frees large buffers for every piece of input it reads; by default
/// glibc hands each one back to the kernel and takes the page faults again for the next.
/// Keeping freed memory for reuse removes about a third of the page faults of a large load.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_freed_memory() {
    // SAFETY: mallopt only changes settings of the allocator, before any thread is started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_freed_memory() {}
