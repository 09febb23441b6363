//! The string library (and the small utf8 library).

use super::*;
use crate::lua::string;

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
    let (_, n) = source_len(ctx, args, "len")?;
    ret1(Value::Int(n as i64))
}

/// upper, lower, reverse, sub and rep make their results a slice per step
/// (see `builder::fill`), reading only the part of the source they need.
fn source_len(ctx: &mut Ctx, args: &[Value], fname: &str) -> LuaResult<(Option<Addr>, u64)> {
    match arg(args, 1) {
        Value::Str(s) => Ok((Some(s), string::len(ctx.h, s)?)),
        _ => Ok((None, check_bytes(ctx, args, 1, fname)?.len() as u64)),
    }
}

/// Bytes `from..from + n` of argument 1 (a string, or a number's text).
fn source_range(ctx: &mut Ctx, args: &[Value], src: Option<Addr>, from: u64, n: usize) -> LuaResult<Vec<u8>> {
    Ok(match src {
        Some(s) => string::bytes_range(ctx.h, s, from, n)?,
        None => check_bytes(ctx, args, 1, "")?[from as usize..from as usize + n].to_vec(),
    })
}

fn map_bytes(ctx: &mut Ctx, args: &[Value], fname: &str, f: fn(&mut [u8])) -> LuaResult<NativeResult> {
    let (src, len) = source_len(ctx, args, fname)?;
    let st = Saved::open(ctx, args.len(), super::builder::FILL_SLOTS)?;
    let r = super::builder::fill(ctx, &st, 0, len, |ctx, from, n| {
        let mut b = source_range(ctx, args, src, from, n)?;
        f(&mut b);
        Ok(b)
    })?;
    Ok(super::builder::filled(r))
}

pub fn upper(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    map_bytes(ctx, args, "upper", |b| b.make_ascii_uppercase())
}

pub fn upper_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    upper(ctx, args)
}

pub fn lower(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    map_bytes(ctx, args, "lower", |b| b.make_ascii_lowercase())
}

pub fn lower_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    lower(ctx, args)
}

pub fn reverse(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let (src, len) = source_len(ctx, args, "reverse")?;
    let st = Saved::open(ctx, args.len(), super::builder::FILL_SLOTS)?;
    let r = super::builder::fill(ctx, &st, 0, len, |ctx, from, n| {
        let mut b = source_range(ctx, args, src, len - from - n as u64, n)?;
        b.reverse();
        Ok(b)
    })?;
    Ok(super::builder::filled(r))
}

pub fn reverse_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    reverse(ctx, args)
}

pub fn sub(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let (src, l) = source_len(ctx, args, "sub")?;
    let i = check_int(ctx, args, 2, "sub")?;
    let j = opt_int(ctx, args, 3, "sub", -1)?;
    let start = pos_relative(i, l as usize).max(1);
    let end = pos_relative(j, l as usize).min(l as i64);
    if start > end {
        return ret1(ctx.new_str(b"")?);
    }
    let first = (start - 1) as u64;
    let st = Saved::open(ctx, args.len(), super::builder::FILL_SLOTS)?;
    let r = super::builder::fill(ctx, &st, 0, (end - start + 1) as u64, |ctx, from, n| source_range(ctx, args, src, first + from, n))?;
    Ok(super::builder::filled(r))
}

pub fn sub_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    sub(ctx, args)
}

/// The most bytes a string may have (beyond, "resulting string too large").
pub const MAX_STRING: u64 = 1 << 31;

pub fn rep(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "rep")?;
    let n = check_int(ctx, args, 2, "rep")?;
    let sep = opt_bytes(ctx, args, 3, "rep", b"")?;
    if n <= 0 {
        return ret1(ctx.new_str(b"")?);
    }
    let unit = s.len() as u64 + sep.len() as u64;
    let total = unit.saturating_mul(n as u64).saturating_sub(sep.len() as u64);
    if total >= MAX_STRING {
        return Err(Trap::Msg("resulting string too large".into()));
    }
    let mut pattern = s.clone();
    pattern.extend_from_slice(&sep);
    let st = Saved::open(ctx, args.len(), super::builder::FILL_SLOTS)?;
    let r = super::builder::fill(ctx, &st, 0, total, |_, from, len| {
        let mut out = Vec::with_capacity(len);
        let mut at = (from % unit.max(1)) as usize;
        while out.len() < len {
            let take = (pattern.len() - at).min(len - out.len());
            out.extend_from_slice(&pattern[at..at + take]);
            at = (at + take) % pattern.len();
        }
        Ok(out)
    })?;
    Ok(super::builder::filled(r))
}

pub fn rep_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    rep(ctx, args)
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

/// string.format. A `%s` argument with `__tostring` is converted by a VM
/// call; meanwhile the text so far waits in the frame slot after the
/// arguments, and the continuation number holds where the format stopped
/// (the specification's position << 32 | the argument number).
pub fn format(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let fmt = check_bytes(ctx, args, 1, "format")?;
    format_loop(ctx, args, &fmt, 0, 1, Vec::new())
}

pub fn format_k(ctx: &mut Ctx, k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let results = input.map_err(Trap::Error)?;
    let text = super::base::checked_tostring_result(ctx, &results)?;
    let fmt = check_bytes(ctx, args, 1, "format")?;
    let (spec_pos, argn) = ((k >> 32) as usize, (k & 0xffff_ffff) as usize);
    let (spec, next) = fmtx::parse_spec(&fmt, spec_pos).map_err(Trap::Msg)?;
    let mut out = match partial_slot(ctx, args.len())? {
        Some(slot) => match ctx.get(slot)? {
            Value::Str(s) => string::bytes(ctx.h, s)?,
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    out.extend(format_s(&spec, &text, argn)?);
    format_loop(ctx, args, &fmt, next, argn, out)
}

use crate::lua::text::format as fmtx;

fn format_loop(ctx: &mut Ctx, args: &[Value], fmt: &[u8], mut pos: usize, mut argn: usize, mut out: Vec<u8>) -> LuaResult<NativeResult> {
    while pos < fmt.len() {
        let c = fmt[pos];
        pos += 1;
        if c != b'%' {
            out.push(c);
            continue;
        }
        if fmt.get(pos) == Some(&b'%') {
            out.push(b'%');
            pos += 1;
            continue;
        }
        let (spec, next) = fmtx::parse_spec(fmt, pos).map_err(Trap::Msg)?;
        argn += 1;
        if argn > args.len() {
            return arg_error(argn, "format", "no value");
        }
        let v = args[argn - 1];
        if spec.conv == b's' {
            match super::base::tostring_or_call(ctx, v)? {
                Ok(text) => out.extend(format_s(&spec, &text, argn)?),
                Err(tm) => {
                    save_partial(ctx, args.len(), &out)?;
                    let k = ((pos as u64) << 32) | argn as u64;
                    return Ok(NativeResult::Call { func: tm, args: vec![v], k, protected: false });
                }
            }
        } else {
            out.extend(format_value(ctx, args, argn, &spec)?);
        }
        pos = next;
    }
    ret1(ctx.new_str(&out)?)
}

/// The frame slot holding the text formatted so far, if it was saved.
fn partial_slot(ctx: &mut Ctx, nargs: usize) -> LuaResult<Option<Addr>> {
    use crate::lua::state::{CI_FUNC, CI_TOP};
    let ci = ctx.ci()?;
    let slot = ctx.h.read_u64(ci + CI_FUNC)? + (1 + nargs as u64) * crate::lua::value::VALUE_SIZE;
    Ok((ctx.h.read_u64(ci + CI_TOP)? > slot).then_some(slot))
}

fn save_partial(ctx: &mut Ctx, nargs: usize, out: &[u8]) -> LuaResult<()> {
    let s = ctx.new_str(out)?;
    match partial_slot(ctx, nargs)? {
        Some(slot) => ctx.set(slot, s)?,
        None => ctx.keep_in_frame(s)?,
    }
    Ok(())
}

/// `%s` of an argument's `tostring` text.
fn format_s(spec: &fmtx::Spec, text: &[u8], argn: usize) -> LuaResult<Vec<u8>> {
    if !spec.has_modifiers() {
        return Ok(text.to_vec());
    }
    if text.contains(&0) {
        return arg_error(argn, "format", "string contains zeros");
    }
    fmtx::check_spec(spec, fmtx::FLAGS_CHAR, true).map_err(Trap::Msg)?;
    if spec.precision.is_none() && text.len() >= 100 {
        return Ok(text.to_vec());
    }
    Ok(fmtx::format_str(spec, text))
}

/// Every conversion but `%s`, checked in the reference's order.
fn format_value(ctx: &mut Ctx, args: &[Value], argn: usize, spec: &fmtx::Spec) -> LuaResult<Vec<u8>> {
    let check = |flags: &[u8], precision: bool| fmtx::check_spec(spec, flags, precision).map_err(Trap::Msg);
    Ok(match spec.conv {
        b'c' => {
            check(fmtx::FLAGS_CHAR, false)?;
            fmtx::format_char(spec, check_int(ctx, args, argn, "format")?)
        }
        b'd' | b'i' | b'u' | b'o' | b'x' | b'X' => {
            let v = check_int(ctx, args, argn, "format")?;
            let flags = match spec.conv {
                b'd' | b'i' => fmtx::FLAGS_INT,
                b'u' => fmtx::FLAGS_UNSIGNED,
                _ => fmtx::FLAGS_HEX,
            };
            check(flags, true)?;
            fmtx::format_int(spec, v)
        }
        b'a' | b'A' => {
            check(fmtx::FLAGS_FLOAT, true)?;
            fmtx::format_float(spec, check_float(ctx, args, argn, "format")?)
        }
        b'e' | b'E' | b'f' | b'g' | b'G' => {
            let x = check_float(ctx, args, argn, "format")?;
            check(fmtx::FLAGS_FLOAT, true)?;
            fmtx::format_float(spec, x)
        }
        b'p' => {
            check(fmtx::FLAGS_CHAR, false)?;
            match args[argn - 1].object() {
                Some(addr) => fmtx::format_str(spec, format!("0x{addr:x}").as_bytes()),
                None => fmtx::format_str(spec, b"(null)"),
            }
        }
        b'q' => {
            if spec.has_modifiers() {
                return Err(Trap::Msg("specifier '%q' cannot have modifiers".into()));
            }
            match args[argn - 1] {
                Value::Str(s) => {
                    let mut out = Vec::new();
                    fmtx::quote_string(&string::bytes(ctx.h, s)?, &mut out);
                    out
                }
                Value::Int(i) => fmtx::quote_int(i),
                Value::Float(f) => fmtx::quote_float(f),
                Value::Nil => b"nil".to_vec(),
                Value::Bool(b) => if b { b"true".to_vec() } else { b"false".to_vec() },
                _ => return arg_error(argn, "format", "value has no literal form"),
            }
        }
        _ => {
            let form = String::from_utf8_lossy(&spec.form);
            return Err(Trap::Msg(format!("invalid conversion '{form}' to 'format'")));
        }
    })
}

use crate::lua::text::pattern::{self, Capture, Fail, Match, Subject};
use crate::heap::Heap;

// ----- subjects of the pattern functions ---------------------------------------
//
// A long subject is not read whole: the matcher reads it a heap page at a
// time, where it looks, and the pattern functions count the pages a step
// has read, continuing in the next step (their position saved) once they
// reach `PAT_PAGES`. Only between match attempts, so a single attempt that
// runs over very many pages (`.*` over the whole subject) is still one step.

/// Subjects longer than this are read where the matcher looks; shorter
/// ones are read whole.
const PAT_WHOLE: u64 = 16 * 1024;
/// Distinct subject pages a pattern function reads per step.
const PAT_PAGES: usize = 8;

fn pattern_error(f: Fail) -> Trap {
    match f {
        Fail::Msg(m) => Trap::Msg(m),
        Fail::Fault(f) => Trap::Fault(f),
    }
}

/// A long string's bytes as the matcher reads them: the pages read this
/// step, and the last two of them kept.
struct Window {
    data: Addr,
    len: usize,
    cache: Vec<(u64, usize, Vec<u8>)>,
    pages: Vec<u64>,
}

enum Subj {
    Mem(Vec<u8>),
    Heap(Window),
}

impl Subj {
    /// Argument `n` as a subject (a number's text, or a string).
    fn of(ctx: &mut Ctx, args: &[Value], n: usize, fname: &str) -> LuaResult<Subj> {
        match arg(args, n) {
            Value::Str(s) if string::len(ctx.h, s)? > PAT_WHOLE => {
                let len = string::len(ctx.h, s)? as usize;
                Ok(Subj::Heap(Window { data: s + string::S_DATA, len, cache: Vec::new(), pages: Vec::new() }))
            }
            _ => Ok(Subj::Mem(check_bytes(ctx, args, n, fname)?)),
        }
    }

    fn len(&self) -> usize {
        match self {
            Subj::Mem(b) => b.len(),
            Subj::Heap(w) => w.len,
        }
    }

    /// Whether this step has read its share of the subject's pages.
    fn step_full(&self) -> bool {
        matches!(self, Subj::Heap(w) if w.pages.len() >= PAT_PAGES)
    }

    fn reader<'a>(&'a mut self, h: &'a mut Heap) -> Reader<'a> {
        match self {
            Subj::Mem(b) => Reader::Mem(b),
            Subj::Heap(w) => Reader::Heap(h, w),
        }
    }
}

enum Reader<'a> {
    Mem(&'a [u8]),
    Heap(&'a mut Heap, &'a mut Window),
}

impl Window {
    fn note_pages(&mut self, h: &Heap, from: usize, to: usize) {
        let ps = h.page_size() as u64;
        if to <= from {
            return;
        }
        for page in (self.data + from as u64) / ps..=(self.data + to as u64 - 1) / ps {
            if !self.pages.contains(&page) {
                self.pages.push(page);
            }
        }
    }
}

impl Subject for Reader<'_> {
    fn len(&self) -> usize {
        match self {
            Reader::Mem(b) => b.len(),
            Reader::Heap(_, w) => w.len,
        }
    }

    #[inline]
    fn byte(&mut self, i: usize) -> Result<u8, Fail> {
        match self {
            Reader::Mem(b) => Ok(b[i]),
            Reader::Heap(h, w) => {
                let ps = h.page_size() as u64;
                let page = (w.data + i as u64) / ps;
                if let Some((_, first, bytes)) = w.cache.iter().find(|(p, _, _)| *p == page) {
                    return Ok(bytes[i - first]);
                }
                let first = ((page * ps).max(w.data) - w.data) as usize;
                let end = (((page + 1) * ps - w.data) as usize).min(w.len);
                let mut bytes = vec![0u8; end - first];
                h.read_bytes(w.data + first as u64, &mut bytes)?;
                w.note_pages(h, first, end);
                let b = bytes[i - first];
                if w.cache.len() == 2 {
                    w.cache.remove(0);
                }
                w.cache.push((page, first, bytes));
                Ok(b)
            }
        }
    }

    fn bytes(&mut self, from: usize, to: usize) -> Result<Vec<u8>, Fail> {
        match self {
            Reader::Mem(b) => Ok(b[from..to].to_vec()),
            Reader::Heap(h, w) => {
                let mut out = vec![0u8; to - from];
                h.read_bytes(w.data + from as u64, &mut out)?;
                w.note_pages(h, from, to);
                Ok(out)
            }
        }
    }
}

/// The values of a match's captures (or whole match) as Lua values.
fn capture_values(ctx: &mut Ctx, subj: &mut Subj, caps: &[Capture]) -> LuaResult<Vec<Value>> {
    let mut out = Vec::with_capacity(caps.len());
    for c in caps {
        out.push(match *c {
            Capture::Span(a, b) => {
                let bytes = subj.reader(ctx.h).bytes(a, b).map_err(pattern_error)?;
                ctx.new_str(&bytes)?
            }
            Capture::Position(p) => Value::Int(p as i64 + 1),
        });
    }
    Ok(out)
}

// find and match over a long subject save the next start position here.
const F_POS: usize = 0;

fn find_aux(ctx: &mut Ctx, args: &[Value], is_find: bool, resume: bool) -> LuaResult<NativeResult> {
    let fname = if is_find { "find" } else { "match" };
    let mut subj = Subj::of(ctx, args, 1, fname)?;
    let p = check_bytes(ctx, args, 2, fname)?;
    let len = subj.len();
    let init = pos_relative(opt_int(ctx, args, 3, fname, 1)?, len).max(1);
    if init > len as i64 + 1 {
        return ret1(Value::Nil);
    }
    let mut start = (init - 1) as usize;
    if resume {
        start = Saved::open(ctx, args.len(), 1)?.int(ctx, F_POS)? as usize;
    }
    let again = |ctx: &mut Ctx, pos: usize| -> LuaResult<NativeResult> {
        Saved::open(ctx, args.len(), 1)?.set_int(ctx, F_POS, pos as i64)?;
        Ok(NativeResult::Again { k: 0 })
    };
    if is_find && (arg(args, 4).truthy() || !pattern::has_specials(&p)) {
        // A plain search, a window of the subject per step.
        let window = match subj {
            Subj::Mem(_) => len + 1,
            Subj::Heap(_) => PAT_PAGES / 2 * ctx.h.page_size(),
        };
        loop {
            if start + p.len() > len {
                return ret1(Value::Nil);
            }
            let end = len.min(start + window + p.len() - 1);
            let chunk = subj.reader(ctx.h).bytes(start, end).map_err(pattern_error)?;
            let at = if p.is_empty() { Some(0) } else { chunk.windows(p.len()).position(|w| w == p.as_slice()) };
            if let Some(i) = at {
                let i = start + i;
                return ret(vec![Value::Int(i as i64 + 1), Value::Int((i + p.len()) as i64)]);
            }
            if end == len {
                return ret1(Value::Nil);
            }
            start = end + 1 - p.len();
            if subj.step_full() {
                return again(ctx, start);
            }
        }
    }
    let (anchored, pat) = match p.first() {
        Some(b'^') => (true, &p[1..]),
        _ => (false, &p[..]),
    };
    let m: Match = loop {
        if let Some(m) = pattern::match_at(&mut subj.reader(ctx.h), pat, start).map_err(pattern_error)? {
            break m;
        }
        start += 1;
        if anchored || start > len {
            return ret1(Value::Nil);
        }
        if subj.step_full() {
            return again(ctx, start);
        }
    };
    if is_find {
        let mut out = vec![Value::Int(m.start as i64 + 1), Value::Int(m.end as i64)];
        out.extend(capture_values(ctx, &mut subj, &m.captures)?);
        ret(out)
    } else {
        let caps = pattern::results(&m);
        ret(capture_values(ctx, &mut subj, &caps)?)
    }
}

pub fn find(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    find_aux(ctx, args, true, false)
}

pub fn find_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    find_aux(ctx, args, true, true)
}

pub fn match_(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    find_aux(ctx, args, false, false)
}

pub fn match_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    find_aux(ctx, args, false, true)
}

/// gmatch returns an iterator whose upvalues are [subject, pattern, next position, end of last match (-1: none)].
pub fn gmatch(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let subject = match arg(args, 1) {
        v @ Value::Str(_) => v,
        _ => {
            let b = check_bytes(ctx, args, 1, "gmatch")?;
            ctx.new_str(&b)?
        }
    };
    let Value::Str(ss) = subject else { return Err(Fault::Invalid("gmatch subject").into()) };
    let len = string::len(ctx.h, ss)? as i64;
    check_bytes(ctx, args, 2, "gmatch")?;
    let init = pos_relative(opt_int(ctx, args, 3, "gmatch", 1)?, len as usize).max(1);
    let start = if init > len + 1 { len + 1 } else { init } - 1;
    let pat = match arg(args, 2) {
        v @ Value::Str(_) => v,
        _ => {
            let b = check_bytes(ctx, args, 2, "gmatch")?;
            ctx.new_str(&b)?
        }
    };
    let ups = [subject, pat, Value::Int(start), Value::Int(-1)];
    let f = crate::lua::func::new_native(ctx.h, ctx.g, native_id("-", "gmatch_iter"), &ups)?;
    ret1(Value::NativeFn(f))
}

pub fn gmatch_iter(ctx: &mut Ctx, _args: &[Value]) -> LuaResult<NativeResult> {
    use crate::lua::func::native_upval;
    let ci = ctx.ci()?;
    let func_slot = ctx.h.read_u64(ci + crate::lua::state::CI_FUNC)?;
    let Value::NativeFn(f) = ctx.get(func_slot)? else { return Err(Fault::Invalid("gmatch iterator without its closure").into()) };
    let (subject, Value::Str(ps), Value::Int(pos), Value::Int(last)) =
        (native_upval(ctx.h, f, 0)?, native_upval(ctx.h, f, 1)?, native_upval(ctx.h, f, 2)?, native_upval(ctx.h, f, 3)?)
    else {
        return Err(Fault::Invalid("gmatch iterator state").into());
    };
    let mut subj = Subj::of(ctx, &[subject], 1, "gmatch")?;
    let p = string::bytes(ctx.h, ps)?;
    let last_end = if last < 0 { None } else { Some(last as usize) };
    let pos_slot = f + crate::lua::func::NF_UPVALS + 2 * 16;
    let mut pos = pos as usize;
    let found = loop {
        if pos > subj.len() {
            break None;
        }
        if let Some(m) = pattern::match_at(&mut subj.reader(ctx.h), &p, pos).map_err(pattern_error)? {
            if Some(m.end) != last_end {
                break Some(m);
            }
        }
        pos += 1;
        if subj.step_full() {
            // The scan goes on in the next step from here.
            crate::lua::value::write_value(ctx.h, pos_slot, Value::Int(pos as i64))?;
            return Ok(NativeResult::Again { k: 0 });
        }
    };
    match found {
        None => {
            crate::lua::value::write_value(ctx.h, pos_slot, Value::Int(subj.len() as i64 + 1))?;
            ret(vec![])
        }
        Some(m) => {
            crate::lua::value::write_value(ctx.h, pos_slot, Value::Int(m.end as i64))?;
            crate::lua::value::write_value(ctx.h, f + crate::lua::func::NF_UPVALS + 3 * 16, Value::Int(m.end as i64))?;
            let caps = pattern::results(&m);
            ret(capture_values(ctx, &mut subj, &caps)?)
        }
    }
}

pub fn gmatch_iter_k(ctx: &mut Ctx, _k: u64, _input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    gmatch_iter(ctx, args)
}

// gsub works in slices, its progress in frame slots: the position in the
// subject, the replacements made, where the last match ended (+1; 0: none),
// the match whose replacement a call is computing, and the result's rope.
const GS_POS: usize = 0;
const GS_COUNT: usize = 1;
const GS_LAST: usize = 2;
const GS_MSTART: usize = 3;
const GS_MEND: usize = 4;
/// 0: matching; 1: a replacement call is running; 2: copying the rest;
/// 3: assembling the result.
const GS_STAGE: usize = 5;
const GS_ROPE: usize = 6;
const GS_SLOTS: usize = GS_ROPE + Rope::SLOTS;
/// Match attempts per step.
const GS_SLICE: u32 = 1024;

use super::builder::{Rope, FILL_SLICE};

pub fn gsub(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    // (A string subject is read later, where the matcher looks.)
    if !matches!(arg(args, 1), Value::Str(_)) {
        check_bytes(ctx, args, 1, "gsub")?;
    }
    check_bytes(ctx, args, 2, "gsub")?;
    let repl = arg(args, 3);
    match repl {
        Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Table(_) | Value::LuaFn(_) | Value::NativeFn(_) => {}
        _ => return type_error(ctx, args, 3, "gsub", "string/function/table"),
    }
    if !arg(args, 4).is_nil() {
        check_int(ctx, args, 4, "gsub")?;
    }
    let st = Saved::open(ctx, args.len(), GS_SLOTS)?;
    gsub_run(ctx, args, &st, None)
}

pub fn gsub_k(ctx: &mut Ctx, _k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let results = input.map_err(Trap::Error)?;
    let st = Saved::open(ctx, args.len(), GS_SLOTS)?;
    let pending = if st.int(ctx, GS_STAGE)? == 1 {
        st.set_int(ctx, GS_STAGE, 0)?;
        Some(results.first().copied().unwrap_or(Value::Nil))
    } else {
        None
    };
    gsub_run(ctx, args, &st, pending)
}

/// Adds a table's or function's replacement value for the match `m_start..m_end`.
fn apply_value(ctx: &mut Ctx, rope: &mut Rope, subj: &mut Subj, m_start: usize, m_end: usize, v: Value) -> LuaResult<()> {
    match v {
        Value::Nil | Value::Bool(false) => {
            let b = subj.reader(ctx.h).bytes(m_start, m_end).map_err(pattern_error)?;
            rope.push_bytes(&b);
        }
        Value::Str(x) => {
            let b = string::bytes(ctx.h, x)?;
            rope.push_bytes(&b);
        }
        Value::Int(_) | Value::Float(_) => {
            let b = meta::basic_tostring(ctx, v)?;
            rope.push_bytes(&b);
        }
        other => return Err(Trap::Msg(format!("invalid replacement value (a {})", other.type_name()))),
    }
    Ok(())
}

/// The gsub loop, as the reference runs it: at each position either a match
/// (not ending where the previous one did) is replaced, or one character is
/// copied. A replacement that needs a call saves the loop state and returns it.
fn gsub_run(ctx: &mut Ctx, args: &[Value], st: &Saved, pending: Option<Value>) -> LuaResult<NativeResult> {
    let mut rope = Rope::open(ctx, st, GS_ROPE)?;
    let stage = st.int(ctx, GS_STAGE)?;
    if stage == 3 {
        return gsub_assemble(ctx, st, &mut rope);
    }
    let mut subj = Subj::of(ctx, args, 1, "gsub")?;
    let mut pos = st.int(ctx, GS_POS)? as usize;
    if stage == 2 {
        return gsub_tail(ctx, st, &mut rope, &mut subj, pos);
    }
    let p = check_bytes(ctx, args, 2, "gsub")?;
    let repl = arg(args, 3);
    let max_n = if arg(args, 4).is_nil() { i64::MAX } else { check_int(ctx, args, 4, "gsub")? };
    let (anchored, pat) = match p.first() {
        Some(b'^') => (true, &p[1..]),
        _ => (false, &p[..]),
    };
    let mut count = st.int(ctx, GS_COUNT)?;
    let mut last = st.int(ctx, GS_LAST)? as u64; // end + 1 of the last match, 0: none
    let mut done = false;
    if let Some(v) = pending {
        let (ms, me) = (st.int(ctx, GS_MSTART)? as usize, st.int(ctx, GS_MEND)? as usize);
        apply_value(ctx, &mut rope, &mut subj, ms, me, v)?;
        done = anchored;
    }
    let save = |ctx: &mut Ctx, pos: usize, count: i64, last: u64| -> LuaResult<()> {
        st.set_int(ctx, GS_POS, pos as i64)?;
        st.set_int(ctx, GS_COUNT, count)?;
        st.set_int(ctx, GS_LAST, last as i64)
    };
    let mut budget = GS_SLICE;
    while !done && count < max_n {
        if budget == 0 || rope.slice_full() || subj.step_full() {
            save(ctx, pos, count, last)?;
            rope.flush(ctx, st)?;
            return Ok(NativeResult::Again { k: 0 });
        }
        budget -= 1;
        let m = pattern::match_at(&mut subj.reader(ctx.h), pat, pos).map_err(pattern_error)?;
        match m {
            Some(m) if last == 0 || m.end + 1 != last as usize => {
                count += 1;
                last = m.end as u64 + 1;
                let old_pos = pos;
                pos = m.end;
                match repl {
                    Value::Str(_) | Value::Int(_) | Value::Float(_) => {
                        let rb = match repl {
                            Value::Str(r) => string::bytes(ctx.h, r)?,
                            _ => meta::basic_tostring(ctx, repl)?,
                        };
                        let out = pattern::expand_replacement(&rb, &mut subj.reader(ctx.h), &m).map_err(pattern_error)?;
                        rope.push_bytes(&out);
                    }
                    _ => {
                        let values = capture_values(ctx, &mut subj, &pattern::results(&m))?;
                        let direct = match repl {
                            Value::Table(_) => match super::base::index_from_native(ctx, repl, values[0])? {
                                Ok(v) => Ok(v),
                                Err((tm, obj)) => Err((tm, vec![obj, values[0]])),
                            },
                            _ => Err((repl, values)),
                        };
                        match direct {
                            Ok(v) => apply_value(ctx, &mut rope, &mut subj, old_pos, m.end, v)?,
                            Err((func, call_args)) => {
                                save(ctx, pos, count, last)?;
                                st.set_int(ctx, GS_MSTART, old_pos as i64)?;
                                st.set_int(ctx, GS_MEND, m.end as i64)?;
                                st.set_int(ctx, GS_STAGE, 1)?;
                                rope.flush(ctx, st)?;
                                return Ok(NativeResult::Call { func, args: call_args, k: 0, protected: false });
                            }
                        }
                    }
                }
            }
            _ if pos < subj.len() => {
                let c = subj.reader(ctx.h).byte(pos).map_err(pattern_error)?;
                rope.push_bytes(&[c]);
                pos += 1;
            }
            _ => break,
        }
        if anchored {
            break;
        }
    }
    save(ctx, pos, count, last)?;
    st.set_int(ctx, GS_STAGE, 2)?;
    gsub_tail(ctx, st, &mut rope, &mut subj, pos)
}

/// Copies the rest of the subject after the last replacement, a slice per step.
fn gsub_tail(ctx: &mut Ctx, st: &Saved, rope: &mut Rope, subj: &mut Subj, pos: usize) -> LuaResult<NativeResult> {
    let len = subj.len();
    let end = len.min(pos + FILL_SLICE as usize);
    let b = subj.reader(ctx.h).bytes(pos.min(end), end).map_err(pattern_error)?;
    rope.push_bytes(&b);
    rope.flush(ctx, st)?;
    if end < len {
        st.set_int(ctx, GS_POS, end as i64)?;
        return Ok(NativeResult::Again { k: 0 });
    }
    st.set_int(ctx, GS_STAGE, 3)?;
    gsub_assemble(ctx, st, rope)
}

fn gsub_assemble(ctx: &mut Ctx, st: &Saved, rope: &mut Rope) -> LuaResult<NativeResult> {
    Ok(match rope.assemble(ctx, st)? {
        Some(result) => NativeResult::Return(vec![result, Value::Int(st.int(ctx, GS_COUNT)?)]),
        None => NativeResult::Again { k: 0 },
    })
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

fn is_cont(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(|&c| c & 0xC0 == 0x80)
}

/// Decodes the UTF-8 sequence at `i` as the reference does (up to six
/// bytes, 31 bits; `strict`: no surrogates, nothing past U+10FFFF):
/// (code point, length).
fn utf8_decode(s: &[u8], i: usize, strict: bool) -> Option<(u32, usize)> {
    const LIMITS: [u32; 6] = [u32::MAX, 0x80, 0x800, 0x10000, 0x20_0000, 0x400_0000];
    let mut c = u32::from(*s.get(i)?);
    let mut res: u32 = 0;
    let mut count = 0usize;
    if c >= 0x80 {
        while c & 0x40 != 0 {
            count += 1;
            let cc = u32::from(s.get(i + count).copied().unwrap_or(0));
            if cc & 0xC0 != 0x80 {
                return None;
            }
            res = (res << 6) | (cc & 0x3F);
            c <<= 1;
        }
        if count > 5 {
            return None;
        }
        res |= (c & 0x7F) << (count * 5);
        if res > 0x7FFF_FFFF || res < LIMITS[count] {
            return None;
        }
    } else {
        res = c;
    }
    if strict && (res > 0x10FFFF || (0xD800..=0xDFFF).contains(&res)) {
        return None;
    }
    Some((res, count + 1))
}

pub fn utf8_len(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "len")?;
    let len = s.len() as i64;
    let posi = pos_relative(opt_int(ctx, args, 2, "len", 1)?, s.len());
    let posj = pos_relative(opt_int(ctx, args, 3, "len", -1)?, s.len());
    let lax = arg(args, 4).truthy();
    if !(1 <= posi && posi - 1 <= len) {
        return arg_error(2, "len", "initial position out of bounds");
    }
    if posj - 1 >= len {
        return arg_error(3, "len", "final position out of bounds");
    }
    let (mut pos, end) = (posi - 1, posj - 1);
    let mut n = 0;
    while pos <= end {
        match utf8_decode(&s, pos as usize, !lax) {
            Some((_, l)) => {
                pos += l as i64;
                n += 1;
            }
            None => return ret(vec![Value::Nil, Value::Int(pos + 1)]),
        }
    }
    ret1(Value::Int(n))
}

pub fn utf8_codepoint(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "codepoint")?;
    let posi = pos_relative(opt_int(ctx, args, 2, "codepoint", 1)?, s.len());
    let pose = pos_relative(opt_int(ctx, args, 3, "codepoint", posi)?, s.len());
    let lax = arg(args, 4).truthy();
    if posi < 1 {
        return arg_error(2, "codepoint", "out of bounds");
    }
    if pose > s.len() as i64 {
        return arg_error(3, "codepoint", "out of bounds");
    }
    if posi > pose {
        return ret(vec![]);
    }
    if pose - posi >= 1_000_000 {
        return Err(Trap::Msg("string slice too long".into()));
    }
    let mut out = Vec::new();
    let mut pos = (posi - 1) as usize;
    while (pos as i64) < pose {
        match utf8_decode(&s, pos, !lax) {
            Some((cp, l)) => {
                out.push(Value::Int(i64::from(cp)));
                pos += l;
            }
            None => return Err(Trap::Msg("invalid UTF-8 code".into())),
        }
    }
    ret(out)
}

pub fn utf8_offset(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "offset")?;
    let len = s.len() as i64;
    let mut n = check_int(ctx, args, 2, "offset")?;
    let default = if n >= 0 { 1 } else { len + 1 };
    let posi = pos_relative(opt_int(ctx, args, 3, "offset", default)?, s.len());
    if !(1 <= posi && posi - 1 <= len) {
        return arg_error(3, "offset", "position out of bounds");
    }
    let mut pos = posi - 1;
    if n == 0 {
        while pos > 0 && is_cont(&s, pos as usize) {
            pos -= 1;
        }
    } else {
        if is_cont(&s, pos as usize) {
            return Err(Trap::Msg("initial position is a continuation byte".into()));
        }
        if n < 0 {
            while n < 0 && pos > 0 {
                pos -= 1;
                while pos > 0 && is_cont(&s, pos as usize) {
                    pos -= 1;
                }
                n += 1;
            }
        } else {
            n -= 1;
            while n > 0 && pos < len {
                pos += 1;
                while is_cont(&s, pos as usize) {
                    pos += 1;
                }
                n -= 1;
            }
        }
    }
    ret1(if n == 0 { Value::Int(pos + 1) } else { Value::Nil })
}

pub fn utf8_codes(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let lax = arg(args, 2).truthy();
    check_bytes(ctx, args, 1, "codes")?;
    let iter = super::base::native_value(ctx, "-", if lax { "codes_lax" } else { "codes_strict" })?;
    ret(vec![iter, arg(args, 1), Value::Int(0)])
}

fn codes_step(ctx: &mut Ctx, args: &[Value], strict: bool) -> LuaResult<NativeResult> {
    let s = check_bytes(ctx, args, 1, "for iterator")?;
    let len = s.len() as u64;
    let mut n = match arg(args, 2) {
        Value::Int(i) => i as u64,
        _ => 0,
    };
    if n < len {
        while is_cont(&s, n as usize) {
            n += 1;
        }
    }
    if n >= len {
        return ret(vec![]);
    }
    match utf8_decode(&s, n as usize, strict) {
        Some((code, l)) if !is_cont(&s, n as usize + l) => ret(vec![Value::Int(n as i64 + 1), Value::Int(i64::from(code))]),
        _ => Err(Trap::Msg("invalid UTF-8 code".into())),
    }
}

pub fn codes_strict(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    codes_step(ctx, args, true)
}

pub fn codes_lax(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    codes_step(ctx, args, false)
}

// ----- arithmetic metamethods of strings ("10" + 1) ---------------------------

fn string_arith(ctx: &mut Ctx, args: &[Value], op: crate::lua::vm::arith::ArithOp) -> LuaResult<NativeResult> {
    let (a, b) = (arg(args, 1), arg(args, 2));
    match meta::string_arith(ctx, op, a, b)? {
        Ok(v) => ret1(v),
        Err(tm) => Ok(NativeResult::TailCall { func: tm, args: vec![a, b] }),
    }
}

pub fn arith_add(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    string_arith(ctx, args, crate::lua::vm::arith::ArithOp::Add)
}
pub fn arith_sub(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    string_arith(ctx, args, crate::lua::vm::arith::ArithOp::Sub)
}
pub fn arith_mul(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    string_arith(ctx, args, crate::lua::vm::arith::ArithOp::Mul)
}
pub fn arith_mod(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    string_arith(ctx, args, crate::lua::vm::arith::ArithOp::Mod)
}
pub fn arith_pow(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    string_arith(ctx, args, crate::lua::vm::arith::ArithOp::Pow)
}
pub fn arith_div(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    string_arith(ctx, args, crate::lua::vm::arith::ArithOp::Div)
}
pub fn arith_idiv(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    string_arith(ctx, args, crate::lua::vm::arith::ArithOp::IDiv)
}
pub fn arith_unm(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    string_arith(ctx, args, crate::lua::vm::arith::ArithOp::Unm)
}
