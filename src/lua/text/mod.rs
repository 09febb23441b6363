//! Text utilities with Lua's exact semantics: number conversions.
pub mod format;
pub mod number;
