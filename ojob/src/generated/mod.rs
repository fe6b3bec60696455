//! One operation command per operation of each spec. `@generated` by `cargo xtask generate`: do not edit.

pub mod ess;
pub mod oac;
pub mod ogg;
