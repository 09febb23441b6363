//! Numbers to and from text, and the integer/float helpers Lua's arithmetic needs.

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

/// `tostring` of a float: `%.14g`, with ".0" added when it looks like an integer.
pub fn fmt_float(f: f64) -> Vec<u8> {
    if f.is_nan() {
        return if f.is_sign_negative() { b"-nan".to_vec() } else { b"nan".to_vec() };
    }
    if f.is_infinite() {
        return if f < 0.0 { b"-inf".to_vec() } else { b"inf".to_vec() };
    }
    let mut s = fmt_g(f, 14);
    if !s.contains(['.', 'e', 'n', 'i']) {
        s.push_str(".0");
    }
    s.into_bytes()
}

/// C's `%.{precision}g` for a finite float.
pub fn fmt_g(f: f64, precision: usize) -> String {
    let p = precision.max(1);
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // Exponent after rounding to p significant digits.
    let e_form = format!("{:.*e}", p - 1, f);
    let (mantissa, exp) = e_form.split_once('e').expect("exponent form");
    let exp: i32 = exp.parse().expect("exponent");
    if exp < -4 || exp >= p as i32 {
        let m = trim_zeros(mantissa);
        format!("{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{:.*}", decimals, f)).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

pub fn fmt_int(i: i64) -> Vec<u8> {
    i.to_string().into_bytes()
}

/// C's `isspace` in the "C" locale.
pub fn is_space(c: u8) -> bool {
    c == b' ' || (b'\t'..=b'\r').contains(&c)
}

fn trim_space(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&c| !is_space(c)).unwrap_or(s.len());
    let end = s.iter().rposition(|&c| !is_space(c)).map_or(start, |e| e + 1);
    &s[start..end.max(start)]
}

/// Lua's string-to-number conversion (`lua_stringtonumber`): an integer
/// numeral (decimal, or hexadecimal wrapping around) if it is one and
/// fits, else a float numeral as C's `strtod` reads it (hexadecimal
/// included, "inf" and "nan" excluded), with spaces around allowed.
pub fn str_to_number(s: &[u8]) -> Option<Number> {
    let t = trim_space(s);
    if let Some(i) = str_to_int(t) {
        return Some(Number::Int(i));
    }
    str_to_float(t).map(Number::Float)
}

fn split_sign(t: &[u8]) -> (bool, &[u8]) {
    match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    }
}

fn is_hex_prefix(t: &[u8]) -> bool {
    t.len() >= 2 && t[0] == b'0' && (t[1] == b'x' || t[1] == b'X')
}

/// An integer numeral (already trimmed).
fn str_to_int(t: &[u8]) -> Option<i64> {
    let (neg, body) = split_sign(t);
    if is_hex_prefix(body) {
        let digits = &body[2..];
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let v = digits.iter().fold(0u64, |v, &d| v.wrapping_mul(16).wrapping_add(u64::from((d as char).to_digit(16).unwrap_or(0))));
        return Some(if neg { (v as i64).wrapping_neg() } else { v as i64 });
    }
    if body.is_empty() || !body.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Decimal numerals that do not fit are floats.
    let mut v: u64 = 0;
    for &d in body {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if neg {
        (v <= 1 << 63).then(|| (v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

/// A float numeral (already trimmed), as `strtod` reads it.
fn str_to_float(t: &[u8]) -> Option<f64> {
    if t.iter().any(|&c| c == b'n' || c == b'N') {
        return None;
    }
    let (neg, body) = split_sign(t);
    let v = if is_hex_prefix(body) { hex_float(&body[2..])? } else { decimal_float(body)? };
    Some(if neg { -v } else { v })
}

/// digits [. digits] [e [sign] digits], at least one digit before the exponent.
fn decimal_float(b: &[u8]) -> Option<f64> {
    let mut i = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut digits = i;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac;
        digits += frac;
    }
    if digits == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_digits = b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp_digits == 0 {
            return None;
        }
        i = j + exp_digits;
    }
    if i != b.len() {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse::<f64>().ok()
}

/// Hex digits [. hex digits] [p [sign] decimal digits], after "0x".
fn hex_float(b: &[u8]) -> Option<f64> {
    let mut mantissa: u64 = 0;
    let mut exp: i64 = 0;
    let mut any = false;
    let mut i = 0;
    let mut seen_dot = false;
    while let Some(&c) = b.get(i) {
        if c == b'.' && !seen_dot {
            seen_dot = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            any = true;
            // Keep 60 significant bits; later digits only scale.
            if mantissa >> 56 == 0 {
                mantissa = mantissa * 16 + u64::from(d);
                if seen_dot {
                    exp -= 4;
                }
            } else if !seen_dot {
                exp += 4;
            }
        } else {
            break;
        }
        i += 1;
    }
    if !any {
        return None;
    }
    if matches!(b.get(i), Some(b'p' | b'P')) {
        let after_p = &b[i + 1..];
        let (neg, rest) = split_sign(after_p);
        let sign_len = after_p.len() - rest.len();
        let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let e = rest[..n].iter().fold(0i64, |e, &d| (e * 10 + i64::from(d - b'0')).min(1 << 20));
        exp += if neg { -e } else { e };
        i += 1 + sign_len + n;
    }
    if i != b.len() {
        return None;
    }
    Some(scale_by_pow2(mantissa as f64, exp))
}

/// x * 2^exp without overflowing the intermediate power.
fn scale_by_pow2(mut x: f64, mut exp: i64) -> f64 {
    while exp > 1000 {
        x *= 2f64.powi(1000);
        exp -= 1000;
    }
    while exp < -1000 {
        x *= 2f64.powi(-1000);
        exp += 1000;
    }
    x * 2f64.powi(exp as i32)
}

/// `tonumber(s, base)`: an optional '-' or '+', then digits of the base.
pub fn str_to_int_base(s: &[u8], base: u32) -> Option<i64> {
    let (neg, digits) = split_sign(trim_space(s));
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &c in digits {
        let d = (c as char).to_digit(36)?;
        if d >= base {
            return None;
        }
        v = v.wrapping_mul(i64::from(base)).wrapping_add(i64::from(d));
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

/// The integer equal to `f`, if there is one.
pub fn float_to_int_exact(f: f64) -> Option<i64> {
    if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        Some(f as i64)
    } else {
        None
    }
}

pub fn int_floor_div(a: i64, b: i64) -> i64 {
    if b == -1 {
        return a.wrapping_neg();
    }
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

pub fn int_mod(a: i64, b: i64) -> i64 {
    if b == -1 {
        return 0;
    }
    let r = a % b;
    if r != 0 && (r ^ b) < 0 {
        r + b
    } else {
        r
    }
}

pub fn float_mod(a: f64, b: f64) -> f64 {
    let r = a % b;
    if r != 0.0 && (r > 0.0) != (b > 0.0) {
        r + b
    } else {
        r
    }
}

/// Logical shift left by `n` (right for negative `n`); 64 or more gives 0.
pub fn shift_left(x: i64, n: i64) -> i64 {
    if n <= -64 || n >= 64 {
        0
    } else if n >= 0 {
        ((x as u64) << n) as i64
    } else {
        ((x as u64) >> (-n)) as i64
    }
}

/// Exact comparisons between integers and floats (Lua's LTnum/LEnum).
pub fn lt_num(a: Number, b: Number) -> bool {
    match (a, b) {
        (Number::Int(i), Number::Int(j)) => i < j,
        (Number::Float(f), Number::Float(g)) => f < g,
        (Number::Int(i), Number::Float(f)) => int_lt_float(i, f),
        (Number::Float(f), Number::Int(i)) => float_lt_int(f, i),
    }
}

pub fn le_num(a: Number, b: Number) -> bool {
    match (a, b) {
        (Number::Int(i), Number::Int(j)) => i <= j,
        (Number::Float(f), Number::Float(g)) => f <= g,
        (Number::Int(i), Number::Float(f)) => int_le_float(i, f),
        (Number::Float(f), Number::Int(i)) => float_le_int(f, i),
    }
}

pub fn eq_num(a: Number, b: Number) -> bool {
    match (a, b) {
        (Number::Int(i), Number::Int(j)) => i == j,
        (Number::Float(f), Number::Float(g)) => f == g,
        (Number::Int(i), Number::Float(f)) | (Number::Float(f), Number::Int(i)) => float_to_int_exact(f) == Some(i),
    }
}

fn int_lt_float(i: i64, f: f64) -> bool {
    if f.is_nan() {
        return false;
    }
    if f >= 9.223_372_036_854_776e18 {
        return true;
    }
    if f < -9.223_372_036_854_776e18 {
        return false;
    }
    // i < f  <=>  i < ceil(f)
    let c = f.ceil();
    i < c as i64
}

fn int_le_float(i: i64, f: f64) -> bool {
    if f.is_nan() {
        return false;
    }
    if f >= 9.223_372_036_854_776e18 {
        return true;
    }
    if f < -9.223_372_036_854_776e18 {
        return false;
    }
    i <= f.floor() as i64
}

fn float_lt_int(f: f64, i: i64) -> bool {
    if f.is_nan() {
        return false;
    }
    if f >= 9.223_372_036_854_776e18 {
        return false;
    }
    if f < -9.223_372_036_854_776e18 {
        return true;
    }
    (f.floor() as i64) < i
}

fn float_le_int(f: f64, i: i64) -> bool {
    if f.is_nan() {
        return false;
    }
    if f >= 9.223_372_036_854_776e18 {
        return false;
    }
    if f < -9.223_372_036_854_776e18 {
        return true;
    }
    (f.ceil() as i64) <= i
}
