//! Expression descriptors.
//!
//! The parser generates code lazily: an expression is first described
//! (a constant, a local, a table field, an already emitted instruction
//! whose destination register is still open, ...) and only turned into
//! instructions when its use is known. This lets `t.x = 1` become one
//! SETFIELD and `a + 1` an ADDI.
//!
//! Besides its main value, an expression carries two jump lists (see
//! `FuncState`): jumps taken when the expression is true (`t`) and when it
//! is false (`f`). They come from `and`/`or` and comparisons.

use super::lexer::StrId;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum ExpKind {
    /// No value: an empty expression list.
    Void,
    Nil,
    True,
    False,
    /// Constant already in the constant table at this index.
    K(u32),
    KFlt(f64),
    KInt(i64),
    KStr(StrId),
    /// Value sits in this register, which cannot be changed.
    NonReloc(u32),
    /// Local variable in register `reg`; `vidx` is its index among the
    /// function's active variables.
    Local { reg: u32, vidx: usize },
    /// Upvalue number.
    Upval(u32),
    /// Compile-time constant local: absolute index in the parser's list of
    /// active variables.
    Const(usize),
    /// `R[table][R[key]]`.
    Indexed { table: u32, key: u32 },
    /// `U[table][K[key]]`, key a short string constant.
    IndexUp { table: u32, key: u32 },
    /// `R[table][key]`, key a small non-negative integer.
    IndexInt { table: u32, key: u32 },
    /// `R[table][K[key]]`, key a short string constant.
    IndexStr { table: u32, key: u32 },
    /// A comparison; the value is the pc of its jump.
    Jmp(usize),
    /// Instruction at this pc computes the value; its A register is not
    /// fixed yet.
    Reloc(usize),
    /// Open function call at this pc.
    Call(usize),
    /// `...` at this pc.
    Vararg(usize),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct ExpDesc {
    pub kind: ExpKind,
    /// Jumps to take when the expression is true.
    pub t: Option<usize>,
    /// Jumps to take when the expression is false.
    pub f: Option<usize>,
}

impl ExpDesc {
    pub fn new(kind: ExpKind) -> ExpDesc {
        ExpDesc { kind, t: None, f: None }
    }

    pub fn void() -> ExpDesc {
        ExpDesc::new(ExpKind::Void)
    }

    pub fn has_jumps(&self) -> bool {
        self.t != self.f
    }

    /// True if the expression can be assigned to.
    pub fn is_var(&self) -> bool {
        matches!(
            self.kind,
            ExpKind::Local { .. }
                | ExpKind::Upval(_)
                | ExpKind::Const(_)
                | ExpKind::Indexed { .. }
                | ExpKind::IndexUp { .. }
                | ExpKind::IndexInt { .. }
                | ExpKind::IndexStr { .. }
        )
    }

    pub fn is_indexed(&self) -> bool {
        matches!(
            self.kind,
            ExpKind::Indexed { .. } | ExpKind::IndexUp { .. } | ExpKind::IndexInt { .. } | ExpKind::IndexStr { .. }
        )
    }

    /// Calls and `...` can produce any number of values.
    pub fn is_multi(&self) -> bool {
        matches!(self.kind, ExpKind::Call(_) | ExpKind::Vararg(_))
    }

    /// The numeric literal value, if this is a plain numeral.
    pub fn numeral(&self) -> Option<super::numeric::Number> {
        use super::numeric::Number;
        if self.has_jumps() {
            return None;
        }
        match self.kind {
            ExpKind::KInt(i) => Some(Number::Int(i)),
            ExpKind::KFlt(f) => Some(Number::Float(f)),
            _ => None,
        }
    }

    /// Integer literal without jumps.
    pub fn int_literal(&self) -> Option<i64> {
        match self.kind {
            ExpKind::KInt(i) if !self.has_jumps() => Some(i),
            _ => None,
        }
    }
}
