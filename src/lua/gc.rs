//! The garbage collector: precise mark and sweep over the virtual heap,
//! incremental or generational (as Lua 5.4's two modes), with its state in
//! the heap and every slice of work an ordinary restartable heap step.
//!
//! # Invariants
//!
//! **Colours.** Every object has two bits in a side bitmap, not in the object:
//! O ("an object starts here") and M (its mark). Which value of M means
//! "marked" alternates between cycles (`CUR_MARK`), so marks are never
//! cleared: at the start of a cycle every surviving object holds the old
//! "marked" value, which the flip turns into "white". An object is *white*
//! (not marked), *gray* (marked and on the gray stack, or being scanned) or
//! *black* (marked and scanned). Keeping the bits aside means marking writes
//! only bitmap pages, and sweeping reads only bitmap pages for live objects:
//! a cycle never dirties a live object's page (except a table whose dead keys
//! it turns into tombstones) and never reads a page whose objects all live.
//!
//! **Tri-colour rule.** While the program runs between marking slices, no
//! black object may refer to a white one. Every store of a reference into a
//! heap object goes through [`barrier`]: if the object is marked (gray or
//! black) the stored value is marked (a forward barrier; stores into gray
//! objects are treated alike, which also covers tables scanned a slice at a
//! time whose entries move during an incremental resize). Stacks are not
//! barriered: as in Lua, every thread scanned during the mark phase is
//! scanned again in the atomic phase, and so are the roots in the global
//! block.
//!
//! **Phases.** IDLE → MARK (slices interleaved with the program) → ATOMIC
//! (slices, the program waits: rescan threads and roots, converge
//! ephemerons, clear weak tables, separate objects to finalize, close the
//! upvalues of dead threads) → SWEEP (slices interleaved with the program)
//! → IDLE. New objects are white during MARK (they are reachable only from
//! stacks, rescanned atomically, or through a barrier) and marked otherwise,
//! so a sweep never frees an object made after its cycle's atomic phase.
//! An interned string found by `new_string` during the sweep is marked
//! again (it may be dead but not yet swept). `collectgarbage("collect")`
//! during MARK resets the bitmap (every object white) and starts over.
//!
//! **Generational mode** (lua.c's default). Between cycles, marked objects
//! are *old* and new ones are made white (*young*); the mark's meaning is
//! not flipped, so marks stick. The barrier stays on and keeps a second
//! rule: no old object refers to a young one, except small old tables on
//! the TOUCHED list (a young value stored into one flags it to be scanned
//! again) and threads on the RAN list (every thread that became the running
//! one, or whose stack was written, since the last cycle). A young value
//! stored into any other old object is promoted (marked and queued gray). A
//! *minor* cycle (the program waits) marks from the roots, the TOUCHED
//! tables, the RAN stacks and the queued objects, never traversing an old
//! object otherwise, and sweeps only the bitmap groups where objects were
//! made since their last sweep (a bit in the directory entry); survivors
//! become old. It also looks only at the part of the FINOBJ and THREADS
//! lists made since the last cycle. When the old data has doubled since the
//! last full cycle, the next cycle is a full one: since young objects are
//! white outside a mark phase, it starts by resetting every mark (bitmap
//! words only) instead of flipping, then runs incrementally.
//!
//! **Paging.** Each slice does a bounded amount of work (a few values per
//! frame of the physical heap), so it touches a bounded number of pages; a
//! fault rolls the slice back like any instruction and it runs again. Pages
//! may be evicted and written back between any two slices: nothing outside
//! the heap survives a slice, so a checkpoint in the middle of a cycle
//! resumes the cycle.
//!
//! **Finalizers.** A table given a metatable with `__gc` is flagged and
//! linked on the `FINOBJ` list (through its header's link word). The atomic
//! phase moves the unreached ones to `TOBEFNZ`, which is a root, so they and
//! everything they reach survive. Between two instructions (when no
//! multiple-results mark is pending) the collector pushes a call of the
//! hidden native `gc_fin` on the running thread; it calls `__gc` protected,
//! ignores its errors (as lua5.4 does with warnings off) and returns to the
//! interrupted instruction boundary. When the main chunk ends (or fails),
//! every pending and every registered finalizer runs, as `lua_close` does.

use super::func::{CL_NUPVALS, CL_PROTO, CL_UPVALS, NF_NUPVALS, NF_UPVALS, P_K, P_LOCVARS, P_NK, P_NLOCVARS, P_NPROTOS, P_NUPVALS, P_PROTOS, P_SOURCE, P_UPNAMES, UV_NEXT, UV_SLOT, UV_VALUE};
use super::lib::{arg, arg_error, opt_bytes, opt_int, ret, ret1};
use super::object::Kind;
use super::state::*;
use super::table::{self, NODE_SIZE};
use super::value::{read_value, write_value, Value, VALUE_SIZE};
use super::vm::call::{ContinuationInput, Ctx, NativeResult};
use super::vm::{LuaResult, Trap};
use crate::heap::{Addr, Fault, Heap};

// ----- collector state (words of the global block from G_GCX) -----------------

const fn w(i: u64) -> Addr {
    G_GCX + i * 8
}
const PHASE: Addr = w(0);
/// The value of an M bit that means "marked" in this cycle (0 or 1).
const CUR_MARK: Addr = w(1);
/// The M value given to new objects.
const ALLOC_BIT: Addr = w(2);
// Chunked stacks: [top chunk, length] each.
const GRAY: Addr = w(3);
const RESCAN: Addr = w(5);
const WEAK: Addr = w(7);
const EPHEMERON: Addr = w(9);
const ALLWEAK: Addr = w(11);
/// Directory: one word per group of `GROUP_PAGES` pages, the address of the
/// group's bitmap chunk (0: no object was ever made there).
const DIR: Addr = w(13);
const DIR_GROUPS: Addr = w(14);
/// Bytes in use that are not Lua data: the collector's own bitmap chunks and
/// work stacks (and, in a heap made before `Heap::alloc_reservation`
/// existed, its thread stacks and directory). Subtracted for the pacer and
/// `collectgarbage("count")`.
const RESERVED: Addr = w(15);
const THRESHOLD: Addr = w(16);
/// Lua bytes up to which the collector's work has paid for allocation.
const PAID: Addr = w(17);
/// `bytes_in_use` at which the program must next ask the collector.
const NEXT_POLL: Addr = w(18);
const ESTIMATE: Addr = w(19);
/// Pause and step multiplier, stored divided by 4 as Lua stores them.
const PAUSE: Addr = w(20);
const STEPMUL: Addr = w(21);
const STEPSIZE: Addr = w(22);
/// 1: "generational" reported (the collector stays incremental).
const MODE_GEN: Addr = w(23);
const STOPPED: Addr = w(24);
const CYCLES: Addr = w(25);
/// 0: none; 1: a full collection was asked for; 2: its cycle is running.
const FULL: Addr = w(26);
/// Work units the collector owes before the program runs again (a step:
/// paced by allocation, or asked for by `collectgarbage("step")`).
const OWED: Addr = w(27);
const STEP_DONE: Addr = w(28);
const STAGE: Addr = w(29);
const CUR_A: Addr = w(30);
const CUR_B: Addr = w(31);
const CHANGED: Addr = w(32);
const CONV: Addr = w(33);
const ORIG_WEAK: Addr = w(34);
const ORIG_ALLWEAK: Addr = w(35);
const FINOBJ: Addr = w(36);
const TOBEFNZ: Addr = w(37);
const TOBEFNZ_TAIL: Addr = w(38);
const THREADS: Addr = w(39);
/// The thread running a finalizer (0: none).
const IN_FIN: Addr = w(40);
/// 0: running; 1: the main chunk ended; 2: it failed (finalizers at exit).
const CLOSING: Addr = w(41);
const STR_GC: Addr = w(42);
const STR_MODE: Addr = w(43);
const RUNNER: Addr = w(44);
const HELPER: Addr = w(45);
const SWEEP_END: Addr = w(46);
const ITER_CHUNK: Addr = w(47);
const ITER_INDEX: Addr = w(48);
const ITER_PROG: Addr = w(49);
const ITER_LEFT: Addr = w(50);
const ITER_LIST: Addr = w(51);
/// 1 while a `collectgarbage("step")` waits for its answer (STEP_DONE).
const STEP_REQ: Addr = w(52);
/// 1 while a minor (young-only) cycle runs.
const MINOR: Addr = w(53);
/// Threads that ran since the last minor cycle (their stacks may hold young
/// objects): a chunked stack, each thread flagged so it is listed once.
const RAN: Addr = w(54);
/// The first object of FINOBJ / THREADS present at the end of the last
/// cycle: a minor cycle looks only at the (young) ones before it.
const FINOBJ_OLD: Addr = w(56);
const THREADS_OLD: Addr = w(57);
/// 1 when objects were made white outside a mark phase (generational
/// mode): flipping the mark's meaning would then make them look marked,
/// so the next full cycle starts by resetting the bitmap instead.
const YOUNG_WHITE: Addr = w(58);
/// Lua bytes after the last cycle / after the last full cycle.
const MINOR_BASE: Addr = w(59);
const MAJOR_BASE: Addr = w(60);
/// Generational parameters (`collectgarbage("generational", minor, major)`).
const GEN_MINORMUL: Addr = w(61);
const GEN_MAJORMUL: Addr = w(62);
/// Small old tables that were given young references since the last minor
/// cycle (rescanned by it instead of promoting what was stored).
const TOUCHED: Addr = w(63);
/// 1 from an allocation failure until the next instruction completes: the
/// emergency collection asked for then (see `request_emergency`).
const EMERGENCY: Addr = w(64);
/// Words of collector state (state.rs reserves them).
pub const STATE_WORDS: u64 = 72;

const IDLE: u64 = 0;
const MARK: u64 = 1;
const ATOMIC: u64 = 2;
const SWEEP: u64 = 3;
const RESET: u64 = 4;

/// Object header flag: on the FINOBJ or TOBEFNZ list.
const FINOBJ_FLAG: u8 = 1;
/// Thread header flag: on the RAN list.
const RAN_FLAG: u8 = 2;
/// Table header flag: on the TOUCHED list.
const TOUCHED_FLAG: u8 = 4;
/// Tables with at most this many slots are rescanned by the next minor
/// cycle when a young object is stored into them (cheap, and what a table
/// used as a ring buffer of short-lived objects needs); into bigger ones
/// the stored object is promoted instead, so a minor cycle never rescans a
/// big old table.
const TOUCH_MAX_SLOTS: u64 = 1024;
/// Directory entry bit: objects were made in this group since its last
/// sweep (a minor cycle sweeps only such groups).
const DIR_YOUNG: u64 = 1;
/// Header word linking an object on the FINOBJ, TOBEFNZ or THREADS list.
const LINK: Addr = 8;

/// Pages per bitmap chunk. A chunk holds, per KiB of heap, an O word and an M
/// word (one bit per 16-byte granule): an eighth of a page for 8 pages, so
/// chunks are small slab objects.
const GROUP_PAGES: u64 = 8;

const DEFAULT_PAUSE: u64 = 200;
const DEFAULT_STEPMUL: u64 = 100;
const DEFAULT_STEPSIZE: u64 = 13;
/// The smallest threshold, so that tiny programs do not collect constantly.
const MIN_THRESHOLD: u64 = 256 << 10;

/// The threshold floor for this physical heap: garbage made between two
/// cycles of a small program should die in memory (never written back and
/// faulted in again to be swept), so the floor is at most a quarter of the
/// frames.
fn min_threshold(h: &Heap) -> u64 {
    MIN_THRESHOLD.min((h.frame_count() * h.page_size()) as u64 / 2)
}

// ----- setup --------------------------------------------------------------------

/// Prepares the collector in a fresh global block (before any object exists).
pub fn init(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    let groups = h.max_pages()?.div_ceil(GROUP_PAGES);
    let dir = h.alloc_reservation(groups * 8)?;
    h.write_u64(g + DIR, dir)?;
    h.write_u64(g + DIR_GROUPS, groups)?;
    h.write_u64(g + RESERVED, 0)?;
    h.write_u64(g + PAUSE, DEFAULT_PAUSE / 4)?;
    h.write_u64(g + STEPMUL, DEFAULT_STEPMUL / 4)?;
    h.write_u64(g + STEPSIZE, DEFAULT_STEPSIZE)?;
    h.write_u64(g + THRESHOLD, min_threshold(h))?;
    h.write_u64(g + GEN_MINORMUL, 20)?;
    h.write_u64(g + GEN_MAJORMUL, 100)
}

/// The collector's own objects (after the string table exists).
pub fn init_objects(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    let s = super::string::new_string(h, g, b"__gc")?;
    h.write_u64(g + STR_GC, s)?;
    let s = super::string::new_string(h, g, b"__mode")?;
    h.write_u64(g + STR_MODE, s)?;
    let runner = super::func::new_native(h, g, super::lib::native_id("-", "gc_fin"), &[])?;
    h.write_u64(g + RUNNER, runner)?;
    update_poll(h, g)
}

/// lua.c switches the standalone interpreter to generational mode; the VM
/// does the same once its main thread exists.
pub fn init_mode(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    enter_generational(h, g)?;
    update_poll(h, g)
}

/// Records a new object: sets its O bit and its colour.
pub fn on_new_object(h: &mut Heap, g: Addr, obj: Addr) -> Result<(), Fault> {
    let (pair, bit) = locate_or_create(h, g, obj)?;
    let o = h.read_u64(pair)?;
    h.write_u64(pair, o | bit)?;
    let m = h.read_u64(pair + 8)?;
    let m = if h.read_u64(g + ALLOC_BIT)? != 0 { m | bit } else { m & !bit };
    h.write_u64(pair + 8, m)
}

/// Records a new thread on the collector's list of threads.
pub fn on_new_thread(h: &mut Heap, g: Addr, th: Addr) -> Result<(), Fault> {
    let head = h.read_u64(g + THREADS)?;
    h.write_u64(th + LINK, head)?;
    h.write_u64(g + THREADS, th)
}

fn add_reserved(h: &mut Heap, g: Addr, delta: i64) -> Result<(), Fault> {
    let r = h.read_u64(g + RESERVED)?;
    h.write_u64(g + RESERVED, r.wrapping_add_signed(delta))
}

/// Bytes of Lua data: what `collectgarbage("count")` reports and the pacer counts.
pub fn lua_bytes(h: &mut Heap, g: Addr) -> Result<u64, Fault> {
    Ok(h.bytes_in_use()?.saturating_sub(h.read_u64(g + RESERVED)?))
}

/// Whether a cycle is under way (for tests and statistics).
pub fn in_cycle(h: &mut Heap, g: Addr) -> Result<bool, Fault> {
    Ok(h.read_u64(g + PHASE)? != IDLE)
}

/// Completed cycles (for statistics and tests).
pub fn cycles(h: &mut Heap, g: Addr) -> Result<u64, Fault> {
    h.read_u64(g + CYCLES)
}

// ----- the bitmap -----------------------------------------------------------------

fn group_shift(h: &Heap) -> u64 {
    u64::from(h.page_size().trailing_zeros()) + GROUP_PAGES.trailing_zeros() as u64
}

/// The (O word address, bit) of an object; the M word follows the O word.
fn locate(h: &mut Heap, g: Addr, obj: Addr) -> Result<(Addr, u64), Fault> {
    let shift = group_shift(h);
    let group = obj >> shift;
    if group >= h.read_u64(g + DIR_GROUPS)? {
        return Err(Fault::Invalid("object beyond the collector's directory"));
    }
    let dir = h.read_u64(g + DIR)?;
    let chunk = h.read_u64(dir + group * 8)? & !15;
    if chunk == 0 {
        return Err(Fault::Invalid("object without a collector bitmap"));
    }
    let off = obj - (group << shift);
    Ok((chunk + (off >> 10) * 16, 1u64 << ((off >> 4) & 63)))
}

fn locate_or_create(h: &mut Heap, g: Addr, obj: Addr) -> Result<(Addr, u64), Fault> {
    let shift = group_shift(h);
    let group = obj >> shift;
    if group >= h.read_u64(g + DIR_GROUPS)? {
        return Err(Fault::Invalid("object beyond the collector's directory"));
    }
    let dir = h.read_u64(g + DIR)?;
    let entry = h.read_u64(dir + group * 8)?;
    let mut chunk = entry & !15;
    if chunk == 0 {
        // Collector metadata, not Lua data: not counted by the pacer.
        let before = h.bytes_in_use()?;
        chunk = h.alloc_zeroed(chunk_bytes(h))?;
        let size = h.bytes_in_use()? - before;
        add_reserved(h, g, size as i64)?;
    }
    if entry & DIR_YOUNG == 0 || entry & !15 == 0 {
        h.write_u64(dir + group * 8, chunk | DIR_YOUNG)?;
    }
    let off = obj - (group << shift);
    Ok((chunk + (off >> 10) * 16, 1u64 << ((off >> 4) & 63)))
}

fn chunk_bytes(h: &Heap) -> u64 {
    GROUP_PAGES * h.page_size() as u64 / 64
}

fn is_marked(h: &mut Heap, g: Addr, obj: Addr) -> Result<bool, Fault> {
    let (pair, bit) = locate(h, g, obj)?;
    let m = h.read_u64(pair + 8)? & bit != 0;
    Ok(u64::from(m) == h.read_u64(g + CUR_MARK)?)
}

/// Marks an object; returns whether it was white. Objects with references
/// go on the gray stack; strings have none and are black at once.
fn mark_obj(h: &mut Heap, g: Addr, obj: Addr, leaf: bool) -> Result<bool, Fault> {
    if obj == 0 {
        return Ok(false);
    }
    let (pair, bit) = locate(h, g, obj)?;
    let m = h.read_u64(pair + 8)?;
    if u64::from(m & bit != 0) == h.read_u64(g + CUR_MARK)? {
        return Ok(false);
    }
    h.write_u64(pair + 8, m ^ bit)?;
    if !leaf {
        push(h, g + GRAY, obj, 0)?;
    }
    Ok(true)
}

/// Marks the object a value refers to, if any (the tag tells strings apart,
/// so marking a string never reads its page).
fn mark_value(h: &mut Heap, g: Addr, v: Value) -> Result<bool, Fault> {
    match v {
        Value::Str(a) => mark_obj(h, g, a, true),
        Value::Table(a) | Value::LuaFn(a) | Value::NativeFn(a) | Value::Thread(a) | Value::Userdata(a) => mark_obj(h, g, a, false),
        _ => Ok(false),
    }
}

/// Whether a value counts as alive for a weak table: non-objects and
/// strings always (strings are values in Lua: marked, never cleared).
fn value_alive(h: &mut Heap, g: Addr, v: Value) -> Result<bool, Fault> {
    match v {
        Value::Str(a) => {
            mark_obj(h, g, a, true)?;
            Ok(true)
        }
        Value::Table(a) | Value::LuaFn(a) | Value::NativeFn(a) | Value::Thread(a) | Value::Userdata(a) => is_marked(h, g, a),
        _ => Ok(true),
    }
}

// ----- the write barrier ----------------------------------------------------------

/// Called after a reference to `v` was stored into object `obj` (a table
/// slot or metatable, a closed upvalue): keeps the tri-colour rule.
#[inline]
pub fn barrier(h: &mut Heap, obj: Addr, v: Value) -> Result<(), Fault> {
    if v.object().is_none() || h.user_word(USER_WORD_MARKING)? == 0 {
        return Ok(());
    }
    barrier_slow(h, obj, v)
}

#[cold]
fn barrier_slow(h: &mut Heap, obj: Addr, v: Value) -> Result<(), Fault> {
    let g = globals_block(h)?;
    if !is_marked(h, g, obj)? || value_marked(h, g, v)? {
        return Ok(());
    }
    // Between cycles of generational mode: an old table gets a young value.
    if h.read_u64(g + PHASE)? == IDLE && Kind::from_u8(h.read_u8(obj)?)? == Kind::Table {
        let flags = h.read_u8(obj + 1)?;
        if flags & TOUCHED_FLAG != 0 {
            return Ok(());
        }
        let p = table::gc_parts(h, obj)?;
        if p.asize + p.old_asize + 2 * (p.hcap + p.old_hcap) <= TOUCH_MAX_SLOTS {
            h.write_u8(obj + 1, flags | TOUCHED_FLAG)?;
            return push(h, g + TOUCHED, obj, 0);
        }
    }
    mark_value(h, g, v)?;
    Ok(())
}

fn value_marked(h: &mut Heap, g: Addr, v: Value) -> Result<bool, Fault> {
    match v.object() {
        Some(a) => is_marked(h, g, a),
        None => Ok(true),
    }
}

/// An interned string handed out again: during the sweep it may be dead but
/// not yet swept, and it must survive now that the program holds it.
pub fn string_reused(h: &mut Heap, g: Addr, s: Addr) -> Result<(), Fault> {
    if h.read_u64(g + PHASE)? == SWEEP {
        mark_obj(h, g, s, true)?;
    }
    Ok(())
}

// ----- chunked stacks of (word, word) pairs ----------------------------------------

fn chunk_pairs(h: &Heap) -> u64 {
    // A chunk is [previous chunk, pairs used, pairs...] and fills a one-page run.
    (h.page_size() as u64 - 32) / 16
}

fn push(h: &mut Heap, at: Addr, a: u64, b: u64) -> Result<(), Fault> {
    let cap = chunk_pairs(h);
    let mut chunk = h.read_u64(at)?;
    let mut used = if chunk == 0 { cap } else { h.read_u64(chunk + 8)? };
    if used == cap {
        // Collector metadata: not counted as Lua data by the pacer.
        let before = h.bytes_in_use()?;
        let fresh = h.alloc(16 + cap * 16)?;
        let size = h.bytes_in_use()? - before;
        let g = globals_block(h)?;
        add_reserved(h, g, size as i64)?;
        h.write_u64(fresh, chunk)?;
        chunk = fresh;
        used = 0;
        h.write_u64(at, chunk)?;
    }
    h.write_u64(chunk + 16 + used * 16, a)?;
    h.write_u64(chunk + 24 + used * 16, b)?;
    h.write_u64(chunk + 8, used + 1)?;
    let len = h.read_u64(at + 8)?;
    h.write_u64(at + 8, len + 1)
}

fn pop(h: &mut Heap, at: Addr) -> Result<Option<(u64, u64)>, Fault> {
    loop {
        let chunk = h.read_u64(at)?;
        if chunk == 0 {
            return Ok(None);
        }
        let used = h.read_u64(chunk + 8)?;
        if used == 0 {
            let prev = h.read_u64(chunk)?;
            h.write_u64(at, prev)?;
            free_chunk(h, chunk)?;
            continue;
        }
        let pair = (h.read_u64(chunk + 16 * used)?, h.read_u64(chunk + 16 * used + 8)?);
        h.write_u64(chunk + 8, used - 1)?;
        let len = h.read_u64(at + 8)?;
        h.write_u64(at + 8, len.saturating_sub(1))?;
        return Ok(Some(pair));
    }
}

/// Frees up to `budget` chunks of a stack; true when it is empty.
fn clear_stack(h: &mut Heap, at: Addr, budget: &mut u64) -> Result<bool, Fault> {
    loop {
        let chunk = h.read_u64(at)?;
        if chunk == 0 {
            h.write_u64(at + 8, 0)?;
            return Ok(true);
        }
        if *budget == 0 {
            return Ok(false);
        }
        *budget -= 1;
        let prev = h.read_u64(chunk)?;
        h.write_u64(at, prev)?;
        free_chunk(h, chunk)?;
    }
}

fn free_chunk(h: &mut Heap, chunk: Addr) -> Result<(), Fault> {
    let before = h.bytes_in_use()?;
    h.free(chunk)?;
    let size = before - h.bytes_in_use()?;
    let g = globals_block(h)?;
    add_reserved(h, g, -(size as i64))
}

// Iteration over a stack without popping it, from the top, `ITER_LEFT`
// items at most; the item's own progress is in ITER_PROG.

fn iter_start(h: &mut Heap, g: Addr, at: Addr, limit: u64) -> Result<(), Fault> {
    let chunk = h.read_u64(at)?;
    h.write_u64(g + ITER_CHUNK, chunk)?;
    let used = if chunk == 0 { 0 } else { h.read_u64(chunk + 8)? };
    h.write_u64(g + ITER_INDEX, used)?;
    h.write_u64(g + ITER_PROG, 0)?;
    h.write_u64(g + ITER_LEFT, limit)
}

fn iter_current(h: &mut Heap, g: Addr) -> Result<Option<Addr>, Fault> {
    loop {
        if h.read_u64(g + ITER_LEFT)? == 0 {
            return Ok(None);
        }
        let chunk = h.read_u64(g + ITER_CHUNK)?;
        if chunk == 0 {
            return Ok(None);
        }
        let index = h.read_u64(g + ITER_INDEX)?;
        if index == 0 {
            let prev = h.read_u64(chunk)?;
            h.write_u64(g + ITER_CHUNK, prev)?;
            let used = if prev == 0 { 0 } else { h.read_u64(prev + 8)? };
            h.write_u64(g + ITER_INDEX, used)?;
            continue;
        }
        return Ok(Some(h.read_u64(chunk + 16 * index)?));
    }
}

fn iter_advance(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    let index = h.read_u64(g + ITER_INDEX)?;
    h.write_u64(g + ITER_INDEX, index.saturating_sub(1))?;
    h.write_u64(g + ITER_PROG, 0)?;
    let left = h.read_u64(g + ITER_LEFT)?;
    h.write_u64(g + ITER_LEFT, left.saturating_sub(1))
}

// ----- table traversal --------------------------------------------------------------

#[derive(Clone, Copy)]
enum Entry {
    /// An array slot (a value).
    Slot(Addr),
    /// A hash node (key, value).
    Node(Addr),
}

const STARTED: u64 = 1 << 63;
const MODE_SHIFT: u64 = 60;
const PART_SHIFT: u64 = 56;
const INDEX_MASK: u64 = (1 << PART_SHIFT) - 1;

const STRONG: u64 = 0;
const WEAK_VALUES: u64 = 1;
const WEAK_KEYS: u64 = 2;
const ALL_WEAK: u64 = 3;

/// Visits a table's entries from `progress` (part and index) for at most
/// `budget` work. Parts are visited in the order array, hash, old array, old
/// hash: growing a part turns the current one into the old one and starts an
/// empty new one, which is filled only through stores (barriered), so a
/// position in this order never skips an entry that was there all along.
/// Returns the progress to resume from (None: done) and the work done.
fn walk_table(
    h: &mut Heap,
    t: Addr,
    progress: u64,
    budget: u64,
    visit: &mut dyn FnMut(&mut Heap, Entry) -> Result<u64, Fault>,
) -> Result<(Option<u64>, u64), Fault> {
    let p = table::gc_parts(h, t)?;
    let parts = [(p.array, p.asize, false), (p.hash, p.hcap, true), (p.old_array, p.old_asize, false), (p.old_hash, p.old_hcap, true)];
    let mut part = ((progress >> PART_SHIFT) & 3) as usize;
    let mut index = progress & INDEX_MASK;
    let mut work = 0;
    while part < 4 {
        let (block, n, is_hash) = parts[part];
        if block == 0 || index >= n {
            part += 1;
            index = 0;
            continue;
        }
        if work >= budget {
            return Ok((Some(((part as u64) << PART_SHIFT) | index), work));
        }
        let e = if is_hash { Entry::Node(block + index * NODE_SIZE) } else { Entry::Slot(block + index * VALUE_SIZE) };
        work += visit(h, e)?.max(1);
        index += 1;
    }
    Ok((None, work.max(1)))
}

fn weak_mode(h: &mut Heap, g: Addr, mt: Addr) -> Result<u64, Fault> {
    if mt == 0 {
        return Ok(STRONG);
    }
    let key = h.read_u64(g + STR_MODE)?;
    let Value::Str(s) = table::get(h, mt, Value::Str(key))? else { return Ok(STRONG) };
    let bytes = super::string::bytes(h, s)?;
    let k = bytes.contains(&b'k');
    let v = bytes.contains(&b'v');
    Ok(match (k, v) {
        (false, false) => STRONG,
        (false, true) => WEAK_VALUES,
        (true, false) => WEAK_KEYS,
        (true, true) => ALL_WEAK,
    })
}

fn scan_table(h: &mut Heap, g: Addr, t: Addr, progress: u64, budget: u64) -> Result<(Option<u64>, u64), Fault> {
    let (mode, pos) = if progress & STARTED == 0 {
        let mt = table::metatable(h, t)?;
        mark_obj(h, g, mt, false)?;
        let mode = weak_mode(h, g, mt)?;
        match mode {
            WEAK_VALUES => push(h, g + WEAK, t, 0)?,
            WEAK_KEYS => push(h, g + EPHEMERON, t, 0)?,
            ALL_WEAK => push(h, g + ALLWEAK, t, 0)?,
            _ => {}
        }
        (mode, 0)
    } else {
        ((progress >> MODE_SHIFT) & 3, progress & ((1 << MODE_SHIFT) - 1))
    };
    let (next, work) = walk_table(h, t, pos, budget, &mut |h, e| match e {
        Entry::Slot(a) => {
            let v = read_value(h, a)?;
            if mode & WEAK_VALUES == 0 || matches!(v, Value::Str(_)) {
                mark_value(h, g, v)?;
            }
            Ok(1)
        }
        Entry::Node(n) => {
            let Some((k, v)) = table::gc_node(h, n)? else { return Ok(1) };
            if v.is_nil() {
                // A dead key: the table no longer keeps its object.
                if k.object().is_some() {
                    table::gc_kill_node(h, n)?;
                }
                return Ok(1);
            }
            match mode {
                STRONG => {
                    mark_value(h, g, k)?;
                    mark_value(h, g, v)?;
                }
                WEAK_VALUES => {
                    mark_value(h, g, k)?;
                    if let Value::Str(_) = v {
                        mark_value(h, g, v)?;
                    }
                }
                WEAK_KEYS => {
                    if value_alive(h, g, k)? {
                        mark_value(h, g, v)?;
                    }
                }
                _ => {
                    value_alive(h, g, k)?;
                    value_alive(h, g, v)?;
                }
            }
            Ok(2)
        }
    })?;
    Ok((next.map(|p| STARTED | (mode << MODE_SHIFT) | p), work))
}

// ----- scanning other objects -----------------------------------------------------

fn scan(h: &mut Heap, g: Addr, obj: Addr, progress: u64, budget: u64) -> Result<(Option<u64>, u64), Fault> {
    match Kind::from_u8(h.read_u8(obj)?)? {
        Kind::Str => Ok((None, 1)),
        Kind::Table => scan_table(h, g, obj, progress, budget),
        Kind::LuaFn => {
            let p = h.read_u64(obj + CL_PROTO)?;
            mark_obj(h, g, p, false)?;
            let n = h.read_u64(obj + CL_NUPVALS)?;
            for i in 0..n {
                let uv = h.read_u64(obj + CL_UPVALS + i * 8)?;
                mark_obj(h, g, uv, false)?;
            }
            Ok((None, 1 + n))
        }
        Kind::NativeFn => {
            let n = h.read_u64(obj + NF_NUPVALS)?;
            for i in 0..n {
                let v = read_value(h, obj + NF_UPVALS + i * VALUE_SIZE)?;
                mark_value(h, g, v)?;
            }
            Ok((None, 1 + n))
        }
        Kind::UpVal => {
            // An open upvalue's value is in its thread's stack, scanned with
            // the thread (or, for a dead thread, in the atomic phase).
            if h.read_u64(obj + UV_SLOT)? == 0 {
                let v = read_value(h, obj + UV_VALUE)?;
                mark_value(h, g, v)?;
            }
            Ok((None, 1))
        }
        Kind::Proto => scan_proto(h, g, obj, progress, budget),
        Kind::Thread => scan_thread(h, g, obj, progress, budget),
    }
}

/// A prototype, a slice at a time over: constants, children, upvalue names,
/// local names, source.
fn scan_proto(h: &mut Heap, g: Addr, p: Addr, progress: u64, budget: u64) -> Result<(Option<u64>, u64), Fault> {
    let nk = h.read_u64(p + P_NK)?;
    let np = h.read_u64(p + P_NPROTOS)?;
    let nup = h.read_u64(p + P_NUPVALS)?;
    let nl = h.read_u64(p + P_NLOCVARS)?;
    let total = nk + np + nup + nl + 1;
    let mut i = progress & !STARTED;
    let end = total.min(i + budget);
    let (k, protos, names, locvars) = (h.read_u64(p + P_K)?, h.read_u64(p + P_PROTOS)?, h.read_u64(p + P_UPNAMES)?, h.read_u64(p + P_LOCVARS)?);
    let start = i;
    while i < end {
        if i < nk {
            let v = read_value(h, k + i * VALUE_SIZE)?;
            mark_value(h, g, v)?;
        } else if i < nk + np {
            let child = h.read_u64(protos + (i - nk) * 8)?;
            mark_obj(h, g, child, false)?;
        } else if i < nk + np + nup {
            let s = h.read_u64(names + (i - nk - np) * 8)?;
            mark_obj(h, g, s, true)?;
        } else if i < nk + np + nup + nl {
            let s = h.read_u64(locvars + (i - nk - np - nup) * 16)?;
            mark_obj(h, g, s, true)?;
        } else {
            let s = h.read_u64(p + P_SOURCE)?;
            mark_obj(h, g, s, true)?;
        }
        i += 1;
    }
    Ok(((i < total).then_some(STARTED | i), (i - start).max(1)))
}

/// A thread: open upvalues and resumer, then its stack up to the top of its
/// current frame, a slice at a time. A thread scanned while the program runs
/// is scanned again in the atomic phase (stack writes have no barrier).
fn scan_thread(h: &mut Heap, g: Addr, th: Addr, progress: u64, budget: u64) -> Result<(Option<u64>, u64), Fault> {
    let stack = h.read_u64(th + T_STACK)?;
    let ci = h.read_u64(th + T_CI)?;
    let top = h.read_u64(ci + CI_TOP)?.max(h.read_u64(th + T_TOP)?);
    let slots = top.saturating_sub(stack) / VALUE_SIZE;
    let mut work = 1;
    if progress & STARTED == 0 {
        // A thread scanned while the program runs is scanned again
        // atomically (a minor cycle runs while the program waits).
        if h.read_u64(g + PHASE)? == MARK && h.read_u64(g + MINOR)? == 0 {
            push(h, g + RESCAN, th, 0)?;
        }
        let mut uv = h.read_u64(th + T_OPEN_UPVALS)?;
        while uv != 0 {
            mark_obj(h, g, uv, false)?;
            uv = h.read_u64(uv + UV_NEXT)?;
            work += 1;
        }
        let resumer = h.read_u64(th + T_RESUMER)?;
        mark_obj(h, g, resumer, false)?;
    }
    let from = progress & !STARTED;
    let n = slots.saturating_sub(from).min(budget);
    for i in 0..n {
        let v = read_value(h, stack + (from + i) * VALUE_SIZE)?;
        mark_value(h, g, v)?;
    }
    let pos = from + n;
    Ok(((pos < slots).then_some(STARTED | pos), work + n))
}

/// Scans gray objects for at most `budget` work; returns the work done and
/// whether the gray stack is empty.
fn propagate(h: &mut Heap, g: Addr, budget: u64) -> Result<(u64, bool), Fault> {
    let mut work = 0;
    while work < budget {
        let Some((obj, progress)) = pop(h, g + GRAY)? else { return Ok((work, true)) };
        let (next, used) = scan(h, g, obj, progress, budget - work)?;
        work += used;
        if let Some(p) = next {
            push(h, g + GRAY, obj, p)?;
        }
    }
    Ok((work, false))
}

// ----- cycle control ------------------------------------------------------------------

fn set_marking(h: &mut Heap, on: bool) -> Result<(), Fault> {
    h.set_user_word(USER_WORD_MARKING, u64::from(on))
}

fn mark_roots(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    for field in [G_GLOBALS, G_REGISTRY, G_MAIN_THREAD, G_CURRENT_THREAD, G_STRING_META, G_TRACEBACK_WORD, RUNNER, HELPER, IN_FIN] {
        let obj = h.read_u64(g + field)?;
        mark_obj(h, g, obj, false)?;
    }
    for field in [G_MEMERR, STR_GC, STR_MODE] {
        let s = h.read_u64(g + field)?;
        mark_obj(h, g, s, true)?;
    }
    let err = read_value(h, g + G_ERROR)?;
    mark_value(h, g, err)?;
    // Threads on RAN are kept (the next minor cycle scans them).
    iter_start(h, g, g + RAN, u64::MAX)?;
    while let Some(th) = iter_current(h, g)? {
        mark_obj(h, g, th, false)?;
        iter_advance(h, g)?;
    }
    Ok(())
}

/// The traceback string the runtime keeps in the collector's old state words.
const G_TRACEBACK_WORD: Addr = G_GC + 15 * 8;

fn start_cycle(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    if h.read_u64(g + YOUNG_WHITE)? != 0 {
        return begin_reset(h, g);
    }
    let cur = h.read_u64(g + CUR_MARK)? ^ 1;
    h.write_u64(g + CUR_MARK, cur)?;
    h.write_u64(g + ALLOC_BIT, cur ^ 1)?;
    h.write_u64(g + PHASE, MARK)?;
    set_marking(h, true)?;
    let lua = lua_bytes(h, g)?;
    h.write_u64(g + PAID, lua)?;
    if h.read_u64(g + FULL)? == 1 {
        h.write_u64(g + FULL, 2)?;
    }
    mark_roots(h, g)
}

fn enter_atomic(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    set_marking(h, false)?;
    let cur = h.read_u64(g + CUR_MARK)?;
    h.write_u64(g + ALLOC_BIT, cur)?;
    h.write_u64(g + PHASE, ATOMIC)?;
    h.write_u64(g + STAGE, 0)?;
    Ok(())
}

fn finish_cycle(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    h.write_u64(g + PHASE, IDLE)?;
    // What survived: the data at the atomic phase less what the sweep freed
    // (objects made during the sweep are not counted, as in Lua, or a
    // program allocating fast would see its threshold run away).
    let estimate = h.read_u64(g + ESTIMATE)?;
    let pause = h.read_u64(g + PAUSE)? * 4;
    let threshold = (estimate / 100).saturating_mul(pause).max(min_threshold(h));
    h.write_u64(g + THRESHOLD, threshold)?;
    let cycles = h.read_u64(g + CYCLES)?;
    h.write_u64(g + CYCLES, cycles + 1)?;
    // A step ends with its cycle (Lua's step stops at the pause state).
    h.write_u64(g + OWED, 0)?;
    if h.read_u64(g + STEP_REQ)? != 0 {
        h.write_u64(g + STEP_DONE, 1)?;
    }
    let lua = lua_bytes(h, g)?;
    h.write_u64(g + PAID, lua)?;
    super::string::maybe_shrink(h, g)?;
    if h.read_u64(g + FULL)? == 2 {
        // A full collection ends once the string table has shrunk too, so
        // that `collectgarbage("count")` right after it is back down.
        let moving = string_table_moving(h, g)?;
        h.write_u64(g + FULL, if moving { 3 } else { 0 })?;
    }
    // Everything on FINOBJ and THREADS now survived a cycle: it is old.
    let head = h.read_u64(g + FINOBJ)?;
    h.write_u64(g + FINOBJ_OLD, head)?;
    let head = h.read_u64(g + THREADS)?;
    h.write_u64(g + THREADS_OLD, head)?;
    let minor = h.read_u64(g + MINOR)? != 0;
    h.write_u64(g + MINOR, 0)?;
    if !minor {
        h.write_u64(g + MAJOR_BASE, estimate)?;
    }
    if h.read_u64(g + MODE_GEN)? != 0 {
        enter_generational(h, g)
    } else {
        h.write_u64(g + YOUNG_WHITE, 0)?;
        let cur = h.read_u64(g + CUR_MARK)?;
        h.write_u64(g + ALLOC_BIT, cur)?;
        set_marking(h, false)
    }
}

/// Between cycles in generational mode: new objects are young (white), the
/// marked ones old; the barrier promotes a young object stored into an old
/// one (marks it and queues it gray for the next minor cycle).
fn enter_generational(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    h.write_u64(g + MODE_GEN, 1)?;
    let cur = h.read_u64(g + CUR_MARK)?;
    h.write_u64(g + ALLOC_BIT, cur ^ 1)?;
    h.write_u64(g + YOUNG_WHITE, 1)?;
    set_marking(h, true)?;
    let lua = lua_bytes(h, g)?;
    h.write_u64(g + MINOR_BASE, lua)?;
    if h.read_u64(g + MAJOR_BASE)? == 0 {
        h.write_u64(g + MAJOR_BASE, lua)?;
    }
    // The running thread will run: its stack must be scanned by the next minor.
    let th = h.read_u64(g + G_CURRENT_THREAD)?;
    if th != 0 {
        thread_ran(h, g, th)?;
    }
    Ok(())
}

/// A thread became the running one, or had its stack written while
/// suspended: in generational mode its stack may now hold young objects.
pub fn thread_ran(h: &mut Heap, g: Addr, th: Addr) -> Result<(), Fault> {
    if h.read_u64(g + MODE_GEN)? == 0 {
        return Ok(());
    }
    let flags = h.read_u8(th + 1)?;
    if flags & RAN_FLAG == 0 {
        h.write_u8(th + 1, flags | RAN_FLAG)?;
        push(h, g + RAN, th, 0)?;
    }
    Ok(())
}

/// A minor cycle: marks only young objects reachable from the roots, the
/// stacks of threads that ran, and the objects the barrier promoted; old
/// objects are not traversed (nothing old points to a young object that
/// the barrier did not promote). The program waits; slices stay bounded.
fn start_minor(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    h.write_u64(g + MINOR, 1)?;
    h.write_u64(g + PHASE, MARK)?;
    let th = h.read_u64(g + G_CURRENT_THREAD)?;
    thread_ran(h, g, th)?;
    mark_roots(h, g)
}

/// Values scanned (or objects freed) per slice: a handful per frame, so a
/// slice touches few pages however small the physical heap.
fn slice_budget(h: &Heap) -> u64 {
    (h.frame_count() as u64 / 8).clamp(4, 4096)
}

/// One slice of whatever the cycle is doing; returns the work done.
fn slice(h: &mut Heap, g: Addr) -> Result<u64, Fault> {
    let budget = slice_budget(h);
    // A shrinking string table finishes its move even with no new strings
    // (its buckets are mostly empty: a few words each).
    super::string::migrate_some(h, g, budget)?;
    match h.read_u64(g + PHASE)? {
        MARK => {
            if h.read_u64(g + MINOR)? != 0 {
                // Threads that ran are old (not traversed by marking): scan
                // their stacks explicitly.
                // So are tables touched since the last minor cycle.
                let mut n = 0;
                for (list, flag) in [(RAN, RAN_FLAG), (TOUCHED, TOUCHED_FLAG)] {
                    while n < budget {
                        let Some((obj, _)) = pop(h, g + list)? else { break };
                        let flags = h.read_u8(obj + 1)?;
                        h.write_u8(obj + 1, flags & !flag)?;
                        push(h, g + GRAY, obj, 0)?;
                        n += 1;
                    }
                }
                if n == budget {
                    return Ok(n);
                }
            }
            let (work, empty) = propagate(h, g, budget)?;
            if empty {
                enter_atomic(h, g)?;
            }
            Ok(work.max(1))
        }
        ATOMIC => atomic_slice(h, g, budget),
        SWEEP => sweep_slice(h, g, budget),
        RESET => reset_slice(h, g, budget),
        _ => Ok(0),
    }
}

// ----- the atomic phase -------------------------------------------------------------

const A_ROOTS: u64 = 0;
const A_TOBEFNZ: u64 = 1;
const A_RESCAN: u64 = 2;
const A_CONVERGE: u64 = 3;
const A_CLEAR_VALUES: u64 = 4;
const A_SEPARATE: u64 = 5;
const A_MARK_TOBEFNZ: u64 = 6;
const A_CONVERGE2: u64 = 7;
const A_CLEAR_KEYS: u64 = 8;
const A_CLEAR_NEW_VALUES: u64 = 9;
const A_DEAD_THREADS: u64 = 10;
const A_FREE_LISTS: u64 = 11;

fn set_stage(h: &mut Heap, g: Addr, stage: u64) -> Result<(), Fault> {
    h.write_u64(g + STAGE, stage)?;
    h.write_u64(g + CUR_A, 0)?;
    h.write_u64(g + CUR_B, 0)?;
    h.write_u64(g + CONV, 0)?;
    h.write_u64(g + CHANGED, 0)?;
    h.write_u64(g + ITER_LIST, 0)
}

fn atomic_slice(h: &mut Heap, g: Addr, budget: u64) -> Result<u64, Fault> {
    let mut work = 0;
    while work < budget {
        let stage = h.read_u64(g + STAGE)?;
        let left = budget - work;
        match stage {
            A_ROOTS => {
                mark_roots(h, g)?;
                work += 8;
                set_stage(h, g, A_TOBEFNZ)?;
                let head = h.read_u64(g + TOBEFNZ)?;
                h.write_u64(g + CUR_A, head)?;
            }
            A_TOBEFNZ | A_MARK_TOBEFNZ => {
                // Objects waiting for their finalizer are roots.
                let mut obj = h.read_u64(g + CUR_A)?;
                let mut n = 0;
                while obj != 0 && n < left {
                    mark_obj(h, g, obj, false)?;
                    obj = h.read_u64(obj + LINK)?;
                    n += 1;
                }
                work += n.max(1);
                if obj != 0 {
                    h.write_u64(g + CUR_A, obj)?;
                } else if stage == A_TOBEFNZ {
                    set_stage(h, g, A_RESCAN)?;
                } else {
                    set_stage(h, g, A_CONVERGE2)?;
                }
            }
            A_RESCAN => {
                let mut n = 0;
                while n < left {
                    let Some((th, _)) = pop(h, g + RESCAN)? else { break };
                    push(h, g + GRAY, th, 0)?;
                    n += 1;
                }
                work += n.max(1);
                if n < left {
                    set_stage(h, g, A_CONVERGE)?;
                }
            }
            A_CONVERGE | A_CONVERGE2 => {
                let (used, done) = converge(h, g, left)?;
                work += used.max(1);
                if done {
                    if stage == A_CONVERGE {
                        set_stage(h, g, A_CLEAR_VALUES)?;
                        iter_start(h, g, g + WEAK, u64::MAX)?;
                    } else {
                        set_stage(h, g, A_CLEAR_KEYS)?;
                        iter_start(h, g, g + EPHEMERON, u64::MAX)?;
                    }
                }
            }
            A_CLEAR_VALUES => {
                // Weak values go before resurrection: an object about to be
                // finalized is already gone from weak values.
                let (used, done) = clear_lists(h, g, left, &[(WEAK, u64::MAX), (ALLWEAK, u64::MAX)], false)?;
                work += used;
                if done {
                    let (lw, la) = (h.read_u64(g + WEAK + 8)?, h.read_u64(g + ALLWEAK + 8)?);
                    set_stage(h, g, A_SEPARATE)?;
                    h.write_u64(g + ORIG_WEAK, lw)?;
                    h.write_u64(g + ORIG_ALLWEAK, la)?;
                    h.write_u64(g + CUR_A, g + FINOBJ)?;
                }
            }
            A_SEPARATE => {
                let (used, done) = separate(h, g, left)?;
                work += used;
                if done {
                    set_stage(h, g, A_MARK_TOBEFNZ)?;
                    let head = h.read_u64(g + TOBEFNZ)?;
                    h.write_u64(g + CUR_A, head)?;
                }
            }
            A_CLEAR_KEYS => {
                // Weak keys go after resurrection: a key being finalized stays.
                let (used, done) = clear_lists(h, g, left, &[(EPHEMERON, u64::MAX), (ALLWEAK, u64::MAX)], true)?;
                work += used;
                if done {
                    let new_weak = h.read_u64(g + WEAK + 8)?.saturating_sub(h.read_u64(g + ORIG_WEAK)?);
                    set_stage(h, g, A_CLEAR_NEW_VALUES)?;
                    iter_start(h, g, g + WEAK, new_weak)?;
                }
            }
            A_CLEAR_NEW_VALUES => {
                // Tables first seen while marking what resurrection reached.
                let new_weak = h.read_u64(g + WEAK + 8)?.saturating_sub(h.read_u64(g + ORIG_WEAK)?);
                let new_all = h.read_u64(g + ALLWEAK + 8)?.saturating_sub(h.read_u64(g + ORIG_ALLWEAK)?);
                let (used, done) = clear_lists(h, g, left, &[(WEAK, new_weak), (ALLWEAK, new_all)], false)?;
                work += used;
                if done {
                    set_stage(h, g, A_DEAD_THREADS)?;
                    h.write_u64(g + CUR_A, g + THREADS)?;
                }
            }
            A_DEAD_THREADS => {
                let (used, done) = dead_threads(h, g, left)?;
                work += used;
                if done {
                    set_stage(h, g, A_FREE_LISTS)?;
                }
            }
            A_FREE_LISTS => {
                let mut b = left;
                let mut empty = true;
                for list in [WEAK, EPHEMERON, ALLWEAK, RESCAN] {
                    empty &= clear_stack(h, g + list, &mut b)?;
                }
                work += (left - b).max(1);
                if empty {
                    enter_sweep(h, g)?;
                    return Ok(work);
                }
            }
            _ => return Err(Fault::Invalid("collector in an unknown atomic stage")),
        }
    }
    Ok(work)
}

/// Marks until nothing new is reachable: gray objects, values of open
/// upvalues of unmarked threads (they may outlive their thread), and
/// ephemeron values whose keys are marked. Returns (work, converged).
fn converge(h: &mut Heap, g: Addr, budget: u64) -> Result<(u64, bool), Fault> {
    let mut work = 0;
    while work < budget {
        match h.read_u64(g + CONV)? {
            0 => {
                let (used, empty) = propagate(h, g, budget - work)?;
                work += used;
                if !empty {
                    return Ok((work, false));
                }
                h.write_u64(g + CONV, 1)?;
                h.write_u64(g + CHANGED, 0)?;
                let head = h.read_u64(g + THREADS)?;
                h.write_u64(g + CUR_A, head)?;
                h.write_u64(g + CUR_B, 0)?;
            }
            1 => {
                let mut th = h.read_u64(g + CUR_A)?;
                if th == 0 || (th == h.read_u64(g + THREADS_OLD)? && h.read_u64(g + MINOR)? != 0) {
                    h.write_u64(g + CONV, 2)?;
                    iter_start(h, g, g + EPHEMERON, u64::MAX)?;
                    continue;
                }
                work += 1;
                if is_marked(h, g, th)? {
                    th = h.read_u64(th + LINK)?;
                    h.write_u64(g + CUR_A, th)?;
                    h.write_u64(g + CUR_B, 0)?;
                    continue;
                }
                let mut uv = h.read_u64(g + CUR_B)?;
                if uv == 0 {
                    uv = h.read_u64(th + T_OPEN_UPVALS)?;
                }
                while uv != 0 && work < budget {
                    if is_marked(h, g, uv)? {
                        let slot = h.read_u64(uv + UV_SLOT)?;
                        let v = read_value(h, slot)?;
                        if mark_value(h, g, v)? {
                            h.write_u64(g + CHANGED, 1)?;
                        }
                    }
                    uv = h.read_u64(uv + UV_NEXT)?;
                    work += 1;
                }
                if uv != 0 {
                    h.write_u64(g + CUR_B, uv)?;
                } else {
                    let next = h.read_u64(th + LINK)?;
                    h.write_u64(g + CUR_A, next)?;
                    h.write_u64(g + CUR_B, 0)?;
                }
            }
            _ => {
                let Some(t) = iter_current(h, g)? else {
                    let changed = h.read_u64(g + CHANGED)? != 0;
                    h.write_u64(g + CONV, 0)?;
                    if !changed {
                        return Ok((work, true));
                    }
                    continue;
                };
                let progress = h.read_u64(g + ITER_PROG)?;
                let mut changed = false;
                let (next, used) = walk_table(h, t, progress, budget - work, &mut |h, e| {
                    if let Entry::Node(n) = e {
                        if let Some((k, v)) = table::gc_node(h, n)? {
                            if !v.is_nil() && value_alive(h, g, k)? && mark_value(h, g, v)? {
                                changed = true;
                            }
                            return Ok(2);
                        }
                    } else if let Entry::Slot(a) = e {
                        let v = read_value(h, a)?;
                        if mark_value(h, g, v)? {
                            changed = true;
                        }
                    }
                    Ok(1)
                })?;
                work += used;
                if changed {
                    h.write_u64(g + CHANGED, 1)?;
                }
                match next {
                    Some(p) => h.write_u64(g + ITER_PROG, p)?,
                    None => iter_advance(h, g)?,
                }
            }
        }
    }
    Ok((work, false))
}

/// Clears weak entries of the tables on `lists` ((stack, how many from the
/// top)), keys when `keys` else values. Returns (work, done).
fn clear_lists(h: &mut Heap, g: Addr, budget: u64, lists: &[(Addr, u64)], keys: bool) -> Result<(u64, bool), Fault> {
    let mut work = 0;
    loop {
        let which = h.read_u64(g + ITER_LIST)? as usize;
        let Some(t) = iter_current(h, g)? else {
            if which + 1 >= lists.len() {
                return Ok((work.max(1), true));
            }
            h.write_u64(g + ITER_LIST, which as u64 + 1)?;
            let (at, limit) = lists[which + 1];
            iter_start(h, g, g + at, limit)?;
            continue;
        };
        if work >= budget {
            return Ok((work, false));
        }
        let progress = h.read_u64(g + ITER_PROG)?;
        let (next, used) = walk_table(h, t, progress, budget - work, &mut |h, e| match e {
            Entry::Slot(a) => {
                if !keys {
                    let v = read_value(h, a)?;
                    if !value_alive(h, g, v)? {
                        write_value(h, a, Value::Nil)?;
                    }
                }
                Ok(1)
            }
            Entry::Node(n) => {
                let Some((k, v)) = table::gc_node(h, n)? else { return Ok(1) };
                let cleared = if v.is_nil() { true } else if keys { !value_alive(h, g, k)? } else { !value_alive(h, g, v)? };
                if cleared {
                    table::gc_kill_node(h, n)?;
                }
                Ok(2)
            }
        })?;
        work += used;
        match next {
            Some(p) => h.write_u64(g + ITER_PROG, p)?,
            None => iter_advance(h, g)?,
        }
    }
}

/// Moves every unmarked object of FINOBJ to the end of TOBEFNZ, keeping
/// their order (most recently registered first, as Lua finalizes).
fn separate(h: &mut Heap, g: Addr, budget: u64) -> Result<(u64, bool), Fault> {
    let mut link = h.read_u64(g + CUR_A)?;
    let mut work = 0;
    // A minor cycle looks only at objects registered since the last cycle.
    let stop = if h.read_u64(g + MINOR)? != 0 { h.read_u64(g + FINOBJ_OLD)? } else { 0 };
    while work < budget {
        let obj = h.read_u64(link)?;
        if obj == 0 || obj == stop {
            return Ok((work.max(1), true));
        }
        work += 1;
        if is_marked(h, g, obj)? {
            link = obj + LINK;
            continue;
        }
        let next = h.read_u64(obj + LINK)?;
        h.write_u64(link, next)?;
        append_tobefnz(h, g, obj)?;
    }
    h.write_u64(g + CUR_A, link)?;
    Ok((work, false))
}

fn append_tobefnz(h: &mut Heap, g: Addr, obj: Addr) -> Result<(), Fault> {
    h.write_u64(obj + LINK, 0)?;
    let tail = h.read_u64(g + TOBEFNZ_TAIL)?;
    if tail == 0 {
        h.write_u64(g + TOBEFNZ, obj)?;
    } else {
        h.write_u64(tail + LINK, obj)?;
    }
    h.write_u64(g + TOBEFNZ_TAIL, obj)
}

/// Threads that died this cycle: their open upvalues that live on are
/// closed now (their values were marked while converging), and the thread
/// leaves the THREADS list before the sweep frees it.
fn dead_threads(h: &mut Heap, g: Addr, budget: u64) -> Result<(u64, bool), Fault> {
    let mut link = h.read_u64(g + CUR_A)?;
    let mut work = 0;
    let stop = if h.read_u64(g + MINOR)? != 0 { h.read_u64(g + THREADS_OLD)? } else { 0 };
    while work < budget {
        let th = h.read_u64(link)?;
        if th == 0 || th == stop {
            return Ok((work.max(1), true));
        }
        work += 1;
        if is_marked(h, g, th)? {
            link = th + LINK;
            continue;
        }
        let uv = h.read_u64(th + T_OPEN_UPVALS)?;
        if uv != 0 {
            if is_marked(h, g, uv)? {
                let slot = h.read_u64(uv + UV_SLOT)?;
                let v = read_value(h, slot)?;
                write_value(h, uv + UV_VALUE, v)?;
                h.write_u64(uv + UV_SLOT, 0)?;
            }
            let next = h.read_u64(uv + UV_NEXT)?;
            h.write_u64(th + T_OPEN_UPVALS, next)?;
            continue;
        }
        let next = h.read_u64(th + LINK)?;
        h.write_u64(link, next)?;
    }
    h.write_u64(g + CUR_A, link)?;
    Ok((work, false))
}

// ----- the sweep ----------------------------------------------------------------------

fn enter_sweep(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    let lua = lua_bytes(h, g)?;
    h.write_u64(g + ESTIMATE, lua)?;
    let pages = h.page_count()?;
    h.write_u64(g + SWEEP_END, pages.div_ceil(GROUP_PAGES))?;
    h.write_u64(g + CUR_A, 0)?;
    h.write_u64(g + CUR_B, 0)?;
    h.write_u64(g + PHASE, SWEEP)
}

/// Frees the unmarked objects of a few bitmap words. Live objects cost only
/// their bits: their pages are neither read nor written.
fn sweep_slice(h: &mut Heap, g: Addr, budget: u64) -> Result<u64, Fault> {
    let end = h.read_u64(g + SWEEP_END)?;
    let dir = h.read_u64(g + DIR)?;
    let pairs_per_group = chunk_bytes(h) / 16;
    let shift = group_shift(h);
    let cur = h.read_u64(g + CUR_MARK)?;
    let mut group = h.read_u64(g + CUR_A)?;
    let mut pair = h.read_u64(g + CUR_B)?;
    // Bitmap words are cheap (a chunk page covers many heap pages); freeing
    // an object touches its page.
    let mut words = budget * 8;
    let mut frees = budget;
    let mut work = 0;
    let before = lua_bytes(h, g)?;
    // A minor cycle sweeps only groups where objects were made since their
    // last sweep: old objects are all marked.
    let minor = h.read_u64(g + MINOR)? != 0;
    while group < end {
        if words == 0 || frees == 0 {
            break;
        }
        let entry = h.read_u64(dir + group * 8)?;
        let chunk = entry & !15;
        if chunk == 0 || pair >= pairs_per_group || (minor && entry & DIR_YOUNG == 0) {
            // Leaving a swept group: its objects are all old now (objects
            // made while a full cycle sweeps are marked).
            if entry & DIR_YOUNG != 0 && pair >= pairs_per_group {
                h.write_u64(dir + group * 8, chunk)?;
            }
            group += 1;
            pair = 0;
            words -= 1;
            continue;
        }
        let at = chunk + pair * 16;
        let o = h.read_u64(at)?;
        let m = h.read_u64(at + 8)?;
        let mut dead = o & if cur == 1 { !m } else { m };
        while dead != 0 && frees > 0 {
            let bit = dead.trailing_zeros() as u64;
            dead &= dead - 1;
            let obj = (group << shift) + pair * 1024 + bit * 16;
            free_object(h, g, obj)?;
            let o = h.read_u64(at)?;
            h.write_u64(at, o & !(1 << bit))?;
            frees -= 1;
            work += 2;
        }
        if dead != 0 {
            break;
        }
        pair += 1;
        words -= 1;
        work += 1;
    }
    h.write_u64(g + CUR_A, group)?;
    h.write_u64(g + CUR_B, pair)?;
    let freed = before.saturating_sub(lua_bytes(h, g)?);
    let estimate = h.read_u64(g + ESTIMATE)?;
    h.write_u64(g + ESTIMATE, estimate.saturating_sub(freed))?;
    if group >= end {
        finish_cycle(h, g)?;
    }
    Ok(work.max(1))
}

fn free_block(h: &mut Heap, block: Addr) -> Result<(), Fault> {
    if block != 0 {
        h.free(block)?;
    }
    Ok(())
}

fn free_object(h: &mut Heap, g: Addr, obj: Addr) -> Result<(), Fault> {
    match Kind::from_u8(h.read_u8(obj)?)? {
        Kind::Str => {
            if super::string::is_short(h, obj)? {
                super::string::unintern(h, g, obj)?;
            }
        }
        Kind::Table => table::free_parts(h, obj)?,
        Kind::Proto => {
            use super::func::{P_CODE, P_LINES, P_UPVALS};
            for field in [P_CODE, P_K, P_PROTOS, P_UPVALS, P_UPNAMES, P_LINES, P_LOCVARS] {
                let block = h.read_u64(obj + field)?;
                free_block(h, block)?;
            }
        }
        Kind::Thread => {
            // Freeing a stack takes something off the bytes in use only in
            // a heap that predates reservations: that much was in RESERVED.
            let stack = h.read_u64(obj + T_STACK)?;
            let before = h.bytes_in_use()?;
            free_block(h, stack)?;
            let freed = before.saturating_sub(h.bytes_in_use()?);
            add_reserved(h, g, -(freed as i64))?;
            // Pending to-be-closed records of a thread that died suspended.
            let mut node = h.read_u64(obj + T_TBC)?;
            while node != 0 {
                let next = h.read_u64(node + 8)?;
                h.free(node)?;
                node = next;
            }
            // The frame blocks: the base one and every cached one above it.
            let mut ci = h.read_u64(obj + T_BASE_CI)?;
            while ci != 0 {
                let next = h.read_u64(ci + CI_NEXT)?;
                h.free(ci)?;
                ci = next;
            }
        }
        Kind::LuaFn | Kind::NativeFn | Kind::UpVal => {}
    }
    h.free(obj)
}

/// `collectgarbage("collect")` while marking: every object becomes white
/// again (bitmap words only) and marking starts over.
fn reset_slice(h: &mut Heap, g: Addr, budget: u64) -> Result<u64, Fault> {
    let mut b = budget;
    for (list, flag) in [(RAN, RAN_FLAG), (TOUCHED, TOUCHED_FLAG)] {
        while b > 0 {
            let Some((obj, _)) = pop(h, g + list)? else { break };
            let flags = h.read_u8(obj + 1)?;
            h.write_u8(obj + 1, flags & !flag)?;
            b -= 1;
        }
    }
    if b == 0 {
        return Ok(budget);
    }
    for list in [GRAY, RESCAN, WEAK, EPHEMERON, ALLWEAK] {
        if !clear_stack(h, g + list, &mut b)? {
            return Ok(budget);
        }
    }
    let end = h.read_u64(g + SWEEP_END)?;
    let dir = h.read_u64(g + DIR)?;
    let pairs_per_group = chunk_bytes(h) / 16;
    let white = h.read_u64(g + CUR_MARK)? ^ 1;
    let mut group = h.read_u64(g + CUR_A)?;
    let mut words = b * 8;
    while group < end && words > 0 {
        let chunk = h.read_u64(dir + group * 8)? & !15;
        if chunk != 0 {
            for pair in 0..pairs_per_group {
                let at = chunk + pair * 16;
                let o = h.read_u64(at)?;
                if o != 0 {
                    let m = h.read_u64(at + 8)?;
                    h.write_u64(at + 8, if white == 1 { m | o } else { m & !o })?;
                }
            }
        }
        words = words.saturating_sub(pairs_per_group.max(1));
        group += 1;
    }
    h.write_u64(g + CUR_A, group)?;
    if group >= end {
        // Every object is white: mark from the roots, as a cycle starts.
        h.write_u64(g + PHASE, MARK)?;
        set_marking(h, true)?;
        if h.read_u64(g + FULL)? == 1 {
            h.write_u64(g + FULL, 2)?;
        }
        let lua = lua_bytes(h, g)?;
        h.write_u64(g + PAID, lua)?;
        mark_roots(h, g)?;
    }
    Ok(budget)
}

/// Starts a cycle by making every object white (bitmap words only), for
/// `collectgarbage("collect")` in the middle of marking, or when objects
/// made white outside a mark phase exist (generational mode).
fn begin_reset(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    set_marking(h, false)?;
    let cur = h.read_u64(g + CUR_MARK)?;
    h.write_u64(g + ALLOC_BIT, cur ^ 1)?;
    h.write_u64(g + PHASE, RESET)?;
    let pages = h.page_count()?;
    h.write_u64(g + SWEEP_END, pages.div_ceil(GROUP_PAGES))?;
    h.write_u64(g + CUR_A, 0)
}

// ----- pacing: when the program gives a step to the collector ----------------------

/// Called before each batch of instructions. Returns true if the collector
/// used this heap step (then no instruction runs in it).
#[inline]
pub fn poll(h: &mut Heap, g: Addr) -> Result<bool, Fault> {
    if h.bytes_in_use()? < h.read_u64(g + NEXT_POLL)? {
        return Ok(false);
    }
    let used = service(h, g)?;
    update_poll(h, g)?;
    Ok(used)
}

/// Whether the collector wants the next heap step (ends a batch).
#[inline]
pub fn wants_step(h: &mut Heap, g: Addr) -> Result<bool, Fault> {
    Ok(h.bytes_in_use()? >= h.read_u64(g + NEXT_POLL)?)
}

fn update_poll(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    let phase = h.read_u64(g + PHASE)?;
    let urgent = h.read_u64(g + CLOSING)? != 0
        || phase == ATOMIC
        || phase == RESET
        || h.read_u64(g + MINOR)? != 0
        || h.read_u64(g + FULL)? != 0
        || h.read_u64(g + OWED)? != 0
        || h.read_u64(g + TOBEFNZ)? != 0;
    let next = if urgent {
        0
    } else if h.read_u64(g + STOPPED)? != 0 {
        u64::MAX
    } else {
        let reserved = h.read_u64(g + RESERVED)?;
        let target = if phase == IDLE && h.read_u64(g + MODE_GEN)? != 0 {
            gen_limits(h, g)?.0
        } else if phase == IDLE {
            h.read_u64(g + THRESHOLD)?
        } else {
            h.read_u64(g + PAID)?.saturating_add(1 << h.read_u64(g + STEPSIZE)?.min(40))
        };
        reserved.saturating_add(target)
    };
    h.write_u64(g + NEXT_POLL, next)
}

/// The work of one step, in units (values scanned, objects freed): as in
/// Lua 5.4, a step follows `2^stepsize` bytes of allocation and does
/// `2^stepsize / 16 * stepmul` units, spread over as many bounded slices
/// as it takes, while the program waits.
fn step_units(h: &mut Heap, g: Addr, extra_kb: u64) -> Result<u64, Fault> {
    let stepmul = (h.read_u64(g + STEPMUL)? * 4) | 1;
    let size = 1u64 << h.read_u64(g + STEPSIZE)?.min(40);
    Ok((size / 16).saturating_add(extra_kb.saturating_mul(64)).saturating_mul(stepmul).max(1))
}

/// Generational mode: the Lua bytes at which the next cycle starts (after a
/// nursery's worth of allocation: a fifth of the old data, at most a
/// quarter of the physical heap, so young objects die in memory), and the
/// size of the old data (what survived the last cycle) beyond which that
/// cycle is a full one (twice what survived the last full cycle).
fn gen_limits(h: &mut Heap, g: Addr) -> Result<(u64, u64), Fault> {
    let major_base = h.read_u64(g + MAJOR_BASE)?;
    let memory = (h.frame_count() * h.page_size()) as u64;
    let minormul = h.read_u64(g + GEN_MINORMUL)?.max(1);
    let nursery = (major_base / 100 * minormul).clamp(MIN_THRESHOLD.min(memory / 4), (memory / 4).max(64 << 10));
    let minor = h.read_u64(g + MINOR_BASE)?.saturating_add(nursery);
    let majormul = h.read_u64(g + GEN_MAJORMUL)?;
    let major = (major_base / 100).saturating_mul(100 + majormul).max(min_threshold(h));
    Ok((minor, major))
}

fn service(h: &mut Heap, g: Addr) -> Result<bool, Fault> {
    if h.read_u64(g + CLOSING)? != 0 {
        return closing_step(h, g);
    }
    let phase = h.read_u64(g + PHASE)?;
    if phase == ATOMIC || phase == RESET || h.read_u64(g + MINOR)? != 0 {
        slice(h, g)?;
        return Ok(true);
    }
    match h.read_u64(g + FULL)? {
        1 => {
            match phase {
                IDLE => start_cycle(h, g)?,
                MARK => begin_reset(h, g)?,
                _ => {
                    slice(h, g)?;
                }
            }
            return Ok(true);
        }
        2 => {
            slice(h, g)?;
            return Ok(true);
        }
        3 => {
            super::string::migrate_some(h, g, slice_budget(h) * 8)?;
            if !string_table_moving(h, g)? {
                h.write_u64(g + FULL, 0)?;
            }
            return Ok(true);
        }
        _ => {}
    }
    let owed = h.read_u64(g + OWED)?;
    if owed != 0 {
        if phase == IDLE {
            start_cycle(h, g)?;
        }
        let work = slice(h, g)?;
        // finish_cycle settles the step when the cycle ends.
        let owed = h.read_u64(g + OWED)?;
        if owed != 0 {
            let left = owed.saturating_sub(work);
            h.write_u64(g + OWED, left)?;
            if left == 0 {
                let lua = lua_bytes(h, g)?;
                h.write_u64(g + PAID, lua)?;
            }
        }
        return Ok(true);
    }
    if h.read_u64(g + TOBEFNZ)? != 0 && h.read_u64(g + IN_FIN)? == 0 && can_inject(h, g)? {
        let obj = take_finalizable(h, g)?;
        inject_finalizer(h, g, obj)?;
        return Ok(true);
    }
    if h.read_u64(g + STOPPED)? != 0 {
        return Ok(false);
    }
    let lua = lua_bytes(h, g)?;
    if phase == IDLE && h.read_u64(g + MODE_GEN)? != 0 {
        let (due, major) = gen_limits(h, g)?;
        if lua < due {
            return Ok(false);
        }
        if h.read_u64(g + MINOR_BASE)? >= major {
            // The old data has grown: a full cycle, run incrementally.
            start_cycle(h, g)?;
            let units = step_units(h, g, 0)?;
            h.write_u64(g + OWED, units)?;
        } else {
            start_minor(h, g)?;
        }
        return Ok(true);
    }
    let due = if phase == IDLE {
        lua >= h.read_u64(g + THRESHOLD)?
    } else {
        let step = 1u64 << h.read_u64(g + STEPSIZE)?.min(40);
        lua >= h.read_u64(g + PAID)?.saturating_add(step)
    };
    if !due {
        return Ok(false);
    }
    if phase == IDLE {
        start_cycle(h, g)?;
    }
    let units = step_units(h, g, 0)?;
    h.write_u64(g + OWED, units)?;
    Ok(true)
}

// ----- finalizers ---------------------------------------------------------------------

/// `setmetatable(t, mt)`: registers `t` for finalization if `mt` has `__gc`
/// (only then, as in Lua: a `__gc` added to the metatable later is ignored).
pub fn check_finalizer(h: &mut Heap, g: Addr, t: Addr, mt: Addr) -> Result<(), Fault> {
    if mt == 0 || h.read_u64(g + CLOSING)? != 0 || h.read_u8(t + 1)? & FINOBJ_FLAG != 0 {
        return Ok(());
    }
    let key = h.read_u64(g + STR_GC)?;
    if table::get(h, mt, Value::Str(key))?.is_nil() {
        return Ok(());
    }
    let flags = h.read_u8(t + 1)?;
    h.write_u8(t + 1, flags | FINOBJ_FLAG)?;
    let head = h.read_u64(g + FINOBJ)?;
    h.write_u64(t + LINK, head)?;
    h.write_u64(g + FINOBJ, t)
}

fn take_finalizable(h: &mut Heap, g: Addr) -> Result<Addr, Fault> {
    let obj = h.read_u64(g + TOBEFNZ)?;
    let next = h.read_u64(obj + LINK)?;
    h.write_u64(g + TOBEFNZ, next)?;
    if next == 0 {
        h.write_u64(g + TOBEFNZ_TAIL, 0)?;
    }
    unflag(h, obj)?;
    Ok(obj)
}

fn unflag(h: &mut Heap, obj: Addr) -> Result<(), Fault> {
    h.write_u64(obj + LINK, 0)?;
    let flags = h.read_u8(obj + 1)?;
    h.write_u8(obj + 1, flags & !FINOBJ_FLAG)
}

/// Whether a finalizer call can be pushed on the running thread now: at an
/// instruction boundary of a Lua frame (or the main thread's base frame when
/// closing) with no multiple results pending, and room on the stack.
fn can_inject(h: &mut Heap, g: Addr) -> Result<bool, Fault> {
    let th = h.read_u64(g + G_CURRENT_THREAD)?;
    let ci = h.read_u64(th + T_CI)?;
    if h.read_u64(g + CLOSING)? != 0 {
        if ci != h.read_u64(th + T_BASE_CI)? {
            return Ok(false);
        }
    } else if h.read_u64(ci + CI_STATUS)? & cs::LUA == 0 {
        return Ok(false);
    }
    // (The upper half of T_CCALLS counts non-yieldable calls.)
    if h.read_u64(th + T_TOP)? != 0 || (h.read_u64(th + T_CCALLS)? & 0xffff_ffff) + 4 > MAX_CCALLS {
        return Ok(false);
    }
    let top = h.read_u64(ci + CI_TOP)?;
    let end = h.read_u64(th + T_STACK)? + h.read_u64(th + T_STACK_SLOTS)? * VALUE_SIZE;
    Ok(top + (4 + STACK_EXTRA) * VALUE_SIZE <= end)
}

/// Calls the finalizer runner with `obj` above the running frame.
fn inject_finalizer(h: &mut Heap, g: Addr, obj: Addr) -> Result<(), Fault> {
    let th = h.read_u64(g + G_CURRENT_THREAD)?;
    let ci = h.read_u64(th + T_CI)?;
    let slot = h.read_u64(ci + CI_TOP)?;
    let runner = h.read_u64(g + RUNNER)?;
    write_value(h, slot, Value::NativeFn(runner))?;
    write_value(h, slot + VALUE_SIZE, Value::Table(obj))?;
    h.write_u64(g + IN_FIN, th)?;
    let mut ctx = Ctx { h, g, th };
    match super::vm::call::precall(&mut ctx, slot, 1, 0) {
        Ok(()) => Ok(()),
        Err(Trap::Fault(f)) => Err(f),
        Err(Trap::Error(v)) => super::vm::call::throw(&mut ctx, v).map(drop),
        Err(Trap::Msg(m)) => {
            let v = super::vm::call::message_value(&mut ctx, &m, 0)?;
            super::vm::call::throw(&mut ctx, v).map(drop)
        }
    }
}

/// The hidden native `gc_fin(obj)`: calls `obj`'s `__gc`, protected. Its
/// call is not yieldable (the code it interrupted is not the finalizer's to
/// suspend), so a finalizer that yields fails, as in Lua.
pub fn finalizer_runner(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let obj = arg(args, 1);
    let tm = super::vm::meta::get_tm(ctx, obj, "__gc")?;
    if tm.is_nil() {
        ctx.h.write_u64(ctx.g + IN_FIN, 0)?;
        return ret(vec![]);
    }
    Ok(NativeResult::Call { func: tm, args: vec![obj], k: 0, protected: true })
}

/// After `__gc` returned or failed: an error in a finalizer is only a
/// warning, and lua5.4 prints none unless warnings are on.
pub fn finalizer_runner_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, _args: &[Value]) -> LuaResult<NativeResult> {
    ctx.h.write_u64(ctx.g + IN_FIN, 0)?;
    ret(vec![])
}

/// The main chunk returned. Returns true if the program is finished; false
/// if finalizers must run first (as `lua_close` runs them).
pub fn main_returned(ctx: &mut Ctx) -> Result<bool, Fault> {
    let (h, g) = (&mut *ctx.h, ctx.g);
    if h.read_u64(g + CLOSING)? != 0 {
        // A finalizer run at exit returned to the base frame.
        return Ok(false);
    }
    if h.read_u64(g + TOBEFNZ)? == 0 && h.read_u64(g + FINOBJ)? == 0 {
        return Ok(true);
    }
    begin_close(h, g, ctx.th, 1)?;
    Ok(false)
}

/// An uncaught error ends the program: if finalizers are pending, the error
/// is kept, the main thread unwound to its base frame, and they run first.
pub fn close_on_error(ctx: &mut Ctx, error: Value) -> Result<bool, Fault> {
    let (h, g) = (&mut *ctx.h, ctx.g);
    if h.read_u64(g + CLOSING)? != 0 || (h.read_u64(g + TOBEFNZ)? == 0 && h.read_u64(g + FINOBJ)? == 0) {
        return Ok(false);
    }
    write_value(h, g + G_ERROR, error)?;
    let th = ctx.th;
    let base = h.read_u64(th + T_BASE_CI)?;
    h.write_u64(th + T_CI, base)?;
    h.write_u64(th + T_HANDLER, 0)?;
    h.write_u64(th + T_CCALLS, 0)?;
    begin_close(h, g, th, 2)?;
    Ok(true)
}

fn begin_close(h: &mut Heap, g: Addr, th: Addr, how: u64) -> Result<(), Fault> {
    h.write_u64(th + T_TOP, 0)?;
    h.write_u64(g + CLOSING, how)?;
    // No more collection: the heap is about to be dropped.
    set_marking(h, false)?;
    h.write_u64(g + NEXT_POLL, 0)
}

/// At exit: runs the pending finalizers, then every registered one
/// (most recently registered first), then ends the program.
fn closing_step(h: &mut Heap, g: Addr) -> Result<bool, Fault> {
    if h.read_u64(g + IN_FIN)? != 0 {
        return Ok(false);
    }
    let obj = if h.read_u64(g + TOBEFNZ)? != 0 {
        take_finalizable(h, g)?
    } else {
        let obj = h.read_u64(g + FINOBJ)?;
        if obj != 0 {
            let next = h.read_u64(obj + LINK)?;
            h.write_u64(g + FINOBJ, next)?;
            unflag(h, obj)?;
        }
        obj
    };
    if obj == 0 {
        let status = if h.read_u64(g + CLOSING)? == 2 { RunStatus::Error } else { RunStatus::Done };
        h.write_u64(g + G_STATUS, status as u64)?;
        return Ok(true);
    }
    if can_inject(h, g)? {
        inject_finalizer(h, g, obj)?;
    }
    Ok(true)
}

// ----- collectgarbage -------------------------------------------------------------

/// Options that report a value from the collector's state (and the ones that
/// change it), as lbaselib's `collectgarbage`.
pub fn collectgarbage(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    const OPTIONS: [&[u8]; 10] = [b"stop", b"restart", b"collect", b"count", b"step", b"setpause", b"setstepmul", b"isrunning", b"generational", b"incremental"];
    let opt = opt_bytes(ctx, args, 1, "collectgarbage", b"collect")?;
    if !OPTIONS.contains(&opt.as_slice()) {
        let msg = format!("invalid option '{}'", String::from_utf8_lossy(&opt));
        return arg_error(1, "collectgarbage", &msg);
    }
    let g = ctx.g;
    // Inside a finalizer the reference refuses every option ("fail").
    if ctx.h.read_u64(g + IN_FIN)? != 0 {
        return ret1(Value::Nil);
    }
    let result = match opt.as_slice() {
        b"collect" => {
            request_full(ctx.h, g)?;
            return call_helper(ctx, K_COLLECT);
        }
        b"stop" | b"restart" => {
            ctx.h.write_u64(g + STOPPED, u64::from(opt == b"stop"))?;
            Value::Int(0)
        }
        b"count" => Value::Float(lua_bytes(ctx.h, g)? as f64 / 1024.0),
        b"isrunning" => Value::Bool(ctx.h.read_u64(g + STOPPED)? == 0),
        b"step" => {
            let n = opt_int(ctx, args, 2, "collectgarbage", 0)?;
            if ctx.h.read_u64(g + MODE_GEN)? != 0 {
                // A generational step collects (a young collection in the
                // reference) and never reports the end of a cycle.
                request_full(ctx.h, g)?;
                return call_helper(ctx, K_GEN_STEP);
            }
            let units = step_units(ctx.h, g, n.max(0) as u64)?;
            ctx.h.write_u64(g + OWED, units)?;
            ctx.h.write_u64(g + STEP_REQ, 1)?;
            ctx.h.write_u64(g + STEP_DONE, 0)?;
            ctx.h.write_u64(g + NEXT_POLL, 0)?;
            return call_helper(ctx, K_STEP);
        }
        b"setpause" | b"setstepmul" => {
            let v = opt_int(ctx, args, 2, "collectgarbage", 0)?;
            let field = if opt == b"setpause" { PAUSE } else { STEPMUL };
            let previous = ctx.h.read_u64(g + field)? * 4;
            ctx.h.write_u64(g + field, gc_param(v))?;
            Value::Int(previous as i64)
        }
        b"generational" | b"incremental" => {
            let was_gen = ctx.h.read_u64(g + MODE_GEN)? != 0;
            let previous: &[u8] = if was_gen { b"generational" } else { b"incremental" };
            if opt == b"incremental" {
                for (n, field) in [(2, PAUSE), (3, STEPMUL)] {
                    let v = opt_int(ctx, args, n, "collectgarbage", 0)?;
                    if v != 0 {
                        ctx.h.write_u64(g + field, gc_param(v))?;
                    }
                }
                let size = opt_int(ctx, args, 4, "collectgarbage", 0)?;
                if size != 0 {
                    ctx.h.write_u64(g + STEPSIZE, u64::from(size as i32 as u8))?;
                }
            }
            if opt == b"generational" {
                for (n, field) in [(2, GEN_MINORMUL), (3, GEN_MAJORMUL)] {
                    let v = opt_int(ctx, args, n, "collectgarbage", 0)?;
                    if v > 0 {
                        ctx.h.write_u64(g + field, v as u64)?;
                    }
                }
            }
            set_mode(ctx.h, g, opt == b"generational")?;
            ctx.new_str(previous)?
        }
        _ => unreachable!("options were checked"),
    };
    update_poll(ctx.h, g)?;
    ret1(result)
}

const K_STEP: u64 = 1;
const K_COLLECT: u64 = 2;
const K_GEN_STEP: u64 = 3;

/// The work a `collect` or `step` asked for runs in collector steps of its
/// own, while an empty Lua function (the helper) is the running frame: the
/// program waits, and the stack the collector scans ends at the helper's
/// frame, so the caller's registers above the call (dead, as in Lua, which
/// collects with the top at the C function) keep nothing alive.
fn call_helper(ctx: &mut Ctx, k: u64) -> LuaResult<NativeResult> {
    let helper = step_helper(ctx)?;
    Ok(NativeResult::Call { func: helper, args: vec![], k, protected: false })
}

pub fn collectgarbage_k(ctx: &mut Ctx, k: u64, _input: ContinuationInput, _args: &[Value]) -> LuaResult<NativeResult> {
    match k {
        K_COLLECT => ret1(Value::Int(0)),
        K_GEN_STEP => ret1(Value::Bool(false)),
        _ => {
            let done = ctx.h.read_u64(ctx.g + STEP_DONE)? != 0;
            ctx.h.write_u64(ctx.g + STEP_DONE, 0)?;
            ctx.h.write_u64(ctx.g + STEP_REQ, 0)?;
            ret1(Value::Bool(done))
        }
    }
}

fn string_table_moving(h: &mut Heap, g: Addr) -> Result<bool, Fault> {
    Ok(h.read_u64(g + G_STRINGS_OLD)? != 0)
}

/// Lua keeps a pause or step multiplier as a byte holding a quarter of it
/// (`setgcparam`), so what it reports back is rounded and wrapped the same way.
fn gc_param(v: i64) -> u64 {
    u64::from(((v as i32) / 4) as u8)
}

/// Switches between incremental and generational collection. A cycle under
/// way finishes first; between cycles the switch takes effect at once.
fn set_mode(h: &mut Heap, g: Addr, gen: bool) -> Result<(), Fault> {
    let was_gen = h.read_u64(g + MODE_GEN)? != 0;
    h.write_u64(g + MODE_GEN, u64::from(gen))?;
    if h.read_u64(g + PHASE)? != IDLE || gen == was_gen || h.read_u64(g + CLOSING)? != 0 {
        return Ok(());
    }
    if gen {
        return enter_generational(h, g);
    }
    // Back to incremental: new objects are marked between cycles again; the
    // young ones stay white (YOUNG_WHITE makes the next cycle reset).
    let cur = h.read_u64(g + CUR_MARK)?;
    h.write_u64(g + ALLOC_BIT, cur)?;
    set_marking(h, false)?;
    for (list, flag) in [(RAN, RAN_FLAG), (TOUCHED, TOUCHED_FLAG)] {
        while let Some((obj, _)) = pop(h, g + list)? {
            let flags = h.read_u8(obj + 1)?;
            h.write_u8(obj + 1, flags & !flag)?;
        }
    }
    Ok(())
}

/// An instruction ran out of heap: like Lua, collect fully before giving
/// up. Returns false when that was already done and the instruction still
/// fails (it must then raise "not enough memory"). The collection runs as
/// ordinary collector steps (resumable, one slice per heap step), and no
/// instruction runs before it ends (`FULL` keeps the collector urgent).
pub fn request_emergency(h: &mut Heap, g: Addr) -> Result<bool, Fault> {
    if h.read_u64(g + EMERGENCY)? != 0 && h.read_u64(g + FULL)? == 0 {
        h.write_u64(g + EMERGENCY, 0)?;
        return Ok(false);
    }
    h.write_u64(g + EMERGENCY, 1)?;
    request_full(h, g)?;
    Ok(true)
}

/// An instruction completed: an emergency collection, if any, is over.
#[inline]
pub fn instruction_completed(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    if h.read_u64(g + EMERGENCY)? != 0 {
        h.write_u64(g + EMERGENCY, 0)?;
    }
    Ok(())
}

fn request_full(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    if h.read_u64(g + FULL)? == 0 {
        h.write_u64(g + FULL, 1)?;
    }
    h.write_u64(g + NEXT_POLL, 0)
}

/// An empty Lua function (made once, kept as a root) that `step` calls so
/// that its collector work happens in steps of its own.
fn step_helper(ctx: &mut Ctx) -> Result<Value, Fault> {
    let existing = ctx.h.read_u64(ctx.g + HELPER)?;
    if existing != 0 {
        return Ok(Value::LuaFn(existing));
    }
    let proto = super::compiler::compile(b"return", "=(collectgarbage)").map_err(|_| Fault::Invalid("the step helper does not compile"))?;
    let f = super::lib::base::make_main_closure(ctx, &proto, Value::Nil)?;
    if let Value::LuaFn(cl) = f {
        ctx.h.write_u64(ctx.g + HELPER, cl)?;
    }
    Ok(f)
}
