//! The inner loop for *simple* instructions: those whose whole effect, in
//! the case at hand, is on the running frame's registers and pc. Moves and
//! loads, arithmetic and comparisons on numbers, jumps, numeric for loops,
//! upvalue access, and table reads and overwrites that need no metamethod.
//!
//! Why a second path: the general one (`exec::execute`, one instruction at
//! a time from `run_batch`) reads the running thread, CallInfo and pc from
//! the heap for every instruction, writes the pc back, and afterwards reads
//! the run status and the collector's poll threshold. A simple instruction
//! cannot change any of these (it calls nothing, allocates nothing, frees
//! nothing and raises nothing), so here they are read once per run of
//! simple instructions, and the pc lives in a Rust local that is written
//! back to the CallInfo when the run ends.
//!
//! Calls of Lua functions and RETURN0/RETURN1 back to a Lua caller also
//! run here when nothing can go wrong and nothing is left to finish (see
//! `call` and `ret`): they write exactly what the general path writes, and
//! the loop goes on in the other frame, so a recursive function can run
//! whole batches without leaving this loop.
//!
//! Restartability is the general path's: this runs inside the same heap
//! step, and a fault rolls the whole step back, pc write-back included.
//! An instruction that is not simple in the case at hand (an operand that
//! is not a number, a key missing from a table, a write barrier with work
//! to do, ...) is left untouched: the loop stops before writing anything
//! for it, and the general path runs it from scratch. So every instruction
//! has exactly the general path's effect, whichever path ran it.

use super::arith::{arith_numbers, ArithOp};
use super::call::{Ctx, StackRoom};
use super::exec::{current_frame, frame_at, FrameCache};
use super::Trap;
use crate::heap::{Fault, Heap};
use crate::lua::compiler::opcodes::{self as op, OpCode};
use crate::lua::func::{self, CL_PROTO, CL_UPVALS, P_CODE, P_K};
use crate::lua::state::*;
use crate::lua::table;
use crate::lua::text::number::{self as num, Number};
use crate::lua::value::{read_value, write_value, Value, VALUE_SIZE};

/// Runs up to `budget` simple instructions of the running Lua frame, in a
/// row; returns how many ran (0 when the next one is not simple, or the
/// running frame is not a Lua frame).
/// `callers` is scratch space, kept by the caller only to reuse its memory.
pub fn run_simple(ctx: &mut Ctx, cache: &mut Option<FrameCache>, callers: &mut Vec<FrameCache>, budget: u64) -> Result<u64, Fault> {
    let f = match current_frame(ctx, cache) {
        Ok(Some(f)) => f,
        Ok(None) => return Ok(0),
        Err(Trap::Fault(e)) => return Err(e),
        // Only heap faults come from reading the frame; the general path
        // reports anything else.
        Err(_) => return Ok(0),
    };
    let mut f = f;
    let mut pc = ctx.h.read_u64(f.ci + CI_PC)?;
    let mut done = 0;
    // The frames this run called from, innermost last: only calls and
    // returns made here change the running frame, so a return always goes
    // back to the last of them (when there is one).
    callers.clear();
    // Read at the first call: nothing here changes the thread or its C levels.
    let mut room = None;
    while done < budget {
        let ins = ctx.h.read_u32(f.code + pc * 4)?;
        if let Some(next) = simple(ctx.h, &f, pc, ins)? {
            pc = next;
        } else {
            match op::get_opcode(ins) {
                Ok(OpCode::Call) => {
                    let Some(callee) = call(ctx, &f, pc, ins, &mut room)? else { break };
                    callers.push(f);
                    f = callee;
                    pc = 0;
                }
                Ok(OpCode::Return0 | OpCode::Return1) => {
                    let n = u64::from(op::get_opcode(ins) == Ok(OpCode::Return1));
                    let Some((caller, caller_pc)) = ret(ctx, &f, op::arg_a(ins), n, callers.pop())? else { break };
                    f = caller;
                    pc = caller_pc;
                }
                _ => break,
            }
        }
        done += 1;
    }
    if done > 0 {
        ctx.h.write_u64(f.ci + CI_PC, pc)?;
        // The running frame may have changed; this is it.
        *cache = Some(f);
    }
    Ok(done)
}

/// CALL of a Lua function, as `call::precall` does it, when nothing can go
/// wrong: the callee is a Lua function, its frame fits on the stack and a
/// CallInfo block is there to reuse (no allocation). Everything is checked
/// before the first write. Returns the callee's frame, which runs next
/// from pc 0; the caller's pc is saved in its CallInfo.
fn call(ctx: &mut Ctx, f: &FrameCache, pc: u64, ins: u32, room: &mut Option<StackRoom>) -> Result<Option<FrameCache>, Fault> {
    let h = &mut *ctx.h;
    let func_slot = f.base + u64::from(op::arg_a(ins)) * VALUE_SIZE;
    let b = op::arg_b(ins);
    let c = op::arg_c(ins);
    // Arguments up to the multiple-results mark (see `exec::consume_top`).
    let multi_top = if b == 0 {
        let top = h.read_u64(ctx.th + T_TOP)?;
        if top <= func_slot {
            return Ok(None);
        }
        Some(top)
    } else {
        None
    };
    let nargs = multi_top.map_or(u64::from(b).wrapping_sub(1), |top| (top - func_slot) / VALUE_SIZE - 1);
    let nresults = if c != 0 { u64::from(c) - 1 } else { MULTRET };
    let Value::LuaFn(cl) = read_value(h, func_slot)? else { return Ok(None) };
    let proto = h.read_u64(cl + CL_PROTO)?;
    let (nparams, _, max_stack) = func::shape(h, proto)?;
    let next = h.read_u64(f.ci + CI_NEXT)?;
    let room = match *room {
        Some(r) => r,
        None => *room.insert(ctx.stack_room()?),
    };
    if next == 0 || !room.fits(func_slot, 1 + max_stack.max(nargs)) {
        return Ok(None);
    }
    let h = &mut *ctx.h;
    let code = h.read_u64(proto + P_CODE)?;
    let k = h.read_u64(proto + P_K)?;
    // Nothing can fail from here on but page faults.
    h.write_u64(f.ci + CI_PC, pc + 1)?;
    if multi_top.is_some() {
        h.write_u64(ctx.th + T_TOP, 0)?;
    }
    for i in nargs..max_stack.max(nparams) {
        write_value(h, func_slot + (1 + i) * VALUE_SIZE, Value::Nil)?;
    }
    h.write_u64(ctx.th + T_CI, next)?;
    h.write_u64(next + CI_FUNC, func_slot)?;
    h.write_u64(next + CI_TOP, func_slot + (1 + max_stack) * VALUE_SIZE)?;
    // CI_PC is written when the run ends (pc 0 unless more ran).
    h.write_u64(next + CI_NRESULTS, nresults)?;
    h.write_u64(next + CI_STATUS, cs::LUA)?;
    h.write_u64(next + CI_EXTRA_ARGS, nargs.max(nparams))?;
    Ok(Some(FrameCache { th: ctx.th, ci: next, closure: cl, proto, base: func_slot + VALUE_SIZE, k, code }))
}

/// RETURN0/RETURN1 (`n` results from `first`), as `call::return_from_slots`
/// does it, when the caller is a Lua frame with nothing to finish (no
/// metamethod result to store, no `__close` to resume, not a coroutine's
/// base). `caller`: the caller's frame if this run called from it. Returns
/// the caller's frame and pc.
fn ret(ctx: &mut Ctx, f: &FrameCache, first: u32, n: u64, caller: Option<FrameCache>) -> Result<Option<(FrameCache, u64)>, Fault> {
    let h = &mut *ctx.h;
    let prev = h.read_u64(f.ci + CI_PREV)?;
    if h.read_u64(prev + CI_STATUS)? & !(cs::LUA | cs::TAIL) != 0 {
        return Ok(None);
    }
    let caller = match caller {
        Some(c) if c.ci == prev => c,
        _ => match frame_at(ctx, prev)? {
            Some(c) => c,
            None => return Ok(None),
        },
    };
    let h = &mut *ctx.h;
    let caller_pc = h.read_u64(prev + CI_PC)?;
    let func_slot = h.read_u64(f.ci + CI_FUNC)?;
    let wanted = h.read_u64(f.ci + CI_NRESULTS)?;
    let first = f.base + u64::from(first) * VALUE_SIZE;
    let count = if wanted == MULTRET { n } else { wanted };
    for i in 0..count {
        let v = if i < n { read_value(h, first + i * VALUE_SIZE)? } else { Value::Nil };
        write_value(h, func_slot + i * VALUE_SIZE, v)?;
    }
    // T_TOP marks results above the caller's registers (see `finish_return`).
    h.write_u64(ctx.th + T_TOP, if wanted == MULTRET { func_slot + count * VALUE_SIZE } else { 0 })?;
    h.write_u64(ctx.th + T_CI, prev)?;
    Ok(Some((caller, caller_pc)))
}

fn as_number(v: Value) -> Option<Number> {
    match v {
        Value::Int(i) => Some(Number::Int(i)),
        Value::Float(x) => Some(Number::Float(x)),
        _ => None,
    }
}

/// Runs instruction `ins` (at `pc`) if it is simple in this case: the pc
/// of the instruction to run next; `None` (nothing written) otherwise.
#[inline(always)]
fn simple(h: &mut Heap, f: &FrameCache, pc: u64, ins: u32) -> Result<Option<u64>, Fault> {
    let Ok(opcode) = op::get_opcode(ins) else { return Ok(None) };
    let a = op::arg_a(ins);
    let b = op::arg_b(ins);
    let c = op::arg_c(ins);
    let k = op::arg_k(ins);
    let r = |i: u32| f.base + u64::from(i) * VALUE_SIZE;
    let kst = |i: u32| f.k + u64::from(i) * VALUE_SIZE;
    let upval = |h: &mut Heap, i: u32| h.read_u64(f.closure + CL_UPVALS + u64::from(i) * 8);
    let ra = r(a);
    match opcode {
        OpCode::Move => {
            let v = read_value(h, r(b))?;
            write_value(h, ra, v)?;
        }
        OpCode::LoadI => write_value(h, ra, Value::Int(i64::from(op::arg_sbx(ins))))?,
        OpCode::LoadF => write_value(h, ra, Value::Float(f64::from(op::arg_sbx(ins))))?,
        OpCode::LoadK => {
            let v = read_value(h, kst(op::arg_bx(ins)))?;
            write_value(h, ra, v)?;
        }
        OpCode::LoadFalse => write_value(h, ra, Value::Bool(false))?,
        OpCode::LFalseSkip => {
            write_value(h, ra, Value::Bool(false))?;
            return Ok(Some(pc + 2));
        }
        OpCode::LoadTrue => write_value(h, ra, Value::Bool(true))?,
        OpCode::LoadNil => {
            for i in 0..=b {
                write_value(h, r(a + i), Value::Nil)?;
            }
        }
        OpCode::GetUpval => {
            let uv = upval(h, b)?;
            let v = func::upval_get(h, uv)?;
            write_value(h, ra, v)?;
        }
        OpCode::SetUpval => {
            let uv = upval(h, b)?;
            let v = read_value(h, ra)?;
            if !func::upval_set_fast(h, uv, v)? {
                return Ok(None);
            }
        }
        OpCode::GetTabUp => {
            let uv = upval(h, b)?;
            let Value::Table(t) = func::upval_get(h, uv)? else { return Ok(None) };
            let key = read_value(h, kst(c))?;
            let Some(v) = table::get_fast(h, t, key)? else { return Ok(None) };
            write_value(h, ra, v)?;
        }
        OpCode::GetTable | OpCode::GetI | OpCode::GetField => {
            let Value::Table(t) = read_value(h, r(b))? else { return Ok(None) };
            let key = match opcode {
                OpCode::GetTable => read_value(h, r(c))?,
                OpCode::GetI => Value::Int(i64::from(c)),
                _ => read_value(h, kst(c))?,
            };
            let Some(v) = table::get_raw_fast(h, t, key)? else { return Ok(None) };
            write_value(h, ra, v)?;
        }
        OpCode::Self_ => {
            let obj = read_value(h, r(b))?;
            let Value::Table(t) = obj else { return Ok(None) };
            let key = read_value(h, if k { kst(c) } else { r(c) })?;
            let Some(v) = table::get_fast(h, t, key)? else { return Ok(None) };
            write_value(h, r(a + 1), obj)?;
            write_value(h, ra, v)?;
        }
        OpCode::SetTabUp => {
            let uv = upval(h, a)?;
            let Value::Table(t) = func::upval_get(h, uv)? else { return Ok(None) };
            let key = read_value(h, kst(b))?;
            let v = read_value(h, if k { kst(c) } else { r(c) })?;
            if !table::set_existing_fast(h, t, key, v)? {
                return Ok(None);
            }
        }
        OpCode::SetTable | OpCode::SetI | OpCode::SetField => {
            let Value::Table(t) = read_value(h, ra)? else { return Ok(None) };
            let key = match opcode {
                OpCode::SetTable => read_value(h, r(b))?,
                OpCode::SetI => Value::Int(i64::from(b)),
                _ => read_value(h, kst(b))?,
            };
            let v = read_value(h, if k { kst(c) } else { r(c) })?;
            if !table::set_existing_fast(h, t, key, v)? {
                return Ok(None);
            }
        }
        OpCode::AddI => {
            let x = read_value(h, r(b))?;
            return arith(h, ra, pc, ArithOp::Add, x, Value::Int(i64::from(op::arg_sc(ins))));
        }
        OpCode::ShrI => {
            let x = read_value(h, r(b))?;
            return arith(h, ra, pc, ArithOp::Shr, x, Value::Int(i64::from(op::arg_sc(ins))));
        }
        OpCode::ShlI => {
            let y = read_value(h, r(b))?;
            return arith(h, ra, pc, ArithOp::Shl, Value::Int(i64::from(op::arg_sc(ins))), y);
        }
        OpCode::AddK
        | OpCode::SubK
        | OpCode::MulK
        | OpCode::ModK
        | OpCode::PowK
        | OpCode::DivK
        | OpCode::IDivK
        | OpCode::BAndK
        | OpCode::BOrK
        | OpCode::BXorK => {
            let (x, y) = (read_value(h, r(b))?, read_value(h, kst(c))?);
            return arith(h, ra, pc, super::exec::binop_of(opcode), x, y);
        }
        OpCode::Add
        | OpCode::Sub
        | OpCode::Mul
        | OpCode::Mod
        | OpCode::Pow
        | OpCode::Div
        | OpCode::IDiv
        | OpCode::BAnd
        | OpCode::BOr
        | OpCode::BXor
        | OpCode::Shl
        | OpCode::Shr => {
            let (x, y) = (read_value(h, r(b))?, read_value(h, r(c))?);
            return arith(h, ra, pc, super::exec::binop_of(opcode), x, y);
        }
        OpCode::Unm => {
            let v = match read_value(h, r(b))? {
                Value::Int(i) => Value::Int(i.wrapping_neg()),
                Value::Float(x) => Value::Float(-x),
                _ => return Ok(None),
            };
            write_value(h, ra, v)?;
        }
        OpCode::Len => {
            // A table with a metatable may have `__len`.
            let n = match read_value(h, r(b))? {
                Value::Str(s) => crate::lua::string::len(h, s)?,
                Value::Table(t) if table::metatable(h, t)? == 0 => table::length(h, t)?,
                _ => return Ok(None),
            };
            write_value(h, ra, Value::Int(n as i64))?;
        }
        OpCode::Not => {
            let x = read_value(h, r(b))?;
            write_value(h, ra, Value::Bool(!x.truthy()))?;
        }
        OpCode::Jmp => return Ok(Some(offset(pc + 1, i64::from(op::arg_sj(ins))))),
        OpCode::Eq => {
            let (x, y) = (read_value(h, ra)?, read_value(h, r(b))?);
            let res = match (x, y) {
                // Different tables may have `__eq`.
                (Value::Table(p), Value::Table(q)) if p != q => return Ok(None),
                (Value::Table(_), Value::Table(_)) => true,
                _ => match quick_raw_equal(x, y) {
                    Some(res) => res,
                    None => return Ok(None),
                },
            };
            return cond_jump(h, f, pc, res, k);
        }
        OpCode::EqK => {
            let (x, y) = (read_value(h, ra)?, read_value(h, kst(b))?);
            let Some(res) = quick_raw_equal(x, y) else { return Ok(None) };
            return cond_jump(h, f, pc, res, k);
        }
        OpCode::Lt | OpCode::Le => {
            let (x, y) = (read_value(h, ra)?, read_value(h, r(b))?);
            let (Some(x), Some(y)) = (as_number(x), as_number(y)) else { return Ok(None) };
            let res = if opcode == OpCode::Le { num::le_num(x, y) } else { num::lt_num(x, y) };
            return cond_jump(h, f, pc, res, k);
        }
        OpCode::EqI => {
            let imm = i64::from(op::arg_sb(ins));
            let res = match read_value(h, ra)? {
                Value::Int(i) => i == imm,
                Value::Float(v) => v == imm as f64,
                _ => false,
            };
            return cond_jump(h, f, pc, res, k);
        }
        OpCode::LtI | OpCode::LeI | OpCode::GtI | OpCode::GeI => {
            let Some(x) = as_number(read_value(h, ra)?) else { return Ok(None) };
            let imm_int = i64::from(op::arg_sb(ins));
            let imm = if c != 0 { Number::Float(imm_int as f64) } else { Number::Int(imm_int) };
            let res = match opcode {
                OpCode::LtI => num::lt_num(x, imm),
                OpCode::LeI => num::le_num(x, imm),
                OpCode::GtI => num::lt_num(imm, x),
                _ => num::le_num(imm, x),
            };
            return cond_jump(h, f, pc, res, k);
        }
        OpCode::Test => {
            let x = read_value(h, ra)?;
            if x.truthy() != k {
                return Ok(Some(pc + 2));
            }
        }
        OpCode::TestSet => {
            let x = read_value(h, r(b))?;
            if x.truthy() != k {
                return Ok(Some(pc + 2));
            }
            write_value(h, ra, x)?;
        }
        OpCode::ForLoop => return for_loop(h, ra, pc, op::arg_bx(ins)),
        OpCode::ForPrep => return for_prep(h, ra, pc, op::arg_bx(ins)),
        _ => return Ok(None),
    }
    Ok(Some(pc + 1))
}

fn offset(pc: u64, by: i64) -> u64 {
    (pc as i64 + by) as u64
}

/// Raw equality when it needs no string contents: `None` for two
/// different strings (two long strings may still be equal).
fn quick_raw_equal(x: Value, y: Value) -> Option<bool> {
    Some(match (x, y) {
        (Value::Str(p), Value::Str(q)) => {
            if p != q {
                return None;
            }
            true
        }
        _ => match (as_number(x), as_number(y)) {
            (Some(p), Some(q)) => num::eq_num(p, q),
            _ => x == y,
        },
    })
}

/// The arithmetic opcodes on two numbers: store the result and skip the
/// MMBIN that follows. Anything else (including the errors of integer
/// division by zero and of bitwise operations on fractional floats) is
/// left to the general path.
#[inline(always)]
fn arith(h: &mut Heap, ra: u64, pc: u64, op: ArithOp, x: Value, y: Value) -> Result<Option<u64>, Fault> {
    let v = match (op, x, y) {
        (ArithOp::Add, Value::Int(i), Value::Int(j)) => Value::Int(i.wrapping_add(j)),
        (ArithOp::Sub, Value::Int(i), Value::Int(j)) => Value::Int(i.wrapping_sub(j)),
        (ArithOp::Add, Value::Float(p), Value::Float(q)) => Value::Float(p + q),
        (ArithOp::Sub, Value::Float(p), Value::Float(q)) => Value::Float(p - q),
        (ArithOp::Mul, Value::Float(p), Value::Float(q)) => Value::Float(p * q),
        (ArithOp::Div, Value::Float(p), Value::Float(q)) => Value::Float(p / q),
        _ => match arith_numbers(op, x, y) {
            Ok(Some(v)) => v,
            _ => return Ok(None),
        },
    };
    write_value(h, ra, v)?;
    Ok(Some(pc + 2))
}

/// A comparison: the JMP that follows is taken when the result matches `k`.
fn cond_jump(h: &mut Heap, f: &FrameCache, pc: u64, res: bool, k: bool) -> Result<Option<u64>, Fault> {
    if res != k {
        return Ok(Some(pc + 2));
    }
    let next = h.read_u32(f.code + (pc + 1) * 4)?;
    Ok(Some(offset(pc + 2, i64::from(op::arg_sj(next)))))
}

/// FORLOOP, as `exec::op_forloop` (the general path reports broken loops).
fn for_loop(h: &mut Heap, ra: u64, pc: u64, bx: u32) -> Result<Option<u64>, Fault> {
    let back = offset(pc + 1, -i64::from(bx));
    match read_value(h, ra + 2 * VALUE_SIZE)? {
        Value::Int(st) => {
            let Value::Int(count) = read_value(h, ra + VALUE_SIZE)? else { return Ok(None) };
            if count as u64 == 0 {
                return Ok(Some(pc + 1));
            }
            let Value::Int(idx) = read_value(h, ra)? else { return Ok(None) };
            let idx = idx.wrapping_add(st);
            write_value(h, ra + VALUE_SIZE, Value::Int((count as u64 - 1) as i64))?;
            write_value(h, ra, Value::Int(idx))?;
            write_value(h, ra + 3 * VALUE_SIZE, Value::Int(idx))?;
            Ok(Some(back))
        }
        Value::Float(s) => {
            let (Value::Float(l), Value::Float(i)) = (read_value(h, ra + VALUE_SIZE)?, read_value(h, ra)?) else { return Ok(None) };
            let i = i + s;
            if !(if s > 0.0 { i <= l } else { l <= i }) {
                return Ok(Some(pc + 1));
            }
            write_value(h, ra, Value::Float(i))?;
            write_value(h, ra + 3 * VALUE_SIZE, Value::Float(i))?;
            Ok(Some(back))
        }
        _ => Ok(None),
    }
}

/// FORPREP of an all-integer loop, as `exec::op_forprep`; any other loop
/// (floats, strings, a zero step: errors) takes the general path.
fn for_prep(h: &mut Heap, ra: u64, pc: u64, bx: u32) -> Result<Option<u64>, Fault> {
    let (Value::Int(i0), Value::Int(lim), Value::Int(st)) =
        (read_value(h, ra)?, read_value(h, ra + VALUE_SIZE)?, read_value(h, ra + 2 * VALUE_SIZE)?)
    else {
        return Ok(None);
    };
    if st == 0 {
        return Ok(None);
    }
    if if st > 0 { i0 > lim } else { i0 < lim } {
        return Ok(Some(offset(pc + 1, i64::from(bx) + 1)));
    }
    let count = if st > 0 {
        (lim as u64).wrapping_sub(i0 as u64) / (st as u64)
    } else {
        (i0 as u64).wrapping_sub(lim as u64) / ((-(st + 1)) as u64 + 1)
    };
    write_value(h, ra + VALUE_SIZE, Value::Int(count as i64))?;
    write_value(h, ra + 3 * VALUE_SIZE, Value::Int(i0))?;
    Ok(Some(pc + 1))
}
