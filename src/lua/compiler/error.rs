//! Error values used inside the compiler and the public `SyntaxError`.
//!
//! Internally an error records *what kind* of decoration it needs; the
//! final text ("chunk:line: message near 'token'") is produced once, in
//! `compile`, from the lexer state at the moment the error was raised.
//! This works because nothing advances the lexer after an error.

use std::fmt;

/// A compilation failure. `message` is the complete text the reference
/// interpreter produces, e.g. `foo.lua:3: unexpected symbol near 'x'`.
///
/// Lua messages are byte strings; bytes that are not valid UTF-8 (which can
/// only come from the source text quoted in "near ..." parts) are replaced
/// by U+FFFD here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// What went wrong, before position information is added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ErrorKind {
    /// A syntax error reported "near" the current token.
    Syntax(Vec<u8>),
    /// A semantic error (e.g. a goto problem): position but no "near".
    Semantic(Vec<u8>),
    /// A lexical error; `near` is the already formatted offending text.
    Lexical { msg: Vec<u8>, near: Option<Vec<u8>> },
    /// An error the reference raises as a plain runtime error, without any
    /// position (e.g. "C stack overflow").
    Plain(Vec<u8>),
}

/// Internal error. Boxed so that `CResult` stays one word wide: results
/// travel through every grammar rule, and small frames keep the deepest
/// accepted nesting cheap on the stack even in unoptimised builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct CompileError(Box<ErrorKind>);

pub(super) type CResult<T> = Result<T, CompileError>;

impl CompileError {
    pub fn syntax(msg: impl Into<Vec<u8>>) -> CompileError {
        CompileError(Box::new(ErrorKind::Syntax(msg.into())))
    }

    pub fn semantic(msg: impl Into<Vec<u8>>) -> CompileError {
        CompileError(Box::new(ErrorKind::Semantic(msg.into())))
    }

    pub fn lexical(msg: impl Into<Vec<u8>>, near: Option<Vec<u8>>) -> CompileError {
        CompileError(Box::new(ErrorKind::Lexical { msg: msg.into(), near }))
    }

    pub fn plain(msg: impl Into<Vec<u8>>) -> CompileError {
        CompileError(Box::new(ErrorKind::Plain(msg.into())))
    }

    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }
}

/// Concatenates byte-string pieces (messages mix ASCII with source names).
pub(super) fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// Formats a chunk name for messages, like the reference's `luaO_chunkid`:
/// `=name` and `@name` are shown verbatim (truncated to fit 60 bytes, a
/// long `@` name keeping its end), anything else is source text shown as
/// `[string "first line..."]`.
pub fn chunk_id(source: &[u8]) -> Vec<u8> {
    const ID_SIZE: usize = 60; // LUA_IDSIZE, including the final NUL
    match source.split_first() {
        Some((b'=', rest)) => rest.iter().copied().take(ID_SIZE - 1).collect(),
        Some((b'@', rest)) => {
            if rest.len() < ID_SIZE {
                rest.to_vec()
            } else {
                let keep = ID_SIZE - 4; // room for "..." and the NUL
                let tail = rest.get(rest.len() - keep..).unwrap_or(rest);
                cat(&[b"...", tail])
            }
        }
        _ => {
            const ROOM: usize = ID_SIZE - 15; // minus `[string "`, `..."]`, NUL
            let first_line_end = source.iter().position(|&c| c == b'\n');
            let mut out = b"[string \"".to_vec();
            if first_line_end.is_none() && source.len() < ROOM {
                out.extend_from_slice(source);
            } else {
                let len = first_line_end.unwrap_or(source.len()).min(ROOM);
                out.extend_from_slice(source.get(..len).unwrap_or(source));
                out.extend_from_slice(b"...");
            }
            out.extend_from_slice(b"\"]");
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::chunk_id;

    #[test]
    fn chunk_ids() {
        assert_eq!(chunk_id(b"=stdin"), b"stdin");
        assert_eq!(chunk_id(b"@foo.lua"), b"foo.lua");
        assert_eq!(chunk_id(b"x = 1"), b"[string \"x = 1\"]");
        assert_eq!(chunk_id(b"x = 1\ny = 2"), b"[string \"x = 1...\"]");
        let long = [b'a'; 50];
        let mut expected = b"[string \"".to_vec();
        expected.extend_from_slice(&[b'a'; 45]);
        expected.extend_from_slice(b"...\"]");
        assert_eq!(chunk_id(&long), expected);
        let mut at = b"@".to_vec();
        at.extend((0..70u8).map(|i| b'a' + i % 26));
        let id = chunk_id(&at);
        assert_eq!(id.len(), 59);
        assert!(id.starts_with(b"..."));
        assert!(at.ends_with(&id[3..]));
    }
}
