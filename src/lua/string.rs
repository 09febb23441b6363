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
use super::state::{G_STRINGS, G_STRINGS_CAP, G_STRINGS_COUNT, G_STRINGS_CURSOR, G_STRINGS_OLD, G_STRINGS_OLD_CAP};
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
    Ok(bytes(h, a)? == bytes(h, b)?)
}

/// Byte-wise comparison, as `strcmp` on Lua strings (shorter prefix first).
pub fn compare(h: &mut Heap, a: Addr, b: Addr) -> Result<std::cmp::Ordering, Fault> {
    Ok(bytes(h, a)?.cmp(&bytes(h, b)?))
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
    let old_cap = h.read_u64(g + G_STRINGS_CAP)?;
    let old = h.read_u64(g + G_STRINGS)?;
    let cap = old_cap * 2;
    let buckets = h.alloc_zeroed(cap * 8)?;
    h.write_u64(g + G_STRINGS_OLD, old)?;
    h.write_u64(g + G_STRINGS_OLD_CAP, old_cap)?;
    h.write_u64(g + G_STRINGS_CURSOR, 0)?;
    h.write_u64(g + G_STRINGS, buckets)?;
    h.write_u64(g + G_STRINGS_CAP, cap)
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
