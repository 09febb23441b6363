//! Values that cross between the host (a web page, an embedder) and Lua:
//! nil, booleans, numbers, strings, and tables of them, without cycles.
//! A page gives a program its input this way and reads its results.
//!
//! Each conversion is one heap step, so its size is bounded ([`MAX_VALUES`]
//! values, [`MAX_BYTES`] bytes of strings): a larger input must be passed
//! in parts. Functions, threads and cycles have no host form and are refused
//! with a message saying so.

use super::state::{globals_block, G_GLOBALS};
use super::string::{self, new_string};
use super::table;
use super::value::Value;
use crate::heap::{Addr, Fault, Heap};

/// The most values (table entries count as two) one conversion handles.
pub const MAX_VALUES: usize = 20_000;
/// The most bytes of string data one conversion handles.
pub const MAX_BYTES: usize = 1 << 20;

/// A Lua value as the host sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum HostValue {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Vec<u8>),
    /// A table whose keys are exactly 1..n (a JavaScript array).
    List(Vec<HostValue>),
    /// Any other table, entries in no particular order.
    Map(Vec<(HostValue, HostValue)>),
}

impl HostValue {
    /// Checks the size limits before anything is written.
    pub fn check_size(&self) -> Result<(), String> {
        fn walk(v: &HostValue, values: &mut usize, bytes: &mut usize) {
            *values += 1;
            match v {
                HostValue::Str(s) => *bytes += s.len(),
                HostValue::List(items) => items.iter().for_each(|i| walk(i, values, bytes)),
                HostValue::Map(entries) => entries.iter().for_each(|(k, v)| {
                    walk(k, values, bytes);
                    walk(v, values, bytes);
                }),
                _ => {}
            }
        }
        let (mut values, mut bytes) = (0, 0);
        walk(self, &mut values, &mut bytes);
        if values > MAX_VALUES || bytes > MAX_BYTES {
            return Err(format!(
                "the value is too large to pass at once ({values} values, {bytes} bytes of strings; at most {MAX_VALUES} and {MAX_BYTES}): pass it in parts"
            ));
        }
        Ok(())
    }
}

/// Why a conversion could not be done (the heap is unchanged).
fn refuse(why: String) -> Result<Result<HostValue, String>, Fault> {
    Ok(Err(why))
}

/// Writes `value` into the heap as a Lua value (tables are created).
pub fn to_lua(h: &mut Heap, value: &HostValue) -> Result<Result<Value, String>, Fault> {
    let g = globals_block(h)?;
    Ok(Ok(match value {
        HostValue::Nil => Value::Nil,
        HostValue::Bool(b) => Value::Bool(*b),
        HostValue::Int(i) => Value::Int(*i),
        HostValue::Float(f) => Value::Float(*f),
        HostValue::Str(s) => Value::Str(new_string(h, g, s)?),
        HostValue::List(items) => {
            let t = table::new_table(h, g, items.len() as u64, 0)?;
            for (i, item) in items.iter().enumerate() {
                let v = match to_lua(h, item)? {
                    Ok(v) => v,
                    Err(e) => return Ok(Err(e)),
                };
                table::set_int(h, t, i as i64 + 1, v)?;
            }
            Value::Table(t)
        }
        HostValue::Map(entries) => {
            let t = table::new_table(h, g, 0, entries.len() as u64)?;
            for (k, v) in entries {
                let (k, v) = match (to_lua(h, k)?, to_lua(h, v)?) {
                    (Ok(k), Ok(v)) => (k, v),
                    (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
                };
                if table::set(h, t, k, v)?.is_err() {
                    return Ok(Err("a table key is nil or NaN".to_string()));
                }
            }
            Value::Table(t)
        }
    }))
}

/// Reads a Lua value out of the heap. Refuses functions, threads, cycles and
/// values beyond the size limits.
pub fn from_lua(h: &mut Heap, value: Value) -> Result<Result<HostValue, String>, Fault> {
    let mut budget = Budget { values: 0, bytes: 0 };
    from_lua_in(h, value, &mut Vec::new(), &mut budget)
}

struct Budget {
    values: usize,
    bytes: usize,
}

fn from_lua_in(h: &mut Heap, value: Value, path: &mut Vec<Addr>, budget: &mut Budget) -> Result<Result<HostValue, String>, Fault> {
    budget.values += 1;
    if budget.values > MAX_VALUES {
        return refuse(format!("the value has more than {MAX_VALUES} parts; read it in parts"));
    }
    Ok(Ok(match value {
        Value::Nil => HostValue::Nil,
        Value::Bool(b) => HostValue::Bool(b),
        Value::Int(i) => HostValue::Int(i),
        Value::Float(f) => HostValue::Float(f),
        Value::Str(s) => {
            let bytes = string::bytes(h, s)?;
            budget.bytes += bytes.len();
            if budget.bytes > MAX_BYTES {
                return refuse(format!("the value holds more than {MAX_BYTES} bytes of strings; read it in parts"));
            }
            HostValue::Str(bytes)
        }
        Value::Table(t) => {
            if path.contains(&t) {
                return refuse("the table contains itself (a cycle) and cannot be passed out".to_string());
            }
            path.push(t);
            let result = table_from_lua(h, t, path, budget)?;
            path.pop();
            match result {
                Ok(v) => v,
                Err(e) => return Ok(Err(e)),
            }
        }
        other => return refuse(format!("a {} cannot be passed out of Lua", other.type_name())),
    }))
}

fn table_from_lua(h: &mut Heap, t: Addr, path: &mut Vec<Addr>, budget: &mut Budget) -> Result<Result<HostValue, String>, Fault> {
    let mut entries = Vec::new();
    let mut key = Value::Nil;
    loop {
        match table::next(h, t, key)? {
            Ok(Some((k, v))) => {
                entries.push((k, v));
                key = k;
            }
            Ok(None) => break,
            Err(()) => return refuse("the table changed while it was read".to_string()),
        }
        if entries.len() > MAX_VALUES {
            return refuse(format!("the table has more than {MAX_VALUES} entries; read it in parts"));
        }
    }
    // Keys exactly 1..n make a list; anything else a map.
    let mut ints: Vec<i64> = entries.iter().filter_map(|(k, _)| if let Value::Int(i) = k { Some(*i) } else { None }).collect();
    ints.sort_unstable();
    let is_list = !entries.is_empty() && ints.len() == entries.len() && ints.iter().enumerate().all(|(i, &k)| k == i as i64 + 1);
    if is_list {
        entries.sort_by_key(|(k, _)| if let Value::Int(i) = k { *i } else { 0 });
        let mut items = Vec::with_capacity(entries.len());
        for (_, v) in entries {
            match from_lua_in(h, v, path, budget)? {
                Ok(v) => items.push(v),
                Err(e) => return Ok(Err(e)),
            }
        }
        return Ok(Ok(HostValue::List(items)));
    }
    let mut out = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        match (from_lua_in(h, k, path, budget)?, from_lua_in(h, v, path, budget)?) {
            (Ok(k), Ok(v)) => out.push((k, v)),
            (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
        }
    }
    Ok(Ok(HostValue::Map(out)))
}

/// Sets global `name` to `value`.
pub fn set_global(h: &mut Heap, name: &str, value: &HostValue) -> Result<Result<(), String>, Fault> {
    let v = match to_lua(h, value)? {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let g = globals_block(h)?;
    let globals = h.read_u64(g + G_GLOBALS)?;
    let key = new_string(h, g, name.as_bytes())?;
    table::set(h, globals, Value::Str(key), v)?.map_err(|_| Fault::Invalid("a string key is never nil"))?;
    Ok(Ok(()))
}

/// The value of global `name`.
pub fn get_global(h: &mut Heap, name: &str) -> Result<Result<HostValue, String>, Fault> {
    let g = globals_block(h)?;
    let globals = h.read_u64(g + G_GLOBALS)?;
    let key = new_string(h, g, name.as_bytes())?;
    let v = table::get(h, globals, Value::Str(key))?;
    from_lua(h, v)
}
