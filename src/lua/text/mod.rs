//! Text utilities with Lua's exact semantics: number conversions.
pub mod format;
pub mod pattern;
pub mod number;
