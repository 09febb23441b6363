//! Arithmetic and bitwise operations with Lua 5.4's integer/float rules.

use super::{LuaResult, Trap};
use crate::lua::text::number::{self as num, Number};
use crate::lua::value::Value;

/// The binary operators, in the order of Lua's TM_ADD.. metamethod events.
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

impl ArithOp {
    pub fn metamethod(self) -> &'static str {
        match self {
            ArithOp::Add => "__add",
            ArithOp::Sub => "__sub",
            ArithOp::Mul => "__mul",
            ArithOp::Mod => "__mod",
            ArithOp::Pow => "__pow",
            ArithOp::Div => "__div",
            ArithOp::IDiv => "__idiv",
            ArithOp::BAnd => "__band",
            ArithOp::BOr => "__bor",
            ArithOp::BXor => "__bxor",
            ArithOp::Shl => "__shl",
            ArithOp::Shr => "__shr",
            ArithOp::Unm => "__unm",
            ArithOp::BNot => "__bnot",
        }
    }

    /// From the C operand of MMBIN (TM_ADD = 6 ... TM_BNOT = 19 in Lua 5.4).
    pub fn from_tm(tm: u32) -> Option<ArithOp> {
        use ArithOp::*;
        Some(match tm {
            6 => Add,
            7 => Sub,
            8 => Mul,
            9 => Mod,
            10 => Pow,
            11 => Div,
            12 => IDiv,
            13 => BAnd,
            14 => BOr,
            15 => BXor,
            16 => Shl,
            17 => Shr,
            18 => Unm,
            19 => BNot,
            _ => return None,
        })
    }

    pub fn is_bitwise(self) -> bool {
        matches!(self, ArithOp::BAnd | ArithOp::BOr | ArithOp::BXor | ArithOp::Shl | ArithOp::Shr | ArithOp::BNot)
    }
}

fn as_number(v: Value) -> Option<Number> {
    match v {
        Value::Int(i) => Some(Number::Int(i)),
        Value::Float(f) => Some(Number::Float(f)),
        _ => None,
    }
}

fn to_float(n: Number) -> f64 {
    match n {
        Number::Int(i) => i as f64,
        Number::Float(f) => f,
    }
}

/// An integer for a bitwise operation: integers, and floats with an exact
/// integer value.
fn to_bit_int(n: Number) -> Option<i64> {
    match n {
        Number::Int(i) => Some(i),
        Number::Float(f) => num::float_to_int_exact(f),
    }
}

/// `a op b` on two numbers. `Ok(None)` if they are not both numbers (the
/// caller then tries metamethods); errors for integer division by zero and
/// for bitwise operations on floats without an integer value.
pub fn arith_numbers(op: ArithOp, a: Value, b: Value) -> LuaResult<Option<Value>> {
    let (Some(x), Some(y)) = (as_number(a), as_number(b)) else { return Ok(None) };
    if op.is_bitwise() {
        let (Some(i), Some(j)) = (to_bit_int(x), to_bit_int(y)) else {
            return Err(Trap::Msg("number has no integer representation".into()));
        };
        return Ok(Some(Value::Int(bitwise(op, i, j))));
    }
    Ok(Some(match (op, x, y) {
        (ArithOp::Add, Number::Int(i), Number::Int(j)) => Value::Int(i.wrapping_add(j)),
        (ArithOp::Sub, Number::Int(i), Number::Int(j)) => Value::Int(i.wrapping_sub(j)),
        (ArithOp::Mul, Number::Int(i), Number::Int(j)) => Value::Int(i.wrapping_mul(j)),
        (ArithOp::Unm, Number::Int(i), _) => Value::Int(i.wrapping_neg()),
        (ArithOp::IDiv, Number::Int(i), Number::Int(j)) => {
            if j == 0 {
                return Err(Trap::Msg("attempt to divide by zero".into()));
            }
            Value::Int(num::int_floor_div(i, j))
        }
        (ArithOp::Mod, Number::Int(i), Number::Int(j)) => {
            if j == 0 {
                return Err(Trap::Msg("attempt to perform 'n%0'".into()));
            }
            Value::Int(num::int_mod(i, j))
        }
        _ => {
            let (f, g) = (to_float(x), to_float(y));
            Value::Float(match op {
                ArithOp::Add => f + g,
                ArithOp::Sub => f - g,
                ArithOp::Mul => f * g,
                ArithOp::Div => f / g,
                ArithOp::Pow => {
                    if g == 2.0 {
                        f * f
                    } else {
                        f.powf(g)
                    }
                }
                ArithOp::IDiv => (f / g).floor(),
                ArithOp::Mod => num::float_mod(f, g),
                ArithOp::Unm => -f,
                _ => unreachable!("bitwise operators handled above"),
            })
        }
    }))
}

fn bitwise(op: ArithOp, i: i64, j: i64) -> i64 {
    match op {
        ArithOp::BAnd => i & j,
        ArithOp::BOr => i | j,
        ArithOp::BXor => i ^ j,
        ArithOp::Shl => num::shift_left(i, j),
        ArithOp::Shr => num::shift_left(i, j.wrapping_neg()),
        ArithOp::BNot => !i,
        _ => unreachable!("not a bitwise operator"),
    }
}

/// Lua's string coercion for arithmetic (what the string metamethods do):
/// a string that reads as a number acts as that number.
pub fn coerce_arith(v: Value, bytes: Option<&[u8]>) -> Value {
    match (v, bytes) {
        (Value::Str(_), Some(b)) => match num::str_to_number(b) {
            Some(Number::Int(i)) => Value::Int(i),
            Some(Number::Float(f)) => Value::Float(f),
            None => v,
        },
        _ => v,
    }
}
