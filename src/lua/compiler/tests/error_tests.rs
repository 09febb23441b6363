//! Malformed programs and the exact messages of the reference compiler.
//!
//! Every expected message below was produced by PUC Lua 5.4.4
//! (`luac5.4 -p input.lua`, or `load` in `lua5.4` for the chunk-name
//! cases) and pasted here verbatim.

use super::super::compile;

/// (source, message) with chunk name "@input.lua".
const FILE_CASES: &[(&[u8], &str)] = &[
    (b"x = = 1", "input.lua:1: unexpected symbol near '='"),
    (b"local function", "input.lua:1: <name> expected near <eof>"),
    (b"x = 'abc", "input.lua:1: unfinished string near <eof>"),
    (b"x = \"abc\n\"", "input.lua:1: unfinished string near '\"abc'"),
    (b"x = 3x", "input.lua:1: malformed number near '3x'"),
    (b"x = 0x", "input.lua:1: malformed number near '0x'"),
    (b"x = 1e", "input.lua:1: malformed number near '1e'"),
    (b"x = 3..2", "input.lua:1: malformed number near '3..2'"),
    (b"x = '\\q'", "input.lua:1: invalid escape sequence near ''\\q'"),
    (b"x = '\\300'", "input.lua:1: decimal escape too large near ''\\300''"),
    (b"x = '\\u{110000000}'", "input.lua:1: UTF-8 value too large near ''\\u{110000000'"),
    (b"x = '\\u{80000000}'", "input.lua:1: UTF-8 value too large near ''\\u{80000000'"),
    (b"x = '\\u123'", "input.lua:1: missing '{' near ''\\u1'"),
    (b"x = '\\u{12'", "input.lua:1: missing '}' near ''\\u{12''"),
    (b"x = '\\xZZ'", "input.lua:1: hexadecimal digit expected near ''\\xZ'"),
    (b"x = '\\x5'", "input.lua:1: hexadecimal digit expected near ''\\x5''"),
    (b"x = [==[ abc", "input.lua:1: unfinished long string (starting at line 1) near <eof>"),
    (b"--[[ unfinished", "input.lua:1: unfinished long comment (starting at line 1) near <eof>"),
    (b"x = [=a", "input.lua:1: invalid long string delimiter near '[='"),
    (b"local x <const> = 1; x = 2", "input.lua:1: attempt to assign to const variable 'x'"),
    (b"break", "input.lua:1: break outside loop at line 1"),
    (b"goto foo", "input.lua:1: no visible label 'foo' for <goto> at line 1"),
    (b"::a:: ::a::", "input.lua:1: label 'a' already defined on line 1"),
    (b"do goto l; local x; ::l:: print(x) end", "input.lua:1: <goto l> at line 1 jumps into the scope of local 'x'"),
    (b"function f() end end", "input.lua:1: <eof> expected near 'end'"),
    (b"for i = 1 do end", "input.lua:1: ',' expected near 'do'"),
    (b"for i in do end", "input.lua:1: unexpected symbol near 'do'"),
    (b"for a.b = 1, 2 do end", "input.lua:1: '=' or 'in' expected near '.'"),
    (b"if x then", "input.lua:1: 'end' expected near <eof>"),
    (b"while true do", "input.lua:1: 'end' expected near <eof>"),
    (b"repeat", "input.lua:1: 'until' expected near <eof>"),
    (b"f(", "input.lua:1: unexpected symbol near <eof>"),
    (b"x = {1, 2", "input.lua:1: '}' expected near <eof>"),
    (b"x = (1", "input.lua:1: ')' expected near <eof>"),
    (b"local 1 = 2", "input.lua:1: <name> expected near '1'"),
    (b"local x <foo> = 1", "input.lua:1: unknown attribute 'foo'"),
    (b"local a <close>, b <close> = 1, 2", "input.lua:1: multiple to-be-closed variables in local list"),
    (b"x.y:z = 1", "input.lua:1: function arguments expected near '='"),
    (b"f() = 1", "input.lua:1: syntax error near '='"),
    (b"(x) = 1", "input.lua:1: syntax error near '='"),
    (b"return 1 2", "input.lua:1: <eof> expected near '2'"),
    (b"x = function(a, 1) end", "input.lua:1: <name> or '...' expected near '1'"),
    (b"function f() return ... end", "input.lua:1: cannot use '...' outside a vararg function near '...'"),
    (b"a.b.c", "input.lua:1: syntax error near <eof>"),
    (b"x = }", "input.lua:1: unexpected symbol near '}'"),
    (b"x = #", "input.lua:1: unexpected symbol near <eof>"),
    (b"@", "input.lua:1: unexpected symbol near '@'"),
    (b"x = 1 +", "input.lua:1: unexpected symbol near <eof>"),
    (b"local x = 1 local y = x..", "input.lua:1: unexpected symbol near <eof>"),
    (b"x = 'a' 'b'", "input.lua:1: unexpected symbol near ''b''"),
    (b"if x then else elseif y then end", "input.lua:1: 'end' expected near 'elseif'"),
    (b"return return", "input.lua:1: unexpected symbol near 'return'"),
    (b"::1::", "input.lua:1: <name> expected near '1'"),
    (b"goto 1", "input.lua:1: <name> expected near '1'"),
    (b"x = not", "input.lua:1: unexpected symbol near <eof>"),
    (b"local function f() local x <const> = 1; function g() x = 2 end end", "input.lua:1: attempt to assign to const variable 'x'"),
    (b"x ==== 1", "input.lua:1: syntax error near '=='"),
    (b"x = 1 y = 2 z", "input.lua:1: syntax error near <eof>"),
    (b"f{}.x = 1 =", "input.lua:1: unexpected symbol near '='"),
    (b"local x = \x01", "input.lua:1: unexpected symbol near '<\\1>'"),
    (b"x = '\xc3\xa9", "input.lua:1: unfinished string near <eof>"),
    (b"x = '\\", "input.lua:1: unfinished string near <eof>"),
    (b"x = 0x1p", "input.lua:1: malformed number near '0x1p'"),
    (b"x = 1.2.3", "input.lua:1: malformed number near '1.2.3'"),
    (b"a, b = 1, 2 ,", "input.lua:1: unexpected symbol near <eof>"),
    (b"for i = 1, 2, 3, 4 do end", "input.lua:1: 'do' expected near ','"),
    (b"local function f(...) local function g() return ... end end", "input.lua:1: cannot use '...' outside a vararg function near '...'"),
    (b"x = [[a]] .. [==[b", "input.lua:1: unfinished long string (starting at line 1) near <eof>"),
    (b"--[==[ comment ]] \n x = = 1", "input.lua:2: unfinished long comment (starting at line 1) near <eof>"),
    (b"local x = 1\n\n\nx = = 2", "input.lua:4: unexpected symbol near '='"),
    (b"x = 'line1\\\nline2", "input.lua:2: unfinished string near <eof>"),
    (b"if x then\n\n\nelse\n\n", "input.lua:6: 'end' expected (to close 'if' at line 1) near <eof>"),
    (b"function f()\n  if x then\n  end\n", "input.lua:4: 'end' expected (to close 'function' at line 1) near <eof>"),
    (b"x = { [1] = 2, [ = 3 }", "input.lua:1: unexpected symbol near '='"),
    (b"local t = {} t.x.y = ", "input.lua:1: unexpected symbol near <eof>"),
    (b"x = 1e+", "input.lua:1: malformed number near '1e+'"),
    (b"x = .e5", "input.lua:1: unexpected symbol near '.'"),
    (b"print('a' .. )", "input.lua:1: unexpected symbol near ')'"),
    (b"x = -", "input.lua:1: unexpected symbol near <eof>"),
    (b"x = a.b.c.", "input.lua:1: <name> expected near <eof>"),
    (b"x = a:b", "input.lua:1: function arguments expected near <eof>"),
    (b"x = a:b.c()", "input.lua:1: function arguments expected near '.'"),
    (b"do local x <const> = 1; local function f() x = 1 end end", "input.lua:1: attempt to assign to const variable 'x'"),
    (b"local x <close> = 1; x = 2", "input.lua:1: attempt to assign to const variable 'x'"),
    (b"goto continue; local a; ::continue:: print(a)", "input.lua:1: <goto continue> at line 1 jumps into the scope of local 'a'"),
    (b"repeat goto l; local x; ::l:: until x", "input.lua:1: <goto l> at line 1 jumps into the scope of local 'x'"),
    (b"x, y", "input.lua:1: '=' expected near <eof>"),
    (b"t = {[1] 2}", "input.lua:1: '=' expected near '2'"),
    (b"local t = {x 1}", "input.lua:1: '}' expected near '1'"),
    (b"for i 1, 2 do end", "input.lua:1: '=' or 'in' expected near '1'"),
    (b"local x <const> = 1\nlocal function f() x = 2 end", "input.lua:2: attempt to assign to const variable 'x'"),
    (b"local function f()\n  local a <close> = nil\n  a = 1\nend", "input.lua:3: attempt to assign to const variable 'a'"),
    (b"x = 1\n\n\nbreak", "input.lua:4: break outside loop at line 4"),
    (b"goto l1\n::l1::\n::l1::", "input.lua:3: label 'l1' already defined on line 3"),
    (b"do\n  goto fwd\n  local v = 1\n  ::fwd::\n  print(v)\nend", "input.lua:5: <goto fwd> at line 2 jumps into the scope of local 'v'"),
    (b"x = 'abc\\qdef'", "input.lua:1: invalid escape sequence near ''abc\\q'"),
    (b"x = '\\x'", "input.lua:1: hexadecimal digit expected near ''\\x''"),
    (b"x = '\\u{}'", "input.lua:1: hexadecimal digit expected near ''\\u{}'"),
    (b"x = '\\256'", "input.lua:1: decimal escape too large near ''\\256''"),
    (b"x = \"\\u{FFFFFFFF}\"", "input.lua:1: UTF-8 value too large near '\"\\u{FFFFFFFF'"),
    (b"local function f()\n  return 1\n", "input.lua:3: 'end' expected (to close 'function' at line 1) near <eof>"),
    (b"while x do\n  if y then\n    z()\n  end\n", "input.lua:5: 'end' expected (to close 'while' at line 1) near <eof>"),
    (b"x = [[\nabc", "input.lua:2: unfinished long string (starting at line 1) near <eof>"),
    (b"x = 0x.p1", "input.lua:1: malformed number near '0x.p1'"),
    (b"x = 1e1e1", "input.lua:1: malformed number near '1e1e1'"),
    (b"x = 0xg", "input.lua:1: malformed number near '0xg'"),
    (b"x = 5ab", "input.lua:1: malformed number near '5ab'"),
    (b"print 'a' 'b' 'c' (", "input.lua:1: unexpected symbol near <eof>"),
    (b"x = a..", "input.lua:1: unexpected symbol near <eof>"),
    (b"local x = 1 = 2", "input.lua:1: unexpected symbol near '='"),
    (b"return 1,", "input.lua:1: unexpected symbol near <eof>"),
    (b"a:b:c()", "input.lua:1: function arguments expected near ':'"),
    (b"x = {1 2}", "input.lua:1: '}' expected near '2'"),
    (b"x = {[1]}", "input.lua:1: '=' expected near '}'"),
    (b"local a.b = 1", "input.lua:1: unexpected symbol near '.'"),
    (b"function a.b:c.d() end", "input.lua:1: '(' expected near '.'"),
    (b"function f(a, ...,b) end", "input.lua:1: ')' expected near ','"),
    (b"x = function() return end end", "input.lua:1: <eof> expected near 'end'"),
    (b"::lbl:: goto lbl2", "input.lua:1: no visible label 'lbl2' for <goto> at line 1"),
    (b"local x = 1\nlocal x <fancy> = 2", "input.lua:2: unknown attribute 'fancy'"),
    (b"x = \x7f", "input.lua:1: unexpected symbol near '<\\127>'"),
    (b"x = 1 ~= ~= 2", "input.lua:1: unexpected symbol near '~='"),
    (b"return not", "input.lua:1: unexpected symbol near <eof>"),
    (b"x = y z", "input.lua:1: syntax error near <eof>"),
    (b"elseif", "input.lua:1: <eof> expected near 'elseif'"),
    (b"until x", "input.lua:1: <eof> expected near 'until'"),
    (b"end", "input.lua:1: <eof> expected near 'end'"),
    (b"then", "input.lua:1: unexpected symbol near 'then'"),
    (b"local function 1() end", "input.lua:1: <name> expected near '1'"),
    (b"for a, b = 1, 2 do end", "input.lua:1: 'in' expected near '='"),
    (b"for a in 1,2 do end end", "input.lua:1: <eof> expected near 'end'"),
    (b"x = 1\r\ny = = 2", "input.lua:2: unexpected symbol near '='"),
    (b"x = 1\n\ry = = 2", "input.lua:2: unexpected symbol near '='"),
    (b"x = 1\r\n\r\ny = = 2", "input.lua:3: unexpected symbol near '='"),
    (b"x = 1\n\n\ry = = 2", "input.lua:3: unexpected symbol near '='"),
    (b"s = [==[\n\n]=]\n\n", "input.lua:5: unfinished long string (starting at line 1) near <eof>"),
    (b"--[==[\nabc\n]] ]=]", "input.lua:3: unfinished long comment (starting at line 1) near <eof>"),
    (b"x = 'a\\\r\nb' y", "input.lua:2: syntax error near <eof>"),
    (b"x = 'a\x00b' y", "input.lua:1: syntax error near <eof>"),
    (b"x = \"\\z\n\n   \" y = = 1", "input.lua:3: unexpected symbol near '='"),
];

#[test]
fn malformed_snippets_match_reference_messages() {
    let mut failures = Vec::new();
    for (source, expected) in FILE_CASES {
        match compile(source, "@input.lua") {
            Ok(_) => failures.push(format!("{:?}: compiled, expected {expected:?}", String::from_utf8_lossy(source))),
            Err(e) if e.message != *expected => {
                failures.push(format!("{:?}:\n   got {:?}\n  want {expected:?}", String::from_utf8_lossy(source), e.message))
            }
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

/// (source, chunk name, message): chunk-name formatting, from `load`.
const CHUNK_NAME_CASES: &[(&str, &str, &str)] = &[
    ("x = = 1", "x = = 1", "[string \"x = = 1\"]:1: unexpected symbol near '='"),
    ("x = = 1", "=stdin", "stdin:1: unexpected symbol near '='"),
    ("x = = 1", "@some/dir/file.lua", "some/dir/file.lua:1: unexpected symbol near '='"),
    ("local t = {\nx = = 1", "local t = {\nx = = 1", "[string \"local t = {...\"]:2: unexpected symbol near '='"),
    (
        "x = 1 -- a fairly long first line that will be truncated in the message\ny = = 2",
        "x = 1 -- a fairly long first line that will be truncated in the message\ny = = 2",
        "[string \"x = 1 -- a fairly long first line that will b...\"]:2: unexpected symbol near '='",
    ),
    (
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrs = = 1",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrs = = 1",
        "[string \"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrs...\"]:1: unexpected symbol near '='",
    ),
    (
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr = = 1",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr = = 1",
        "[string \"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr ...\"]:1: unexpected symbol near '='",
    ),
    (
        "x = = 1",
        "=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",
        "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn:1: unexpected symbol near '='",
    ),
    (
        "x = = 1",
        "@dddddddddddddddddddddddddddddd/ffffffffffffffffffffffffffffffffffffffff.lua",
        "...ddddddddddd/ffffffffffffffffffffffffffffffffffffffff.lua:1: unexpected symbol near '='",
    ),
    (
        "x = = 1",
        "@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1: unexpected symbol near '='",
    ),
    (
        "x = = 1",
        "=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb:1: unexpected symbol near '='",
    ),
];

#[test]
fn chunk_names_are_formatted_like_the_reference() {
    for (source, name, expected) in CHUNK_NAME_CASES {
        let err = compile(source.as_bytes(), name).expect_err(source);
        assert_eq!(err.message, *expected, "chunk name {name:?}");
    }
}

fn expect_error(source: &str, expected: &str) {
    let err = compile(source.as_bytes(), "@input.lua").expect_err("should not compile");
    assert_eq!(err.message, expected);
}

#[test]
fn limits_match_reference_messages() {
    let args = vec!["1"; 300].join(",");
    expect_error(&format!("f({args})"), "input.lua:1: function or expression needs too many registers near '1'");
    let locals: Vec<String> = (0..201).map(|i| format!("v{i}")).collect();
    expect_error(
        &format!("local {} = 1", locals.join(",")),
        "input.lua:1: too many local variables (limit is 200) in main function near '='",
    );
    let body: Vec<String> = (0..201).map(|i| format!("local v{i}")).collect();
    expect_error(
        &format!("local function f()\n{}\nend", body.join("\n")),
        "input.lua:203: too many local variables (limit is 200) in function at line 1 near 'end'",
    );
    let a: Vec<String> = (0..150).map(|i| format!("a{i}")).collect();
    let b: Vec<String> = (0..150).map(|i| format!("b{i}")).collect();
    let sum: Vec<String> = a.iter().chain(b.iter()).cloned().collect();
    let source = format!(
        "local {}\nlocal function m()\n local {}\n return function() return {} end\nend",
        a.join(","),
        b.join(","),
        sum.join("+")
    );
    expect_error(&source, "input.lua:4: too many upvalues (limit is 255) in function at line 4 near '+'");
    let many_debug_locals = vec!["do local x end"; 32768].join("\n");
    expect_error(&many_debug_locals, "too many local variables (limit is 32767)");
}

#[test]
fn control_structure_too_long() {
    let source = format!("local x\nfor i = 1, 2 do\n{}end\n", "x = 1\n".repeat(131_100));
    expect_error(&source, "input.lua:131103: control structure too long near 'end'");
    // Just below the limit still compiles.
    let source = format!("local x\nfor i = 1, 2 do\n{}end\n", "x = 1\n".repeat(131_070));
    assert!(compile(source.as_bytes(), "@input.lua").is_ok());
}

#[test]
fn nesting_limits_match_the_reference() {
    // The reference (as `luac5.4 file`) accepts 196 nested parentheses in
    // `return (((...)))` and reports "C stack overflow" from 197 on.
    let parens = |n: usize| format!("return {}1{}", "(".repeat(n), ")".repeat(n));
    assert!(compile(parens(196).as_bytes(), "@input.lua").is_ok());
    expect_error(&parens(197), "C stack overflow");
    let tables = |n: usize| format!("return {}{}", "{".repeat(n), "}".repeat(n));
    assert!(compile(tables(197).as_bytes(), "@input.lua").is_ok());
    expect_error(&tables(198), "C stack overflow");
    let functions = |n: usize| format!("return {}1{}", "function() return ".repeat(n), " end".repeat(n));
    assert!(compile(functions(98).as_bytes(), "@input.lua").is_ok());
    expect_error(&functions(99), "C stack overflow");
    let blocks = |n: usize| format!("{}{}", "do ".repeat(n), "end ".repeat(n));
    assert!(compile(blocks(198).as_bytes(), "@input.lua").is_ok());
    expect_error(&blocks(199), "C stack overflow");
    let targets = |n: usize| format!("{} = 1", vec!["a"; n].join(","));
    assert!(compile(targets(197).as_bytes(), "@input.lua").is_ok());
    expect_error(&targets(198), "C stack overflow");
    let concat = |n: usize| format!("return {}", vec!["a"; n].join(".."));
    assert!(compile(concat(197).as_bytes(), "@input.lua").is_ok());
    expect_error(&concat(198), "C stack overflow");
}

#[test]
fn nul_byte_token_has_no_near_part() {
    // The reference numbers a NUL character token 0, which doubles as
    // "no token", so such messages end without "near ...".
    expect_error("x = \0", "input.lua:1: unexpected symbol");
    expect_error("local t = {1 \0 }", "input.lua:1: '}' expected");
}

#[test]
fn raw_messages_keep_non_utf8_bytes() {
    use super::super::compile_raw;
    let err = compile_raw(b"x = 1 \"\xff\xfe\"", "@input.lua", 1).expect_err("syntax error");
    assert_eq!(err, b"input.lua:1: unexpected symbol near '\"\xff\xfe\"'");
    let err = compile_raw(b"x = \"a\\q\xff\"", "@input.lua", 1).expect_err("bad escape");
    assert_eq!(err, b"input.lua:1: invalid escape sequence near '\"a\\q'");
    // The String form replaces invalid bytes.
    let lossy = compile(b"x = 1 \"\xff\xfe\"", "@input.lua").expect_err("syntax error");
    assert_eq!(lossy.message, "input.lua:1: unexpected symbol near '\"\u{fffd}\u{fffd}\"'");
}

#[test]
fn load_depth_shifts_the_nesting_limit() {
    use super::super::compile_at_depth;
    // Inside `lua5.4 -e "load(...)"` the reference already has one more
    // level in use: 195 parentheses pass, 196 fail.
    let parens = |n: usize| format!("return {}1{}", "(".repeat(n), ")".repeat(n));
    assert!(compile_at_depth(parens(195).as_bytes(), "=x", 2).is_ok());
    let err = compile_at_depth(parens(196).as_bytes(), "=x", 2).expect_err("too deep");
    assert_eq!(err.message, "C stack overflow");
}
