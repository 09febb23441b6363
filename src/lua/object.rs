//! The header every collectable object starts with, and object allocation.
//!
//! ```text
//! 0  kind u8 | mark u8 | flags u16 | reserved u32
//! 8  next   address of the next object in the all-objects list (for sweeping)
//! ```
//!
//! Every object is linked into the all-objects list when it is made, so the
//! collector can sweep without knowing the allocator's layout. Blocks an
//! object owns (array parts, stacks, code) are plain allocations without a
//! header, freed with their owner.

use super::state::G_ALL_OBJECTS;
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
/// and links it into the all-objects list rooted at `globals`.
pub fn new_object(h: &mut Heap, globals: Addr, kind: Kind, size: u64) -> Result<Addr, Fault> {
    let addr = h.alloc(size)?;
    h.write_u64(addr, kind as u64)?;
    let head = h.read_u64(globals + G_ALL_OBJECTS)?;
    h.write_u64(addr + 8, head)?;
    h.write_u64(globals + G_ALL_OBJECTS, addr)?;
    Ok(addr)
}

pub fn kind_of(h: &mut Heap, addr: Addr) -> Result<Kind, Fault> {
    Kind::from_u8(h.read_u8(addr)?)
}
