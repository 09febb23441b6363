//! Per-function code generation state: the instruction buffer, jump lists
//! and register allocation.
//!
//! Invariants:
//! * registers `0..nvarstack` hold active local variables and
//!   `nvarstack..free_reg` hold temporaries, allocated and freed in stack
//!   order (a temporary is always freed last-in, first-out);
//! * `last_target` is the highest pc known to be a jump target; peephole
//!   optimisations never merge an instruction with one before that point,
//!   since another path may jump between them;
//! * a jump list is threaded through the sJ fields of its JMP instructions:
//!   each holds the offset to the next JMP of the list, and an offset of -1
//!   ("jump to itself") ends the list.

use super::error::{CResult, CompileError};
use super::lexer::StrId;
use super::opcodes::{self as op, OpCode, MAXARG_SJ, NO_REG, OFFSET_SJ};
use super::proto::{Proto, VarKind};

/// Registers available to a function (must fit in 8 bits, minus NO_REG).
pub(super) const MAX_REGS: u32 = 255;

/// A constant value while compiling (strings are still interned ids).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum KValue {
    Nil,
    Bool(bool),
    Int(i64),
    Flt(f64),
    Str(StrId),
}

/// Debug record of a local variable (becomes a `LocalVarInfo`).
pub(super) struct LocalDebug {
    pub name: StrId,
    pub start_pc: usize,
    pub end_pc: usize,
}

/// An upvalue of the function being compiled (becomes an `UpvalueDesc`).
#[derive(Clone, Copy)]
pub(super) struct UpvalInfo {
    pub name: StrId,
    pub in_stack: bool,
    pub index: u32,
    pub kind: VarKind,
}

/// A lexical block being compiled.
pub(super) struct BlockScope {
    /// Index of the block's first label in the parser's label list.
    pub first_label: usize,
    /// Index of the block's first pending goto.
    pub first_goto: usize,
    /// Number of active locals outside the block.
    pub nactvar: usize,
    /// Some local of the block is captured as an upvalue (or is
    /// to-be-closed), so leaving the block needs a CLOSE.
    pub has_upval: bool,
    pub is_loop: bool,
    /// Inside the scope of a to-be-closed variable (no tail calls).
    pub inside_tbc: bool,
}

pub(super) struct FuncState {
    pub code: Vec<u32>,
    pub lines: Vec<u32>,
    pub constants: Vec<KValue>,
    pub upvalues: Vec<UpvalInfo>,
    pub protos: Vec<Proto>,
    pub local_debug: Vec<LocalDebug>,
    pub line_defined: u32,
    pub last_line_defined: u32,
    pub num_params: u32,
    pub is_vararg: bool,
    pub max_stack: u32,
    pub last_target: usize,
    pub free_reg: u32,
    /// Number of active locals (including compile-time constants).
    pub nactvar: usize,
    /// Registers used by active locals (constants take none).
    pub nvarstack: u32,
    /// Index of this function's first local in the parser's variable list.
    pub first_local: usize,
    /// Index of this function's first label in the parser's label list.
    pub first_label: usize,
    /// Some block needs closing, so returns must close upvalues.
    pub need_close: bool,
    pub blocks: Vec<BlockScope>,
}

impl FuncState {
    pub fn new(line_defined: u32, first_local: usize, first_label: usize) -> FuncState {
        FuncState {
            code: Vec::new(),
            lines: Vec::new(),
            constants: Vec::new(),
            upvalues: Vec::new(),
            protos: Vec::new(),
            local_debug: Vec::new(),
            line_defined,
            last_line_defined: 0,
            num_params: 0,
            is_vararg: false,
            max_stack: 2, // registers 0 and 1 are always valid
            last_target: 0,
            free_reg: 0,
            nactvar: 0,
            nvarstack: 0,
            first_local,
            first_label,
            need_close: false,
            blocks: Vec::new(),
        }
    }

    /// Position of the next instruction.
    pub fn pc(&self) -> usize {
        self.code.len()
    }

    pub fn emit(&mut self, inst: u32, line: u32) -> usize {
        self.code.push(inst);
        self.lines.push(line);
        self.code.len() - 1
    }

    /// Changes the line recorded for the last instruction.
    pub fn fix_line(&mut self, line: u32) {
        if let Some(last) = self.lines.last_mut() {
            *last = line;
        }
    }

    pub fn remove_last_instruction(&mut self) {
        self.code.pop();
        self.lines.pop();
    }

    /// Instruction at `pc`; an invalid opcode if out of range.
    pub fn instr(&self, pc: usize) -> u32 {
        self.code.get(pc).copied().unwrap_or(u32::MAX)
    }

    pub fn set_instr(&mut self, pc: usize, inst: u32) {
        if let Some(slot) = self.code.get_mut(pc) {
            *slot = inst;
        }
    }

    /// Applies `f` to the instruction at `pc` (if it exists).
    pub fn modify(&mut self, pc: usize, f: impl FnOnce(&mut u32)) {
        if let Some(slot) = self.code.get_mut(pc) {
            f(slot);
        }
    }

    pub fn opcode_at(&self, pc: usize) -> Option<OpCode> {
        op::get_opcode(self.instr(pc)).ok()
    }

    /// The previous instruction, unless a jump may land between it and the
    /// current position (then merging with it would be wrong).
    pub fn previous_instruction(&self) -> Option<usize> {
        let pc = self.pc();
        (pc > self.last_target).then(|| pc - 1)
    }

    /// Marks the current position as a jump target and returns it.
    pub fn get_label(&mut self) -> usize {
        self.last_target = self.pc();
        self.last_target
    }

    // ----- jump lists ----------------------------------------------------

    /// Next element of a jump list.
    pub fn get_jump(&self, pc: usize) -> Option<usize> {
        let offset = op::arg_sj(self.instr(pc));
        if offset == -1 {
            return None;
        }
        let dest = i64::try_from(pc).ok()? + 1 + i64::from(offset);
        usize::try_from(dest).ok()
    }

    /// Makes the JMP at `pc` go to `dest`.
    pub fn fix_jump(&mut self, pc: usize, dest: usize) -> CResult<()> {
        let offset = i64::try_from(dest).unwrap_or(i64::MAX) - i64::try_from(pc).unwrap_or(0) - 1;
        let max = i64::from(MAXARG_SJ) - i64::from(OFFSET_SJ);
        let sj = i32::try_from(offset)
            .ok()
            .filter(|&o| i64::from(o) >= -i64::from(OFFSET_SJ) && i64::from(o) <= max)
            .ok_or_else(|| CompileError::syntax("control structure too long"))?;
        self.modify(pc, |i| op::set_sj(i, sj));
        Ok(())
    }

    /// Appends list `l2` to list `l1`.
    pub fn concat(&mut self, l1: &mut Option<usize>, l2: Option<usize>) -> CResult<()> {
        let Some(l2) = l2 else { return Ok(()) };
        let Some(mut last) = *l1 else {
            *l1 = Some(l2);
            return Ok(());
        };
        while let Some(next) = self.get_jump(last) {
            last = next;
        }
        self.fix_jump(last, l2)
    }

    /// The instruction that decides whether the jump at `pc` is taken: the
    /// test before it, or the jump itself when it is unconditional.
    pub fn jump_control(&self, pc: usize) -> usize {
        match pc.checked_sub(1).and_then(|prev| self.opcode_at(prev)) {
            Some(o) if o.is_test() => pc - 1,
            _ => pc,
        }
    }

    /// For a jump controlled by TESTSET: make it store into `reg`, or turn
    /// it into a plain TEST when no value is wanted (`reg` is NO_REG or the
    /// tested register itself). Returns false for other controls.
    pub fn patch_test_reg(&mut self, node: usize, reg: u32) -> bool {
        let ctrl = self.jump_control(node);
        let inst = self.instr(ctrl);
        if self.opcode_at(ctrl) != Some(OpCode::TestSet) {
            return false;
        }
        if reg != NO_REG && reg != op::arg_b(inst) {
            self.modify(ctrl, |i| op::set_a(i, reg));
        } else {
            let test = op::encode_abck(OpCode::Test, op::arg_b(inst), 0, 0, op::arg_k(inst));
            self.set_instr(ctrl, test);
        }
        true
    }

    /// Makes every test of the list produce no value.
    pub fn remove_values(&mut self, mut list: Option<usize>) {
        while let Some(pc) = list {
            self.patch_test_reg(pc, NO_REG);
            list = self.get_jump(pc);
        }
    }

    /// Patches a list: value-producing tests jump to `vtarget` storing into
    /// `reg`, all other jumps go to `dtarget`.
    pub fn patch_list_aux(&mut self, mut list: Option<usize>, vtarget: usize, reg: u32, dtarget: usize) -> CResult<()> {
        while let Some(pc) = list {
            let next = self.get_jump(pc);
            let target = if self.patch_test_reg(pc, reg) { vtarget } else { dtarget };
            self.fix_jump(pc, target)?;
            list = next;
        }
        Ok(())
    }

    pub fn patch_list(&mut self, list: Option<usize>, target: usize) -> CResult<()> {
        self.patch_list_aux(list, target, NO_REG, target)
    }

    pub fn patch_to_here(&mut self, list: Option<usize>) -> CResult<()> {
        let here = self.get_label();
        self.patch_list(list, here)
    }

    /// True if some jump of the list does not come from a TESTSET (so the
    /// value it stands for must be materialised as a boolean).
    pub fn need_value(&self, mut list: Option<usize>) -> bool {
        while let Some(pc) = list {
            if self.opcode_at(self.jump_control(pc)) != Some(OpCode::TestSet) {
                return true;
            }
            list = self.get_jump(pc);
        }
        false
    }

    // ----- registers ------------------------------------------------------

    /// Ensures `n` more registers above `free_reg` fit in the frame.
    pub fn check_stack(&mut self, n: u32) -> CResult<()> {
        let needed = self.free_reg + n;
        if needed > self.max_stack {
            if needed >= MAX_REGS {
                return Err(CompileError::syntax("function or expression needs too many registers"));
            }
            self.max_stack = needed;
        }
        Ok(())
    }

    pub fn reserve_regs(&mut self, n: u32) -> CResult<()> {
        self.check_stack(n)?;
        self.free_reg += n;
        Ok(())
    }

    /// Frees `reg` if it is a temporary (locals stay allocated).
    pub fn free_reg(&mut self, reg: u32) {
        if reg >= self.nvarstack {
            self.free_reg = self.free_reg.saturating_sub(1);
        }
    }

    /// Frees two temporaries in the right (stack) order.
    pub fn free_regs(&mut self, r1: u32, r2: u32) {
        let (high, low) = if r1 > r2 { (r1, r2) } else { (r2, r1) };
        self.free_reg(high);
        self.free_reg(low);
    }

    /// Sets `n` registers from `from` to nil, merging with a directly
    /// preceding LOADNIL over an adjacent or overlapping range.
    pub fn load_nil(&mut self, from: u32, n: u32, line: u32) {
        let last = (from + n).saturating_sub(1);
        if let Some(prev) = self.previous_instruction() {
            let inst = self.instr(prev);
            if self.opcode_at(prev) == Some(OpCode::LoadNil) {
                let pfrom = op::arg_a(inst);
                let plast = pfrom + op::arg_b(inst);
                if (pfrom <= from && from <= plast + 1) || (from <= pfrom && pfrom <= last + 1) {
                    let new_from = pfrom.min(from);
                    let new_last = plast.max(last);
                    self.modify(prev, |i| {
                        op::set_a(i, new_from);
                        op::set_b(i, new_last - new_from);
                    });
                    return;
                }
            }
        }
        self.emit(op::encode_abck(OpCode::LoadNil, from, n.saturating_sub(1), 0, false), line);
    }

    // ----- final pass -------------------------------------------------------

    /// Final adjustments once the whole body is known: returns learn
    /// whether they must close upvalues and fix a vararg frame, and jumps
    /// to jumps are short-circuited.
    pub fn finish(&mut self) -> CResult<()> {
        for pc in 0..self.code.len() {
            match self.opcode_at(pc) {
                Some(OpCode::Return0 | OpCode::Return1) if self.need_close || self.is_vararg => {
                    self.modify(pc, |i| op::set_opcode(i, OpCode::Return));
                    self.fix_return(pc);
                }
                Some(OpCode::Return | OpCode::TailCall) => self.fix_return(pc),
                Some(OpCode::Jmp) => {
                    let target = self.final_target(pc);
                    self.fix_jump(pc, target)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn fix_return(&mut self, pc: usize) {
        let (need_close, vararg, nparams) = (self.need_close, self.is_vararg, self.num_params);
        self.modify(pc, |i| {
            if need_close {
                op::set_k(i, true);
            }
            if vararg {
                op::set_c(i, nparams + 1);
            }
        });
    }

    /// Follows a chain of unconditional jumps (bounded, in case of loops).
    fn final_target(&self, mut pc: usize) -> usize {
        for _ in 0..100 {
            let inst = self.instr(pc);
            if op::get_opcode(inst) != Ok(OpCode::Jmp) {
                break;
            }
            let dest = i64::try_from(pc).unwrap_or(0) + 1 + i64::from(op::arg_sj(inst));
            match usize::try_from(dest) {
                Ok(d) if d <= self.code.len() => pc = d,
                _ => break,
            }
        }
        pc
    }
}
