//! The math library.

use super::*;
use crate::lua::text::number::{self as num};

fn f1(ctx: &mut Ctx, args: &[Value], name: &str, op: fn(f64) -> f64) -> LuaResult<NativeResult> {
    let x = check_float(ctx, args, 1, name)?;
    ret1(Value::Float(op(x)))
}

/// An argument that is an integer value (not a string: the reference's
/// `lua_isinteger`); other numbers are taken as floats.
fn int_arg(args: &[Value], n: usize) -> Option<i64> {
    match arg(args, n) {
        Value::Int(i) => Some(i),
        _ => None,
    }
}

/// A float result that is an integer value comes back as an integer.
fn int_if_exact(f: f64) -> Value {
    num::float_to_int_exact(f).map_or(Value::Float(f), Value::Int)
}

pub fn floor(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    if let Some(i) = int_arg(args, 1) {
        return ret1(Value::Int(i));
    }
    ret1(int_if_exact(check_float(ctx, args, 1, "floor")?.floor()))
}

pub fn ceil(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    if let Some(i) = int_arg(args, 1) {
        return ret1(Value::Int(i));
    }
    ret1(int_if_exact(check_float(ctx, args, 1, "ceil")?.ceil()))
}

pub fn abs(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    if let Some(i) = int_arg(args, 1) {
        return ret1(Value::Int(i.wrapping_abs()));
    }
    ret1(Value::Float(check_float(ctx, args, 1, "abs")?.abs()))
}

/// math.max/math.min compare with `<` (metamethods included); a `__lt`
/// call's answer comes back to the continuation, which resumes the scan
/// (k = index compared << 32 | index of the best so far).
fn min_max(ctx: &mut Ctx, args: &[Value], want_max: bool, mut i: usize, mut best: usize, mut answer: Option<bool>) -> LuaResult<NativeResult> {
    if args.is_empty() {
        return arg_error(1, if want_max { "max" } else { "min" }, "value expected");
    }
    while i <= args.len() {
        let better = match answer.take() {
            Some(r) => r,
            None => {
                let (a, b) = if want_max { (args[best - 1], args[i - 1]) } else { (args[i - 1], args[best - 1]) };
                match meta::less_for_native(ctx, a, b)? {
                    Ok(r) => r,
                    Err(tm) => {
                        let k = ((i as u64) << 32) | best as u64;
                        return Ok(NativeResult::Call { func: tm, args: vec![a, b], k, protected: false });
                    }
                }
            }
        };
        if better {
            best = i;
        }
        i += 1;
    }
    ret1(args[best - 1])
}

pub fn max(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    min_max(ctx, args, true, 2, 1, None)
}

pub fn min(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    min_max(ctx, args, false, 2, 1, None)
}

pub fn max_k(ctx: &mut Ctx, k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let r = input.map_err(Trap::Error)?.first().is_some_and(|v| v.truthy());
    min_max(ctx, args, true, (k >> 32) as usize, (k & 0xffff_ffff) as usize, Some(r))
}

pub fn min_k(ctx: &mut Ctx, k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let r = input.map_err(Trap::Error)?.first().is_some_and(|v| v.truthy());
    min_max(ctx, args, false, (k >> 32) as usize, (k & 0xffff_ffff) as usize, Some(r))
}

pub fn sqrt(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    f1(ctx, args, "sqrt", f64::sqrt)
}

pub fn tointeger(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let v = match arg(args, 1) {
        Value::Int(i) => Value::Int(i),
        Value::Float(f) => num::float_to_int_exact(f).map_or(Value::Nil, Value::Int),
        Value::Str(s) => match num::str_to_number(&crate::lua::string::bytes(ctx.h, s)?) {
            Some(num::Number::Int(i)) => Value::Int(i),
            Some(num::Number::Float(f)) => num::float_to_int_exact(f).map_or(Value::Nil, Value::Int),
            None => Value::Nil,
        },
        _ => {
            check_any(args, 1, "tointeger")?;
            Value::Nil
        }
    };
    ret1(v)
}

pub fn deg(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    f1(ctx, args, "deg", |x| x * (180.0 / std::f64::consts::PI))
}

pub fn rad(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    f1(ctx, args, "rad", |x| x * (std::f64::consts::PI / 180.0))
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
    if let (Some(x), Some(y)) = (int_arg(args, 1), int_arg(args, 2)) {
        if y == 0 {
            return arg_error(2, "fmod", "zero");
        }
        // x % -1 is 0 (and would overflow for the smallest integer).
        return ret1(Value::Int(if y == -1 { 0 } else { x % y }));
    }
    let (x, y) = (check_float(ctx, args, 1, "fmod")?, check_float(ctx, args, 2, "fmod")?);
    ret1(Value::Float(x % y))
}

pub fn modf(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    if let Some(i) = int_arg(args, 1) {
        return ret(vec![Value::Int(i), Value::Float(0.0)]);
    }
    let x = check_float(ctx, args, 1, "modf")?;
    let ip = if x < 0.0 { x.ceil() } else { x.floor() };
    let frac = if x == ip { 0.0 } else { x - ip };
    ret(vec![int_if_exact(ip), Value::Float(frac)])
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

// ----- random: xoshiro256**, seeded as the reference seeds it ---------------
//
// The four state words are kept in a table in the registry, so a given
// seed gives the reference's sequence. Without `randomseed` the seed is
// fixed (the reference picks one from the clock).

fn rotl(x: u64, n: u32) -> u64 {
    x.rotate_left(n)
}

fn next_rand(s: &mut [u64; 4]) -> u64 {
    let result = rotl(s[1].wrapping_mul(5), 7).wrapping_mul(9);
    let t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    result
}

fn seeded(n1: u64, n2: u64) -> [u64; 4] {
    let mut s = [n1, 0xff, n2, 0];
    for _ in 0..16 {
        next_rand(&mut s);
    }
    s
}

/// The registry table holding the generator's state, made on first use.
fn rand_table(ctx: &mut Ctx) -> LuaResult<Addr> {
    let registry = ctx.h.read_u64(ctx.g + crate::lua::state::G_REGISTRY)?;
    let key = ctx.new_str(b"vheap.random")?;
    if let Value::Table(t) = table::get(ctx.h, registry, key)? {
        return Ok(t);
    }
    let t = table::new_table(ctx.h, ctx.g, 4, 0)?;
    table::set(ctx.h, registry, key, Value::Table(t))?.ok();
    store_state(ctx, t, &seeded(0x2545_f491_4f6c_dd1d, 0))?;
    Ok(t)
}

fn load_state(ctx: &mut Ctx, t: Addr) -> LuaResult<[u64; 4]> {
    let mut s = [0u64; 4];
    for (i, w) in s.iter_mut().enumerate() {
        if let Value::Int(v) = table::get_int(ctx.h, t, i as i64 + 1)? {
            *w = v as u64;
        }
    }
    Ok(s)
}

fn store_state(ctx: &mut Ctx, t: Addr, s: &[u64; 4]) -> LuaResult<()> {
    for (i, w) in s.iter().enumerate() {
        table::set_int(ctx.h, t, i as i64 + 1, Value::Int(*w as i64))?;
    }
    Ok(())
}

/// A random number in [0, n], without bias (the reference's `project`).
fn project(mut ran: u64, n: u64, s: &mut [u64; 4]) -> u64 {
    if n & n.wrapping_add(1) == 0 {
        return ran & n;
    }
    let mut lim = n;
    for shift in [1, 2, 4, 8, 16, 32] {
        lim |= lim >> shift;
    }
    loop {
        ran &= lim;
        if ran <= n {
            return ran;
        }
        ran = next_rand(s);
    }
}

pub fn random(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = rand_table(ctx)?;
    let mut s = load_state(ctx, t)?;
    let rv = next_rand(&mut s);
    let (low, up) = match args.len() {
        0 => {
            store_state(ctx, t, &s)?;
            return ret1(Value::Float((rv >> 11) as f64 * (0.5f64).powi(53)));
        }
        1 => {
            let up = check_int(ctx, args, 1, "random")?;
            if up == 0 {
                store_state(ctx, t, &s)?;
                return ret1(Value::Int(rv as i64));
            }
            (1, up)
        }
        2 => (check_int(ctx, args, 1, "random")?, check_int(ctx, args, 2, "random")?),
        _ => return Err(Trap::Msg("wrong number of arguments".into())),
    };
    if low > up {
        return arg_error(1, "random", "interval is empty");
    }
    let r = project(rv, (up as u64).wrapping_sub(low as u64), &mut s);
    store_state(ctx, t, &s)?;
    ret1(Value::Int(r.wrapping_add(low as u64) as i64))
}

pub fn randomseed(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let (n1, n2) = if args.is_empty() {
        (0x1234_5678_9abc_def0, 0)
    } else {
        let n1 = check_int(ctx, args, 1, "randomseed")?;
        (n1 as u64, opt_int(ctx, args, 2, "randomseed", 0)? as u64)
    };
    let t = rand_table(ctx)?;
    store_state(ctx, t, &seeded(n1, n2))?;
    ret(vec![Value::Int(n1 as i64), Value::Int(n2 as i64)])
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
