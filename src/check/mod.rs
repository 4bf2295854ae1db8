//! `journeymap check`: CI gates over the analyses. `spec` reads `[[check]]` tables, `evaluate`
//! measures and judges them, `baseline` records and reads the values they are compared with.

pub mod baseline;
pub mod evaluate;
pub mod spec;

pub use evaluate::{CheckResult, Verdict};
