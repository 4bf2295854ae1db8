//! JSON: the result types serialized as they are, pretty-printed, one trailing newline.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

pub fn write<T: Serialize>(value: &T, out: &mut dyn Write) -> Result<()> {
    // An I/O failure (a closed pipe) stays an io::Error, so main can recognise it.
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}
