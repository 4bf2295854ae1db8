//! One file per analysis; each returns a plain result type and never prints.

pub mod attribution;
pub mod diff;
pub mod dropoff;
pub mod explore;
pub mod funnel;
pub mod funnel_breakdown;
pub mod graph;
pub mod inspect;
pub mod measures;
pub mod painpoints;
pub mod paths;
pub mod scores;
pub mod stages;
pub mod stats;
pub mod step_matrix;
pub mod steps;
pub mod subset;
pub mod variants;
pub mod ztest;
