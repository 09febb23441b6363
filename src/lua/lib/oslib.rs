//! The deterministic parts of os and io.

use super::*;
use crate::lua::input::Format;
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
        Value::Nil => ret1(Value::Int(crate::heap::clock::unix_seconds())),
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

/// Seconds since the VM's process (or tab) started: lua5.4 gives the
/// process's CPU time; a program timing a loop, or waiting until some time
/// has passed, needs it to move.
pub fn clock(_ctx: &mut Ctx, _args: &[Value]) -> LuaResult<NativeResult> {
    ret1(Value::Float(crate::heap::clock::now_micros() as f64 / 1e6))
}

/// A broken-down time (UTC; local time is taken to be UTC).
struct Tm {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
    /// 0 = Sunday.
    wday: i64,
    /// 0-based day of the year.
    yday: i64,
}

fn broken_down(t: i64) -> Tm {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Tm {
        year,
        month,
        day,
        hour: secs / 3600,
        min: secs / 60 % 60,
        sec: secs % 60,
        wday: (days + 4).rem_euclid(7),
        yday: days - days_from_civil(year, 1, 1),
    }
}

const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// ISO 8601 week-based year and week number.
fn iso_week(tm: &Tm) -> (i64, i64) {
    let wday = (tm.wday + 6) % 7; // Monday = 0
    let mut year = tm.year;
    let mut week = (tm.yday - wday + 10) / 7;
    let days_in = |y: i64| if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 { 366 } else { 365 };
    if week < 1 {
        year -= 1;
        let prev_yday = tm.yday + days_in(year);
        week = (prev_yday - wday + 10) / 7;
    } else if week > 52 && tm.yday - wday + 3 >= days_in(tm.year) {
        year += 1;
        week = 1;
    }
    (year, week)
}

/// One strftime conversion (C locale), or None if it is not one.
fn conversion(tm: &Tm, c: u8, utc: bool) -> Option<String> {
    let h12 = if tm.hour % 12 == 0 { 12 } else { tm.hour % 12 };
    Some(match c {
        b'a' => DAYS[tm.wday as usize][..3].to_string(),
        b'A' => DAYS[tm.wday as usize].to_string(),
        b'b' | b'h' => MONTHS[tm.month as usize - 1][..3].to_string(),
        b'B' => MONTHS[tm.month as usize - 1].to_string(),
        b'c' => format!("{} {} {:2} {:02}:{:02}:{:02} {}", &DAYS[tm.wday as usize][..3], &MONTHS[tm.month as usize - 1][..3], tm.day, tm.hour, tm.min, tm.sec, tm.year),
        b'C' => format!("{:02}", tm.year.div_euclid(100)),
        b'd' => format!("{:02}", tm.day),
        b'D' | b'x' => format!("{:02}/{:02}/{:02}", tm.month, tm.day, tm.year.rem_euclid(100)),
        b'e' => format!("{:2}", tm.day),
        b'F' => format!("{}-{:02}-{:02}", tm.year, tm.month, tm.day),
        b'g' => format!("{:02}", iso_week(tm).0.rem_euclid(100)),
        b'G' => iso_week(tm).0.to_string(),
        b'H' => format!("{:02}", tm.hour),
        b'I' => format!("{:02}", h12),
        b'j' => format!("{:03}", tm.yday + 1),
        b'm' => format!("{:02}", tm.month),
        b'M' => format!("{:02}", tm.min),
        b'n' => "\n".to_string(),
        b'p' => (if tm.hour < 12 { "AM" } else { "PM" }).to_string(),
        b'r' => format!("{:02}:{:02}:{:02} {}", h12, tm.min, tm.sec, if tm.hour < 12 { "AM" } else { "PM" }),
        b'R' => format!("{:02}:{:02}", tm.hour, tm.min),
        b'S' => format!("{:02}", tm.sec),
        b't' => "\t".to_string(),
        b'T' | b'X' => format!("{:02}:{:02}:{:02}", tm.hour, tm.min, tm.sec),
        b'u' => (if tm.wday == 0 { 7 } else { tm.wday }).to_string(),
        b'U' => format!("{:02}", (tm.yday + 7 - tm.wday) / 7),
        b'V' => format!("{:02}", iso_week(tm).1),
        b'w' => tm.wday.to_string(),
        b'W' => format!("{:02}", (tm.yday + 7 - (tm.wday + 6) % 7) / 7),
        b'y' => format!("{:02}", tm.year.rem_euclid(100)),
        b'Y' => tm.year.to_string(),
        b'z' => "+0000".to_string(),
        b'Z' => (if utc { "GMT" } else { "UTC" }).to_string(),
        b'%' => "%".to_string(),
        _ => return None,
    })
}

pub fn date(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let fmt = opt_bytes(ctx, args, 1, "date", b"%c")?;
    let t = if arg(args, 2).is_nil() { now() } else { check_int(ctx, args, 2, "date")? };
    let utc = fmt.first() == Some(&b'!');
    let fmt = if utc { &fmt[1..] } else { &fmt[..] };
    let tm = broken_down(t);
    if fmt.starts_with(b"*t") {
        let tab = table::new_table(ctx.h, ctx.g, 0, 9)?;
        let fields = [("year", tm.year), ("month", tm.month), ("day", tm.day), ("hour", tm.hour), ("min", tm.min), ("sec", tm.sec), ("wday", tm.wday + 1), ("yday", tm.yday + 1)];
        for (k, v) in fields {
            let key = ctx.new_str(k.as_bytes())?;
            table::set(ctx.h, tab, key, Value::Int(v))?.ok();
        }
        let key = ctx.new_str(b"isdst")?;
        table::set(ctx.h, tab, key, Value::Bool(false))?.ok();
        return ret1(Value::Table(tab));
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        i += 1;
        if c != b'%' {
            out.push(c);
            continue;
        }
        // E and O modifiers are accepted before the conversions C allows them on.
        let (modifier, conv) = match fmt.get(i) {
            Some(&m @ (b'E' | b'O')) => (Some(m), fmt.get(i + 1).copied()),
            other => (None, other.copied()),
        };
        let allowed = match (modifier, conv) {
            (None, Some(c)) => conversion(&tm, c, utc).is_some(),
            (Some(b'E'), Some(c)) => b"cCxXyY".contains(&c),
            (Some(_), Some(c)) => b"deHImMSuUVwWy".contains(&c),
            _ => false,
        };
        if !allowed {
            let spec_len = if modifier.is_some() { 2 } else { 1 };
            let end = (i + spec_len).min(fmt.len());
            let spec = String::from_utf8_lossy(&fmt[i..end]);
            return arg_error(1, "date", &format!("invalid conversion specifier '%{spec}'"));
        }
        i += if modifier.is_some() { 2 } else { 1 };
        out.extend(conversion(&tm, conv.unwrap_or(b'%'), utc).unwrap_or_default().into_bytes());
    }
    ret1(ctx.new_str(&out)?)
}

fn now() -> i64 {
    crate::heap::clock::unix_seconds()
}

pub fn difftime(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t1 = check_int(ctx, args, 1, "difftime")?;
    let t0 = opt_int(ctx, args, 2, "difftime", 0)?;
    ret1(Value::Float(t1 as f64 - t0 as f64))
}

pub fn getenv(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    check_bytes(ctx, args, 1, "getenv")?;
    ret1(Value::Nil)
}

/// `os.exit([code [, close]])`: the program ends here, with `code` as its
/// exit status (true or absent: 0, false: 1). As with lua5.4's default,
/// to-be-closed variables and finalizers are left alone; `close` = true,
/// which would run them, is treated the same.
pub fn exit(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    use crate::lua::state::{RunStatus, G_EXIT_CODE, G_STATUS};
    let code = match arg(args, 1) {
        Value::Nil | Value::Bool(true) => 0,
        Value::Bool(false) => 1,
        _ => check_int(ctx, args, 1, "exit")?,
    };
    ctx.h.write_u64(ctx.g + G_EXIT_CODE, code as u64)?;
    // The VM runs no instruction after this one.
    ctx.h.write_u64(ctx.g + G_STATUS, RunStatus::Done as u64)?;
    ret(Vec::new())
}

// ----- io: the standard files ---------------------------------------------
//
// The program's stdout is the output buffer; stdin comes from the host
// through the input buffer (input.rs; empty in the browser); stderr output
// is dropped. Files are userdata
// with a shared metatable (named "FILE*"), their fields (fd, closed) kept in
// the userdata's storage.

fn file_mt(ctx: &mut Ctx) -> LuaResult<Addr> {
    let registry = ctx.h.read_u64(ctx.g + crate::lua::state::G_REGISTRY)?;
    let key = ctx.new_str(b"FILE*")?;
    if let Value::Table(t) = table::get(ctx.h, registry, key)? {
        return Ok(t);
    }
    let mt = table::new_table(ctx.h, ctx.g, 0, 4)?;
    let methods = table::new_table(ctx.h, ctx.g, 0, 8)?;
    for (name, native) in [("write", "file_write"), ("read", "file_read"), ("lines", "file_lines"), ("close", "file_close"), ("flush", "file_flush"), ("setvbuf", "file_setvbuf"), ("seek", "file_seek")] {
        let f = super::base::native_value(ctx, "-", native)?;
        let k = ctx.new_str(name.as_bytes())?;
        table::set(ctx.h, methods, k, f)?.ok();
    }
    let fields = [("__index", Value::Table(methods)), ("__name", ctx.new_str(b"FILE*")?), ("__tostring", super::base::native_value(ctx, "-", "file_tostring")?)];
    for (k, v) in fields {
        let k = ctx.new_str(k.as_bytes())?;
        table::set(ctx.h, mt, k, v)?.ok();
    }
    table::set(ctx.h, registry, key, Value::Table(mt))?.ok();
    Ok(mt)
}

/// The standard file `fd` (0 stdin, 1 stdout, 2 stderr), made on first use.
fn std_file(ctx: &mut Ctx, fd: i64) -> LuaResult<Value> {
    let registry = ctx.h.read_u64(ctx.g + crate::lua::state::G_REGISTRY)?;
    let key = ctx.new_str(format!("vheap.file{fd}").as_bytes())?;
    if let v @ Value::Userdata(_) = table::get(ctx.h, registry, key)? {
        return Ok(v);
    }
    let mt = file_mt(ctx)?;
    let f = table::new_table(ctx.h, ctx.g, 0, 2)?;
    let k = ctx.new_str(b"fd")?;
    table::set(ctx.h, f, k, Value::Int(fd))?.ok();
    table::set_metatable(ctx.h, f, mt)?;
    table::set(ctx.h, registry, key, Value::Userdata(f))?.ok();
    Ok(Value::Userdata(f))
}

/// The descriptor of a file object, and whether it is closed.
pub fn file_fd(ctx: &mut Ctx, v: Value) -> LuaResult<Option<(i64, bool)>> {
    let Value::Userdata(t) = v else { return Ok(None) };
    let mt = table::metatable(ctx.h, t)?;
    if mt == 0 || mt != file_mt(ctx)? {
        return Ok(None);
    }
    let k = ctx.new_str(b"fd")?;
    let fd = match table::get(ctx.h, t, k)? {
        Value::Int(fd) => fd,
        _ => -1,
    };
    let k = ctx.new_str(b"closed")?;
    Ok(Some((fd, table::get(ctx.h, t, k)?.truthy())))
}

// Saved slots while a long string is written: its argument number and offset.
const W_ARG: usize = 0;
const W_OFF: usize = 1;

/// Writes arguments `first..` (a long string a slice per step): `None` when
/// all are written, else the state is saved and the native continues.
fn write_values(ctx: &mut Ctx, args: &[Value], first: usize, fd: i64, fname: &str, mut off: u64) -> LuaResult<Option<NativeResult>> {
    for n in first..=args.len() {
        let bytes = match args[n - 1] {
            Value::Str(s) if fd == 1 && string::len(ctx.h, s)? > OUT_SLICE => {
                let len = string::len(ctx.h, s)?;
                off = write_string_slice(ctx, s, off)?;
                if off < len {
                    let st = Saved::open(ctx, args.len(), 2)?;
                    st.set_int(ctx, W_ARG, n as i64)?;
                    st.set_int(ctx, W_OFF, off as i64)?;
                    return Ok(Some(NativeResult::Again { k: 0 }));
                }
                off = 0;
                continue;
            }
            // Other files discard what is written: only the types are checked.
            Value::Str(_) if fd != 1 => continue,
            Value::Str(s) => string::bytes(ctx.h, s)?,
            Value::Int(i) => crate::lua::text::number::fmt_int(i),
            Value::Float(f) if f.is_finite() => crate::lua::text::number::fmt_g(f, 14).into_bytes(),
            Value::Float(f) => crate::lua::text::number::fmt_float(f),
            _ => return type_error(ctx, args, n, fname, "string").map(Some),
        };
        if fd == 1 {
            write_output(ctx, &bytes)?;
        }
    }
    Ok(None)
}

fn saved_position(ctx: &mut Ctx, args: &[Value]) -> LuaResult<(usize, u64)> {
    let st = Saved::open(ctx, args.len(), 2)?;
    Ok((st.int(ctx, W_ARG)? as usize, st.int(ctx, W_OFF)? as u64))
}

pub fn io_write(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    if let Some(again) = write_values(ctx, args, 1, 1, "write", 0)? {
        return Ok(again);
    }
    ret1(std_file(ctx, 1)?)
}

pub fn io_write_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let (n, off) = saved_position(ctx, args)?;
    if let Some(again) = write_values(ctx, args, n, 1, "write", off)? {
        return Ok(again);
    }
    ret1(std_file(ctx, 1)?)
}

fn check_file(ctx: &mut Ctx, args: &[Value], fname: &str) -> LuaResult<i64> {
    match file_fd(ctx, arg(args, 1))? {
        Some((_, true)) => Err(Trap::Msg("attempt to use a closed file".into())),
        Some((fd, false)) => Ok(fd),
        None => type_error(ctx, args, 1, fname, "FILE*"),
    }
}

pub fn file_write(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let fd = check_file(ctx, args, "write")?;
    if let Some(again) = write_values(ctx, args, 2, fd, "write", 0)? {
        return Ok(again);
    }
    ret1(arg(args, 1))
}

pub fn file_write_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let fd = check_file(ctx, args, "write")?;
    let (n, off) = saved_position(ctx, args)?;
    if let Some(again) = write_values(ctx, args, n, fd, "write", off)? {
        return Ok(again);
    }
    ret1(arg(args, 1))
}

/// The read formats of arguments `first..` ("l" when there are none).
fn parse_formats(ctx: &mut Ctx, args: &[Value], first: usize, fname: &str) -> LuaResult<Vec<Format>> {
    if args.len() < first {
        return Ok(vec![Format::Line { keep_newline: false }]);
    }
    let mut formats = Vec::new();
    for n in first..=args.len() {
        formats.push(match arg(args, n) {
            Value::Int(_) | Value::Float(_) => Format::Count(check_int(ctx, args, n, fname)?.max(0) as u64),
            _ => {
                let f = check_bytes(ctx, args, n, fname)?;
                match f.strip_prefix(b"*").unwrap_or(&f).first() {
                    Some(b'a') => Format::All,
                    Some(b'n') => Format::Number,
                    Some(b'l') => Format::Line { keep_newline: false },
                    Some(b'L') => Format::Line { keep_newline: true },
                    _ => return arg_error(n, fname, "invalid format"),
                }
            }
        });
    }
    Ok(formats)
}

/// Reads `formats` from file `fd`: stdin comes from the host through the
/// heap's input buffer (input.rs); stdout and stderr cannot be read (fail).
/// Stops at the first format that fails, as lua5.4 does.
fn read_formats(ctx: &mut Ctx, formats: &[Format], fd: i64) -> LuaResult<Vec<Value>> {
    let mut out = Vec::new();
    for &format in formats {
        let value = if fd == 0 { crate::lua::input::read(ctx, format)? } else { None };
        match value {
            Some(v) => out.push(v),
            None => {
                out.push(Value::Nil);
                break;
            }
        }
    }
    Ok(out)
}

pub fn io_read(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let formats = parse_formats(ctx, args, 1, "read")?;
    ret(read_formats(ctx, &formats, 0)?)
}

pub fn file_read(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let fd = check_file(ctx, args, "read")?;
    let formats = parse_formats(ctx, args, 2, "read")?;
    ret(read_formats(ctx, &formats, fd)?)
}

/// An iterator reading `formats` from stdin each call (`io.lines()`,
/// `io.stdin:lines(...)`); its upvalues are the format arguments. Other
/// files give an iterator over nothing.
fn lines_iterator(ctx: &mut Ctx, args: &[Value], first: usize, fd: i64) -> LuaResult<NativeResult> {
    parse_formats(ctx, args, first, "lines")?;
    if fd != 0 {
        return ret1(super::base::native_value(ctx, "-", "file_flush")?);
    }
    let ups: Vec<Value> = args.iter().skip(first - 1).copied().collect();
    let f = crate::lua::func::new_native(ctx.h, ctx.g, super::native_id("-", "stdin_lines"), &ups)?;
    ret1(Value::NativeFn(f))
}

pub fn stdin_lines(ctx: &mut Ctx, _args: &[Value]) -> LuaResult<NativeResult> {
    use crate::lua::func::{native_upval, NF_NUPVALS};
    let ci = ctx.ci()?;
    let func_slot = ctx.h.read_u64(ci + crate::lua::state::CI_FUNC)?;
    let Value::NativeFn(f) = ctx.get(func_slot)? else { return Err(Fault::Invalid("lines iterator without its closure").into()) };
    let n = ctx.h.read_u64(f + NF_NUPVALS)?;
    let mut ups = Vec::with_capacity(n as usize);
    for i in 0..n {
        ups.push(native_upval(ctx.h, f, i)?);
    }
    let formats = parse_formats(ctx, &ups, 1, "lines")?;
    ret(read_formats(ctx, &formats, 0)?)
}

pub fn io_lines(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    if !arg(args, 1).is_nil() {
        let name = check_bytes(ctx, args, 1, "lines")?;
        return Err(Trap::Msg(format!("{}: No such file or directory", String::from_utf8_lossy(&name))));
    }
    lines_iterator(ctx, args, 2, 0)
}

pub fn file_lines(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let fd = check_file(ctx, args, "lines")?;
    lines_iterator(ctx, args, 2, fd)
}

pub fn file_close(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    check_file(ctx, args, "close")?;
    ret(vec![Value::Nil, ctx.new_str(b"cannot close standard file")?])
}

/// flush, setvbuf and seek succeed without doing anything (and `flush` with
/// no file is the empty line iterator).
pub fn file_flush(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    if arg(args, 1).is_nil() {
        return ret1(Value::Nil);
    }
    check_file(ctx, args, "flush")?;
    ret1(arg(args, 1))
}

pub fn file_setvbuf(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    check_file(ctx, args, "setvbuf")?;
    ret1(Value::Bool(true))
}

pub fn file_seek(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    check_file(ctx, args, "seek")?;
    ret1(Value::Int(0))
}

pub fn file_tostring(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let text = match file_fd(ctx, arg(args, 1))? {
        Some((_, true)) => "file (closed)".to_string(),
        _ => format!("file (0x{:014x})", arg(args, 1).object().unwrap_or(0)),
    };
    ret1(ctx.new_str(text.as_bytes())?)
}

pub fn io_type(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    check_any(args, 1, "type")?;
    ret1(match file_fd(ctx, arg(args, 1))? {
        Some((_, true)) => ctx.new_str(b"closed file")?,
        Some(_) => ctx.new_str(b"file")?,
        None => Value::Nil,
    })
}

pub fn io_open(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let name = check_bytes(ctx, args, 1, "open")?;
    let msg = format!("{}: No such file or directory", String::from_utf8_lossy(&name));
    ret(vec![Value::Nil, ctx.new_str(msg.as_bytes())?, Value::Int(2)])
}

/// Puts io.stdin, io.stdout and io.stderr in the io table.
pub fn add_files(ctx: &mut Ctx, io: Addr) -> LuaResult<()> {
    for (name, fd) in [("stdin", 0), ("stdout", 1), ("stderr", 2)] {
        let f = std_file(ctx, fd)?;
        let k = ctx.new_str(name.as_bytes())?;
        table::set(ctx.h, io, k, f)?.ok();
    }
    Ok(())
}

