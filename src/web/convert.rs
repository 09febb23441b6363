//! JavaScript values to Lua values and back, through serde-wasm-bindgen.
//!
//! JS → Lua: `null`/`undefined` → nil, booleans, numbers (whole numbers in
//! the safe range become integers, as Lua's `math.type` would see them),
//! strings, BigInts that fit i64, arrays → lists, plain objects (and Maps
//! with string keys) → tables. A function, a symbol or a cycle is refused
//! with a message. Lua → JS: integers become numbers (BigInt beyond 2^53),
//! lists become arrays, other tables become plain objects.

use crate::lua::host::HostValue;
use js_sys::{Array, Object};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use wasm_bindgen::{JsCast, JsValue};

/// The deepest nesting accepted (deeper is almost surely a cycle).
const MAX_DEPTH: usize = 100;

struct Incoming(HostValue);

impl<'de> Deserialize<'de> for Incoming {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IncomingVisitor).map(Incoming)
    }
}

struct IncomingVisitor;

impl<'de> Visitor<'de> for IncomingVisitor {
    type Value = HostValue;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("null, a boolean, a number, a string, an array or a plain object")
    }
    fn visit_unit<E>(self) -> Result<HostValue, E> {
        Ok(HostValue::Nil)
    }
    fn visit_none<E>(self) -> Result<HostValue, E> {
        Ok(HostValue::Nil)
    }
    fn visit_bool<E>(self, b: bool) -> Result<HostValue, E> {
        Ok(HostValue::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<HostValue, E> {
        Ok(HostValue::Int(i))
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<HostValue, E> {
        i64::try_from(u).map(HostValue::Int).map_err(|_| E::custom("an integer beyond Lua's 64-bit range"))
    }
    fn visit_f64<E>(self, f: f64) -> Result<HostValue, E> {
        const SAFE: f64 = 9_007_199_254_740_991.0;
        if f.fract() == 0.0 && f.abs() <= SAFE {
            Ok(HostValue::Int(f as i64))
        } else {
            Ok(HostValue::Float(f))
        }
    }
    fn visit_str<E>(self, s: &str) -> Result<HostValue, E> {
        Ok(HostValue::Str(s.as_bytes().to_vec()))
    }
    fn visit_string<E>(self, s: String) -> Result<HostValue, E> {
        Ok(HostValue::Str(s.into_bytes()))
    }
    fn visit_bytes<E>(self, b: &[u8]) -> Result<HostValue, E> {
        Ok(HostValue::Str(b.to_vec()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<HostValue, A::Error> {
        let mut items = Vec::new();
        while let Some(Incoming(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(HostValue::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HostValue, A::Error> {
        let mut entries = Vec::new();
        while let Some((Incoming(k), Incoming(v))) = map.next_entry()? {
            entries.push((k, v));
        }
        Ok(HostValue::Map(entries))
    }
}

/// Refuses functions, symbols and cycles before serde walks the value
/// (serde would recurse forever on a cycle).
fn check_shape(value: &JsValue, ancestors: &mut Vec<JsValue>) -> Result<(), String> {
    if value.is_function() {
        return Err("a function cannot be passed to Lua".into());
    }
    if value.is_symbol() {
        return Err("a symbol cannot be passed to Lua".into());
    }
    if !value.is_object() {
        return Ok(());
    }
    if ancestors.iter().any(|a| Object::is(a, value)) {
        return Err("the value contains itself (a cycle) and cannot be passed to Lua".into());
    }
    if ancestors.len() >= MAX_DEPTH {
        return Err(format!("the value is nested more than {MAX_DEPTH} levels deep"));
    }
    ancestors.push(value.clone());
    let children: Vec<JsValue> = if let Some(array) = value.dyn_ref::<Array>() {
        array.iter().collect()
    } else if let Some(map) = value.dyn_ref::<js_sys::Map>() {
        let mut out = Vec::new();
        map.for_each(&mut |v, k| {
            out.push(k);
            out.push(v);
        });
        out
    } else {
        let object: &Object = value.unchecked_ref();
        Object::values(object).iter().collect()
    };
    for child in &children {
        check_shape(child, ancestors)?;
    }
    ancestors.pop();
    Ok(())
}

/// A JavaScript value as a Lua host value.
pub fn from_js(value: JsValue) -> Result<HostValue, String> {
    check_shape(&value, &mut Vec::new())?;
    serde_wasm_bindgen::from_value::<Incoming>(value).map(|v| v.0).map_err(|e| format!("cannot pass this value to Lua: {e}"))
}

struct Outgoing<'a>(&'a HostValue);

impl Serialize for Outgoing<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            HostValue::Nil => s.serialize_none(),
            HostValue::Bool(b) => s.serialize_bool(*b),
            // A plain number where it is exact, a BigInt beyond 2^53.
            HostValue::Int(i) if i.unsigned_abs() <= (1 << 53) - 1 => s.serialize_f64(*i as f64),
            HostValue::Int(i) => s.serialize_i64(*i),
            HostValue::Float(f) => s.serialize_f64(*f),
            HostValue::Str(bytes) => s.serialize_str(&String::from_utf8_lossy(bytes)),
            HostValue::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Outgoing(item))?;
                }
                seq.end()
            }
            HostValue::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    // Object keys are strings in JavaScript.
                    let key = match k {
                        HostValue::Str(b) => String::from_utf8_lossy(b).into_owned(),
                        HostValue::Int(i) => i.to_string(),
                        HostValue::Float(f) => f.to_string(),
                        HostValue::Bool(b) => b.to_string(),
                        _ => continue,
                    };
                    map.serialize_entry(&key, &Outgoing(v))?;
                }
                map.end()
            }
        }
    }
}

/// A Lua host value as a JavaScript value.
pub fn to_js(value: &HostValue) -> Result<JsValue, String> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true)
        .serialize_large_number_types_as_bigints(true);
    Outgoing(value).serialize(&serializer).map_err(|e| format!("cannot pass this value to JavaScript: {e}"))
}
