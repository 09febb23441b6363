//! Strings. Short strings (at most `SHORT_MAX` bytes) are interned, as in Lua
//! 5.4, so equal short strings are the same object and compare by address;
//! long strings compare by length, hash and bytes.
//!
//! ```text
//! 0   object header
//! 16  len u64
//! 24  hash u64
//! 32  chain u64   next string in the same intern bucket (short strings)
//! 40  bytes
//! ```

use super::object::{new_object, Kind};
use super::state::{G_STRCMP, G_STRINGS, G_STRINGS_CAP, G_STRINGS_COUNT, G_STRINGS_CURSOR, G_STRINGS_OLD, G_STRINGS_OLD_CAP};
use std::cmp::Ordering;
use crate::heap::{Addr, Fault, Heap};

pub const SHORT_MAX: usize = 40;
const S_LEN: Addr = 16;
const S_HASH: Addr = 24;
const S_CHAIN: Addr = 32;
pub const S_DATA: Addr = 40;

/// The hash of a string's bytes. Long strings use a hash that can also be
/// computed a slice at a time (`LongHash`), for strings built over many steps.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    if bytes.len() <= SHORT_MAX {
        xxhash_rust::xxh3::xxh3_64(bytes)
    } else {
        let mut lh = LongHash::new();
        lh.update(bytes);
        lh.finish(bytes.len() as u64)
    }
}

/// FNV-1a over the bytes, mixed at the end; its whole state is one word,
/// so it can wait in the heap between two slices.
#[derive(Clone, Copy)]
pub struct LongHash(pub u64);

impl LongHash {
    pub fn new() -> Self {
        LongHash(0xcbf2_9ce4_8422_2325)
    }

    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn finish(self, len: u64) -> u64 {
        let mut x = self.0 ^ len;
        x = (x ^ (x >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        x = (x ^ (x >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }
}

impl Default for LongHash {
    fn default() -> Self {
        Self::new()
    }
}

/// A long string of `len` bytes whose contents (and hash) are still to be
/// written, a slice at a time, with `write_at` and `set_hash`.
pub fn new_unfilled(h: &mut Heap, g: Addr, len: u64) -> Result<Addr, Fault> {
    let s = new_object(h, g, Kind::Str, S_DATA + len)?;
    h.write_u64(s + S_LEN, len)?;
    h.write_u64(s + S_HASH, 0)?;
    h.write_u64(s + S_CHAIN, 0)?;
    Ok(s)
}

pub fn write_at(h: &mut Heap, s: Addr, offset: u64, bytes: &[u8]) -> Result<(), Fault> {
    h.write_bytes(s + S_DATA + offset, bytes)
}

pub fn set_hash(h: &mut Heap, s: Addr, hash: u64) -> Result<(), Fault> {
    h.write_u64(s + S_HASH, hash)
}

/// Bytes `from..from + n` of a string.
pub fn bytes_range(h: &mut Heap, s: Addr, from: u64, n: usize) -> Result<Vec<u8>, Fault> {
    let mut out = vec![0u8; n];
    h.read_bytes(s + S_DATA + from, &mut out)?;
    Ok(out)
}

/// Makes a string with these bytes (interning short ones).
pub fn new_string(h: &mut Heap, g: Addr, bytes: &[u8]) -> Result<Addr, Fault> {
    let hash = hash_bytes(bytes);
    if bytes.len() <= SHORT_MAX {
        if let Some(found) = find_interned(h, g, bytes, hash)? {
            super::gc::string_reused(h, g, found)?;
            return Ok(found);
        }
    }
    let s = new_object(h, g, Kind::Str, S_DATA + bytes.len() as u64)?;
    h.write_u64(s + S_LEN, bytes.len() as u64)?;
    h.write_u64(s + S_HASH, hash)?;
    h.write_u64(s + S_CHAIN, 0)?;
    h.write_bytes(s + S_DATA, bytes)?;
    if bytes.len() <= SHORT_MAX {
        intern(h, g, s, hash)?;
    }
    Ok(s)
}

pub fn len(h: &mut Heap, s: Addr) -> Result<u64, Fault> {
    h.read_u64(s + S_LEN)
}

pub fn hash(h: &mut Heap, s: Addr) -> Result<u64, Fault> {
    h.read_u64(s + S_HASH)
}

pub fn bytes(h: &mut Heap, s: Addr) -> Result<Vec<u8>, Fault> {
    let n = len(h, s)? as usize;
    let mut out = vec![0u8; n];
    h.read_bytes(s + S_DATA, &mut out)?;
    Ok(out)
}

pub fn is_short(h: &mut Heap, s: Addr) -> Result<bool, Fault> {
    Ok(len(h, s)? as usize <= SHORT_MAX)
}

/// String equality: identity for short strings, contents for long ones.
pub fn equal(h: &mut Heap, a: Addr, b: Addr) -> Result<bool, Fault> {
    if a == b {
        return Ok(true);
    }
    let (la, lb) = (len(h, a)?, len(h, b)?);
    if la != lb || la as usize <= SHORT_MAX || hash(h, a)? != hash(h, b)? {
        return Ok(false);
    }
    Ok(compare_contents(h, a, b, la, lb)? == Ordering::Equal)
}

/// Byte-wise comparison, as `strcmp` on Lua strings (shorter prefix first).
pub fn compare(h: &mut Heap, a: Addr, b: Addr) -> Result<Ordering, Fault> {
    if a == b {
        return Ok(Ordering::Equal);
    }
    let (la, lb) = (len(h, a)?, len(h, b)?);
    compare_contents(h, a, b, la, lb)
}

// ----- long comparisons, across steps ---------------------------------------------
//
// Comparing two long strings reads both whole, which for strings of many
// pages is more than one step may hold. Inside a VM instruction such a
// comparison reads `compare_budget` bytes of each string; if that does not
// decide it, it records how far the strings are known to be equal and fails
// with `INTERRUPTED`. The VM then rolls the step back, keeps the record (in
// the heap, at `G_STRCMP`), and runs the instruction again in the next step,
// where the comparison goes on from there. Instructions are deterministic,
// so the rerun comes back to the same comparison; since the rollback undoes
// everything else, any instruction (a table lookup with a long key, a
// native's slice) can be interrupted this way.
//
// A record holds both strings' addresses and hashes. It is kept until the
// instruction that used it completes, then cleared: a later instruction
// never sees it, so a freed address that is reused cannot mislead it.

/// The message of the fault that interrupts an instruction.
pub const INTERRUPTED: &str = "an instruction continues in the next step";
/// Comparisons one instruction can have in progress; past that, a
/// comparison finishes in one step.
const RECORDS: usize = 4;
const RECORD_WORDS: usize = 6;
/// Record results: still comparing, or the ordering of a and b.
const RUNNING: u64 = 0;

fn compare_budget(h: &Heap) -> u64 {
    4 * h.page_size() as u64
}

// Per-thread flags of the running step (cheap cells: they are touched on
// every instruction).
thread_local! {
    /// Inside VM instructions (comparisons may be interrupted).
    static IN_INSTRUCTIONS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The current instruction used a record.
    static USED_RECORD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Records to keep when the interrupted step has been rolled back.
    static PENDING: std::cell::RefCell<Option<Vec<u64>>> = const { std::cell::RefCell::new(None) };
}

/// VM instructions start or stop running (long comparisons may be
/// interrupted only inside them).
pub fn set_in_instructions(on: bool) {
    IN_INSTRUCTIONS.with(|c| c.set(on));
    // A step that faulted may have left these behind.
    USED_RECORD.with(|c| c.set(false));
    PENDING.with(|p| p.borrow_mut().take());
}

/// Whether the instruction that just ended used a comparison record (and
/// forgets it for the next one).
pub fn instruction_used_record() -> bool {
    USED_RECORD.with(|c| c.replace(false))
}

/// The comparison records an interrupted instruction left (to keep after
/// its step is rolled back).
pub fn take_interrupted() -> Option<Vec<u64>> {
    PENDING.with(|p| p.borrow_mut().take())
}

/// After the interrupted step was rolled back: stores the comparison records.
pub fn keep_interrupted(h: &mut Heap, g: Addr, records: Option<Vec<u64>>) -> Result<(), Fault> {
    let Some(words) = records else { return Ok(()) };
    let mut block = h.read_u64(g + G_STRCMP)?;
    if block == 0 {
        block = h.alloc((RECORDS * RECORD_WORDS * 8) as u64)?;
        h.write_u64(g + G_STRCMP, block)?;
    }
    for (i, w) in words.iter().enumerate() {
        h.write_u64(block + i as u64 * 8, *w)?;
    }
    Ok(())
}

/// The instruction that used the records completed: they are dropped.
pub fn clear_records(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    let block = h.read_u64(g + G_STRCMP)?;
    if block != 0 {
        h.fill(block, RECORDS * RECORD_WORDS * 8, 0)?;
    }
    Ok(())
}

fn ord_code(o: Ordering) -> u64 {
    match o {
        Ordering::Less => 1,
        Ordering::Equal => 2,
        Ordering::Greater => 3,
    }
}

fn code_ord(c: u64) -> Ordering {
    match c {
        1 => Ordering::Less,
        2 => Ordering::Equal,
        _ => Ordering::Greater,
    }
}

/// Compares bytes `from..to` of both strings a chunk at a time: the first
/// difference, if any.
fn compare_range(h: &mut Heap, a: Addr, b: Addr, from: u64, to: u64) -> Result<Option<Ordering>, Fault> {
    const CHUNK: u64 = 4096;
    let mut at = from;
    let (mut x, mut y) = (Vec::new(), Vec::new());
    while at < to {
        let n = (to - at).min(CHUNK) as usize;
        x.resize(n, 0);
        y.resize(n, 0);
        h.read_bytes(a + S_DATA + at, &mut x)?;
        h.read_bytes(b + S_DATA + at, &mut y)?;
        if x != y {
            return Ok(Some(x.cmp(&y)));
        }
        at += n as u64;
    }
    Ok(None)
}

fn compare_contents(h: &mut Heap, a: Addr, b: Addr, la: u64, lb: u64) -> Result<Ordering, Fault> {
    let n = la.min(lb);
    let budget = compare_budget(h);
    let interruptible = IN_INSTRUCTIONS.with(|c| c.get());
    if n <= budget || !interruptible {
        return Ok(compare_range(h, a, b, 0, n)?.unwrap_or(la.cmp(&lb)));
    }
    let g = super::state::globals_block(h)?;
    let block = h.read_u64(g + G_STRCMP)?;
    let mut words = vec![0u64; RECORDS * RECORD_WORDS];
    if block != 0 {
        for (i, w) in words.iter_mut().enumerate() {
            *w = h.read_u64(block + i as u64 * 8)?;
        }
    }
    let (ha, hb) = (hash(h, a)?, hash(h, b)?);
    // A record of this pair, in either order.
    let found = (0..RECORDS).find_map(|r| {
        let w = &words[r * RECORD_WORDS..(r + 1) * RECORD_WORDS];
        if (w[0], w[1], w[2], w[3]) == (a, b, ha, hb) {
            Some((r, false))
        } else if (w[0], w[1], w[2], w[3]) == (b, a, hb, ha) {
            Some((r, true))
        } else {
            None
        }
    });
    let orient = |o: Ordering, swapped: bool| if swapped { o.reverse() } else { o };
    let mut start = 0;
    if let Some((r, swapped)) = found {
        USED_RECORD.with(|c| c.set(true));
        let w = &words[r * RECORD_WORDS..(r + 1) * RECORD_WORDS];
        if w[5] != RUNNING {
            return Ok(orient(code_ord(w[5]), swapped));
        }
        start = w[4];
    }
    let end = start.saturating_add(budget).min(n);
    let decided = match compare_range(h, a, b, start, end)? {
        Some(o) => Some(o),
        None if end == n => Some(la.cmp(&lb)),
        None => None,
    };
    if let Some(o) = decided {
        if let Some((r, swapped)) = found {
            h.write_u64(block + (r * RECORD_WORDS + 5) as u64 * 8, ord_code(orient(o, swapped)))?;
        }
        return Ok(o);
    }
    let slot = match found {
        Some((r, _)) => r,
        None => match (0..RECORDS).find(|&r| words[r * RECORD_WORDS] == 0) {
            Some(r) => r,
            // Too many comparisons in one instruction: finish this one now.
            None => return Ok(compare_range(h, a, b, end, n)?.unwrap_or(la.cmp(&lb))),
        },
    };
    let w = &mut words[slot * RECORD_WORDS..(slot + 1) * RECORD_WORDS];
    if found.is_none() {
        w.copy_from_slice(&[a, b, ha, hb, 0, RUNNING]);
    }
    w[4] = end;
    PENDING.with(|p| *p.borrow_mut() = Some(words));
    USED_RECORD.with(|c| c.set(true));
    Err(Fault::Invalid(INTERRUPTED))
}

fn bucket_in(h: &mut Heap, buckets: Addr, cap: u64, hash: u64) -> Addr {
    let _ = h;
    buckets + (hash & (cap - 1)) * 8
}

fn bucket_addr(h: &mut Heap, g: Addr, hash: u64) -> Result<Addr, Fault> {
    let cap = h.read_u64(g + G_STRINGS_CAP)?;
    let buckets = h.read_u64(g + G_STRINGS)?;
    Ok(bucket_in(h, buckets, cap, hash))
}

/// The bucket of the old table (during a resize) if it has not been moved yet.
fn old_bucket_addr(h: &mut Heap, g: Addr, hash: u64) -> Result<Option<Addr>, Fault> {
    let old = h.read_u64(g + G_STRINGS_OLD)?;
    if old == 0 {
        return Ok(None);
    }
    let cap = h.read_u64(g + G_STRINGS_OLD_CAP)?;
    let index = hash & (cap - 1);
    if index < h.read_u64(g + G_STRINGS_CURSOR)? {
        return Ok(None);
    }
    Ok(Some(old + index * 8))
}

fn find_in_chain(h: &mut Heap, mut s: Addr, bytes: &[u8], hash: u64) -> Result<Option<Addr>, Fault> {
    let mut buf = [0u8; SHORT_MAX];
    while s != 0 {
        if h.read_u64(s + S_HASH)? == hash && h.read_u64(s + S_LEN)? == bytes.len() as u64 {
            h.read_bytes(s + S_DATA, &mut buf[..bytes.len()])?;
            if &buf[..bytes.len()] == bytes {
                return Ok(Some(s));
            }
        }
        s = h.read_u64(s + S_CHAIN)?;
    }
    Ok(None)
}

fn find_interned(h: &mut Heap, g: Addr, bytes: &[u8], hash: u64) -> Result<Option<Addr>, Fault> {
    let bucket = bucket_addr(h, g, hash)?;
    let head = h.read_u64(bucket)?;
    if let Some(s) = find_in_chain(h, head, bytes, hash)? {
        return Ok(Some(s));
    }
    match old_bucket_addr(h, g, hash)? {
        Some(old) => {
            let head = h.read_u64(old)?;
            find_in_chain(h, head, bytes, hash)
        }
        None => Ok(None),
    }
}

fn intern(h: &mut Heap, g: Addr, s: Addr, hash: u64) -> Result<(), Fault> {
    migrate(h, g, 4)?;
    let count = h.read_u64(g + G_STRINGS_COUNT)? + 1;
    h.write_u64(g + G_STRINGS_COUNT, count)?;
    if count > h.read_u64(g + G_STRINGS_CAP)? {
        grow_table(h, g)?;
    }
    let bucket = bucket_addr(h, g, hash)?;
    let head = h.read_u64(bucket)?;
    h.write_u64(s + S_CHAIN, head)?;
    h.write_u64(bucket, s)
}

/// Removes a dead short string from the intern table (the collector's sweep).
pub fn unintern(h: &mut Heap, g: Addr, s: Addr) -> Result<(), Fault> {
    let hash = hash(h, s)?;
    let mut links = vec![bucket_addr(h, g, hash)?];
    if let Some(old) = old_bucket_addr(h, g, hash)? {
        links.push(old);
    }
    for mut link in links {
        loop {
            let cur = h.read_u64(link)?;
            if cur == 0 {
                break;
            }
            if cur == s {
                let next = h.read_u64(s + S_CHAIN)?;
                h.write_u64(link, next)?;
                let count = h.read_u64(g + G_STRINGS_COUNT)?;
                return h.write_u64(g + G_STRINGS_COUNT, count.saturating_sub(1));
            }
            link = cur + S_CHAIN;
        }
    }
    Ok(())
}

/// Creates the empty intern table.
pub fn init_table(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    let cap = 256u64;
    let buckets = h.alloc_zeroed(cap * 8)?;
    h.write_u64(g + G_STRINGS, buckets)?;
    h.write_u64(g + G_STRINGS_CAP, cap)?;
    h.write_u64(g + G_STRINGS_COUNT, 0)
}

/// Starts doubling the bucket array; `migrate` moves the old buckets over a
/// few at a time, so no single instruction touches every string.
fn grow_table(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    migrate(h, g, u64::MAX)?;
    let cap = h.read_u64(g + G_STRINGS_CAP)?;
    start_resize(h, g, cap * 2)
}

/// Makes a new, empty bucket array of `new_cap` buckets the current one;
/// the old buckets wait to be moved over (`migrate`).
fn start_resize(h: &mut Heap, g: Addr, new_cap: u64) -> Result<(), Fault> {
    let (old, old_cap) = (h.read_u64(g + G_STRINGS)?, h.read_u64(g + G_STRINGS_CAP)?);
    let buckets = h.alloc_zeroed(new_cap * 8)?;
    h.write_u64(g + G_STRINGS_OLD, old)?;
    h.write_u64(g + G_STRINGS_OLD_CAP, old_cap)?;
    h.write_u64(g + G_STRINGS_CURSOR, 0)?;
    h.write_u64(g + G_STRINGS, buckets)?;
    h.write_u64(g + G_STRINGS_CAP, new_cap)
}

/// Starts shrinking the bucket array when at most a quarter of it is used
/// (as Lua's collector does after a cycle), to twice the strings left, so
/// the memory of many dropped strings comes back. The move is made a few
/// buckets at a time, by insertions and by the collector's slices
/// (`migrate_some`).
pub fn maybe_shrink(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    let cap = h.read_u64(g + G_STRINGS_CAP)?;
    if h.read_u64(g + G_STRINGS_OLD)? != 0 || cap <= 256 || h.read_u64(g + G_STRINGS_COUNT)? * 4 > cap {
        return Ok(());
    }
    let new_cap = (h.read_u64(g + G_STRINGS_COUNT)? * 2).next_power_of_two().max(256);
    start_resize(h, g, new_cap)
}

/// Moves up to `budget` buckets of a resize under way.
pub fn migrate_some(h: &mut Heap, g: Addr, budget: u64) -> Result<(), Fault> {
    migrate(h, g, budget)
}

/// Moves up to `budget` old buckets into the new array.
fn migrate(h: &mut Heap, g: Addr, budget: u64) -> Result<(), Fault> {
    let old = h.read_u64(g + G_STRINGS_OLD)?;
    if old == 0 {
        return Ok(());
    }
    let old_cap = h.read_u64(g + G_STRINGS_OLD_CAP)?;
    let mut cursor = h.read_u64(g + G_STRINGS_CURSOR)?;
    let end = cursor.saturating_add(budget).min(old_cap);
    while cursor < end {
        let mut s = h.read_u64(old + cursor * 8)?;
        while s != 0 {
            let next = h.read_u64(s + S_CHAIN)?;
            let hash = h.read_u64(s + S_HASH)?;
            let b = bucket_addr(h, g, hash)?;
            let head = h.read_u64(b)?;
            h.write_u64(s + S_CHAIN, head)?;
            h.write_u64(b, s)?;
            s = next;
        }
        h.write_u64(old + cursor * 8, 0)?;
        cursor += 1;
    }
    h.write_u64(g + G_STRINGS_CURSOR, cursor)?;
    if cursor == old_cap {
        h.write_u64(g + G_STRINGS_OLD, 0)?;
        h.free(old)?;
    }
    Ok(())
}
