//! The program's standard input, buffered in the heap.
//!
//! `io.read` and `io.lines` on stdin take bytes from an input buffer in the
//! heap. When the buffer holds too little to finish a read (no newline yet,
//! a number that may go on, `"a"` before the end), the read fails with
//! [`WAIT_INPUT`]: its step is rolled back like any fault, the host appends
//! what it can read ([`append`], one bounded step) and the instruction runs
//! again. So reads are restartable, consumed input is checkpointed with the
//! rest of the heap, and the VM never blocks inside an instruction. A host
//! with no input (the browser) answers with the end of input.

use super::state::USER_WORD_INPUT;
use super::value::Value;
use super::vm::call::Ctx;
use super::vm::{LuaResult, Trap};
use crate::heap::{Addr, Fault, Heap};

/// The fault a read raises when it needs more input than is buffered.
pub const WAIT_INPUT: &str = "the program waits for input";
/// Bytes the host should append per step.
pub const CHUNK: usize = 64 * 1024;

// The input block: buffer address, its capacity, bytes in it, bytes read,
// and whether the host reached the end of its input.
const I_BUF: Addr = 0;
const I_CAP: Addr = 8;
const I_LEN: Addr = 16;
const I_POS: Addr = 24;
const I_EOF: Addr = 32;
const I_SIZE: u64 = 40;

/// Bytes scanned per heap read while looking for a newline.
const SCAN: u64 = 4096;
/// Lua's limit on the length of a numeral read by "n" (`L_MAXLENNUM`).
const MAX_NUMERAL: usize = 200;

/// A read format of `io.read`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// "l" (`keep_newline` false) or "L".
    Line { keep_newline: bool },
    /// "n".
    Number,
    /// "a".
    All,
    /// A byte count.
    Count(u64),
}

fn block(h: &mut Heap) -> Result<Addr, Fault> {
    let b = h.user_word(USER_WORD_INPUT)?;
    if b != 0 {
        return Ok(b);
    }
    let b = h.alloc(I_SIZE)?;
    for field in [I_BUF, I_CAP, I_LEN, I_POS, I_EOF] {
        h.write_u64(b + field, 0)?;
    }
    h.set_user_word(USER_WORD_INPUT, b)?;
    Ok(b)
}

/// Host side: appends `bytes` (at most [`CHUNK`]) read from the input, or
/// records its end when `bytes` is empty. Unread bytes move to the front
/// of the buffer first, so the buffer holds only what is not yet read.
pub fn append(h: &mut Heap, bytes: &[u8]) -> Result<(), Fault> {
    let b = block(h)?;
    if bytes.is_empty() {
        return h.write_u64(b + I_EOF, 1);
    }
    let (buf, cap, len, pos) = (h.read_u64(b + I_BUF)?, h.read_u64(b + I_CAP)?, h.read_u64(b + I_LEN)?, h.read_u64(b + I_POS)?);
    let unread = len - pos;
    let need = unread + bytes.len() as u64;
    let new_cap = need.max(cap * 2).max(CHUNK as u64);
    let target = if need <= cap { buf } else { h.alloc(new_cap)? };
    if pos > 0 || target != buf {
        copy_forward(h, buf + pos, target, unread)?;
    }
    if target != buf {
        if buf != 0 {
            h.free(buf)?;
        }
        h.write_u64(b + I_BUF, target)?;
        h.write_u64(b + I_CAP, new_cap)?;
    }
    h.write_bytes(target + unread, bytes)?;
    h.write_u64(b + I_LEN, need)?;
    h.write_u64(b + I_POS, 0)
}

/// Copies `n` bytes from `from` to `to` (`to` <= `from` when they overlap).
fn copy_forward(h: &mut Heap, from: Addr, to: Addr, n: u64) -> Result<(), Fault> {
    let mut chunk = [0u8; SCAN as usize];
    let mut done = 0;
    while done < n {
        let k = (n - done).min(SCAN) as usize;
        h.read_bytes(from + done, &mut chunk[..k])?;
        h.write_bytes(to + done, &chunk[..k])?;
        done += k as u64;
    }
    Ok(())
}

/// The buffered input: (block, buffer, bytes in it, bytes read, at end).
fn state(h: &mut Heap) -> Result<(Addr, Addr, u64, u64, bool), Fault> {
    let b = block(h)?;
    Ok((b, h.read_u64(b + I_BUF)?, h.read_u64(b + I_LEN)?, h.read_u64(b + I_POS)?, h.read_u64(b + I_EOF)? != 0))
}

fn wait() -> Trap {
    Trap::Fault(Fault::Invalid(WAIT_INPUT))
}

/// Takes `n` buffered bytes.
fn take(h: &mut Heap, b: Addr, buf: Addr, pos: u64, n: u64) -> Result<Vec<u8>, Fault> {
    let mut bytes = vec![0u8; n as usize];
    h.read_bytes(buf + pos, &mut bytes)?;
    h.write_u64(b + I_POS, pos + n)?;
    Ok(bytes)
}

/// Reads one format from stdin: `Ok(None)` is Lua's fail (end of input, or
/// no numeral), and the reading stops there as in lua5.4.
pub fn read(ctx: &mut Ctx, format: Format) -> LuaResult<Option<Value>> {
    let h = &mut *ctx.h;
    let (b, buf, len, pos, eof) = state(h)?;
    let bytes = match format {
        Format::Line { keep_newline } => {
            let mut scan = pos;
            let newline = loop {
                if scan >= len {
                    break None;
                }
                let k = (len - scan).min(SCAN) as usize;
                let mut chunk = [0u8; SCAN as usize];
                h.read_bytes(buf + scan, &mut chunk[..k])?;
                if let Some(i) = chunk[..k].iter().position(|&c| c == b'\n') {
                    break Some(scan + i as u64);
                }
                scan += k as u64;
            };
            match newline {
                Some(at) => {
                    let mut line = take(h, b, buf, pos, at + 1 - pos)?;
                    if !keep_newline {
                        line.pop();
                    }
                    line
                }
                None if !eof => return Err(wait()),
                None if len == pos => return Ok(None),
                None => take(h, b, buf, pos, len - pos)?,
            }
        }
        Format::All => {
            if !eof {
                return Err(wait());
            }
            take(h, b, buf, pos, len - pos)?
        }
        Format::Count(n) => {
            if len - pos < n.max(1) && !eof {
                return Err(wait());
            }
            if len == pos && eof {
                return Ok(None);
            }
            take(h, b, buf, pos, n.min(len - pos))?
        }
        Format::Number => return read_number(ctx, b, buf, len, pos, eof),
    };
    Ok(Some(ctx.new_str(&bytes)?))
}

/// "n", as lua5.4's `read_number`: skips white space, takes the longest
/// prefix that can start a numeral (sign, "0x", digits, point, exponent),
/// and converts it; a prefix that is not a number is consumed and fails.
/// Needs one byte past the numeral (or the end of input) to know it ended.
fn read_number(ctx: &mut Ctx, b: Addr, buf: Addr, len: u64, mut pos: u64, eof: bool) -> LuaResult<Option<Value>> {
    let h = &mut *ctx.h;
    // Skip white space a chunk at a time (it is consumed even if no number follows).
    let mut chunk = [0u8; SCAN as usize];
    loop {
        if pos == len {
            if !eof {
                return Err(wait());
            }
            h.write_u64(b + I_POS, pos)?;
            return Ok(None);
        }
        let k = (len - pos).min(SCAN) as usize;
        h.read_bytes(buf + pos, &mut chunk[..k])?;
        match chunk[..k].iter().position(|&c| !crate::lua::text::number::is_space(c)) {
            Some(i) => {
                pos += i as u64;
                break;
            }
            None => pos += k as u64,
        }
    }
    let k = (len - pos).min(MAX_NUMERAL as u64 + 1) as usize;
    let mut window = vec![0u8; k];
    h.read_bytes(buf + pos, &mut window)?;
    let (taken, complete) = numeral_prefix(&window);
    if !complete && !eof && (k as u64) == len - pos && taken == k {
        // The numeral runs to the end of what is buffered: it may go on.
        return Err(wait());
    }
    h.write_u64(b + I_POS, pos + taken as u64)?;
    if taken > MAX_NUMERAL {
        return Ok(None);
    }
    Ok(match crate::lua::text::number::str_to_number(&window[..taken]) {
        Some(crate::lua::text::number::Number::Int(i)) => Some(Value::Int(i)),
        Some(crate::lua::text::number::Number::Float(f)) => Some(Value::Float(f)),
        None => None,
    })
}

/// The length of the numeral-like prefix of `s` (the characters lua5.4's
/// `l_getn` accepts), and whether a character after it was seen.
fn numeral_prefix(s: &[u8]) -> (usize, bool) {
    let mut i = 0;
    let accept = |i: &mut usize, set: &[u8]| -> bool {
        if *i < s.len() && set.contains(&s[*i]) {
            *i += 1;
            true
        } else {
            false
        }
    };
    let digits = |i: &mut usize, hex: bool| -> usize {
        let start = *i;
        while *i < s.len() && (if hex { s[*i].is_ascii_hexdigit() } else { s[*i].is_ascii_digit() }) {
            *i += 1;
        }
        *i - start
    };
    accept(&mut i, b"+-");
    let mut count = 0;
    let mut hex = false;
    if accept(&mut i, b"0") {
        if accept(&mut i, b"xX") {
            hex = true;
        } else {
            count = 1;
        }
    }
    count += digits(&mut i, hex);
    if accept(&mut i, b".") {
        count += digits(&mut i, hex);
    }
    if count > 0 && accept(&mut i, if hex { b"pP" } else { b"eE" }) {
        accept(&mut i, b"+-");
        digits(&mut i, false);
    }
    (i, i < s.len())
}

#[cfg(test)]
mod tests {
    use super::numeral_prefix;

    #[test]
    fn numeral_prefixes_end_where_lua_stops_reading() {
        assert_eq!(numeral_prefix(b"42 "), (2, true));
        assert_eq!(numeral_prefix(b"42"), (2, false));
        assert_eq!(numeral_prefix(b"-0x1F;"), (5, true));
        assert_eq!(numeral_prefix(b"1.5e-3x"), (6, true));
        assert_eq!(numeral_prefix(b"abc"), (0, true));
        assert_eq!(numeral_prefix(b"0x"), (2, false));
    }
}
