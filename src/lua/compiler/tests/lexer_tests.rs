//! Lexer unit tests: every token, escape, numeral form, long bracket,
//! comment style and line-break convention.

use super::super::error::{CompileError, ErrorKind};
use super::super::lexer::{utf8_encode, Lexer, Token, MAX_LINES};

/// A token with its text resolved, for readable assertions.
#[derive(Debug, PartialEq)]
enum T {
    Tok(Token),
    Name(Vec<u8>),
    Str(Vec<u8>),
}

fn name(s: &str) -> T {
    T::Name(s.as_bytes().to_vec())
}

fn string(s: &[u8]) -> T {
    T::Str(s.to_vec())
}

fn ch(c: u8) -> T {
    T::Tok(Token::Char(c))
}

/// All tokens of `src` with the line each was found on.
fn lex_lines(src: &[u8]) -> Result<Vec<(T, u32)>, CompileError> {
    let mut lex = Lexer::new(src);
    let mut out = Vec::new();
    loop {
        lex.next()?;
        let t = match lex.token {
            Token::Eos => return Ok(out),
            Token::Name(id) => T::Name(lex.strings.get(id).to_vec()),
            Token::String(id) => T::Str(lex.strings.get(id).to_vec()),
            other => T::Tok(other),
        };
        out.push((t, lex.line));
    }
}

fn lex(src: &[u8]) -> Vec<T> {
    lex_lines(src).expect("lexes").into_iter().map(|(t, _)| t).collect()
}

fn lex_error(src: &[u8]) -> (String, Option<String>) {
    match lex_lines(src).map_err(CompileError::into_kind) {
        Err(ErrorKind::Lexical { msg, near }) => {
            (String::from_utf8(msg).unwrap(), near.map(|n| String::from_utf8_lossy(&n).into_owned()))
        }
        other => panic!("expected a lexical error for {src:?}, got {:?}", other.map(|v| v.len())),
    }
}

fn one_string(src: &[u8]) -> Vec<u8> {
    match lex(src).as_slice() {
        [T::Str(s)] => s.clone(),
        other => panic!("expected one string for {src:?}, got {other:?}"),
    }
}

fn one_token(src: &str) -> Token {
    match lex(src.as_bytes()).as_slice() {
        [T::Tok(t)] => *t,
        other => panic!("expected one token for {src:?}, got {other:?}"),
    }
}

#[test]
fn reserved_words() {
    let words = [
        ("and", Token::And),
        ("break", Token::Break),
        ("do", Token::Do),
        ("else", Token::Else),
        ("elseif", Token::ElseIf),
        ("end", Token::End),
        ("false", Token::False),
        ("for", Token::For),
        ("function", Token::Function),
        ("goto", Token::Goto),
        ("if", Token::If),
        ("in", Token::In),
        ("local", Token::Local),
        ("nil", Token::Nil),
        ("not", Token::Not),
        ("or", Token::Or),
        ("repeat", Token::Repeat),
        ("return", Token::Return),
        ("then", Token::Then),
        ("true", Token::True),
        ("until", Token::Until),
        ("while", Token::While),
    ];
    for (text, tok) in words {
        assert_eq!(one_token(text), tok, "{text}");
        // Keywords are case sensitive and must be whole words.
        assert_eq!(lex(text.to_uppercase().as_bytes()), vec![name(&text.to_uppercase())]);
        assert_eq!(lex(format!("{text}_").as_bytes()), vec![name(&format!("{text}_"))]);
    }
}

#[test]
fn symbols() {
    let multi = [
        ("//", Token::IDiv),
        ("..", Token::Concat),
        ("...", Token::Dots),
        ("==", Token::Eq),
        (">=", Token::Ge),
        ("<=", Token::Le),
        ("~=", Token::Ne),
        ("<<", Token::Shl),
        (">>", Token::Shr),
        ("::", Token::DbColon),
    ];
    for (text, tok) in multi {
        assert_eq!(one_token(text), tok, "{text}");
    }
    for c in b"+-*/%^#&~|<>=(){}[];:,.".iter() {
        assert_eq!(lex(&[*c]), vec![ch(*c)], "{}", char::from(*c));
    }
    // Longest match, one token at a time.
    assert_eq!(
        lex(b"a....b"),
        vec![name("a"), T::Tok(Token::Dots), ch(b'.'), name("b")]
    );
    assert_eq!(lex(b"<<=>>="), vec![T::Tok(Token::Shl), ch(b'='), T::Tok(Token::Shr), ch(b'=')]);
    assert_eq!(lex(b"~==="), vec![T::Tok(Token::Ne), T::Tok(Token::Eq)]);
    assert_eq!(lex(b":::"), vec![T::Tok(Token::DbColon), ch(b':')]);
    assert_eq!(lex(b"///"), vec![T::Tok(Token::IDiv), ch(b'/')]);
    // Bytes that are not Lua symbols are still single tokens (the parser
    // rejects them), including control characters and non-ASCII bytes.
    assert_eq!(lex(b"@$!\x01\xc3"), vec![ch(b'@'), ch(b'$'), ch(b'!'), ch(1), ch(0xc3)]);
}

#[test]
fn names() {
    assert_eq!(
        lex(b"_ a1 _ENV self x_y__z9"),
        vec![name("_"), name("a1"), name("_ENV"), name("self"), name("x_y__z9")]
    );
    // Equal names are interned to the same id.
    let mut lexer = Lexer::new(b"abc abc");
    lexer.next().unwrap();
    let first = lexer.token;
    lexer.next().unwrap();
    assert_eq!(first, lexer.token);
}

#[test]
fn token_descriptions_for_messages() {
    assert_eq!(Token::Char(b'=').describe(), b"'='");
    assert_eq!(Token::Char(1).describe(), b"'<\\1>'");
    assert_eq!(Token::Char(200).describe(), b"'<\\200>'");
    assert_eq!(Token::End.describe(), b"'end'");
    assert_eq!(Token::Concat.describe(), b"'..'");
    assert_eq!(Token::Eos.describe(), b"<eof>");
    assert_eq!(Token::Int(1).describe(), b"<integer>");
    assert_eq!(Token::Float(1.0).describe(), b"<number>");
}

#[test]
fn simple_escapes() {
    assert_eq!(one_string(br#""\a\b\f\n\r\t\v\\\"\'""#), b"\x07\x08\x0c\n\r\t\x0b\\\"'");
    assert_eq!(one_string(br#"'\'"'"#), b"'\"");
    assert_eq!(one_string(b"'no escapes here'"), b"no escapes here");
    assert_eq!(one_string(b"''"), b"");
}

#[test]
fn numeric_escapes() {
    assert_eq!(one_string(br#""\x41\x4a\x4A\xff\x00""#), b"AJJ\xff\x00");
    assert_eq!(one_string(br#""\65\066\0071\255\0""#), b"AB\x071\xff\x00");
    assert_eq!(one_string(br#""\1a\12b\123c""#), b"\x01a\x0cb{c");
}

#[test]
fn utf8_escapes() {
    assert_eq!(one_string(br#""\u{41}\u{0041}\u{7F}""#), b"AA\x7f");
    assert_eq!(one_string(br#""\u{80}\u{7FF}""#), "\u{80}\u{7ff}".as_bytes());
    assert_eq!(one_string(br#""\u{800}\u{FFFF}\u{10FFFF}""#), "\u{800}\u{ffff}\u{10ffff}".as_bytes());
    // Lua accepts code points up to 2^31 - 1 with the original UTF-8 scheme.
    assert_eq!(one_string(br#""\u{110000}""#), b"\xf4\x90\x80\x80");
    assert_eq!(one_string(br#""\u{7FFFFFFF}""#), b"\xfd\xbf\xbf\xbf\xbf\xbf");
    assert_eq!(one_string(br#""\u{D800}""#), b"\xed\xa0\x80");
    assert_eq!(utf8_encode(0x3ffffff), b"\xfb\xbf\xbf\xbf\xbf");
}

#[test]
fn line_continuation_and_z_escapes() {
    assert_eq!(one_string(b"'a\\\nb'"), b"a\nb");
    assert_eq!(one_string(b"'a\\\r\nb'"), b"a\nb");
    assert_eq!(one_string(b"'a\\\rb'"), b"a\nb");
    assert_eq!(one_string(b"'a\\z  \n\t  b'"), b"ab");
    assert_eq!(one_string(b"'a\\zb'"), b"ab");
    let tokens = lex_lines(b"'a\\\nb' x '\\z\n\n\n' y").unwrap();
    let lines: Vec<u32> = tokens.iter().map(|(_, l)| *l).collect();
    assert_eq!(lines, vec![2, 2, 5, 5]);
}

#[test]
fn escape_errors() {
    let cases: &[(&[u8], &str, &str)] = &[
        (b"'\\q'", "invalid escape sequence", "'\\q"),
        (b"'abc\\300'", "decimal escape too large", "'abc\\300'"),
        (b"'\\256", "decimal escape too large", "'\\256"),
        (b"'\\xg0'", "hexadecimal digit expected", "'\\xg"),
        (b"'\\x5'", "hexadecimal digit expected", "'\\x5'"),
        (b"'\\u41'", "missing '{'", "'\\u4"),
        (b"'\\u{}'", "hexadecimal digit expected", "'\\u{}"),
        (b"'\\u{41'", "missing '}'", "'\\u{41'"),
        (b"'\\u{80000000}'", "UTF-8 value too large", "'\\u{80000000"),
    ];
    for (src, msg, near) in cases {
        // The scanner buffer (opening quote included) is shown quoted.
        let quoted = format!("'{near}'");
        assert_eq!(lex_error(src), (msg.to_string(), Some(quoted)), "{}", String::from_utf8_lossy(src));
    }
}

#[test]
fn unfinished_strings() {
    assert_eq!(lex_error(b"'abc"), ("unfinished string".into(), Some("<eof>".into())));
    assert_eq!(lex_error(b"'abc\\"), ("unfinished string".into(), Some("<eof>".into())));
    assert_eq!(lex_error(b"\"abc\ndef\""), ("unfinished string".into(), Some("'\"abc'".into())));
    assert_eq!(lex_error(b"'a\\tb\rc'"), ("unfinished string".into(), Some("''a\tb'".into())));
    // The quoted buffer stops at a NUL byte, as C's "%s" does.
    assert_eq!(lex_error(b"'a\\0b\n"), ("unfinished string".into(), Some("''a'".into())));
}

#[test]
fn integers() {
    let cases: &[(&str, i64)] = &[
        ("0", 0),
        ("42", 42),
        ("9223372036854775807", i64::MAX),
        ("0x10", 16),
        ("0XfF", 255),
        ("0x7fffffffffffffff", i64::MAX),
        ("0xffffffffffffffff", -1),
        ("0x10000000000000001", 1), // hexadecimal integers wrap around
        ("007", 7),
    ];
    for (text, value) in cases {
        assert_eq!(one_token(text), Token::Int(*value), "{text}");
    }
}

#[test]
fn floats() {
    let cases: &[(&str, f64)] = &[
        ("1.5", 1.5),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e10", 1e10),
        ("1E+2", 100.0),
        ("2.5e-3", 2.5e-3),
        ("9223372036854775808", 9223372036854775808.0), // overflow becomes a float
        ("1e400", f64::INFINITY),
        ("0x1p4", 16.0),
        ("0xA.8p0", 10.5),
        ("0x.8", 0.5),
        ("0x1.", 1.0),
        ("0x1P-2", 0.25),
        ("0xA.8", 10.5),
        ("0x1p+1", 2.0),
        ("3.0", 3.0),
    ];
    for (text, value) in cases {
        assert_eq!(one_token(text), Token::Float(*value), "{text}");
    }
    // A minus sign is an operator, not part of the numeral.
    assert_eq!(lex(b"-1"), vec![ch(b'-'), T::Tok(Token::Int(1))]);
    assert_eq!(lex(b"3-4"), vec![T::Tok(Token::Int(3)), ch(b'-'), T::Tok(Token::Int(4))]);
    assert_eq!(lex(b"0xe+1"), vec![T::Tok(Token::Int(14)), ch(b'+'), T::Tok(Token::Int(1))]);
}

#[test]
fn malformed_numbers() {
    for text in ["3x", "0x", "1e", "1e+", "3..2", "1.2.3", "0x1p", "0xg", "5ab", "1e1e1", ".5.", "08z", "0x.p1"] {
        assert_eq!(
            lex_error(text.as_bytes()),
            ("malformed number".into(), Some(format!("'{text}'"))),
            "{text}"
        );
    }
}

#[test]
fn long_strings() {
    assert_eq!(one_string(b"[[abc]]"), b"abc");
    assert_eq!(one_string(b"[[\nabc]]"), b"abc"); // first newline skipped
    assert_eq!(one_string(b"[[\r\nabc]]"), b"abc");
    assert_eq!(one_string(b"[[\n\nabc]]"), b"\nabc");
    assert_eq!(one_string(b"[==[a]]b]=]c]===]d]==]"), b"a]]b]=]c]===]d");
    assert_eq!(one_string(b"[=[\\n is not an escape]=]"), b"\\n is not an escape");
    assert_eq!(one_string(b"[[a\r\nb\n\rc\rd]]"), b"a\nb\nc\nd");
    assert_eq!(one_string(b"[[]]"), b"");
    assert_eq!(lex(b"[=[x]=] [[y]]"), vec![string(b"x"), string(b"y")]);
    assert_eq!(lex(b"a[b]"), vec![name("a"), ch(b'['), name("b"), ch(b']')]);
    assert_eq!(lex_error(b"[=x"), ("invalid long string delimiter".into(), Some("'[='".into())));
    assert_eq!(
        lex_error(b"x = [==[\nabc]=]\n"),
        ("unfinished long string (starting at line 1)".into(), Some("<eof>".into()))
    );
}

#[test]
fn comments() {
    assert_eq!(lex(b"a -- comment\nb"), vec![name("a"), name("b")]);
    assert_eq!(lex(b"a --[[ long\ncomment ]] b"), vec![name("a"), name("b")]);
    assert_eq!(lex(b"a --[==[ ]] ]=] ]==] b"), vec![name("a"), name("b")]);
    assert_eq!(lex(b"a --[= not long\nb"), vec![name("a"), name("b")]);
    assert_eq!(lex(b"a --[x\nb"), vec![name("a"), name("b")]);
    assert_eq!(lex(b"a --"), vec![name("a")]);
    assert_eq!(lex(b"a - - b"), vec![name("a"), ch(b'-'), ch(b'-'), name("b")]);
    assert_eq!(
        lex_error(b"--[[\n\nopen"),
        ("unfinished long comment (starting at line 1)".into(), Some("<eof>".into()))
    );
}

#[test]
fn line_counting() {
    let lines = |src: &[u8]| -> Vec<u32> { lex_lines(src).unwrap().into_iter().map(|(_, l)| l).collect() };
    assert_eq!(lines(b"a\nb\nc"), vec![1, 2, 3]);
    assert_eq!(lines(b"a\r\nb\r\nc"), vec![1, 2, 3]);
    assert_eq!(lines(b"a\n\rb\n\rc"), vec![1, 2, 3]);
    assert_eq!(lines(b"a\rb\rc"), vec![1, 2, 3]);
    assert_eq!(lines(b"a\n\nb\r\rc"), vec![1, 3, 5]);
    assert_eq!(lines(b"a\r\n\r\nb"), vec![1, 3]);
    assert_eq!(lines(b"a\n\r\nb"), vec![1, 3]); // "\n\r" then "\n"
    assert_eq!(lines(b"a [[\n\n]] b"), vec![1, 3, 3]);
    assert_eq!(lines(b"a --[[\r\n\r\n]] b"), vec![1, 3]);
    assert_eq!(lines(b"a -- c\r\nb"), vec![1, 2]);
    assert_eq!(lines(b"\x0b\x0c\t a"), vec![1]); // other spaces
}

#[test]
fn too_many_lines() {
    let mut lex = Lexer::new(b"\n\n\nx");
    lex.line = MAX_LINES - 2;
    match lex.next().map_err(CompileError::into_kind) {
        Err(ErrorKind::Lexical { msg, near: None }) => assert_eq!(msg, b"chunk has too many lines"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn lookahead_keeps_the_current_token() {
    let mut lex = Lexer::new(b"a = 1");
    lex.next().unwrap();
    assert!(matches!(lex.token, Token::Name(_)));
    assert_eq!(lex.lookahead().unwrap(), Token::Char(b'='));
    assert!(matches!(lex.token, Token::Name(_)));
    lex.next().unwrap();
    assert_eq!(lex.token, Token::Char(b'='));
    lex.next().unwrap();
    assert_eq!(lex.token, Token::Int(1));
    lex.next().unwrap();
    assert_eq!(lex.token, Token::Eos);
    lex.next().unwrap();
    assert_eq!(lex.token, Token::Eos); // stays at the end
}
