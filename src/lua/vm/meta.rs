//! Metatables and the operations that may call metamethods.
//!
//! An operation that needs a metamethod *function* cannot run it here (that
//! would recurse on the Rust stack). It places the call above the running
//! Lua frame, marks the frame FINISH_OP and returns `None`; when the call
//! returns, `exec::finish_op` completes the interrupted instruction with the
//! result. Operations called from natives get the same `None` and use
//! `NativeResult::Call` instead.

use super::arith::{arith_numbers, coerce_arith, ArithOp};
use super::call::{precall, Ctx};
use super::{LuaResult, Trap};
use crate::lua::state::*;
use crate::lua::string;
use crate::lua::table;
use crate::lua::text::number::{self as num, Number};
use crate::lua::value::{Value, VALUE_SIZE};
use crate::heap::Addr;

/// The metatable of a value (tables have their own, strings share one).
pub fn metatable_of(ctx: &mut Ctx, v: Value) -> LuaResult<Addr> {
    Ok(match v {
        Value::Table(t) | Value::Userdata(t) => table::metatable(ctx.h, t)?,
        Value::Str(_) => ctx.h.read_u64(ctx.g + G_STRING_META)?,
        _ => 0,
    })
}

/// The metamethod `name` of `v`, or nil.
pub fn get_tm(ctx: &mut Ctx, v: Value, name: &str) -> LuaResult<Value> {
    let mt = metatable_of(ctx, v)?;
    if mt == 0 {
        return Ok(Value::Nil);
    }
    let key = ctx.new_str(name.as_bytes())?;
    Ok(table::get(ctx.h, mt, key)?)
}

/// A value's type name for messages, honouring `__name`.
pub fn type_name_of(ctx: &mut Ctx, v: Value) -> LuaResult<String> {
    if let Value::Table(_) | Value::Userdata(_) = v {
        if let Value::Str(s) = get_tm(ctx, v, "__name")? {
            return Ok(String::from_utf8_lossy(&string::bytes(ctx.h, s)?).into_owned());
        }
    }
    Ok(v.type_name().to_string())
}

/// Calls metamethod `f` with `args` for the running Lua instruction, one result.
pub fn call_meta(ctx: &mut Ctx, f: Value, args: &[Value]) -> LuaResult<()> {
    let ci = ctx.ci()?;
    let slot = ctx.h.read_u64(ci + CI_TOP)?;
    ctx.check_stack(slot, 1 + args.len() as u64)?;
    ctx.set(slot, f)?;
    for (i, a) in args.iter().enumerate() {
        ctx.set(slot + (1 + i as u64) * VALUE_SIZE, *a)?;
    }
    let status = ctx.h.read_u64(ci + CI_STATUS)?;
    ctx.h.write_u64(ci + CI_STATUS, status | cs::FINISH_OP)?;
    ctx.enter_c_level(true)?;
    precall(ctx, slot, args.len() as u64, 1)
}

const MAX_TAG_LOOP: usize = 2000;

/// `obj[key]` with `__index`. `Ok(None)`: a metamethod call was started.
pub fn index(ctx: &mut Ctx, mut obj: Value, key: Value) -> LuaResult<Option<Value>> {
    for _ in 0..MAX_TAG_LOOP {
        let tm = if let Value::Table(t) = obj {
            let v = table::get(ctx.h, t, key)?;
            if !v.is_nil() {
                return Ok(Some(v));
            }
            let tm = get_tm(ctx, obj, "__index")?;
            if tm.is_nil() {
                return Ok(Some(Value::Nil));
            }
            tm
        } else {
            let tm = get_tm(ctx, obj, "__index")?;
            if tm.is_nil() {
                return Err(Trap::Msg(format!("attempt to index a {} value", type_name_of(ctx, obj)?)));
            }
            tm
        };
        if tm.is_function() {
            call_meta(ctx, tm, &[obj, key])?;
            return Ok(None);
        }
        obj = tm;
    }
    Err(Trap::Msg("'__index' chain too long; possible loop".into()))
}

/// `obj[key] = value` with `__newindex`. `Ok(false)`: a metamethod call was started.
pub fn set_index(ctx: &mut Ctx, mut obj: Value, key: Value, value: Value) -> LuaResult<bool> {
    for _ in 0..MAX_TAG_LOOP {
        let tm = if let Value::Table(t) = obj {
            let existing = table::get(ctx.h, t, key)?;
            let tm = if existing.is_nil() { get_tm(ctx, obj, "__newindex")? } else { Value::Nil };
            if tm.is_nil() {
                raw_set(ctx, t, key, value)?;
                return Ok(true);
            }
            tm
        } else {
            let tm = get_tm(ctx, obj, "__newindex")?;
            if tm.is_nil() {
                return Err(Trap::Msg(format!("attempt to index a {} value", type_name_of(ctx, obj)?)));
            }
            tm
        };
        if tm.is_function() {
            let ci = ctx.ci()?;
            let slot = ctx.h.read_u64(ci + CI_TOP)?;
            ctx.check_stack(slot, 4)?;
            ctx.set(slot, tm)?;
            ctx.set(slot + VALUE_SIZE, obj)?;
            ctx.set(slot + 2 * VALUE_SIZE, key)?;
            ctx.set(slot + 3 * VALUE_SIZE, value)?;
            let status = ctx.h.read_u64(ci + CI_STATUS)?;
            ctx.h.write_u64(ci + CI_STATUS, status | cs::FINISH_OP)?;
            ctx.enter_c_level(true)?;
            precall(ctx, slot, 3, 0)?;
            return Ok(false);
        }
        obj = tm;
    }
    Err(Trap::Msg("'__newindex' chain too long; possible loop".into()))
}

/// `rawset`, with Lua's errors for nil and NaN keys.
pub fn raw_set(ctx: &mut Ctx, t: Addr, key: Value, value: Value) -> LuaResult<()> {
    match table::set(ctx.h, t, key, value)? {
        Ok(()) => Ok(()),
        Err(table::KeyError::Nil) => Err(Trap::Msg("table index is nil".into())),
        Err(table::KeyError::NaN) => Err(Trap::Msg("table index is NaN".into())),
    }
}

fn string_bytes(ctx: &mut Ctx, v: Value) -> LuaResult<Option<Vec<u8>>> {
    Ok(match v {
        Value::Str(s) => Some(string::bytes(ctx.h, s)?),
        _ => None,
    })
}

/// A binary (or unary, with `b == a`) arithmetic operation with
/// metamethods. `Ok(None)`: a metamethod call was started.
///
/// Strings take part through the string metatable's arithmetic
/// metamethods, as in Lua 5.4; when those are the library's own, their
/// work is done here without a call.
pub fn arith(ctx: &mut Ctx, op: ArithOp, a: Value, b: Value) -> LuaResult<Option<Value>> {
    if let Some(v) = arith_numbers(op, a, b)? {
        return Ok(Some(v));
    }
    let mut tm = get_tm(ctx, a, op.metamethod())?;
    if tm.is_nil() {
        tm = get_tm(ctx, b, op.metamethod())?;
    }
    if tm.is_nil() {
        return Err(arith_error(ctx, op, a, b)?);
    }
    if is_string_arith_native(ctx, tm, op)? {
        match string_arith(ctx, op, a, b)? {
            Ok(v) => return Ok(Some(v)),
            Err(other_tm) => tm = other_tm,
        }
    }
    call_meta(ctx, tm, &[a, b])?;
    Ok(None)
}

/// Is `f` the string library's own metamethod for `op`?
fn is_string_arith_native(ctx: &mut Ctx, f: Value, op: ArithOp) -> LuaResult<bool> {
    let Value::NativeFn(nf) = f else { return Ok(false) };
    let id = ctx.h.read_u64(nf + crate::lua::func::NF_ID)?;
    Ok(crate::lua::lib::native_def(id).is_some_and(|d| d.lib == "-" && d.name == op.metamethod()))
}

/// What the string metatable's arithmetic metamethods do: operands that
/// read as numbers are converted; otherwise the second operand's own
/// metamethod is returned to be called (`Err`), or the operation fails.
pub fn string_arith(ctx: &mut Ctx, op: ArithOp, a: Value, b: Value) -> LuaResult<Result<Value, Value>> {
    let sa = string_bytes(ctx, a)?;
    let sb = string_bytes(ctx, b)?;
    let (ca, cb) = (coerce_arith(a, sa.as_deref()), coerce_arith(b, sb.as_deref()));
    match arith_numbers(op, ca, cb) {
        Ok(Some(v)) => return Ok(Ok(v)),
        Ok(None) => {}
        // Raised inside a library function: no position.
        Err(Trap::Msg(m)) => return Err(Trap::Error(ctx.new_str(m.as_bytes())?)),
        Err(e) => return Err(e),
    }
    if !matches!(b, Value::Str(_)) {
        let tm = get_tm(ctx, b, op.metamethod())?;
        if !tm.is_nil() {
            return Ok(Err(tm));
        }
    }
    let event = op.metamethod().trim_start_matches("__");
    Err(Trap::Msg(format!("attempt to {event} a '{}' with a '{}'", a.type_name(), b.type_name())))
}

/// The error for an arithmetic operation without numbers or metamethods,
/// as Lua words it. The caller adds the operand's name: see `bad_operand`.
pub fn arith_error(ctx: &mut Ctx, op: ArithOp, a: Value, b: Value) -> LuaResult<Trap> {
    let is_num = |v: Value| matches!(v, Value::Int(_) | Value::Float(_));
    if op.is_bitwise() && is_num(a) && is_num(b) {
        return Ok(Trap::Msg("number has no integer representation".into()));
    }
    let what = if op.is_bitwise() { "perform bitwise operation on" } else { "perform arithmetic on" };
    let bad = if is_num(a) { b } else { a };
    Ok(Trap::Msg(format!("attempt to {what} a {} value", type_name_of(ctx, bad)?)))
}

/// Which operand (false: the first, true: the second) an arithmetic error
/// from `arith_error` is about, as Lua's opinterror/tointerror choose it.
pub fn bad_operand_is_second(op: ArithOp, a: Value, b: Value) -> bool {
    let is_num = |v: Value| matches!(v, Value::Int(_) | Value::Float(_));
    if op.is_bitwise() && is_num(a) && is_num(b) {
        let fits = |v: Value| match v {
            Value::Int(_) => true,
            Value::Float(f) => num::float_to_int_exact(f).is_some(),
            _ => false,
        };
        return fits(a);
    }
    is_num(a)
}

fn as_number(v: Value) -> Option<Number> {
    match v {
        Value::Int(i) => Some(Number::Int(i)),
        Value::Float(f) => Some(Number::Float(f)),
        _ => None,
    }
}

/// Raw equality (no metamethods).
pub fn raw_equal(ctx: &mut Ctx, a: Value, b: Value) -> LuaResult<bool> {
    Ok(match (a, b) {
        (Value::Str(x), Value::Str(y)) => string::equal(ctx.h, x, y)?,
        _ => match (as_number(a), as_number(b)) {
            (Some(x), Some(y)) => num::eq_num(x, y),
            _ => a == b,
        },
    })
}

/// `a == b` with `__eq`. `Ok(None)`: a metamethod call was started.
pub fn equal(ctx: &mut Ctx, a: Value, b: Value) -> LuaResult<Option<bool>> {
    if let (Value::Table(x), Value::Table(y)) = (a, b) {
        if x == y {
            return Ok(Some(true));
        }
        let mut tm = get_tm(ctx, a, "__eq")?;
        if tm.is_nil() {
            tm = get_tm(ctx, b, "__eq")?;
        }
        if tm.is_nil() {
            return Ok(Some(false));
        }
        call_meta(ctx, tm, &[a, b])?;
        return Ok(None);
    }
    Ok(Some(raw_equal(ctx, a, b)?))
}

/// `a < b` (or `a <= b` with `or_equal`) with `__lt`/`__le`.
pub fn less(ctx: &mut Ctx, a: Value, b: Value, or_equal: bool) -> LuaResult<Option<bool>> {
    if let (Some(x), Some(y)) = (as_number(a), as_number(b)) {
        return Ok(Some(if or_equal { num::le_num(x, y) } else { num::lt_num(x, y) }));
    }
    if let (Value::Str(x), Value::Str(y)) = (a, b) {
        let ord = string::compare(ctx.h, x, y)?;
        return Ok(Some(if or_equal { ord.is_le() } else { ord.is_lt() }));
    }
    let name = if or_equal { "__le" } else { "__lt" };
    let mut tm = get_tm(ctx, a, name)?;
    if tm.is_nil() {
        tm = get_tm(ctx, b, name)?;
    }
    if tm.is_nil() {
        let (ta, tb) = (type_name_of(ctx, a)?, type_name_of(ctx, b)?);
        return Err(Trap::Msg(if ta == tb {
            format!("attempt to compare two {ta} values")
        } else {
            format!("attempt to compare {ta} with {tb}")
        }));
    }
    call_meta(ctx, tm, &[a, b])?;
    Ok(None)
}

/// `a < b` for a native (lua_compare): the answer, or the `__lt`
/// metamethod to call with (a, b). A failure carries no position: the
/// reference raises it with the native running.
pub fn less_for_native(ctx: &mut Ctx, a: Value, b: Value) -> LuaResult<Result<bool, Value>> {
    if let (Some(x), Some(y)) = (as_number(a), as_number(b)) {
        return Ok(Ok(num::lt_num(x, y)));
    }
    if let (Value::Str(x), Value::Str(y)) = (a, b) {
        return Ok(Ok(string::compare(ctx.h, x, y)?.is_lt()));
    }
    let mut tm = get_tm(ctx, a, "__lt")?;
    if tm.is_nil() {
        tm = get_tm(ctx, b, "__lt")?;
    }
    if tm.is_nil() {
        let (ta, tb) = (type_name_of(ctx, a)?, type_name_of(ctx, b)?);
        let msg = if ta == tb { format!("attempt to compare two {ta} values") } else { format!("attempt to compare {ta} with {tb}") };
        return Err(Trap::Error(ctx.new_str(msg.as_bytes())?));
    }
    Ok(Err(tm))
}

/// `#v` with `__len`. `Ok(None)`: a metamethod call was started.
pub fn length(ctx: &mut Ctx, v: Value) -> LuaResult<Option<Value>> {
    match v {
        Value::Str(s) => Ok(Some(Value::Int(string::len(ctx.h, s)? as i64))),
        Value::Table(t) => {
            let tm = get_tm(ctx, v, "__len")?;
            if tm.is_nil() {
                return Ok(Some(Value::Int(table::length(ctx.h, t)? as i64)));
            }
            call_meta(ctx, tm, &[v, v])?;
            Ok(None)
        }
        _ => {
            let tm = get_tm(ctx, v, "__len")?;
            if tm.is_nil() {
                return Err(Trap::Msg(format!("attempt to get length of a {} value", type_name_of(ctx, v)?)));
            }
            call_meta(ctx, tm, &[v, v])?;
            Ok(None)
        }
    }
}

/// The bytes of a string or number for concatenation, or None.
pub fn concat_piece(ctx: &mut Ctx, v: Value) -> LuaResult<Option<Vec<u8>>> {
    Ok(match v {
        Value::Str(s) => Some(string::bytes(ctx.h, s)?),
        Value::Int(i) => Some(num::fmt_int(i)),
        Value::Float(f) => Some(num::fmt_float(f)),
        _ => None,
    })
}

/// `tostring` without `__tostring` (numbers, strings, booleans, nil, and
/// "type: 0xADDR" for objects).
pub fn basic_tostring(ctx: &mut Ctx, v: Value) -> LuaResult<Vec<u8>> {
    if let Some(b) = concat_piece(ctx, v)? {
        return Ok(b);
    }
    Ok(match v {
        Value::Nil => b"nil".to_vec(),
        Value::Bool(true) => b"true".to_vec(),
        Value::Bool(false) => b"false".to_vec(),
        other => {
            let name = type_name_of(ctx, other)?;
            format!("{name}: 0x{:014x}", other.object().unwrap_or(0)).into_bytes()
        }
    })
}
