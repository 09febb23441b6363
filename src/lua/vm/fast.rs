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
//! Restartability is the general path's: this runs inside the same heap
//! step, and a fault rolls the whole step back, pc write-back included.
//! An instruction that is not simple in the case at hand (an operand that
//! is not a number, a key missing from a table, a write barrier with work
//! to do, ...) is left untouched: the loop stops before writing anything
//! for it, and the general path runs it from scratch. So every instruction
//! has exactly the general path's effect, whichever path ran it.

use super::arith::{arith_numbers, ArithOp};
use super::call::Ctx;
use super::exec::{current_frame, FrameCache};
use super::Trap;
use crate::heap::{Fault, Heap};
use crate::lua::compiler::opcodes::{self as op, OpCode};
use crate::lua::func::{self, CL_UPVALS};
use crate::lua::state::CI_PC;
use crate::lua::table;
use crate::lua::text::number::{self as num, Number};
use crate::lua::value::{read_value, write_value, Value, VALUE_SIZE};

/// Runs up to `budget` simple instructions of the running Lua frame, in a
/// row; returns how many ran (0 when the next one is not simple, or the
/// running frame is not a Lua frame).
pub fn run_simple(ctx: &mut Ctx, cache: &mut Option<FrameCache>, budget: u64) -> Result<u64, Fault> {
    let f = match current_frame(ctx, cache) {
        Ok(Some(f)) => f,
        Ok(None) => return Ok(0),
        Err(Trap::Fault(e)) => return Err(e),
        // Only heap faults come from reading the frame; the general path
        // reports anything else.
        Err(_) => return Ok(0),
    };
    let h = &mut *ctx.h;
    let mut pc = h.read_u64(f.ci + CI_PC)?;
    let mut done = 0;
    while done < budget {
        let ins = h.read_u32(f.code + pc * 4)?;
        match simple(h, &f, pc, ins)? {
            Some(next) => pc = next,
            None => break,
        }
        done += 1;
    }
    if done > 0 {
        h.write_u64(f.ci + CI_PC, pc)?;
    }
    Ok(done)
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
            let Some(v) = table::get_fast(h, t, key)? else { return Ok(None) };
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
