//! Lua 5.4 compiler front end: source text to [`Proto`] trees.
//!
//! The output uses exactly the Lua 5.4 instruction set and encoding (see
//! [`opcodes`]) and is meant to match `luac5.4` instruction for
//! instruction, so that an interpreter can be written from the reference
//! documentation of `lopcodes.h`. Error messages match the reference
//! interpreter's text exactly.
//!
//! Module map:
//! * [`opcodes`], [`proto`]: the output format;
//! * `lexer`, [`numeric`]: tokens and numerals;
//! * `parser`, `statements`, `expressions`, `scope`: the grammar;
//! * `func_state`, `code`, `exprgen`, `expdesc`: code generation;
//! * [`debuginfo`]: naming registers/upvalues for run-time error messages;
//! * [`listing`]: a `luac -l -l` style disassembler.
//!
//! The compiler never panics: malformed input of any shape (including very
//! deep nesting) yields `Err(SyntaxError)`. Nesting is limited exactly as
//! in the reference (200 levels, "C stack overflow"); at that limit the
//! compiler uses under 300 KB of stack when optimised and under 600 KB in
//! an unoptimised build.
//!
//! # Notes for the interpreter
//!
//! * The bytecode is what `luac5.4` (5.4.4) produces, so every rule of
//!   `lopcodes.h` holds: a test/comparison is always followed by a JMP; an
//!   arithmetic instruction is always followed by its MMBIN/MMBINI/MMBINK
//!   fallback, which the fast path skips; NEWTABLE and LOADKX are always
//!   followed by EXTRAARG; SETLIST is followed by EXTRAARG when its k bit
//!   is set.
//! * RETURN/TAILCALL carry k = "close upvalues first" and C = number of
//!   fixed parameters + 1 for vararg functions (0 otherwise); RETURN0 and
//!   RETURN1 only appear when neither applies.
//! * TFORPREP, TFORCALL and TFORLOOP all use the same A (the generator's
//!   register).
//! * `line_info` holds absolute line numbers (no delta encoding).
//! * Binary chunks are not handled here: a loader should look for the
//!   `"\x1bLua"` signature itself before calling [`compile`]; files should
//!   go through [`strip_file_prefix`] first, as `luaL_loadfile` does.

mod code;
pub mod debuginfo;
mod error;
mod expdesc;
mod expressions;
mod exprgen;
mod func_state;
mod lexer;
pub mod listing;
pub mod numeric;
pub mod opcodes;
mod parser;
pub mod proto;
mod scope;
mod statements;

#[cfg(test)]
mod tests;

pub use debuginfo::{describe_call, describe_register, describe_upvalue};
pub use error::{chunk_id, SyntaxError};
pub use opcodes::OpCode;
pub use proto::{Constant, LocalVarInfo, Proto, UpvalueDesc, VarKind};

use error::ErrorKind;

/// Nesting already in use when a file is compiled by the stand-alone
/// interpreter (`lua file.lua`, `luac file.lua`); with it, the same input
/// hits "C stack overflow" exactly where the reference does.
pub const FILE_BASE_DEPTH: u32 = 1;

/// Compiles a chunk.
///
/// `chunk_name` follows Lua's conventions and is used verbatim as
/// [`Proto::source`]: `"@foo.lua"` for a file (messages say `foo.lua:3:`),
/// `"=stdin"` for a literal name (`stdin:3:`), anything else is taken to be
/// the source text itself (`[string "x = 1"]:3:`).
pub fn compile(source: &[u8], chunk_name: &str) -> Result<Proto, SyntaxError> {
    compile_at_depth(source, chunk_name, FILE_BASE_DEPTH)
}

/// Like [`compile`], for callers that are themselves nested: `base_depth`
/// is the number of nested C-level calls (in the reference's counting)
/// already active, e.g. 2 for `load` called from a main chunk. Only the
/// threshold of the "C stack overflow" error depends on it.
pub fn compile_at_depth(source: &[u8], chunk_name: &str, base_depth: u32) -> Result<Proto, SyntaxError> {
    compile_raw(source, chunk_name, base_depth)
        .map_err(|bytes| SyntaxError { message: String::from_utf8_lossy(&bytes).into_owned() })
}

/// Like [`compile_at_depth`], but the error message is returned as the
/// exact byte string the reference produces. (`SyntaxError::message` is a
/// `String`, so source bytes quoted in a message that are not valid UTF-8
/// are replaced there; a VM's `load` should use this function to return
/// the message byte for byte.)
pub fn compile_raw(source: &[u8], chunk_name: &str, base_depth: u32) -> Result<Proto, Vec<u8>> {
    let mut parser = parser::Parser::new(source, chunk_name, base_depth);
    parser.main_function().map_err(|err| {
        let line = parser.lex.line;
        let place = || {
            let mut text = chunk_id(chunk_name.as_bytes());
            text.extend_from_slice(format!(":{line}: ").as_bytes());
            text
        };
        match err.into_kind() {
            ErrorKind::Syntax(msg) => {
                let mut text = place();
                text.extend_from_slice(&msg);
                // The reference numbers tokens so that a NUL byte token is
                // 0, which also means "no token": it then omits the "near"
                // part.
                if parser.lex.token != lexer::Token::Char(0) {
                    text.extend_from_slice(b" near ");
                    text.extend_from_slice(&parser.lex.near_current());
                }
                text
            }
            ErrorKind::Semantic(msg) | ErrorKind::Lexical { msg, near: None } => {
                let mut text = place();
                text.extend_from_slice(&msg);
                text
            }
            ErrorKind::Lexical { msg, near: Some(near) } => {
                let mut text = place();
                text.extend_from_slice(&msg);
                text.extend_from_slice(b" near ");
                text.extend_from_slice(&near);
                text
            }
            ErrorKind::Plain(msg) => msg,
        }
    })
}

/// Prepares the contents of a source *file* the way the stand-alone
/// interpreter does before compiling: a UTF-8 byte order mark is dropped,
/// and a first line starting with `#` (e.g. `#!/usr/bin/lua`) is blanked
/// out, keeping its newline so that line numbers do not change.
pub fn strip_file_prefix(contents: &[u8]) -> &[u8] {
    let body = contents.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(contents);
    if body.first() != Some(&b'#') {
        return body;
    }
    match body.iter().position(|&c| c == b'\n') {
        Some(newline) => body.get(newline..).unwrap_or(&[]),
        None => b"\n",
    }
}
