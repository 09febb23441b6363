//! Bytecode equality with the reference compiler.
//!
//! Each `golden/NAME.lua` snippet comes with `golden/NAME.listing`, the
//! output of `luac5.4 -l -l -p NAME.lua` (PUC Lua 5.4.4) with memory
//! addresses replaced by `ADDR`. Our listing of the same snippet must be
//! identical: every instruction and operand, line numbers, constants,
//! local variable ranges and upvalue descriptors. There are no known
//! deliberate differences.

use super::super::{compile, listing::listing};

macro_rules! golden {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("golden/", $name, ".lua")), include_str!(concat!("golden/", $name, ".listing")))),*]
    };
}

const GOLDEN: &[(&str, &str, &str)] = golden![
    "arith",
    "assign",
    "bigtab",
    "breaks",
    "calls",
    "close",
    "closures",
    "compare",
    "constcmp",
    "forloops",
    "goto",
    "gotoloops",
    "hugearr",
    "ifchain",
    "logic",
    "loops",
    "manyk",
    "misc1",
    "misc2",
    "misc3",
    "misc4",
    "misc5",
    "misc6",
    "misc7",
    "misc8",
    "nestedfn",
    "notfold",
    "numbers",
    "returns",
    "shifts",
    "strings",
    "tables",
    "upvalues",
    "varargs",
];

/// Replaces every "0x<hex digits>" (pointer values) with "ADDR".
pub fn normalize_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("0x") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 2..];
        let digits = after.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(after.len());
        out.push_str("ADDR");
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn listings_match_luac() {
    assert!(GOLDEN.len() >= 30);
    let mut failures = Vec::new();
    for (name, source, expected) in GOLDEN {
        let proto = compile(source.as_bytes(), &format!("@{name}.lua")).expect(name);
        let mine = normalize_addresses(&listing(&proto, true));
        if mine != *expected {
            let first_diff = mine
                .lines()
                .zip(expected.lines())
                .find(|(a, b)| a != b)
                .map_or_else(|| "(length differs)".to_string(), |(a, b)| format!("mine: {a}\n luac: {b}"));
            failures.push(format!("{name}: {first_diff}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn main_chunk_shape() {
    let proto = compile(b"return 1", "=x").unwrap();
    assert!(proto.is_vararg);
    assert_eq!(proto.num_params, 0);
    assert_eq!(proto.upvalues.len(), 1);
    assert_eq!(proto.upvalues[0].name, b"_ENV");
    assert!(proto.upvalues[0].in_stack);
    assert_eq!(proto.upvalues[0].index, 0);
    assert_eq!(proto.source, "=x");
    assert_eq!(proto.code.len(), proto.line_info.len());
}
