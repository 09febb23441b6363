//! Function prototypes: the compiler's output.
//!
//! A `Proto` is immutable once `compile` returns. Its `code` uses the Lua
//! 5.4 encoding from [`super::opcodes`]; every index stored in an
//! instruction (constant, upvalue, child prototype, register) is valid for
//! the prototype that contains it, and `line_info` has exactly one entry per
//! instruction.

/// A constant of the constant table (`K[x]` in the opcode docs).
#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Lua strings are byte strings, not necessarily UTF-8.
    Str(Vec<u8>),
}

/// Kind of a local variable, as recorded in upvalue descriptors so that
/// closures know whether an upvalue may be assigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    /// Ordinary variable.
    Regular,
    /// `<const>` variable whose value is only known at run time.
    Const,
    /// `<close>` variable.
    ToClose,
    /// `<const>` variable with a compile-time constant value; it has no
    /// register and never becomes an upvalue, but the kind exists for
    /// completeness.
    CompileTimeConst,
}

/// How a closure obtains one of its upvalues when it is created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpvalueDesc {
    /// Variable name (debug information; may be empty).
    pub name: Vec<u8>,
    /// True: the upvalue is register `index` of the enclosing function.
    /// False: it is upvalue `index` of the enclosing function.
    pub in_stack: bool,
    pub index: u8,
    pub kind: VarKind,
}

/// Debug information for a local variable: it is active for instructions
/// with `start_pc <= pc < end_pc`, and active locals occupy registers in
/// declaration order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalVarInfo {
    pub name: Vec<u8>,
    pub start_pc: u32,
    pub end_pc: u32,
}

/// A compiled function.
#[derive(Clone, Debug, PartialEq)]
pub struct Proto {
    /// Chunk name exactly as given to `compile` (e.g. `"@foo.lua"`).
    pub source: String,
    /// Line of the `function` keyword (0 for the main chunk).
    pub line_defined: u32,
    /// Line of the closing `end` (0 for the main chunk).
    pub last_line_defined: u32,
    pub num_params: u8,
    pub is_vararg: bool,
    /// Registers the function needs (at least 2).
    pub max_stack_size: u8,
    pub code: Vec<u32>,
    pub constants: Vec<Constant>,
    pub upvalues: Vec<UpvalueDesc>,
    /// Nested functions, indexed by the Bx operand of CLOSURE.
    pub protos: Vec<Proto>,
    /// Source line of each instruction.
    pub line_info: Vec<u32>,
    pub local_vars: Vec<LocalVarInfo>,
}

impl Proto {
    /// Name of local variable number `n` (1-based, counting the locals
    /// active at `pc` in declaration order), like `luaF_getlocalname`.
    pub fn local_name(&self, n: usize, pc: usize) -> Option<&[u8]> {
        let mut remaining = n;
        for var in &self.local_vars {
            if usize::try_from(var.start_pc).map_or(true, |start| start > pc) {
                break;
            }
            if usize::try_from(var.end_pc).is_ok_and(|end| pc < end) {
                remaining = remaining.checked_sub(1)?;
                if remaining == 0 {
                    return Some(&var.name);
                }
            }
        }
        None
    }

    /// Line of instruction `pc`, if it exists.
    pub fn line_at(&self, pc: usize) -> Option<u32> {
        self.line_info.get(pc).copied()
    }
}
