//! The table library. (Raw accesses for now: `__index`/`__newindex` on the
//! table itself are not consulted, unlike Lua 5.4's table library.)

use super::*;
use crate::lua::state::CI_K2;
use crate::lua::string;

fn len_of(ctx: &mut Ctx, t: Addr) -> LuaResult<i64> {
    Ok(table::length(ctx.h, t)? as i64)
}

pub fn insert(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = check_table(ctx, args, 1, "insert")?;
    let e = len_of(ctx, t)? + 1;
    match args.len() {
        2 => {
            table::set_int(ctx.h, t, e, args[1])?;
        }
        3 => {
            let pos = check_int(ctx, args, 2, "insert")?;
            if (pos as u64).wrapping_sub(1) >= e as u64 {
                return arg_error(2, "insert", "position out of bounds");
            }
            // TODO(bounded steps): shifting a huge array moves every element at once.
            let mut i = e;
            while i > pos {
                let v = table::get_int(ctx.h, t, i - 1)?;
                table::set_int(ctx.h, t, i, v)?;
                i -= 1;
            }
            table::set_int(ctx.h, t, pos, args[2])?;
        }
        _ => return Err(Trap::Msg("wrong number of arguments to 'insert'".into())),
    }
    ret(vec![])
}

pub fn remove(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = check_table(ctx, args, 1, "remove")?;
    let size = len_of(ctx, t)?;
    let mut pos = opt_int(ctx, args, 2, "remove", size)?;
    if args.len() >= 2 && size + 1 != pos && (pos as u64).wrapping_sub(1) >= (size + 1) as u64 {
        return arg_error(2, "remove", "position out of bounds");
    }
    let v = table::get_int(ctx.h, t, pos)?;
    while pos < size {
        let next = table::get_int(ctx.h, t, pos + 1)?;
        table::set_int(ctx.h, t, pos, next)?;
        pos += 1;
    }
    if pos <= size || args.len() < 2 {
        table::set_int(ctx.h, t, pos, Value::Nil)?;
    }
    ret1(v)
}

pub fn concat(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = check_table(ctx, args, 1, "concat")?;
    let sep = opt_bytes(ctx, args, 2, "concat", b"")?;
    let i = opt_int(ctx, args, 3, "concat", 1)?;
    let j = if arg(args, 4).is_nil() { len_of(ctx, t)? } else { check_int(ctx, args, 4, "concat")? };
    let mut out = Vec::new();
    let mut k = i;
    while k <= j {
        let v = table::get_int(ctx.h, t, k)?;
        match v {
            Value::Str(s) => out.extend(string::bytes(ctx.h, s)?),
            Value::Int(_) | Value::Float(_) => out.extend(meta::basic_tostring(ctx, v)?),
            _ => return Err(Trap::Msg(format!("invalid value (at index {k}) in table for 'concat'"))),
        }
        if k < j {
            out.extend_from_slice(&sep);
        }
        if k == i64::MAX {
            break;
        }
        k += 1;
    }
    ret1(ctx.new_str(&out)?)
}

pub fn unpack(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = arg(args, 1);
    let i = opt_int(ctx, args, 2, "unpack", 1)?;
    let j = if arg(args, 3).is_nil() {
        match t {
            Value::Table(tab) => len_of(ctx, tab)?,
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
    let n = len_of(ctx, t)?;
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
