//! Instruction dispatch: fetch the next instruction of the running Lua frame
//! from the heap and execute it. Semantics follow Lua 5.4's lopcodes.h.

use super::arith::ArithOp;
use super::call::{precall, return_from_slots, Ctx};
use super::meta;
use super::{LuaResult, Step, Trap};
use crate::heap::Addr;
use crate::lua::compiler::opcodes::{self as op, OpCode};
use crate::lua::func::{self, CL_PROTO, CL_UPVALS, P_CODE, P_K, P_PROTOS};
use crate::lua::state::*;
use crate::lua::table;
use crate::lua::text::number::{self as num, Number};
use crate::lua::value::{Value, VALUE_SIZE};

/// The running Lua frame, as read at the start of an instruction.
struct Frame {
    ci: Addr,
    closure: Addr,
    proto: Addr,
    base: Addr,
    k: Addr,
    /// Index of the instruction being executed.
    pc: u64,
}

impl Frame {
    fn r(&self, i: u32) -> Addr {
        self.base + u64::from(i) * VALUE_SIZE
    }
    fn kst(&self, i: u32) -> Addr {
        self.k + u64::from(i) * VALUE_SIZE
    }
}

/// What an instruction needs to know about the running frame, kept between
/// the instructions of one heap step (a batch) while the frame stays the
/// same. It only saves re-reading addresses that the heap also holds; it
/// never outlives the step.
#[derive(Clone, Copy)]
pub struct FrameCache {
    pub(super) th: Addr,
    pub(super) ci: Addr,
    pub(super) closure: Addr,
    pub(super) proto: Addr,
    pub(super) base: Addr,
    pub(super) k: Addr,
    pub(super) code: Addr,
}

/// The running frame's cache, checked against (or rebuilt from) the heap;
/// `None` if the running frame is not a Lua frame.
pub(super) fn current_frame(ctx: &mut Ctx, cache: &mut Option<FrameCache>) -> LuaResult<Option<FrameCache>> {
    let ci = ctx.ci()?;
    Ok(match *cache {
        Some(c) if c.th == ctx.th && c.ci == ci => Some(c),
        _ => {
            let c = frame_at(ctx, ci)?;
            *cache = c;
            c
        }
    })
}

/// What the cache holds for frame `ci` of the running thread, read from
/// the heap; `None` if it is not a Lua frame.
pub(super) fn frame_at(ctx: &mut Ctx, ci: Addr) -> Result<Option<FrameCache>, crate::heap::Fault> {
    let status = ctx.h.read_u64(ci + CI_STATUS)?;
    if status & cs::LUA == 0 {
        return Ok(None);
    }
    let func_slot = ctx.h.read_u64(ci + CI_FUNC)?;
    let Value::LuaFn(closure) = ctx.get(func_slot)? else {
        return Err(crate::heap::Fault::Invalid("Lua frame without a Lua function"));
    };
    let proto = ctx.h.read_u64(closure + CL_PROTO)?;
    let code = ctx.h.read_u64(proto + P_CODE)?;
    let k = ctx.h.read_u64(proto + P_K)?;
    Ok(Some(FrameCache { th: ctx.th, ci, closure, proto, base: func_slot + VALUE_SIZE, k, code }))
}

fn read_frame(ctx: &mut Ctx, cache: &mut Option<FrameCache>) -> LuaResult<Option<(Frame, u32)>> {
    let Some(fc) = current_frame(ctx, cache)? else { return Ok(None) };
    let ci = fc.ci;
    let pc = ctx.h.read_u64(ci + CI_PC)?;
    let ins = ctx.h.read_u32(fc.code + pc * 4)?;
    ctx.h.write_u64(ci + CI_PC, pc + 1)?;
    Ok(Some((Frame { ci, closure: fc.closure, proto: fc.proto, base: fc.base, k: fc.k, pc }, ins)))
}

fn jump(ctx: &mut Ctx, f: &Frame, offset: i64) -> LuaResult<()> {
    let target = (f.pc as i64 + 1 + offset) as u64;
    ctx.h.write_u64(f.ci + CI_PC, target)?;
    Ok(())
}

/// Skips the next instruction.
fn skip(ctx: &mut Ctx, f: &Frame) -> LuaResult<()> {
    ctx.h.write_u64(f.ci + CI_PC, f.pc + 2)?;
    Ok(())
}

/// Appends " (global 'x')" and the like to an error about register `reg`.
fn with_varinfo(ctx: &mut Ctx, f: &Frame, result: LuaResult<()>, reg: Option<u32>, upval: Option<u32>) -> LuaResult<()> {
    match result {
        // Only errors of this instruction itself, not of a native it called.
        Err(Trap::Msg(m)) if m.starts_with("attempt to") && ctx.ci()? == f.ci => {
            let info = varinfo(ctx, f, reg, upval)?;
            Err(Trap::Msg(format!("{m}{info}")))
        }
        other => other,
    }
}

fn varinfo(ctx: &mut Ctx, f: &Frame, reg: Option<u32>, upval: Option<u32>) -> LuaResult<String> {
    let proto = func::load_debug_proto(ctx.h, f.proto)?;
    let described = match (reg, upval) {
        (Some(r), _) => crate::lua::compiler::describe_register(&proto, f.pc as usize, r as u8),
        (None, Some(u)) => crate::lua::compiler::describe_upvalue(&proto, u as u8),
        _ => None,
    };
    Ok(match described {
        Some((kind, name)) => format!(" ({kind} '{}')", String::from_utf8_lossy(&name)),
        None => String::new(),
    })
}

fn upvalue(ctx: &mut Ctx, f: &Frame, i: u32) -> LuaResult<Addr> {
    Ok(ctx.h.read_u64(f.closure + CL_UPVALS + u64::from(i) * 8)?)
}

/// Executes one instruction.
pub fn execute(ctx: &mut Ctx, cache: &mut Option<FrameCache>) -> LuaResult<Step> {
    let Some((f, ins)) = read_frame(ctx, cache)? else {
        // A native working in slices: its next slice.
        let ci = ctx.ci()?;
        if ctx.h.read_u64(ci + CI_STATUS)? & cs::PENDING != 0 {
            super::call::continue_native(ctx, ci, Ok(Vec::new()))?;
            return Ok(Step::Continue);
        }
        return Err(crate::heap::Fault::Invalid("no Lua frame to run").into());
    };
    let opcode = op::get_opcode(ins).map_err(|_| crate::heap::Fault::Invalid("bad opcode"))?;
    // These may replace the frame in the same CallInfo block (or move its base).
    if matches!(
        opcode,
        OpCode::Call | OpCode::TailCall | OpCode::Return | OpCode::Return0 | OpCode::Return1 | OpCode::TForCall | OpCode::VarargPrep
    ) {
        *cache = None;
    }
    let a = op::arg_a(ins);
    let b = op::arg_b(ins);
    let c = op::arg_c(ins);
    let k = op::arg_k(ins);
    let ra = f.r(a);
    match opcode {
        OpCode::Move => {
            let v = ctx.get(f.r(b))?;
            ctx.set(ra, v)?;
        }
        OpCode::LoadI => ctx.set(ra, Value::Int(i64::from(op::arg_sbx(ins))))?,
        OpCode::LoadF => ctx.set(ra, Value::Float(f64::from(op::arg_sbx(ins))))?,
        OpCode::LoadK => {
            let v = ctx.get(f.kst(op::arg_bx(ins)))?;
            ctx.set(ra, v)?;
        }
        OpCode::LoadKX => {
            let extra = next_extra_arg(ctx, &f)?;
            let v = ctx.get(f.kst(extra))?;
            ctx.set(ra, v)?;
            skip(ctx, &f)?;
        }
        OpCode::LoadFalse => ctx.set(ra, Value::Bool(false))?,
        OpCode::LFalseSkip => {
            ctx.set(ra, Value::Bool(false))?;
            skip(ctx, &f)?;
        }
        OpCode::LoadTrue => ctx.set(ra, Value::Bool(true))?,
        OpCode::LoadNil => {
            for i in 0..=b {
                ctx.set(f.r(a + i), Value::Nil)?;
            }
        }
        OpCode::GetUpval => {
            let uv = upvalue(ctx, &f, b)?;
            let v = func::upval_get(ctx.h, uv)?;
            ctx.set(ra, v)?;
        }
        OpCode::SetUpval => {
            let uv = upvalue(ctx, &f, b)?;
            let v = ctx.get(ra)?;
            func::upval_set(ctx.h, uv, v)?;
        }
        OpCode::GetTabUp => {
            let uv = upvalue(ctx, &f, b)?;
            let t = func::upval_get(ctx.h, uv)?;
            let key = ctx.get(f.kst(c))?;
            let r = get_into(ctx, ra, t, key);
            with_varinfo(ctx, &f, r, None, Some(b))?;
        }
        OpCode::GetTable => {
            let (t, key) = (ctx.get(f.r(b))?, ctx.get(f.r(c))?);
            let r = get_into(ctx, ra, t, key);
            with_varinfo(ctx, &f, r, Some(b), None)?;
        }
        OpCode::GetI => {
            let t = ctx.get(f.r(b))?;
            let r = get_into(ctx, ra, t, Value::Int(i64::from(c)));
            with_varinfo(ctx, &f, r, Some(b), None)?;
        }
        OpCode::GetField => {
            let (t, key) = (ctx.get(f.r(b))?, ctx.get(f.kst(c))?);
            let r = get_into(ctx, ra, t, key);
            with_varinfo(ctx, &f, r, Some(b), None)?;
        }
        OpCode::SetTabUp => {
            let uv = upvalue(ctx, &f, a)?;
            let t = func::upval_get(ctx.h, uv)?;
            let key = ctx.get(f.kst(b))?;
            let v = rk(ctx, &f, c, k)?;
            let r = meta::set_index(ctx, t, key, v).map(drop);
            with_varinfo(ctx, &f, r, None, Some(a))?;
        }
        OpCode::SetTable | OpCode::SetI | OpCode::SetField => {
            let t = ctx.get(ra)?;
            let key = match opcode {
                OpCode::SetTable => ctx.get(f.r(b))?,
                OpCode::SetI => Value::Int(i64::from(b)),
                _ => ctx.get(f.kst(b))?,
            };
            let v = rk(ctx, &f, c, k)?;
            let r = meta::set_index(ctx, t, key, v).map(drop);
            with_varinfo(ctx, &f, r, Some(a), None)?;
        }
        OpCode::NewTable => {
            let hash = if b > 0 { 1u64 << (b - 1) } else { 0 };
            let mut array = u64::from(c);
            if k {
                array += u64::from(next_extra_arg(ctx, &f)?) * (u64::from(op::MAXARG_C) + 1);
            }
            skip(ctx, &f)?; // the EXTRAARG that always follows
            let t = table::new_table(ctx.h, ctx.g, array, hash)?;
            ctx.set(ra, Value::Table(t))?;
        }
        OpCode::Self_ => {
            let obj = ctx.get(f.r(b))?;
            let key = rk(ctx, &f, c, k)?;
            ctx.set(f.r(a + 1), obj)?;
            let r = get_into(ctx, ra, obj, key);
            with_varinfo(ctx, &f, r, Some(b), None)?;
        }
        OpCode::AddI => {
            let x = ctx.get(f.r(b))?;
            arith_fast(ctx, &f, ra, ArithOp::Add, x, Value::Int(i64::from(op::arg_sc(ins))))?;
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
            let (x, y) = (ctx.get(f.r(b))?, ctx.get(f.kst(c))?);
            arith_fast(ctx, &f, ra, binop_of(opcode), x, y)?;
        }
        OpCode::ShrI => {
            let x = ctx.get(f.r(b))?;
            arith_fast(ctx, &f, ra, ArithOp::Shr, x, Value::Int(i64::from(op::arg_sc(ins))))?;
        }
        OpCode::ShlI => {
            let y = ctx.get(f.r(b))?;
            arith_fast(ctx, &f, ra, ArithOp::Shl, Value::Int(i64::from(op::arg_sc(ins))), y)?;
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
            let (x, y) = (ctx.get(f.r(b))?, ctx.get(f.r(c))?);
            arith_fast(ctx, &f, ra, binop_of(opcode), x, y)?;
        }
        OpCode::MmBin | OpCode::MmBinI | OpCode::MmBinK => op_mmbin(ctx, &f, opcode, ins)?,
        OpCode::Unm | OpCode::BNot => {
            let x = ctx.get(f.r(b))?;
            let arith_op = if opcode == OpCode::Unm { ArithOp::Unm } else { ArithOp::BNot };
            match meta::arith(ctx, arith_op, x, x) {
                Ok(Some(v)) => ctx.set(ra, v)?,
                Ok(None) => {}
                Err(Trap::Msg(m)) if ctx.ci()? == f.ci => {
                    return Err(Trap::Msg(name_operand(ctx, &f, m, arith_op, (x, Some(b)), (x, Some(b)))?));
                }
                Err(e) => return Err(e),
            }
        }
        OpCode::Not => {
            let x = ctx.get(f.r(b))?;
            ctx.set(ra, Value::Bool(!x.truthy()))?;
        }
        OpCode::Len => {
            let x = ctx.get(f.r(b))?;
            let r = meta::length(ctx, x).and_then(|v| match v {
                Some(v) => ctx.set(ra, v).map_err(Trap::from),
                None => Ok(()),
            });
            with_varinfo(ctx, &f, r, Some(b), None)?;
        }
        OpCode::Concat => {
            ctx.h.write_u64(f.ci + CI_K2, u64::from(b))?;
            concat_run(ctx, &f, ra, u64::from(b))?;
        }
        OpCode::Close => {
            let top = ctx.h.read_u64(f.ci + CI_TOP)?;
            super::close::close_for_instruction(ctx, f.ci, ra, top)?;
        }
        OpCode::Tbc => {
            // To-be-closed variables are closed by CLOSE/RETURN through
            // their __close metamethod; checked here as Lua does.
            let v = ctx.get(ra)?;
            if v.truthy() {
                if meta::get_tm(ctx, v, "__close")?.is_nil() {
                    let proto = func::load_debug_proto(ctx.h, f.proto)?;
                    let name = proto.local_name(tbc_local_index(&proto, f.pc as usize, a), f.pc as usize + 1).map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_else(|| "?".into());
                    return Err(Trap::Msg(format!("variable '{name}' got a non-closable value")));
                }
                super::close::register(ctx.h, ctx.th, ra)?;
            }
        }
        OpCode::Jmp => jump(ctx, &f, i64::from(op::arg_sj(ins)))?,
        OpCode::Eq => {
            let (x, y) = (ctx.get(ra)?, ctx.get(f.r(b))?);
            if let Some(res) = meta::equal(ctx, x, y)? {
                cond_jump(ctx, &f, res, k)?;
            }
        }
        OpCode::Lt | OpCode::Le => {
            let (x, y) = (ctx.get(ra)?, ctx.get(f.r(b))?);
            if let Some(res) = meta::less(ctx, x, y, opcode == OpCode::Le)? {
                cond_jump(ctx, &f, res, k)?;
            }
        }
        OpCode::EqK => {
            let (x, y) = (ctx.get(ra)?, ctx.get(f.kst(b))?);
            let res = meta::raw_equal(ctx, x, y)?;
            cond_jump(ctx, &f, res, k)?;
        }
        OpCode::EqI => {
            let x = ctx.get(ra)?;
            let imm = i64::from(op::arg_sb(ins));
            let res = match x {
                Value::Int(i) => i == imm,
                Value::Float(v) => v == imm as f64,
                _ => false,
            };
            cond_jump(ctx, &f, res, k)?;
        }
        OpCode::LtI | OpCode::LeI | OpCode::GtI | OpCode::GeI => {
            let x = ctx.get(ra)?;
            let imm_int = i64::from(op::arg_sb(ins));
            let imm = if c != 0 { Value::Float(imm_int as f64) } else { Value::Int(imm_int) };
            let res = match opcode {
                OpCode::LtI => meta::less(ctx, x, imm, false)?,
                OpCode::LeI => meta::less(ctx, x, imm, true)?,
                OpCode::GtI => meta::less(ctx, imm, x, false)?,
                _ => meta::less(ctx, imm, x, true)?,
            };
            if let Some(res) = res {
                cond_jump(ctx, &f, res, k)?;
            }
        }
        OpCode::Test => {
            let x = ctx.get(ra)?;
            if x.truthy() != k {
                skip(ctx, &f)?;
            }
        }
        OpCode::TestSet => {
            let x = ctx.get(f.r(b))?;
            if x.truthy() != k {
                skip(ctx, &f)?;
            } else {
                ctx.set(ra, x)?;
            }
        }
        OpCode::Call => {
            let nargs = if b != 0 { u64::from(b) - 1 } else { consume_top(ctx, ra)? - 1 };
            let nresults = if c != 0 { u64::from(c) - 1 } else { MULTRET };
            let r = precall(ctx, ra, nargs, nresults);
            call_error(ctx, &f, r, a)?;
        }
        OpCode::TailCall => op_tailcall(ctx, &f, a, b, c, k)?,
        OpCode::Return => {
            let status = ctx.h.read_u64(f.ci + CI_STATUS)?;
            let n = if b != 0 {
                u64::from(b) - 1
            } else if status & cs::RETURNING != 0 {
                ctx.h.write_u64(f.ci + CI_STATUS, status & !cs::RETURNING)?;
                ctx.h.read_u64(f.ci + CI_K2)?
            } else {
                consume_top(ctx, ra)?
            };
            if k && return_closes(ctx, &f, ra, n)? {
                return Ok(Step::Continue);
            }
            if c != 0 {
                // A vararg function: its frame starts below the moved function.
                let extra = ctx.h.read_u64(f.ci + CI_EXTRA_ARGS)?;
                let func_slot = ctx.h.read_u64(f.ci + CI_FUNC)?;
                ctx.h.write_u64(f.ci + CI_FUNC, func_slot - (extra + u64::from(c)) * VALUE_SIZE)?;
            }
            return_from_slots(ctx, f.ci, ra, n)?;
        }
        OpCode::Return0 => return_from_slots(ctx, f.ci, ra, 0)?,
        OpCode::Return1 => return_from_slots(ctx, f.ci, ra, 1)?,
        OpCode::ForLoop => op_forloop(ctx, &f, ra, op::arg_bx(ins))?,
        OpCode::ForPrep => op_forprep(ctx, &f, ra, op::arg_bx(ins))?,
        OpCode::TForPrep => {
            // The fourth value of a generic for is its closing value.
            let closing = ctx.get(ra + 3 * VALUE_SIZE)?;
            if closing.truthy() {
                if meta::get_tm(ctx, closing, "__close")?.is_nil() {
                    return Err(Trap::Msg("variable '(for state)' got a non-closable value".into()));
                }
                super::close::register(ctx.h, ctx.th, ra + 3 * VALUE_SIZE)?;
            }
            jump(ctx, &f, i64::from(op::arg_bx(ins)))?;
        }
        OpCode::TForCall => {
            let cb = ra + 4 * VALUE_SIZE;
            for i in 0..3 {
                let v = ctx.get(ra + i * VALUE_SIZE)?;
                ctx.set(cb + i * VALUE_SIZE, v)?;
            }
            let r = precall(ctx, cb, 2, u64::from(c));
            match r {
                Err(Trap::Msg(m)) if m.starts_with("attempt to call") && ctx.ci()? == f.ci => {
                    return Err(Trap::Msg(format!("{m} (for iterator 'for iterator')")));
                }
                other => other?,
            }
        }
        OpCode::TForLoop => {
            let v = ctx.get(ra + 4 * VALUE_SIZE)?;
            if !v.is_nil() {
                ctx.set(ra + 2 * VALUE_SIZE, v)?;
                jump(ctx, &f, -i64::from(op::arg_bx(ins)))?;
            }
        }
        OpCode::SetList => {
            let n = if b != 0 { u64::from(b) } else { consume_top(ctx, ra)? - 1 };
            let mut last = u64::from(c);
            if k {
                last += u64::from(next_extra_arg(ctx, &f)?) * (u64::from(op::MAXARG_C) + 1);
                skip(ctx, &f)?;
            }
            let Value::Table(t) = ctx.get(ra)? else { return Err(crate::heap::Fault::Invalid("SETLIST on a non-table").into()) };
            for i in 1..=n {
                let v = ctx.get(ra + i * VALUE_SIZE)?;
                table::set_int(ctx.h, t, (last + i) as i64, v)?;
            }
        }
        OpCode::Closure => op_closure(ctx, &f, ra, op::arg_bx(ins))?,
        OpCode::Vararg => {
            let extra = ctx.h.read_u64(f.ci + CI_EXTRA_ARGS)?;
            let func_slot = ctx.h.read_u64(f.ci + CI_FUNC)?;
            let first = func_slot - extra * VALUE_SIZE;
            let wanted = if c != 0 { u64::from(c) - 1 } else { extra };
            ctx.check_stack(ra, wanted)?;
            for i in 0..wanted {
                let v = if i < extra { ctx.get(first + i * VALUE_SIZE)? } else { Value::Nil };
                ctx.set(ra + i * VALUE_SIZE, v)?;
            }
            if c == 0 {
                ctx.h.write_u64(ctx.th + T_TOP, ra + wanted * VALUE_SIZE)?;
            }
        }
        OpCode::VarargPrep => op_varargprep(ctx, &f, a)?,
        OpCode::ExtraArg => {}
    }
    Ok(Step::Continue)
}

/// RETURN with k: closes upvalues and, one `__close` call at a time, the
/// frame's to-be-closed variables. While a call runs, the `n` results
/// (from `ra`) are kept inside the frame and their count in CI_K2.
fn return_closes(ctx: &mut Ctx, f: &Frame, ra: Addr, n: u64) -> LuaResult<bool> {
    let top = ctx.h.read_u64(f.ci + CI_TOP)?.max(ra + n * VALUE_SIZE);
    if !super::close::close_for_instruction(ctx, f.ci, f.base, top)? {
        return Ok(false);
    }
    ctx.h.write_u64(f.ci + CI_TOP, top)?;
    ctx.h.write_u64(f.ci + CI_K2, n)?;
    let status = ctx.h.read_u64(f.ci + CI_STATUS)?;
    ctx.h.write_u64(f.ci + CI_STATUS, status | cs::RETURNING)?;
    Ok(true)
}

/// Values from `ra` up to the multiple-results mark, which is then cleared.
fn consume_top(ctx: &mut Ctx, ra: Addr) -> LuaResult<u64> {
    let top = ctx.h.read_u64(ctx.th + T_TOP)?;
    ctx.h.write_u64(ctx.th + T_TOP, 0)?;
    if top < ra {
        return Err(crate::heap::Fault::Invalid("multiple results below their register").into());
    }
    Ok((top - ra) / VALUE_SIZE)
}

/// The Ax of the EXTRAARG instruction after the current one.
fn next_extra_arg(ctx: &mut Ctx, f: &Frame) -> LuaResult<u32> {
    let code = ctx.h.read_u64(f.proto + P_CODE)?;
    let ins = ctx.h.read_u32(code + (f.pc + 1) * 4)?;
    Ok(op::arg_ax(ins))
}

/// Adds variable info to a call's error only if the call itself failed
/// ("attempt to call a nil value (global 'f')"): errors raised inside a
/// called native (its frame is then the current one) keep their text.
fn call_error(ctx: &mut Ctx, f: &Frame, r: LuaResult<()>, reg: u32) -> LuaResult<()> {
    match r {
        Err(Trap::Msg(m)) if m.starts_with("attempt to call") => with_varinfo(ctx, f, Err(Trap::Msg(m)), Some(reg), None),
        other => other,
    }
}

fn rk(ctx: &mut Ctx, f: &Frame, c: u32, k: bool) -> LuaResult<Value> {
    Ok(if k { ctx.get(f.kst(c))? } else { ctx.get(f.r(c))? })
}

fn get_into(ctx: &mut Ctx, ra: Addr, t: Value, key: Value) -> LuaResult<()> {
    // Fast path: a table with the key present.
    if let Value::Table(tab) = t {
        let v = table::get(ctx.h, tab, key)?;
        if !v.is_nil() {
            return Ok(ctx.set(ra, v)?);
        }
    }
    if let Some(v) = meta::index(ctx, t, key)? {
        ctx.set(ra, v)?;
    }
    Ok(())
}

fn cond_jump(ctx: &mut Ctx, f: &Frame, res: bool, k: bool) -> LuaResult<()> {
    // The next instruction is a JMP: take it when the condition matches k.
    if res != k {
        skip(ctx, f)
    } else {
        let code = ctx.h.read_u64(f.proto + P_CODE)?;
        let next = ctx.h.read_u32(code + (f.pc + 1) * 4)?;
        ctx.h.write_u64(f.ci + CI_PC, (f.pc as i64 + 2 + i64::from(op::arg_sj(next))) as u64)?;
        Ok(())
    }
}

pub(super) fn binop_of(opcode: OpCode) -> ArithOp {
    match opcode {
        OpCode::Add | OpCode::AddK => ArithOp::Add,
        OpCode::Sub | OpCode::SubK => ArithOp::Sub,
        OpCode::Mul | OpCode::MulK => ArithOp::Mul,
        OpCode::Mod | OpCode::ModK => ArithOp::Mod,
        OpCode::Pow | OpCode::PowK => ArithOp::Pow,
        OpCode::Div | OpCode::DivK => ArithOp::Div,
        OpCode::IDiv | OpCode::IDivK => ArithOp::IDiv,
        OpCode::BAnd | OpCode::BAndK => ArithOp::BAnd,
        OpCode::BOr | OpCode::BOrK => ArithOp::BOr,
        OpCode::BXor | OpCode::BXorK => ArithOp::BXor,
        OpCode::Shl => ArithOp::Shl,
        _ => ArithOp::Shr,
    }
}

/// The arithmetic opcodes: on numbers, store and skip the MMBIN that
/// follows; otherwise fall through to it.
fn arith_fast(ctx: &mut Ctx, f: &Frame, ra: Addr, op: ArithOp, x: Value, y: Value) -> LuaResult<()> {
    let both_numbers = matches!(x, Value::Int(_) | Value::Float(_)) && matches!(y, Value::Int(_) | Value::Float(_));
    if !both_numbers {
        return Ok(());
    }
    if op.is_bitwise() {
        // Floats without an integer value fall through to MMBIN (which reports the error).
        match super::arith::arith_numbers(op, x, y) {
            Ok(Some(v)) => {
                ctx.set(ra, v)?;
                skip(ctx, f)
            }
            _ => Ok(()),
        }
    } else if let Some(v) = super::arith::arith_numbers(op, x, y)? {
        ctx.set(ra, v)?;
        skip(ctx, f)
    } else {
        Ok(())
    }
}

fn op_mmbin(ctx: &mut Ctx, f: &Frame, opcode: OpCode, ins: u32) -> LuaResult<()> {
    let a = op::arg_a(ins);
    let tm = ArithOp::from_tm(op::arg_c(ins)).ok_or(crate::heap::Fault::Invalid("bad MMBIN event"))?;
    let code = ctx.h.read_u64(f.proto + P_CODE)?;
    let prev = ctx.h.read_u32(code + (f.pc - 1) * 4)?;
    let dest = f.r(op::arg_a(prev));
    let x = ctx.get(f.r(a))?;
    let (mut p1, mut p2, mut reg2) = match opcode {
        OpCode::MmBin => (x, ctx.get(f.r(op::arg_b(ins)))?, Some(op::arg_b(ins))),
        OpCode::MmBinI => (x, Value::Int(i64::from(op::arg_sb(ins))), None),
        _ => (x, ctx.get(f.kst(op::arg_b(ins)))?, None),
    };
    let mut reg1 = Some(a);
    if opcode != OpCode::MmBin && op::arg_k(ins) {
        std::mem::swap(&mut p1, &mut p2);
        std::mem::swap(&mut reg1, &mut reg2);
    }
    let r = meta::arith(ctx, tm, p1, p2);
    match r {
        Ok(Some(v)) => Ok(ctx.set(dest, v)?),
        Ok(None) => Ok(()),
        Err(Trap::Msg(m)) if ctx.ci()? == f.ci => Err(Trap::Msg(name_operand(ctx, f, m, tm, (p1, reg1), (p2, reg2))?)),
        Err(e) => Err(e),
    }
}

/// Adds the name of the operand at fault to an arithmetic error message
/// ("attempt to perform arithmetic on a nil value (global 'x')",
/// "number (local 'f') has no integer representation").
fn name_operand(ctx: &mut Ctx, f: &Frame, m: String, op: ArithOp, p1: (Value, Option<u32>), p2: (Value, Option<u32>)) -> LuaResult<String> {
    let (_, reg) = if meta::bad_operand_is_second(op, p1.0, p2.0) { p2 } else { p1 };
    let info = match reg {
        Some(r) => varinfo(ctx, f, Some(r), None)?,
        None => String::new(),
    };
    Ok(if let Some(rest) = m.strip_prefix("number has") {
        format!("number{info} has{rest}")
    } else if m.starts_with("attempt to perform") {
        format!("{m}{info}")
    } else {
        m
    })
}

/// Concatenates the `total` values from `first` into `first`, right to left,
/// calling `__concat` where needed (pending count kept in CI_K2).
fn concat_run(ctx: &mut Ctx, f: &Frame, first: Addr, mut total: u64) -> LuaResult<()> {
    while total > 1 {
        let top = first + (total - 1) * VALUE_SIZE;
        let (x, y) = (ctx.get(top - VALUE_SIZE)?, ctx.get(top)?);
        let joinable = |v: Value| matches!(v, Value::Str(_) | Value::Int(_) | Value::Float(_));
        match (joinable(x).then_some(()), joinable(y).then_some(())) {
            (Some(_), Some(_)) => {
                // Join as many string/number values as possible at once.
                let mut n = 2;
                while n < total {
                    let v = ctx.get(top - n * VALUE_SIZE)?;
                    if !matches!(v, Value::Str(_) | Value::Int(_) | Value::Float(_)) {
                        break;
                    }
                    n += 1;
                }
                if concat_length(ctx, top, n)? > crate::lua::lib::builder::FILL_SLICE {
                    // A long result is made by a native, a slice per step.
                    let mut values = Vec::with_capacity(n as usize);
                    for i in (0..n).rev() {
                        values.push(ctx.get(top - i * VALUE_SIZE)?);
                    }
                    ctx.h.write_u64(f.ci + CI_K2, total | (n << 32))?;
                    let native = crate::lua::lib::base::native_value(ctx, "-", "concat")?;
                    meta::call_meta(ctx, native, &values)?;
                    return Ok(());
                }
                let mut bytes = Vec::new();
                for i in (0..n).rev() {
                    let v = ctx.get(top - i * VALUE_SIZE)?;
                    bytes.extend(meta::concat_piece(ctx, v)?.unwrap_or_default());
                }
                let s = ctx.new_str(&bytes)?;
                ctx.set(top - (n - 1) * VALUE_SIZE, s)?;
                total -= n - 1;
            }
            (px, _) => {
                let mut tm = meta::get_tm(ctx, x, "__concat")?;
                if tm.is_nil() {
                    tm = meta::get_tm(ctx, y, "__concat")?;
                }
                if tm.is_nil() {
                    let (bad, reg) = if px.is_some() { (y, top) } else { (x, top - VALUE_SIZE) };
                    let name = meta::type_name_of(ctx, bad)?;
                    let r = Err(Trap::Msg(format!("attempt to concatenate a {name} value")));
                    return with_varinfo(ctx, f, r, Some(((reg - f.base) / VALUE_SIZE) as u32), None);
                }
                ctx.h.write_u64(f.ci + CI_K2, total)?;
                meta::call_meta(ctx, tm, &[x, y])?;
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The length of the `..` of the `n` strings and numbers ending at `top`.
fn concat_length(ctx: &mut Ctx, top: Addr, n: u64) -> LuaResult<u64> {
    let mut len = 0u64;
    for i in 0..n {
        len += match ctx.get(top - i * VALUE_SIZE)? {
            Value::Str(s) => crate::lua::string::len(ctx.h, s)?,
            v => meta::concat_piece(ctx, v)?.map_or(0, |b| b.len() as u64),
        };
    }
    Ok(len)
}

fn op_tailcall(ctx: &mut Ctx, f: &Frame, a: u32, b: u32, c: u32, k: bool) -> LuaResult<()> {
    let ra = f.r(a);
    let nargs = if b != 0 { u64::from(b) - 1 } else { consume_top(ctx, ra)? - 1 };
    if k {
        func::close_upvals(ctx.h, ctx.th, f.base)?;
    }
    let mut func_slot = ctx.h.read_u64(f.ci + CI_FUNC)?;
    if c != 0 {
        let extra = ctx.h.read_u64(f.ci + CI_EXTRA_ARGS)?;
        func_slot -= (extra + u64::from(c)) * VALUE_SIZE;
    }
    let callee = ctx.get(ra)?;
    if !matches!(callee, Value::LuaFn(_)) {
        // Natives (and __call handlers) are called normally from this frame,
        // so that their errors name this frame's call site; the RETURN that
        // always follows a TAILCALL returns their results.
        let r = precall(ctx, ra, nargs, MULTRET);
        return call_error(ctx, f, r, a);
    }
    // Move the function and arguments down over the current frame, then reuse it.
    for i in 0..=nargs {
        let v = ctx.get(ra + i * VALUE_SIZE)?;
        ctx.set(func_slot + i * VALUE_SIZE, v)?;
    }
    let nresults = ctx.h.read_u64(f.ci + CI_NRESULTS)?;
    let prev = ctx.h.read_u64(f.ci + CI_PREV)?;
    let status = ctx.h.read_u64(f.ci + CI_STATUS)?;
    ctx.h.write_u64(ctx.th + T_CI, prev)?;
    precall(ctx, func_slot, nargs, nresults)?;
    // Mark the new frame (if Lua) as entered by a tail call.
    let ci = ctx.ci()?;
    if ci != prev {
        let st = ctx.h.read_u64(ci + CI_STATUS)?;
        ctx.h.write_u64(ci + CI_STATUS, st | cs::TAIL | (status & cs::COROUTINE_BASE))?;
    }
    Ok(())
}

fn op_closure(ctx: &mut Ctx, f: &Frame, ra: Addr, index: u32) -> LuaResult<()> {
    let protos = ctx.h.read_u64(f.proto + P_PROTOS)?;
    let proto = ctx.h.read_u64(protos + u64::from(index) * 8)?;
    let nup = ctx.h.read_u64(proto + func::P_NUPVALS)?;
    let cl = func::new_closure(ctx.h, ctx.g, proto, nup)?;
    // Anchor it before creating upvalues.
    ctx.set(ra, Value::LuaFn(cl))?;
    for i in 0..nup {
        let (in_stack, idx) = func::upval_desc(ctx.h, proto, i)?;
        let uv = if in_stack {
            func::find_upval(ctx.h, ctx.g, ctx.th, f.base + idx * VALUE_SIZE)?
        } else {
            ctx.h.read_u64(f.closure + CL_UPVALS + idx * 8)?
        };
        ctx.h.write_u64(cl + CL_UPVALS + i * 8, uv)?;
    }
    Ok(())
}

fn op_varargprep(ctx: &mut Ctx, f: &Frame, nparams: u32) -> LuaResult<()> {
    let actual = ctx.h.read_u64(f.ci + CI_EXTRA_ARGS)?;
    let nfix = u64::from(nparams);
    let extra = actual.saturating_sub(nfix);
    let func_slot = ctx.h.read_u64(f.ci + CI_FUNC)?;
    let (_, _, max_stack) = func::shape(ctx.h, f.proto)?;
    let new_func = func_slot + (actual + 1) * VALUE_SIZE;
    ctx.check_stack(new_func, 1 + max_stack)?;
    // Copy the function and the fixed parameters above the varargs.
    let fv = ctx.get(func_slot)?;
    ctx.set(new_func, fv)?;
    for i in 1..=nfix {
        let v = ctx.get(func_slot + i * VALUE_SIZE)?;
        ctx.set(new_func + i * VALUE_SIZE, v)?;
        ctx.set(func_slot + i * VALUE_SIZE, Value::Nil)?;
    }
    for i in nfix..max_stack {
        ctx.set(new_func + (1 + i) * VALUE_SIZE, Value::Nil)?;
    }
    ctx.h.write_u64(f.ci + CI_FUNC, new_func)?;
    ctx.h.write_u64(f.ci + CI_TOP, new_func + (1 + max_stack) * VALUE_SIZE)?;
    ctx.h.write_u64(f.ci + CI_EXTRA_ARGS, extra)?;
    Ok(())
}

fn for_number(ctx: &mut Ctx, v: Value) -> LuaResult<Option<Number>> {
    Ok(match v {
        Value::Int(i) => Some(Number::Int(i)),
        Value::Float(x) => Some(Number::Float(x)),
        Value::Str(s) => num::str_to_number(&crate::lua::string::bytes(ctx.h, s)?),
        _ => None,
    })
}

fn for_error(ctx: &mut Ctx, what: &str, v: Value) -> LuaResult<Trap> {
    let got = meta::type_name_of(ctx, v)?;
    Ok(Trap::Msg(format!("bad 'for' {what} (number expected, got {got})")))
}

fn op_forprep(ctx: &mut Ctx, f: &Frame, ra: Addr, bx: u32) -> LuaResult<()> {
    let init = ctx.get(ra)?;
    let limit = ctx.get(ra + VALUE_SIZE)?;
    let step = ctx.get(ra + 2 * VALUE_SIZE)?;
    if let (Value::Int(i0), Value::Int(st)) = (init, step) {
        if st == 0 {
            return Err(Trap::Msg("'for' step is zero".into()));
        }
        let lim = match for_number(ctx, limit)? {
            Some(Number::Int(l)) => l,
            Some(Number::Float(x)) => {
                if x.is_nan() {
                    return jump(ctx, f, i64::from(bx) + 1);
                }
                let r = if st < 0 { x.ceil() } else { x.floor() };
                if r >= 9.223_372_036_854_776e18 {
                    i64::MAX
                } else if r < -9.223_372_036_854_776e18 {
                    i64::MIN
                } else {
                    r as i64
                }
            }
            None => return Err(for_error(ctx, "limit", limit)?),
        };
        if if st > 0 { i0 > lim } else { i0 < lim } {
            return jump(ctx, f, i64::from(bx) + 1);
        }
        let count = if st > 0 {
            (lim as u64).wrapping_sub(i0 as u64) / (st as u64)
        } else {
            (i0 as u64).wrapping_sub(lim as u64) / ((-(st + 1)) as u64 + 1)
        };
        ctx.set(ra + VALUE_SIZE, Value::Int(count as i64))?;
        ctx.set(ra + 3 * VALUE_SIZE, Value::Int(i0))?;
        return Ok(());
    }
    let to_f = |n: Number| match n {
        Number::Int(i) => i as f64,
        Number::Float(x) => x,
    };
    let Some(l) = for_number(ctx, limit)? else { return Err(for_error(ctx, "limit", limit)?) };
    let Some(s) = for_number(ctx, step)? else { return Err(for_error(ctx, "step", step)?) };
    let Some(i) = for_number(ctx, init)? else { return Err(for_error(ctx, "initial value", init)?) };
    let (l, s, i) = (to_f(l), to_f(s), to_f(i));
    if s == 0.0 {
        return Err(Trap::Msg("'for' step is zero".into()));
    }
    if if s > 0.0 { !(i <= l) } else { !(l <= i) } {
        return jump(ctx, f, i64::from(bx) + 1);
    }
    ctx.set(ra, Value::Float(i))?;
    ctx.set(ra + VALUE_SIZE, Value::Float(l))?;
    ctx.set(ra + 2 * VALUE_SIZE, Value::Float(s))?;
    ctx.set(ra + 3 * VALUE_SIZE, Value::Float(i))?;
    Ok(())
}

fn op_forloop(ctx: &mut Ctx, f: &Frame, ra: Addr, bx: u32) -> LuaResult<()> {
    let step = ctx.get(ra + 2 * VALUE_SIZE)?;
    if let Value::Int(st) = step {
        let Value::Int(count) = ctx.get(ra + VALUE_SIZE)? else { return Err(crate::heap::Fault::Invalid("bad for-loop count").into()) };
        if count as u64 > 0 {
            let Value::Int(idx) = ctx.get(ra)? else { return Err(crate::heap::Fault::Invalid("bad for-loop index").into()) };
            let idx = idx.wrapping_add(st);
            ctx.set(ra + VALUE_SIZE, Value::Int((count as u64 - 1) as i64))?;
            ctx.set(ra, Value::Int(idx))?;
            ctx.set(ra + 3 * VALUE_SIZE, Value::Int(idx))?;
            jump(ctx, f, -i64::from(bx))?;
        }
        return Ok(());
    }
    let (Value::Float(s), Value::Float(l), Value::Float(i)) = (step, ctx.get(ra + VALUE_SIZE)?, ctx.get(ra)?) else {
        return Err(crate::heap::Fault::Invalid("bad float for-loop").into());
    };
    let i = i + s;
    if if s > 0.0 { i <= l } else { l <= i } {
        ctx.set(ra, Value::Float(i))?;
        ctx.set(ra + 3 * VALUE_SIZE, Value::Float(i))?;
        jump(ctx, f, -i64::from(bx))?;
    }
    Ok(())
}

/// Which local (1-based among active ones) lives in register `reg`.
fn tbc_local_index(proto: &crate::lua::compiler::Proto, pc: usize, reg: u32) -> usize {
    let _ = (proto, pc);
    reg as usize + 1
}

/// Completes the instruction of Lua frame `ci` that was waiting for a
/// metamethod's result, which is at `result`.
pub fn finish_op(ctx: &mut Ctx, ci: Addr, result: Addr) -> LuaResult<()> {
    let func_slot = ctx.h.read_u64(ci + CI_FUNC)?;
    let Value::LuaFn(closure) = ctx.get(func_slot)? else { return Ok(()) };
    let proto = ctx.h.read_u64(closure + CL_PROTO)?;
    let code = ctx.h.read_u64(proto + P_CODE)?;
    let pc = ctx.h.read_u64(ci + CI_PC)?;
    let ins = ctx.h.read_u32(code + (pc - 1) * 4)?;
    let base = func_slot + VALUE_SIZE;
    let opcode = op::get_opcode(ins).map_err(|_| crate::heap::Fault::Invalid("bad opcode"))?;
    let value = ctx.get(result)?;
    let reg = |i: u32| base + u64::from(i) * VALUE_SIZE;
    match opcode {
        OpCode::MmBin | OpCode::MmBinI | OpCode::MmBinK => {
            let prev = ctx.h.read_u32(code + (pc - 2) * 4)?;
            ctx.set(reg(op::arg_a(prev)), value)?;
        }
        OpCode::Unm
        | OpCode::BNot
        | OpCode::Len
        | OpCode::GetTabUp
        | OpCode::GetTable
        | OpCode::GetI
        | OpCode::GetField
        | OpCode::Self_ => ctx.set(reg(op::arg_a(ins)), value)?,
        OpCode::Eq | OpCode::Lt | OpCode::Le | OpCode::LtI | OpCode::LeI | OpCode::GtI | OpCode::GeI => {
            let res = value.truthy();
            if res != op::arg_k(ins) {
                ctx.h.write_u64(ci + CI_PC, pc + 1)?;
            } else {
                let next = ctx.h.read_u32(code + pc * 4)?;
                ctx.h.write_u64(ci + CI_PC, (pc as i64 + 1 + i64::from(op::arg_sj(next))) as u64)?;
            }
        }
        OpCode::Concat => {
            // CI_K2: values left, and (high half) how many the call joined
            // (0 for a __concat metamethod, which joins two).
            let k2 = ctx.h.read_u64(ci + CI_K2)?;
            let (total, joined) = (k2 & 0xffff_ffff, (k2 >> 32).max(2));
            let first = reg(op::arg_a(ins));
            ctx.set(first + (total - joined) * VALUE_SIZE, value)?;
            let k = ctx.h.read_u64(proto + P_K)?;
            let frame = Frame { ci, closure, proto, base, k, pc: pc - 1 };
            concat_run(ctx, &frame, first, total - joined + 1)?;
        }
        _ => {}
    }
    Ok(())
}
