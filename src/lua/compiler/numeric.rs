//! Lua number semantics needed at compile time: converting numerals to
//! numbers (`luaO_str2num` rules) and raw arithmetic for constant folding
//! (`luaO_rawarith` rules).
//!
//! Everything here is pure and panic-free; the VM may reuse it for
//! string-to-number coercion and for its own arithmetic fast paths.

/// A Lua number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    #[allow(clippy::as_conversions, clippy::cast_precision_loss)]
    pub fn to_float(self) -> f64 {
        match self {
            // i64 -> f64 rounds to nearest, exactly as C's conversion does
            // (Lua's integer-to-float conversion is defined this way).
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    /// Integer value if the number has an exact integer representation
    /// (Lua's `F2Ieq` mode).
    pub fn to_int_exact(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::Float(f) => float_to_int_exact(f),
        }
    }
}

/// Converts a float with an integral value in i64 range to that integer.
#[allow(clippy::as_conversions, clippy::cast_possible_truncation)]
pub fn float_to_int_exact(f: f64) -> Option<i64> {
    // 2^63 as a float; the valid range is [-2^63, 2^63).
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if f.floor() == f && (-TWO_POW_63..TWO_POW_63).contains(&f) {
        // In range and integral, so the saturating cast is exact.
        Some(f as i64)
    } else {
        None
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn hex_value(c: u8) -> Option<u32> {
    char::from(c).to_digit(16)
}

/// Converts a numeral to a number following Lua's rules: optional
/// surrounding whitespace and sign; decimal integers that overflow become
/// floats; hexadecimal integers wrap around; hexadecimal floats with
/// optional binary exponent; `inf`/`nan` are rejected.
pub fn str_to_number(s: &[u8]) -> Option<Number> {
    if let Some(i) = str_to_int(s) {
        return Some(Number::Int(i));
    }
    str_to_float(s).map(Number::Float)
}

fn trim_spaces(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&c| !is_space(c)).unwrap_or(s.len());
    let end = s.iter().rposition(|&c| !is_space(c)).map_or(start, |p| p + 1);
    s.get(start..end).unwrap_or(&[])
}

fn split_sign(s: &[u8]) -> (bool, &[u8]) {
    match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, s),
    }
}

fn strip_hex_prefix(s: &[u8]) -> Option<&[u8]> {
    match s {
        [b'0', b'x' | b'X', rest @ ..] => Some(rest),
        _ => None,
    }
}

fn str_to_int(s: &[u8]) -> Option<i64> {
    let (neg, body) = split_sign(trim_spaces(s));
    let mut acc: u64 = 0;
    if let Some(digits) = strip_hex_prefix(body) {
        if digits.is_empty() {
            return None;
        }
        for &c in digits {
            // Hexadecimal integers wrap around modulo 2^64.
            acc = acc.wrapping_mul(16).wrapping_add(u64::from(hex_value(c)?));
        }
    } else {
        if body.is_empty() {
            return None;
        }
        let limit = if neg { 1u64 << 63 } else { (1u64 << 63) - 1 };
        for &c in body {
            let d = u64::from(char::from(c).to_digit(10)?);
            // A decimal numeral that does not fit is read as a float.
            acc = acc.checked_mul(10)?.checked_add(d).filter(|&v| v <= limit)?;
        }
    }
    let value = if neg { acc.wrapping_neg() } else { acc };
    // Reinterpret the two's-complement bits, as C's unsigned->signed cast.
    Some(i64::from_ne_bytes(value.to_ne_bytes()))
}

fn str_to_float(s: &[u8]) -> Option<f64> {
    // Like the reference, reject anything mentioning 'n' or 'N' so that
    // "inf" and "nan" are not numerals.
    if s.iter().any(|&c| c == b'n' || c == b'N') {
        return None;
    }
    let (neg, body) = split_sign(trim_spaces(s));
    let magnitude = match strip_hex_prefix(body) {
        Some(hex) => hex_float(hex)?,
        None => decimal_float(body)?,
    };
    Some(if neg { -magnitude } else { magnitude })
}

/// Parses `digits [. digits] [e [sign] digits]` (at least one mantissa
/// digit) with correct rounding, like C's `strtod`.
fn decimal_float(s: &[u8]) -> Option<f64> {
    let mantissa_len = s.iter().position(|&c| c == b'e' || c == b'E').unwrap_or(s.len());
    let (mantissa, exponent) = s.split_at(mantissa_len);
    let mut digits = 0;
    let mut dots = 0;
    for &c in mantissa {
        match c {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return None,
        }
    }
    if digits == 0 || dots > 1 {
        return None;
    }
    if let Some((_, exp)) = exponent.split_first() {
        let (_, exp_digits) = split_sign(exp);
        if exp_digits.is_empty() || !exp_digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
    }
    // The text now matches Rust's float grammar exactly.
    std::str::from_utf8(s).ok()?.parse::<f64>().ok()
}

/// Hexadecimal float body (after "0x"), following the reference's own
/// algorithm so that rounding matches: at most 30 significant digits are
/// accumulated, the rest only adjust the exponent.
fn hex_float(s: &[u8]) -> Option<f64> {
    const MAX_SIG_DIGITS: i32 = 30;
    let mut value = 0.0f64;
    let mut sig_digits = 0i32;
    let mut any_digit = false;
    let mut exponent: i64 = 0;
    let mut seen_dot = false;
    let mut rest = s;
    while let Some((&c, tail)) = rest.split_first() {
        if c == b'.' {
            if seen_dot {
                break;
            }
            seen_dot = true;
        } else if let Some(d) = hex_value(c) {
            any_digit = true;
            if sig_digits == 0 && d == 0 {
                // Leading zeros are not significant.
            } else if sig_digits < MAX_SIG_DIGITS {
                sig_digits += 1;
                value = value * 16.0 + f64::from(d);
            } else {
                exponent += 1; // digit dropped, but it still scales the value
            }
            if seen_dot {
                exponent -= 1;
            }
        } else {
            break;
        }
        rest = tail;
    }
    if !any_digit {
        return None;
    }
    exponent *= 4;
    if let Some((&c, tail)) = rest.split_first() {
        if c != b'p' && c != b'P' {
            return None;
        }
        let (neg, digits) = split_sign(tail);
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut e: i64 = 0;
        for &d in digits {
            // Saturate: such exponents already mean 0 or infinity.
            e = (e * 10 + i64::from(d - b'0')).min(1 << 40);
        }
        exponent += if neg { -e } else { e };
    }
    Some(ldexp(value, exponent))
}

/// `x * 2^exp` with a single rounding, like C's `ldexp`.
pub fn ldexp(x: f64, exp: i64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    // Normalise x to m * 2^e with m in [1, 2).
    let (m, e) = frexp_unit(x);
    let target = e.saturating_add(exp);
    if target > 1023 {
        return f64::INFINITY.copysign(x);
    }
    if target >= -1022 {
        return m * pow2(target);
    }
    // Subnormal result: scale to the smallest normal exponent exactly, then
    // round once in the final multiplication.
    let shift = target + 1022; // negative
    if shift < -60 {
        return 0.0f64.copysign(x);
    }
    m * pow2(-1022) * pow2(shift)
}

/// Splits a finite non-zero float into (m, e) with |m| in [1, 2).
fn frexp_unit(x: f64) -> (f64, i64) {
    let bits = x.to_bits();
    let biased = i64::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
    if biased == 0 {
        // Subnormal: renormalise by scaling up exactly by 2^64.
        let (m, e) = frexp_unit(x * pow2(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1023u64 << 52));
    (m, biased - 1023)
}

/// 2^e for e in [-1022, 1023] (a normal float, built exactly).
fn pow2(e: i64) -> f64 {
    let biased = u64::try_from(e.clamp(-1022, 1023) + 1023).unwrap_or(1023);
    f64::from_bits(biased << 52)
}

/// Arithmetic and bitwise operators that can be constant-folded, in the
/// order of the reference's `LUA_OP*` constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Mod,
    Pow,
    Div,
    IDiv,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Unm,
    BNot,
}

/// Lua's floored integer modulo (`a % b`, b != 0).
pub fn int_mod(a: i64, b: i64) -> i64 {
    if b == -1 {
        return 0; // avoids the overflow of i64::MIN % -1
    }
    let r = a.wrapping_rem(b);
    if r != 0 && (r ^ b) < 0 {
        r.wrapping_add(b)
    } else {
        r
    }
}

/// Lua's floor division of integers (`a // b`, b != 0).
pub fn int_idiv(a: i64, b: i64) -> i64 {
    if b == -1 {
        return a.wrapping_neg();
    }
    let q = a.wrapping_div(b);
    if (a ^ b) < 0 && a.wrapping_rem(b) != 0 {
        q.wrapping_sub(1)
    } else {
        q
    }
}

/// Lua's float modulo: result has the sign of the divisor.
pub fn float_mod(a: f64, b: f64) -> f64 {
    let m = a % b; // Rust's % on floats is C's fmod
    if (m > 0.0 && b < 0.0) || (m < 0.0 && b > 0.0) {
        m + b
    } else {
        m
    }
}

/// Lua's shift left (negative counts shift right; logical shifts).
pub fn shift_left(x: i64, n: i64) -> i64 {
    let bits = u64::from_ne_bytes(x.to_ne_bytes());
    let shifted = if n <= -64 || n >= 64 {
        0
    } else if n >= 0 {
        bits << n
    } else {
        bits >> n.unsigned_abs()
    };
    i64::from_ne_bytes(shifted.to_ne_bytes())
}

/// Raw arithmetic without metamethods or coercions from strings. Returns
/// `None` when the operation is not defined on these operands (a bitwise
/// operation on a float without integer representation). Division by zero
/// is *not* an error here: integer `//` and `%` by zero return `None` too,
/// since they raise errors at run time.
pub fn arith(op: ArithOp, a: Number, b: Number) -> Option<Number> {
    use ArithOp::*;
    match op {
        BAnd | BOr | BXor | Shl | Shr | BNot => {
            let (x, y) = (a.to_int_exact()?, b.to_int_exact()?);
            Some(Number::Int(match op {
                BAnd => x & y,
                BOr => x | y,
                BXor => x ^ y,
                Shl => shift_left(x, y),
                Shr => shift_left(x, y.wrapping_neg()),
                _ => !x,
            }))
        }
        Div | Pow => Some(Number::Float(float_arith(op, a.to_float(), b.to_float()))),
        _ => match (a, b) {
            (Number::Int(x), Number::Int(y)) => int_arith(op, x, y).map(Number::Int),
            _ => Some(Number::Float(float_arith(op, a.to_float(), b.to_float()))),
        },
    }
}

fn int_arith(op: ArithOp, x: i64, y: i64) -> Option<i64> {
    use ArithOp::*;
    Some(match op {
        Add => x.wrapping_add(y),
        Sub => x.wrapping_sub(y),
        Mul => x.wrapping_mul(y),
        Mod if y != 0 => int_mod(x, y),
        IDiv if y != 0 => int_idiv(x, y),
        Unm => x.wrapping_neg(),
        _ => return None,
    })
}

fn float_arith(op: ArithOp, x: f64, y: f64) -> f64 {
    use ArithOp::*;
    match op {
        Add => x + y,
        Sub => x - y,
        Mul => x * y,
        Div => x / y,
        Pow if y == 2.0 => x * x,
        Pow => x.powf(y),
        IDiv => (x / y).floor(),
        Mod => float_mod(x, y),
        Unm => -x,
        _ => f64::NAN, // bitwise operators never reach here
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<Number> {
        str_to_number(s.as_bytes())
    }

    #[test]
    fn integers_and_overflow() {
        assert_eq!(num("42"), Some(Number::Int(42)));
        assert_eq!(num(" -7 "), Some(Number::Int(-7)));
        assert_eq!(num("9223372036854775807"), Some(Number::Int(i64::MAX)));
        assert_eq!(num("-9223372036854775808"), Some(Number::Int(i64::MIN)));
        assert_eq!(num("9223372036854775808"), Some(Number::Float(9_223_372_036_854_775_808.0)));
        assert_eq!(num("0xffffffffffffffff"), Some(Number::Int(-1)));
        assert_eq!(num("0x10000000000000000"), Some(Number::Int(0)));
        assert_eq!(num("0x"), None);
        assert_eq!(num("3x"), None);
        assert_eq!(num("inf"), None);
        assert_eq!(num("nan"), None);
        assert_eq!(num(""), None);
    }

    #[test]
    fn floats() {
        assert_eq!(num("1.5"), Some(Number::Float(1.5)));
        assert_eq!(num(".5"), Some(Number::Float(0.5)));
        assert_eq!(num("5."), Some(Number::Float(5.0)));
        assert_eq!(num("1e2"), Some(Number::Float(100.0)));
        assert_eq!(num("1E-2"), Some(Number::Float(0.01)));
        assert_eq!(num("1e"), None);
        assert_eq!(num("1..2"), None);
        assert_eq!(num("0x1p4"), Some(Number::Float(16.0)));
        assert_eq!(num("0xA.8p0"), Some(Number::Float(10.5)));
        assert_eq!(num("0x.8"), Some(Number::Float(0.5)));
        assert_eq!(num("0x1P-1"), Some(Number::Float(0.5)));
        assert_eq!(num("0x1p"), None);
        assert_eq!(num("1e400"), Some(Number::Float(f64::INFINITY)));
        assert_eq!(num("0x1p-1074"), Some(Number::Float(f64::from_bits(1))));
        assert_eq!(num("0x1p-1080"), Some(Number::Float(0.0)));
        assert_eq!(num("0x1.8p-1074"), Some(Number::Float(f64::from_bits(2))));
    }

    #[test]
    fn arithmetic() {
        use Number::*;
        assert_eq!(arith(ArithOp::Mod, Int(-5), Int(3)), Some(Int(1)));
        assert_eq!(arith(ArithOp::IDiv, Int(-5), Int(3)), Some(Int(-2)));
        assert_eq!(arith(ArithOp::IDiv, Int(i64::MIN), Int(-1)), Some(Int(i64::MIN)));
        assert_eq!(arith(ArithOp::Mod, Float(-5.5), Float(2.0)), Some(Float(0.5)));
        assert_eq!(arith(ArithOp::Shl, Int(1), Int(64)), Some(Int(0)));
        assert_eq!(arith(ArithOp::Shr, Int(-1), Int(63)), Some(Int(1)));
        assert_eq!(arith(ArithOp::BAnd, Float(1.5), Int(1)), None);
        assert_eq!(arith(ArithOp::Div, Int(1), Int(2)), Some(Float(0.5)));
        assert_eq!(arith(ArithOp::Pow, Int(2), Int(10)), Some(Float(1024.0)));
        assert_eq!(arith(ArithOp::Mod, Int(1), Int(0)), None);
    }
}
