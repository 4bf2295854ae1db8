//! The only code that knows file formats and column names: from inputs to an [`EventTable`].

pub mod files;
pub mod findings;
pub mod mapping;
pub mod read;
pub mod time;
pub mod variants;

mod columns;
mod load;
mod table;

pub use files::InputFormat;
pub use findings::Finding;
pub use load::{load, KeepColumn, LoadOptions, SourceSpec};
pub use table::{EventTable, KeptColumn, LoadIssues, SourceInfo, NO_ATTRIBUTE, NO_CHANNEL};
