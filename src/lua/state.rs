//! Where the VM keeps its state in the heap. Everything the interpreter
//! knows between two instructions is reachable from the *global block*,
//! whose address is in heap user word 0.
//!
//! Layouts (byte offsets) are named here once.

use super::value::{read_value, write_value, Value, VALUE_SIZE};
use crate::heap::{Addr, Fault, Heap};

/// Heap user word holding the global block's address.
pub const USER_WORD_GLOBALS: u64 = 0;
/// Heap user words the VM owns (the heap header has 8): every use is listed
/// here, so that no two parts of the VM ever pick the same one.
/// 1: the collector's "marking" flag (see gc.rs); 2: the output transcript
/// (output.rs); 3: the input buffer (input.rs).
///
/// 1 while the write barrier is needed (the mark phase): one read of the
/// pinned header page decides every barrier.
pub const USER_WORD_MARKING: u64 = 1;
pub const USER_WORD_TRANSCRIPT: u64 = 2;
pub const USER_WORD_INPUT: u64 = 3;

// ----- the global block -----------------------------------------------------
pub const G_EXIT_CODE: Addr = 0; // the status given to os.exit (0 until then)
pub const G_STRINGS: Addr = 8; // interned-string bucket block
pub const G_STRINGS_CAP: Addr = 16; // buckets (a power of two)
pub const G_STRINGS_COUNT: Addr = 24;
pub const G_GLOBALS: Addr = 32; // the globals table (address)
pub const G_REGISTRY: Addr = 40; // registry table (address)
pub const G_MAIN_THREAD: Addr = 48;
pub const G_CURRENT_THREAD: Addr = 56;
pub const G_OUT_BUF: Addr = 64; // output buffer block
pub const G_OUT_LEN: Addr = 72;
pub const G_OUT_CAP: Addr = 80;
pub const G_STRING_META: Addr = 88; // metatable shared by strings (address or 0)
pub const G_MEMERR: Addr = 96; // the preallocated "not enough memory" string
pub const G_TM_NAMES: Addr = 104; // block of interned metamethod-name addresses
pub const G_STATUS: Addr = 112; // RunStatus
pub const G_ERROR: Addr = 120; // final error value (16 bytes) when G_STATUS = Error
pub const G_STEPS: Addr = 136; // instructions executed
pub const G_GC: Addr = 144; // collector state (16 words), see gc.rs
pub const G_STRINGS_OLD: Addr = G_GC + 16 * 8; // intern buckets being moved (0 = none)
pub const G_STRINGS_OLD_CAP: Addr = G_STRINGS_OLD + 8;
pub const G_STRINGS_CURSOR: Addr = G_STRINGS_OLD + 16; // old buckets moved so far
pub const G_STRCMP: Addr = G_STRINGS_OLD + 24; // records of long comparisons in progress (see string.rs), 0 = none
pub const G_GCX: Addr = G_STRCMP + 8; // the collector's state, see gc.rs
pub const G_SIZE: u64 = G_GCX + super::gc::STATE_WORDS * 8;

/// What the program is doing, as seen by the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    /// No program loaded.
    Empty = 0,
    /// Loaded and not finished.
    Running = 1,
    /// Finished normally.
    Done = 2,
    /// Finished with an uncaught error (see G_ERROR).
    Error = 3,
}

impl RunStatus {
    pub fn from_u64(v: u64) -> RunStatus {
        match v {
            1 => RunStatus::Running,
            2 => RunStatus::Done,
            3 => RunStatus::Error,
            _ => RunStatus::Empty,
        }
    }
}

// ----- threads ----------------------------------------------------------------
pub const T_STATUS: Addr = 16; // ThreadStatus
pub const T_STACK: Addr = 24; // stack block
pub const T_STACK_SLOTS: Addr = 32;
pub const T_TOP: Addr = 40; // first free slot of the current native frame / multiple results
pub const T_CI: Addr = 48; // current CallInfo
pub const T_BASE_CI: Addr = 56;
pub const T_OPEN_UPVALS: Addr = 64; // open upvalues, highest stack slot first
pub const T_RESUMER: Addr = 72; // the thread that resumed this one
pub const T_HANDLER: Addr = 80; // innermost protected (pcall) frame, 0 = none
pub const T_CCALLS: Addr = 88; // nested calls made for metamethods and natives ("C levels")
pub const T_TBC: Addr = 96; // to-be-closed variables: chain of [slot, next] blocks, innermost first
pub const T_FAILED: Addr = 104; // 1: the coroutine died by an error, whose value is in stack slot 0
pub const T_SIZE: u64 = 112;

/// Coroutine states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadStatus {
    /// Created or yielded: can be resumed.
    Suspended = 0,
    Running = 1,
    /// Resumed another coroutine and waits for it.
    Normal = 2,
    Dead = 3,
}

impl ThreadStatus {
    pub fn from_u64(v: u64) -> ThreadStatus {
        match v {
            1 => ThreadStatus::Running,
            2 => ThreadStatus::Normal,
            3 => ThreadStatus::Dead,
            _ => ThreadStatus::Suspended,
        }
    }
}

/// Slots reserved for the main thread's stack (Lua's LUAI_MAXSTACK). Only the
/// pages actually used ever take memory or storage.
pub const MAIN_STACK_SLOTS: u64 = 1_000_000;
/// Slots reserved for a coroutine's stack: less than the main thread's,
/// because every live coroutine holds its reservation in the address space
/// (stacks do not move, so they cannot grow). With the error slots this is
/// just under a 1 MiB run: 64 GiB of address space holds 65,536 live
/// coroutines (at 200,000 slots a reservation took a 4 MiB run, and a
/// program with 20,000 live coroutines ran out of memory).
pub const COROUTINE_STACK_SLOTS: u64 = 65_000;
/// Slots kept free above the top for native calls and metamethod arguments.
pub const STACK_EXTRA: u64 = 40;
/// Slots a stack has beyond its limit, usable only while a message handler
/// runs (so that xpcall's handler runs even after a stack overflow, as
/// Lua grows the stack for error handling).
pub const ERROR_SLOTS: u64 = 200;
/// T_CCALLS bits above this count the message handlers running (see
/// vm::call::throw); bits 32.. count non-yieldable calls, so a handler is
/// not yieldable, as in Lua.
pub const MSGH_SHIFT: u32 = 48;

// ----- call frames (CallInfo blocks) --------------------------------------
pub const CI_FUNC: Addr = 0; // slot holding the function
pub const CI_TOP: Addr = 8; // first slot above the frame
pub const CI_PREV: Addr = 16;
pub const CI_NEXT: Addr = 24; // a cached, unused CallInfo (reused by the next call)
pub const CI_PC: Addr = 32; // index of the next instruction (Lua frames)
pub const CI_NRESULTS: Addr = 40; // results wanted, or u64::MAX for "all"
pub const CI_STATUS: Addr = 48; // CallStatus bits
pub const CI_EXTRA_ARGS: Addr = 56; // varargs of a vararg function
pub const CI_K: Addr = 64; // native continuation: which step comes next
pub const CI_K1: Addr = 72; // native continuation state
pub const CI_K2: Addr = 80;
pub const CI_HANDLER_PREV: Addr = 88; // for a protected frame: the next handler out
pub const CI_CCALLS: Addr = 96; // for a protected frame: T_CCALLS when it was entered
pub const CI_SIZE: u64 = 104;

/// Nested metamethod/native calls allowed (Lua's LUAI_MAXCCALLS): beyond,
/// "C stack overflow", as the reference gives, though no Rust stack is used.
pub const MAX_CCALLS: u64 = 200;

/// Flags in CI_STATUS.
pub mod cs {
    /// A Lua function (otherwise native).
    pub const LUA: u64 = 1;
    /// pcall/xpcall: errors stop here.
    pub const PROTECTED: u64 = 2;
    /// The frame called a metamethod and must finish its instruction with the result.
    pub const FINISH_OP: u64 = 4;
    /// A native waiting for a call's results (continuation in CI_K).
    pub const CONTINUE: u64 = 8;
    /// The frame was entered by a tail call (for tracebacks).
    pub const TAIL: u64 = 16;
    /// A coroutine's first frame: returning from it ends the coroutine.
    pub const COROUTINE_BASE: u64 = 32;
    /// A Lua frame whose CLOSE or RETURN called a `__close` metamethod: that
    /// instruction runs again when the call returns (to close the next one).
    pub const CLOSING: u64 = 64;
    /// A Lua frame returning through `__close` calls: its result count is in CI_K2.
    pub const RETURNING: u64 = 128;
    /// A protected native that an error is unwinding to, while the `__close`
    /// metamethods of the variables above it run; the error is in slot CI_K1.
    pub const UNWINDING: u64 = 256;
    /// A native waiting for a call that its coroutine cannot yield across.
    pub const NOYIELD: u64 = 512;
    /// A native that asked to go on in the next step (NativeResult::Again).
    pub const PENDING: u64 = 1024;
    /// The runner of an xpcall message handler: when the handler returns,
    /// its result is the error that unwinds to the xpcall.
    pub const MSGH: u64 = 2048;
}

/// Results wanted: all of them.
pub const MULTRET: u64 = u64::MAX;

// ----- accessors ------------------------------------------------------------

pub fn globals_block(h: &mut Heap) -> Result<Addr, Fault> {
    h.user_word(USER_WORD_GLOBALS)
}

pub fn slot(stack_base: Addr, index: u64) -> Addr {
    stack_base + index * VALUE_SIZE
}

#[inline(always)]
pub fn get(h: &mut Heap, addr: Addr) -> Result<Value, Fault> {
    read_value(h, addr)
}

#[inline(always)]
pub fn set(h: &mut Heap, addr: Addr, v: Value) -> Result<(), Fault> {
    write_value(h, addr, v)
}
