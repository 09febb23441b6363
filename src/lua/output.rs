//! The program's output on its way to the host, and the transcript kept with
//! the heap.
//!
//! `print` and `io.write` append to an output buffer in the heap (see
//! `lib::append_output`); the host takes the bytes out only in committed
//! steps, so a retried instruction never prints twice. Each step takes at most
//! [`CHUNK`] bytes, from a cursor, so that draining a large buffer never needs
//! more than a few resident pages at once.
//!
//! Every drained byte is also appended to the *transcript*: a ring holding
//! the last [`TRANSCRIPT_BYTES`] of output, in the heap. It is checkpointed,
//! exported and imported with everything else, so a page that reopens a heap
//! (after a reload, or on another machine) can show what the program had
//! printed up to its checkpoint.

use super::state::{globals_block, G_OUT_BUF, G_OUT_LEN, USER_WORD_TRANSCRIPT};
use crate::heap::{Addr, Fault, Heap};

/// Output bytes taken from the heap per step.
pub const CHUNK: u64 = 4096;
/// Output kept in the transcript.
pub const TRANSCRIPT_BYTES: u64 = 32 * 1024;

// The transcript block: capacity, bytes ever written, the output buffer's
// read cursor, then the ring.
const T_CAP: Addr = 0;
const T_TOTAL: Addr = 8;
const T_CURSOR: Addr = 16;
const T_RING: Addr = 24;

/// Allocates the transcript with the rest of a new Lua state, so that
/// printing never needs to allocate (a program out of memory still prints).
pub fn init(h: &mut Heap) -> Result<(), Fault> {
    transcript_block(h).map(drop)
}

fn transcript_block(h: &mut Heap) -> Result<Addr, Fault> {
    let t = h.user_word(USER_WORD_TRANSCRIPT)?;
    if t != 0 {
        return Ok(t);
    }
    let t = h.alloc(T_RING + TRANSCRIPT_BYTES)?;
    h.write_u64(t + T_CAP, TRANSCRIPT_BYTES)?;
    h.write_u64(t + T_TOTAL, 0)?;
    h.write_u64(t + T_CURSOR, 0)?;
    h.set_user_word(USER_WORD_TRANSCRIPT, t)?;
    Ok(t)
}

/// Bytes waiting in the output buffer.
pub fn pending(h: &mut Heap) -> Result<u64, Fault> {
    let g = globals_block(h)?;
    let len = h.read_u64(g + G_OUT_LEN)?;
    let t = h.user_word(USER_WORD_TRANSCRIPT)?;
    let cursor = if t == 0 { 0 } else { h.read_u64(t + T_CURSOR)? };
    Ok(len.saturating_sub(cursor))
}

/// One step of draining: takes up to [`CHUNK`] bytes of pending output,
/// records them in the transcript, and returns them (empty when nothing is
/// pending).
pub fn take_chunk(h: &mut Heap) -> Result<Vec<u8>, Fault> {
    let g = globals_block(h)?;
    let len = h.read_u64(g + G_OUT_LEN)?;
    if len == 0 {
        return Ok(Vec::new());
    }
    let t = transcript_block(h)?;
    let cursor = h.read_u64(t + T_CURSOR)?.min(len);
    let n = (len - cursor).min(CHUNK);
    let buf = h.read_u64(g + G_OUT_BUF)?;
    let mut bytes = vec![0u8; n as usize];
    h.read_bytes(buf + cursor, &mut bytes)?;
    append_to_ring(h, t, &bytes)?;
    if cursor + n == len {
        // All taken: the buffer starts over, so it never grows past one burst.
        h.write_u64(g + G_OUT_LEN, 0)?;
        h.write_u64(t + T_CURSOR, 0)?;
    } else {
        h.write_u64(t + T_CURSOR, cursor + n)?;
    }
    Ok(bytes)
}

fn append_to_ring(h: &mut Heap, t: Addr, bytes: &[u8]) -> Result<(), Fault> {
    let cap = h.read_u64(t + T_CAP)?;
    let total = h.read_u64(t + T_TOTAL)?;
    // Only the last `cap` bytes can survive anyway.
    let skip = bytes.len().saturating_sub(cap as usize);
    let mut at = (total + skip as u64) % cap;
    let mut rest = &bytes[skip..];
    while !rest.is_empty() {
        let n = rest.len().min((cap - at) as usize);
        h.write_bytes(t + T_RING + at, &rest[..n])?;
        rest = &rest[n..];
        at = (at + n as u64) % cap;
    }
    h.write_u64(t + T_TOTAL, total + bytes.len() as u64)
}

/// The transcript: the last output the host took, oldest first, at most
/// [`TRANSCRIPT_BYTES`], and how many bytes were ever written.
pub fn transcript(h: &mut Heap) -> Result<(Vec<u8>, u64), Fault> {
    let t = h.user_word(USER_WORD_TRANSCRIPT)?;
    if t == 0 {
        return Ok((Vec::new(), 0));
    }
    let cap = h.read_u64(t + T_CAP)?;
    let total = h.read_u64(t + T_TOTAL)?;
    let kept = total.min(cap);
    let start = (total - kept) % cap;
    let mut out = vec![0u8; kept as usize];
    let first = kept.min(cap - start) as usize;
    h.read_bytes(t + T_RING + start, &mut out[..first])?;
    h.read_bytes(t + T_RING, &mut out[first..])?;
    Ok((out, total))
}
