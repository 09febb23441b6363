//! The Lua 5.4 virtual machine. Everything it knows lives in the virtual heap:
//! strings, tables, closures, prototypes, upvalues, threads with their stacks
//! and frames, the globals, the output buffer. Nothing on the Rust side
//! survives an instruction.

pub mod compiler;
pub mod func;
pub mod gc;
pub mod host;
pub mod input;
pub mod lib;
pub mod object;
pub mod output;
pub mod runtime;
pub mod state;
pub mod string;
pub mod table;
pub mod text;
pub mod value;
pub mod vm;
