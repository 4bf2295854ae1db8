//! One file per analysis; each returns a plain result type and never prints.

pub mod inspect;
pub mod stats;
