//! Tables: an array part for keys 1..n and a hash part with open addressing.
//!
//! ```text
//! 0   object header
//! 16  metatable (address, 0 = none)
//! 24  array block, 32 array size (slots)
//! 40  hash block (0 = none), 48 log2 of its node count, 56 nodes used
//! ```
//!
//! A hash node is a key and a value (32 bytes). A node whose key is nil is
//! empty and ends a probe sequence. Removing a key only sets its value to nil
//! (a *dead* key), so `next` keeps working while a loop clears fields; dead
//! keys disappear when the table is rehashed, as in Lua.

use super::object::{new_object, Kind};
use super::string;
use super::value::{read_value, write_value, Value, VALUE_SIZE};
use crate::heap::{Addr, Fault, Heap};

const T_META: Addr = 16;
const T_ARRAY: Addr = 24;
const T_ASIZE: Addr = 32;
const T_HASH: Addr = 40;
const T_HLOG: Addr = 48;
const T_HUSED: Addr = 56;
pub const TABLE_SIZE: u64 = 64;
const NODE: u64 = 2 * VALUE_SIZE;

/// Why a raw set could not be done (Lua errors the caller reports).
#[derive(Debug)]
pub enum KeyError {
    Nil,
    NaN,
}

pub fn new_table(h: &mut Heap, g: Addr, narray: u64, nhash: u64) -> Result<Addr, Fault> {
    let t = new_object(h, g, Kind::Table, TABLE_SIZE)?;
    for off in [T_META, T_ARRAY, T_ASIZE, T_HASH, T_HLOG, T_HUSED] {
        h.write_u64(t + off, 0)?;
    }
    if narray > 0 || nhash > 0 {
        resize(h, t, narray, nhash)?;
    }
    Ok(t)
}

pub fn metatable(h: &mut Heap, t: Addr) -> Result<Addr, Fault> {
    h.read_u64(t + T_META)
}

pub fn set_metatable(h: &mut Heap, t: Addr, mt: Addr) -> Result<(), Fault> {
    h.write_u64(t + T_META, mt)
}

fn mix(x: u64) -> u64 {
    let x = (x ^ (x >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    let x = (x ^ (x >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

fn hash_key(h: &mut Heap, key: Value) -> Result<u64, Fault> {
    Ok(match key {
        Value::Nil => 0,
        Value::Bool(b) => mix(u64::from(b) + 1),
        Value::Int(i) => mix(i as u64),
        Value::Float(f) => mix(f.to_bits() ^ 0x5555),
        Value::Str(s) => string::hash(h, s)?,
        other => mix(other.object().unwrap_or(0) ^ 0xabcd),
    })
}

/// Raw key equality as the hash part needs it.
fn key_equal(h: &mut Heap, a: Value, b: Value) -> Result<bool, Fault> {
    Ok(match (a, b) {
        (Value::Str(x), Value::Str(y)) => string::equal(h, x, y)?,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    })
}

/// Floats with an integer value are stored as integers (t[1.0] is t[1]).
pub fn normalize_key(key: Value) -> Value {
    if let Value::Float(f) = key {
        if f.fract() == 0.0 && f >= -9.223_372_036_854_776e18 && f < 9.223_372_036_854_776e18 {
            return Value::Int(f as i64);
        }
    }
    key
}

fn array_index(h: &mut Heap, t: Addr, key: Value) -> Result<Option<Addr>, Fault> {
    if let Value::Int(i) = key {
        let asize = h.read_u64(t + T_ASIZE)?;
        if i >= 1 && (i as u64) <= asize {
            let array = h.read_u64(t + T_ARRAY)?;
            return Ok(Some(array + (i as u64 - 1) * VALUE_SIZE));
        }
    }
    Ok(None)
}

/// The node holding `key`, if present (dead or alive).
fn find_node(h: &mut Heap, t: Addr, key: Value) -> Result<Option<Addr>, Fault> {
    let nodes = h.read_u64(t + T_HASH)?;
    if nodes == 0 {
        return Ok(None);
    }
    let mask = (1u64 << h.read_u64(t + T_HLOG)?) - 1;
    let mut i = hash_key(h, key)? & mask;
    for _ in 0..=mask {
        let node = nodes + i * NODE;
        let k = read_value(h, node)?;
        if k.is_nil() {
            return Ok(None);
        }
        if key_equal(h, k, key)? {
            return Ok(Some(node));
        }
        i = (i + 1) & mask;
    }
    Ok(None)
}

/// `t[key]` without metamethods.
pub fn get(h: &mut Heap, t: Addr, key: Value) -> Result<Value, Fault> {
    let key = normalize_key(key);
    if let Some(slot) = array_index(h, t, key)? {
        return read_value(h, slot);
    }
    if key.is_nil() {
        return Ok(Value::Nil);
    }
    match find_node(h, t, key)? {
        Some(node) => read_value(h, node + VALUE_SIZE),
        None => Ok(Value::Nil),
    }
}

pub fn get_int(h: &mut Heap, t: Addr, i: i64) -> Result<Value, Fault> {
    get(h, t, Value::Int(i))
}

/// `t[key] = value` without metamethods.
pub fn set(h: &mut Heap, t: Addr, key: Value, value: Value) -> Result<Result<(), KeyError>, Fault> {
    let key = normalize_key(key);
    match key {
        Value::Nil => return Ok(Err(KeyError::Nil)),
        Value::Float(f) if f.is_nan() => return Ok(Err(KeyError::NaN)),
        _ => {}
    }
    if let Some(slot) = array_index(h, t, key)? {
        write_value(h, slot, value)?;
        return Ok(Ok(()));
    }
    if let Some(node) = find_node(h, t, key)? {
        write_value(h, node + VALUE_SIZE, value)?;
        return Ok(Ok(()));
    }
    if value.is_nil() {
        return Ok(Ok(()));
    }
    let nodes = h.read_u64(t + T_HASH)?;
    let used = h.read_u64(t + T_HUSED)?;
    let cap = if nodes == 0 { 0 } else { 1u64 << h.read_u64(t + T_HLOG)? };
    if (used + 1) * 4 > cap * 3 {
        rehash(h, t, key)?;
        // The key may now belong to the array part.
        if let Some(slot) = array_index(h, t, key)? {
            write_value(h, slot, value)?;
            return Ok(Ok(()));
        }
    }
    insert_new(h, t, key, value)?;
    Ok(Ok(()))
}

/// Puts a key known to be absent into the hash part, which has room.
fn insert_new(h: &mut Heap, t: Addr, key: Value, value: Value) -> Result<(), Fault> {
    let nodes = h.read_u64(t + T_HASH)?;
    let mask = (1u64 << h.read_u64(t + T_HLOG)?) - 1;
    let mut i = hash_key(h, key)? & mask;
    loop {
        let node = nodes + i * NODE;
        if h.read_u64(node)? == 0 {
            // tag 0 is nil: an empty node
            write_value(h, node, key)?;
            write_value(h, node + VALUE_SIZE, value)?;
            let used = h.read_u64(t + T_HUSED)?;
            return h.write_u64(t + T_HUSED, used + 1);
        }
        i = (i + 1) & mask;
    }
}

pub fn set_int(h: &mut Heap, t: Addr, i: i64, value: Value) -> Result<(), Fault> {
    set(h, t, Value::Int(i), value).map(|_| ())
}

/// Chooses array and hash sizes like Lua: the array part gets the largest
/// power of two n such that more than n/2 of the keys 1..n are in use.
fn rehash(h: &mut Heap, t: Addr, extra: Value) -> Result<(), Fault> {
    // counts[k]: integer keys in (2^(k-1), 2^k]
    let mut counts = [0u64; 64];
    let mut total_int = 0u64;
    let mut total = 0u64;
    let mut count_int = |k: i64, counts: &mut [u64; 64]| {
        if k >= 1 {
            let bucket = 64 - ((k - 1) as u64).leading_zeros() as usize;
            counts[bucket.min(63)] += 1;
            true
        } else {
            false
        }
    };
    let asize = h.read_u64(t + T_ASIZE)?;
    let array = h.read_u64(t + T_ARRAY)?;
    for i in 0..asize {
        if !read_value(h, array + i * VALUE_SIZE)?.is_nil() {
            count_int(i as i64 + 1, &mut counts);
            total_int += 1;
            total += 1;
        }
    }
    let nodes = h.read_u64(t + T_HASH)?;
    let cap = if nodes == 0 { 0 } else { 1u64 << h.read_u64(t + T_HLOG)? };
    for i in 0..cap {
        let node = nodes + i * NODE;
        let k = read_value(h, node)?;
        if !k.is_nil() && !read_value(h, node + VALUE_SIZE)?.is_nil() {
            total += 1;
            if let Value::Int(n) = k {
                if count_int(n, &mut counts) {
                    total_int += 1;
                }
            }
        }
    }
    total += 1;
    if let Value::Int(n) = extra {
        if count_int(n, &mut counts) {
            total_int += 1;
        }
    }
    // The largest power of two `na` with more than na/2 integer keys in 1..=na.
    let mut na = 0u64;
    let mut in_array = 0u64;
    let mut acc = 0u64;
    for (k, &c) in counts.iter().enumerate() {
        let limit = 1u64 << k;
        if total_int <= limit / 2 {
            break;
        }
        acc += c;
        if acc > limit / 2 {
            na = limit;
            in_array = acc;
        }
    }
    resize(h, t, na, total - in_array)
}

/// Rebuilds the table with an array part of `na` slots and room for `nh`
/// hash keys, moving every live entry.
// TODO(bounded steps): this moves every entry in one instruction.
pub fn resize(h: &mut Heap, t: Addr, na: u64, nh: u64) -> Result<(), Fault> {
    let old_asize = h.read_u64(t + T_ASIZE)?;
    let old_array = h.read_u64(t + T_ARRAY)?;
    let old_nodes = h.read_u64(t + T_HASH)?;
    let old_cap = if old_nodes == 0 { 0 } else { 1u64 << h.read_u64(t + T_HLOG)? };
    // New parts.
    let new_array = if na > 0 { h.alloc(na * VALUE_SIZE)? } else { 0 };
    if na > 0 {
        h.fill(new_array, (na * VALUE_SIZE) as usize, 0)?;
    }
    let (new_nodes, new_log) = if nh > 0 {
        let cap = (nh * 4 / 3 + 1).next_power_of_two().max(4);
        let nodes = h.alloc(cap * NODE)?;
        h.fill(nodes, (cap * NODE) as usize, 0)?;
        (nodes, u64::from(cap.trailing_zeros()))
    } else {
        (0, 0)
    };
    h.write_u64(t + T_ARRAY, new_array)?;
    h.write_u64(t + T_ASIZE, na)?;
    h.write_u64(t + T_HASH, new_nodes)?;
    h.write_u64(t + T_HLOG, new_log)?;
    h.write_u64(t + T_HUSED, 0)?;
    // Move the old entries in.
    for i in 0..old_asize {
        let v = read_value(h, old_array + i * VALUE_SIZE)?;
        if !v.is_nil() {
            place(h, t, Value::Int(i as i64 + 1), v)?;
        }
    }
    for i in 0..old_cap {
        let node = old_nodes + i * NODE;
        let k = read_value(h, node)?;
        let v = read_value(h, node + VALUE_SIZE)?;
        if !k.is_nil() && !v.is_nil() {
            place(h, t, k, v)?;
        }
    }
    if old_array != 0 {
        h.free(old_array)?;
    }
    if old_nodes != 0 {
        h.free(old_nodes)?;
    }
    Ok(())
}

/// Stores an entry during a resize (the parts are known to have room).
fn place(h: &mut Heap, t: Addr, key: Value, value: Value) -> Result<(), Fault> {
    if let Some(slot) = array_index(h, t, key)? {
        return write_value(h, slot, value);
    }
    insert_new(h, t, key, value)
}

/// The length operator without metamethods: a border of the table.
pub fn length(h: &mut Heap, t: Addr) -> Result<u64, Fault> {
    let asize = h.read_u64(t + T_ASIZE)?;
    let array = h.read_u64(t + T_ARRAY)?;
    if asize > 0 && read_value(h, array + (asize - 1) * VALUE_SIZE)?.is_nil() {
        // Binary search for a border inside the array part.
        let (mut lo, mut hi) = (0u64, asize);
        while hi - lo > 1 {
            let m = (lo + hi) / 2;
            if read_value(h, array + (m - 1) * VALUE_SIZE)?.is_nil() {
                hi = m;
            } else {
                lo = m;
            }
        }
        return Ok(lo);
    }
    if h.read_u64(t + T_HASH)? == 0 || get_int(h, t, asize as i64 + 1)?.is_nil() {
        return Ok(asize);
    }
    // Unbounded search in the hash part.
    let (mut lo, mut hi) = (asize + 1, (asize + 1) * 2);
    while !get_int(h, t, hi as i64)?.is_nil() {
        lo = hi;
        if hi > (i64::MAX as u64) / 2 {
            // Pathological: linear search.
            let mut i = 1;
            while !get_int(h, t, i)?.is_nil() {
                i += 1;
            }
            return Ok(i as u64 - 1);
        }
        hi *= 2;
    }
    while hi - lo > 1 {
        let m = (lo + hi) / 2;
        if get_int(h, t, m as i64)?.is_nil() {
            hi = m;
        } else {
            lo = m;
        }
    }
    Ok(lo)
}

/// `next(t, key)`: the entry after `key`, or `None` at the end; `Err(())`
/// inside means the key is not in the table.
pub fn next(h: &mut Heap, t: Addr, key: Value) -> Result<Result<Option<(Value, Value)>, ()>, Fault> {
    let key = normalize_key(key);
    let asize = h.read_u64(t + T_ASIZE)?;
    let array = h.read_u64(t + T_ARRAY)?;
    let nodes = h.read_u64(t + T_HASH)?;
    let cap = if nodes == 0 { 0 } else { 1u64 << h.read_u64(t + T_HLOG)? };
    let mut index = match key {
        Value::Nil => 0,
        Value::Int(i) if i >= 1 && (i as u64) <= asize => i as u64,
        _ => match find_node(h, t, key)? {
            Some(node) => asize + (node - nodes) / NODE + 1,
            None => return Ok(Err(())),
        },
    };
    while index < asize {
        let v = read_value(h, array + index * VALUE_SIZE)?;
        if !v.is_nil() {
            return Ok(Ok(Some((Value::Int(index as i64 + 1), v))));
        }
        index += 1;
    }
    let mut n = index - asize;
    while n < cap {
        let node = nodes + n * NODE;
        let k = read_value(h, node)?;
        if !k.is_nil() {
            let v = read_value(h, node + VALUE_SIZE)?;
            if !v.is_nil() {
                return Ok(Ok(Some((k, v))));
            }
        }
        n += 1;
    }
    Ok(Ok(None))
}

/// Frees the table's parts (the collector frees the object itself).
pub fn free_parts(h: &mut Heap, t: Addr) -> Result<(), Fault> {
    for off in [T_ARRAY, T_HASH] {
        let block = h.read_u64(t + off)?;
        if block != 0 {
            h.free(block)?;
        }
    }
    Ok(())
}

/// Every key and value address range, for the collector: (array, asize, nodes, cap).
pub fn parts(h: &mut Heap, t: Addr) -> Result<(Addr, u64, Addr, u64), Fault> {
    let asize = h.read_u64(t + T_ASIZE)?;
    let array = h.read_u64(t + T_ARRAY)?;
    let nodes = h.read_u64(t + T_HASH)?;
    let cap = if nodes == 0 { 0 } else { 1u64 << h.read_u64(t + T_HLOG)? };
    Ok((array, asize, nodes, cap))
}
