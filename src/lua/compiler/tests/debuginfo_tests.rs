//! Naming of values for run-time error messages.

use super::super::opcodes::{self as op, OpCode};
use super::super::{compile, describe_call, describe_register, describe_upvalue, Proto};

fn compile_ok(source: &str) -> Proto {
    compile(source.as_bytes(), "=test").expect("compiles")
}

/// pc of the n-th instruction with opcode `o`.
fn find(p: &Proto, o: OpCode, n: usize) -> usize {
    p.code.iter().enumerate().filter(|(_, &i)| op::get_opcode(i) == Ok(o)).nth(n).map(|(pc, _)| pc).expect("opcode")
}

fn named(kind: &'static str, name: &str) -> Option<(&'static str, Vec<u8>)> {
    Some((kind, name.as_bytes().to_vec()))
}

#[test]
fn called_functions() {
    let p = compile_ok("print(1)\nlocal t = {}\nt.field(2)\nt:method(3)\nlocal f\nf()\nstring.format('x')");
    assert_eq!(describe_call(&p, find(&p, OpCode::Call, 0)), named("global", "print"));
    assert_eq!(describe_call(&p, find(&p, OpCode::Call, 1)), named("field", "field"));
    assert_eq!(describe_call(&p, find(&p, OpCode::Call, 2)), named("method", "method"));
    assert_eq!(describe_call(&p, find(&p, OpCode::Call, 3)), named("local", "f"));
    assert_eq!(describe_call(&p, find(&p, OpCode::Call, 4)), named("field", "format"));
}

#[test]
fn registers_and_upvalues() {
    let p = compile_ok("local up = 1\nreturn function(a) local b = a.x + up; return #b, a[1], ('k'), b .. 'x' end");
    let f = &p.protos[0];
    let add = find(f, OpCode::Add, 0);
    // `a.x` was loaded into a temporary by GETFIELD.
    let getfield = find(f, OpCode::GetField, 0);
    let temp = u8::try_from(op::arg_a(f.code[getfield])).unwrap();
    assert_eq!(describe_register(f, add, temp), named("field", "x"));
    let up = u8::try_from(op::arg_a(f.code[find(f, OpCode::GetUpval, 0)])).unwrap();
    assert_eq!(describe_register(f, add, up), named("upvalue", "up"));
    assert_eq!(describe_register(f, add, 0), named("local", "a"));
    let len = find(f, OpCode::Len, 0);
    assert_eq!(describe_register(f, len, 1), named("local", "b"));
    let geti = find(f, OpCode::GetI, 0);
    let r = u8::try_from(op::arg_a(f.code[geti])).unwrap();
    assert_eq!(describe_register(f, geti + 1, r), named("field", "integer index"));
    let loadk = find(f, OpCode::LoadK, 0);
    let r = u8::try_from(op::arg_a(f.code[loadk])).unwrap();
    assert_eq!(describe_register(f, loadk + 1, r), named("constant", "k"));
    assert_eq!(describe_upvalue(f, 0), named("upvalue", "up"));
    assert_eq!(describe_upvalue(f, 5), None);
}

#[test]
fn metamethod_calls() {
    let p = compile_ok("local a, b = ...\nlocal c = a + b\nlocal d = a < b\nlocal e = -a\nlocal g = a .. b\nlocal h = a[b]");
    let mmbin = find(&p, OpCode::MmBin, 0);
    assert_eq!(describe_call(&p, mmbin), named("metamethod", "add"));
    assert_eq!(describe_call(&p, find(&p, OpCode::Lt, 0)), named("metamethod", "lt"));
    assert_eq!(describe_call(&p, find(&p, OpCode::Unm, 0)), named("metamethod", "unm"));
    assert_eq!(describe_call(&p, find(&p, OpCode::Concat, 0)), named("metamethod", "concat"));
    assert_eq!(describe_call(&p, find(&p, OpCode::GetTable, 0)), named("metamethod", "index"));
    let q = compile_ok("for k in next, {} do end");
    assert_eq!(describe_call(&q, find(&q, OpCode::TForCall, 0)), named("for iterator", "for iterator"));
}

#[test]
fn conditional_code_is_not_trusted() {
    // After a branch, the register may hold either value: no name.
    let p = compile_ok("local x = ...\nlocal y\nif x then y = math.pi else y = os.time end\ny()");
    let call = find(&p, OpCode::Call, 0);
    assert_eq!(describe_register(&p, call, 1), named("local", "y"));
    let q = compile_ok("local x = ...\n(x and g or h)()");
    let call = find(&q, OpCode::Call, 0);
    let r = u8::try_from(op::arg_a(q.code[call])).unwrap();
    assert_eq!(describe_call(&q, call), None);
    assert_eq!(describe_register(&q, call, r), None);
}
