//! The header every collectable object starts with, and object allocation.
//!
//! ```text
//! 0  kind u8 | gc flags u8 | reserved
//! 8  link   the collector's list link (objects to finalize, threads)
//! ```
//!
//! The collector's marks are not in the header but in a side bitmap (see
//! gc.rs), which also records where objects start, so it can sweep without
//! reading live objects. Blocks an object owns (array parts, stacks, code)
//! are plain allocations without a header, freed with their owner.

use crate::heap::{Addr, Fault, Heap};

pub const HEADER_SIZE: u64 = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Str = 1,
    Table = 2,
    LuaFn = 3,
    NativeFn = 4,
    Thread = 5,
    Proto = 6,
    UpVal = 7,
}

impl Kind {
    pub fn from_u8(b: u8) -> Result<Kind, Fault> {
        Ok(match b {
            1 => Kind::Str,
            2 => Kind::Table,
            3 => Kind::LuaFn,
            4 => Kind::NativeFn,
            5 => Kind::Thread,
            6 => Kind::Proto,
            7 => Kind::UpVal,
            _ => return Err(Fault::Invalid("object header has an unknown kind")),
        })
    }
}

/// Allocates an object of `size` bytes (header included), writes its header
/// and records it with the collector (`globals` is the global block).
pub fn new_object(h: &mut Heap, globals: Addr, kind: Kind, size: u64) -> Result<Addr, Fault> {
    let addr = h.alloc(size)?;
    h.write_u64(addr, kind as u64)?;
    h.write_u64(addr + 8, 0)?;
    super::gc::on_new_object(h, globals, addr)?;
    Ok(addr)
}

pub fn kind_of(h: &mut Heap, addr: Addr) -> Result<Kind, Fault> {
    Kind::from_u8(h.read_u8(addr)?)
}
