//! `string.format` (interim implementation; see the text-library work).

use super::number::{fmt_float, fmt_g, str_to_number, Number};

pub enum FmtArg<'a> {
    Int(i64),
    Float(f64),
    Str(&'a [u8]),
    Other { type_name: &'a str },
}

/// The conversion letter of each `%` spec, in order (`%%` excluded).
pub fn conversions(fmt: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < fmt.len() {
        if fmt[i] == b'%' {
            i += 1;
            if fmt.get(i) == Some(&b'%') {
                i += 1;
                continue;
            }
            while i < fmt.len() && b"-+ #0123456789.".contains(&fmt[i]) {
                i += 1;
            }
            if let Some(&c) = fmt.get(i) {
                out.push(c);
            }
        }
        i += 1;
    }
    out
}

struct Spec {
    minus: bool,
    plus: bool,
    space: bool,
    alt: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
}

fn pad(spec: &Spec, body: String, numeric: bool) -> Vec<u8> {
    let len = body.chars().count();
    if len >= spec.width {
        return body.into_bytes();
    }
    let fill = spec.width - len;
    if spec.minus {
        return format!("{body}{}", " ".repeat(fill)).into_bytes();
    }
    if spec.zero && numeric {
        let (sign, rest) = if body.starts_with(['-', '+', ' ']) { body.split_at(1) } else { ("", body.as_str()) };
        return format!("{sign}{}{rest}", "0".repeat(fill)).into_bytes();
    }
    format!("{}{body}", " ".repeat(fill)).into_bytes()
}

fn arg_num(args: &[FmtArg], n: usize) -> Result<Number, String> {
    match args.get(n) {
        Some(FmtArg::Int(i)) => Ok(Number::Int(*i)),
        Some(FmtArg::Float(f)) => Ok(Number::Float(*f)),
        Some(FmtArg::Str(s)) => str_to_number(s).ok_or_else(|| format!("bad argument #{} to 'format' (number expected, got string)", n + 2)),
        Some(FmtArg::Other { type_name }) => Err(format!("bad argument #{} to 'format' (number expected, got {type_name})", n + 2)),
        None => Err(format!("bad argument #{} to 'format' (number expected, got no value)", n + 2)),
    }
}

fn arg_int(args: &[FmtArg], n: usize) -> Result<i64, String> {
    match arg_num(args, n)? {
        Number::Int(i) => Ok(i),
        Number::Float(f) => super::number::float_to_int_exact(f)
            .ok_or_else(|| format!("bad argument #{} to 'format' (number has no integer representation)", n + 2)),
    }
}

fn sign_prefix(spec: &Spec, negative: bool) -> &'static str {
    if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    }
}

fn fmt_e(x: f64, prec: usize, upper: bool) -> String {
    let s = format!("{:.*e}", prec, x.abs());
    let (m, e) = s.split_once('e').expect("exponent");
    let e: i32 = e.parse().expect("exponent");
    let out = format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    if upper {
        out.to_uppercase()
    } else {
        out
    }
}

fn fmt_float_spec(spec: &Spec, conv: u8, x: f64) -> String {
    if !x.is_finite() {
        let body = if x.is_nan() { "nan" } else { "inf" };
        let body = if conv.is_ascii_uppercase() { body.to_uppercase() } else { body.to_string() };
        return format!("{}{body}", sign_prefix(spec, x.is_sign_negative() && !x.is_nan() || (x.is_nan() && x.is_sign_negative())));
    }
    let prec = spec.precision.unwrap_or(6);
    let neg = x.is_sign_negative();
    let body = match conv {
        b'f' | b'F' => format!("{:.*}", prec, x.abs()),
        b'e' | b'E' => fmt_e(x, prec, conv == b'E'),
        _ => {
            let g = fmt_g(x.abs(), if prec == 0 { 1 } else { prec });
            let g = if spec.alt && !g.contains('.') && !g.contains('e') { format!("{g}.") } else { g };
            if conv == b'G' {
                g.to_uppercase()
            } else {
                g
            }
        }
    };
    format!("{}{body}", sign_prefix(spec, neg))
}

fn quote_string(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        match c {
            b'"' | b'\\' => {
                out.push(b'\\');
                out.push(c);
            }
            b'\n' => out.extend_from_slice(b"\\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0 => {
                if s.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    out.extend_from_slice(b"\\000");
                } else {
                    out.extend_from_slice(b"\\0");
                }
            }
            c if c < 32 || c == 127 => {
                if s.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    out.extend_from_slice(format!("\\{c:03}").as_bytes());
                } else {
                    out.extend_from_slice(format!("\\{c}").as_bytes());
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out.push(b'"');
}

pub fn format(fmt: &[u8], args: &[FmtArg]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut n = 0;
    while i < fmt.len() {
        let c = fmt[i];
        i += 1;
        if c != b'%' {
            out.push(c);
            continue;
        }
        if fmt.get(i) == Some(&b'%') {
            out.push(b'%');
            i += 1;
            continue;
        }
        let start = i;
        let mut spec = Spec { minus: false, plus: false, space: false, alt: false, zero: false, width: 0, precision: None };
        while let Some(&f) = fmt.get(i) {
            match f {
                b'-' => spec.minus = true,
                b'+' => spec.plus = true,
                b' ' => spec.space = true,
                b'#' => spec.alt = true,
                b'0' => spec.zero = true,
                _ => break,
            }
            i += 1;
        }
        let mut digits = 0;
        while let Some(d) = fmt.get(i).filter(|d| d.is_ascii_digit()) {
            spec.width = spec.width * 10 + usize::from(d - b'0');
            i += 1;
            digits += 1;
        }
        let mut pdigits = 0;
        if fmt.get(i) == Some(&b'.') {
            i += 1;
            let mut p = 0;
            while let Some(d) = fmt.get(i).filter(|d| d.is_ascii_digit()) {
                p = p * 10 + usize::from(d - b'0');
                i += 1;
                pdigits += 1;
            }
            spec.precision = Some(p);
        }
        let Some(&conv) = fmt.get(i) else {
            return Err("invalid conversion '%' to 'format'".into());
        };
        i += 1;
        if digits > 2 || pdigits > 2 {
            let text = String::from_utf8_lossy(&fmt[start - 1..i]);
            return Err(format!("invalid conversion '{text}' to 'format'"));
        }
        if args.get(n).is_none() && conv != b'%' {
            return Err(format!("bad argument #{} to 'format' (no value)", n + 2));
        }
        match conv {
            b'd' | b'i' => {
                let v = arg_int(args, n)?;
                let mut digits = v.unsigned_abs().to_string();
                if let Some(p) = spec.precision {
                    while digits.len() < p {
                        digits.insert(0, '0');
                    }
                }
                let body = format!("{}{digits}", sign_prefix(&spec, v < 0));
                out.extend(pad(&spec, body, spec.precision.is_none()));
            }
            b'u' => {
                let v = arg_int(args, n)?;
                out.extend(pad(&spec, (v as u64).to_string(), true));
            }
            b'c' => {
                let v = arg_int(args, n)?;
                let mut b = pad(&spec, " ".into(), false);
                if let Some(pos) = b.iter().position(|&x| x == b' ') {
                    if spec.minus {
                        b[0] = v as u8;
                    } else {
                        let last = b.len() - 1;
                        b[last] = v as u8;
                        let _ = pos;
                    }
                }
                out.extend(b);
            }
            b'x' | b'X' | b'o' => {
                let v = arg_int(args, n)? as u64;
                let mut body = match conv {
                    b'x' => format!("{v:x}"),
                    b'X' => format!("{v:X}"),
                    _ => format!("{v:o}"),
                };
                if let Some(p) = spec.precision {
                    while body.len() < p {
                        body.insert(0, '0');
                    }
                }
                if spec.alt && v != 0 {
                    body.insert_str(0, match conv {
                        b'x' => "0x",
                        b'X' => "0X",
                        _ => "0",
                    });
                }
                out.extend(pad(&spec, body, spec.precision.is_none()));
            }
            b'e' | b'E' | b'f' | b'F' | b'g' | b'G' => {
                let x = match arg_num(args, n)? {
                    Number::Int(i) => i as f64,
                    Number::Float(f) => f,
                };
                let body = fmt_float_spec(&spec, conv, x);
                out.extend(pad(&spec, body, x.is_finite()));
            }
            b'a' | b'A' => {
                let x = match arg_num(args, n)? {
                    Number::Int(i) => i as f64,
                    Number::Float(f) => f,
                };
                out.extend(pad(&spec, format!("{x:e}"), true));
            }
            b's' => {
                let s: Vec<u8> = match &args[n] {
                    FmtArg::Str(s) => s.to_vec(),
                    FmtArg::Int(i) => i.to_string().into_bytes(),
                    FmtArg::Float(f) => fmt_float(*f),
                    FmtArg::Other { type_name } => type_name.as_bytes().to_vec(),
                };
                let s = match spec.precision {
                    Some(p) if p < s.len() => s[..p].to_vec(),
                    _ => s,
                };
                let body = String::from_utf8_lossy(&s).into_owned();
                if body.len() == s.len() {
                    out.extend(pad(&spec, body, false));
                } else {
                    out.extend(s);
                }
            }
            b'q' => match &args[n] {
                FmtArg::Str(s) => quote_string(s, &mut out),
                FmtArg::Int(i) => {
                    if *i == i64::MIN {
                        out.extend_from_slice(b"0x8000000000000000");
                    } else {
                        out.extend(i.to_string().into_bytes());
                    }
                }
                FmtArg::Float(f) => {
                    if f.is_infinite() {
                        out.extend_from_slice(if *f > 0.0 { b"1e+9999" } else { b"-1e+9999" });
                    } else if f.is_nan() {
                        out.extend_from_slice(b"(0/0)");
                    } else {
                        out.extend(fmt_float(*f));
                    }
                }
                FmtArg::Other { type_name } => {
                    if matches!(*type_name, "nil" | "boolean") {
                        out.extend_from_slice(type_name.as_bytes());
                    } else {
                        return Err(format!("bad argument #{} to 'format' (value has no literal form)", n + 2));
                    }
                }
            },
            _ => {
                let text = String::from_utf8_lossy(&fmt[start - 1..i]);
                return Err(format!("invalid conversion '{text}' to 'format'"));
            }
        }
        n += 1;
    }
    Ok(out)
}
