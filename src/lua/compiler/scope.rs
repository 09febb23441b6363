//! Scopes: local variables, upvalues, blocks, labels and gotos.
//!
//! A goto whose label is not yet known is kept pending; whenever a label is
//! declared, pending gotos of the current block with that name are
//! resolved. When a block ends, its pending gotos move to the enclosing
//! block (remembering whether they leave the scope of a captured variable,
//! in which case the jump must close upvalues). `break` is a goto to an
//! implicit label "break" declared at the end of each loop.

use super::error::{cat, CResult, CompileError};
use super::expdesc::{ExpDesc, ExpKind};
use super::func_state::{BlockScope, FuncState, KValue, LocalDebug, UpvalInfo};
use super::lexer::StrId;
use super::opcodes::OpCode;
use super::parser::{LabelDesc, Parser, VarDesc};
use super::proto::VarKind;

/// Maximum number of local variables per function.
const MAX_VARS: usize = 200;
/// Maximum number of upvalues per function.
const MAX_UPVALUES: usize = 255;
/// Limit of the reference's `short`-indexed arrays (debug locals, labels).
const SHORT_LIMIT: usize = 32767;

impl Parser<'_> {
    /// Function at nesting `level` (0 = main chunk, the last level is the
    /// current function).
    fn func(&self, level: usize) -> Option<&FuncState> {
        if level == self.enclosing.len() {
            Some(&self.fs)
        } else {
            self.enclosing.get(level)
        }
    }

    fn func_mut(&mut self, level: usize) -> Option<&mut FuncState> {
        if level == self.enclosing.len() {
            Some(&mut self.fs)
        } else {
            self.enclosing.get_mut(level)
        }
    }

    /// Variable `vidx` (index within its function) of the current function.
    pub fn local_var(&self, vidx: usize) -> Option<&VarDesc> {
        self.actvars.get(self.fs.first_local + vidx)
    }

    /// Register level above the first `nvar` active variables of the
    /// current function (compile-time constants take no register).
    pub fn reg_level(&self, nvar: usize) -> u32 {
        let first = self.fs.first_local;
        let vars = self.actvars.get(first..first + nvar).unwrap_or(&[]);
        vars.iter().rev().find(|v| v.kind != VarKind::CompileTimeConst).map_or(0, |v| v.reg + 1)
    }

    /// Declares a local variable (not yet in scope); returns its index
    /// within the current function.
    pub fn new_local_var(&mut self, name: StrId) -> CResult<usize> {
        let count = self.actvars.len() + 1 - self.fs.first_local;
        if count > MAX_VARS {
            return Err(self.error_limit(self.fs.line_defined, MAX_VARS, "local variables"));
        }
        self.actvars.push(VarDesc { name, kind: VarKind::Regular, reg: 0, debug_index: 0, value: KValue::Nil });
        Ok(count - 1)
    }

    pub fn new_local_var_literal(&mut self, name: &[u8]) -> CResult<usize> {
        let id = self.lex.strings.intern(name);
        self.new_local_var(id)
    }

    fn register_local_debug(&mut self, name: StrId) -> CResult<usize> {
        if self.fs.local_debug.len() >= SHORT_LIMIT {
            let msg = format!("too many local variables (limit is {SHORT_LIMIT})");
            return Err(CompileError::plain(msg.into_bytes()));
        }
        let start_pc = self.fs.pc();
        self.fs.local_debug.push(LocalDebug { name, start_pc, end_pc: 0 });
        Ok(self.fs.local_debug.len() - 1)
    }

    /// Brings the next `nvars` declared variables into scope, giving them
    /// consecutive registers.
    pub fn adjust_local_vars(&mut self, nvars: usize) -> CResult<()> {
        let mut reg = self.fs.nvarstack;
        for _ in 0..nvars {
            let abs = self.fs.first_local + self.fs.nactvar;
            self.fs.nactvar += 1;
            let name = self.actvars.get(abs).map_or(self.env_name, |v| v.name);
            let debug_index = self.register_local_debug(name)?;
            if let Some(var) = self.actvars.get_mut(abs) {
                var.reg = reg;
                var.debug_index = debug_index;
            }
            reg += 1;
        }
        self.fs.nvarstack = reg;
        Ok(())
    }

    /// Ends the scope of the variables above `level`.
    fn remove_vars(&mut self, level: usize) {
        let pc = self.fs.pc();
        while self.fs.nactvar > level {
            self.fs.nactvar -= 1;
            let Some(var) = self.actvars.get(self.fs.first_local + self.fs.nactvar) else { continue };
            if var.kind != VarKind::CompileTimeConst {
                if let Some(debug) = self.fs.local_debug.get_mut(var.debug_index) {
                    debug.end_pc = pc;
                }
            }
        }
        self.actvars.truncate(self.fs.first_local + level);
        self.fs.nvarstack = self.reg_level(level);
    }

    // ----- name resolution ---------------------------------------------------

    /// Looks for an active local named `name` in the function at `level`.
    fn search_var(&self, level: usize, name: StrId) -> Option<ExpKind> {
        let fs = self.func(level)?;
        let vars = self.actvars.get(fs.first_local..fs.first_local + fs.nactvar)?;
        let vidx = vars.iter().rposition(|v| v.name == name)?;
        Some(match vars.get(vidx)? {
            v if v.kind == VarKind::CompileTimeConst => ExpKind::Const(fs.first_local + vidx),
            v => ExpKind::Local { reg: v.reg, vidx },
        })
    }

    /// Marks the block declaring local `vidx` of function `level` as having
    /// a captured variable.
    fn mark_upval(&mut self, level: usize, vidx: usize) {
        if let Some(fs) = self.func_mut(level) {
            if let Some(block) = fs.blocks.iter_mut().rev().find(|b| b.nactvar <= vidx) {
                block.has_upval = true;
            }
            fs.need_close = true;
        }
    }

    /// The current block holds a to-be-closed variable.
    pub fn mark_to_be_closed(&mut self) {
        if let Some(block) = self.fs.blocks.last_mut() {
            block.has_upval = true;
            block.inside_tbc = true;
        }
        self.fs.need_close = true;
    }

    fn new_upvalue(&mut self, level: usize, name: StrId, var: &ExpDesc) -> CResult<u32> {
        let prev_level = level.saturating_sub(1);
        let (in_stack, index, kind) = match var.kind {
            ExpKind::Local { reg, vidx } => {
                let first = self.func(prev_level).map_or(0, |f| f.first_local);
                let kind = self.actvars.get(first + vidx).map_or(VarKind::Regular, |v| v.kind);
                (true, reg, kind)
            }
            ExpKind::Upval(u) => {
                let prev = self.func(prev_level);
                let up = prev.and_then(|f| f.upvalues.get(usize::try_from(u).unwrap_or(usize::MAX)));
                (false, u, up.map_or(VarKind::Regular, |up| up.kind))
            }
            _ => (false, 0, VarKind::Regular),
        };
        let Some(fs) = self.func(level) else { return Ok(0) };
        if fs.upvalues.len() + 1 > MAX_UPVALUES {
            return Err(self.error_limit(fs.line_defined, MAX_UPVALUES, "upvalues"));
        }
        let Some(fs) = self.func_mut(level) else { return Ok(0) };
        fs.upvalues.push(UpvalInfo { name, in_stack, index, kind });
        Ok(u32::try_from(fs.upvalues.len() - 1).unwrap_or(0))
    }

    /// Resolves `name` as seen from the function at `level`: a local, an
    /// upvalue (created along the chain of functions as needed), a
    /// compile-time constant, or `Void` for a global.
    fn single_var_aux(&mut self, level: Option<usize>, name: StrId, base: bool) -> CResult<ExpDesc> {
        let Some(level) = level else { return Ok(ExpDesc::void()) };
        if let Some(kind) = self.search_var(level, name) {
            if let (ExpKind::Local { vidx, .. }, false) = (kind, base) {
                self.mark_upval(level, vidx); // used by an inner function
            }
            return Ok(ExpDesc::new(kind));
        }
        let existing = self.func(level).and_then(|fs| fs.upvalues.iter().position(|u| u.name == name));
        let index = match existing {
            Some(i) => u32::try_from(i).unwrap_or(0),
            None => {
                let outer = self.single_var_aux(level.checked_sub(1), name, false)?;
                match outer.kind {
                    ExpKind::Local { .. } | ExpKind::Upval(_) => self.new_upvalue(level, name, &outer)?,
                    _ => return Ok(outer), // global or compile-time constant
                }
            }
        };
        Ok(ExpDesc::new(ExpKind::Upval(index)))
    }

    /// Parses a name and resolves it; globals become `_ENV.name`.
    pub fn single_var(&mut self) -> CResult<ExpDesc> {
        let name = self.check_name()?;
        let level = Some(self.enclosing.len());
        let mut var = self.single_var_aux(level, name, true)?;
        if var.kind == ExpKind::Void {
            var = self.single_var_aux(level, self.env_name, true)?;
            let mut key = ExpDesc::new(ExpKind::KStr(name));
            self.indexed(&mut var, &mut key)?;
        }
        Ok(var)
    }

    // ----- blocks ----------------------------------------------------------

    pub fn enter_block(&mut self, is_loop: bool) -> CResult<()> {
        let inside_tbc = self.fs.blocks.last().is_some_and(|b| b.inside_tbc);
        self.fs.blocks.push(BlockScope {
            first_label: self.labels.len(),
            first_goto: self.gotos.len(),
            nactvar: self.fs.nactvar,
            has_upval: false,
            is_loop,
            inside_tbc,
        });
        Ok(())
    }

    pub fn leave_block(&mut self) -> CResult<()> {
        let Some(block) = self.fs.blocks.last() else { return Ok(()) };
        let (nactvar, is_loop, first_goto, first_label) = (block.nactvar, block.is_loop, block.first_goto, block.first_label);
        let level = self.reg_level(nactvar);
        let has_close = is_loop && self.create_label(self.break_name, 0, false)?;
        let has_upval = self.fs.blocks.last().is_some_and(|b| b.has_upval);
        let is_inner = self.fs.blocks.len() > 1;
        if !has_close && is_inner && has_upval {
            self.code_abc(OpCode::Close, level, 0, 0);
        }
        // Which pending gotos leave the scope of some variable (computed
        // while the variables are still known).
        let leaving: Vec<bool> = self
            .gotos
            .get(first_goto..)
            .unwrap_or(&[])
            .iter()
            .map(|g| self.reg_level(g.nactvar) > level)
            .collect();
        self.fs.blocks.pop();
        self.remove_vars(nactvar);
        self.fs.free_reg = level;
        self.labels.truncate(first_label);
        if is_inner {
            for (goto, leaves) in self.gotos.iter_mut().skip(first_goto).zip(leaving) {
                goto.close |= leaves && has_upval;
                goto.nactvar = nactvar;
            }
        } else if let Some(goto) = self.gotos.get(first_goto).copied() {
            return Err(self.undefined_goto(&goto));
        }
        Ok(())
    }

    fn undefined_goto(&self, goto: &LabelDesc) -> CompileError {
        if goto.name == self.break_name {
            return CompileError::semantic(format!("break outside loop at line {}", goto.line));
        }
        CompileError::semantic(cat(&[
            b"no visible label '",
            self.name_bytes(goto.name),
            format!("' for <goto> at line {}", goto.line).as_bytes(),
        ]))
    }

    // ----- labels and gotos ----------------------------------------------------

    fn new_label_entry(&self, name: StrId, line: u32, pc: Option<usize>) -> LabelDesc {
        LabelDesc { name, pc, line, nactvar: self.fs.nactvar, close: false }
    }

    fn check_label_limit(len: usize) -> CResult<()> {
        if len >= SHORT_LIMIT {
            let msg = format!("too many labels/gotos (limit is {SHORT_LIMIT})");
            return Err(CompileError::plain(msg.into_bytes()));
        }
        Ok(())
    }

    /// Records a goto (or break) whose jump list is `pc`.
    pub fn new_goto_entry(&mut self, name: StrId, line: u32, pc: Option<usize>) -> CResult<()> {
        Self::check_label_limit(self.gotos.len())?;
        let entry = self.new_label_entry(name, line, pc);
        self.gotos.push(entry);
        Ok(())
    }

    /// A visible label of the current function with this name.
    pub fn find_label(&self, name: StrId) -> Option<LabelDesc> {
        self.labels.get(self.fs.first_label..)?.iter().find(|l| l.name == name).copied()
    }

    /// Declares a label at the current position and resolves pending gotos
    /// to it. `last`: the label ends its block, so the block's locals are
    /// already out of scope there. Returns true if a CLOSE was emitted.
    pub fn create_label(&mut self, name: StrId, line: u32, last: bool) -> CResult<bool> {
        Self::check_label_limit(self.labels.len())?;
        let pc = self.fs.get_label();
        let mut label = self.new_label_entry(name, line, Some(pc));
        if last {
            label.nactvar = self.fs.blocks.last().map_or(0, |b| b.nactvar);
        }
        self.labels.push(label);
        if self.solve_gotos(&label)? {
            let level = self.fs.nvarstack;
            self.code_abc(OpCode::Close, level, 0, 0);
            return Ok(true);
        }
        Ok(false)
    }

    /// Resolves the current block's pending gotos to `label`; returns true
    /// if any of them needs to close upvalues.
    fn solve_gotos(&mut self, label: &LabelDesc) -> CResult<bool> {
        let mut i = self.fs.blocks.last().map_or(0, |b| b.first_goto);
        let mut needs_close = false;
        while let Some(goto) = self.gotos.get(i).copied() {
            if goto.name != label.name {
                i += 1;
                continue;
            }
            needs_close |= goto.close;
            if goto.nactvar < label.nactvar {
                return Err(self.jump_scope_error(&goto));
            }
            self.fs.patch_list(goto.pc, label.pc.unwrap_or(0))?;
            self.gotos.remove(i);
        }
        Ok(needs_close)
    }

    fn jump_scope_error(&self, goto: &LabelDesc) -> CompileError {
        let var = self.local_var(goto.nactvar).map_or(&[][..], |v| self.name_bytes(v.name));
        CompileError::semantic(cat(&[
            b"<goto ",
            self.name_bytes(goto.name),
            format!("> at line {} jumps into the scope of local '", goto.line).as_bytes(),
            var,
            b"'",
        ]))
    }

    /// Errors if a label with this name is already visible.
    pub fn check_repeated_label(&self, name: StrId) -> CResult<()> {
        match self.find_label(name) {
            Some(label) => Err(CompileError::semantic(cat(&[
                b"label '",
                self.name_bytes(name),
                format!("' already defined on line {}", label.line).as_bytes(),
            ]))),
            None => Ok(()),
        }
    }
}
