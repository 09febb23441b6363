//! "Never panics": random bytes, random token soups, randomly generated
//! programs and extreme nesting must all give `Ok` or `Err`, never a panic
//! or a stack overflow. Successful compilations are also checked for
//! structural soundness (see `verify`).

use super::super::opcodes::{self as op, OpCode, OpMode};
use super::super::{compile, Proto};

/// xorshift64* — small, seeded, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap()).unwrap()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Structural checks a VM relies on: decodable opcodes, jump targets in
/// range, valid constant/upvalue/prototype indices, written registers
/// inside the frame.
fn verify(p: &Proto) {
    let n = p.code.len();
    assert_eq!(n, p.line_info.len());
    assert!(p.max_stack_size >= 2);
    assert!(matches!(p.code.last().map(|&i| op::get_opcode(i)), Some(Ok(OpCode::Return | OpCode::Return0))));
    for (pc, &i) in p.code.iter().enumerate() {
        let o = op::get_opcode(i).expect("valid opcode");
        let target = |offset: i64| i64::try_from(pc).unwrap() + offset;
        let in_code = |t: i64| t >= 0 && t <= i64::try_from(n).unwrap();
        match o {
            OpCode::Jmp => assert!(in_code(target(1 + i64::from(op::arg_sj(i)))), "jump out of code at {pc}"),
            OpCode::ForPrep | OpCode::TForPrep => assert!(in_code(target(1 + i64::from(op::arg_bx(i))))),
            OpCode::ForLoop | OpCode::TForLoop => assert!(in_code(target(1 - i64::from(op::arg_bx(i))))),
            OpCode::LoadK => assert!(usize::try_from(op::arg_bx(i)).unwrap() < p.constants.len()),
            OpCode::GetField | OpCode::GetTabUp => {
                assert!(usize::try_from(op::arg_c(i)).unwrap() < p.constants.len())
            }
            OpCode::GetUpval | OpCode::SetUpval => {
                assert!(usize::try_from(op::arg_b(i)).unwrap() < p.upvalues.len())
            }
            OpCode::Closure => assert!(usize::try_from(op::arg_bx(i)).unwrap() < p.protos.len()),
            _ => {}
        }
        if o.is_test() {
            let next = p.code.get(pc + 1).map(|&j| op::get_opcode(j));
            assert_eq!(next, Some(Ok(OpCode::Jmp)), "test not followed by a jump at {pc}");
        }
        if o.sets_a() && o.mode() != OpMode::Ax && !matches!(o, OpCode::TestSet | OpCode::VarargPrep) {
            assert!(op::arg_a(i) < u32::from(p.max_stack_size), "register outside frame at {pc}");
        }
    }
    for child in &p.protos {
        verify(child);
    }
}

fn check(source: &[u8]) {
    if let Ok(proto) = compile(source, "=fuzz") {
        verify(&proto);
    }
}

#[test]
fn random_bytes() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..3000 {
        let len = rng.below(if round % 10 == 0 { 400 } else { 60 });
        let source: Vec<u8> = (0..len).map(|_| rng.next().to_le_bytes()[0]).collect();
        check(&source);
    }
}

const VOCABULARY: &[&str] = &[
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in", "local",
    "nil", "not", "or", "repeat", "return", "then", "true", "until", "while", "+", "-", "*", "/", "//", "%",
    "^", "#", "&", "~", "|", "<<", ">>", "==", "~=", "<=", ">=", "<", ">", "=", "(", ")", "{", "}", "[",
    "]", "::", ";", ":", ",", ".", "..", "...", "x", "y", "z", "_ENV", "self", "f", "t", "0", "1", "2.5",
    "0x10", "1e3", "255", "256", "-1", "\"s\"", "'q'", "[[long]]", "<const>", "<close>", "\n",
    "--c\n", "9223372036854775807", "0.0", "lbl", "::lbl::", "goto lbl",
];

#[test]
fn random_token_soup() {
    let mut rng = Rng(42);
    for _ in 0..3000 {
        let count = rng.below(40);
        let words: Vec<&str> = (0..count).map(|_| rng.pick(VOCABULARY)).collect();
        check(words.join(" ").as_bytes());
    }
}

/// Generates random, mostly well-formed programs, reaching far more code
/// generation paths than token soup does.
struct ProgramGen {
    rng: Rng,
    out: String,
}

impl ProgramGen {
    fn expr(&mut self, depth: u32) {
        const ATOMS: &[&str] = &[
            "x", "y", "t.a", "t[1]", "t[x]", "1", "-3", "2.5", "0", "1000", "\"k\"", "nil", "true", "false", "...",
            "f()", "f(x, ...)", "t:m(1)", "{}", "{1, 2, x = 3, [y] = 4, ...}", "#t", "u", "(x)",
        ];
        const BINOPS: &[&str] = &[
            "+", "-", "*", "/", "//", "%", "^", "&", "|", "~", "<<", ">>", "..", "==", "~=", "<", "<=", ">", ">=",
            "and", "or",
        ];
        if depth == 0 || self.rng.below(3) == 0 {
            let atom = self.rng.pick(ATOMS);
            self.out.push_str(atom);
            return;
        }
        match self.rng.below(4) {
            0 => {
                let unop = self.rng.pick(&["-", "not ", "#", "~"]);
                self.out.push_str(unop);
                self.expr(depth - 1);
            }
            1 => {
                self.out.push_str("function(a, ...) return ");
                self.expr(depth - 1);
                self.out.push_str(" end");
            }
            _ => {
                self.out.push('(');
                self.expr(depth - 1);
                let binop = self.rng.pick(BINOPS);
                self.out.push_str(&format!(" {binop} "));
                self.expr(depth - 1);
                self.out.push(')');
            }
        }
    }

    fn block(&mut self, depth: u32) {
        for _ in 0..self.rng.below(4) {
            self.statement(depth);
            self.out.push('\n');
        }
    }

    fn statement(&mut self, depth: u32) {
        let choice = if depth == 0 { self.rng.below(3) } else { self.rng.below(11) };
        match choice {
            0 => {
                let target = self.rng.pick(&["x", "t.a", "t[x]", "u", "x, y", "t[1], x"]);
                self.out.push_str(&format!("{target} = "));
                self.expr(3);
            }
            1 => {
                let decl = self.rng.pick(&["local a", "local a, b", "local c <const>", "local d <close>"]);
                self.out.push_str(&format!("{decl} = "));
                self.expr(3);
            }
            2 => self.out.push_str(self.rng.pick(&["f(x)", "t:m()", "break", "goto done", "::done::", "return"])),
            3 => {
                self.out.push_str("if ");
                self.expr(2);
                self.out.push_str(" then ");
                self.block(depth - 1);
                self.out.push_str(" elseif x then ");
                self.block(depth - 1);
                self.out.push_str(" else ");
                self.block(depth - 1);
                self.out.push_str(" end");
            }
            4 => {
                self.out.push_str("while ");
                self.expr(2);
                self.out.push_str(" do ");
                self.block(depth - 1);
                self.out.push_str(" end");
            }
            5 => {
                self.out.push_str("for i = 1, ");
                self.expr(1);
                self.out.push_str(" do ");
                self.block(depth - 1);
                self.out.push_str(" end");
            }
            6 => {
                self.out.push_str("for k, v in pairs(t) do ");
                self.block(depth - 1);
                self.out.push_str(" end");
            }
            7 => {
                self.out.push_str("repeat local r = 1 ");
                self.block(depth - 1);
                self.out.push_str(" until ");
                self.expr(2);
            }
            8 => {
                self.out.push_str("local function g(p, ...) ");
                self.block(depth - 1);
                self.out.push_str(" return p end");
            }
            9 => {
                self.out.push_str("do ");
                self.block(depth - 1);
                self.out.push_str(" end");
            }
            _ => {
                self.out.push_str("return ");
                self.expr(2);
            }
        }
    }
}

#[test]
fn random_programs() {
    let mut gen = ProgramGen { rng: Rng(7), out: String::new() };
    let mut compiled = 0;
    for _ in 0..2000 {
        gen.out = String::from("local x, y, t, u = ...\n");
        gen.block(3);
        if compile(gen.out.as_bytes(), "=gen").is_ok() {
            compiled += 1;
        }
        check(gen.out.as_bytes());
    }
    // Most generated programs are valid, so code generation is exercised.
    assert!(compiled > 500, "only {compiled} programs compiled");
}

/// Runs `f` on a thread with a deliberately small stack, so that a missing
/// depth limit would show up as a crash.
fn with_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(1 << 20).spawn(f).unwrap().join().unwrap();
}

#[test]
fn extremely_deep_nesting_is_an_error_not_a_crash() {
    with_small_stack(|| {
        const N: usize = 100_000;
        let inputs = [
            format!("return {}", "(".repeat(N)),
            format!("return {}1{}", "(".repeat(N), ")".repeat(N)),
            format!("x = {}{}", "{".repeat(N), "}".repeat(N)),
            format!("x = {}", "{".repeat(N)),
            format!("return {}1", "not ".repeat(N)),
            format!("return {}1", "- ".repeat(N)),
            format!("return {}", "function() return ".repeat(N)),
            "do ".repeat(N),
            "if x then ".repeat(N),
            "while x do ".repeat(N),
            "repeat ".repeat(N),
            format!("{} = 1", vec!["a"; N].join(",")),
            format!("return {}", vec!["a"; N].join("..")),
            format!("return {}", vec!["a"; N].join("^")),
            format!("f{}", "(".repeat(N)),
            format!("x = a{}", "[a".repeat(N)),
            format!("local t = {}", "{[{".repeat(N)),
        ];
        for input in inputs {
            let err = compile(input.as_bytes(), "=deep").expect_err("too deep");
            assert_eq!(err.message, "C stack overflow");
        }
    });
}

#[test]
fn long_flat_inputs_are_fine() {
    with_small_stack(|| {
        // Left-associative chains and suffix chains do not nest.
        let sum = format!("return {}", vec!["x"; 50_000].join(" + "));
        assert!(compile(sum.as_bytes(), "=flat").is_ok());
        let fields = format!("return x{}", ".y".repeat(50_000));
        assert!(compile(fields.as_bytes(), "=flat").is_ok());
        let calls = format!("f{}", "()".repeat(50_000));
        assert!(compile(calls.as_bytes(), "=flat").is_ok());
        let statements = "x = x + 1\n".repeat(50_000);
        assert!(compile(statements.as_bytes(), "=flat").is_ok());
    });
}
