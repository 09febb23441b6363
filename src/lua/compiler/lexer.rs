//! Lexical analysis.
//!
//! The lexer turns source bytes into tokens on demand, with one token of
//! lookahead. It mirrors the reference scanner's observable behaviour:
//! the same token boundaries, the same line counting (`\n`, `\r`, `\r\n`
//! and `\n\r` each count as one line break) and the same error texts.
//!
//! Invariant: `buf` holds the raw text of the most recently *scanned*
//! token (which is the lookahead token when there is one). Error messages
//! quote it, exactly as the reference quotes its scanner buffer, so string
//! tokens are quoted with escapes already decoded.

use std::collections::HashMap;
use std::rc::Rc;

use super::error::{cat, CResult, CompileError};
use super::numeric::{str_to_number, Number};

/// Handle of an interned byte string. Equal strings get equal ids, so the
/// parser compares names by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct StrId(u32);

/// Table of all names and string literals of one compilation.
#[derive(Default)]
pub(super) struct Interner {
    strings: Vec<Rc<[u8]>>,
    ids: HashMap<Rc<[u8]>, StrId>,
}

impl Interner {
    pub fn intern(&mut self, bytes: &[u8]) -> StrId {
        if let Some(&id) = self.ids.get(bytes) {
            return id;
        }
        // More than 4 billion distinct strings cannot come from a source
        // that fits in memory; saturating keeps this panic-free regardless.
        let id = StrId(u32::try_from(self.strings.len()).unwrap_or(u32::MAX));
        let rc: Rc<[u8]> = Rc::from(bytes);
        self.strings.push(Rc::clone(&rc));
        self.ids.insert(rc, id);
        id
    }

    pub fn get(&self, id: StrId) -> &[u8] {
        usize::try_from(id.0)
            .ok()
            .and_then(|i| self.strings.get(i))
            .map_or(&[], |s| s)
    }
}

/// A token. Single-character tokens are `Char`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Token {
    And,
    Break,
    Do,
    Else,
    ElseIf,
    End,
    False,
    For,
    Function,
    Goto,
    If,
    In,
    Local,
    Nil,
    Not,
    Or,
    Repeat,
    Return,
    Then,
    True,
    Until,
    While,
    IDiv,
    Concat,
    Dots,
    Eq,
    Ge,
    Le,
    Ne,
    Shl,
    Shr,
    DbColon,
    Eos,
    Float(f64),
    Int(i64),
    Name(StrId),
    String(StrId),
    Char(u8),
}

const RESERVED: &[(&[u8], Token)] = &[
    (b"and", Token::And),
    (b"break", Token::Break),
    (b"do", Token::Do),
    (b"else", Token::Else),
    (b"elseif", Token::ElseIf),
    (b"end", Token::End),
    (b"false", Token::False),
    (b"for", Token::For),
    (b"function", Token::Function),
    (b"goto", Token::Goto),
    (b"if", Token::If),
    (b"in", Token::In),
    (b"local", Token::Local),
    (b"nil", Token::Nil),
    (b"not", Token::Not),
    (b"or", Token::Or),
    (b"repeat", Token::Repeat),
    (b"return", Token::Return),
    (b"then", Token::Then),
    (b"true", Token::True),
    (b"until", Token::Until),
    (b"while", Token::While),
];

impl Token {
    /// How the token is named in messages such as "'=' expected": fixed
    /// tokens quoted, literal classes as `<name>`, `<string>`, ...
    pub fn describe(self) -> Vec<u8> {
        let fixed: &[u8] = match self {
            Token::Char(c) if (0x20..0x7f).contains(&c) => return vec![b'\'', c, b'\''],
            Token::Char(c) => return format!("'<\\{c}>'").into_bytes(),
            Token::Eos => return b"<eof>".to_vec(),
            Token::Float(_) => return b"<number>".to_vec(),
            Token::Int(_) => return b"<integer>".to_vec(),
            Token::Name(_) => return b"<name>".to_vec(),
            Token::String(_) => return b"<string>".to_vec(),
            Token::IDiv => b"//",
            Token::Concat => b"..",
            Token::Dots => b"...",
            Token::Eq => b"==",
            Token::Ge => b">=",
            Token::Le => b"<=",
            Token::Ne => b"~=",
            Token::Shl => b"<<",
            Token::Shr => b">>",
            Token::DbColon => b"::",
            word => RESERVED.iter().find(|(_, t)| *t == word).map_or(b"?", |(w, _)| w),
        };
        cat(&[b"'", fixed, b"'"])
    }

    /// True for tokens whose text in messages comes from the scanner buffer.
    fn has_text(self) -> bool {
        matches!(self, Token::Float(_) | Token::Int(_) | Token::Name(_) | Token::String(_))
    }
}

fn is_alpha(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// How a lexical error quotes its context.
#[derive(Clone, Copy)]
enum Near {
    /// "near <eof>"
    Eof,
    /// "near '<scanner buffer>'"
    Buffer,
    /// no "near" part
    Nothing,
}

/// Lines are counted in an `i32` by the reference; it gives up just below
/// that limit.
pub(super) const MAX_LINES: u32 = 0x7fff_ffff;

pub(super) struct Lexer<'s> {
    src: &'s [u8],
    pos: usize,
    /// Line of the character being scanned.
    pub line: u32,
    /// Line of the last token consumed (used for line info of code).
    pub last_line: u32,
    /// The current token.
    pub token: Token,
    ahead: Option<Token>,
    buf: Vec<u8>,
    pub strings: Interner,
}

impl<'s> Lexer<'s> {
    pub fn new(src: &'s [u8]) -> Lexer<'s> {
        Lexer {
            src,
            pos: 0,
            line: 1,
            last_line: 1,
            token: Token::Eos,
            ahead: None,
            buf: Vec::new(),
            strings: Interner::default(),
        }
    }

    /// Advances to the next token.
    pub fn next(&mut self) -> CResult<()> {
        self.last_line = self.line;
        self.token = match self.ahead.take() {
            Some(tok) => tok,
            None => self.scan()?,
        };
        Ok(())
    }

    /// Scans the token after the current one without consuming it.
    pub fn lookahead(&mut self) -> CResult<Token> {
        let tok = match self.ahead {
            Some(tok) => tok,
            None => self.scan()?,
        };
        self.ahead = Some(tok);
        Ok(tok)
    }

    /// Text quoting the current token in "near ..." parts of messages.
    pub fn near_current(&self) -> Vec<u8> {
        if self.token.has_text() {
            self.quoted_buffer()
        } else {
            self.token.describe()
        }
    }

    fn quoted_buffer(&self) -> Vec<u8> {
        // The reference formats the buffer with "%s", which stops at NUL.
        let end = self.buf.iter().position(|&c| c == 0).unwrap_or(self.buf.len());
        cat(&[b"'", self.buf.get(..end).unwrap_or(&[]), b"'"])
    }

    fn error(&self, msg: impl Into<Vec<u8>>, near: Near) -> CompileError {
        let near = match near {
            Near::Eof => Some(b"<eof>".to_vec()),
            Near::Buffer => Some(self.quoted_buffer()),
            Near::Nothing => None,
        };
        CompileError::lexical(msg, near)
    }

    // ----- character level -------------------------------------------

    fn current(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn advance(&mut self) {
        if self.pos < self.src.len() {
            self.pos += 1;
        }
    }

    fn save(&mut self, c: u8) {
        self.buf.push(c);
    }

    fn save_and_advance(&mut self) {
        if let Some(c) = self.current() {
            self.save(c);
        }
        self.advance();
    }

    /// Consumes `c` if it is the current character.
    fn eat(&mut self, c: u8) -> bool {
        let found = self.current() == Some(c);
        if found {
            self.advance();
        }
        found
    }

    /// Saves and consumes the current character if it is one of `set`.
    fn save_if_any(&mut self, set: &[u8]) -> bool {
        match self.current() {
            Some(c) if set.contains(&c) => {
                self.save_and_advance();
                true
            }
            _ => false,
        }
    }

    fn at_newline(&self) -> bool {
        matches!(self.current(), Some(b'\n' | b'\r'))
    }

    /// Skips one line break (any of `\n`, `\r`, `\n\r`, `\r\n`).
    fn inc_line(&mut self) -> CResult<()> {
        let first = self.current();
        self.advance();
        if self.at_newline() && self.current() != first {
            self.advance();
        }
        self.line += 1;
        if self.line >= MAX_LINES {
            return Err(self.error("chunk has too many lines", Near::Nothing));
        }
        Ok(())
    }

    // ----- tokens ------------------------------------------------------

    fn scan(&mut self) -> CResult<Token> {
        self.buf.clear();
        loop {
            let Some(c) = self.current() else { return Ok(Token::Eos) };
            match c {
                b'\n' | b'\r' => self.inc_line()?,
                b' ' | b'\x0c' | b'\t' | b'\x0b' => self.advance(),
                b'-' => {
                    self.advance();
                    if !self.eat(b'-') {
                        return Ok(Token::Char(b'-'));
                    }
                    self.skip_comment()?;
                }
                b'[' => return self.bracket(),
                b'"' | b'\'' => return self.read_string(c),
                b'.' => return self.dot(),
                b'0'..=b'9' => return self.read_numeral(),
                c if is_alpha(c) => return Ok(self.name_or_keyword()),
                _ => return Ok(self.operator(c)),
            }
        }
    }

    /// Operators that may be followed by a second character, and single
    /// character tokens.
    fn operator(&mut self, c: u8) -> Token {
        self.advance();
        let (second, double) = match c {
            b'=' => (b'=', Token::Eq),
            b'/' => (b'/', Token::IDiv),
            b'~' => (b'=', Token::Ne),
            b':' => (b':', Token::DbColon),
            b'<' if self.eat(b'=') => return Token::Le,
            b'<' => (b'<', Token::Shl),
            b'>' if self.eat(b'=') => return Token::Ge,
            b'>' => (b'>', Token::Shr),
            _ => return Token::Char(c),
        };
        if self.eat(second) {
            double
        } else {
            Token::Char(c)
        }
    }

    fn dot(&mut self) -> CResult<Token> {
        self.save_and_advance();
        if self.eat(b'.') {
            return Ok(if self.eat(b'.') { Token::Dots } else { Token::Concat });
        }
        match self.current() {
            Some(c) if c.is_ascii_digit() => self.read_numeral(),
            _ => Ok(Token::Char(b'.')),
        }
    }

    fn name_or_keyword(&mut self) -> Token {
        while matches!(self.current(), Some(c) if is_alnum(c)) {
            self.save_and_advance();
        }
        if let Some((_, tok)) = RESERVED.iter().find(|(w, _)| *w == self.buf.as_slice()) {
            return *tok;
        }
        Token::Name(self.strings.intern(&self.buf))
    }

    fn skip_comment(&mut self) -> CResult<()> {
        if self.current() == Some(b'[') {
            let sep = self.skip_sep();
            self.buf.clear();
            if sep >= 2 {
                self.read_long_string(sep, false)?;
                self.buf.clear();
                return Ok(());
            }
        }
        while !self.at_newline() && self.current().is_some() {
            self.advance();
        }
        Ok(())
    }

    /// '[' starts a long string, or is a plain bracket.
    fn bracket(&mut self) -> CResult<Token> {
        let sep = self.skip_sep();
        if sep >= 2 {
            self.read_long_string(sep, true)?;
            let body = self.buf.get(sep..self.buf.len().saturating_sub(sep)).unwrap_or(&[]);
            return Ok(Token::String(self.strings.intern(body)));
        }
        if sep == 0 {
            return Err(self.error("invalid long string delimiter", Near::Buffer));
        }
        Ok(Token::Char(b'['))
    }

    /// Reads `[=*[` or `]=*]` up to (not including) the final bracket.
    /// Returns the delimiter length (number of '=' plus 2) when the second
    /// bracket is there, 1 for a lone bracket, 0 for `[=` without bracket.
    fn skip_sep(&mut self) -> usize {
        let bracket = self.current();
        self.save_and_advance();
        let mut count = 0;
        while self.current() == Some(b'=') {
            self.save_and_advance();
            count += 1;
        }
        if self.current() == bracket {
            count + 2
        } else if count == 0 {
            1
        } else {
            0
        }
    }

    /// Reads a long string or comment whose opening delimiter has length
    /// `sep`; the current character is its second bracket. Comments are
    /// not kept in the buffer.
    fn read_long_string(&mut self, sep: usize, keep: bool) -> CResult<()> {
        let start_line = self.line;
        self.save_and_advance();
        if self.at_newline() {
            self.inc_line()?; // a first newline is not part of the string
        }
        loop {
            match self.current() {
                None => {
                    let what = if keep { "string" } else { "comment" };
                    let msg = format!("unfinished long {what} (starting at line {start_line})");
                    return Err(self.error(msg, Near::Eof));
                }
                Some(b']') => {
                    if self.skip_sep() == sep {
                        self.save_and_advance();
                        return Ok(());
                    }
                }
                Some(b'\n' | b'\r') => {
                    self.save(b'\n');
                    self.inc_line()?;
                    if !keep {
                        self.buf.clear();
                    }
                }
                Some(_) if keep => self.save_and_advance(),
                Some(_) => self.advance(),
            }
        }
    }

    fn read_string(&mut self, delim: u8) -> CResult<Token> {
        self.save_and_advance(); // keep the delimiter for error messages
        loop {
            match self.current() {
                None => return Err(self.error("unfinished string", Near::Eof)),
                Some(b'\n' | b'\r') => return Err(self.error("unfinished string", Near::Buffer)),
                Some(c) if c == delim => break,
                Some(b'\\') => self.read_escape()?,
                Some(_) => self.save_and_advance(),
            }
        }
        self.save_and_advance();
        let body = self.buf.get(1..self.buf.len().saturating_sub(1)).unwrap_or(&[]);
        Ok(Token::String(self.strings.intern(body)))
    }

    /// Decodes one escape sequence; the current character is the '\'.
    /// The backslash stays in the buffer until the escape is known to be
    /// valid, so that error messages show it.
    fn read_escape(&mut self) -> CResult<()> {
        self.save_and_advance();
        let simple = match self.current() {
            None => return Ok(()), // reported as an unfinished string
            Some(b'a') => Some(0x07),
            Some(b'b') => Some(0x08),
            Some(b'f') => Some(0x0c),
            Some(b'n') => Some(b'\n'),
            Some(b'r') => Some(b'\r'),
            Some(b't') => Some(b'\t'),
            Some(b'v') => Some(0x0b),
            Some(c @ (b'\\' | b'"' | b'\'')) => Some(c),
            _ => None,
        };
        if let Some(c) = simple {
            self.advance();
            self.replace_backslash(&[c]);
            return Ok(());
        }
        match self.current() {
            Some(b'x') => {
                let c = self.read_hex_escape()?;
                self.advance();
                self.replace_backslash(&[c]);
            }
            Some(b'u') => {
                let bytes = self.read_utf8_escape()?;
                self.replace_backslash(&bytes);
            }
            Some(b'\n' | b'\r') => {
                self.inc_line()?;
                self.replace_backslash(b"\n");
            }
            Some(b'z') => {
                self.buf.pop(); // the backslash
                self.advance();
                while let Some(c) = self.current().filter(|&c| is_space(c)) {
                    if c == b'\n' || c == b'\r' {
                        self.inc_line()?;
                    } else {
                        self.advance();
                    }
                }
            }
            Some(c) if c.is_ascii_digit() => {
                let c = self.read_decimal_escape()?;
                self.replace_backslash(&[c]);
            }
            _ => return Err(self.escape_error("invalid escape sequence")),
        }
        Ok(())
    }

    /// Replaces the backslash at the end of the buffer with `bytes`.
    fn replace_backslash(&mut self, bytes: &[u8]) {
        self.buf.pop();
        self.buf.extend_from_slice(bytes);
    }

    /// Error inside an escape: the offending character is shown too.
    fn escape_error(&mut self, msg: &str) -> CompileError {
        if self.current().is_some() {
            self.save_and_advance();
        }
        self.error(msg, Near::Buffer)
    }

    /// Saves the current character and reads a hexadecimal digit after it.
    fn hex_digit(&mut self) -> CResult<u32> {
        self.save_and_advance();
        match self.current().and_then(|c| char::from(c).to_digit(16)) {
            Some(d) => Ok(d),
            None => Err(self.escape_error("hexadecimal digit expected")),
        }
    }

    /// `\xXX`; leaves the second digit as the current character.
    fn read_hex_escape(&mut self) -> CResult<u8> {
        let high = self.hex_digit()?;
        let low = self.hex_digit()?;
        self.buf.truncate(self.buf.len().saturating_sub(2)); // 'x' and first digit
        Ok(u8::try_from(high * 16 + low).unwrap_or(u8::MAX))
    }

    /// `\u{XXX}`: a code point up to 2^31 - 1, encoded as (extended) UTF-8.
    fn read_utf8_escape(&mut self) -> CResult<Vec<u8>> {
        self.save_and_advance(); // 'u'
        if self.current() != Some(b'{') {
            return Err(self.escape_error("missing '{'"));
        }
        let mut value = self.hex_digit()?;
        let mut saved = 3; // 'u', '{' and the first digit
        loop {
            self.save_and_advance();
            let Some(d) = self.current().and_then(|c| char::from(c).to_digit(16)) else { break };
            saved += 1;
            if value > (0x7fff_ffff >> 4) {
                return Err(self.escape_error("UTF-8 value too large"));
            }
            value = (value << 4) + d;
        }
        if self.current() != Some(b'}') {
            return Err(self.escape_error("missing '}'"));
        }
        self.advance();
        self.buf.truncate(self.buf.len().saturating_sub(saved));
        Ok(utf8_encode(value))
    }

    /// `\ddd`: up to three decimal digits, value at most 255.
    fn read_decimal_escape(&mut self) -> CResult<u8> {
        let mut value = 0u32;
        let mut digits = 0;
        while digits < 3 {
            let Some(d) = self.current().and_then(|c| char::from(c).to_digit(10)) else { break };
            value = value * 10 + d;
            self.save_and_advance();
            digits += 1;
        }
        let Ok(byte) = u8::try_from(value) else {
            return Err(self.escape_error("decimal escape too large"));
        };
        self.buf.truncate(self.buf.len().saturating_sub(digits));
        Ok(byte)
    }

    /// Reads a numeral liberally (digits, hex digits, dots, exponent marks
    /// with signs, and one trailing letter), then converts it; anything
    /// that does not convert is a "malformed number".
    fn read_numeral(&mut self) -> CResult<Token> {
        let first = self.current();
        self.save_and_advance();
        let exponent: &[u8] = if first == Some(b'0') && self.save_if_any(b"xX") { b"Pp" } else { b"Ee" };
        loop {
            if self.save_if_any(exponent) {
                self.save_if_any(b"-+");
            } else if matches!(self.current(), Some(c) if c.is_ascii_hexdigit() || c == b'.') {
                self.save_and_advance();
            } else {
                break;
            }
        }
        if matches!(self.current(), Some(c) if is_alpha(c)) {
            self.save_and_advance(); // a numeral touching a letter is malformed
        }
        match str_to_number(&self.buf) {
            Some(Number::Int(i)) => Ok(Token::Int(i)),
            Some(Number::Float(f)) => Ok(Token::Float(f)),
            None => Err(self.error("malformed number", Near::Buffer)),
        }
    }
}

/// Encodes a code point below 2^31 in the original (up to 6 byte) UTF-8.
pub fn utf8_encode(mut x: u32) -> Vec<u8> {
    if x < 0x80 {
        return vec![u8::try_from(x).unwrap_or(0)];
    }
    let mut tail = Vec::with_capacity(6);
    let mut first_max = 0x3fu32; // largest payload that fits in the first byte
    loop {
        tail.push(0x80 | low_byte(x & 0x3f));
        x >>= 6;
        first_max >>= 1;
        if x <= first_max {
            break;
        }
    }
    let mut out = vec![low_byte((!first_max << 1) | x)];
    out.extend(tail.iter().rev());
    out
}

fn low_byte(x: u32) -> u8 {
    x.to_le_bytes()[0]
}
