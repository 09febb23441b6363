//! The debug library's basics: traceback, getinfo, upvalue access,
//! metatables and the registry, and hooks (accepted, never called).
//!
//! Stack levels count frames as the reference does: level 0 is the running
//! native (getinfo itself), 1 its caller, and so on, down to (not
//! including) the thread's base frame. The VM's own runners (a message
//! handler's, a finalizer's, a long concatenation's) have no counterpart in
//! the reference and are not counted.

use super::*;
use crate::lua::func::{self, CL_NUPVALS, CL_PROTO, NF_ID, NF_NUPVALS, P_LASTLINE, P_LINEDEFINED, P_LINES, P_NCODE, P_SOURCE};
use crate::lua::state::*;
use crate::lua::string;
use crate::lua::value::VALUE_SIZE;
use crate::lua::vm::call::{call_site_name, frame_proto_pc, global_name};

/// Frames shown at the top and at the bottom of a long traceback.
const LEVELS1: usize = 10;
const LEVELS2: usize = 11;

/// The native definition of a native frame's function, if it is one.
fn native_of(ctx: &mut Ctx, f: Value) -> Result<Option<&'static NativeDef>, Fault> {
    let Value::NativeFn(nf) = f else { return Ok(None) };
    let id = ctx.h.read_u64(nf + NF_ID)?;
    Ok(native_def(id))
}

fn frame_func(ctx: &mut Ctx, ci: Addr) -> Result<Value, Fault> {
    let slot = ctx.h.read_u64(ci + CI_FUNC)?;
    ctx.get(slot)
}

fn is_hidden(ctx: &mut Ctx, ci: Addr) -> Result<bool, Fault> {
    if ctx.h.read_u64(ci + CI_STATUS)? & cs::LUA != 0 {
        return Ok(false);
    }
    let f = frame_func(ctx, ci)?;
    Ok(native_of(ctx, f)?.is_some_and(|d| d.lib == "-" && matches!(d.name, "msgh" | "gc_fin" | "concat")))
}

/// The frames of thread `th` from the top (for the running thread, the
/// running native first).
fn frames(ctx: &mut Ctx, th: Addr) -> Result<Vec<Addr>, Fault> {
    let base = ctx.h.read_u64(th + T_BASE_CI)?;
    let mut ci = if th == ctx.th { ctx.ci()? } else { ctx.h.read_u64(th + T_CI)? };
    let mut out = Vec::new();
    while ci != 0 && ci != base {
        if !is_hidden(ctx, ci)? {
            out.push(ci);
        }
        ci = ctx.h.read_u64(ci + CI_PREV)?;
    }
    Ok(out)
}

/// What getinfo reports about a function (and, for a level, its frame).
struct Info {
    func: Value,
    proto: Option<Addr>,
    currentline: i64,
    tail: bool,
    name: Option<(&'static str, String)>,
}

fn info_of_function(ctx: &mut Ctx, func: Value) -> Result<Info, Fault> {
    let proto = match func {
        Value::LuaFn(cl) => Some(ctx.h.read_u64(cl + CL_PROTO)?),
        _ => None,
    };
    Ok(Info { func, proto, currentline: -1, tail: false, name: None })
}

fn info_of_frame(ctx: &mut Ctx, ci: Addr) -> Result<Info, Fault> {
    let func = frame_func(ctx, ci)?;
    let mut info = info_of_function(ctx, func)?;
    let status = ctx.h.read_u64(ci + CI_STATUS)?;
    if status & cs::LUA != 0 {
        let (proto, pc) = frame_proto_pc(ctx, ci)?;
        info.currentline = i64::from(func::line_of(ctx.h, proto, pc.saturating_sub(1))?);
    }
    info.tail = status & cs::TAIL != 0;
    info.name = call_site_name(ctx, ci)?;
    Ok(info)
}

impl Info {
    fn source(&self, ctx: &mut Ctx) -> Result<Vec<u8>, Fault> {
        match self.proto {
            Some(p) => {
                let s = ctx.h.read_u64(p + P_SOURCE)?;
                string::bytes(ctx.h, s)
            }
            None => Ok(b"=[C]".to_vec()),
        }
    }

    fn short_src(&self, ctx: &mut Ctx) -> Result<Vec<u8>, Fault> {
        match self.proto {
            Some(p) => func::source_id(ctx.h, p),
            None => Ok(b"[C]".to_vec()),
        }
    }

    fn lines(&self, ctx: &mut Ctx) -> Result<(i64, i64), Fault> {
        match self.proto {
            Some(p) => Ok((ctx.h.read_u64(p + P_LINEDEFINED)? as i64, ctx.h.read_u64(p + P_LASTLINE)? as i64)),
            None => Ok((-1, -1)),
        }
    }

    fn what(&self, ctx: &mut Ctx) -> Result<&'static str, Fault> {
        Ok(match self.proto {
            Some(_) if self.lines(ctx)?.0 == 0 => "main",
            Some(_) => "Lua",
            None => "C",
        })
    }
}

fn set_field(ctx: &mut Ctx, t: Addr, name: &str, v: Value) -> LuaResult<()> {
    let k = ctx.new_str(name.as_bytes())?;
    table::set(ctx.h, t, k, v)?.ok();
    Ok(())
}

/// An optional thread as first argument: (thread, index of the next argument).
fn thread_arg(ctx: &mut Ctx, args: &[Value]) -> (Addr, usize) {
    match arg(args, 1) {
        Value::Thread(th) => (th, 1),
        _ => (ctx.th, 0),
    }
}

pub fn getinfo(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let (th, a) = thread_arg(ctx, args);
    let options = opt_bytes(ctx, args, a + 2, "getinfo", b"flnSrtu")?;
    if options.first() == Some(&b'>') {
        return arg_error(a + 2, "getinfo", "invalid option '>'");
    }
    if options.iter().any(|c| !b"SlnrutfL".contains(c)) {
        return arg_error(a + 2, "getinfo", "invalid option");
    }
    let target = arg(args, a + 1);
    let info = if target.is_function() {
        info_of_function(ctx, target)?
    } else {
        let level = check_int(ctx, args, a + 1, "getinfo")?;
        let frames = frames(ctx, th)?;
        match usize::try_from(level).ok().and_then(|l| frames.get(l)) {
            Some(&ci) => info_of_frame(ctx, ci)?,
            None => return ret1(Value::Nil),
        }
    };
    let t = table::new_table(ctx.h, ctx.g, 0, 16)?;
    for &o in &options {
        match o {
            b'S' => {
                let source = info.source(ctx)?;
                let v = ctx.new_str(&source)?;
                set_field(ctx, t, "source", v)?;
                let short = info.short_src(ctx)?;
                let v = ctx.new_str(&short)?;
                set_field(ctx, t, "short_src", v)?;
                let (first, last) = info.lines(ctx)?;
                set_field(ctx, t, "linedefined", Value::Int(first))?;
                set_field(ctx, t, "lastlinedefined", Value::Int(last))?;
                let what = info.what(ctx)?;
                let v = ctx.new_str(what.as_bytes())?;
                set_field(ctx, t, "what", v)?;
            }
            b'l' => set_field(ctx, t, "currentline", Value::Int(info.currentline))?,
            b'u' => {
                let (nups, nparams, vararg) = match info.func {
                    Value::LuaFn(cl) => {
                        let proto = ctx.h.read_u64(cl + CL_PROTO)?;
                        let (np, va, _) = func::shape(ctx.h, proto)?;
                        (ctx.h.read_u64(cl + CL_NUPVALS)?, np, va)
                    }
                    Value::NativeFn(nf) => (ctx.h.read_u64(nf + NF_NUPVALS)?, 0, true),
                    _ => (0, 0, true),
                };
                set_field(ctx, t, "nups", Value::Int(nups as i64))?;
                set_field(ctx, t, "nparams", Value::Int(nparams as i64))?;
                set_field(ctx, t, "isvararg", Value::Bool(vararg))?;
            }
            b'n' => {
                let (namewhat, name) = match &info.name {
                    Some((kind, name)) => (*kind, ctx.new_str(name.as_bytes())?),
                    None => ("", Value::Nil),
                };
                set_field(ctx, t, "name", name)?;
                let v = ctx.new_str(namewhat.as_bytes())?;
                set_field(ctx, t, "namewhat", v)?;
            }
            b'r' => {
                set_field(ctx, t, "ftransfer", Value::Int(0))?;
                set_field(ctx, t, "ntransfer", Value::Int(0))?;
            }
            b't' => set_field(ctx, t, "istailcall", Value::Bool(info.tail))?,
            b'f' => set_field(ctx, t, "func", info.func)?,
            b'L' => {
                let lines = match info.proto {
                    Some(p) => {
                        let lines = table::new_table(ctx.h, ctx.g, 0, 0)?;
                        let (n, block) = (ctx.h.read_u64(p + P_NCODE)?, ctx.h.read_u64(p + P_LINES)?);
                        let vararg = func::shape(ctx.h, p)?.1;
                        // A vararg function's first instruction (VARARGPREP)
                        // is not a line of its own, as in the reference.
                        for pc in u64::from(vararg)..n {
                            let line = ctx.h.read_u32(block + pc * 4)?;
                            table::set(ctx.h, lines, Value::Int(i64::from(line)), Value::Bool(true))?.ok();
                        }
                        Value::Table(lines)
                    }
                    None => Value::Nil,
                };
                set_field(ctx, t, "activelines", lines)?;
            }
            _ => {}
        }
    }
    ret1(Value::Table(t))
}

/// The name a function has in the globals or a standard library table, as
/// the reference's traceback finds it in `package.loaded`.
fn global_function_name(ctx: &mut Ctx, f: Value) -> LuaResult<Option<String>> {
    if let Some(def) = native_of(ctx, f)? {
        return Ok((def.lib != "-").then(|| global_name(def)));
    }
    const LIBS: [&str; 8] = ["string", "table", "math", "io", "os", "coroutine", "utf8", "debug"];
    // Only the first entries: a traceback stays one bounded step.
    const SCAN: u64 = 4096;
    let globals = ctx.h.read_u64(ctx.g + G_GLOBALS)?;
    let mut tables = vec![(String::new(), globals)];
    for lib in LIBS {
        let k = ctx.new_str(lib.as_bytes())?;
        if let Value::Table(t) = table::get(ctx.h, globals, k)? {
            tables.push((format!("{lib}."), t));
        }
    }
    for (prefix, t) in tables {
        let mut at = 0;
        while at < SCAN {
            match table::scan_from(ctx.h, t, at, SCAN - at)? {
                table::Scan::Found(k, v) => {
                    if v == f {
                        if let Value::Str(s) = k {
                            let name = String::from_utf8_lossy(&string::bytes(ctx.h, s)?).into_owned();
                            return Ok(Some(format!("{prefix}{name}")));
                        }
                    }
                    match table::position_after(ctx.h, t, k)? {
                        Some(next) => at = next,
                        None => break,
                    }
                }
                _ => break,
            }
        }
    }
    Ok(None)
}

fn function_description(ctx: &mut Ctx, info: &Info) -> LuaResult<String> {
    if let Some(name) = global_function_name(ctx, info.func)? {
        return Ok(format!("function '{name}'"));
    }
    if let Some((kind, name)) = &info.name {
        return Ok(format!("{kind} '{name}'"));
    }
    Ok(match info.what(ctx)? {
        "main" => "main chunk".to_string(),
        "Lua" => {
            let src = String::from_utf8_lossy(&info.short_src(ctx)?).into_owned();
            format!("function <{src}:{}>", info.lines(ctx)?.0)
        }
        _ => "?".to_string(),
    })
}

pub fn traceback(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let (th, a) = thread_arg(ctx, args);
    let msg = arg(args, a + 1);
    if !msg.is_nil() && !matches!(msg, Value::Str(_) | Value::Int(_) | Value::Float(_)) {
        return ret1(msg);
    }
    let default_level = if th == ctx.th { 1 } else { 0 };
    let level = opt_int(ctx, args, a + 2, "traceback", default_level)?.max(0) as usize;
    let mut out = Vec::new();
    if !msg.is_nil() {
        out.extend(check_bytes(ctx, args, a + 1, "traceback")?);
        out.push(b'\n');
    }
    out.extend_from_slice(b"stack traceback:");
    let frames = frames(ctx, th)?;
    let shown: Vec<Addr> = frames.iter().skip(level).copied().collect();
    let mut i = 0;
    while i < shown.len() {
        if shown.len() > LEVELS1 + LEVELS2 + 1 && i == LEVELS1 {
            // The reference's count leaves out the frame the message replaces.
            let skip = shown.len() - LEVELS1 - LEVELS2;
            out.extend_from_slice(format!("\n\t...\t(skipping {} levels)", skip - 1).as_bytes());
            i += skip;
            continue;
        }
        let info = info_of_frame(ctx, shown[i])?;
        let src = String::from_utf8_lossy(&info.short_src(ctx)?).into_owned();
        let place = if info.currentline > 0 { format!("{src}:{}:", info.currentline) } else { format!("{src}:") };
        let what = function_description(ctx, &info)?;
        out.extend_from_slice(format!("\n\t{place} in {what}").as_bytes());
        if info.tail {
            out.extend_from_slice(b"\n\t(...tail calls...)");
        }
        i += 1;
    }
    ret1(ctx.new_str(&out)?)
}

pub fn sethook(_ctx: &mut Ctx, _args: &[Value]) -> LuaResult<NativeResult> {
    ret(vec![])
}

pub fn gethook(_ctx: &mut Ctx, _args: &[Value]) -> LuaResult<NativeResult> {
    ret1(Value::Nil)
}

pub fn getregistry(ctx: &mut Ctx, _args: &[Value]) -> LuaResult<NativeResult> {
    ret1(Value::Table(ctx.h.read_u64(ctx.g + G_REGISTRY)?))
}

/// The raw metatable (no `__metatable` field consulted).
pub fn getmetatable(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let v = check_any(args, 1, "getmetatable")?;
    let mt = meta::metatable_of(ctx, v)?;
    ret1(if mt == 0 { Value::Nil } else { Value::Table(mt) })
}

/// Sets a table's metatable (other types keep the ones the VM gives them).
pub fn setmetatable(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let v = arg(args, 1);
    let mt = match arg(args, 2) {
        Value::Nil => 0,
        Value::Table(t) => t,
        _ => return type_error(ctx, args, 2, "setmetatable", "nil or table"),
    };
    match v {
        Value::Table(t) => {
            table::set_metatable(ctx.h, t, mt)?;
            crate::lua::gc::check_finalizer(ctx.h, ctx.g, t, mt)?;
        }
        _ => return Err(Trap::Msg(format!("cannot change the metatable of a {} value in vheap", v.type_name()))),
    }
    ret1(v)
}

/// Upvalue `n` of function `f`: its slot (Lua closures: the upvalue
/// object) and name.
fn upvalue_ref(ctx: &mut Ctx, f: Value, n: i64) -> LuaResult<Option<(Result<Addr, Addr>, Vec<u8>)>> {
    match f {
        Value::LuaFn(cl) => {
            let count = ctx.h.read_u64(cl + CL_NUPVALS)?;
            if n < 1 || n as u64 > count {
                return Ok(None);
            }
            let proto = ctx.h.read_u64(cl + CL_PROTO)?;
            let p = func::load_debug_proto(ctx.h, proto)?;
            let name = p.upvalues.get(n as usize - 1).map(|u| u.name.clone()).unwrap_or_default();
            let name = if name.is_empty() { b"(no name)".to_vec() } else { name };
            Ok(Some((Ok(func::read_upval_slot(ctx.h, cl, n as u64 - 1)?), name)))
        }
        Value::NativeFn(nf) => {
            let count = ctx.h.read_u64(nf + NF_NUPVALS)?;
            if n < 1 || n as u64 > count {
                return Ok(None);
            }
            Ok(Some((Err(nf + func::NF_UPVALS + (n as u64 - 1) * VALUE_SIZE), Vec::new())))
        }
        _ => Ok(None),
    }
}

pub fn getupvalue(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let n = check_int(ctx, args, 2, "getupvalue")?;
    let f = arg(args, 1);
    if !f.is_function() {
        return type_error(ctx, args, 1, "getupvalue", "function");
    }
    let Some((slot, name)) = upvalue_ref(ctx, f, n)? else { return ret(vec![]) };
    let v = match slot {
        Ok(uv) => func::upval_get(ctx.h, uv)?,
        Err(addr) => ctx.get(addr)?,
    };
    ret(vec![ctx.new_str(&name)?, v])
}

pub fn setupvalue(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let v = check_any(args, 3, "setupvalue")?;
    let n = check_int(ctx, args, 2, "setupvalue")?;
    let f = arg(args, 1);
    if !f.is_function() {
        return type_error(ctx, args, 1, "setupvalue", "function");
    }
    let Some((slot, name)) = upvalue_ref(ctx, f, n)? else { return ret(vec![]) };
    match slot {
        Ok(uv) => func::upval_set(ctx.h, uv, v)?,
        Err(addr) => {
            crate::lua::value::write_value(ctx.h, addr, v)?;
            if let Value::NativeFn(nf) = f {
                crate::lua::gc::barrier(ctx.h, nf, v)?;
            }
        }
    }
    ret1(ctx.new_str(&name)?)
}
