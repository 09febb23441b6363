//! Parser state and the pieces shared by all grammar rules.
//!
//! The compiler is a single pass: grammar rules (in `statements.rs` and
//! `expressions.rs`) call the code generator (`code.rs`, `exprgen.rs`) as
//! they recognise constructs; there is no syntax tree. Scopes, variables
//! and labels live in `scope.rs`.
//!
//! Invariants:
//! * `fs` is the function being compiled; `enclosing` holds the functions
//!   around it, outermost first;
//! * `actvars` holds the local variables of every open function, in
//!   declaration order; function `f` owns `actvars[f.first_local..]` up to
//!   the next function's start, and its first `f.nactvar` entries are in
//!   scope;
//! * `depth` counts nested grammar rules exactly where the reference counts
//!   C calls, so deeply nested input fails with its error, and the Rust
//!   stack stays bounded.

use std::collections::HashMap;

use super::error::{cat, CResult, CompileError};
use super::func_state::{FuncState, KValue, UpvalInfo};
use super::lexer::{Lexer, StrId, Token};
use super::proto::{Constant, LocalVarInfo, Proto, UpvalueDesc, VarKind};

/// Maximum nesting of grammar rules (the reference's LUAI_MAXCCALLS).
pub(super) const MAX_DEPTH: u32 = 200;

/// An active (or about to be active) local variable.
#[derive(Clone, Copy)]
pub(super) struct VarDesc {
    pub name: StrId,
    pub kind: VarKind,
    /// Register holding the variable (not meaningful for compile-time
    /// constants).
    pub reg: u32,
    /// Index of its debug record in the function's `local_debug`.
    pub debug_index: usize,
    /// Value of a compile-time constant.
    pub value: KValue,
}

/// A label, or a pending goto waiting for its label.
#[derive(Clone, Copy)]
pub(super) struct LabelDesc {
    pub name: StrId,
    /// Label position, or the goto's jump list (usually one JMP; empty
    /// for an `if false then break` that can never jump).
    pub pc: Option<usize>,
    pub line: u32,
    /// Active locals at that position.
    pub nactvar: usize,
    /// The goto leaves the scope of a captured variable (needs a CLOSE).
    pub close: bool,
}

/// Key of the constant cache shared by all functions of a chunk.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum ConstKey {
    Nil,
    Bool(bool),
    Int(i64),
    /// Bit pattern of a non-integral float key.
    Flt(u64),
    Str(StrId),
}

pub(super) struct Parser<'s> {
    pub lex: Lexer<'s>,
    pub fs: FuncState,
    pub enclosing: Vec<FuncState>,
    pub actvars: Vec<VarDesc>,
    pub gotos: Vec<LabelDesc>,
    pub labels: Vec<LabelDesc>,
    /// Maps constants to their last known index. Shared by all functions,
    /// so an index may belong to another function: users must check that
    /// it is valid and holds the same value (this reproduces the
    /// reference's constant numbering, including its occasional
    /// duplicates).
    pub kcache: HashMap<ConstKey, usize>,
    depth: u32,
    source: String,
    pub env_name: StrId,
    pub break_name: StrId,
}

impl<'s> Parser<'s> {
    pub fn new(src: &'s [u8], source: &str, base_depth: u32) -> Parser<'s> {
        let mut lex = Lexer::new(src);
        let env_name = lex.strings.intern(b"_ENV");
        let break_name = lex.strings.intern(b"break");
        Parser {
            lex,
            fs: FuncState::new(0, 0, 0),
            enclosing: Vec::new(),
            actvars: Vec::new(),
            gotos: Vec::new(),
            labels: Vec::new(),
            kcache: HashMap::new(),
            depth: base_depth,
            source: source.to_string(),
            env_name,
            break_name,
        }
    }

    /// Compiles the whole chunk: a vararg function with the single upvalue
    /// `_ENV`.
    pub fn main_function(&mut self) -> CResult<Proto> {
        self.enter_block(false)?;
        self.set_vararg(0);
        self.fs.upvalues.push(UpvalInfo { name: self.env_name, in_stack: true, index: 0, kind: VarKind::Regular });
        self.lex.next()?;
        self.statement_list()?;
        self.check(Token::Eos)?;
        self.close_function()
    }

    // ----- nesting depth -----------------------------------------------------

    pub fn enter_level(&mut self) -> CResult<()> {
        self.depth = self.depth.saturating_add(1);
        if self.depth >= MAX_DEPTH {
            return Err(CompileError::plain(b"C stack overflow".to_vec()));
        }
        Ok(())
    }

    pub fn leave_level(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ----- token helpers -----------------------------------------------------

    pub fn next(&mut self) -> CResult<()> {
        self.lex.next()
    }

    pub fn token(&self) -> Token {
        self.lex.token
    }

    pub fn test_next(&mut self, tok: Token) -> CResult<bool> {
        if self.lex.token == tok {
            self.lex.next()?;
            return Ok(true);
        }
        Ok(false)
    }

    pub fn error_expected(&self, tok: Token) -> CompileError {
        CompileError::syntax(cat(&[&tok.describe(), b" expected"]))
    }

    pub fn check(&self, tok: Token) -> CResult<()> {
        if self.lex.token != tok {
            return Err(self.error_expected(tok));
        }
        Ok(())
    }

    pub fn check_next(&mut self, tok: Token) -> CResult<()> {
        self.check(tok)?;
        self.lex.next()
    }

    /// Expects `what` closing a `who` opened at line `where_`; the message
    /// mentions the opening line when it differs from the current one.
    pub fn check_match(&mut self, what: Token, who: Token, where_: u32) -> CResult<()> {
        if self.test_next(what)? {
            return Ok(());
        }
        if where_ == self.lex.line {
            return Err(self.error_expected(what));
        }
        let msg = cat(&[
            &what.describe(),
            b" expected (to close ",
            &who.describe(),
            format!(" at line {where_})").as_bytes(),
        ]);
        Err(CompileError::syntax(msg))
    }

    pub fn check_name(&mut self) -> CResult<StrId> {
        match self.lex.token {
            Token::Name(id) => {
                self.lex.next()?;
                Ok(id)
            }
            _ => Err(self.error_expected(Token::Name(self.env_name))),
        }
    }

    pub fn name_bytes(&self, id: StrId) -> &[u8] {
        self.lex.strings.get(id)
    }

    /// "too many X (limit is N) in <function>", for the function defined
    /// at `line_defined`.
    pub fn error_limit(&self, line_defined: u32, limit: usize, what: &str) -> CompileError {
        let place = match line_defined {
            0 => "main function".to_string(),
            line => format!("function at line {line}"),
        };
        CompileError::syntax(format!("too many {what} (limit is {limit}) in {place}"))
    }

    // ----- functions -----------------------------------------------------------

    /// Starts compiling a nested function defined at `line`.
    pub fn open_function(&mut self, line: u32) -> CResult<()> {
        let child = FuncState::new(line, self.actvars.len(), self.labels.len());
        let parent = std::mem::replace(&mut self.fs, child);
        self.enclosing.push(parent);
        self.enter_block(false)
    }

    /// Finishes the current function and returns its prototype; the
    /// enclosing function (if any) becomes current again.
    pub fn close_function(&mut self) -> CResult<Proto> {
        let first = self.fs.nvarstack;
        self.ret(first, 0);
        self.leave_block()?;
        self.fs.finish()?;
        let finished = match self.enclosing.pop() {
            Some(parent) => std::mem::replace(&mut self.fs, parent),
            None => std::mem::replace(&mut self.fs, FuncState::new(0, 0, 0)),
        };
        Ok(self.build_proto(finished))
    }

    fn build_proto(&self, fs: FuncState) -> Proto {
        let strings = &self.lex.strings;
        let bytes = |id: StrId| strings.get(id).to_vec();
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Proto {
            source: self.source.clone(),
            line_defined: fs.line_defined,
            last_line_defined: fs.last_line_defined,
            // Both are bounded by MAX_REGS (255) during compilation.
            num_params: u8::try_from(fs.num_params).unwrap_or(u8::MAX),
            is_vararg: fs.is_vararg,
            max_stack_size: u8::try_from(fs.max_stack).unwrap_or(u8::MAX),
            code: fs.code,
            constants: fs
                .constants
                .iter()
                .map(|k| match *k {
                    KValue::Nil => Constant::Nil,
                    KValue::Bool(b) => Constant::Bool(b),
                    KValue::Int(i) => Constant::Int(i),
                    KValue::Flt(f) => Constant::Float(f),
                    KValue::Str(s) => Constant::Str(bytes(s)),
                })
                .collect(),
            upvalues: fs
                .upvalues
                .iter()
                .map(|u| UpvalueDesc {
                    name: bytes(u.name),
                    in_stack: u.in_stack,
                    index: u8::try_from(u.index).unwrap_or(u8::MAX),
                    kind: u.kind,
                })
                .collect(),
            protos: fs.protos,
            line_info: fs.lines,
            local_vars: fs
                .local_debug
                .iter()
                .map(|v| LocalVarInfo { name: bytes(v.name), start_pc: to_u32(v.start_pc), end_pc: to_u32(v.end_pc) })
                .collect(),
        }
    }
}
