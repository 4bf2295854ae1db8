//! Interned names: every customer id, touchpoint and channel becomes a small integer id once,
//! while loading, so that ordering and every analysis work on integers. `input` fills the
//! dictionaries; `journey` and the analyses read them.

mod deferred;
mod dictionary;

pub use deferred::DeferredIds;
pub use dictionary::Dictionary;
