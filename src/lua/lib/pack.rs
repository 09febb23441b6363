//! string.pack, string.unpack and string.packsize: Lua 5.4's format
//! language for binary data, on the reference platform's sizes (x86-64:
//! short 2, int 4, long 8, size_t 8, native little-endian, native maximum
//! alignment 8).
//!
//! `unpack` reads only the bytes of the data string that its format asks
//! for, so unpacking a small record out of a long string stays cheap.

use super::*;
use crate::lua::string;

/// Largest integer size an option may ask for (`i16`).
const MAX_INT_SIZE: usize = 16;
/// Size of a Lua integer: bigger packed integers are sign-extended.
const LUA_INT: usize = 8;
/// `!` without a size: the platform's strictest alignment.
const NATIVE_ALIGN: usize = 8;
/// Sizes in a format stop growing past this (lstrlib reads digits while the
/// number stays below about INT_MAX / 10); the next digit is then an option.
const NUM_LIMIT: usize = (i32::MAX as usize - 9) / 10;
/// A format's total size, as packsize checks it.
const MAX_TOTAL: usize = i32::MAX as usize;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Int { signed: bool },
    Float,
    Double,
    /// `cN`: exactly N bytes.
    Chars,
    /// `sN`: a length of N bytes, then the bytes.
    Sized,
    /// `z`: bytes up to a zero byte.
    Zero,
    /// `x`: one zero byte.
    Pad,
    /// `Xop`: align as `op` would, packing nothing.
    Align,
    /// Settings and spaces.
    Nop,
}

struct Format<'a> {
    text: &'a [u8],
    at: usize,
    little: bool,
    max_align: usize,
    fname: &'static str,
}

/// One option with its size and the padding that aligns it.
struct Item {
    kind: Kind,
    size: usize,
    pad: usize,
}

impl<'a> Format<'a> {
    fn new(text: &'a [u8], fname: &'static str) -> Self {
        // Native order is the reference platform's (little-endian), not the host's.
        Format { text, at: 0, little: true, max_align: 1, fname }
    }

    fn done(&self) -> bool {
        self.at >= self.text.len()
    }

    fn number(&mut self, default: usize) -> usize {
        if !self.text.get(self.at).is_some_and(u8::is_ascii_digit) {
            return default;
        }
        let mut n = 0usize;
        while let Some(&d) = self.text.get(self.at) {
            if !d.is_ascii_digit() || n > NUM_LIMIT {
                break;
            }
            n = n * 10 + usize::from(d - b'0');
            self.at += 1;
        }
        n
    }

    fn int_size(&mut self, default: usize) -> LuaResult<usize> {
        let n = self.number(default);
        if n == 0 || n > MAX_INT_SIZE {
            return Err(Trap::Msg(format!("integral size ({n}) out of limits [1,{MAX_INT_SIZE}]")));
        }
        Ok(n)
    }

    /// The next option and its size (settings take effect here).
    fn option(&mut self) -> LuaResult<(Kind, usize)> {
        let c = self.text[self.at];
        self.at += 1;
        let int = |signed, size| Ok((Kind::Int { signed }, size));
        match c {
            b'b' => int(true, 1),
            b'B' => int(false, 1),
            b'h' => int(true, 2),
            b'H' => int(false, 2),
            b'l' | b'j' => int(true, 8),
            b'L' | b'J' | b'T' => int(false, 8),
            b'i' => {
                let n = self.int_size(4)?;
                int(true, n)
            }
            b'I' => {
                let n = self.int_size(4)?;
                int(false, n)
            }
            b'f' => Ok((Kind::Float, 4)),
            b'd' | b'n' => Ok((Kind::Double, 8)),
            b's' => Ok((Kind::Sized, self.int_size(8)?)),
            b'c' => match self.number(usize::MAX) {
                usize::MAX => Err(Trap::Msg("missing size for format option 'c'".into())),
                n => Ok((Kind::Chars, n)),
            },
            b'z' => Ok((Kind::Zero, 0)),
            b'x' => Ok((Kind::Pad, 1)),
            b'X' => Ok((Kind::Align, 0)),
            b' ' => Ok((Kind::Nop, 0)),
            b'<' => {
                self.little = true;
                Ok((Kind::Nop, 0))
            }
            b'>' => {
                self.little = false;
                Ok((Kind::Nop, 0))
            }
            b'=' => {
                self.little = true;
                Ok((Kind::Nop, 0))
            }
            b'!' => {
                self.max_align = self.int_size(NATIVE_ALIGN)?;
                Ok((Kind::Nop, 0))
            }
            other => Err(Trap::Msg(format!("invalid format option '{}'", char::from(other)))),
        }
    }

    /// The next option, with the padding that aligns it after `offset` bytes.
    fn item(&mut self, offset: usize) -> LuaResult<Item> {
        let (kind, size) = self.option()?;
        let mut align = size;
        if kind == Kind::Align {
            let next = if self.done() { None } else { Some(self.option()?) };
            match next {
                Some((k, n)) if k != Kind::Chars && n != 0 => align = n,
                _ => return arg_error(1, self.fname, "invalid next option for option 'X'"),
            }
        }
        let mut pad = 0;
        if align > 1 && kind != Kind::Chars {
            let align = align.min(self.max_align);
            if !align.is_power_of_two() {
                return arg_error(1, self.fname, "format asks for alignment not power of 2");
            }
            pad = (align - (offset & (align - 1))) & (align - 1);
        }
        Ok(Item { kind, size, pad })
    }
}

fn pack_int(out: &mut Vec<u8>, v: u64, little: bool, size: usize, negative: bool) {
    let mut bytes: Vec<u8> = (0..size).map(|i| if i < 8 { (v >> (8 * i)) as u8 } else if negative { 0xff } else { 0 }).collect();
    if !little {
        bytes.reverse();
    }
    out.extend_from_slice(&bytes);
}

fn pack_bytes_ordered(out: &mut Vec<u8>, le: &[u8], little: bool) {
    if little {
        out.extend_from_slice(le);
    } else {
        out.extend(le.iter().rev());
    }
}

pub fn pack(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let text = check_bytes(ctx, args, 1, "pack")?;
    // The reference's buffer sits on the stack after the arguments, so a
    // missing value is reported as "got nil", not "got no value".
    let mut padded = args.to_vec();
    padded.push(Value::Nil);
    let args = &padded[..];
    let mut f = Format::new(&text, "pack");
    let mut out = Vec::new();
    let mut n = 1;
    while !f.done() {
        let item = f.item(out.len())?;
        out.resize(out.len() + item.pad, 0);
        let size = item.size;
        match item.kind {
            Kind::Int { signed } => {
                n += 1;
                let v = check_int(ctx, args, n, "pack")?;
                if size < LUA_INT {
                    let bits = size * 8;
                    if signed {
                        let lim = 1i64 << (bits - 1);
                        if !(-lim..lim).contains(&v) {
                            return arg_error(n, "pack", "integer overflow");
                        }
                    } else if (v as u64) >= 1u64 << bits {
                        return arg_error(n, "pack", "unsigned overflow");
                    }
                }
                pack_int(&mut out, v as u64, f.little, size, signed && v < 0);
            }
            Kind::Float => {
                n += 1;
                let v = check_float(ctx, args, n, "pack")? as f32;
                pack_bytes_ordered(&mut out, &v.to_le_bytes(), f.little);
            }
            Kind::Double => {
                n += 1;
                let v = check_float(ctx, args, n, "pack")?;
                pack_bytes_ordered(&mut out, &v.to_le_bytes(), f.little);
            }
            Kind::Chars => {
                n += 1;
                let s = check_bytes(ctx, args, n, "pack")?;
                if s.len() > size {
                    return arg_error(n, "pack", "string longer than given size");
                }
                out.extend_from_slice(&s);
                out.resize(out.len() + size - s.len(), 0);
            }
            Kind::Sized => {
                n += 1;
                let s = check_bytes(ctx, args, n, "pack")?;
                if size < 8 && (s.len() as u64) >= 1u64 << (size * 8) {
                    return arg_error(n, "pack", "string length does not fit in given size");
                }
                pack_int(&mut out, s.len() as u64, f.little, size, false);
                out.extend_from_slice(&s);
            }
            Kind::Zero => {
                n += 1;
                let s = check_bytes(ctx, args, n, "pack")?;
                if s.contains(&0) {
                    return arg_error(n, "pack", "string contains zeros");
                }
                out.extend_from_slice(&s);
                out.push(0);
            }
            Kind::Pad => out.push(0),
            Kind::Align | Kind::Nop => {}
        }
        if out.len() as u64 >= super::strlib::MAX_STRING {
            return Err(Trap::Msg("resulting string too large".into()));
        }
    }
    ret1(ctx.new_str(&out)?)
}

pub fn packsize(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let text = check_bytes(ctx, args, 1, "packsize")?;
    let mut f = Format::new(&text, "packsize");
    let mut total = 0usize;
    while !f.done() {
        let item = f.item(total)?;
        if matches!(item.kind, Kind::Sized | Kind::Zero) {
            return arg_error(1, "packsize", "variable-length format");
        }
        let size = item.size + item.pad;
        if total > MAX_TOTAL - size.min(MAX_TOTAL) || size > MAX_TOTAL {
            return arg_error(1, "packsize", "format result too large");
        }
        total += size;
    }
    ret1(Value::Int(total as i64))
}

/// The data string of `unpack`, read a range at a time.
enum Data {
    Heap(Addr, usize),
    /// A number argument's text.
    Text(Vec<u8>),
}

impl Data {
    fn len(&self) -> usize {
        match self {
            Data::Heap(_, n) => *n,
            Data::Text(b) => b.len(),
        }
    }

    fn range(&self, ctx: &mut Ctx, from: usize, n: usize) -> LuaResult<Vec<u8>> {
        Ok(match self {
            Data::Heap(s, _) => string::bytes_range(ctx.h, *s, from as u64, n)?,
            Data::Text(b) => b[from..from + n].to_vec(),
        })
    }

    /// Where the first zero byte at or after `from` is, if any.
    fn zero_from(&self, ctx: &mut Ctx, from: usize) -> LuaResult<Option<usize>> {
        const CHUNK: usize = 4096;
        let mut at = from;
        while at < self.len() {
            let n = CHUNK.min(self.len() - at);
            if let Some(i) = self.range(ctx, at, n)?.iter().position(|&b| b == 0) {
                return Ok(Some(at + i));
            }
            at += n;
        }
        Ok(None)
    }
}

fn unpack_int(bytes: &[u8], little: bool, signed: bool) -> LuaResult<i64> {
    let size = bytes.len();
    let byte = |i: usize| if little { bytes[i] } else { bytes[size - 1 - i] };
    let mut v = 0u64;
    for i in 0..size.min(LUA_INT) {
        v |= u64::from(byte(i)) << (8 * i);
    }
    if size < LUA_INT {
        if signed {
            let shift = 64 - 8 * size as u32;
            v = (((v << shift) as i64) >> shift) as u64;
        }
    } else if size > LUA_INT {
        // The extra bytes must only extend the value's sign.
        let fill = if signed && (v as i64) < 0 { 0xff } else { 0 };
        if (LUA_INT..size).any(|i| byte(i) != fill) {
            return Err(Trap::Msg(format!("{size}-byte integer does not fit into Lua Integer")));
        }
    }
    Ok(v as i64)
}

fn float_from(bytes: &[u8], little: bool) -> f64 {
    let mut le = bytes.to_vec();
    if !little {
        le.reverse();
    }
    match le.len() {
        4 => f64::from(f32::from_le_bytes(le.try_into().unwrap_or([0; 4]))),
        _ => f64::from_le_bytes(le.try_into().unwrap_or([0; 8])),
    }
}

pub fn unpack(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let text = check_bytes(ctx, args, 1, "unpack")?;
    let data = match arg(args, 2) {
        Value::Str(s) => Data::Heap(s, string::len(ctx.h, s)? as usize),
        _ => Data::Text(check_bytes(ctx, args, 2, "unpack")?),
    };
    let len = data.len();
    let init = opt_int(ctx, args, 3, "unpack", 1)?;
    // Lua's posrelatI: positions count from 1; 0 and far negatives clip to 1.
    let start = if init > 0 {
        init as u64
    } else if init == 0 || init.unsigned_abs() > len as u64 {
        1
    } else {
        (len as i64 + init + 1) as u64
    };
    let pos = start - 1;
    if pos > len as u64 {
        return arg_error(3, "unpack", "initial position out of string");
    }
    let mut pos = pos as usize;
    let mut f = Format::new(&text, "unpack");
    let mut results = Vec::new();
    while !f.done() {
        let item = f.item(pos)?;
        if item.pad.saturating_add(item.size) > len - pos {
            return arg_error(2, "unpack", "data string too short");
        }
        pos += item.pad;
        let size = item.size;
        match item.kind {
            Kind::Int { signed } => {
                let b = data.range(ctx, pos, size)?;
                results.push(Value::Int(unpack_int(&b, f.little, signed)?));
            }
            Kind::Float | Kind::Double => {
                let b = data.range(ctx, pos, size)?;
                results.push(Value::Float(float_from(&b, f.little)));
            }
            Kind::Chars => {
                let b = data.range(ctx, pos, size)?;
                results.push(ctx.new_str(&b)?);
            }
            Kind::Sized => {
                let b = data.range(ctx, pos, size)?;
                let n = unpack_int(&b, f.little, false)? as u64;
                if n > (len - pos - size) as u64 {
                    return arg_error(2, "unpack", "data string too short");
                }
                let s = data.range(ctx, pos + size, n as usize)?;
                results.push(ctx.new_str(&s)?);
                pos += n as usize;
            }
            Kind::Zero => {
                let Some(end) = data.zero_from(ctx, pos)? else {
                    return arg_error(2, "unpack", "unfinished string for format 'z'");
                };
                let s = data.range(ctx, pos, end - pos)?;
                results.push(ctx.new_str(&s)?);
                pos = end + 1;
            }
            Kind::Pad | Kind::Align | Kind::Nop => {}
        }
        pos += size;
    }
    results.push(Value::Int(pos as i64 + 1));
    ret(results)
}
