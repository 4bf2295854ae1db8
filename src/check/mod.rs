//! `journeymap check`: CI gates over the analyses. `spec` reads `[[check]]` tables into the
//! checks of `measure`, `evaluate` measures and judges them, `baseline` records and reads the
//! values they are compared with.

pub mod baseline;
pub mod evaluate;
pub mod judge;
pub mod measure;
pub mod spec;

pub use judge::{CheckResult, Verdict};
