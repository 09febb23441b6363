//! The base library: print, type, tostring, pcall, error, pairs, load...

use super::*;
use crate::lua::compiler;
use crate::lua::func;
use crate::lua::state::*;
use crate::lua::string;
use crate::lua::text::number::{self as num, Number};
use crate::lua::vm::call::where_;

/// The one function object of a native without upvalues (so that
/// `pairs(t)` returns the very `next` that `_G.next` is, as in the
/// reference), kept in a registry table by native id.
pub fn native_value(ctx: &mut Ctx, lib: &str, name: &str) -> Result<Value, Fault> {
    let id = native_id(lib, name);
    let cache = natives_table(ctx)?;
    if let v @ Value::NativeFn(_) = table::get_int(ctx.h, cache, id as i64 + 1)? {
        return Ok(v);
    }
    let f = Value::NativeFn(func::new_native(ctx.h, ctx.g, id, &[])?);
    table::set_int(ctx.h, cache, id as i64 + 1, f)?;
    Ok(f)
}

fn natives_table(ctx: &mut Ctx) -> Result<Addr, Fault> {
    let registry = ctx.h.read_u64(ctx.g + G_REGISTRY)?;
    let key = ctx.new_str(b"vheap.natives")?;
    if let Value::Table(t) = table::get(ctx.h, registry, key)? {
        return Ok(t);
    }
    let t = table::new_table(ctx.h, ctx.g, 0, 0)?;
    table::set(ctx.h, registry, key, Value::Table(t))?.ok();
    Ok(t)
}

/// print: writes each argument's `tostring`, calling `__tostring` through the
/// VM when an argument has one (continuation k = index of that argument).
pub fn print(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    print_from(ctx, args, 0)
}

/// Continuation of print writing a long string (other k: the argument
/// whose `__tostring` was called).
const PRINT_LONG: u64 = u64::MAX;
// Saved slots while a long string is written: its argument, the string, the offset.
const P_ARG: usize = 0;
const P_STR: usize = 1;
const P_OFF: usize = 2;

fn print_from(ctx: &mut Ctx, args: &[Value], start: usize) -> LuaResult<NativeResult> {
    for (i, &v) in args.iter().enumerate().skip(start) {
        if i > 0 {
            write_output(ctx, b"\t")?;
        }
        let tm = meta::get_tm(ctx, v, "__tostring")?;
        if !tm.is_nil() {
            return Ok(NativeResult::Call { func: tm, args: vec![v], k: i as u64, protected: false });
        }
        match v {
            Value::Str(s) if string::len(ctx.h, s)? > OUT_SLICE => return print_long(ctx, args, i, s, 0),
            _ => {
                let bytes = meta::basic_tostring(ctx, v)?;
                write_output(ctx, &bytes)?;
            }
        }
    }
    write_output(ctx, b"\n")?;
    ret(vec![])
}

/// Writes argument `i`'s text, long string `s`, from byte `off`, a slice
/// per step, then goes on with the next argument.
fn print_long(ctx: &mut Ctx, args: &[Value], i: usize, s: Addr, off: u64) -> LuaResult<NativeResult> {
    let reached = write_string_slice(ctx, s, off)?;
    if reached < string::len(ctx.h, s)? {
        let st = Saved::open(ctx, args.len(), 3)?;
        st.set_int(ctx, P_ARG, i as i64)?;
        st.set_val(ctx, P_STR, Value::Str(s))?;
        st.set_int(ctx, P_OFF, reached as i64)?;
        return Ok(NativeResult::Again { k: PRINT_LONG });
    }
    print_from(ctx, args, i + 1)
}

pub fn print_k(ctx: &mut Ctx, k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    if k == PRINT_LONG {
        let st = Saved::open(ctx, args.len(), 3)?;
        let Value::Str(s) = st.val(ctx, P_STR)? else { return Err(Fault::Invalid("print lost its string").into()) };
        let (i, off) = (st.int(ctx, P_ARG)? as usize, st.int(ctx, P_OFF)? as u64);
        return print_long(ctx, args, i, s, off);
    }
    let results = input.map_err(Trap::Error)?;
    if let Some(&Value::Str(s)) = results.first() {
        if string::len(ctx.h, s)? > OUT_SLICE {
            return print_long(ctx, args, k as usize, s, 0);
        }
    }
    let s = checked_tostring_result(ctx, &results)?;
    write_output(ctx, &s)?;
    print_from(ctx, args, k as usize + 1)
}

/// The text of `v`, or the `__tostring` metamethod to call for it.
pub fn tostring_or_call(ctx: &mut Ctx, v: Value) -> LuaResult<Result<Vec<u8>, Value>> {
    let tm = meta::get_tm(ctx, v, "__tostring")?;
    if !tm.is_nil() {
        return Ok(Err(tm));
    }
    Ok(Ok(meta::basic_tostring(ctx, v)?))
}

pub fn checked_tostring_result(ctx: &mut Ctx, results: &[Value]) -> LuaResult<Vec<u8>> {
    match results.first() {
        Some(Value::Str(s)) => Ok(string::bytes(ctx.h, *s)?),
        Some(v @ (Value::Int(_) | Value::Float(_))) => Ok(meta::basic_tostring(ctx, *v)?),
        _ => Err(Trap::Msg("'__tostring' must return a string".into())),
    }
}

pub fn type_(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let v = check_any(args, 1, "type")?;
    let s = ctx.new_str(v.type_name().as_bytes())?;
    ret1(s)
}

pub fn tostring(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let v = check_any(args, 1, "tostring")?;
    match tostring_or_call(ctx, v)? {
        Ok(bytes) => ret1(ctx.new_str(&bytes)?),
        Err(tm) => Ok(NativeResult::Call { func: tm, args: vec![v], k: 0, protected: false }),
    }
}

pub fn tostring_k(ctx: &mut Ctx, _k: u64, input: ContinuationInput, _args: &[Value]) -> LuaResult<NativeResult> {
    let results = input.map_err(Trap::Error)?;
    let s = checked_tostring_result(ctx, &results)?;
    ret1(ctx.new_str(&s)?)
}

pub fn tonumber(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    if arg(args, 2).is_nil() {
        let v = check_any(args, 1, "tonumber")?;
        return ret1(match v {
            Value::Int(_) | Value::Float(_) => v,
            Value::Str(s) => match num::str_to_number(&string::bytes(ctx.h, s)?) {
                Some(Number::Int(i)) => Value::Int(i),
                Some(Number::Float(f)) => Value::Float(f),
                None => Value::Nil,
            },
            _ => Value::Nil,
        });
    }
    let base = check_int(ctx, args, 2, "tonumber")?;
    let Value::Str(s) = arg(args, 1) else { return type_error(ctx, args, 1, "tonumber", "string") };
    if !(2..=36).contains(&base) {
        return arg_error(2, "tonumber", "base out of range");
    }
    let bytes = string::bytes(ctx.h, s)?;
    ret1(num::str_to_int_base(&bytes, base as u32).map_or(Value::Nil, Value::Int))
}

pub fn rawget(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = check_table(ctx, args, 1, "rawget")?;
    let k = check_any(args, 2, "rawget")?;
    ret1(table::get(ctx.h, t, k)?)
}

pub fn rawset(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = check_table(ctx, args, 1, "rawset")?;
    check_any(args, 2, "rawset")?;
    check_any(args, 3, "rawset")?;
    meta::raw_set(ctx, t, arg(args, 2), arg(args, 3))?;
    ret1(Value::Table(t))
}

pub fn rawequal(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let a = check_any(args, 1, "rawequal")?;
    let b = check_any(args, 2, "rawequal")?;
    ret1(Value::Bool(meta::raw_equal(ctx, a, b)?))
}

pub fn rawlen(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    match arg(args, 1) {
        Value::Table(t) => ret1(Value::Int(table::length(ctx.h, t)? as i64)),
        Value::Str(s) => ret1(Value::Int(string::len(ctx.h, s)? as i64)),
        _ => type_error(ctx, args, 1, "rawlen", "table or string"),
    }
}

pub fn setmetatable(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = check_table(ctx, args, 1, "setmetatable")?;
    let mt = match args.get(1) {
        Some(Value::Nil) => 0,
        Some(Value::Table(m)) => *m,
        _ => return type_error(ctx, args, 2, "setmetatable", "nil or table"),
    };
    if !meta::get_tm(ctx, Value::Table(t), "__metatable")?.is_nil() {
        return Err(Trap::Msg("cannot change a protected metatable".into()));
    }
    table::set_metatable(ctx.h, t, mt)?;
    crate::lua::gc::check_finalizer(ctx.h, ctx.g, t, mt)?;
    ret1(Value::Table(t))
}

pub fn getmetatable(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let v = check_any(args, 1, "getmetatable")?;
    let mt = meta::metatable_of(ctx, v)?;
    if mt == 0 {
        return ret1(Value::Nil);
    }
    let protected = meta::get_tm(ctx, v, "__metatable")?;
    ret1(if protected.is_nil() { Value::Table(mt) } else { protected })
}

pub fn assert(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let v = check_any(args, 1, "assert")?;
    if v.truthy() {
        return ret(args.to_vec());
    }
    // As `error(message)`: a string message gets the caller's position.
    let msg = if args.len() >= 2 { args[1] } else { ctx.new_str(b"assertion failed!")? };
    if let Value::Str(s) = msg {
        let mut text = where_(ctx, 1)?;
        text.extend(string::bytes(ctx.h, s)?);
        return Err(Trap::Error(ctx.new_str(&text)?));
    }
    Err(Trap::Error(msg))
}

pub fn error(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let v = arg(args, 1);
    let level = opt_int(ctx, args, 2, "error", 1)?;
    if let (Value::Str(s), true) = (v, level > 0) {
        let mut text = where_(ctx, level as u64)?;
        text.extend(string::bytes(ctx.h, s)?);
        return Err(Trap::Error(ctx.new_str(&text)?));
    }
    Err(Trap::Error(v))
}

pub fn pcall(_ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let f = check_any(args, 1, "pcall")?;
    Ok(NativeResult::Call { func: f, args: args[1..].to_vec(), k: 0, protected: true })
}

pub fn pcall_k(_ctx: &mut Ctx, _k: u64, input: ContinuationInput, _args: &[Value]) -> LuaResult<NativeResult> {
    match input {
        Ok(mut results) => {
            results.insert(0, Value::Bool(true));
            ret(results)
        }
        Err(e) => ret(vec![Value::Bool(false), e]),
    }
}

pub fn xpcall(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    if !arg(args, 2).is_function() {
        return type_error(ctx, args, 2, "xpcall", "function");
    }
    let f = arg(args, 1);
    Ok(NativeResult::Call { func: f, args: args.get(2..).unwrap_or(&[]).to_vec(), k: 0, protected: true })
}

/// The error reaching xpcall has been through its message handler already
/// (called where the error happened, see vm::call::throw).
pub fn xpcall_k(_ctx: &mut Ctx, _k: u64, input: ContinuationInput, _args: &[Value]) -> LuaResult<NativeResult> {
    match input {
        Ok(mut results) => {
            results.insert(0, Value::Bool(true));
            ret(results)
        }
        Err(e) => ret(vec![Value::Bool(false), e]),
    }
}

/// The hidden runner of a message handler: `msgh(handler, error, xpcall
/// frame)` calls `handler(error)`; its frame is marked so that the result
/// unwinds to the xpcall instead of returning here.
pub fn msgh(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let ci = ctx.ci()?;
    let status = ctx.h.read_u64(ci + CI_STATUS)?;
    ctx.h.write_u64(ci + CI_STATUS, status | cs::MSGH)?;
    Ok(NativeResult::Call { func: arg(args, 1), args: vec![arg(args, 2)], k: 0, protected: false })
}

pub fn msgh_k(_ctx: &mut Ctx, _k: u64, _input: ContinuationInput, _args: &[Value]) -> LuaResult<NativeResult> {
    Err(Fault::Invalid("a message handler's runner was continued").into())
}

/// Empty slots `next` crosses per step (a long run of them takes several).
const NEXT_SLICE: u64 = 1024;

pub fn next(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let t = check_table(ctx, args, 1, "next")?;
    match table::position_after(ctx.h, t, arg(args, 2))? {
        Some(index) => next_scan(ctx, args, t, index),
        None => Err(Trap::Msg("invalid key to 'next'".into())),
    }
}

fn next_scan(ctx: &mut Ctx, args: &[Value], t: Addr, index: u64) -> LuaResult<NativeResult> {
    match table::scan_from(ctx.h, t, index, NEXT_SLICE)? {
        table::Scan::Found(k, v) => ret(vec![k, v]),
        table::Scan::End => ret1(Value::Nil),
        table::Scan::Paused(at) => {
            let st = Saved::open(ctx, args.len(), 1)?;
            st.set_int(ctx, 0, at as i64)?;
            Ok(NativeResult::Again { k: 0 })
        }
    }
}

pub fn next_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let t = check_table(ctx, args, 1, "next")?;
    let st = Saved::open(ctx, args.len(), 1)?;
    let at = st.int(ctx, 0)? as u64;
    next_scan(ctx, args, t, at)
}

pub fn pairs(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let v = check_any(args, 1, "pairs")?;
    let tm = meta::get_tm(ctx, v, "__pairs")?;
    if !tm.is_nil() {
        return Ok(NativeResult::Call { func: tm, args: vec![v], k: 0, protected: false });
    }
    let next = native_value(ctx, "", "next")?;
    ret(vec![next, v, Value::Nil])
}

pub fn pairs_k(_ctx: &mut Ctx, _k: u64, input: ContinuationInput, _args: &[Value]) -> LuaResult<NativeResult> {
    let mut results = input.map_err(Trap::Error)?;
    results.resize(3, Value::Nil);
    ret(results)
}

pub fn ipairs(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let v = check_any(args, 1, "ipairs")?;
    let iter = native_value(ctx, "-", "ipairs_iter")?;
    ret(vec![iter, v, Value::Int(0)])
}

pub fn ipairs_iter(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let i = check_int(ctx, args, 2, "ipairs")?.wrapping_add(1);
    let t = arg(args, 1);
    if let Value::Table(tab) = t {
        let v = table::get_int(ctx.h, tab, i)?;
        if !v.is_nil() || meta::get_tm(ctx, t, "__index")?.is_nil() {
            return ret(if v.is_nil() { vec![Value::Nil] } else { vec![Value::Int(i), v] });
        }
    }
    let r = index_from_native(ctx, t, Value::Int(i));
    match no_position(ctx, r)? {
        Ok(v) => ret(if v.is_nil() { vec![Value::Nil] } else { vec![Value::Int(i), v] }),
        Err((tm, obj)) => Ok(NativeResult::Call { func: tm, args: vec![obj, Value::Int(i)], k: i as u64, protected: false }),
    }
}

pub fn ipairs_iter_k(_ctx: &mut Ctx, k: u64, input: ContinuationInput, _args: &[Value]) -> LuaResult<NativeResult> {
    let results = input.map_err(Trap::Error)?;
    let v = results.first().copied().unwrap_or(Value::Nil);
    ret(if v.is_nil() { vec![Value::Nil] } else { vec![Value::Int(k as i64), v] })
}

/// `obj[key]` for a native: the value, or the `__index` function to call
/// (with the object it belongs to).
pub fn index_from_native(ctx: &mut Ctx, mut obj: Value, key: Value) -> LuaResult<Result<Value, (Value, Value)>> {
    for _ in 0..2000 {
        let tm = if let Value::Table(t) = obj {
            let v = table::get(ctx.h, t, key)?;
            if !v.is_nil() {
                return Ok(Ok(v));
            }
            let tm = meta::get_tm(ctx, obj, "__index")?;
            if tm.is_nil() {
                return Ok(Ok(Value::Nil));
            }
            tm
        } else {
            let tm = meta::get_tm(ctx, obj, "__index")?;
            if tm.is_nil() {
                return Err(Trap::Msg(format!("attempt to index a {} value", meta::type_name_of(ctx, obj)?)));
            }
            tm
        };
        if tm.is_function() {
            return Ok(Err((tm, obj)));
        }
        obj = tm;
    }
    Err(Trap::Msg("'__index' chain too long; possible loop".into()))
}

pub fn select(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let n = args.len() as i64 - 1;
    if let Value::Str(s) = arg(args, 1) {
        if string::bytes(ctx.h, s)? == b"#" {
            return ret1(Value::Int(n));
        }
    }
    let i = check_int(ctx, args, 1, "select")?;
    let start = if i < 0 {
        if -i > n {
            return arg_error(1, "select", "index out of range");
        }
        n + i
    } else if i == 0 {
        return arg_error(1, "select", "index out of range");
    } else {
        (i - 1).min(n)
    };
    ret(args[(1 + start) as usize..].to_vec())
}

/// load(chunk [, chunkname [, mode [, env]]]).
pub fn load(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    match arg(args, 1) {
        Value::Str(_) | Value::Int(_) | Value::Float(_) => {
            let source = check_bytes(ctx, args, 1, "load")?;
            let name = match arg(args, 2) {
                Value::Nil => String::from_utf8_lossy(&source).into_owned(),
                _ => String::from_utf8_lossy(&check_bytes(ctx, args, 2, "load")?).into_owned(),
            };
            finish_load(ctx, args, &source, &name)
        }
        f if f.is_function() => {
            // Read pieces with the reader function; the pieces so far are kept
            // in a string in CI_K2's slot... simplest: accumulate in a table.
            let acc = table::new_table(ctx.h, ctx.g, 4, 0)?;
            ctx.keep_in_frame(Value::Table(acc))?;
            Ok(NativeResult::Call { func: f, args: vec![], k: acc, protected: false })
        }
        _ => type_error(ctx, args, 1, "load", "string"),
    }
}

pub fn load_k(ctx: &mut Ctx, k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let results = input.map_err(Trap::Error)?;
    let acc = k;
    match results.first().copied().unwrap_or(Value::Nil) {
        Value::Str(s) if string::len(ctx.h, s)? > 0 => {
            let n = table::length(ctx.h, acc)? as i64;
            table::set_int(ctx.h, acc, n + 1, Value::Str(s))?;
            Ok(NativeResult::Call { func: arg(args, 1), args: vec![], k: acc, protected: false })
        }
        Value::Nil | Value::Str(_) => {
            let n = table::length(ctx.h, acc)? as i64;
            let mut source = Vec::new();
            for i in 1..=n {
                if let Value::Str(s) = table::get_int(ctx.h, acc, i)? {
                    source.extend(string::bytes(ctx.h, s)?);
                }
            }
            let name = match arg(args, 2) {
                Value::Nil => "=(load)".to_string(),
                _ => String::from_utf8_lossy(&check_bytes(ctx, args, 2, "load")?).into_owned(),
            };
            finish_load(ctx, args, &source, &name)
        }
        _ => ret(vec![Value::Nil, ctx.new_str(b"reader function must return a string")?]),
    }
}

fn finish_load(ctx: &mut Ctx, args: &[Value], source: &[u8], name: &str) -> LuaResult<NativeResult> {
    if let Value::Str(m) = arg(args, 3) {
        let mode = string::bytes(ctx.h, m)?;
        if !mode.contains(&b't') && source.first() != Some(&0x1b) {
            let msg = format!("attempt to load a text chunk (mode is '{}')", String::from_utf8_lossy(&mode));
            return ret(vec![Value::Nil, ctx.new_str(msg.as_bytes())?]);
        }
    }
    let mode = match arg(args, 3) {
        Value::Str(m) => string::bytes(ctx.h, m)?,
        _ => b"bt".to_vec(),
    };
    if source.first() == Some(&0x1b) {
        if !mode.contains(&b'b') {
            let msg = format!("attempt to load a binary chunk (mode is '{}')", String::from_utf8_lossy(&mode));
            return ret(vec![Value::Nil, ctx.new_str(msg.as_bytes())?]);
        }
        return match super::dump::undump(source) {
            Some(proto) => {
                let env = if args.len() >= 4 { arg(args, 4) } else { Value::Table(ctx.h.read_u64(ctx.g + G_GLOBALS)?) };
                ret1(make_main_closure(ctx, &proto, env)?)
            }
            None => ret(vec![Value::Nil, ctx.new_str(format!("{name}: bad binary format (truncated chunk)").as_bytes())?]),
        };
    }
    match compiler::compile_at_depth(source, name, 2) {
        Ok(proto) => {
            let env = if args.len() >= 4 { arg(args, 4) } else { Value::Table(ctx.h.read_u64(ctx.g + G_GLOBALS)?) };
            let f = make_main_closure(ctx, &proto, env)?;
            ret1(f)
        }
        Err(e) => ret(vec![Value::Nil, ctx.new_str(e.message.as_bytes())?]),
    }
}

/// A closure for a compiled chunk, its single upvalue `_ENV` set to `env`.
pub fn make_main_closure(ctx: &mut Ctx, proto: &compiler::Proto, env: Value) -> Result<Value, Fault> {
    let p = func::store_proto(ctx.h, ctx.g, proto)?;
    let nup = proto.upvalues.len() as u64;
    let cl = func::new_closure(ctx.h, ctx.g, p, nup)?;
    for i in 0..nup {
        let uv = func::new_closed_upval(ctx.h, ctx.g, if i == 0 { env } else { Value::Nil })?;
        ctx.h.write_u64(cl + func::CL_UPVALS + i * 8, uv)?;
    }
    Ok(Value::LuaFn(cl))
}

pub fn unsupported(_ctx: &mut Ctx, _args: &[Value]) -> LuaResult<NativeResult> {
    Err(Trap::Msg("this function is not available in vheap".into()))
}

/// Runs the main chunk (argument 1) the way the stand-alone interpreter
/// does: protected, so that `<close>` variables are closed on an error, and
/// an uncaught error becomes the message the reference prints (a string, a
/// number's text, `__tostring` of the value, or "(error object is a X value)").
pub fn main(_ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    Ok(NativeResult::Call { func: arg(args, 1), args: vec![], k: 0, protected: true })
}

pub fn main_k(ctx: &mut Ctx, k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let error = match (k, input) {
        (0, Ok(_)) => return ret(vec![]),
        (0, Err(e)) => e,
        // k = 1: what `__tostring` made of the error value.
        (_, Ok(results)) => match results.first() {
            Some(v @ Value::Str(_)) => *v,
            _ => {
                let saved = arg(args, 2);
                let text = format!("(error object is a {} value)", saved.type_name());
                ctx.new_str(text.as_bytes())?
            }
        },
        (_, Err(e)) => e,
    };
    let message = match error {
        Value::Str(_) => error,
        Value::Int(_) | Value::Float(_) => {
            let text = meta::basic_tostring(ctx, error)?;
            ctx.new_str(&text)?
        }
        _ if k == 0 => {
            let tm = meta::get_tm(ctx, error, "__tostring")?;
            if !tm.is_nil() {
                // Keep the error value for the message if __tostring fails to give a string.
                ctx.keep_in_frame(error)?;
                let ci = ctx.ci()?;
                let n = ctx.h.read_u64(ci + CI_EXTRA_ARGS)?;
                ctx.h.write_u64(ci + CI_EXTRA_ARGS, n + 1)?;
                return Ok(NativeResult::Call { func: tm, args: vec![error], k: 1, protected: true });
            }
            let text = format!("(error object is a {} value)", error.type_name());
            ctx.new_str(text.as_bytes())?
        }
        _ => {
            let text = format!("(error object is a {} value)", error.type_name());
            ctx.new_str(text.as_bytes())?
        }
    };
    Err(Trap::Error(message))
}

pub fn string_dump(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    match arg(args, 1) {
        Value::LuaFn(cl) => {
            let proto = ctx.h.read_u64(cl + func::CL_PROTO)?;
            let p = func::load_full_proto(ctx.h, proto)?;
            ret1(ctx.new_str(&super::dump::dump(&p))?)
        }
        Value::NativeFn(_) => Err(Trap::Msg("unable to dump given function".into())),
        _ => type_error(ctx, args, 1, "dump", "function"),
    }
}

// ----- require and package ------------------------------------------------
//
// Modules come from `package.loaded` and `package.preload` (kept in the
// registry as `_LOADED` and `_PRELOAD`, as lua5.4 keeps them). A vheap
// program cannot load files: its whole state lives in the heap, which may
// move to another machine, so `require` of anything else fails with
// lua5.4's "module not found" message.

fn registry_table(ctx: &mut Ctx, name: &str) -> LuaResult<Addr> {
    let registry = ctx.h.read_u64(ctx.g + G_REGISTRY)?;
    let key = ctx.new_str(name.as_bytes())?;
    match table::get(ctx.h, registry, key)? {
        Value::Table(t) => Ok(t),
        _ => Err(Trap::Msg(format!("'package.{}' must be a table", name.trim_start_matches('_').to_lowercase()))),
    }
}

pub fn require(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let name = check_bytes(ctx, args, 1, "require")?;
    let key = ctx.new_str(&name)?;
    let loaded = registry_table(ctx, "_LOADED")?;
    let module = table::get(ctx.h, loaded, key)?;
    if module.truthy() {
        return ret1(module);
    }
    let preload = registry_table(ctx, "_PRELOAD")?;
    let loader = table::get(ctx.h, preload, key)?;
    if loader.is_nil() {
        let name = String::from_utf8_lossy(&name);
        return Err(Trap::Msg(format!(
            "module '{name}' not found:\n\tno field package.preload['{name}']\n\tno file (vheap programs cannot load files)"
        )));
    }
    let tag = ctx.new_str(b":preload:")?;
    Ok(NativeResult::Call { func: loader, args: vec![key, tag], k: 0, protected: false })
}

pub fn require_k(ctx: &mut Ctx, _k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let results = input.map_err(Trap::Error)?;
    let name = check_bytes(ctx, args, 1, "require")?;
    let key = ctx.new_str(&name)?;
    let loaded = registry_table(ctx, "_LOADED")?;
    if let Some(&v) = results.first().filter(|v| !v.is_nil()) {
        table::set(ctx.h, loaded, key, v)?.ok();
    }
    if table::get(ctx.h, loaded, key)?.is_nil() {
        table::set(ctx.h, loaded, key, Value::Bool(true))?.ok();
    }
    let module = table::get(ctx.h, loaded, key)?;
    let tag = ctx.new_str(b":preload:")?;
    ret(vec![module, tag])
}

/// The `package` table: `loaded` (every standard library and `_G`),
/// `preload`, and the path fields programs may read.
pub fn open_package(ctx: &mut Ctx, globals: Addr, libs: &[(&str, Addr)]) -> Result<(), Fault> {
    let package = table::new_table(ctx.h, ctx.g, 0, 8)?;
    let loaded = table::new_table(ctx.h, ctx.g, 0, 16)?;
    let preload = table::new_table(ctx.h, ctx.g, 0, 4)?;
    let set = |ctx: &mut Ctx, t: Addr, k: &str, v: Value| -> Result<(), Fault> {
        let key = Value::Str(string::new_string(ctx.h, ctx.g, k.as_bytes())?);
        table::set(ctx.h, t, key, v)?.ok();
        Ok(())
    };
    for &(name, t) in libs {
        set(ctx, loaded, name, Value::Table(t))?;
    }
    set(ctx, loaded, "_G", Value::Table(globals))?;
    set(ctx, loaded, "package", Value::Table(package))?;
    set(ctx, package, "loaded", Value::Table(loaded))?;
    set(ctx, package, "preload", Value::Table(preload))?;
    for (field, text) in [("path", "./?.lua"), ("cpath", ""), ("config", "/\n;\n?\n!\n-\n")] {
        let v = Value::Str(string::new_string(ctx.h, ctx.g, text.as_bytes())?);
        set(ctx, package, field, v)?;
    }
    set(ctx, globals, "package", Value::Table(package))?;
    let registry = ctx.h.read_u64(ctx.g + G_REGISTRY)?;
    set(ctx, registry, "_LOADED", Value::Table(loaded))?;
    set(ctx, registry, "_PRELOAD", Value::Table(preload))
}
