//! The Lua 5.4 instruction set: opcode numbering, instruction layout and
//! per-opcode properties.
//!
//! Invariant: numbering, field layout and operand meaning are *exactly*
//! those of PUC Lua 5.4 (`lopcodes.h`), so that bytecode produced here can be
//! compared instruction by instruction with `luac5.4 -l` and so that the
//! interpreter can be written from the 5.4 documentation.
//!
//! Every instruction is a `u32`; the low 7 bits hold the opcode:
//!
//! ```text
//!  31        24 23        16 15 14         7 6      0
//! |     C(8)   |    B(8)    |k |    A(8)    | Op(7)  |   iABC
//! |          Bx(17)            |    A(8)    | Op(7)  |   iABx
//! |         sBx(17)            |    A(8)    | Op(7)  |   iAsBx
//! |                 Ax(25)                  | Op(7)  |   iAx
//! |                 sJ(25)                  | Op(7)  |   isJ
//! ```
//!
//! Signed fields use "excess K" encoding: the stored unsigned value minus
//! half the field's maximum (`OFFSET_SBX`, `OFFSET_SJ`, `OFFSET_SC`).
//!
//! Notation in the opcode docs: `R[x]` is register x of the current frame,
//! `K[x]` constant x, `U[x]` upvalue x, `RK(x)` is `K[x]` when the `k` bit
//! is set and `R[x]` otherwise. `top` is the "variable top" left by an
//! instruction that produced a variable number of values (CALL/VARARG with
//! C == 0) and consumed by the next instruction when its B is 0.

// The opcode docs use the reference's `R[A]`/`K[B]` notation, which rustdoc
// would otherwise try to resolve as links.
#![allow(rustdoc::broken_intra_doc_links)]

use std::fmt;

pub const SIZE_OP: u32 = 7;
pub const SIZE_A: u32 = 8;
pub const SIZE_B: u32 = 8;
pub const SIZE_C: u32 = 8;
pub const SIZE_BX: u32 = SIZE_B + SIZE_C + 1;
pub const SIZE_AX: u32 = SIZE_BX + SIZE_A;
pub const SIZE_SJ: u32 = SIZE_BX + SIZE_A;

pub const POS_OP: u32 = 0;
pub const POS_A: u32 = POS_OP + SIZE_OP;
pub const POS_K: u32 = POS_A + SIZE_A;
pub const POS_B: u32 = POS_K + 1;
pub const POS_C: u32 = POS_B + SIZE_B;
pub const POS_BX: u32 = POS_K;
pub const POS_AX: u32 = POS_A;
pub const POS_SJ: u32 = POS_A;

pub const MAXARG_A: u32 = (1 << SIZE_A) - 1;
pub const MAXARG_B: u32 = (1 << SIZE_B) - 1;
pub const MAXARG_C: u32 = (1 << SIZE_C) - 1;
pub const MAXARG_BX: u32 = (1 << SIZE_BX) - 1;
pub const MAXARG_AX: u32 = (1 << SIZE_AX) - 1;
pub const MAXARG_SJ: u32 = (1 << SIZE_SJ) - 1;
/// Excess-K offset of `sBx` (half of MAXARG_BX, so the range is
/// -65535..=65536).
pub const OFFSET_SBX: i32 = 65535;
/// Excess-K offset of `sJ` (half of MAXARG_SJ).
pub const OFFSET_SJ: i32 = 16_777_215;
/// Excess-K offset of the signed 8-bit operands `sB` and `sC` (half of
/// MAXARG_C).
pub const OFFSET_SC: i32 = 127;

/// A register number that fits in 8 bits but is never a valid register.
pub const NO_REG: u32 = MAXARG_A;

/// Array items a table constructor accumulates before flushing them with
/// one SETLIST.
pub const LFIELDS_PER_FLUSH: u32 = 50;

/// Instruction layouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpMode {
    ABC,
    ABx,
    AsBx,
    Ax,
    SJ,
}

macro_rules! opcodes {
    ($( $(#[$doc:meta])* $name:ident = $text:literal, $mode:ident, $flags:expr; )*) => {
        /// Lua 5.4 opcodes, numbered exactly as in `lopcodes.h`.
        #[repr(u8)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum OpCode { $( $(#[$doc])* $name, )* }

        const ALL_OPCODES: &[OpCode] = &[ $( OpCode::$name, )* ];
        const OPCODE_NAMES: &[&str] = &[ $( $text, )* ];
        const OPCODE_MODES: &[(OpMode, u8)] = &[ $( (OpMode::$mode, $flags), )* ];
    };
}

// Property flags (third column below).
const SETS_A: u8 = 1; // instruction writes register A
const IS_TEST: u8 = 2; // next instruction must be a jump
const IN_TOP: u8 = 4; // uses `top` from the previous instruction when B == 0
const OUT_TOP: u8 = 8; // sets `top` for the next instruction when C == 0
const IS_MM: u8 = 16; // calls a metamethod for the preceding instruction

opcodes! {
    /// `A B`: R[A] := R[B].
    Move = "MOVE", ABC, SETS_A;
    /// `A sBx`: R[A] := sBx (an integer).
    LoadI = "LOADI", AsBx, SETS_A;
    /// `A sBx`: R[A] := sBx converted to a float.
    LoadF = "LOADF", AsBx, SETS_A;
    /// `A Bx`: R[A] := K[Bx].
    LoadK = "LOADK", ABx, SETS_A;
    /// `A`: R[A] := K[Ax of the following EXTRAARG]; used when the constant
    /// index does not fit in Bx.
    LoadKX = "LOADKX", ABx, SETS_A;
    /// `A`: R[A] := false.
    LoadFalse = "LOADFALSE", ABC, SETS_A;
    /// `A`: R[A] := false and skip the next instruction (which is always a
    /// LOADTRUE of the same register); turns a condition into a boolean.
    LFalseSkip = "LFALSESKIP", ABC, SETS_A;
    /// `A`: R[A] := true.
    LoadTrue = "LOADTRUE", ABC, SETS_A;
    /// `A B`: R[A], R[A+1], ..., R[A+B] := nil (B+1 registers).
    LoadNil = "LOADNIL", ABC, SETS_A;
    /// `A B`: R[A] := U[B].
    GetUpval = "GETUPVAL", ABC, SETS_A;
    /// `A B`: U[B] := R[A].
    SetUpval = "SETUPVAL", ABC, 0;
    /// `A B C`: R[A] := U[B][K[C]], K[C] a string (global access via _ENV).
    GetTabUp = "GETTABUP", ABC, SETS_A;
    /// `A B C`: R[A] := R[B][R[C]].
    GetTable = "GETTABLE", ABC, SETS_A;
    /// `A B C`: R[A] := R[B][C], C an unsigned integer key.
    GetI = "GETI", ABC, SETS_A;
    /// `A B C`: R[A] := R[B][K[C]], K[C] a short string.
    GetField = "GETFIELD", ABC, SETS_A;
    /// `A B C k`: U[A][K[B]] := RK(C), K[B] a string.
    SetTabUp = "SETTABUP", ABC, 0;
    /// `A B C k`: R[A][R[B]] := RK(C).
    SetTable = "SETTABLE", ABC, 0;
    /// `A B C k`: R[A][B] := RK(C), B an unsigned integer key.
    SetI = "SETI", ABC, 0;
    /// `A B C k`: R[A][K[B]] := RK(C), K[B] a short string.
    SetField = "SETFIELD", ABC, 0;
    /// `A B C k`: R[A] := {} sized for its contents. B is 0 for an empty
    /// hash part, otherwise ceil(log2(hash size)) + 1. The array size is C,
    /// or, when k is set, C + Ax * (MAXARG_C + 1) with Ax taken from the
    /// following EXTRAARG (which is always present, and skipped).
    NewTable = "NEWTABLE", ABC, SETS_A;
    /// `A B C k`: R[A+1] := R[B]; R[A] := R[B][RK(C)], RK(C) a string.
    /// Prepares a method call `obj:name(...)`.
    Self_ = "SELF", ABC, SETS_A;
    /// `A B sC`: R[A] := R[B] + sC. Followed by MMBINI for the fallback.
    AddI = "ADDI", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] + K[C], K[C] a number. Followed by MMBINK.
    AddK = "ADDK", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] - K[C]. Followed by MMBINK.
    SubK = "SUBK", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] * K[C]. Followed by MMBINK.
    MulK = "MULK", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] % K[C] (floored modulo). Followed by MMBINK.
    ModK = "MODK", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] ^ K[C] (always float). Followed by MMBINK.
    PowK = "POWK", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] / K[C] (always float). Followed by MMBINK.
    DivK = "DIVK", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] // K[C] (floor division). Followed by MMBINK.
    IDivK = "IDIVK", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] & K[C], K[C] an integer. Followed by MMBINK.
    BAndK = "BANDK", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] | K[C], K[C] an integer. Followed by MMBINK.
    BOrK = "BORK", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] ~ K[C], K[C] an integer. Followed by MMBINK.
    BXorK = "BXORK", ABC, SETS_A;
    /// `A B sC`: R[A] := R[B] >> sC. Followed by MMBINI.
    ShrI = "SHRI", ABC, SETS_A;
    /// `A B sC`: R[A] := sC << R[B] (note the operand order). Followed by
    /// MMBINI.
    ShlI = "SHLI", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] + R[C]. Followed by MMBIN.
    Add = "ADD", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] - R[C]. Followed by MMBIN.
    Sub = "SUB", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] * R[C]. Followed by MMBIN.
    Mul = "MUL", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] % R[C]. Followed by MMBIN.
    Mod = "MOD", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] ^ R[C]. Followed by MMBIN.
    Pow = "POW", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] / R[C]. Followed by MMBIN.
    Div = "DIV", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] // R[C]. Followed by MMBIN.
    IDiv = "IDIV", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] & R[C]. Followed by MMBIN.
    BAnd = "BAND", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] | R[C]. Followed by MMBIN.
    BOr = "BOR", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] ~ R[C]. Followed by MMBIN.
    BXor = "BXOR", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] << R[C]. Followed by MMBIN.
    Shl = "SHL", ABC, SETS_A;
    /// `A B C`: R[A] := R[B] >> R[C]. Followed by MMBIN.
    Shr = "SHR", ABC, SETS_A;
    /// `A B C`: fallback of the preceding arithmetic instruction, executed
    /// only when its fast path failed (the fast path skips it): call
    /// metamethod C (a [`TagMethod`] number) with R[A] and R[B], storing the
    /// result in the A register of the preceding instruction.
    MmBin = "MMBIN", ABC, IS_MM;
    /// `A sB C k`: like MMBIN with the immediate integer sB as second
    /// operand; when k is set the operands are swapped (sB came first in
    /// the source).
    MmBinI = "MMBINI", ABC, IS_MM;
    /// `A B C k`: like MMBIN with K[B] as second operand; k means swapped.
    MmBinK = "MMBINK", ABC, IS_MM;
    /// `A B`: R[A] := -R[B].
    Unm = "UNM", ABC, SETS_A;
    /// `A B`: R[A] := ~R[B].
    BNot = "BNOT", ABC, SETS_A;
    /// `A B`: R[A] := not R[B].
    Not = "NOT", ABC, SETS_A;
    /// `A B`: R[A] := #R[B].
    Len = "LEN", ABC, SETS_A;
    /// `A B`: R[A] := R[A] .. ... .. R[A+B-1] (B values, B >= 2).
    Concat = "CONCAT", ABC, SETS_A;
    /// `A`: close all upvalues and to-be-closed variables >= R[A].
    Close = "CLOSE", ABC, 0;
    /// `A`: mark R[A] as a to-be-closed variable.
    Tbc = "TBC", ABC, 0;
    /// `sJ`: pc += sJ.
    Jmp = "JMP", SJ, 0;
    /// `A B k`: if (R[A] == R[B]) ~= k then pc++ (skip the following jump).
    Eq = "EQ", ABC, IS_TEST;
    /// `A B k`: if (R[A] < R[B]) ~= k then pc++.
    Lt = "LT", ABC, IS_TEST;
    /// `A B k`: if (R[A] <= R[B]) ~= k then pc++.
    Le = "LE", ABC, IS_TEST;
    /// `A B k`: if (R[A] == K[B]) ~= k then pc++ (raw equality, no
    /// metamethods).
    EqK = "EQK", ABC, IS_TEST;
    /// `A sB k`: if (R[A] == sB) ~= k then pc++. C is 1 when the literal in
    /// the source was a float.
    EqI = "EQI", ABC, IS_TEST;
    /// `A sB k`: if (R[A] < sB) ~= k then pc++. C: literal was a float.
    LtI = "LTI", ABC, IS_TEST;
    /// `A sB k`: if (R[A] <= sB) ~= k then pc++. C: literal was a float.
    LeI = "LEI", ABC, IS_TEST;
    /// `A sB k`: if (R[A] > sB) ~= k then pc++. C: literal was a float.
    GtI = "GTI", ABC, IS_TEST;
    /// `A sB k`: if (R[A] >= sB) ~= k then pc++. C: literal was a float.
    GeI = "GEI", ABC, IS_TEST;
    /// `A k`: if (not R[A] == k) then pc++ (i.e. skip the jump unless the
    /// truthiness of R[A] equals k).
    Test = "TEST", ABC, IS_TEST;
    /// `A B k`: if (not R[B] == k) then pc++ else { R[A] := R[B] } (and
    /// the following jump is taken). Used by `and`/`or` producing values.
    TestSet = "TESTSET", ABC, IS_TEST | SETS_A;
    /// `A B C`: R[A], ..., R[A+C-2] := R[A](R[A+1], ..., R[A+B-1]).
    /// B == 0: arguments go up to `top`. C == 0: keep all results and set
    /// `top` after the last one.
    Call = "CALL", ABC, SETS_A | IN_TOP | OUT_TOP;
    /// `A B C k`: return R[A](R[A+1], ..., R[A+B-1]) (B == 0: up to `top`).
    /// k: the function has upvalues/to-be-closed variables to close first.
    /// C > 0: the function is vararg with C-1 fixed parameters, so the
    /// frame's function slot must be restored before the call.
    TailCall = "TAILCALL", ABC, SETS_A | IN_TOP | OUT_TOP;
    /// `A B C k`: return R[A], ..., R[A+B-2] (B == 0: up to `top`).
    /// k and C as in TAILCALL.
    Return = "RETURN", ABC, IN_TOP;
    /// Return no values (only emitted when no closing or vararg fixup is
    /// needed).
    Return0 = "RETURN0", ABC, 0;
    /// `A`: return R[A] (same restrictions as RETURN0).
    Return1 = "RETURN1", ABC, 0;
    /// `A Bx`: numeric for-loop step. R[A] holds the remaining iteration
    /// count (integer loops) or the limit (float loops), R[A+1] the step,
    /// R[A+2] the internal index; if the loop continues, update the index,
    /// copy it to R[A+3] and jump back: pc -= Bx.
    ForLoop = "FORLOOP", ABx, SETS_A;
    /// `A Bx`: prepare a numeric for loop from R[A] (init), R[A+1] (limit),
    /// R[A+2] (step); raise an error on bad values or a zero step; if the
    /// loop does not run at all, pc += Bx + 1 (jumping past the FORLOOP).
    ForPrep = "FORPREP", ABx, SETS_A;
    /// `A Bx`: generic for: mark R[A+3] as to-be-closed (if not nil);
    /// pc += Bx (to the TFORCALL).
    TForPrep = "TFORPREP", ABx, 0;
    /// `A C`: R[A+4], ..., R[A+3+C] := R[A](R[A+1], R[A+2]).
    TForCall = "TFORCALL", ABC, 0;
    /// `A Bx`: if R[A+4] ~= nil then { R[A+2] := R[A+4]; pc -= Bx }.
    /// (lopcodes.h writes this with A already advanced by 2.)
    TForLoop = "TFORLOOP", ABx, SETS_A;
    /// `A B C k`: R[A][C+i] := R[A+i] for 1 <= i <= B. B == 0: store up to
    /// `top`. When k is set the real C is C + Ax * (MAXARG_C + 1) with Ax
    /// from the following EXTRAARG.
    SetList = "SETLIST", ABC, IN_TOP;
    /// `A Bx`: R[A] := closure of child prototype Bx, capturing upvalues as
    /// described by that prototype's `upvalues`.
    Closure = "CLOSURE", ABx, SETS_A;
    /// `A C`: R[A], ..., R[A+C-2] := the vararg values. C == 0: copy all
    /// and set `top`.
    Vararg = "VARARG", ABC, SETS_A | OUT_TOP;
    /// `A`: entry of a vararg function with A fixed parameters: move the
    /// fixed parameters above the extra arguments.
    VarargPrep = "VARARGPREP", ABC, SETS_A | IN_TOP;
    /// `Ax`: extra (wider) argument for the previous instruction.
    ExtraArg = "EXTRAARG", Ax, 0;
}

/// Number of opcodes.
pub const NUM_OPCODES: usize = ALL_OPCODES.len();

/// Error for a byte that is not an opcode number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidOpCode(pub u8);

impl fmt::Display for InvalidOpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid opcode {}", self.0)
    }
}

impl std::error::Error for InvalidOpCode {}

impl TryFrom<u8> for OpCode {
    type Error = InvalidOpCode;
    fn try_from(byte: u8) -> Result<OpCode, InvalidOpCode> {
        ALL_OPCODES.get(usize::from(byte)).copied().ok_or(InvalidOpCode(byte))
    }
}

impl OpCode {
    /// The opcode number (the low 7 bits of an instruction).
    #[allow(clippy::as_conversions)] // fieldless `repr(u8)` enum: lossless
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// Upper-case name as printed by `luac -l`.
    pub fn name(self) -> &'static str {
        OPCODE_NAMES.get(usize::from(self.code())).copied().unwrap_or("?")
    }

    pub fn mode(self) -> OpMode {
        OPCODE_MODES.get(usize::from(self.code())).map_or(OpMode::ABC, |m| m.0)
    }

    fn flags(self) -> u8 {
        OPCODE_MODES.get(usize::from(self.code())).map_or(0, |m| m.1)
    }

    /// True if the instruction writes register A.
    pub fn sets_a(self) -> bool {
        self.flags() & SETS_A != 0
    }

    /// True for tests/comparisons, which are always followed by a JMP.
    pub fn is_test(self) -> bool {
        self.flags() & IS_TEST != 0
    }

    /// True if, with B == 0, the instruction reads the variable `top`.
    pub fn uses_top(self) -> bool {
        self.flags() & IN_TOP != 0
    }

    /// True if, with C == 0, the instruction sets the variable `top`.
    pub fn sets_top(self) -> bool {
        self.flags() & OUT_TOP != 0
    }

    /// True for MMBIN/MMBINI/MMBINK.
    pub fn is_metamethod_fallback(self) -> bool {
        self.flags() & IS_MM != 0
    }
}

/// Metamethod events in the order used by the C operand of MMBIN*
/// (`ltm.h`'s TMS enumeration).
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagMethod {
    Index,
    NewIndex,
    Gc,
    Mode,
    Len,
    Eq,
    Add,
    Sub,
    Mul,
    Mod,
    Pow,
    Div,
    IDiv,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Unm,
    BNot,
    Lt,
    Le,
    Concat,
    Call,
    Close,
}

const TAG_METHODS: &[(TagMethod, &str)] = &[
    (TagMethod::Index, "__index"),
    (TagMethod::NewIndex, "__newindex"),
    (TagMethod::Gc, "__gc"),
    (TagMethod::Mode, "__mode"),
    (TagMethod::Len, "__len"),
    (TagMethod::Eq, "__eq"),
    (TagMethod::Add, "__add"),
    (TagMethod::Sub, "__sub"),
    (TagMethod::Mul, "__mul"),
    (TagMethod::Mod, "__mod"),
    (TagMethod::Pow, "__pow"),
    (TagMethod::Div, "__div"),
    (TagMethod::IDiv, "__idiv"),
    (TagMethod::BAnd, "__band"),
    (TagMethod::BOr, "__bor"),
    (TagMethod::BXor, "__bxor"),
    (TagMethod::Shl, "__shl"),
    (TagMethod::Shr, "__shr"),
    (TagMethod::Unm, "__unm"),
    (TagMethod::BNot, "__bnot"),
    (TagMethod::Lt, "__lt"),
    (TagMethod::Le, "__le"),
    (TagMethod::Concat, "__concat"),
    (TagMethod::Call, "__call"),
    (TagMethod::Close, "__close"),
];

impl TagMethod {
    /// The event number used in the C operand of MMBIN*.
    #[allow(clippy::as_conversions)] // fieldless `repr(u8)` enum: lossless
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// Metamethod field name, e.g. `"__add"`.
    pub fn name(self) -> &'static str {
        TAG_METHODS.get(usize::from(self.code())).map_or("?", |t| t.1)
    }

    pub fn from_u32(n: u32) -> Option<TagMethod> {
        let i = usize::try_from(n).ok()?;
        TAG_METHODS.get(i).map(|&(tm, _)| tm)
    }
}

// ---------------------------------------------------------------------
// Field access. Decoders never fail: they only extract bits.

fn field(i: u32, pos: u32, size: u32) -> u32 {
    (i >> pos) & ((1u32 << size) - 1)
}

fn with_field(i: u32, value: u32, pos: u32, size: u32) -> u32 {
    let mask = ((1u32 << size) - 1) << pos;
    (i & !mask) | ((value << pos) & mask)
}

/// Decodes the opcode; fails only for the unused numbers 83..=127.
pub fn get_opcode(i: u32) -> Result<OpCode, InvalidOpCode> {
    // The opcode field is 7 bits wide, so the value always fits in a u8.
    let byte = u8::try_from(field(i, POS_OP, SIZE_OP)).unwrap_or(u8::MAX);
    OpCode::try_from(byte)
}

pub fn arg_a(i: u32) -> u32 {
    field(i, POS_A, SIZE_A)
}
pub fn arg_b(i: u32) -> u32 {
    field(i, POS_B, SIZE_B)
}
pub fn arg_c(i: u32) -> u32 {
    field(i, POS_C, SIZE_C)
}
pub fn arg_k(i: u32) -> bool {
    field(i, POS_K, 1) != 0
}
pub fn arg_bx(i: u32) -> u32 {
    field(i, POS_BX, SIZE_BX)
}
pub fn arg_ax(i: u32) -> u32 {
    field(i, POS_AX, SIZE_AX)
}

/// Converts an excess-K field to its signed value.
fn unbias(raw: u32, offset: i32) -> i32 {
    // Fields are at most 25 bits wide, so `raw` always fits in an i32.
    i32::try_from(raw).unwrap_or(i32::MAX) - offset
}

/// Signed view of B (immediate operands of EQI/LTI/.../MMBINI).
pub fn arg_sb(i: u32) -> i32 {
    unbias(arg_b(i), OFFSET_SC)
}
/// Signed view of C (immediate operands of ADDI/SHRI/SHLI).
pub fn arg_sc(i: u32) -> i32 {
    unbias(arg_c(i), OFFSET_SC)
}
pub fn arg_sbx(i: u32) -> i32 {
    unbias(arg_bx(i), OFFSET_SBX)
}
pub fn arg_sj(i: u32) -> i32 {
    unbias(field(i, POS_SJ, SIZE_SJ), OFFSET_SJ)
}

/// Converts a signed value to its excess-K representation. Callers check
/// ranges first; an out-of-range value is masked, never a panic.
fn bias(value: i32, offset: i32) -> u32 {
    u32::try_from(i64::from(value) + i64::from(offset)).unwrap_or(0)
}

/// Encodes an iABC instruction (arguments are masked to their widths).
pub fn encode_abck(op: OpCode, a: u32, b: u32, c: u32, k: bool) -> u32 {
    let i = u32::from(op.code());
    let i = with_field(i, a, POS_A, SIZE_A);
    let i = with_field(i, u32::from(k), POS_K, 1);
    let i = with_field(i, b, POS_B, SIZE_B);
    with_field(i, c, POS_C, SIZE_C)
}

pub fn encode_abx(op: OpCode, a: u32, bx: u32) -> u32 {
    let i = with_field(u32::from(op.code()), a, POS_A, SIZE_A);
    with_field(i, bx, POS_BX, SIZE_BX)
}

pub fn encode_asbx(op: OpCode, a: u32, sbx: i32) -> u32 {
    encode_abx(op, a, bias(sbx, OFFSET_SBX))
}

pub fn encode_ax(op: OpCode, ax: u32) -> u32 {
    with_field(u32::from(op.code()), ax, POS_AX, SIZE_AX)
}

/// Encodes an isJ instruction. The k bit overlaps the sJ field; like the
/// reference, it is OR-ed in (and is never set by this compiler).
pub fn encode_sj(op: OpCode, sj: i32, k: bool) -> u32 {
    let i = with_field(u32::from(op.code()), bias(sj, OFFSET_SJ), POS_SJ, SIZE_SJ);
    if k {
        i | (1 << POS_K)
    } else {
        i
    }
}

pub fn set_opcode(i: &mut u32, op: OpCode) {
    *i = with_field(*i, u32::from(op.code()), POS_OP, SIZE_OP);
}
pub fn set_a(i: &mut u32, a: u32) {
    *i = with_field(*i, a, POS_A, SIZE_A);
}
pub fn set_b(i: &mut u32, b: u32) {
    *i = with_field(*i, b, POS_B, SIZE_B);
}
pub fn set_c(i: &mut u32, c: u32) {
    *i = with_field(*i, c, POS_C, SIZE_C);
}
pub fn set_k(i: &mut u32, k: bool) {
    *i = with_field(*i, u32::from(k), POS_K, 1);
}
pub fn set_bx(i: &mut u32, bx: u32) {
    *i = with_field(*i, bx, POS_BX, SIZE_BX);
}
pub fn set_sj(i: &mut u32, sj: i32) {
    *i = with_field(*i, bias(sj, OFFSET_SJ), POS_SJ, SIZE_SJ);
}

/// True if `i` fits the signed 8-bit immediate operand (sB/sC).
pub fn fits_sc(i: i64) -> bool {
    (-i64::from(OFFSET_SC)..=i64::from(MAXARG_C) - i64::from(OFFSET_SC)).contains(&i)
}

/// True if `i` fits the signed 17-bit operand sBx.
pub fn fits_sbx(i: i64) -> bool {
    (-i64::from(OFFSET_SBX)..=i64::from(MAXARG_BX) - i64::from(OFFSET_SBX)).contains(&i)
}

/// Excess-K encoding of a value that satisfies [`fits_sc`].
pub fn int_to_sc(i: i64) -> u32 {
    u32::try_from(i.saturating_add(i64::from(OFFSET_SC))).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_matches_lopcodes_h() {
        assert_eq!(NUM_OPCODES, 83);
        assert_eq!(OpCode::Move.code(), 0);
        assert_eq!(OpCode::NewTable.code(), 19);
        assert_eq!(OpCode::MmBin.code(), 46);
        assert_eq!(OpCode::Jmp.code(), 56);
        assert_eq!(OpCode::Call.code(), 68);
        assert_eq!(OpCode::ExtraArg.code(), 82);
        for (n, op) in ALL_OPCODES.iter().enumerate() {
            assert_eq!(usize::from(op.code()), n);
            assert_eq!(OpCode::try_from(op.code()), Ok(*op));
        }
        assert_eq!(OpCode::try_from(83), Err(InvalidOpCode(83)));
        assert_eq!(TagMethod::Close.code(), 24);
        assert_eq!(i64::from(OFFSET_SBX), i64::from(MAXARG_BX >> 1));
        assert_eq!(i64::from(OFFSET_SJ), i64::from(MAXARG_SJ >> 1));
        assert_eq!(i64::from(OFFSET_SC), i64::from(MAXARG_C >> 1));
        assert_eq!(TagMethod::Add.name(), "__add");
    }

    #[test]
    fn fields_round_trip() {
        let i = encode_abck(OpCode::SetField, 12, 200, 255, true);
        assert_eq!(get_opcode(i), Ok(OpCode::SetField));
        assert_eq!((arg_a(i), arg_b(i), arg_c(i), arg_k(i)), (12, 200, 255, true));
        let i = encode_asbx(OpCode::LoadI, 3, -65535);
        assert_eq!(arg_sbx(i), -65535);
        let i = encode_asbx(OpCode::LoadI, 3, 65536);
        assert_eq!(arg_sbx(i), 65536);
        let mut j = encode_sj(OpCode::Jmp, -1, false);
        assert_eq!(arg_sj(j), -1);
        // k overlaps sJ; an unset k must not disturb the offset.
        assert_eq!(arg_sj(encode_sj(OpCode::Jmp, -257, false)), -257);
        assert_eq!(get_opcode(j), Ok(OpCode::Jmp));
        set_sj(&mut j, 16777216);
        assert_eq!(arg_sj(j), 16777216);
        assert_eq!(arg_ax(encode_ax(OpCode::ExtraArg, MAXARG_AX)), MAXARG_AX);
        let i = encode_abck(OpCode::AddI, 0, 1, int_to_sc(-127), false);
        assert_eq!(arg_sc(i), -127);
        assert!(fits_sc(128) && !fits_sc(129) && fits_sc(-127) && !fits_sc(-128));
    }
}
