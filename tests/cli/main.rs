//! The integration tests: they run the built binary over `testdata/` and `examples/`.
//! One test binary (each module was its own binary before) so that polars is linked once.

mod common;

mod analyses;
mod attribution;
mod attribution_monte_carlo;
mod bad_input;
mod browser;
mod check;
mod diff;
mod dot;
mod explore;
mod flow;
mod funnel;
mod fuzz_corpus;
mod generate;
mod hostile;
mod input_files;
mod inspect;
mod journeys;
mod readme;
mod report;
mod scores;
mod snapshots;
mod stages;
mod steps;
mod variants;
mod warehouse;
