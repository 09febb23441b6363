//! The deterministic parts of os and io.

use super::*;
use crate::lua::string;

fn field(ctx: &mut Ctx, t: Addr, name: &str, default: Option<i64>) -> LuaResult<i64> {
    let key = ctx.new_str(name.as_bytes())?;
    match table::get(ctx.h, t, key)? {
        Value::Int(i) => Ok(i),
        Value::Float(f) => crate::lua::text::number::float_to_int_exact(f)
            .ok_or_else(|| Trap::Msg(format!("field '{name}' is not an integer"))),
        Value::Nil => default.ok_or_else(|| Trap::Msg(format!("field '{name}' missing in date table"))),
        _ => Err(Trap::Msg(format!("field '{name}' is not an integer"))),
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn time(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    match arg(args, 1) {
        Value::Nil => {
            #[cfg(not(target_arch = "wasm32"))]
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
            #[cfg(target_arch = "wasm32")]
            let now = 0;
            ret1(Value::Int(now))
        }
        Value::Table(t) => {
            let year = field(ctx, t, "year", None)?;
            let month = field(ctx, t, "month", None)?;
            let day = field(ctx, t, "day", None)?;
            let hour = field(ctx, t, "hour", Some(12))?;
            let min = field(ctx, t, "min", Some(0))?;
            let sec = field(ctx, t, "sec", Some(0))?;
            // Local time is taken to be UTC.
            let days = days_from_civil(year, month, 1) + day - 1;
            ret1(Value::Int(days * 86_400 + hour * 3600 + min * 60 + sec))
        }
        _ => type_error(ctx, args, 1, "time", "table"),
    }
}

pub fn clock(_ctx: &mut Ctx, _args: &[Value]) -> LuaResult<NativeResult> {
    ret1(Value::Float(0.0))
}

pub fn date(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let fmt = opt_bytes(ctx, args, 1, "date", b"%c")?;
    let t = if arg(args, 2).is_nil() { 0 } else { check_int(ctx, args, 2, "date")? };
    let fmt = fmt.strip_prefix(b"!").unwrap_or(&fmt).to_vec();
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    let secs = t.rem_euclid(86_400);
    let (hh, mm, ss) = (secs / 3600, secs / 60 % 60, secs % 60);
    if fmt == b"*t" {
        let tab = table::new_table(ctx.h, ctx.g, 0, 8)?;
        for (k, v) in [("year", y), ("month", m), ("day", d), ("hour", hh), ("min", mm), ("sec", ss)] {
            let key = ctx.new_str(k.as_bytes())?;
            table::set(ctx.h, tab, key, Value::Int(v))?.ok();
        }
        return ret1(Value::Table(tab));
    }
    let mut out = String::new();
    let mut it = fmt.iter();
    while let Some(&c) = it.next() {
        if c != b'%' {
            out.push(c as char);
            continue;
        }
        match it.next() {
            Some(b'Y') => out += &format!("{y}"),
            Some(b'm') => out += &format!("{m:02}"),
            Some(b'd') => out += &format!("{d:02}"),
            Some(b'H') => out += &format!("{hh:02}"),
            Some(b'M') => out += &format!("{mm:02}"),
            Some(b'S') => out += &format!("{ss:02}"),
            Some(b'%') => out.push('%'),
            Some(&other) => {
                return Err(Trap::Msg(format!("bad argument #1 to 'date' (invalid conversion specifier '%{}')", other as char)))
            }
            None => break,
        }
    }
    ret1(ctx.new_str(out.as_bytes())?)
}

pub fn getenv(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    check_bytes(ctx, args, 1, "getenv")?;
    ret1(Value::Nil)
}

pub fn exit(_ctx: &mut Ctx, _args: &[Value]) -> LuaResult<NativeResult> {
    Err(Trap::Msg("os.exit is not available in vheap".into()))
}

pub fn io_write(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    for n in 1..=args.len() {
        let bytes = match args[n - 1] {
            Value::Str(s) => string::bytes(ctx.h, s)?,
            Value::Int(i) => crate::lua::text::number::fmt_int(i),
            Value::Float(f) if f.is_finite() => crate::lua::text::number::fmt_g(f, 14).into_bytes(),
            Value::Float(f) => crate::lua::text::number::fmt_float(f),
            _ => return type_error(ctx, args, n, "write", "string"),
        };
        write_output(ctx, &bytes)?;
    }
    ret(vec![])
}

pub fn io_read(_ctx: &mut Ctx, _args: &[Value]) -> LuaResult<NativeResult> {
    ret1(Value::Nil)
}
