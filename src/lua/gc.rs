//! The garbage collector: precise mark and sweep over the virtual heap, in
//! bounded steps whose state lives in the heap.
//!
//! A cycle starts when the bytes in use pass a threshold (twice what survived
//! the previous cycle), or at `collectgarbage("collect")`. While a cycle
//! runs, each VM step does a bounded amount of collection work instead of an
//! instruction: at most `WORK_PER_STEP` values scanned or objects swept. The
//! program does not run until the cycle ends, so no write barrier is needed
//! (the tri-colour invariant cannot be broken by a mutator that is not
//! running); every step is still an ordinary restartable heap step, so a
//! page fault or a checkpoint in the middle of a cycle is harmless.
//!
//! Marking: an object's header byte 1 is its mark. Roots are the global
//! block's fields. Marked objects with children go on a gray stack (a heap
//! block of (object, progress) pairs); big tables, stacks and prototypes are
//! scanned a slice at a time, their progress kept in the pair.
//! Sweeping walks the all-objects list from a cursor, freeing unmarked
//! objects (and the blocks they own) and clearing the marks of the rest.

use super::func::{CL_NUPVALS, CL_PROTO, CL_UPVALS, NF_NUPVALS, NF_UPVALS, P_K, P_LOCVARS, P_NK, P_NLOCVARS, P_NPROTOS, P_NUPVALS, P_PROTOS, P_SOURCE, P_UPNAMES, UV_NEXT, UV_SLOT, UV_VALUE};
use super::object::Kind;
use super::state::*;
use super::value::{read_value, Value, VALUE_SIZE};
use crate::heap::{Addr, Fault, Heap};

const GC_PHASE: Addr = G_GC + 8;
const GC_GRAY: Addr = G_GC + 16; // top chunk of the gray stack
const GC_GRAY_LEN: Addr = G_GC + 24; // pairs on the gray stack
const GC_SWEEP_LINK: Addr = G_GC + 40;
const GC_THRESHOLD: Addr = G_GC + 48;
const GC_CYCLES: Addr = G_GC + 56;
/// 1 when `collectgarbage("stop")` is in force.
pub const GC_STOPPED: Addr = G_GC + 72;

const IDLE: u64 = 0;
const MARK: u64 = 1;
const SWEEP: u64 = 2;

/// Values scanned or objects swept per step, at most. Each may touch another
/// page, so a step also does no more than a quarter of the frames' worth.
const WORK_PER_STEP: u64 = 256;

fn budget(h: &Heap) -> u64 {
    (h.frame_count() as u64 / 4).clamp(2, WORK_PER_STEP)
}
/// The smallest threshold, so small programs never collect.
const MIN_THRESHOLD: u64 = 1 << 20;

/// Is a cycle running? (Then the VM's next step belongs to the collector.)
pub fn in_cycle(h: &mut Heap, g: Addr) -> Result<bool, Fault> {
    Ok(h.read_u64(g + GC_PHASE)? != IDLE)
}

/// Starts a cycle if the heap has grown past the threshold.
pub fn maybe_start(h: &mut Heap, g: Addr) -> Result<bool, Fault> {
    if h.read_u64(g + GC_STOPPED)? != 0 {
        return Ok(false);
    }
    let threshold = h.read_u64(g + GC_THRESHOLD)?.max(MIN_THRESHOLD);
    if h.bytes_in_use()? < threshold {
        return Ok(false);
    }
    start(h, g)?;
    Ok(true)
}

/// Begins a cycle: marks the roots.
pub fn start(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    if in_cycle(h, g)? {
        return Ok(());
    }
    h.write_u64(g + GC_PHASE, MARK)?;
    h.write_u64(g + GC_GRAY_LEN, 0)?;
    for field in [G_GLOBALS, G_REGISTRY, G_MAIN_THREAD, G_CURRENT_THREAD, G_STRING_META, G_MEMERR, G_GC + 15 * 8] {
        let obj = h.read_u64(g + field)?;
        mark(h, g, obj)?;
    }
    let err = read_value(h, g + G_ERROR)?;
    mark_value(h, g, err)
}

/// One bounded slice of collection work.
pub fn step(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    match h.read_u64(g + GC_PHASE)? {
        MARK => mark_step(h, g),
        SWEEP => sweep_step(h, g),
        _ => Ok(()),
    }
}

fn is_marked(h: &mut Heap, obj: Addr) -> Result<bool, Fault> {
    Ok(h.read_u8(obj + 1)? != 0)
}

fn mark_value(h: &mut Heap, g: Addr, v: Value) -> Result<(), Fault> {
    match v.object() {
        Some(obj) => mark(h, g, obj),
        None => Ok(()),
    }
}

/// Marks an object; objects with children go on the gray stack.
fn mark(h: &mut Heap, g: Addr, obj: Addr) -> Result<(), Fault> {
    if obj == 0 || is_marked(h, obj)? {
        return Ok(());
    }
    h.write_u8(obj + 1, 1)?;
    if Kind::from_u8(h.read_u8(obj)?)? != Kind::Str {
        push_gray(h, g, obj, 0)?;
    }
    Ok(())
}

/// Pairs per gray-stack chunk. The gray stack is a chain of fixed-size
/// chunks, so pushing never copies (a growable array would copy it all).
const GRAY_CHUNK: u64 = 254;
// Chunk layout: previous chunk, pairs used, then the pairs.
const GRAY_CHUNK_SIZE: u64 = 16 + GRAY_CHUNK * 16;

fn push_gray(h: &mut Heap, g: Addr, obj: Addr, progress: u64) -> Result<(), Fault> {
    let mut chunk = h.read_u64(g + GC_GRAY)?;
    let mut used = if chunk == 0 { GRAY_CHUNK } else { h.read_u64(chunk + 8)? };
    if used == GRAY_CHUNK {
        let fresh = h.alloc(GRAY_CHUNK_SIZE)?;
        h.write_u64(fresh, chunk)?;
        chunk = fresh;
        used = 0;
        h.write_u64(g + GC_GRAY, chunk)?;
    }
    h.write_u64(chunk + 16 + used * 16, obj)?;
    h.write_u64(chunk + 16 + used * 16 + 8, progress)?;
    h.write_u64(chunk + 8, used + 1)?;
    let len = h.read_u64(g + GC_GRAY_LEN)?;
    h.write_u64(g + GC_GRAY_LEN, len + 1)
}

/// Pops the top (object, progress) pair, if any.
fn pop_gray(h: &mut Heap, g: Addr) -> Result<Option<(Addr, u64)>, Fault> {
    loop {
        let chunk = h.read_u64(g + GC_GRAY)?;
        if chunk == 0 {
            return Ok(None);
        }
        let used = h.read_u64(chunk + 8)?;
        if used == 0 {
            let prev = h.read_u64(chunk)?;
            h.write_u64(g + GC_GRAY, prev)?;
            h.free(chunk)?;
            continue;
        }
        let at = chunk + 16 + (used - 1) * 16;
        let pair = (h.read_u64(at)?, h.read_u64(at + 8)?);
        h.write_u64(chunk + 8, used - 1)?;
        let len = h.read_u64(g + GC_GRAY_LEN)?;
        h.write_u64(g + GC_GRAY_LEN, len.saturating_sub(1))?;
        return Ok(Some(pair));
    }
}

fn mark_step(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    let mut budget = budget(h);
    while budget > 0 {
        let Some((obj, progress)) = pop_gray(h, g)? else {
            // Everything reachable is marked: sweep.
            h.write_u64(g + GC_PHASE, SWEEP)?;
            return h.write_u64(g + GC_SWEEP_LINK, g + G_ALL_OBJECTS);
        };
        let (done, used) = scan(h, g, obj, progress, budget)?;
        budget = budget.saturating_sub(used.max(1));
        if let Some(next) = done {
            push_gray(h, g, obj, next)?;
        }
    }
    Ok(())
}

/// Scans up to `budget` of an object's references starting at `progress`.
/// Returns the progress to resume from (None: finished) and the work done.
fn scan(h: &mut Heap, g: Addr, obj: Addr, progress: u64, budget: u64) -> Result<(Option<u64>, u64), Fault> {
    match Kind::from_u8(h.read_u8(obj)?)? {
        Kind::Str => Ok((None, 1)),
        Kind::Table => scan_table(h, g, obj, progress, budget),
        Kind::LuaFn => {
            { let o = h.read_u64(obj + CL_PROTO)?; mark(h, g, o)?; }
            let n = h.read_u64(obj + CL_NUPVALS)?;
            for i in 0..n {
                let uv = h.read_u64(obj + CL_UPVALS + i * 8)?;
                mark(h, g, uv)?;
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
            if h.read_u64(obj + UV_SLOT)? == 0 {
                let v = read_value(h, obj + UV_VALUE)?;
                mark_value(h, g, v)?;
            }
            Ok((None, 1))
        }
        Kind::Proto => scan_proto(h, g, obj),
        Kind::Thread => scan_thread(h, g, obj, progress, budget),
    }
}

/// Marks `count` consecutive values. Hash-node keys keep their hash in the
/// upper half of the tag word, so only the low half is the tag.
fn scan_values(h: &mut Heap, g: Addr, first: Addr, count: u64) -> Result<(), Fault> {
    for i in 0..count {
        let at = first + i * VALUE_SIZE;
        let tag = h.read_u64(at)?;
        let v = Value::decode(tag & 0xffff_ffff, h.read_u64(at + 8)?)?;
        mark_value(h, g, v)?;
    }
    Ok(())
}

fn scan_table(h: &mut Heap, g: Addr, t: Addr, progress: u64, budget: u64) -> Result<(Option<u64>, u64), Fault> {
    // Progress runs over: metatable, then each part's slots in order.
    let parts = super::table::gc_parts(h, t)?;
    if progress == 0 {
        { let o = super::table::metatable(h, t)?; mark(h, g, o)?; }
    }
    let mut pos = progress;
    let mut work = 0;
    let mut base = 0;
    for (block, slots) in parts {
        if pos < base + slots && work < budget {
            let start = pos - base;
            let n = (slots - start).min(budget - work);
            if block != 0 {
                scan_values(h, g, block + start * VALUE_SIZE, n)?;
            }
            pos += n;
            work += n;
        }
        base += slots;
    }
    Ok(((pos < base).then_some(pos), work.max(1)))
}

fn scan_proto(h: &mut Heap, g: Addr, p: Addr) -> Result<(Option<u64>, u64), Fault> {
    let k = h.read_u64(p + P_K)?;
    let nk = h.read_u64(p + P_NK)?;
    scan_values(h, g, k, nk)?;
    let protos = h.read_u64(p + P_PROTOS)?;
    let np = h.read_u64(p + P_NPROTOS)?;
    for i in 0..np {
        let child = h.read_u64(protos + i * 8)?;
        mark(h, g, child)?;
    }
    { let o = h.read_u64(p + P_SOURCE)?; mark(h, g, o)?; }
    let names = h.read_u64(p + P_UPNAMES)?;
    let nup = h.read_u64(p + P_NUPVALS)?;
    for i in 0..nup {
        let s = h.read_u64(names + i * 8)?;
        mark(h, g, s)?;
    }
    let locvars = h.read_u64(p + P_LOCVARS)?;
    let nl = h.read_u64(p + P_NLOCVARS)?;
    for i in 0..nl {
        let s = h.read_u64(locvars + i * 16)?;
        mark(h, g, s)?;
    }
    Ok((None, 1 + nk + np + nup + nl))
}

/// A thread: its live stack slots (in slices), open upvalues and resumer.
fn scan_thread(h: &mut Heap, g: Addr, th: Addr, progress: u64, budget: u64) -> Result<(Option<u64>, u64), Fault> {
    let stack = h.read_u64(th + T_STACK)?;
    let ci = h.read_u64(th + T_CI)?;
    let top = h.read_u64(ci + CI_TOP)?.max(h.read_u64(th + T_TOP)?);
    let slots = top.saturating_sub(stack) / VALUE_SIZE;
    if progress == 0 {
        let mut uv = h.read_u64(th + T_OPEN_UPVALS)?;
        while uv != 0 {
            mark(h, g, uv)?;
            uv = h.read_u64(uv + UV_NEXT)?;
        }
        { let o = h.read_u64(th + T_RESUMER)?; mark(h, g, o)?; }
    }
    let n = slots.saturating_sub(progress).min(budget);
    scan_values(h, g, stack + progress * VALUE_SIZE, n)?;
    let pos = progress + n;
    Ok(((pos < slots).then_some(pos), n.max(1)))
}

fn sweep_step(h: &mut Heap, g: Addr) -> Result<(), Fault> {
    let mut link = h.read_u64(g + GC_SWEEP_LINK)?;
    for _ in 0..budget(h) {
        let obj = h.read_u64(link)?;
        if obj == 0 {
            // The cycle is over.
            h.write_u64(g + GC_PHASE, IDLE)?;
            let survived = h.bytes_in_use()?;
            h.write_u64(g + GC_THRESHOLD, survived.saturating_mul(2))?;
            let cycles = h.read_u64(g + GC_CYCLES)?;
            return h.write_u64(g + GC_CYCLES, cycles + 1);
        }
        if is_marked(h, obj)? {
            h.write_u8(obj + 1, 0)?;
            link = obj + 8;
        } else {
            let next = h.read_u64(obj + 8)?;
            h.write_u64(link, next)?;
            free_object(h, g, obj)?;
        }
    }
    h.write_u64(g + GC_SWEEP_LINK, link)
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
        Kind::Table => super::table::free_parts(h, obj)?,
        Kind::Proto => {
            use super::func::{P_CODE, P_LINES, P_UPVALS};
            for field in [P_CODE, P_K, P_PROTOS, P_UPVALS, P_UPNAMES, P_LINES, P_LOCVARS] {
                let block = h.read_u64(obj + field)?;
                free_block(h, block)?;
            }
        }
        Kind::Thread => {
            let stack = h.read_u64(obj + T_STACK)?;
            free_block(h, stack)?;
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

/// Completed cycles (for statistics and tests).
pub fn cycles(h: &mut Heap, g: Addr) -> Result<u64, Fault> {
    h.read_u64(g + GC_CYCLES)
}
