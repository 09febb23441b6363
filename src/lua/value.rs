//! Lua values as the VM handles them for the length of one instruction, and
//! their 16-byte form in the heap.
//!
//! A `Value` never outlives an instruction on the Rust side: it may name a
//! heap object by address, and only the heap copy is seen by the collector.

use crate::heap::{Addr, Fault, Heap};

/// A Lua value. Objects are named by their virtual address.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Addr),
    Table(Addr),
    /// A Lua closure.
    LuaFn(Addr),
    /// A native (Rust) function object.
    NativeFn(Addr),
    Thread(Addr),
    /// Full userdata (the standard files). Its storage is a table object
    /// (metatable and fields); only the tag makes it a userdata, so `type`
    /// needs no lookup and no table operation accepts it.
    Userdata(Addr),
}

/// Bytes a value takes in the heap: a tag word and a payload word.
pub const VALUE_SIZE: u64 = 16;

const TAG_NIL: u64 = 0;
const TAG_FALSE: u64 = 1;
const TAG_TRUE: u64 = 2;
const TAG_INT: u64 = 3;
const TAG_FLOAT: u64 = 4;
const TAG_STR: u64 = 5;
const TAG_TABLE: u64 = 6;
const TAG_LUAFN: u64 = 7;
const TAG_NATIVEFN: u64 = 8;
const TAG_THREAD: u64 = 9;
const TAG_USERDATA: u64 = 10;

impl Value {
    #[inline(always)]
    pub fn encode(self) -> (u64, u64) {
        match self {
            Value::Nil => (TAG_NIL, 0),
            Value::Bool(false) => (TAG_FALSE, 0),
            Value::Bool(true) => (TAG_TRUE, 0),
            Value::Int(i) => (TAG_INT, i as u64),
            Value::Float(f) => (TAG_FLOAT, f.to_bits()),
            Value::Str(a) => (TAG_STR, a),
            Value::Table(a) => (TAG_TABLE, a),
            Value::LuaFn(a) => (TAG_LUAFN, a),
            Value::NativeFn(a) => (TAG_NATIVEFN, a),
            Value::Thread(a) => (TAG_THREAD, a),
            Value::Userdata(a) => (TAG_USERDATA, a),
        }
    }

    #[inline(always)]
    pub fn decode(tag: u64, payload: u64) -> Result<Value, Fault> {
        Ok(match tag {
            TAG_NIL => Value::Nil,
            TAG_FALSE => Value::Bool(false),
            TAG_TRUE => Value::Bool(true),
            TAG_INT => Value::Int(payload as i64),
            TAG_FLOAT => Value::Float(f64::from_bits(payload)),
            TAG_STR => Value::Str(payload),
            TAG_TABLE => Value::Table(payload),
            TAG_LUAFN => Value::LuaFn(payload),
            TAG_NATIVEFN => Value::NativeFn(payload),
            TAG_THREAD => Value::Thread(payload),
            TAG_USERDATA => Value::Userdata(payload),
            _ => return Err(Fault::Invalid("a heap value has an unknown tag")),
        })
    }

    pub fn is_nil(self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Lua truthiness: only nil and false are false.
    pub fn truthy(self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    /// The heap object this value refers to, if any.
    pub fn object(self) -> Option<Addr> {
        match self {
            Value::Str(a) | Value::Table(a) | Value::LuaFn(a) | Value::NativeFn(a) | Value::Thread(a) | Value::Userdata(a) => Some(a),
            _ => None,
        }
    }

    pub fn type_name(self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Table(_) => "table",
            Value::LuaFn(_) | Value::NativeFn(_) => "function",
            Value::Thread(_) => "thread",
            Value::Userdata(_) => "userdata",
        }
    }

    pub fn is_function(self) -> bool {
        matches!(self, Value::LuaFn(_) | Value::NativeFn(_))
    }
}

/// Reads the value stored at `addr`.
/// Always inlined (as is `write_value`): these are the interpreter's
/// commonest heap accesses, and a call returns its `Result` through memory.
#[inline(always)]
pub fn read_value(h: &mut Heap, addr: Addr) -> Result<Value, Fault> {
    let (tag, payload) = h.read_u64_pair(addr)?;
    Value::decode(tag, payload)
}

/// Stores `v` at `addr`.
#[inline(always)]
pub fn write_value(h: &mut Heap, addr: Addr, v: Value) -> Result<(), Fault> {
    let (tag, payload) = v.encode();
    h.write_u64_pair(addr, tag, payload)
}
