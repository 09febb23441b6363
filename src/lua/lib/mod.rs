//! The standard library, as native functions.
//!
//! A native is identified in the heap by its index in [`NATIVES`], so that a
//! checkpoint taken by one build resumes in another: **append new natives at
//! the end; never reorder or remove.**
//!
//! A native gets its arguments as values and returns a [`NativeResult`]. One
//! that must call Lua (pcall, metamethods, sort comparators) returns
//! `NativeResult::Call` with a continuation number `k`; the VM runs the call
//! in the heap and then invokes the native's continuation with `k`, the
//! native's original arguments and the call's results.

pub mod base;
pub mod builder;
pub mod coroutine;
pub mod debuglib;
pub mod dump;
pub mod mathlib;
pub mod oslib;
pub mod pack;
pub mod strlib;
pub mod tablib;

use super::string::new_string;
use super::table;
use super::value::Value;
use super::vm::call::{ContinuationInput, Ctx, NativeResult};
use super::vm::{meta, LuaResult, Trap};
use crate::heap::{Addr, Fault};

pub type NativeFn = fn(&mut Ctx, &[Value]) -> LuaResult<NativeResult>;
pub type NativeCont = fn(&mut Ctx, u64, ContinuationInput, &[Value]) -> LuaResult<NativeResult>;

pub struct NativeDef {
    /// Library table ("" for the base library, "-" for hidden helpers).
    pub lib: &'static str,
    pub name: &'static str,
    pub f: NativeFn,
    pub k: Option<NativeCont>,
}

macro_rules! natives {
    ($( ($lib:expr, $name:expr, $f:expr, $k:expr) ),* $(,)?) => {
        pub static NATIVES: &[NativeDef] = &[ $( NativeDef { lib: $lib, name: $name, f: $f, k: $k } ),* ];
    };
}

natives![
    ("", "print", base::print, Some(base::print_k)),
    ("", "type", base::type_, None),
    ("", "tostring", base::tostring, Some(base::tostring_k)),
    ("", "tonumber", base::tonumber, None),
    ("", "rawget", base::rawget, None),
    ("", "rawset", base::rawset, None),
    ("", "rawequal", base::rawequal, None),
    ("", "rawlen", base::rawlen, None),
    ("", "setmetatable", base::setmetatable, None),
    ("", "getmetatable", base::getmetatable, None),
    ("", "assert", base::assert, None),
    ("", "error", base::error, None),
    ("", "pcall", base::pcall, Some(base::pcall_k)),
    ("", "xpcall", base::xpcall, Some(base::xpcall_k)),
    ("", "next", base::next, Some(base::next_k)),
    ("", "pairs", base::pairs, Some(base::pairs_k)),
    ("", "ipairs", base::ipairs, None),
    ("-", "ipairs_iter", base::ipairs_iter, Some(base::ipairs_iter_k)),
    ("", "select", base::select, None),
    ("", "load", base::load, Some(base::load_k)),
    ("", "collectgarbage", super::gc::collectgarbage, Some(super::gc::collectgarbage_k)),
    ("", "unpack", tablib::unpack, Some(tablib::unpack_k)),
    ("string", "len", strlib::len, None),
    ("string", "sub", strlib::sub, Some(strlib::sub_k)),
    ("string", "upper", strlib::upper, Some(strlib::upper_k)),
    ("string", "lower", strlib::lower, Some(strlib::lower_k)),
    ("string", "rep", strlib::rep, Some(strlib::rep_k)),
    ("string", "reverse", strlib::reverse, Some(strlib::reverse_k)),
    ("string", "byte", strlib::byte, None),
    ("string", "char", strlib::char, None),
    ("string", "format", strlib::format, Some(strlib::format_k)),
    ("string", "find", strlib::find, Some(strlib::find_k)),
    ("string", "match", strlib::match_, Some(strlib::match_k)),
    ("string", "gmatch", strlib::gmatch, None),
    ("-", "gmatch_iter", strlib::gmatch_iter, Some(strlib::gmatch_iter_k)),
    ("string", "gsub", strlib::gsub, Some(strlib::gsub_k)),
    ("table", "insert", tablib::insert, Some(tablib::insert_k)),
    ("table", "remove", tablib::remove, Some(tablib::remove_k)),
    ("table", "concat", tablib::concat, Some(tablib::concat_k)),
    ("table", "unpack", tablib::unpack, Some(tablib::unpack_k)),
    ("table", "pack", tablib::pack, None),
    ("table", "sort", tablib::sort, Some(tablib::sort_k)),
    ("math", "floor", mathlib::floor, None),
    ("math", "ceil", mathlib::ceil, None),
    ("math", "abs", mathlib::abs, None),
    ("math", "max", mathlib::max, Some(mathlib::max_k)),
    ("math", "min", mathlib::min, Some(mathlib::min_k)),
    ("math", "sqrt", mathlib::sqrt, None),
    ("math", "tointeger", mathlib::tointeger, None),
    ("math", "type", mathlib::type_, None),
    ("math", "fmod", mathlib::fmod, None),
    ("math", "modf", mathlib::modf, None),
    ("math", "exp", mathlib::exp, None),
    ("math", "log", mathlib::log, None),
    ("math", "sin", mathlib::sin, None),
    ("math", "cos", mathlib::cos, None),
    ("math", "tan", mathlib::tan, None),
    ("math", "asin", mathlib::asin, None),
    ("math", "acos", mathlib::acos, None),
    ("math", "atan", mathlib::atan, None),
    ("math", "ult", mathlib::ult, None),
    ("math", "random", mathlib::random, None),
    ("math", "randomseed", mathlib::randomseed, None),
    ("os", "time", oslib::time, None),
    ("os", "clock", oslib::clock, None),
    ("os", "date", oslib::date, None),
    ("os", "getenv", oslib::getenv, None),
    ("io", "write", oslib::io_write, Some(oslib::io_write_k)),
    ("coroutine", "create", coroutine::create, None),
    ("coroutine", "resume", coroutine::resume, Some(coroutine::resume_k)),
    ("coroutine", "yield", coroutine::yield_, None),
    ("coroutine", "status", coroutine::status, None),
    ("coroutine", "wrap", coroutine::wrap, None),
    ("-", "wrap_call", coroutine::wrap_call, Some(coroutine::wrap_call_k)),
    ("coroutine", "isyieldable", coroutine::isyieldable, None),
    ("coroutine", "running", coroutine::running, None),
    ("coroutine", "close", coroutine::close, Some(coroutine::close_k)),
    ("utf8", "char", strlib::utf8_char, None),
    ("utf8", "len", strlib::utf8_len, None),
    ("utf8", "codepoint", strlib::utf8_codepoint, None),
    ("os", "exit", oslib::exit, None),
    ("", "dofile", base::unsupported, None),
    ("io", "read", oslib::io_read, None),
    ("-", "__add", strlib::arith_add, None),
    ("-", "__sub", strlib::arith_sub, None),
    ("-", "__mul", strlib::arith_mul, None),
    ("-", "__mod", strlib::arith_mod, None),
    ("-", "__pow", strlib::arith_pow, None),
    ("-", "__div", strlib::arith_div, None),
    ("-", "__idiv", strlib::arith_idiv, None),
    ("-", "__unm", strlib::arith_unm, None),
    ("-", "main", base::main, Some(base::main_k)),
    ("table", "move", tablib::move_, Some(tablib::move_k)),
    ("-", "concat", builder::concat_long, Some(builder::concat_long_k)),
    ("math", "deg", mathlib::deg, None),
    ("math", "rad", mathlib::rad, None),
    ("utf8", "offset", strlib::utf8_offset, None),
    ("utf8", "codes", strlib::utf8_codes, None),
    ("-", "codes_strict", strlib::codes_strict, None),
    ("-", "codes_lax", strlib::codes_lax, None),
    ("os", "difftime", oslib::difftime, None),
    ("-", "file_write", oslib::file_write, Some(oslib::file_write_k)),
    ("-", "file_read", oslib::file_read, None),
    ("-", "file_lines", oslib::file_lines, None),
    ("-", "file_close", oslib::file_close, None),
    ("-", "file_flush", oslib::file_flush, None),
    ("-", "file_setvbuf", oslib::file_setvbuf, None),
    ("-", "file_seek", oslib::file_seek, None),
    ("-", "file_tostring", oslib::file_tostring, None),
    ("io", "type", oslib::io_type, None),
    ("io", "lines", oslib::io_lines, None),
    ("io", "open", oslib::io_open, None),
    ("string", "dump", base::string_dump, None),
    ("-", "gc_fin", super::gc::finalizer_runner, Some(super::gc::finalizer_runner_k)),
    ("string", "pack", pack::pack, None),
    ("string", "unpack", pack::unpack, None),
    ("string", "packsize", pack::packsize, None),
    ("-", "msgh", base::msgh, Some(base::msgh_k)),
    ("debug", "traceback", debuglib::traceback, None),
    ("debug", "getinfo", debuglib::getinfo, None),
    ("debug", "sethook", debuglib::sethook, None),
    ("debug", "gethook", debuglib::gethook, None),
    ("debug", "getregistry", debuglib::getregistry, None),
    ("debug", "getmetatable", debuglib::getmetatable, None),
    ("debug", "setmetatable", debuglib::setmetatable, None),
    ("debug", "getupvalue", debuglib::getupvalue, None),
    ("debug", "setupvalue", debuglib::setupvalue, None),
    ("-", "stdin_lines", oslib::stdin_lines, None),
    ("", "require", base::require, Some(base::require_k)),
];

pub fn native_def(id: u64) -> Option<&'static NativeDef> {
    NATIVES.get(usize::try_from(id).ok()?)
}

pub fn native_id(lib: &str, name: &str) -> u64 {
    NATIVES.iter().position(|d| d.lib == lib && d.name == name).expect("native is registered") as u64
}

/// Builds the global environment: base functions and library tables.
pub fn open_libs(ctx: &mut Ctx, globals: Addr) -> Result<(), Fault> {
    let mut libs: Vec<(&str, Addr)> = Vec::new();
    for def in NATIVES.iter() {
        if def.lib == "-" || (def.lib == "" && def.name == "unpack") {
            continue;
        }
        let f = base::native_value(ctx, def.lib, def.name)?.object().unwrap_or(0);
        let target = if def.lib.is_empty() {
            globals
        } else if let Some(&(_, t)) = libs.iter().find(|(n, _)| *n == def.lib) {
            t
        } else {
            let t = table::new_table(ctx.h, ctx.g, 0, 16)?;
            let name = Value::Str(new_string(ctx.h, ctx.g, def.lib.as_bytes())?);
            table::set(ctx.h, globals, name, Value::Table(t))?.ok();
            libs.push((def.lib, t));
            t
        };
        let key = Value::Str(new_string(ctx.h, ctx.g, def.name.as_bytes())?);
        table::set(ctx.h, target, key, Value::NativeFn(f))?.ok();
    }
    let set_global = |ctx: &mut Ctx, name: &str, v: Value| -> Result<(), Fault> {
        let key = Value::Str(new_string(ctx.h, ctx.g, name.as_bytes())?);
        table::set(ctx.h, globals, key, v)?.ok();
        Ok(())
    };
    set_global(ctx, "_G", Value::Table(globals))?;
    let version = Value::Str(new_string(ctx.h, ctx.g, b"Lua 5.4")?);
    set_global(ctx, "_VERSION", version)?;
    mathlib::add_constants(ctx, libs.iter().find(|(n, _)| *n == "math").map(|&(_, t)| t).unwrap_or(0))?;
    if let Some(&(_, utf8)) = libs.iter().find(|(n, _)| *n == "utf8") {
        let key = Value::Str(new_string(ctx.h, ctx.g, b"charpattern")?);
        let pat = Value::Str(new_string(ctx.h, ctx.g, b"[\x00-\x7F\xC2-\xFD][\x80-\xBF]*")?);
        table::set(ctx.h, utf8, key, pat)?.ok();
    }
    if let Some(&(_, io)) = libs.iter().find(|(n, _)| *n == "io") {
        oslib::add_files(ctx, io).map_err(|e| match e {
            Trap::Fault(f) => f,
            _ => Fault::Invalid("io files could not be made"),
        })?;
    }
    // Strings index the string library.
    if let Some(&(_, strings)) = libs.iter().find(|(n, _)| *n == "string") {
        let mt = table::new_table(ctx.h, ctx.g, 0, 16)?;
        let key = Value::Str(new_string(ctx.h, ctx.g, b"__index")?);
        table::set(ctx.h, mt, key, Value::Table(strings))?.ok();
        // String arithmetic ("10" + 1) goes through these, as in Lua 5.4.
        for (id, def) in NATIVES.iter().enumerate() {
            if def.lib == "-" && def.name.starts_with("__") {
                let f = super::func::new_native(ctx.h, ctx.g, id as u64, &[])?;
                let key = Value::Str(new_string(ctx.h, ctx.g, def.name.as_bytes())?);
                table::set(ctx.h, mt, key, Value::NativeFn(f))?.ok();
            }
        }
        ctx.h.write_u64(ctx.g + super::state::G_STRING_META, mt)?;
    }
    base::open_package(ctx, globals, &libs)
}

// ----- argument checking (luaL_check*) -------------------------------------

pub fn arg_error<T>(n: usize, fname: &str, msg: &str) -> LuaResult<T> {
    Err(Trap::Msg(format!("bad argument #{n} to '{fname}' ({msg})")))
}

pub fn type_error<T>(ctx: &mut Ctx, args: &[Value], n: usize, fname: &str, expected: &str) -> LuaResult<T> {
    let got = match args.get(n - 1) {
        None => "no value".to_string(),
        Some(v) => meta::type_name_of(ctx, *v)?,
    };
    arg_error(n, fname, &format!("{expected} expected, got {got}"))
}

pub fn arg(args: &[Value], n: usize) -> Value {
    args.get(n - 1).copied().unwrap_or(Value::Nil)
}

pub fn check_any(args: &[Value], n: usize, fname: &str) -> LuaResult<Value> {
    match args.get(n - 1) {
        Some(v) => Ok(*v),
        None => arg_error(n, fname, "value expected"),
    }
}

pub fn check_table(ctx: &mut Ctx, args: &[Value], n: usize, fname: &str) -> LuaResult<Addr> {
    match arg(args, n) {
        Value::Table(t) => Ok(t),
        _ => type_error(ctx, args, n, fname, "table"),
    }
}

/// A number argument (strings convertible to numbers accepted).
pub fn check_number(ctx: &mut Ctx, args: &[Value], n: usize, fname: &str) -> LuaResult<Value> {
    match arg(args, n) {
        v @ (Value::Int(_) | Value::Float(_)) => Ok(v),
        Value::Str(s) => {
            let b = super::string::bytes(ctx.h, s)?;
            match super::text::number::str_to_number(&b) {
                Some(super::text::number::Number::Int(i)) => Ok(Value::Int(i)),
                Some(super::text::number::Number::Float(f)) => Ok(Value::Float(f)),
                None => type_error(ctx, args, n, fname, "number"),
            }
        }
        _ => type_error(ctx, args, n, fname, "number"),
    }
}

pub fn check_float(ctx: &mut Ctx, args: &[Value], n: usize, fname: &str) -> LuaResult<f64> {
    Ok(match check_number(ctx, args, n, fname)? {
        Value::Int(i) => i as f64,
        Value::Float(f) => f,
        _ => unreachable!("check_number returns numbers"),
    })
}

pub fn check_int(ctx: &mut Ctx, args: &[Value], n: usize, fname: &str) -> LuaResult<i64> {
    match check_number(ctx, args, n, fname)? {
        Value::Int(i) => Ok(i),
        Value::Float(f) => match super::text::number::float_to_int_exact(f) {
            Some(i) => Ok(i),
            None => arg_error(n, fname, "number has no integer representation"),
        },
        _ => unreachable!("check_number returns numbers"),
    }
}

pub fn opt_int(ctx: &mut Ctx, args: &[Value], n: usize, fname: &str, default: i64) -> LuaResult<i64> {
    if arg(args, n).is_nil() {
        Ok(default)
    } else {
        check_int(ctx, args, n, fname)
    }
}

/// A string argument (numbers are converted, as Lua does).
pub fn check_bytes(ctx: &mut Ctx, args: &[Value], n: usize, fname: &str) -> LuaResult<Vec<u8>> {
    match arg(args, n) {
        Value::Str(s) => Ok(super::string::bytes(ctx.h, s)?),
        Value::Int(i) => Ok(super::text::number::fmt_int(i)),
        Value::Float(f) => Ok(super::text::number::fmt_float(f)),
        _ => type_error(ctx, args, n, fname, "string"),
    }
}

pub fn opt_bytes(ctx: &mut Ctx, args: &[Value], n: usize, fname: &str, default: &[u8]) -> LuaResult<Vec<u8>> {
    if arg(args, n).is_nil() {
        Ok(default.to_vec())
    } else {
        check_bytes(ctx, args, n, fname)
    }
}

pub fn ret(values: Vec<Value>) -> LuaResult<NativeResult> {
    Ok(NativeResult::Return(values))
}

pub fn ret1(v: Value) -> LuaResult<NativeResult> {
    Ok(NativeResult::Return(vec![v]))
}

/// Appends bytes to the program's output buffer (drained by the host
/// between steps, so output appears once even if a step is retried).
pub fn write_output(ctx: &mut Ctx, bytes: &[u8]) -> Result<(), Fault> {
    use super::state::{G_OUT_BUF, G_OUT_CAP, G_OUT_LEN};
    let g = ctx.g;
    let len = ctx.h.read_u64(g + G_OUT_LEN)?;
    let cap = ctx.h.read_u64(g + G_OUT_CAP)?;
    let mut buf = ctx.h.read_u64(g + G_OUT_BUF)?;
    let need = len + bytes.len() as u64;
    if need > cap {
        let new_cap = need.max(cap * 2).max(4096);
        let new_buf = ctx.h.alloc(new_cap)?;
        let mut chunk = vec![0u8; 4096];
        let mut off = 0;
        while off < len {
            let n = (len - off).min(4096) as usize;
            ctx.h.read_bytes(buf + off, &mut chunk[..n])?;
            ctx.h.write_bytes(new_buf + off, &chunk[..n])?;
            off += n as u64;
        }
        if buf != 0 {
            ctx.h.free(buf)?;
        }
        buf = new_buf;
        ctx.h.write_u64(g + G_OUT_BUF, buf)?;
        ctx.h.write_u64(g + G_OUT_CAP, new_cap)?;
    }
    ctx.h.write_bytes(buf + len, bytes)?;
    ctx.h.write_u64(g + G_OUT_LEN, need)
}

/// A long string is output this many bytes per step, and only while the
/// output buffer holds less than `OUT_WAIT` bytes (else it waits for the
/// host to drain the buffer), so neither writing it nor draining the buffer
/// holds many pages in one step.
pub const OUT_SLICE: u64 = 16 * 1024;
const OUT_WAIT: u64 = 32 * 1024;

/// Outputs the next slice of string `s` from byte `from`: the offset reached
/// (`from` itself while the buffer is too full).
pub fn write_string_slice(ctx: &mut Ctx, s: Addr, from: u64) -> LuaResult<u64> {
    let len = super::string::len(ctx.h, s)?;
    if ctx.h.read_u64(ctx.g + super::state::G_OUT_LEN)? >= OUT_WAIT {
        return Ok(from);
    }
    let n = (len - from).min(OUT_SLICE);
    let bytes = super::string::bytes_range(ctx.h, s, from, n as usize)?;
    write_output(ctx, &bytes)?;
    Ok(from + n)
}

/// Reads the arguments of native frame `ci` back from the stack (for continuations).
pub fn frame_args(ctx: &mut Ctx, ci: Addr) -> Result<Vec<Value>, Fault> {
    use super::state::{CI_EXTRA_ARGS, CI_FUNC};
    use super::value::VALUE_SIZE;
    let func = ctx.h.read_u64(ci + CI_FUNC)?;
    let n = ctx.h.read_u64(ci + CI_EXTRA_ARGS)?;
    let mut args = Vec::with_capacity(n as usize);
    for i in 0..n {
        args.push(ctx.get(func + (1 + i) * VALUE_SIZE)?);
    }
    Ok(args)
}

// ----- state of natives that work in slices or wait for calls ---------------

/// Integers and values a native keeps in its frame, in the slots after its
/// arguments, while it waits for calls or works in slices
/// (`NativeResult::Again`). The collector sees them; nothing else does.
pub struct Saved {
    base: Addr,
}

impl Saved {
    /// The `n` state slots of the running native with `nargs` arguments
    /// (made, all nil, on first use).
    pub fn open(ctx: &mut Ctx, nargs: usize, n: usize) -> LuaResult<Saved> {
        use super::state::{CI_FUNC, CI_TOP};
        use super::value::VALUE_SIZE;
        let ci = ctx.ci()?;
        let base = ctx.h.read_u64(ci + CI_FUNC)? + (1 + nargs as u64) * VALUE_SIZE;
        let want = base + n as u64 * VALUE_SIZE;
        let top = ctx.h.read_u64(ci + CI_TOP)?;
        if top < want {
            ctx.check_stack(top, (want - top) / VALUE_SIZE)?;
            let mut slot = top;
            while slot < want {
                ctx.set(slot, Value::Nil)?;
                slot += VALUE_SIZE;
            }
            ctx.h.write_u64(ci + CI_TOP, want)?;
        }
        Ok(Saved { base })
    }

    fn slot(&self, i: usize) -> Addr {
        self.base + i as u64 * super::value::VALUE_SIZE
    }

    pub fn val(&self, ctx: &mut Ctx, i: usize) -> LuaResult<Value> {
        Ok(ctx.get(self.slot(i))?)
    }

    pub fn set_val(&self, ctx: &mut Ctx, i: usize, v: Value) -> LuaResult<()> {
        Ok(ctx.set(self.slot(i), v)?)
    }

    /// An integer slot (nil reads as 0).
    pub fn int(&self, ctx: &mut Ctx, i: usize) -> LuaResult<i64> {
        Ok(match ctx.get(self.slot(i))? {
            Value::Int(v) => v,
            _ => 0,
        })
    }

    pub fn set_int(&self, ctx: &mut Ctx, i: usize, v: i64) -> LuaResult<()> {
        Ok(ctx.set(self.slot(i), Value::Int(v))?)
    }
}

/// A VM operation done by a native (indexing, comparing, length) fails
/// without a position: the reference raises it with the native running.
pub fn no_position<T>(ctx: &mut Ctx, r: LuaResult<T>) -> LuaResult<T> {
    match r {
        Err(Trap::Msg(m)) => Err(Trap::Error(ctx.new_str(m.as_bytes())?)),
        other => other,
    }
}

/// A table access by a native: done now, or a metamethod to call first.
pub enum Got<T> {
    Now(T),
    Call(Value, Vec<Value>),
}

/// `t[i]` as `lua_geti` reads it (`__index` included).
pub fn geti(ctx: &mut Ctx, t: Value, i: i64) -> LuaResult<Got<Value>> {
    if let Value::Table(tab) = t {
        let v = table::get_int(ctx.h, tab, i)?;
        if !v.is_nil() || table::metatable(ctx.h, tab)? == 0 {
            return Ok(Got::Now(v));
        }
    }
    let r = base::index_from_native(ctx, t, Value::Int(i));
    Ok(match no_position(ctx, r)? {
        Ok(v) => Got::Now(v),
        Err((tm, obj)) => Got::Call(tm, vec![obj, Value::Int(i)]),
    })
}

/// `t[i] = v` as `lua_seti` does it (`__newindex` included).
pub fn seti(ctx: &mut Ctx, t: Value, i: i64, v: Value) -> LuaResult<Got<()>> {
    let key = Value::Int(i);
    let mut obj = t;
    for _ in 0..2000 {
        let tm = match obj {
            Value::Table(tab) => {
                let fast = table::metatable(ctx.h, tab)? == 0 || !table::get(ctx.h, tab, key)?.is_nil();
                let tm = if fast { Value::Nil } else { meta::get_tm(ctx, obj, "__newindex")? };
                if tm.is_nil() {
                    let r = meta::raw_set(ctx, tab, key, v);
                    no_position(ctx, r)?;
                    return Ok(Got::Now(()));
                }
                tm
            }
            _ => {
                let tm = meta::get_tm(ctx, obj, "__newindex")?;
                if tm.is_nil() {
                    let msg = format!("attempt to index a {} value", meta::type_name_of(ctx, obj)?);
                    return Err(Trap::Error(ctx.new_str(msg.as_bytes())?));
                }
                tm
            }
        };
        if tm.is_function() {
            return Ok(Got::Call(tm, vec![obj, key, v]));
        }
        obj = tm;
    }
    Err(Trap::Error(ctx.new_str(b"'__newindex' chain too long; possible loop")?))
}

/// `#t` as `luaL_len` computes it (`__len` included): the length, or the
/// call whose result `len_value` then checks.
pub fn len_of(ctx: &mut Ctx, t: Value) -> LuaResult<Got<i64>> {
    let tm = meta::get_tm(ctx, t, "__len")?;
    if !tm.is_nil() {
        return Ok(Got::Call(tm, vec![t]));
    }
    match t {
        Value::Table(tab) => Ok(Got::Now(table::length(ctx.h, tab)? as i64)),
        Value::Str(s) => Ok(Got::Now(super::string::len(ctx.h, s)? as i64)),
        _ => {
            let msg = format!("attempt to get length of a {} value", meta::type_name_of(ctx, t)?);
            Err(Trap::Error(ctx.new_str(msg.as_bytes())?))
        }
    }
}

/// The result of a `__len` call as `luaL_len` accepts it.
pub fn len_value(ctx: &mut Ctx, v: Value) -> LuaResult<i64> {
    let n = match v {
        Value::Int(i) => Some(i),
        Value::Float(f) => super::text::number::float_to_int_exact(f),
        Value::Str(s) => match super::text::number::str_to_number(&super::string::bytes(ctx.h, s)?) {
            Some(super::text::number::Number::Int(i)) => Some(i),
            Some(super::text::number::Number::Float(f)) => super::text::number::float_to_int_exact(f),
            None => None,
        },
        _ => None,
    };
    n.ok_or_else(|| Trap::Msg("object length is not an integer".into()))
}
