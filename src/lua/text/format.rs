//! The pieces of `string.format`: parsing one conversion specification and
//! rendering a value with it the way C's `printf` does (the reference
//! interpreter hands each specification to `sprintf`), plus `%q` literals.
//! Fetching the arguments (and calling `__tostring`) is the library's part.

use super::number::fmt_float;

/// Flags allowed with each conversion (as the reference checks them).
pub const FLAGS_FLOAT: &[u8] = b"-+ #0";
pub const FLAGS_HEX: &[u8] = b"-#0";
pub const FLAGS_INT: &[u8] = b"-+ 0";
pub const FLAGS_UNSIGNED: &[u8] = b"-0";
pub const FLAGS_CHAR: &[u8] = b"-";

/// Longest specification the reference accepts (its MAX_FORMAT - 10).
const MAX_SPEC: usize = 22;

/// One parsed `%...` specification.
pub struct Spec {
    /// The text from `%` to the conversion letter, for error messages.
    pub form: Vec<u8>,
    /// The conversion letter (0 at the end of the format string).
    pub conv: u8,
    pub minus: bool,
    pub plus: bool,
    pub space: bool,
    pub alt: bool,
    pub zero: bool,
    pub width: usize,
    pub precision: Option<usize>,
}

impl Spec {
    /// True if anything comes between `%` and the letter.
    pub fn has_modifiers(&self) -> bool {
        self.form.len() > 2
    }
}

/// Reads the specification starting just after a `%` at `pos`; returns it
/// and the position after it.
pub fn parse_spec(fmt: &[u8], pos: usize) -> Result<(Spec, usize), String> {
    let span = fmt[pos..].iter().take_while(|c| b"-+ #0123456789.".contains(c)).count();
    if span + 1 >= MAX_SPEC {
        return Err("invalid format string to 'format'".into());
    }
    let conv = fmt.get(pos + span).copied().unwrap_or(0);
    let mut form = vec![b'%'];
    form.extend_from_slice(&fmt[pos..pos + span]);
    if conv != 0 {
        form.push(conv);
    }
    let mut spec = Spec { form, conv, minus: false, plus: false, space: false, alt: false, zero: false, width: 0, precision: None };
    let body = &fmt[pos..pos + span];
    let mut i = 0;
    while let Some(&f) = body.get(i) {
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
    while let Some(d) = body.get(i).filter(|d| d.is_ascii_digit()) {
        spec.width = spec.width.saturating_mul(10).saturating_add(usize::from(d - b'0'));
        i += 1;
    }
    if body.get(i) == Some(&b'.') {
        i += 1;
        let mut p = 0usize;
        while let Some(d) = body.get(i).filter(|d| d.is_ascii_digit()) {
            p = p.saturating_mul(10).saturating_add(usize::from(d - b'0'));
            i += 1;
        }
        spec.precision = Some(p);
    }
    Ok((spec, pos + span + usize::from(conv != 0)))
}

/// The reference's check of a specification against the flags its
/// conversion allows: flags, at most two width digits (not starting with
/// 0), and, if allowed, a precision of at most two digits.
pub fn check_spec(spec: &Spec, flags: &[u8], precision: bool) -> Result<(), String> {
    let body = &spec.form[1..];
    let mut i = body.iter().take_while(|c| flags.contains(c)).count();
    if body.get(i) != Some(&b'0') {
        i += body[i..].iter().take(2).take_while(|c| c.is_ascii_digit()).count();
        if body.get(i) == Some(&b'.') && precision {
            i += 1;
            i += body[i..].iter().take(2).take_while(|c| c.is_ascii_digit()).count();
        }
    }
    if !body.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return Err(format!("invalid conversion specification: '{}'", String::from_utf8_lossy(&spec.form)));
    }
    Ok(())
}

fn sign(spec: &Spec, negative: bool) -> &'static str {
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

/// Pads `prefix` + `body` to the width: on the right with '-', with zeros
/// between them with '0' (when `zero_ok`), else with spaces on the left.
fn pad(spec: &Spec, prefix: &str, body: &[u8], zero_ok: bool) -> Vec<u8> {
    let len = prefix.len() + body.len();
    let fill = spec.width.saturating_sub(len);
    let mut out = Vec::with_capacity(len + fill);
    if spec.minus {
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(body);
        out.resize(len + fill, b' ');
    } else if spec.zero && zero_ok {
        out.extend_from_slice(prefix.as_bytes());
        out.resize(prefix.len() + fill, b'0');
        out.extend_from_slice(body);
    } else {
        out.resize(fill, b' ');
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(body);
    }
    out
}

/// `%d %i %u %o %x %X` of an integer.
pub fn format_int(spec: &Spec, v: i64) -> Vec<u8> {
    let (negative, mut digits) = match spec.conv {
        b'd' | b'i' => (v < 0, v.unsigned_abs().to_string()),
        b'u' => (false, (v as u64).to_string()),
        b'o' => (false, format!("{:o}", v as u64)),
        b'x' => (false, format!("{:x}", v as u64)),
        _ => (false, format!("{:X}", v as u64)),
    };
    if spec.precision == Some(0) && v == 0 {
        digits.clear();
    }
    if let Some(p) = spec.precision {
        if digits.len() < p {
            digits.insert_str(0, &"0".repeat(p - digits.len()));
        }
    }
    let mut prefix = if matches!(spec.conv, b'd' | b'i') { sign(spec, negative).to_string() } else { String::new() };
    if spec.alt {
        match spec.conv {
            b'o' if !digits.starts_with('0') => digits.insert(0, '0'),
            b'x' if v != 0 => prefix.push_str("0x"),
            b'X' if v != 0 => prefix.push_str("0X"),
            _ => {}
        }
    }
    pad(spec, &prefix, digits.as_bytes(), spec.precision.is_none())
}

/// `%c`.
pub fn format_char(spec: &Spec, v: i64) -> Vec<u8> {
    pad(spec, "", &[v as u8], false)
}

/// `%s` of a string (already converted with `tostring`).
pub fn format_str(spec: &Spec, s: &[u8]) -> Vec<u8> {
    let s = match spec.precision {
        Some(p) if p < s.len() => &s[..p],
        _ => s,
    };
    pad(spec, "", s, false)
}

/// `%e %E %f %F %g %G %a %A` of a float.
pub fn format_float(spec: &Spec, x: f64) -> Vec<u8> {
    let upper = spec.conv.is_ascii_uppercase();
    let negative = x.is_sign_negative();
    if !x.is_finite() {
        let text = if x.is_nan() { "nan" } else { "inf" };
        let text = if upper { text.to_uppercase() } else { text.to_string() };
        return pad(spec, sign(spec, negative), text.as_bytes(), false);
    }
    let a = x.abs();
    let (prefix, body) = match spec.conv.to_ascii_lowercase() {
        b'f' => {
            let mut s = format!("{:.*}", spec.precision.unwrap_or(6), a);
            if spec.alt && !s.contains('.') {
                s.push('.');
            }
            (sign(spec, negative).to_string(), s)
        }
        b'e' => (sign(spec, negative).to_string(), exp_form(a, spec.precision.unwrap_or(6), spec.alt)),
        b'g' => (sign(spec, negative).to_string(), general_form(a, spec.precision.unwrap_or(6), spec.alt)),
        _ => (format!("{}0x", sign(spec, negative)), hex_form(a, spec.precision, spec.alt)),
    };
    let body = if upper { body.to_uppercase() } else { body };
    let prefix = if upper { prefix.to_uppercase() } else { prefix };
    pad(spec, &prefix, body.as_bytes(), true)
}

/// C's `%.{prec}e` of a non-negative finite number.
fn exp_form(a: f64, prec: usize, alt: bool) -> String {
    let s = format!("{:.*e}", prec, a);
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let dot = if alt && prec == 0 { "." } else { "" };
    format!("{mantissa}{dot}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
}

/// C's `%.{prec}g` of a non-negative finite number: `%e` or `%f` by the
/// exponent, trailing zeros removed unless `alt` (`#`).
fn general_form(a: f64, prec: usize, alt: bool) -> String {
    let p = prec.max(1);
    let e_text = format!("{:.*e}", p - 1, a);
    let exp: i32 = e_text.split_once('e').and_then(|(_, e)| e.parse().ok()).unwrap_or(0);
    let text = if exp < -4 || exp >= p as i32 {
        exp_form(a, p - 1, alt)
    } else {
        let s = format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, a);
        if alt && !s.contains('.') {
            format!("{s}.")
        } else {
            s
        }
    };
    if alt {
        return text;
    }
    let (mantissa, exp_part) = match text.find('e') {
        Some(i) => text.split_at(i),
        None => (text.as_str(), ""),
    };
    let mantissa = if mantissa.contains('.') { mantissa.trim_end_matches('0').trim_end_matches('.') } else { mantissa };
    format!("{mantissa}{exp_part}")
}

/// C's `%a` body (after "0x") of a non-negative finite number, as glibc
/// writes it: `1.8p+1`; subnormals as `0.0...p-1022`.
fn hex_form(a: f64, precision: Option<usize>, alt: bool) -> String {
    let bits = a.to_bits();
    let biased = (bits >> 52) as i64;
    let mut frac = bits & ((1u64 << 52) - 1);
    let (mut lead, exp) = match (biased, frac) {
        (0, 0) => (0u64, 0i64),
        (0, _) => (0, -1022),
        _ => (1, biased - 1023),
    };
    let mut digits = 13usize;
    if let Some(p) = precision.filter(|&p| p < 13) {
        // Round the 52 fraction bits to 4p bits, ties to even.
        let drop = 4 * (13 - p) as u32;
        let kept = frac >> drop;
        let rest = frac & ((1u64 << drop) - 1);
        let half = 1u64 << (drop - 1);
        let mut rounded = kept;
        if rest > half || (rest == half && kept & 1 == 1) {
            rounded += 1;
        }
        if p == 0 {
            // The lead digit is the last one kept.
            if frac > half || (frac == half && lead & 1 == 1) {
                lead += 1;
            }
            frac = 0;
        } else if rounded >> (4 * p) != 0 {
            lead += 1;
            frac = rounded & ((1u64 << (4 * p)) - 1);
        } else {
            frac = rounded;
        }
        digits = p;
    }
    let mut hex = if digits == 0 { String::new() } else { format!("{:0width$x}", frac, width = digits) };
    match precision {
        None => {
            while hex.ends_with('0') {
                hex.pop();
            }
        }
        Some(p) if p > 13 => hex.push_str(&"0".repeat(p - 13)),
        _ => {}
    }
    let dot = if !hex.is_empty() || alt { "." } else { "" };
    format!("{lead}{dot}{hex}p{}{}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
}

/// `%q` of a string: a Lua string literal that reads back as the same bytes.
pub fn quote_string(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for (i, &c) in s.iter().enumerate() {
        match c {
            b'"' | b'\\' | b'\n' => {
                out.push(b'\\');
                out.push(c);
            }
            c if c < 32 || c == 127 => {
                let next_is_digit = s.get(i + 1).is_some_and(u8::is_ascii_digit);
                let text = if next_is_digit { format!("\\{c:03}") } else { format!("\\{c}") };
                out.extend_from_slice(text.as_bytes());
            }
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

/// `%q` of an integer.
pub fn quote_int(i: i64) -> Vec<u8> {
    if i == i64::MIN {
        // -9223372036854775808 would read back as a float.
        return b"0x8000000000000000".to_vec();
    }
    i.to_string().into_bytes()
}

/// `%q` of a float: hexadecimal, so it reads back exactly.
pub fn quote_float(f: f64) -> Vec<u8> {
    if f == f64::INFINITY {
        b"1e9999".to_vec()
    } else if f == f64::NEG_INFINITY {
        b"-1e9999".to_vec()
    } else if f.is_nan() {
        b"(0/0)".to_vec()
    } else {
        let spec = Spec { form: b"%a".to_vec(), conv: b'a', minus: false, plus: false, space: false, alt: false, zero: false, width: 0, precision: None };
        format_float(&spec, f)
    }
}

/// `tostring` of a number for `%s`.
pub fn number_text(v: super::number::Number) -> Vec<u8> {
    match v {
        super::number::Number::Int(i) => i.to_string().into_bytes(),
        super::number::Number::Float(f) => fmt_float(f),
    }
}
