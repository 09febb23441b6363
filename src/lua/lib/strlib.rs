//! The string library (and the small utf8 library).

use super::*;
use crate::lua::string;
use crate::lua::text::number as num;

/// Lua's relative string positions: negative counts from the end.
fn pos_relative(pos: i64, len: usize) -> i64 {
    if pos >= 0 {
        pos
    } else if pos.unsigned_abs() > len as u64 {
        0
    } else {
        len as i64 + pos + 1
    }
}

pub fn len(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "len")?;
    ret1(Value::Int(s.len() as i64))
}

pub fn sub(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "sub")?;
    let i = check_int(ctx, args, 2, "sub")?;
    let j = opt_int(ctx, args, 3, "sub", -1)?;
    let l = s.len();
    let mut start = pos_relative(i, l);
    let mut end = pos_relative(j, l);
    if start < 1 {
        start = 1;
    }
    if end > l as i64 {
        end = l as i64;
    }
    if start > end {
        return ret1(ctx.new_str(b"")?);
    }
    ret1(ctx.new_str(&s[(start - 1) as usize..end as usize])?)
}

pub fn upper(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "upper")?;
    ret1(ctx.new_str(&s.to_ascii_uppercase())?)
}

pub fn lower(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "lower")?;
    ret1(ctx.new_str(&s.to_ascii_lowercase())?)
}

/// The most bytes a string may have (beyond, "resulting string too large").
const MAX_STRING: u64 = 1 << 31;

pub fn rep(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "rep")?;
    let n = check_int(ctx, args, 2, "rep")?;
    let sep = opt_bytes(ctx, args, 3, "rep", b"")?;
    if n <= 0 {
        return ret1(ctx.new_str(b"")?);
    }
    let total = (s.len() as u64 + sep.len() as u64).saturating_mul(n as u64);
    if total >= MAX_STRING {
        return Err(Trap::Msg("resulting string too large".into()));
    }
    let mut out = Vec::with_capacity(total as usize);
    for i in 0..n {
        out.extend_from_slice(&s);
        if i + 1 < n {
            out.extend_from_slice(&sep);
        }
    }
    ret1(ctx.new_str(&out)?)
}

pub fn reverse(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let mut s = check_bytes(ctx, args, 1, "reverse")?;
    s.reverse();
    ret1(ctx.new_str(&s)?)
}

pub fn byte(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "byte")?;
    let i = opt_int(ctx, args, 2, "byte", 1)?;
    let start = pos_relative(i, s.len());
    let j = opt_int(ctx, args, 3, "byte", start)?;
    let end = pos_relative(j, s.len()).min(s.len() as i64);
    let start = start.max(1);
    if start > end {
        return ret(vec![]);
    }
    ret(s[(start - 1) as usize..end as usize].iter().map(|&b| Value::Int(i64::from(b))).collect())
}

pub fn char(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let mut out = Vec::with_capacity(args.len());
    for n in 1..=args.len() {
        let c = check_int(ctx, args, n, "char")?;
        if !(0..=255).contains(&c) {
            return arg_error(n, "char", "value out of range");
        }
        out.push(c as u8);
    }
    ret1(ctx.new_str(&out)?)
}

/// string.format: arguments for %s go through `tostring` (and `__tostring`).
pub fn format(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    format_from(ctx, args, Vec::new())
}

/// Converts %s arguments with __tostring one by one (continuation k = the
/// argument index); converted texts are kept in a table at `args` end.
fn format_from(ctx: &mut Ctx, args: &[Value], _done: Vec<Value>) -> LuaResult<NativeResult> {
    let fmt = check_bytes(ctx, args, 1, "format")?;
    let mut texts: Vec<Option<Vec<u8>>> = vec![None; args.len()];
    // Which arguments are consumed by %s.
    let specs = crate::lua::text::format::conversions(&fmt);
    for (argi, conv) in specs.iter().enumerate() {
        let n = argi + 1;
        if *conv == b's' && n < args.len() {
            match super::base::tostring_or_call(ctx, args[n])? {
                Ok(b) => texts[n] = Some(b),
                Err(_) => {
                    return Err(Trap::Msg("__tostring in string.format is not supported yet".into()));
                }
            }
        }
    }
    let mut fargs = Vec::new();
    let mut bytes_store: Vec<Vec<u8>> = Vec::new();
    for (n, v) in args.iter().enumerate().skip(1) {
        match (&texts[n], v) {
            (Some(t), _) => bytes_store.push(t.clone()),
            (None, Value::Str(s)) => bytes_store.push(string::bytes(ctx.h, *s)?),
            _ => bytes_store.push(Vec::new()),
        }
    }
    for (i, v) in args.iter().enumerate().skip(1) {
        let arg = match (&texts[i], v) {
            (Some(_), _) | (None, Value::Str(_)) => crate::lua::text::format::FmtArg::Str(&bytes_store[i - 1]),
            (None, Value::Int(x)) => crate::lua::text::format::FmtArg::Int(*x),
            (None, Value::Float(x)) => crate::lua::text::format::FmtArg::Float(*x),
            (None, other) => crate::lua::text::format::FmtArg::Other { type_name: other.type_name() },
        };
        fargs.push(arg);
    }
    match crate::lua::text::format::format(&fmt, &fargs) {
        Ok(out) => ret1(ctx.new_str(&out)?),
        Err(msg) => Err(Trap::Msg(msg)),
    }
}

pub fn format_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    format_from(ctx, args, Vec::new())
}

fn pattern_unavailable<T>() -> LuaResult<T> {
    Err(Trap::Msg("string patterns are not available yet".into()))
}

pub fn find(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "find")?;
    let p = check_bytes(ctx, args, 2, "find")?;
    let init = pos_relative(opt_int(ctx, args, 3, "find", 1)?, s.len()).max(1);
    if init > s.len() as i64 + 1 {
        return ret1(Value::Nil);
    }
    let plain = arg(args, 4).truthy() || !p.iter().any(|c| b"^$*+?.([%-".contains(c));
    if plain {
        let start = (init - 1) as usize;
        let found = if p.is_empty() { Some(start) } else { s[start..].windows(p.len()).position(|w| w == p.as_slice()).map(|i| i + start) };
        return ret(match found {
            Some(i) => vec![Value::Int(i as i64 + 1), Value::Int((i + p.len()) as i64)],
            None => vec![Value::Nil],
        });
    }
    pattern_unavailable()
}

pub fn match_(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let _ = (ctx, args);
    pattern_unavailable()
}

pub fn gmatch(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let _ = (ctx, args);
    pattern_unavailable()
}

pub fn gmatch_iter(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let _ = (ctx, args);
    pattern_unavailable()
}

pub fn gsub(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let _ = (ctx, args);
    pattern_unavailable()
}

pub fn gsub_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let _ = (ctx, args);
    pattern_unavailable()
}

fn utf8_encode(cp: u32, out: &mut Vec<u8>) {
    if cp < 0x80 {
        out.push(cp as u8);
        return;
    }
    let mut bytes = Vec::new();
    let mut v = cp;
    let mut limit = 0x3f;
    while v > limit {
        bytes.push(0x80 | (v & 0x3f) as u8);
        v >>= 6;
        limit >>= 1;
    }
    bytes.push(((!limit << 1) | v) as u8);
    bytes.reverse();
    out.extend(bytes);
}

pub fn utf8_char(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let mut out = Vec::new();
    for n in 1..=args.len() {
        let c = check_int(ctx, args, n, "char")?;
        if !(0..=0x7FFF_FFFF).contains(&c) {
            return arg_error(n, "char", "value out of range");
        }
        utf8_encode(c as u32, &mut out);
    }
    ret1(ctx.new_str(&out)?)
}

/// Decodes one UTF-8 sequence at `i`: (code point, length), strict.
fn utf8_decode(s: &[u8], i: usize) -> Option<(u32, usize)> {
    let c = *s.get(i)?;
    if c < 0x80 {
        return Some((u32::from(c), 1));
    }
    let (len, init) = match c {
        0xC0..=0xDF => (2, u32::from(c & 0x1f)),
        0xE0..=0xEF => (3, u32::from(c & 0x0f)),
        0xF0..=0xF7 => (4, u32::from(c & 0x07)),
        _ => return None,
    };
    let mut cp = init;
    for k in 1..len {
        let b = *s.get(i + k)?;
        if b & 0xC0 != 0x80 {
            return None;
        }
        cp = (cp << 6) | u32::from(b & 0x3f);
    }
    let min = [0, 0, 0x80, 0x800, 0x10000][len];
    if cp < min || cp > 0x10FFFF || (0xD800..=0xDFFF).contains(&cp) {
        return None;
    }
    Some((cp, len))
}

pub fn utf8_len(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "len")?;
    let i = pos_relative(opt_int(ctx, args, 2, "len", 1)?, s.len());
    let j = pos_relative(opt_int(ctx, args, 3, "len", -1)?, s.len());
    let mut pos = (i.max(1) - 1) as usize;
    let mut n = 0;
    while (pos as i64) < j {
        match utf8_decode(&s, pos) {
            Some((_, l)) => {
                pos += l;
                n += 1;
            }
            None => return ret(vec![Value::Nil, Value::Int(pos as i64 + 1)]),
        }
    }
    ret1(Value::Int(n))
}

pub fn utf8_codepoint(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "codepoint")?;
    let i = pos_relative(opt_int(ctx, args, 2, "codepoint", 1)?, s.len());
    let j = pos_relative(opt_int(ctx, args, 3, "codepoint", i)?, s.len());
    if i < 1 {
        return arg_error(2, "codepoint", "out of bounds");
    }
    if j > s.len() as i64 {
        return arg_error(3, "codepoint", "out of bounds");
    }
    let mut out = Vec::new();
    let mut pos = (i - 1) as usize;
    while (pos as i64) < j {
        match utf8_decode(&s, pos) {
            Some((cp, l)) => {
                out.push(Value::Int(i64::from(cp)));
                pos += l;
            }
            None => return Err(Trap::Msg("invalid UTF-8 code".into())),
        }
    }
    let _ = num::fmt_int;
    ret(out)
}
