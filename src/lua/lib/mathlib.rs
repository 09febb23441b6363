//! The math library.

use super::*;
use crate::lua::text::number::{self as num};

fn f1(ctx: &mut Ctx, args: &[Value], name: &str, op: fn(f64) -> f64) -> LuaResult<NativeResult> {
    let x = check_float(ctx, args, 1, name)?;
    ret1(Value::Float(op(x)))
}

pub fn floor(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    match check_number(ctx, args, 1, "floor")? {
        Value::Float(f) => ret1(num::float_to_int_exact(f.floor()).map_or(Value::Float(f.floor()), Value::Int)),
        v => ret1(v),
    }
}

pub fn ceil(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    match check_number(ctx, args, 1, "ceil")? {
        Value::Float(f) => ret1(num::float_to_int_exact(f.ceil()).map_or(Value::Float(f.ceil()), Value::Int)),
        v => ret1(v),
    }
}

pub fn abs(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    match check_number(ctx, args, 1, "abs")? {
        Value::Int(i) => ret1(Value::Int(i.wrapping_abs())),
        Value::Float(f) => ret1(Value::Float(f.abs())),
        _ => unreachable!("numbers only"),
    }
}

fn min_max(ctx: &mut Ctx, args: &[Value], name: &str, want_max: bool) -> LuaResult<NativeResult> {
    let mut best = check_number(ctx, args, 1, name)?;
    for n in 2..=args.len() {
        let v = check_number(ctx, args, n, name)?;
        let better = if want_max { meta::less(ctx, best, v, false)? } else { meta::less(ctx, v, best, false)? };
        if better == Some(true) {
            best = v;
        }
    }
    ret1(best)
}

pub fn max(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    min_max(ctx, args, "max", true)
}

pub fn min(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    min_max(ctx, args, "min", false)
}

pub fn sqrt(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    f1(ctx, args, "sqrt", f64::sqrt)
}

pub fn tointeger(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    ret1(match arg(args, 1) {
        Value::Int(i) => Value::Int(i),
        Value::Float(f) => num::float_to_int_exact(f).map_or(Value::Nil, Value::Int),
        _ => {
            check_any(args, 1, "tointeger")?;
            let _ = ctx;
            Value::Nil
        }
    })
}

pub fn type_(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let v = check_any(args, 1, "type")?;
    ret1(match v {
        Value::Int(_) => ctx.new_str(b"integer")?,
        Value::Float(_) => ctx.new_str(b"float")?,
        _ => Value::Nil,
    })
}

pub fn fmod(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let a = check_number(ctx, args, 1, "fmod")?;
    let b = check_number(ctx, args, 2, "fmod")?;
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        if y == 0 {
            return arg_error(2, "fmod", "zero");
        }
        return ret1(Value::Int(if y == -1 { 0 } else { x % y }));
    }
    let (x, y) = (check_float(ctx, args, 1, "fmod")?, check_float(ctx, args, 2, "fmod")?);
    ret1(Value::Float(x % y))
}

pub fn modf(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let x = check_float(ctx, args, 1, "modf")?;
    let ip = if x.is_infinite() { x } else { x.trunc() };
    let frac = if x.is_infinite() { 0.0 } else { x - ip };
    let ipv = num::float_to_int_exact(ip).map_or(Value::Float(ip), |i| Value::Float(i as f64));
    ret(vec![ipv, Value::Float(frac)])
}

pub fn exp(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    f1(ctx, args, "exp", f64::exp)
}

pub fn log(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let x = check_float(ctx, args, 1, "log")?;
    if arg(args, 2).is_nil() {
        return ret1(Value::Float(x.ln()));
    }
    let b = check_float(ctx, args, 2, "log")?;
    ret1(Value::Float(if b == 2.0 {
        x.log2()
    } else if b == 10.0 {
        x.log10()
    } else {
        x.ln() / b.ln()
    }))
}

pub fn sin(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    f1(ctx, args, "sin", f64::sin)
}
pub fn cos(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    f1(ctx, args, "cos", f64::cos)
}
pub fn tan(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    f1(ctx, args, "tan", f64::tan)
}
pub fn asin(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    f1(ctx, args, "asin", f64::asin)
}
pub fn acos(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    f1(ctx, args, "acos", f64::acos)
}

pub fn atan(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let y = check_float(ctx, args, 1, "atan")?;
    let x = if arg(args, 2).is_nil() { 1.0 } else { check_float(ctx, args, 2, "atan")? };
    ret1(Value::Float(y.atan2(x)))
}

pub fn ult(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let a = check_int(ctx, args, 1, "ult")?;
    let b = check_int(ctx, args, 2, "ult")?;
    ret1(Value::Bool((a as u64) < (b as u64)))
}

/// xorshift state kept in the global block's GC area (word 8).
pub fn random(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let word = ctx.g + crate::lua::state::G_GC + 8 * 8;
    let mut x = ctx.h.read_u64(word)?;
    if x == 0 {
        x = 0x2545_F491_4F6C_DD1D;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    ctx.h.write_u64(word, x)?;
    match args.len() {
        0 => ret1(Value::Float((x >> 11) as f64 / (1u64 << 53) as f64)),
        _ => {
            let (lo, hi) = if args.len() == 1 { (1, check_int(ctx, args, 1, "random")?) } else { (check_int(ctx, args, 1, "random")?, check_int(ctx, args, 2, "random")?) };
            if lo > hi {
                return arg_error(args.len(), "random", "interval is empty");
            }
            let span = (hi as u64).wrapping_sub(lo as u64).wrapping_add(1);
            let r = if span == 0 { x } else { x % span };
            ret1(Value::Int((lo as u64).wrapping_add(r) as i64))
        }
    }
}

pub fn randomseed(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let seed = if args.is_empty() { 0x1234_5678 } else { check_int(ctx, args, 1, "randomseed")? as u64 };
    ctx.h.write_u64(ctx.g + crate::lua::state::G_GC + 8 * 8, seed | 1)?;
    ret(vec![])
}

pub fn add_constants(ctx: &mut Ctx, math: Addr) -> Result<(), Fault> {
    if math == 0 {
        return Ok(());
    }
    for (name, v) in [
        ("pi", Value::Float(std::f64::consts::PI)),
        ("huge", Value::Float(f64::INFINITY)),
        ("maxinteger", Value::Int(i64::MAX)),
        ("mininteger", Value::Int(i64::MIN)),
    ] {
        let key = ctx.new_str(name.as_bytes())?;
        table::set(ctx.h, math, key, v)?.ok();
    }
    Ok(())
}
