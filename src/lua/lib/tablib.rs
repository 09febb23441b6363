//! The table library. (Raw accesses for now: `__index`/`__newindex` on the
//! table itself are not consulted, unlike Lua 5.4's table library.)

use super::*;
use super::builder::Rope;

// Table functions go through metamethods (`__index`, `__newindex`,
// `__len`) as the reference's do, and move elements a slice at a time. Their
// progress lives in frame slots (see `Saved`): a phase, whether a call's
// result is awaited, the value read last, and their own counters. Every call
// they make and every pause continues in the same continuation (k = 0).

const PHASE: usize = 0;
const AWAIT: usize = 1;
const VAL: usize = 2;
/// Elements moved per step before a table function pauses: many when they
/// sit in the array part, few when each may be on another page.
fn slice_for(ctx: &mut Ctx, t: Value, n: i64) -> LuaResult<i64> {
    Ok(match t {
        Value::Table(tab) if table::array_covers(ctx.h, tab, n)? => 256,
        _ => 8,
    })
}

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
    let reach = st.int(ctx, INS_I)?;
    let mut budget = slice_for(ctx, t, reach)?;
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
    let reach = st.int(ctx, REM_SIZE)?;
    let mut budget = slice_for(ctx, t, reach)?;
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
    let (f, n, t) = (check_int(ctx, args, 2, "move")?, st.int(ctx, MOVE_N)?, check_int(ctx, args, 4, "move")?);
    let mut budget = slice_for(ctx, src, f.saturating_add(n))?.min(slice_for(ctx, dest, t.saturating_add(n))?);
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
    let reach = st.int(ctx, CAT_LAST)?;
    let mut budget = slice_for(ctx, t, reach)?;
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

const UNP_I: usize = 3;
const UNP_E: usize = 4;
/// The values read so far (a table), when reading may call metamethods.
const UNP_VALUES: usize = 5;

pub fn unpack(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let i = opt_int(ctx, args, 2, "unpack", 1)?;
    let st = Saved::open(ctx, args.len(), 6)?;
    st.set_int(ctx, UNP_I, i)?;
    if arg(args, 3).is_nil() {
        let t = arg(args, 1);
        if let Some(r) = len_into(ctx, &st, t, 1)? {
            return Ok(r);
        }
    } else {
        let e = check_int(ctx, args, 3, "unpack")?;
        st.set_val(ctx, VAL, Value::Int(e))?;
        st.set_int(ctx, PHASE, 1)?;
    }
    unpack_run(ctx, args, &st)
}

pub fn unpack_k(ctx: &mut Ctx, _k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let st = resumed(ctx, args, input, 6)?;
    unpack_run(ctx, args, &st)
}

fn unpack_run(ctx: &mut Ctx, args: &[Value], st: &Saved) -> LuaResult<NativeResult> {
    let t = arg(args, 1);
    loop {
        let flow = match st.int(ctx, PHASE)? {
            1 => {
                let v = st.val(ctx, VAL)?;
                let e = len_value(ctx, v)?;
                let i = st.int(ctx, UNP_I)?;
                if i > e {
                    return ret(vec![]);
                }
                let n = (e as u64).wrapping_sub(i as u64);
                if n >= MAX_UNPACK {
                    return Err(Trap::Msg("too many results to unpack".into()));
                }
                st.set_int(ctx, UNP_E, e)?;
                if let Value::Table(tab) = t {
                    if table::metatable(ctx.h, tab)? == 0 {
                        // No metamethods: read them all now.
                        let mut out = Vec::with_capacity(n as usize + 1);
                        for k in 0..=n {
                            out.push(table::get_int(ctx.h, tab, i.wrapping_add(k as i64))?);
                        }
                        return ret(out);
                    }
                }
                let values = table::new_table(ctx.h, ctx.g, 0, 0)?;
                st.set_val(ctx, UNP_VALUES, Value::Table(values))?;
                st.set_int(ctx, PHASE, 2)?;
                None
            }
            2 => {
                let i = st.int(ctx, UNP_I)?;
                let got = geti(ctx, t, i)?;
                read_into(ctx, st, got, 3)?
            }
            3 => {
                let (i, e) = (st.int(ctx, UNP_I)?, st.int(ctx, UNP_E)?);
                let Value::Table(values) = st.val(ctx, UNP_VALUES)? else { return Err(Fault::Invalid("unpack lost its values").into()) };
                let v = st.val(ctx, VAL)?;
                // Values may be nil: count from the first index, not with #.
                let n = i.wrapping_sub(opt_int(ctx, args, 2, "unpack", 1)?);
                table::set_int(ctx.h, values, n + 1, v)?;
                if i == e {
                    let mut out = Vec::with_capacity(n as usize + 1);
                    for k in 1..=n + 1 {
                        out.push(table::get_int(ctx.h, values, k)?);
                    }
                    return ret(out);
                }
                st.set_int(ctx, UNP_I, i + 1)?;
                st.set_int(ctx, PHASE, 2)?;
                None
            }
            _ => return Err(Fault::Invalid("unpack in a bad state").into()),
        };
        if let Some(r) = flow {
            return Ok(r);
        }
    }
}

/// Results `unpack` may give (the stack's size, as in the reference).
const MAX_UNPACK: u64 = 999_900;

pub fn pack(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = table::new_table(ctx.h, ctx.g, args.len() as u64, 1)?;
    for (i, v) in args.iter().enumerate() {
        table::set_int(ctx.h, t, i as i64 + 1, *v)?;
    }
    let n = ctx.new_str(b"n")?;
    table::set(ctx.h, t, n, Value::Int(args.len() as i64))?.ok();
    ret1(Value::Table(t))
}

// ----- sort: the reference's quicksort as a resumable state machine --------
//
// The same algorithm as the reference (so that equal elements and bad
// comparators end up exactly as there), with its recursion made an
// explicit stack in frame slots. Each comparison may be a VM call (a Lua
// comparator or `__lt`); its answer resumes the machine. Elements are
// accessed raw.

const S_PC: usize = 0;
const S_LO: usize = 1;
const S_UP: usize = 2;
const S_P: usize = 3;
const S_I: usize = 4;
const S_J: usize = 5;
const S_RND: usize = 6;
const S_SP: usize = 7;
/// The values read, as the reference keeps them on its stack: two
/// elements and the pivot.
const S_A: usize = 8;
const S_B: usize = 9;
const S_PIVOT: usize = 10;
/// What the call running answers: nothing (a write), the comparison, the
/// length, or a read into S_A, S_B or S_PIVOT.
const S_AWAIT: usize = 11;
const S_STACK: usize = 12;
/// Entries of the explicit stack: (lo, up, n, rnd) of a pending interval.
const S_ENTRY: usize = 4;
const S_MAX_DEPTH: usize = 64;
/// The number of elements.
const S_N: usize = S_STACK + S_ENTRY * S_MAX_DEPTH;
const S_SLOTS: usize = S_N + 1;
/// Comparisons per step.
const SORT_SLICE: u32 = 128;
const SORT_SLICE_HASHED: u32 = 4;
/// Intervals shorter than this use the middle element as pivot.
const RANLIMIT: u64 = 100;

const AWAIT_NONE: i64 = 0;
const AWAIT_LESS: i64 = 1;
const AWAIT_LEN: i64 = 2;
/// Reads await AWAIT_READ + the slot they fill.
const AWAIT_READ: i64 = 16;

// Machine states: the reference's auxsort and partition, one table access
// or comparison each (any of them may call a metamethod or the comparator).
const HEAD: i64 = 0;
const READ_LO: i64 = 1;
const READ_UP: i64 = 2;
const ENDS_COMPARED: i64 = 3;
const SWAP_ENDS: i64 = 4;
const SWAP_ENDS_2: i64 = 5;
const CHOOSE_PIVOT: i64 = 6;
const READ_P: i64 = 7;
const READ_LO_2: i64 = 8;
const PIVOT_LO_COMPARED: i64 = 9;
const SWAP_P_LO: i64 = 10;
const SWAP_P_LO_2: i64 = 11;
const READ_UP_2: i64 = 12;
const UP_PIVOT_COMPARED: i64 = 13;
const SWAP_P_UP: i64 = 14;
const SWAP_P_UP_2: i64 = 15;
const MEDIAN_DONE: i64 = 16;
const READ_PIVOT: i64 = 17;
const READ_UP_1: i64 = 18;
const PLACE_PIVOT: i64 = 19;
const PLACE_PIVOT_2: i64 = 20;
const SCAN_UP: i64 = 21;
const SCAN_UP_COMPARED: i64 = 22;
const SCAN_UP_DONE: i64 = 23;
const SCAN_DOWN: i64 = 24;
const SCAN_DOWN_COMPARED: i64 = 25;
const SCAN_DOWN_DONE: i64 = 26;
const FINAL_SWAP_2: i64 = 27;
const SPLIT: i64 = 28;
const SWAP_IJ_2: i64 = 29;
const POP: i64 = 30;

pub fn sort(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = check_table(ctx, args, 1, "sort")?;
    let cmp = arg(args, 2);
    // The reference checks the comparator after the length (which may call __len).
    let st = Saved::open(ctx, args.len(), S_SLOTS)?;
    match len_of(ctx, Value::Table(t))? {
        Got::Now(n) => sort_start(ctx, args, &st, n, cmp),
        Got::Call(f, a) => {
            st.set_int(ctx, S_AWAIT, AWAIT_LEN)?;
            Ok(call(f, a))
        }
    }
}

fn sort_start(ctx: &mut Ctx, args: &[Value], st: &Saved, n: i64, cmp: Value) -> LuaResult<NativeResult> {
    if n <= 1 {
        return ret(vec![]);
    }
    if n >= i64::from(i32::MAX) {
        return arg_error(1, "sort", "array too big");
    }
    if !cmp.is_nil() && !cmp.is_function() {
        return type_error(ctx, args, 2, "sort", "function");
    }
    st.set_int(ctx, S_LO, 1)?;
    st.set_int(ctx, S_UP, n)?;
    st.set_int(ctx, S_N, n)?;
    sort_run(ctx, args, st, None)
}

pub fn sort_k(ctx: &mut Ctx, _k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let results = input.map_err(Trap::Error)?;
    let first = results.first().copied().unwrap_or(Value::Nil);
    let st = Saved::open(ctx, args.len(), S_SLOTS)?;
    let awaited = st.int(ctx, S_AWAIT)?;
    st.set_int(ctx, S_AWAIT, AWAIT_NONE)?;
    let mut answer = None;
    match awaited {
        AWAIT_LESS => answer = Some(first.truthy()),
        AWAIT_LEN => {
            let n = len_value(ctx, first)?;
            return sort_start(ctx, args, &st, n, arg(args, 2));
        }
        r if r >= AWAIT_READ => st.set_val(ctx, (r - AWAIT_READ) as usize, first)?,
        _ => {}
    }
    sort_run(ctx, args, &st, answer)
}

/// A comparison's share of a slice: long strings count a unit per 4 KiB
/// they may have to compare, so a slice does not read too many pages.
fn compare_cost(ctx: &mut Ctx, a: Value, b: Value) -> LuaResult<u32> {
    Ok(match (a, b) {
        (Value::Str(x), Value::Str(y)) => {
            let n = crate::lua::string::len(ctx.h, x)?.min(crate::lua::string::len(ctx.h, y)?);
            1 + (n / 4096).min(u64::from(SORT_SLICE)) as u32
        }
        _ => 1,
    })
}

/// Is `a < b` (by the comparator, or `<`)? `Err`: the call that will tell.
fn sort_less(ctx: &mut Ctx, args: &[Value], a: Value, b: Value) -> LuaResult<Result<bool, NativeResult>> {
    let cmp = arg(args, 2);
    let func = if cmp.is_nil() {
        match meta::less_for_native(ctx, a, b)? {
            Ok(r) => return Ok(Ok(r)),
            Err(tm) => tm,
        }
    } else {
        cmp
    };
    Ok(Err(NativeResult::Call { func, args: vec![a, b], k: 0, protected: false }))
}

/// A pivot position away from the middle, for intervals that partitioned
/// badly (the reference draws `rnd` from the clock; here it is fixed).
fn choose_pivot(lo: i64, up: i64, rnd: u64) -> i64 {
    let r4 = (up - lo) as u64 / 4;
    (rnd % (r4 * 2)) as i64 + lo + r4 as i64
}

/// The machine. Its registers live in Rust while a slice runs and go back
/// to the frame whenever it returns (a call, a pause).
fn sort_run(ctx: &mut Ctx, args: &[Value], st: &Saved, mut answer: Option<bool>) -> LuaResult<NativeResult> {
    let t = arg(args, 1);
    let Value::Table(tab) = t else { return ret(vec![]) };
    let n = st.int(ctx, S_N)?;
    let mut budget = if table::array_covers(ctx.h, tab, n)? && table::metatable(ctx.h, tab)? == 0 { SORT_SLICE } else { SORT_SLICE_HASHED };
    let mut pc = st.int(ctx, S_PC)?;
    let (mut lo, mut up) = (st.int(ctx, S_LO)?, st.int(ctx, S_UP)?);
    let (mut p, mut i, mut j) = (st.int(ctx, S_P)?, st.int(ctx, S_I)?, st.int(ctx, S_J)?);
    let mut regs = [st.val(ctx, S_A)?, st.val(ctx, S_B)?, st.val(ctx, S_PIVOT)?];
    let reg = |slot: usize| slot - S_A;
    // Saves the registers and hands the call (or pause) to the VM.
    macro_rules! leave {
        ($result:expr, $await:expr) => {{
            st.set_int(ctx, S_PC, pc)?;
            st.set_int(ctx, S_LO, lo)?;
            st.set_int(ctx, S_UP, up)?;
            st.set_int(ctx, S_P, p)?;
            st.set_int(ctx, S_I, i)?;
            st.set_int(ctx, S_J, j)?;
            st.set_val(ctx, S_A, regs[0])?;
            st.set_val(ctx, S_B, regs[1])?;
            st.set_val(ctx, S_PIVOT, regs[2])?;
            st.set_int(ctx, S_AWAIT, $await)?;
            return Ok($result);
        }};
    }
    // t[$idx] into register slot $slot, then state $next.
    macro_rules! read {
        ($idx:expr, $slot:expr, $next:expr) => {{
            pc = $next;
            match geti(ctx, t, $idx)? {
                Got::Now(v) => regs[reg($slot)] = v,
                Got::Call(f, a) => leave!(call(f, a), AWAIT_READ + $slot as i64),
            }
            continue;
        }};
    }
    // t[$idx] = register slot $slot, then state $next.
    macro_rules! write {
        ($idx:expr, $slot:expr, $next:expr) => {{
            pc = $next;
            let v = regs[reg($slot)];
            if let Got::Call(f, a) = seti(ctx, t, $idx, v)? {
                leave!(call(f, a), AWAIT_NONE);
            }
            continue;
        }};
    }
    // Is register $x < register $y? Then state $next, with the answer.
    macro_rules! less {
        ($x:expr, $y:expr, $next:expr) => {{
            pc = $next;
            let (a, b) = (regs[reg($x)], regs[reg($y)]);
            budget = budget.saturating_sub(compare_cost(ctx, a, b)?);
            match sort_less(ctx, args, a, b)? {
                Ok(r) => answer = Some(r),
                Err(c) => leave!(c, AWAIT_LESS),
            }
            continue;
        }};
    }
    loop {
        match pc {
            HEAD => {
                if lo >= up {
                    pc = POP;
                    continue;
                }
                if budget == 0 {
                    leave!(NativeResult::Again { k: 0 }, AWAIT_NONE);
                }
                pc = READ_LO;
            }
            READ_LO => read!(lo, S_A, READ_UP),
            READ_UP => read!(up, S_B, ENDS_COMPARED),
            // a[up] < a[lo]?
            ENDS_COMPARED => less!(S_B, S_A, SWAP_ENDS),
            SWAP_ENDS => {
                if answer.take() == Some(true) {
                    write!(lo, S_B, SWAP_ENDS_2)
                }
                pc = CHOOSE_PIVOT;
            }
            SWAP_ENDS_2 => write!(up, S_A, CHOOSE_PIVOT),
            CHOOSE_PIVOT => {
                if up - lo == 1 {
                    pc = POP;
                    continue;
                }
                let rnd = st.int(ctx, S_RND)? as u64;
                p = if ((up - lo) as u64) < RANLIMIT || rnd == 0 { (lo + up) / 2 } else { choose_pivot(lo, up, rnd) };
                pc = READ_P;
            }
            READ_P => read!(p, S_A, READ_LO_2),
            READ_LO_2 => read!(lo, S_B, PIVOT_LO_COMPARED),
            // a[p] < a[lo]?
            PIVOT_LO_COMPARED => less!(S_A, S_B, SWAP_P_LO),
            SWAP_P_LO => {
                if answer.take() == Some(true) {
                    write!(p, S_B, SWAP_P_LO_2)
                }
                pc = READ_UP_2;
            }
            SWAP_P_LO_2 => write!(lo, S_A, MEDIAN_DONE),
            READ_UP_2 => read!(up, S_B, UP_PIVOT_COMPARED),
            // a[up] < a[p]?
            UP_PIVOT_COMPARED => less!(S_B, S_A, SWAP_P_UP),
            SWAP_P_UP => {
                if answer.take() == Some(true) {
                    write!(p, S_B, SWAP_P_UP_2)
                }
                pc = MEDIAN_DONE;
            }
            SWAP_P_UP_2 => write!(up, S_A, MEDIAN_DONE),
            MEDIAN_DONE => {
                if up - lo == 2 {
                    pc = POP;
                    continue;
                }
                pc = READ_PIVOT;
            }
            READ_PIVOT => read!(p, S_PIVOT, READ_UP_1),
            READ_UP_1 => read!(up - 1, S_B, PLACE_PIVOT),
            PLACE_PIVOT => write!(p, S_B, PLACE_PIVOT_2),
            PLACE_PIVOT_2 => {
                i = lo;
                j = up - 1;
                write!(up - 1, S_PIVOT, SCAN_UP)
            }
            SCAN_UP => {
                if budget == 0 {
                    leave!(NativeResult::Again { k: 0 }, AWAIT_NONE);
                }
                i += 1;
                read!(i, S_A, SCAN_UP_COMPARED)
            }
            // a[i] < P?
            SCAN_UP_COMPARED => less!(S_A, S_PIVOT, SCAN_UP_DONE),
            SCAN_UP_DONE => {
                if answer.take() == Some(true) {
                    if i == up - 1 {
                        return Err(Trap::Msg("invalid order function for sorting".into()));
                    }
                    pc = SCAN_UP;
                } else {
                    pc = SCAN_DOWN;
                }
            }
            SCAN_DOWN => {
                if budget == 0 {
                    leave!(NativeResult::Again { k: 0 }, AWAIT_NONE);
                }
                j -= 1;
                read!(j, S_B, SCAN_DOWN_COMPARED)
            }
            // P < a[j]?
            SCAN_DOWN_COMPARED => less!(S_PIVOT, S_B, SCAN_DOWN_DONE),
            SCAN_DOWN_DONE => {
                if answer.take() == Some(true) {
                    if j < i {
                        return Err(Trap::Msg("invalid order function for sorting".into()));
                    }
                    pc = SCAN_DOWN;
                } else if j < i {
                    // Partitioned: the pivot goes to i, then the two sides.
                    write!(up - 1, S_A, FINAL_SWAP_2)
                } else {
                    write!(i, S_B, SWAP_IJ_2)
                }
            }
            FINAL_SWAP_2 => write!(i, S_PIVOT, SPLIT),
            SPLIT => {
                split(ctx, st, lo, up, i)?;
                (lo, up) = (st.int(ctx, S_LO)?, st.int(ctx, S_UP)?);
                pc = HEAD;
            }
            SWAP_IJ_2 => write!(j, S_A, SCAN_UP),
            _ => {
                // An interval is sorted: go on with the one it interrupted.
                let sp = st.int(ctx, S_SP)? as usize;
                if sp == 0 {
                    return ret(vec![]);
                }
                let e = S_STACK + (sp - 1) * S_ENTRY;
                let (nlo, nup, n, rnd) = (st.int(ctx, e)?, st.int(ctx, e + 1)?, st.int(ctx, e + 2)?, st.int(ctx, e + 3)?);
                st.set_int(ctx, S_SP, sp as i64 - 1)?;
                (lo, up) = (nlo, nup);
                let rnd = if (up - lo) / 128 > n { (lo as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ up as u64 | 1 } else { rnd as u64 };
                st.set_int(ctx, S_RND, rnd as i64)?;
                pc = HEAD;
            }
        }
    }
}

/// Sorts the smaller side first; the larger one waits on the stack (with
/// its size measure and pivot seed), as the reference's recursion does.
fn split(ctx: &mut Ctx, st: &Saved, lo: i64, up: i64, p: i64) -> LuaResult<()> {
    let rnd = st.int(ctx, S_RND)?;
    let (now, later, n) = if p - lo < up - p { ((lo, p - 1), (p + 1, up), p - lo) } else { ((p + 1, up), (lo, p - 1), up - p) };
    let sp = st.int(ctx, S_SP)? as usize;
    if sp >= S_MAX_DEPTH {
        return Err(Fault::Invalid("sort stack overflow").into());
    }
    let e = S_STACK + sp * S_ENTRY;
    st.set_int(ctx, e, later.0)?;
    st.set_int(ctx, e + 1, later.1)?;
    st.set_int(ctx, e + 2, n)?;
    st.set_int(ctx, e + 3, rnd)?;
    st.set_int(ctx, S_SP, sp as i64 + 1)?;
    st.set_int(ctx, S_LO, now.0)?;
    st.set_int(ctx, S_UP, now.1)
}
