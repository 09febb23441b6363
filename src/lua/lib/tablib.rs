//! The table library. (Raw accesses for now: `__index`/`__newindex` on the
//! table itself are not consulted, unlike Lua 5.4's table library.)

use super::*;
use crate::lua::state::CI_K2;
use super::builder::Rope;

// Table functions go through metamethods (`__index`, `__newindex`,
// `__len`) as the reference's do, and move elements a slice at a time. Their
// progress lives in frame slots (see `Saved`): a phase, whether a call's
// result is awaited, the value read last, and their own counters. Every call
// they make and every pause continues in the same continuation (k = 0).

const PHASE: usize = 0;
const AWAIT: usize = 1;
const VAL: usize = 2;
/// Elements moved per step before a table function pauses.
const SLICE: i64 = 256;

fn call(func: Value, args: Vec<Value>) -> NativeResult {
    NativeResult::Call { func, args, k: 0, protected: false }
}

/// Reads into VAL, then phase `next` (a called metamethod's result lands in VAL).
fn read_into(ctx: &mut Ctx, st: &Saved, got: Got<Value>, next: i64) -> LuaResult<Option<NativeResult>> {
    st.set_int(ctx, PHASE, next)?;
    match got {
        Got::Now(v) => {
            st.set_val(ctx, VAL, v)?;
            Ok(None)
        }
        Got::Call(f, a) => {
            st.set_int(ctx, AWAIT, 1)?;
            Ok(Some(call(f, a)))
        }
    }
}

/// A write, then phase `next`.
fn write_then(ctx: &mut Ctx, st: &Saved, got: Got<()>, next: i64) -> LuaResult<Option<NativeResult>> {
    st.set_int(ctx, PHASE, next)?;
    Ok(match got {
        Got::Now(()) => None,
        Got::Call(f, a) => Some(call(f, a)),
    })
}

fn len_into(ctx: &mut Ctx, st: &Saved, t: Value, next: i64) -> LuaResult<Option<NativeResult>> {
    let got = match len_of(ctx, t)? {
        Got::Now(n) => Got::Now(Value::Int(n)),
        Got::Call(f, a) => Got::Call(f, a),
    };
    read_into(ctx, st, got, next)
}

/// The state of a table function continuing after a call or a pause.
fn resumed(ctx: &mut Ctx, args: &[Value], input: ContinuationInput, slots: usize) -> LuaResult<Saved> {
    let results = input.map_err(Trap::Error)?;
    let st = Saved::open(ctx, args.len(), slots)?;
    if st.int(ctx, AWAIT)? == 1 {
        st.set_int(ctx, AWAIT, 0)?;
        st.set_val(ctx, VAL, results.first().copied().unwrap_or(Value::Nil))?;
    }
    Ok(st)
}

const INS_POS: usize = 3;
const INS_I: usize = 4;

pub fn insert(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    check_table(ctx, args, 1, "insert")?;
    let st = Saved::open(ctx, args.len(), 5)?;
    insert_run(ctx, args, &st)
}

pub fn insert_k(ctx: &mut Ctx, _k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let st = resumed(ctx, args, input, 5)?;
    insert_run(ctx, args, &st)
}

fn insert_run(ctx: &mut Ctx, args: &[Value], st: &Saved) -> LuaResult<NativeResult> {
    let t = arg(args, 1);
    let mut budget = SLICE;
    loop {
        let flow = match st.int(ctx, PHASE)? {
            0 => len_into(ctx, st, t, 1)?,
            1 => {
                let v = st.val(ctx, VAL)?;
                let e = len_value(ctx, v)?.wrapping_add(1);
                match args.len() {
                    2 => {
                        st.set_int(ctx, INS_POS, e)?;
                        st.set_int(ctx, PHASE, 4)?;
                    }
                    3 => {
                        let pos = check_int(ctx, args, 2, "insert")?;
                        if (pos as u64).wrapping_sub(1) >= e as u64 {
                            return arg_error(2, "insert", "position out of bounds");
                        }
                        st.set_int(ctx, INS_POS, pos)?;
                        st.set_int(ctx, INS_I, e)?;
                        st.set_int(ctx, PHASE, 2)?;
                    }
                    _ => return Err(Trap::Msg("wrong number of arguments to 'insert'".into())),
                }
                None
            }
            // Moving t[i - 1] up to t[i], from the end down to the position.
            2 => {
                let i = st.int(ctx, INS_I)?;
                if i <= st.int(ctx, INS_POS)? {
                    st.set_int(ctx, PHASE, 4)?;
                    None
                } else if budget == 0 {
                    return Ok(NativeResult::Again { k: 0 });
                } else {
                    budget -= 1;
                    let got = geti(ctx, t, i - 1)?;
                    read_into(ctx, st, got, 3)?
                }
            }
            3 => {
                let i = st.int(ctx, INS_I)?;
                let v = st.val(ctx, VAL)?;
                st.set_int(ctx, INS_I, i - 1)?;
                let got = seti(ctx, t, i, v)?;
                write_then(ctx, st, got, 2)?
            }
            4 => {
                let pos = st.int(ctx, INS_POS)?;
                let got = seti(ctx, t, pos, arg(args, args.len()))?;
                write_then(ctx, st, got, 5)?
            }
            _ => return ret(vec![]),
        };
        if let Some(r) = flow {
            return Ok(r);
        }
    }
}

const REM_SIZE: usize = 3;
const REM_POS: usize = 4;
const REM_RESULT: usize = 5;

pub fn remove(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    check_table(ctx, args, 1, "remove")?;
    let st = Saved::open(ctx, args.len(), 6)?;
    remove_run(ctx, args, &st)
}

pub fn remove_k(ctx: &mut Ctx, _k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let st = resumed(ctx, args, input, 6)?;
    remove_run(ctx, args, &st)
}

fn remove_run(ctx: &mut Ctx, args: &[Value], st: &Saved) -> LuaResult<NativeResult> {
    let t = arg(args, 1);
    let mut budget = SLICE;
    loop {
        let flow = match st.int(ctx, PHASE)? {
            0 => len_into(ctx, st, t, 1)?,
            1 => {
                let v = st.val(ctx, VAL)?;
                let size = len_value(ctx, v)?;
                let pos = opt_int(ctx, args, 2, "remove", size)?;
                // (The reference names argument 1 here.)
                if pos != size && (pos as u64).wrapping_sub(1) > size as u64 {
                    return arg_error(1, "remove", "position out of bounds");
                }
                st.set_int(ctx, REM_SIZE, size)?;
                st.set_int(ctx, REM_POS, pos)?;
                let got = geti(ctx, t, pos)?;
                read_into(ctx, st, got, 2)?
            }
            2 => {
                let v = st.val(ctx, VAL)?;
                st.set_val(ctx, REM_RESULT, v)?;
                st.set_int(ctx, PHASE, 3)?;
                None
            }
            // Moving t[pos + 1] down to t[pos] up to the end.
            3 => {
                let pos = st.int(ctx, REM_POS)?;
                if pos >= st.int(ctx, REM_SIZE)? {
                    st.set_int(ctx, PHASE, 5)?;
                    None
                } else if budget == 0 {
                    return Ok(NativeResult::Again { k: 0 });
                } else {
                    budget -= 1;
                    let got = geti(ctx, t, pos + 1)?;
                    read_into(ctx, st, got, 4)?
                }
            }
            4 => {
                let pos = st.int(ctx, REM_POS)?;
                let v = st.val(ctx, VAL)?;
                st.set_int(ctx, REM_POS, pos + 1)?;
                let got = seti(ctx, t, pos, v)?;
                write_then(ctx, st, got, 3)?
            }
            5 => {
                let pos = st.int(ctx, REM_POS)?;
                let got = seti(ctx, t, pos, Value::Nil)?;
                write_then(ctx, st, got, 6)?
            }
            _ => return ret1(st.val(ctx, REM_RESULT)?),
        };
        if let Some(r) = flow {
            return Ok(r);
        }
    }
}

const MOVE_I: usize = 3;
const MOVE_N: usize = 4;
const MOVE_BACKWARD: usize = 5;

pub fn move_(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let f = check_int(ctx, args, 2, "move")?;
    let e = check_int(ctx, args, 3, "move")?;
    let t = check_int(ctx, args, 4, "move")?;
    let dest_arg = if arg(args, 5).is_nil() { 1 } else { 5 };
    check_table(ctx, args, 1, "move")?;
    check_table(ctx, args, dest_arg, "move")?;
    let st = Saved::open(ctx, args.len(), 6)?;
    if e < f {
        st.set_int(ctx, PHASE, 3)?;
        return move_run(ctx, args, &st);
    }
    if !(f > 0 || e < i64::MAX.wrapping_add(f)) {
        return arg_error(3, "move", "too many elements to move");
    }
    let n = e.wrapping_sub(f).wrapping_add(1);
    if t > i64::MAX.wrapping_sub(n).wrapping_add(1) {
        return arg_error(4, "move", "destination wrap around");
    }
    let same = arg(args, 1) == arg(args, dest_arg);
    let forward = t > e || t <= f || !same;
    st.set_int(ctx, MOVE_N, n)?;
    st.set_int(ctx, MOVE_BACKWARD, i64::from(!forward))?;
    st.set_int(ctx, PHASE, 1)?;
    move_run(ctx, args, &st)
}

pub fn move_k(ctx: &mut Ctx, _k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let st = resumed(ctx, args, input, 6)?;
    move_run(ctx, args, &st)
}

/// The index (from 0) of the i-th element moved: from the end when the
/// ranges overlap with the destination above the source.
fn move_index(ctx: &mut Ctx, st: &Saved) -> LuaResult<i64> {
    let i = st.int(ctx, MOVE_I)?;
    Ok(if st.int(ctx, MOVE_BACKWARD)? == 1 { st.int(ctx, MOVE_N)? - 1 - i } else { i })
}

fn move_run(ctx: &mut Ctx, args: &[Value], st: &Saved) -> LuaResult<NativeResult> {
    let src = arg(args, 1);
    let dest = if arg(args, 5).is_nil() { src } else { arg(args, 5) };
    let mut budget = SLICE;
    loop {
        let flow = match st.int(ctx, PHASE)? {
            1 => {
                if st.int(ctx, MOVE_I)? >= st.int(ctx, MOVE_N)? {
                    st.set_int(ctx, PHASE, 3)?;
                    None
                } else if budget == 0 {
                    return Ok(NativeResult::Again { k: 0 });
                } else {
                    budget -= 1;
                    let f = check_int(ctx, args, 2, "move")?;
                    let idx = move_index(ctx, st)?;
                    let got = geti(ctx, src, f.wrapping_add(idx))?;
                    read_into(ctx, st, got, 2)?
                }
            }
            2 => {
                let t = check_int(ctx, args, 4, "move")?;
                let idx = move_index(ctx, st)?;
                let v = st.val(ctx, VAL)?;
                let i = st.int(ctx, MOVE_I)?;
                st.set_int(ctx, MOVE_I, i + 1)?;
                let got = seti(ctx, dest, t.wrapping_add(idx), v)?;
                write_then(ctx, st, got, 1)?
            }
            _ => return ret1(dest),
        };
        if let Some(r) = flow {
            return Ok(r);
        }
    }
}

fn len_of_table(ctx: &mut Ctx, t: Addr) -> LuaResult<i64> {
    Ok(table::length(ctx.h, t)? as i64)
}

const CAT_I: usize = 3;
const CAT_LAST: usize = 4;
const CAT_ROPE: usize = 5;
const CAT_SLOTS: usize = CAT_ROPE + Rope::SLOTS;

pub fn concat(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    check_table(ctx, args, 1, "concat")?;
    let st = Saved::open(ctx, args.len(), CAT_SLOTS)?;
    concat_run(ctx, args, &st)
}

pub fn concat_k(ctx: &mut Ctx, _k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let st = resumed(ctx, args, input, CAT_SLOTS)?;
    concat_run(ctx, args, &st)
}

fn concat_run(ctx: &mut Ctx, args: &[Value], st: &Saved) -> LuaResult<NativeResult> {
    let t = arg(args, 1);
    let mut rope = Rope::open(ctx, st, CAT_ROPE)?;
    let mut budget = SLICE;
    loop {
        let flow = match st.int(ctx, PHASE)? {
            0 => len_into(ctx, st, t, 1)?,
            1 => {
                let v = st.val(ctx, VAL)?;
                let last = len_value(ctx, v)?;
                opt_bytes(ctx, args, 2, "concat", b"")?;
                let i = opt_int(ctx, args, 3, "concat", 1)?;
                let last = opt_int(ctx, args, 4, "concat", last)?;
                st.set_int(ctx, CAT_I, i)?;
                st.set_int(ctx, CAT_LAST, last)?;
                st.set_int(ctx, PHASE, 2)?;
                None
            }
            2 => {
                let i = st.int(ctx, CAT_I)?;
                if i > st.int(ctx, CAT_LAST)? {
                    st.set_int(ctx, PHASE, 4)?;
                    None
                } else if budget == 0 || rope.slice_full() {
                    rope.flush(ctx, st)?;
                    return Ok(NativeResult::Again { k: 0 });
                } else {
                    budget -= 1;
                    let got = geti(ctx, t, i)?;
                    read_into(ctx, st, got, 3)?
                }
            }
            3 => {
                let i = st.int(ctx, CAT_I)?;
                let v = st.val(ctx, VAL)?;
                if !matches!(v, Value::Str(_) | Value::Int(_) | Value::Float(_)) {
                    let msg = format!("invalid value ({}) at index {i} in table for 'concat'", v.type_name());
                    return Err(Trap::Msg(msg));
                }
                rope.push_value(ctx, st, v)?;
                if i < st.int(ctx, CAT_LAST)? {
                    let sep = arg(args, 2);
                    if !sep.is_nil() {
                        rope.push_value(ctx, st, sep)?;
                    }
                    st.set_int(ctx, CAT_I, i + 1)?;
                    st.set_int(ctx, PHASE, 2)?;
                } else {
                    st.set_int(ctx, PHASE, 4)?;
                }
                None
            }
            _ => {
                return Ok(match rope.assemble(ctx, st)? {
                    Some(s) => NativeResult::Return(vec![s]),
                    None => NativeResult::Again { k: 0 },
                });
            }
        };
        if let Some(r) = flow {
            rope.flush(ctx, st)?;
            return Ok(r);
        }
    }
}

pub fn unpack(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = arg(args, 1);
    let i = opt_int(ctx, args, 2, "unpack", 1)?;
    let j = if arg(args, 3).is_nil() {
        match t {
            Value::Table(tab) => len_of_table(ctx, tab)?,
            _ => return type_error(ctx, args, 1, "unpack", "table"),
        }
    } else {
        check_int(ctx, args, 3, "unpack")?
    };
    if i > j {
        return ret(vec![]);
    }
    let n = (j as i128 - i as i128 + 1) as u128;
    if n >= 1_000_000 {
        return Err(Trap::Msg("too many results to unpack".into()));
    }
    let Value::Table(tab) = t else { return type_error(ctx, args, 1, "unpack", "table") };
    let mut out = Vec::with_capacity(n as usize);
    for k in i..=j {
        out.push(table::get_int(ctx.h, tab, k)?);
    }
    ret(out)
}

pub fn pack(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = table::new_table(ctx.h, ctx.g, args.len() as u64, 1)?;
    for (i, v) in args.iter().enumerate() {
        table::set_int(ctx.h, t, i as i64 + 1, *v)?;
    }
    let n = ctx.new_str(b"n")?;
    table::set(ctx.h, t, n, Value::Int(args.len() as i64))?.ok();
    ret1(Value::Table(t))
}

// ----- sort: heapsort as a resumable state machine --------------------------
//
// A comparator written in Lua must run as a VM call, so the sort cannot
// loop in Rust. Its state lives in a small heap block (address in the
// native frame's CI_K2): [n, phase, start, root, child]. Each comparison is
// a `NativeResult::Call`; the continuation resumes the sift where it stopped.

const S_N: u64 = 0;
const S_PHASE: u64 = 8; // 0: building the heap, 1: extracting
const S_START: u64 = 16; // building: next root to sift; extracting: current end
const S_ROOT: u64 = 24; // sift position
const S_CHILD: u64 = 32; // child being compared (1-based), 0 = none
const S_END: u64 = 40; // sift limit (exclusive, 1-based count)
const S_SIZE: u64 = 48;

pub fn sort(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = check_table(ctx, args, 1, "sort")?;
    let n = len_of_table(ctx, t)?;
    if n >= i64::from(i32::MAX) {
        return arg_error(1, "sort", "array too big");
    }
    let cmp = arg(args, 2);
    if !cmp.is_nil() && !cmp.is_function() {
        return type_error(ctx, args, 2, "sort", "function");
    }
    if n < 2 {
        return ret(vec![]);
    }
    let state = ctx.h.alloc(S_SIZE)?;
    let ci = ctx.ci()?;
    ctx.h.write_u64(ci + CI_K2, state)?;
    let h = &mut *ctx.h;
    h.write_u64(state + S_N, n as u64)?;
    h.write_u64(state + S_PHASE, 0)?;
    h.write_u64(state + S_START, (n / 2) as u64)?;
    h.write_u64(state + S_ROOT, (n / 2) as u64)?;
    h.write_u64(state + S_CHILD, 0)?;
    h.write_u64(state + S_END, n as u64)?;
    run_sort(ctx, args, state, None)
}

pub fn sort_k(ctx: &mut Ctx, _k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let results = input.map_err(Trap::Error)?;
    let ci = ctx.ci()?;
    let state = ctx.h.read_u64(ci + CI_K2)?;
    let less = results.first().is_some_and(|v| v.truthy());
    run_sort(ctx, args, state, Some(less))
}

/// Compares t[i] < t[j]: directly for numbers/strings without comparator,
/// else asks for a call. `Ok(None)`: a call is needed.
fn compare(ctx: &mut Ctx, args: &[Value], t: Addr, i: u64, j: u64) -> LuaResult<Result<bool, NativeResult>> {
    let a = table::get_int(ctx.h, t, i as i64)?;
    let b = table::get_int(ctx.h, t, j as i64)?;
    let cmp = arg(args, 2);
    if cmp.is_nil() {
        match meta::less(ctx, a, b, false) {
            Ok(Some(r)) => return Ok(Ok(r)),
            Ok(None) => return Err(Trap::Msg("__lt metamethods in table.sort are not supported yet".into())),
            Err(e) => return Err(e),
        }
    }
    Ok(Err(NativeResult::Call { func: cmp, args: vec![a, b], k: 0, protected: false }))
}

fn swap(ctx: &mut Ctx, t: Addr, i: u64, j: u64) -> LuaResult<()> {
    let a = table::get_int(ctx.h, t, i as i64)?;
    let b = table::get_int(ctx.h, t, j as i64)?;
    table::set_int(ctx.h, t, i as i64, b)?;
    table::set_int(ctx.h, t, j as i64, a)?;
    Ok(())
}

/// Runs the heapsort until it needs a comparison result or finishes.
/// `answer` is the result of the comparison the state was waiting for.
fn run_sort(ctx: &mut Ctx, args: &[Value], state: Addr, mut answer: Option<bool>) -> LuaResult<NativeResult> {
    let Value::Table(t) = arg(args, 1) else { return ret(vec![]) };
    loop {
        let phase = ctx.h.read_u64(state + S_PHASE)?;
        let root = ctx.h.read_u64(state + S_ROOT)?;
        let end = ctx.h.read_u64(state + S_END)?;
        let child = ctx.h.read_u64(state + S_CHILD)?;
        // Sift-down of `root` within 1..=end. Sub-steps (S_CHILD):
        //   0: choose child; odd marker via CHILD high bit for "compare children".
        if root >= 1 && 2 * root <= end {
            let left = 2 * root;
            let (step, c) = (child >> 62, child & ((1 << 62) - 1));
            match step {
                0 => {
                    if left + 1 <= end {
                        // Is left < right? then take right.
                        let r = match answer.take() {
                            Some(r) => r,
                            None => match compare(ctx, args, t, left, left + 1)? {
                                Ok(r) => r,
                                Err(call) => return Ok(call),
                            },
                        };
                        let bigger = if r { left + 1 } else { left };
                        ctx.h.write_u64(state + S_CHILD, (1 << 62) | bigger)?;
                    } else {
                        ctx.h.write_u64(state + S_CHILD, (1 << 62) | left)?;
                    }
                }
                _ => {
                    // Is root < bigger child? then swap and continue below.
                    let r = match answer.take() {
                        Some(r) => r,
                        None => match compare(ctx, args, t, root, c)? {
                            Ok(r) => r,
                            Err(call) => return Ok(call),
                        },
                    };
                    ctx.h.write_u64(state + S_CHILD, 0)?;
                    if r {
                        swap(ctx, t, root, c)?;
                        ctx.h.write_u64(state + S_ROOT, c)?;
                    } else {
                        ctx.h.write_u64(state + S_ROOT, 0)?; // sift done
                    }
                }
            }
            continue;
        }
        // The current sift is done: next one.
        let start = ctx.h.read_u64(state + S_START)?;
        if phase == 0 {
            if start > 1 {
                ctx.h.write_u64(state + S_START, start - 1)?;
                ctx.h.write_u64(state + S_ROOT, start - 1)?;
                continue;
            }
            // Heap built: extract.
            let n = ctx.h.read_u64(state + S_N)?;
            ctx.h.write_u64(state + S_PHASE, 1)?;
            ctx.h.write_u64(state + S_START, n)?;
            ctx.h.write_u64(state + S_ROOT, 0)?;
            continue;
        }
        // Extraction: move the max to the end, sift the new root.
        if start <= 1 {
            ctx.h.free(state)?;
            return ret(vec![]);
        }
        swap(ctx, t, 1, start)?;
        ctx.h.write_u64(state + S_START, start - 1)?;
        ctx.h.write_u64(state + S_END, start - 1)?;
        ctx.h.write_u64(state + S_ROOT, 1)?;
        ctx.h.write_u64(state + S_CHILD, 0)?;
    }
}
