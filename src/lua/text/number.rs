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

/// Lua's string-to-number conversion (`lua_stringtonumber`).
pub fn str_to_number(s: &[u8]) -> Option<Number> {
    let text = std::str::from_utf8(s).ok()?;
    let t = text.trim_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    if t.is_empty() || t.contains('\0') {
        return None;
    }
    let (neg, body) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if body.len() > 2 && (body.starts_with("0x") || body.starts_with("0X")) {
        return hex_number(&body[2..], neg);
    }
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) {
        return None;
    }
    if body.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = body.parse::<i64>() {
            return Some(Number::Int(if neg { i.wrapping_neg() } else { i }));
        }
        if neg && body.parse::<u64>().ok() == Some(1 << 63) {
            return Some(Number::Int(i64::MIN));
        }
    }
    let f: f64 = body.parse().ok()?;
    if body.starts_with(['e', 'E']) || body == "." {
        return None;
    }
    Some(Number::Float(if neg { -f } else { f }))
}

fn hex_number(digits: &str, neg: bool) -> Option<Number> {
    let is_float = digits.contains(['.', 'p', 'P']);
    if !is_float {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut v: u64 = 0;
        for b in digits.bytes() {
            v = v.wrapping_mul(16).wrapping_add(u64::from((b as char).to_digit(16)?));
        }
        let i = v as i64;
        return Some(Number::Int(if neg { i.wrapping_neg() } else { i }));
    }
    let (mant, exp) = match digits.find(['p', 'P']) {
        Some(i) => (&digits[..i], Some(&digits[i + 1..])),
        None => (digits, None),
    };
    let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for b in int_part.bytes() {
        value = value * 16.0 + f64::from((b as char).to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for b in frac_part.bytes() {
        value += f64::from((b as char).to_digit(16)?) * scale;
        scale /= 16.0;
    }
    if let Some(e) = exp {
        let e: i32 = e.parse().ok()?;
        value *= 2f64.powi(e);
    }
    Some(Number::Float(if neg { -value } else { value }))
}

/// `tonumber(s, base)`.
pub fn str_to_int_base(s: &[u8], base: u32) -> Option<i64> {
    let text = std::str::from_utf8(s).ok()?.trim_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(36)?;
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
