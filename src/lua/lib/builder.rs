//! Long strings built in bounded steps (table.concat, gsub, string.rep,
//! `..` of long strings).
//!
//! A `Rope` collects the pieces of the result as strings in a table: small
//! pieces are merged into one string per slice, long ones are kept by
//! reference (never copied twice). Then the result is assembled a slice at
//! a time into a string made at its final length, its hash computed along
//! the way. All of it lives in the native's frame slots (`Saved`), so any
//! step boundary is a valid checkpoint and a fault rolls back one slice.

use super::*;
use crate::lua::string::{self, LongHash};

/// Bytes copied into the result per step.
pub const FILL_SLICE: u64 = 16 * 1024;
/// Pieces shorter than this are merged rather than kept by reference.
const SMALL_PIECE: usize = 256;

// Slots, from the rope's first one.
const PIECES: usize = 0; // table of piece strings
const TOTAL: usize = 1; // bytes so far
const COUNT: usize = 2; // pieces so far
const DEST: usize = 3; // the result being filled
const NEXT: usize = 4; // piece being copied (1-based)
const OFFSET: usize = 5; // bytes of the result written
const HASH: usize = 6; // hash state of the bytes written
const IN_PIECE: usize = 7; // bytes of the current piece already copied

pub struct Rope {
    at: usize,
    /// Small pieces waiting to be merged into one (this step only).
    pending: Vec<u8>,
}

impl Rope {
    pub const SLOTS: usize = 8;

    /// The rope in slots `at..at + SLOTS`, made if it does not exist yet.
    pub fn open(ctx: &mut Ctx, st: &Saved, at: usize) -> LuaResult<Rope> {
        if !matches!(st.val(ctx, at + PIECES)?, Value::Table(_)) {
            let t = table::new_table(ctx.h, ctx.g, 0, 0)?;
            st.set_val(ctx, at + PIECES, Value::Table(t))?;
            st.set_int(ctx, at + TOTAL, 0)?;
            st.set_int(ctx, at + COUNT, 0)?;
        }
        Ok(Rope { at, pending: Vec::new() })
    }

    pub fn push_bytes(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// True when this step has merged enough bytes (time to end the slice).
    pub fn slice_full(&self) -> bool {
        self.pending.len() as u64 >= FILL_SLICE / 2
    }

    /// Appends a string or number value (strings of any length, by reference).
    pub fn push_value(&mut self, ctx: &mut Ctx, st: &Saved, v: Value) -> LuaResult<()> {
        match v {
            Value::Str(s) if string::len(ctx.h, s)? as usize >= SMALL_PIECE => {
                self.flush(ctx, st)?;
                self.add_piece(ctx, st, v)
            }
            Value::Str(s) => {
                let b = string::bytes(ctx.h, s)?;
                self.pending.extend_from_slice(&b);
                Ok(())
            }
            _ => {
                let b = meta::basic_tostring(ctx, v)?;
                self.pending.extend_from_slice(&b);
                Ok(())
            }
        }
    }

    /// Stores the merged small pieces; call before the step ends.
    pub fn flush(&mut self, ctx: &mut Ctx, st: &Saved) -> LuaResult<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let s = ctx.new_str(&std::mem::take(&mut self.pending))?;
        self.add_piece(ctx, st, s)
    }

    fn add_piece(&mut self, ctx: &mut Ctx, st: &Saved, s: Value) -> LuaResult<()> {
        let Value::Str(addr) = s else { return Ok(()) };
        let Value::Table(t) = st.val(ctx, self.at + PIECES)? else { return Err(Fault::Invalid("rope without its table").into()) };
        let n = st.int(ctx, self.at + COUNT)? + 1;
        table::set_int(ctx.h, t, n, s)?;
        st.set_int(ctx, self.at + COUNT, n)?;
        let total = st.int(ctx, self.at + TOTAL)? + string::len(ctx.h, addr)? as i64;
        st.set_int(ctx, self.at + TOTAL, total)
    }

    pub fn total(&self, ctx: &mut Ctx, st: &Saved) -> LuaResult<u64> {
        Ok(st.int(ctx, self.at + TOTAL)? as u64 + self.pending.len() as u64)
    }

    /// One slice of assembling the result: `Some(string)` when it is done.
    pub fn assemble(&mut self, ctx: &mut Ctx, st: &Saved) -> LuaResult<Option<Value>> {
        self.flush(ctx, st)?;
        let at = self.at;
        let total = st.int(ctx, at + TOTAL)? as u64;
        let count = st.int(ctx, at + COUNT)?;
        let Value::Table(pieces) = st.val(ctx, at + PIECES)? else { return Err(Fault::Invalid("rope without its table").into()) };
        if total <= string::SHORT_MAX as u64 || count == 1 {
            // Short, or one piece: no copy in slices needed.
            if count == 1 {
                return Ok(Some(table::get_int(ctx.h, pieces, 1)?));
            }
            let mut bytes = Vec::new();
            for i in 1..=count {
                if let Value::Str(s) = table::get_int(ctx.h, pieces, i)? {
                    bytes.extend(string::bytes(ctx.h, s)?);
                }
            }
            return Ok(Some(ctx.new_str(&bytes)?));
        }
        let dest = match st.val(ctx, at + DEST)? {
            Value::Str(d) => d,
            _ => {
                let d = string::new_unfilled(ctx.h, ctx.g, total)?;
                st.set_val(ctx, at + DEST, Value::Str(d))?;
                st.set_int(ctx, at + NEXT, 1)?;
                st.set_int(ctx, at + OFFSET, 0)?;
                st.set_int(ctx, at + HASH, LongHash::new().0 as i64)?;
                st.set_int(ctx, at + IN_PIECE, 0)?;
                d
            }
        };
        let mut next = st.int(ctx, at + NEXT)?;
        let mut offset = st.int(ctx, at + OFFSET)? as u64;
        let mut in_piece = st.int(ctx, at + IN_PIECE)? as u64;
        let mut hash = LongHash(st.int(ctx, at + HASH)? as u64);
        let mut budget = FILL_SLICE;
        while next <= count && budget > 0 {
            let Value::Str(piece) = table::get_int(ctx.h, pieces, next)? else { return Err(Fault::Invalid("rope piece is not a string").into()) };
            let len = string::len(ctx.h, piece)?;
            let n = (len - in_piece).min(budget);
            let bytes = string::bytes_range(ctx.h, piece, in_piece, n as usize)?;
            string::write_at(ctx.h, dest, offset, &bytes)?;
            hash.update(&bytes);
            offset += n;
            in_piece += n;
            budget -= n;
            if in_piece == len {
                next += 1;
                in_piece = 0;
            }
        }
        if next > count {
            string::set_hash(ctx.h, dest, hash.finish(total))?;
            return Ok(Some(Value::Str(dest)));
        }
        st.set_int(ctx, at + NEXT, next)?;
        st.set_int(ctx, at + OFFSET, offset as i64)?;
        st.set_int(ctx, at + IN_PIECE, in_piece as i64)?;
        st.set_int(ctx, at + HASH, hash.0 as i64)?;
        Ok(None)
    }
}

// Slots of a `fill`, from its first one.
const F_DEST: usize = 0;
const F_OFFSET: usize = 1;
const F_HASH: usize = 2;
pub const FILL_SLOTS: usize = 3;

/// One slice of making a string of `total` bytes whose contents `produce`
/// gives by range (offset, length): `Some(string)` when it is done. Short
/// results are made at once.
pub fn fill(
    ctx: &mut Ctx,
    st: &Saved,
    at: usize,
    total: u64,
    mut produce: impl FnMut(&mut Ctx, u64, usize) -> LuaResult<Vec<u8>>,
) -> LuaResult<Option<Value>> {
    if total <= FILL_SLICE {
        let bytes = produce(ctx, 0, total as usize)?;
        return Ok(Some(ctx.new_str(&bytes)?));
    }
    let dest = match st.val(ctx, at + F_DEST)? {
        Value::Str(d) => d,
        _ => {
            let d = string::new_unfilled(ctx.h, ctx.g, total)?;
            st.set_val(ctx, at + F_DEST, Value::Str(d))?;
            st.set_int(ctx, at + F_OFFSET, 0)?;
            st.set_int(ctx, at + F_HASH, LongHash::new().0 as i64)?;
            d
        }
    };
    let offset = st.int(ctx, at + F_OFFSET)? as u64;
    let mut hash = LongHash(st.int(ctx, at + F_HASH)? as u64);
    let n = (total - offset).min(FILL_SLICE);
    let bytes = produce(ctx, offset, n as usize)?;
    string::write_at(ctx.h, dest, offset, &bytes)?;
    hash.update(&bytes);
    if offset + n == total {
        string::set_hash(ctx.h, dest, hash.finish(total))?;
        return Ok(Some(Value::Str(dest)));
    }
    st.set_int(ctx, at + F_OFFSET, (offset + n) as i64)?;
    st.set_int(ctx, at + F_HASH, hash.0 as i64)?;
    Ok(None)
}

/// A filled string as a native's result: returned, or go on next step.
pub fn filled(result: Option<Value>) -> NativeResult {
    match result {
        Some(s) => NativeResult::Return(vec![s]),
        None => NativeResult::Again { k: 0 },
    }
}

/// The `..` of several strings and numbers whose result is long (the VM
/// hands such concatenations to this native): pieces by reference, then
/// assembled in slices.
pub fn concat_long(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let st = Saved::open(ctx, args.len(), Rope::SLOTS)?;
    let mut rope = Rope::open(ctx, &st, 0)?;
    for &v in args {
        rope.push_value(ctx, &st, v)?;
    }
    rope.flush(ctx, &st)?;
    concat_long_k(ctx, 0, Ok(vec![]), args)
}

pub fn concat_long_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let st = Saved::open(ctx, args.len(), Rope::SLOTS)?;
    let mut rope = Rope::open(ctx, &st, 0)?;
    Ok(filled(rope.assemble(ctx, &st)?))
}
