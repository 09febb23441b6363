//! Tables: an array part for keys 1..n and a hash part with open addressing,
//! both resized *incrementally* so that no single instruction touches more
//! than a few pages, however large the table.
//!
//! ```text
//! 0    object header
//! 16   metatable (address, 0 = none)
//! 24   array block        32 array size (slots)
//! 40   old array block    48 old array size     56 array slots moved so far
//! 64   hash block         72 log2 of its nodes (u32)   76 log2 of the old part's (u32)
//! 80   nodes used (u32)   84 live keys (u32)    (both: the new hash block only)
//! 88   old hash block     96 old nodes moved so far
//! 104  integer keys held by the hash parts (live or dead)
//! 112  non-nil slots of the array block (not counting the old one)
//! 120  integer-key census block (0 = none)
//! ```
//!
//! Resizing a part allocates the new one (large blocks read as zeros, so this
//! costs no writes) and keeps the old one; each insertion of a new key then
//! moves `MIGRATE_STEP` entries across. The new part always has room for
//! what is left of the old one, so the move is over before it must be
//! resized again. Until then lookups consult both; a key is always in
//! exactly one place.
//!
//! A hash node is a key and a value (32 bytes). A node whose key is nil is
//! empty and ends a probe sequence. Removing a key only sets its value to nil
//! (a *dead* key), so `next` keeps working while a loop clears fields; dead
//! keys are dropped when their part is migrated, as in Lua's rehash.
//!
//! The collector does not keep the objects of dead keys alive: it turns such
//! a key into a *tombstone* (tag `DEAD_KEY`, the address kept). A tombstone
//! never matches a lookup (its object may be freed and the address reused),
//! but `next` still finds it by address, so a traversal that cleared the
//! field it stands on can go on, as Lua's `next` accepts dead keys.
//!
//! Every store of a reference into a table, including the moves of an
//! incremental resize, goes through the collector's write barrier
//! (`gc::barrier`), so a table the collector has already scanned never
//! hides an object it did not mark.
//!
//! # Where integer keys live
//!
//! The array part doubles when a program appends (sets key `size + 1`).
//! Other integer keys go to the hash part, and Lua 5.4's policy decides
//! when they move to the array: the array takes the largest size 2^i such
//! that more than half of the keys 1..2^i exist. Lua counts every key at each
//! rehash, which takes as long as the table is big; here the counts are
//! kept as the table changes instead: the number of non-nil array slots, and
//! a census of the hash part's live integer keys by power-of-two range
//! (allocated with the first such key). A part's counts cover only its new
//! block, and a migration recounts every entry it moves, so counts that went
//! wrong (the collector clearing weak entries does not update them) are
//! right again after the next resize. The policy is applied when the hash
//! part is full (as Lua does) and also whenever an integer key enters the
//! hash part while no migration runs, so that an array filled from its top
//! end moves to the array part as soon as it is dense enough, while there
//! are still insertions to pay for the move. Moving is a hash resize whose
//! migration puts the integer keys that the grown array covers into it.
//! The array part never shrinks.
//!
//! Until its hash node has been migrated, an integer key inside the array
//! range can still sit in the hash part; reads of a nil array slot then
//! also look in the hash (only when the hash holds integer keys at all).

use super::gc;
use super::object::{new_object, Kind};
use super::string;
use super::value::{read_value, write_value, Value, VALUE_SIZE};
use crate::heap::{Addr, Fault, Heap};

const T_META: Addr = 16;
const T_ARRAY: Addr = 24;
const T_ASIZE: Addr = 32;
const T_OLD_ARRAY: Addr = 40;
const T_OLD_ASIZE: Addr = 48;
const T_ACURSOR: Addr = 56;
const T_HASH: Addr = 64;
const T_HLOG: Addr = 72;
const T_OLD_HLOG: Addr = 76;
const T_HUSED: Addr = 80;
const T_HLIVE: Addr = 84;
const T_OLD_HASH: Addr = 88;
const T_HCURSOR: Addr = 96;
const T_HINTS: Addr = 104;
const T_ACOUNT: Addr = 112;
const T_CENSUS: Addr = 120;
pub const TABLE_SIZE: u64 = 128;
const NODE: u64 = 2 * VALUE_SIZE;
/// Bytes of a hash node (for the collector's traversal).
pub const NODE_SIZE: u64 = NODE;
/// Tag (low half of a node's key tag word) of a tombstone: a dead key whose
/// object the collector no longer keeps.
pub const DEAD_KEY: u64 = 0xdead;
/// Entries of an old part moved per insertion of a new key. Each may land on
/// another page of the new part, so this bounds the pages of an insertion.
const MIGRATE_STEP: u64 = 8;
/// Census ranges: range 0 holds key 1, range i keys 2^(i-1)+1 ..= 2^i. Keys
/// past the last range can never be in the array part (2^46 slots is far
/// beyond any heap). The word after the ranges is their total.
const RANGES: usize = 47;
const CENSUS_TOTAL: Addr = RANGES as Addr * 8;
const CENSUS_SIZE: u64 = CENSUS_TOTAL + 8;

/// Why a raw set could not be done (Lua errors the caller reports).
#[derive(Debug)]
pub enum KeyError {
    Nil,
    NaN,
}

pub fn new_table(h: &mut Heap, g: Addr, narray: u64, nhash: u64) -> Result<Addr, Fault> {
    let t = new_object(h, g, Kind::Table, TABLE_SIZE)?;
    for off in (T_META..TABLE_SIZE).step_by(8) {
        h.write_u64(t + off, 0)?;
    }
    if narray > 0 {
        let array = h.alloc_zeroed(narray * VALUE_SIZE)?;
        h.write_u64(t + T_ARRAY, array)?;
        h.write_u64(t + T_ASIZE, narray)?;
    }
    if nhash > 0 {
        let cap = (nhash * 4 / 3 + 1).next_power_of_two().max(4);
        let nodes = h.alloc_zeroed(cap * NODE)?;
        h.write_u64(t + T_HASH, nodes)?;
        h.write_u32(t + T_HLOG, cap.trailing_zeros())?;
    }
    Ok(t)
}

pub fn metatable(h: &mut Heap, t: Addr) -> Result<Addr, Fault> {
    h.read_u64(t + T_META)
}

pub fn set_metatable(h: &mut Heap, t: Addr, mt: Addr) -> Result<(), Fault> {
    h.write_u64(t + T_META, mt)?;
    if mt != 0 {
        gc::barrier(h, t, Value::Table(mt))?;
    }
    Ok(())
}

/// Stores a value into a slot of table `t`, with the collector's barrier.
fn store(h: &mut Heap, t: Addr, slot: Addr, v: Value) -> Result<(), Fault> {
    write_value(h, slot, v)?;
    gc::barrier(h, t, v)
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

/// Raw key equality as the hash part needs it, given that the two keys'
/// hashes are already known to be equal.
fn key_equal(h: &mut Heap, a: Value, b: Value) -> Result<bool, Fault> {
    Ok(match (a, b) {
        (Value::Str(x), Value::Str(y)) => string::equal(h, x, y)?,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    })
}

/// A node's key keeps the low 32 bits of the key's hash in the upper half of
/// its tag word, so probing and migrating never read the key's object
/// (for strings that would be one more page per probe).
/// A tombstone reads as nil: it matches no key and is skipped like an empty
/// node by `next` and by migration (but, unlike an empty node, it does not
/// end a probe sequence).
fn read_key(h: &mut Heap, node: Addr) -> Result<(Value, u32), Fault> {
    let tag = h.read_u64(node)?;
    let payload = h.read_u64(node + 8)?;
    if tag & 0xffff_ffff == DEAD_KEY {
        return Ok((Value::Nil, (tag >> 32) as u32));
    }
    Ok((Value::decode(tag & 0xffff_ffff, payload)?, (tag >> 32) as u32))
}

fn write_key(h: &mut Heap, node: Addr, key: Value, hash: u32) -> Result<(), Fault> {
    let (tag, payload) = key.encode();
    h.write_u64(node, tag | (u64::from(hash) << 32))?;
    h.write_u64(node + 8, payload)
}

/// Floats with an integer value are stored as integers (t[1.0] is t[1]).
pub fn normalize_key(key: Value) -> Value {
    if let Value::Float(f) = key {
        if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            return Value::Int(f as i64);
        }
    }
    key
}

fn hash_cap(h: &mut Heap, t: Addr) -> Result<u64, Fault> {
    Ok(if h.read_u64(t + T_HASH)? == 0 { 0 } else { 1u64 << h.read_u32(t + T_HLOG)? })
}

fn old_hash_cap(h: &mut Heap, t: Addr) -> Result<u64, Fault> {
    Ok(if h.read_u64(t + T_OLD_HASH)? == 0 { 0 } else { 1u64 << h.read_u32(t + T_OLD_HLOG)? })
}

/// Which block a value slot is in, for the counts (see `counted`): the
/// array or hash block, or an old block still being migrated (not counted).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Array,
    Hash,
    Old,
}

/// The slot of array index `i` (1-based), if within the array part (three
/// reads of the table header; two more while the array part is being
/// migrated, which a table that stopped growing stays in). Inlined: the
/// interpreter's fast path for integer keys is this.
#[inline(always)]
fn array_slot(h: &mut Heap, t: Addr, i: i64) -> Result<Option<Addr>, Fault> {
    Ok(array_slot_part(h, t, i)?.map(|(slot, _)| slot))
}

#[inline(always)]
fn array_slot_part(h: &mut Heap, t: Addr, i: i64) -> Result<Option<(Addr, Part)>, Fault> {
    let asize = h.read_u64(t + T_ASIZE)?;
    if i < 1 || (i as u64) > asize {
        return Ok(None);
    }
    let index = i as u64 - 1;
    let old = h.read_u64(t + T_OLD_ARRAY)?;
    if old != 0 && index >= h.read_u64(t + T_ACURSOR)? && index < h.read_u64(t + T_OLD_ASIZE)? {
        return Ok(Some((old + index * VALUE_SIZE, Part::Old)));
    }
    Ok(Some((h.read_u64(t + T_ARRAY)? + index * VALUE_SIZE, Part::Array)))
}

/// Probes one hash part for `key`, whose hash is `hash`.
fn probe(h: &mut Heap, nodes: Addr, log: u64, key: Value, hash: u32) -> Result<Option<Addr>, Fault> {
    if nodes == 0 {
        return Ok(None);
    }
    let mask = (1u64 << log) - 1;
    let mut i = u64::from(hash) & mask;
    for _ in 0..=mask {
        let node = nodes + i * NODE;
        if h.read_u64(node)? == 0 {
            return Ok(None); // tag 0 (nil): an empty node ends the sequence
        }
        let (k, khash) = read_key(h, node)?;
        if khash == hash && key_equal(h, k, key)? {
            return Ok(Some(node));
        }
        i = (i + 1) & mask;
    }
    Ok(None)
}

/// The tombstone left by the key object at `addr` (hash `hash`), if any.
fn probe_dead(h: &mut Heap, nodes: Addr, log: u64, addr: Addr, hash: u32) -> Result<Option<Addr>, Fault> {
    if nodes == 0 || addr == 0 {
        return Ok(None);
    }
    let mask = (1u64 << log) - 1;
    let mut i = u64::from(hash) & mask;
    for _ in 0..=mask {
        let node = nodes + i * NODE;
        let tag = h.read_u64(node)?;
        if tag == 0 {
            return Ok(None);
        }
        if tag & 0xffff_ffff == DEAD_KEY && (tag >> 32) as u32 == hash && h.read_u64(node + 8)? == addr {
            return Ok(Some(node));
        }
        i = (i + 1) & mask;
    }
    Ok(None)
}

/// The node holding `key` (dead or alive) in either hash part.
fn find_node(h: &mut Heap, t: Addr, key: Value) -> Result<Option<(Addr, Part)>, Fault> {
    let nodes = h.read_u64(t + T_HASH)?;
    let old = h.read_u64(t + T_OLD_HASH)?;
    if nodes == 0 && old == 0 {
        return Ok(None);
    }
    let hash = hash_key(h, key)? as u32;
    if nodes != 0 {
        let log = u64::from(h.read_u32(t + T_HLOG)?);
        if let Some(node) = probe(h, nodes, log, key, hash)? {
            return Ok(Some((node, Part::Hash)));
        }
    }
    if old == 0 {
        return Ok(None);
    }
    let log = u64::from(h.read_u32(t + T_OLD_HLOG)?);
    match probe(h, old, log, key, hash)? {
        // A node the migration has passed has moved; if it is still found
        // here, its key went to the array part and was removed since.
        Some(node) if (node - old) / NODE < h.read_u64(t + T_HCURSOR)? => Ok(None),
        found => Ok(found.map(|n| (n, Part::Old))),
    }
}

fn hash_may_hold_ints(h: &mut Heap, t: Addr) -> Result<bool, Fault> {
    Ok(h.read_u64(t + T_HINTS)? > 0)
}

/// Where `key` lives now, if anywhere: its value slot.
fn value_slot(h: &mut Heap, t: Addr, key: Value) -> Result<Option<Addr>, Fault> {
    Ok(value_slot_part(h, t, key)?.map(|(slot, _)| slot))
}

fn value_slot_part(h: &mut Heap, t: Addr, key: Value) -> Result<Option<(Addr, Part)>, Fault> {
    if let Value::Int(i) = key {
        if let Some((slot, part)) = array_slot_part(h, t, i)? {
            if h.read_u64(slot)? != 0 || !hash_may_hold_ints(h, t)? {
                return Ok(Some((slot, part)));
            }
            // A nil array slot: the key may still sit in the hash part.
            return Ok(Some(find_node(h, t, key)?.map_or((slot, part), |(n, p)| (n + VALUE_SIZE, p))));
        }
    }
    Ok(find_node(h, t, key)?.map(|(n, p)| (n + VALUE_SIZE, p)))
}

/// `t[key]` without metamethods.
pub fn get(h: &mut Heap, t: Addr, key: Value) -> Result<Value, Fault> {
    let key = normalize_key(key);
    if key.is_nil() {
        return Ok(Value::Nil);
    }
    match value_slot(h, t, key)? {
        Some(slot) => read_value(h, slot),
        None => Ok(Value::Nil),
    }
}

/// Where `key` lives now, for the interpreter's fast path: like
/// `value_slot`, but `None` when finding out would mean comparing the
/// contents of two long strings (that comparison may be interrupted and
/// spread over steps, which only the general path handles). Read-only.
#[inline(always)]
fn value_slot_quick(h: &mut Heap, t: Addr, key: Value) -> Result<Option<Option<Addr>>, Fault> {
    let Value::Str(s) = key else { return Ok(Some(value_slot(h, t, key)?)) };
    let nodes = h.read_u64(t + T_HASH)?;
    let old = h.read_u64(t + T_OLD_HASH)?;
    if nodes == 0 && old == 0 {
        return Ok(Some(None));
    }
    let hash = string::hash(h, s)? as u32;
    if nodes != 0 {
        let log = u64::from(h.read_u32(t + T_HLOG)?);
        match probe_quick(h, nodes, log, s, hash)? {
            Some(Some(node)) => return Ok(Some(Some(node + VALUE_SIZE))),
            Some(None) => {}
            None => return Ok(None),
        }
    }
    if old == 0 {
        return Ok(Some(None));
    }
    let log = u64::from(h.read_u32(t + T_OLD_HLOG)?);
    Ok(match probe_quick(h, old, log, s, hash)? {
        // As in `find_node`: a node the migration has passed has moved.
        Some(Some(node)) if (node - old) / NODE < h.read_u64(t + T_HCURSOR)? => Some(None),
        Some(found) => Some(found.map(|n| n + VALUE_SIZE)),
        None => None,
    })
}

/// `probe` for a string key that only compares addresses: `None` when a
/// node holds a different string with the same 32-bit hash (it might be an
/// equal long string).
#[inline(always)]
fn probe_quick(h: &mut Heap, nodes: Addr, log: u64, s: Addr, hash: u32) -> Result<Option<Option<Addr>>, Fault> {
    let mask = (1u64 << log) - 1;
    let mut i = u64::from(hash) & mask;
    for _ in 0..=mask {
        let node = nodes + i * NODE;
        // The key's two words at once (see `read_key` for the tag's halves).
        let (tag, payload) = h.read_u64_pair(node)?;
        if tag == 0 {
            return Ok(Some(None));
        }
        if (tag >> 32) as u32 == hash && tag & 0xffff_ffff != DEAD_KEY {
            match Value::decode(tag & 0xffff_ffff, payload)? {
                Value::Str(x) if x == s => return Ok(Some(Some(node))),
                Value::Str(_) => return Ok(None),
                _ => {}
            }
        }
        i = (i + 1) & mask;
    }
    Ok(Some(None))
}

/// `t[key]` for the interpreter's fast path: the value when it is present
/// (not nil) and was found without comparing string contents; `None`
/// otherwise (the caller then takes the general path, which also looks for
/// `__index`). Read-only, so giving up costs nothing but the reads.
#[inline(always)]
pub fn get_fast(h: &mut Heap, t: Addr, key: Value) -> Result<Option<Value>, Fault> {
    if let Value::Int(i) = key {
        if let Some(slot) = array_slot(h, t, i)? {
            let v = read_value(h, slot)?;
            // A nil slot: the key may still be in the hash part.
            return Ok((!v.is_nil()).then_some(v));
        }
    }
    let key = normalize_key(key);
    if key.is_nil() {
        return Ok(None);
    }
    let Some(Some(slot)) = value_slot_quick(h, t, key)? else { return Ok(None) };
    let v = read_value(h, slot)?;
    Ok((!v.is_nil()).then_some(v))
}

/// `t[key]` for the interpreter's fast path, nil included when it is final:
/// the table has no metatable (so no `__index`) and the key is not a
/// string (whose lookup may need an interruptible comparison).
#[inline(always)]
pub fn get_raw_fast(h: &mut Heap, t: Addr, key: Value) -> Result<Option<Value>, Fault> {
    if let Some(v) = get_fast(h, t, key)? {
        return Ok(Some(v));
    }
    if matches!(key, Value::Str(_)) || h.read_u64(t + T_META)? != 0 {
        return Ok(None);
    }
    Ok(Some(get(h, t, key)?))
}

/// `t[key] = value` for the interpreter's fast path, done only when it is
/// a plain overwrite: the key is present with a non-nil value (so no
/// `__newindex`, no count or size changes), `value` is not nil, and the
/// collector's barrier has nothing to do. Returns whether it was done;
/// when not, nothing was written.
#[inline(always)]
pub fn set_existing_fast(h: &mut Heap, t: Addr, key: Value, value: Value) -> Result<bool, Fault> {
    if value.is_nil() || (value.object().is_some() && h.user_word(super::state::USER_WORD_MARKING)? != 0) {
        return Ok(false);
    }
    let slot = match key {
        Value::Int(i) => array_slot(h, t, i)?,
        _ => None,
    };
    let slot = match slot {
        Some(slot) => slot,
        None => {
            let key = normalize_key(key);
            if key.is_nil() {
                return Ok(false);
            }
            let Some(Some(slot)) = value_slot_quick(h, t, key)? else { return Ok(false) };
            slot
        }
    };
    if h.read_u64(slot)? == 0 {
        return Ok(false);
    }
    write_value(h, slot, value)?;
    Ok(true)
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
    let mut paid = false;
    if let Some((slot, part)) = value_slot_part(h, t, key)? {
        let was_nil = h.read_u64(slot)? == 0;
        if !was_nil || value.is_nil() || !migrating(h, t)? {
            store(h, t, slot, value)?;
            if was_nil != value.is_nil() {
                counted(h, t, key, part, !was_nil)?;
                if was_nil && matches!(key, Value::Int(_)) {
                    check_array_growth(h, t)?;
                }
            }
            return Ok(Ok(()));
        }
        // Filling an empty slot counts as growth: it pays for migration too,
        // so an array filled by appends has finished moving before it doubles.
        migrate_step(h, t)?;
        paid = true;
        if let Some((slot, part)) = value_slot_part(h, t, key)? {
            let was_nil = h.read_u64(slot)? == 0;
            store(h, t, slot, value)?;
            if was_nil {
                counted(h, t, key, part, false)?;
            }
            return Ok(Ok(()));
        }
        // The move dropped the key's dead node: it is a new key now.
    } else if value.is_nil() {
        return Ok(Ok(()));
    }
    // A new key: do some migration work, then place it.
    if !paid {
        migrate_step(h, t)?;
    }
    if let Value::Int(i) = key {
        let asize = h.read_u64(t + T_ASIZE)?;
        // An append doubles the array, unless its last growth is still
        // being moved (then the key waits in the hash part).
        if i > 0 && i as u64 == asize + 1 && h.read_u64(t + T_OLD_ARRAY)? == 0 {
            let size = (asize * 2).max(4);
            // Integer keys the array now covers leave the hash part too.
            if h.read_u64(t + T_OLD_HASH)? == 0 {
                grow_over_hash(h, t, size)?;
            } else {
                grow_array(h, t, size)?;
            }
            put_array(h, t, i, value)?;
            return Ok(Ok(()));
        }
    }
    let used = u64::from(h.read_u32(t + T_HUSED)?);
    let cap = hash_cap(h, t)?;
    if (used + 1) * 4 > cap * 3 {
        rehash(h, t, key)?;
        if let Value::Int(i) = key {
            if array_slot(h, t, i)?.is_some() {
                put_array(h, t, i, value)?;
                return Ok(Ok(()));
            }
        }
    }
    insert_new(h, t, key, value)?;
    if matches!(key, Value::Int(_)) {
        check_array_growth(h, t)?;
    }
    Ok(Ok(()))
}

pub fn set_int(h: &mut Heap, t: Addr, i: i64, value: Value) -> Result<(), Fault> {
    set(h, t, Value::Int(i), value).map(|_| ())
}

/// Stores a non-nil value into the (empty) array slot of key `i`.
fn put_array(h: &mut Heap, t: Addr, i: i64, value: Value) -> Result<(), Fault> {
    let (slot, part) = array_slot_part(h, t, i)?.ok_or(Fault::Invalid("an array slot vanished"))?;
    store(h, t, slot, value)?;
    counted(h, t, Value::Int(i), part, false)
}

/// The census range of integer key `i`, if it could ever be in the array part.
fn range_of(i: i64) -> Option<usize> {
    if i < 1 {
        return None;
    }
    let r = if i == 1 { 0 } else { (64 - (i as u64 - 1).leading_zeros()) as usize };
    (r < RANGES).then_some(r)
}

fn add(h: &mut Heap, at: Addr, removed: bool) -> Result<(), Fault> {
    let n = h.read_u64(at)?;
    h.write_u64(at, if removed { n.saturating_sub(1) } else { n + 1 })
}

fn add_u32(h: &mut Heap, at: Addr, removed: bool) -> Result<(), Fault> {
    let n = h.read_u32(at)?;
    h.write_u32(at, if removed { n.saturating_sub(1) } else { n + 1 })
}

/// Keeps the counts right after the value of `key`, in `part`, went from
/// nil to non-nil or back (`removed`). Slots of old parts are not counted:
/// the migration counts them when it moves them.
fn counted(h: &mut Heap, t: Addr, key: Value, part: Part, removed: bool) -> Result<(), Fault> {
    match part {
        Part::Old => return Ok(()),
        Part::Array => return add(h, t + T_ACOUNT, removed),
        Part::Hash => add_u32(h, t + T_HLIVE, removed)?,
    }
    let Value::Int(i) = key else { return Ok(()) };
    let Some(r) = range_of(i) else { return Ok(()) };
    let mut census = h.read_u64(t + T_CENSUS)?;
    if census == 0 {
        if removed {
            return Ok(());
        }
        census = h.alloc_zeroed(CENSUS_SIZE)?;
        h.write_u64(t + T_CENSUS, census)?;
    }
    add(h, census + r as u64 * 8, removed)?;
    add(h, census + CENSUS_TOTAL, removed)
}

/// Lua's array size rule on the current counts (plus integer key `extra`,
/// about to be inserted): the largest power of two n above the array size
/// such that more than n/2 of the keys 1..n exist, if any.
fn array_target(h: &mut Heap, t: Addr, extra: Option<i64>) -> Result<Option<u64>, Fault> {
    let census = h.read_u64(t + T_CENSUS)?;
    let extra = extra.and_then(range_of);
    if census == 0 && extra.is_none() {
        return Ok(None);
    }
    let asize = h.read_u64(t + T_ASIZE)?;
    let in_array = h.read_u64(t + T_ACOUNT)?;
    let hashed = if census == 0 { 0 } else { h.read_u64(census + CENSUS_TOTAL)? };
    let total = in_array + hashed + u64::from(extra.is_some());
    let mut below = in_array;
    let mut best = None;
    for r in 0..RANGES {
        let size = 1u64 << r;
        if size / 2 >= total {
            break;
        }
        if census != 0 {
            below += h.read_u64(census + r as u64 * 8)?;
        }
        if extra == Some(r) {
            below += 1;
        }
        if size > asize && below > size / 2 {
            best = Some(size);
        }
    }
    Ok(best)
}

/// Applies the array size rule after an integer key was added, when the
/// hash part holds integer keys and no migration runs. Most calls end at a
/// cheap bound: no size above the array can qualify unless the keys counted
/// outnumber half of the smallest such size.
fn check_array_growth(h: &mut Heap, t: Addr) -> Result<(), Fault> {
    let census = h.read_u64(t + T_CENSUS)?;
    if census == 0 || migrating(h, t)? {
        return Ok(());
    }
    let hashed = h.read_u64(census + CENSUS_TOTAL)?;
    let least = (h.read_u64(t + T_ASIZE)? + 1).next_power_of_two();
    if hashed == 0 || h.read_u64(t + T_ACOUNT)? + hashed <= least / 2 {
        return Ok(());
    }
    if let Some(size) = array_target(h, t, None)? {
        grow_over_hash(h, t, size)?;
    }
    Ok(())
}

/// Live integer keys of the hash part that an array of `size` slots covers
/// (by whole census ranges: an estimate from above when `size` is not a
/// power of two).
fn hashed_ints_within(h: &mut Heap, t: Addr, size: u64) -> Result<u64, Fault> {
    let census = h.read_u64(t + T_CENSUS)?;
    if census == 0 || size == 0 {
        return Ok(0);
    }
    let mut n = 0;
    for r in 0..RANGES {
        if (1u64 << r) > size {
            break;
        }
        n += h.read_u64(census + r as u64 * 8)?;
    }
    Ok(n)
}

/// The hash part is full and `key` must go in: apply the array size rule,
/// then resize the hash part for the keys that stay in it.
fn rehash(h: &mut Heap, t: Addr, key: Value) -> Result<(), Fault> {
    // The last resize has normally finished moving long ago; make sure.
    migrate_hash(h, t, u64::MAX)?;
    let extra = if let Value::Int(i) = key { Some(i) } else { None };
    let mut asize = h.read_u64(t + T_ASIZE)?;
    if h.read_u64(t + T_OLD_ARRAY)? == 0 {
        if let Some(size) = array_target(h, t, extra)? {
            grow_array(h, t, size)?;
            asize = size;
        }
    }
    let moving = hashed_ints_within(h, t, asize)?;
    let key_to_array = matches!(extra, Some(i) if i >= 1 && i as u64 <= asize);
    let live = u64::from(h.read_u32(t + T_HLIVE)?);
    resize_hash(h, t, live.saturating_sub(moving) + u64::from(!key_to_array))
}

/// The array part grows to `size` over integer keys of the hash part: the
/// hash part is resized, and its migration moves those keys into the array.
fn grow_over_hash(h: &mut Heap, t: Addr, size: u64) -> Result<(), Fault> {
    grow_array(h, t, size)?;
    let moving = hashed_ints_within(h, t, size)?;
    if moving > 0 {
        let live = u64::from(h.read_u32(t + T_HLIVE)?);
        resize_hash(h, t, live.saturating_sub(moving))?;
    }
    Ok(())
}

/// Puts a key known to be absent into the new hash part, which has room.
fn insert_new(h: &mut Heap, t: Addr, key: Value, value: Value) -> Result<(), Fault> {
    let hash = hash_key(h, key)? as u32;
    insert_hashed(h, t, key, hash, value)
}

/// Places a live key in the new hash part and counts it.
fn insert_hashed(h: &mut Heap, t: Addr, key: Value, hash: u32, value: Value) -> Result<(), Fault> {
    let nodes = h.read_u64(t + T_HASH)?;
    let mask = hash_cap(h, t)?.wrapping_sub(1);
    if nodes == 0 {
        return Err(Fault::Invalid("insertion into a table without a hash part"));
    }
    let mut i = u64::from(hash) & mask;
    for _ in 0..=mask {
        let node = nodes + i * NODE;
        if h.read_u64(node)? == 0 {
            write_key(h, node, key, hash)?;
            gc::barrier(h, t, key)?;
            store(h, t, node + VALUE_SIZE, value)?;
            add_u32(h, t + T_HUSED, false)?;
            if matches!(key, Value::Int(_)) {
                add(h, t + T_HINTS, false)?;
            }
            return counted(h, t, key, Part::Hash, false);
        }
        i = (i + 1) & mask;
    }
    Err(Fault::Invalid("a table's hash part is full"))
}

fn migrating(h: &mut Heap, t: Addr) -> Result<bool, Fault> {
    Ok(h.read_u64(t + T_OLD_ARRAY)? != 0 || h.read_u64(t + T_OLD_HASH)? != 0)
}

/// Moves up to `MIGRATE_STEP` entries from each old part to the new one.
fn migrate_step(h: &mut Heap, t: Addr) -> Result<(), Fault> {
    migrate_array(h, t, MIGRATE_STEP)?;
    migrate_hash(h, t, MIGRATE_STEP)
}

fn migrate_array(h: &mut Heap, t: Addr, budget: u64) -> Result<(), Fault> {
    let old = h.read_u64(t + T_OLD_ARRAY)?;
    if old == 0 {
        return Ok(());
    }
    let old_size = h.read_u64(t + T_OLD_ASIZE)?;
    let array = h.read_u64(t + T_ARRAY)?;
    let mut cursor = h.read_u64(t + T_ACURSOR)?;
    let end = cursor.saturating_add(budget).min(old_size);
    let mut filled = 0;
    while cursor < end {
        let v = read_value(h, old + cursor * VALUE_SIZE)?;
        if !v.is_nil() {
            // A move is a store: the new part may already have been scanned.
            store(h, t, array + cursor * VALUE_SIZE, v)?;
            filled += 1;
        }
        cursor += 1;
    }
    if filled > 0 {
        let n = h.read_u64(t + T_ACOUNT)?;
        h.write_u64(t + T_ACOUNT, n + filled)?;
    }
    if cursor == old_size {
        h.free(old)?;
        h.write_u64(t + T_OLD_ARRAY, 0)?;
        h.write_u64(t + T_OLD_ASIZE, 0)?;
        h.write_u64(t + T_ACURSOR, 0)
    } else {
        h.write_u64(t + T_ACURSOR, cursor)
    }
}

fn migrate_hash(h: &mut Heap, t: Addr, budget: u64) -> Result<(), Fault> {
    let old = h.read_u64(t + T_OLD_HASH)?;
    if old == 0 {
        return Ok(());
    }
    let old_cap = old_hash_cap(h, t)?;
    let mut cursor = h.read_u64(t + T_HCURSOR)?;
    let end = cursor.saturating_add(budget).min(old_cap);
    while cursor < end {
        let node = old + cursor * NODE;
        let (k, khash) = read_key(h, node)?;
        if !k.is_nil() {
            let v = read_value(h, node + VALUE_SIZE)?;
            if let Value::Int(i) = k {
                let ints = h.read_u64(t + T_HINTS)?;
                h.write_u64(t + T_HINTS, ints.saturating_sub(1))?;
                if !v.is_nil() {
                    if let Some((slot, part)) = array_slot_part(h, t, i)? {
                        // The array grew over this key: it moves there (its
                        // slot is nil while the key is in the hash part).
                        if h.read_u64(slot)? == 0 {
                            store(h, t, slot, v)?;
                            counted(h, t, k, part, false)?;
                        }
                        write_value(h, node + VALUE_SIZE, Value::Nil)?;
                        cursor += 1;
                        continue;
                    }
                }
            }
            if !v.is_nil() {
                insert_hashed(h, t, k, khash, v)?;
            }
            // Leave the key: lookups skip nodes the cursor has passed.
            write_value(h, node + VALUE_SIZE, Value::Nil)?;
        }
        cursor += 1;
    }
    if cursor == old_cap {
        h.free(old)?;
        h.write_u64(t + T_OLD_HASH, 0)?;
        h.write_u32(t + T_OLD_HLOG, 0)?;
        h.write_u64(t + T_HCURSOR, 0)
    } else {
        h.write_u64(t + T_HCURSOR, cursor)
    }
}

/// Gives the array part `size` slots (moving the old block over in later
/// steps).
fn grow_array(h: &mut Heap, t: Addr, size: u64) -> Result<(), Fault> {
    // The previous growth is normally long finished; make sure.
    migrate_array(h, t, u64::MAX)?;
    let asize = h.read_u64(t + T_ASIZE)?;
    let block = h.alloc_zeroed(size * VALUE_SIZE)?;
    let old = h.read_u64(t + T_ARRAY)?;
    if old != 0 {
        h.write_u64(t + T_OLD_ARRAY, old)?;
        h.write_u64(t + T_OLD_ASIZE, asize)?;
        h.write_u64(t + T_ACURSOR, 0)?;
    }
    h.write_u64(t + T_ARRAY, block)?;
    h.write_u64(t + T_ASIZE, size)?;
    h.write_u64(t + T_ACOUNT, 0)
}

/// Replaces the hash part by one sized for `keys` live keys (the current
/// part is moved over in later steps, its dead keys dropped). The new part
/// also has room for a `MIGRATE_STEP`th of the current one's nodes, the
/// insertions that pay for the move, so the move is over before the new
/// part is full.
fn resize_hash(h: &mut Heap, t: Addr, keys: u64) -> Result<(), Fault> {
    migrate_hash(h, t, u64::MAX)?;
    let nodes = h.read_u64(t + T_HASH)?;
    let log = h.read_u32(t + T_HLOG)?;
    let cap = hash_cap(h, t)?;
    let need = keys + cap / MIGRATE_STEP + 1;
    let new_cap = (need * 4).div_ceil(3).next_power_of_two().max(4);
    let block = h.alloc_zeroed(new_cap * NODE)?;
    if nodes != 0 {
        h.write_u64(t + T_OLD_HASH, nodes)?;
        h.write_u32(t + T_OLD_HLOG, log)?;
        h.write_u64(t + T_HCURSOR, 0)?;
    }
    h.write_u64(t + T_HASH, block)?;
    h.write_u32(t + T_HLOG, new_cap.trailing_zeros())?;
    h.write_u32(t + T_HUSED, 0)?;
    h.write_u32(t + T_HLIVE, 0)?;
    let census = h.read_u64(t + T_CENSUS)?;
    if census != 0 {
        h.fill(census, CENSUS_SIZE as usize, 0)?;
    }
    Ok(())
}

/// Whether keys 1..=n all fall in the array part (then accessing them in
/// order touches few pages; in the hash part each may be on its own page).
pub fn array_covers(h: &mut Heap, t: Addr, n: i64) -> Result<bool, Fault> {
    if n > h.read_u64(t + T_ASIZE)? as i64 {
        return Ok(false);
    }
    if !hash_may_hold_ints(h, t)? {
        return Ok(true);
    }
    // Integer keys elsewhere (0, negative, far beyond the array) do not count.
    Ok(h.read_u64(t + T_OLD_HASH)? == 0 && hashed_ints_within(h, t, (n.max(1) as u64).next_power_of_two())? == 0)
}

/// The length operator without metamethods: a border of the table.
pub fn length(h: &mut Heap, t: Addr) -> Result<u64, Fault> {
    let asize = h.read_u64(t + T_ASIZE)?;
    if asize > 0 && get_int(h, t, asize as i64)?.is_nil() {
        // Binary search for a border inside the array part.
        let (mut lo, mut hi) = (0u64, asize);
        while hi - lo > 1 {
            let m = (lo + hi) / 2;
            if get_int(h, t, m as i64)?.is_nil() {
                hi = m;
            } else {
                lo = m;
            }
        }
        return Ok(lo);
    }
    if get_int(h, t, asize as i64 + 1)?.is_nil() {
        return Ok(asize);
    }
    // Unbounded search in the hash part.
    let (mut lo, mut hi) = (asize + 1, (asize + 1) * 2);
    while !get_int(h, t, hi as i64)?.is_nil() {
        lo = hi;
        if hi > (i64::MAX as u64) / 2 {
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

/// Traversal positions: array indices, then new-hash nodes, then old-hash nodes.
struct Parts {
    asize: u64,
    nodes: Addr,
    cap: u64,
    old: Addr,
    old_cap: u64,
}

fn parts_of(h: &mut Heap, t: Addr) -> Result<Parts, Fault> {
    let nodes = h.read_u64(t + T_HASH)?;
    let old = h.read_u64(t + T_OLD_HASH)?;
    Ok(Parts {
        asize: h.read_u64(t + T_ASIZE)?,
        nodes,
        cap: hash_cap(h, t)?,
        old,
        old_cap: old_hash_cap(h, t)?,
    })
}

/// `next(t, key)`: the entry after `key`, or `None` at the end; `Err(())`
/// inside means the key is not in the table.
pub fn next(h: &mut Heap, t: Addr, key: Value) -> Result<Result<Option<(Value, Value)>, ()>, Fault> {
    let Some(index) = position_after(h, t, key)? else { return Ok(Err(())) };
    Ok(Ok(match scan_from(h, t, index, u64::MAX)? {
        Scan::Found(k, v) => Some((k, v)),
        _ => None,
    }))
}

/// What a bounded scan for the next entry found.
pub enum Scan {
    Found(Value, Value),
    End,
    /// Nothing within the budget: go on from this position.
    Paused(u64),
}

/// The traversal position just after `key` (array indices, then new-hash
/// nodes, then old-hash nodes), or None if the key is not in the table.
pub fn position_after(h: &mut Heap, t: Addr, key: Value) -> Result<Option<u64>, Fault> {
    let key = normalize_key(key);
    let p = parts_of(h, t)?;
    // An array index stays a position after the program cleared its slot,
    // unless the key lives in the hash part (not yet moved to the array).
    let array_index = match key {
        Value::Nil => return Ok(Some(0)),
        Value::Int(i) if i >= 1 && (i as u64) <= p.asize => {
            if !get_array_raw(h, t, i)?.is_nil() || !hash_may_hold_ints(h, t)? {
                return Ok(Some(i as u64));
            }
            Some(i as u64)
        }
        _ => None,
    };
    let hash = hash_key(h, key)? as u32;
    let new_log = if p.cap > 0 { u64::from(p.cap.trailing_zeros()) } else { 0 };
    let old_log = if p.old_cap > 0 { u64::from(p.old_cap.trailing_zeros()) } else { 0 };
    // Old nodes the migration has passed have moved (or were dead).
    let moved = if p.old != 0 { h.read_u64(t + T_HCURSOR)? } else { 0 };
    let in_old = |node: Addr| (node - p.old) / NODE >= moved;
    if let Some(node) = probe(h, p.nodes, new_log, key, hash)? {
        return Ok(Some(p.asize + (node - p.nodes) / NODE + 1));
    }
    if let Some(node) = probe(h, p.old, old_log, key, hash)?.filter(|&n| in_old(n)) {
        return Ok(Some(p.asize + p.cap + (node - p.old) / NODE + 1));
    }
    if array_index.is_some() {
        return Ok(array_index);
    }
    // The traversal may stand on a key the program removed and the
    // collector tombstoned.
    let addr = key.object().unwrap_or(0);
    if let Some(node) = probe_dead(h, p.nodes, new_log, addr, hash)? {
        return Ok(Some(p.asize + (node - p.nodes) / NODE + 1));
    }
    if let Some(node) = probe_dead(h, p.old, old_log, addr, hash)?.filter(|&n| in_old(n)) {
        return Ok(Some(p.asize + p.cap + (node - p.old) / NODE + 1));
    }
    Ok(None)
}

/// The first entry at or after traversal position `index`, looking at no
/// more than `budget` slots (so that a long run of empty slots is crossed
/// over several steps).
pub fn scan_from(h: &mut Heap, t: Addr, mut index: u64, mut budget: u64) -> Result<Scan, Fault> {
    let p = parts_of(h, t)?;
    while index < p.asize {
        if budget == 0 {
            return Ok(Scan::Paused(index));
        }
        budget -= 1;
        let v = get_array_raw(h, t, index as i64 + 1)?;
        if !v.is_nil() {
            return Ok(Scan::Found(Value::Int(index as i64 + 1), v));
        }
        index += 1;
    }
    let mut n = index - p.asize;
    // Old nodes below the migration cursor have all moved: skip them whole.
    let moved = if p.old != 0 { h.read_u64(t + T_HCURSOR)? } else { 0 };
    while n < p.cap + p.old_cap {
        if n >= p.cap && n - p.cap < moved {
            n = p.cap + moved;
            continue;
        }
        if budget == 0 {
            return Ok(Scan::Paused(p.asize + n));
        }
        budget -= 1;
        let node = if n < p.cap { p.nodes + n * NODE } else { p.old + (n - p.cap) * NODE };
        let (k, _) = read_key(h, node)?;
        if !k.is_nil() {
            let v = read_value(h, node + VALUE_SIZE)?;
            if !v.is_nil() {
                return Ok(Scan::Found(k, v));
            }
        }
        n += 1;
    }
    Ok(Scan::End)
}

fn get_array_raw(h: &mut Heap, t: Addr, i: i64) -> Result<Value, Fault> {
    match array_slot(h, t, i)? {
        Some(slot) => read_value(h, slot),
        None => Ok(Value::Nil),
    }
}

/// Frees the table's parts (the collector frees the object itself).
pub fn free_parts(h: &mut Heap, t: Addr) -> Result<(), Fault> {
    for off in [T_ARRAY, T_OLD_ARRAY, T_HASH, T_OLD_HASH, T_CENSUS] {
        let block = h.read_u64(t + off)?;
        if block != 0 {
            h.free(block)?;
        }
    }
    Ok(())
}

/// A table's parts as the collector walks them.
#[derive(Clone, Copy, Debug, Default)]
pub struct GcParts {
    pub array: Addr,
    pub asize: u64,
    pub hash: Addr,
    /// Nodes in the hash part.
    pub hcap: u64,
    pub old_array: Addr,
    pub old_asize: u64,
    pub old_hash: Addr,
    pub old_hcap: u64,
}

pub fn gc_parts(h: &mut Heap, t: Addr) -> Result<GcParts, Fault> {
    let p = parts_of(h, t)?;
    Ok(GcParts {
        array: h.read_u64(t + T_ARRAY)?,
        asize: p.asize,
        hash: p.nodes,
        hcap: p.cap,
        old_array: h.read_u64(t + T_OLD_ARRAY)?,
        old_asize: h.read_u64(t + T_OLD_ASIZE)?,
        old_hash: p.old,
        old_hcap: p.old_cap,
    })
}

/// A hash node as the collector sees it: `None` for an empty node or a
/// tombstone, else its key and value (the value nil for a dead key).
pub fn gc_node(h: &mut Heap, node: Addr) -> Result<Option<(Value, Value)>, Fault> {
    let tag = h.read_u64(node)?;
    if tag == 0 || tag & 0xffff_ffff == DEAD_KEY {
        return Ok(None);
    }
    let key = Value::decode(tag & 0xffff_ffff, h.read_u64(node + 8)?)?;
    Ok(Some((key, read_value(h, node + VALUE_SIZE)?)))
}

/// Removes a node's entry for the collector: its value becomes nil and a
/// collectable key becomes a tombstone (its object is not kept).
pub fn gc_kill_node(h: &mut Heap, node: Addr) -> Result<(), Fault> {
    let tag = h.read_u64(node)?;
    if h.read_u64(node + VALUE_SIZE)? != 0 {
        write_value(h, node + VALUE_SIZE, Value::Nil)?;
    }
    let key = Value::decode(tag & 0xffff_ffff, h.read_u64(node + 8)?)?;
    if key.object().is_some() {
        h.write_u64(node, (tag & !0xffff_ffff) | DEAD_KEY)?;
    }
    Ok(())
}

/// Where a table's entries are, for tests and diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub array_size: u64,
    pub hash_nodes: u64,
    /// Integer keys (live or dead) in the hash parts.
    pub hashed_ints: u64,
    /// A resize is still moving entries.
    pub migrating: bool,
}

pub fn layout(h: &mut Heap, t: Addr) -> Result<Layout, Fault> {
    Ok(Layout {
        array_size: h.read_u64(t + T_ASIZE)?,
        hash_nodes: hash_cap(h, t)?,
        hashed_ints: h.read_u64(t + T_HINTS)?,
        migrating: migrating(h, t)?,
    })
}
