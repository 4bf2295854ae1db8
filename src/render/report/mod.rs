//! One file per command's output: the output type (its JSON is the type, serialized) and its
//! [`Present`](super::Present) implementation, with the table, CSV, Markdown and drawing
//! projections of that output.

pub mod attribution;
pub mod check;
pub mod diff;
pub mod dropoff;
pub mod explore;
pub mod funnel;
pub mod graph;
pub mod inspect;
pub mod painpoints;
pub mod paths;
pub mod scores;
pub mod stages;
pub mod steps;
pub mod transitions;
