//! Grammar rules for statements.
//!
//! After every statement all temporaries are released: `free_reg` goes
//! back to the first register above the active locals.

use super::error::{cat, CResult, CompileError};
use super::expdesc::{ExpDesc, ExpKind};
use super::lexer::Token;
use super::opcodes::{self as op, OpCode, MAXARG_BX};
use super::proto::VarKind;
use super::parser::Parser;

impl Parser<'_> {
    /// True if the current token ends a block (`until` only counts when
    /// `with_until`, as it closes a block but not its scope).
    fn block_follow(&self, with_until: bool) -> bool {
        match self.token() {
            Token::Else | Token::ElseIf | Token::End | Token::Eos => true,
            Token::Until => with_until,
            _ => false,
        }
    }

    pub fn statement_list(&mut self) -> CResult<()> {
        while !self.block_follow(true) {
            if self.token() == Token::Return {
                return self.statement(); // 'return' must be the last statement
            }
            self.statement()?;
        }
        Ok(())
    }

    fn block(&mut self) -> CResult<()> {
        self.enter_block(false)?;
        self.statement_list()?;
        self.leave_block()
    }

    fn statement(&mut self) -> CResult<()> {
        let line = self.lex.line;
        self.enter_level()?;
        match self.token() {
            Token::Char(b';') => self.next()?,
            Token::If => self.if_stat(line)?,
            Token::While => self.while_stat(line)?,
            Token::Do => {
                self.next()?;
                self.block()?;
                self.check_match(Token::End, Token::Do, line)?;
            }
            Token::For => self.for_stat(line)?,
            Token::Repeat => self.repeat_stat(line)?,
            Token::Function => self.func_stat(line)?,
            Token::Local => {
                self.next()?;
                if self.test_next(Token::Function)? {
                    self.local_func()?;
                } else {
                    self.local_stat()?;
                }
            }
            Token::DbColon => {
                self.next()?;
                let name = self.check_name()?;
                self.label_stat(name, line)?;
            }
            Token::Return => {
                self.next()?;
                self.ret_stat()?;
            }
            Token::Break => self.break_stat()?,
            Token::Goto => {
                self.next()?;
                self.goto_stat()?;
            }
            _ => self.expr_stat()?,
        }
        self.fs.free_reg = self.fs.nvarstack;
        self.leave_level();
        Ok(())
    }

    // ----- assignment and calls ------------------------------------------------

    fn expr_stat(&mut self) -> CResult<()> {
        let v = self.suffixed_exp()?;
        if matches!(self.token(), Token::Char(b'=' | b',')) {
            let mut targets = vec![v];
            return self.rest_assign(&mut targets, 0);
        }
        let ExpKind::Call(pc) = v.kind else {
            return Err(CompileError::syntax("syntax error"));
        };
        self.fs.modify(pc, |i| op::set_c(i, 1)); // a call statement keeps no results
        Ok(())
    }

    /// Parses the rest of a multiple assignment whose targets so far are
    /// `targets[..=index]`, then stores into `targets[index]`.
    fn rest_assign(&mut self, targets: &mut Vec<ExpDesc>, index: usize) -> CResult<()> {
        let Some(&target) = targets.get(index) else { return Ok(()) };
        if !target.is_var() {
            return Err(CompileError::syntax("syntax error"));
        }
        self.check_readonly(&target)?;
        let nvars = index + 1;
        if self.test_next(Token::Char(b','))? {
            let next = self.suffixed_exp()?;
            if !next.is_indexed() {
                self.check_conflict(targets, &next)?;
            }
            targets.push(next);
            self.enter_level()?;
            self.rest_assign(targets, index + 1)?;
            self.leave_level();
        } else {
            self.check_next(Token::Char(b'='))?;
            let (mut e, nexps) = self.expr_list()?;
            if nexps == nvars {
                self.set_one_ret(&mut e);
                let target = targets.get(index).copied().unwrap_or(target);
                return self.store_var(&target, &mut e);
            }
            self.adjust_assign(nvars, nexps, &mut e)?;
        }
        // Values are on the stack top: the last target takes the topmost.
        let mut value = ExpDesc::new(ExpKind::NonReloc(self.fs.free_reg.saturating_sub(1)));
        let target = targets.get(index).copied().unwrap_or(target);
        self.store_var(&target, &mut value)
    }

    /// In `t[i], i = ...` or `a.x, a = ...`, assigning a local/upvalue that
    /// an earlier target indexes with must not change that earlier target:
    /// copy the local/upvalue to a temporary and let the earlier targets
    /// use the copy.
    fn check_conflict(&mut self, targets: &mut [ExpDesc], v: &ExpDesc) -> CResult<()> {
        let extra = self.fs.free_reg;
        let mut conflict = false;
        for prev in targets.iter_mut() {
            match (&mut prev.kind, v.kind) {
                (ExpKind::IndexUp { table, key }, ExpKind::Upval(u)) if *table == u => {
                    conflict = true;
                    prev.kind = ExpKind::IndexStr { table: extra, key: *key };
                }
                (ExpKind::Indexed { table, key }, ExpKind::Local { reg, .. }) => {
                    if *table == reg {
                        conflict = true;
                        *table = extra;
                    }
                    if *key == reg {
                        conflict = true;
                        *key = extra;
                    }
                }
                (
                    ExpKind::IndexInt { table, .. } | ExpKind::IndexStr { table, .. },
                    ExpKind::Local { reg, .. },
                ) if *table == reg => {
                    conflict = true;
                    *table = extra;
                }
                _ => {}
            }
        }
        if conflict {
            match v.kind {
                ExpKind::Local { reg, .. } => self.code_abc(OpCode::Move, extra, reg, 0),
                ExpKind::Upval(u) => self.code_abc(OpCode::GetUpval, extra, u, 0),
                _ => 0,
            };
            self.fs.reserve_regs(1)?;
        }
        Ok(())
    }

    /// Errors when assigning to a `<const>` or `<close>` variable.
    fn check_readonly(&self, e: &ExpDesc) -> CResult<()> {
        let name = match e.kind {
            ExpKind::Const(abs) => self.actvars.get(abs).map(|v| v.name),
            ExpKind::Local { vidx, .. } => self.local_var(vidx).filter(|v| v.kind != VarKind::Regular).map(|v| v.name),
            ExpKind::Upval(u) => usize::try_from(u)
                .ok()
                .and_then(|u| self.fs.upvalues.get(u))
                .filter(|up| up.kind != VarKind::Regular)
                .map(|up| up.name),
            _ => None,
        };
        match name {
            Some(name) => Err(CompileError::semantic(cat(&[
                b"attempt to assign to const variable '",
                self.name_bytes(name),
                b"'",
            ]))),
            None => Ok(()),
        }
    }

    /// Adjusts `nexps` values (the last one being `e`) to `nvars`, leaving
    /// them in consecutive registers.
    pub fn adjust_assign(&mut self, nvars: usize, nexps: usize, e: &mut ExpDesc) -> CResult<()> {
        let to_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let needed = to_i64(nvars) - to_i64(nexps);
        if e.is_multi() {
            let extra = i32::try_from((needed + 1).max(0)).unwrap_or(i32::MAX);
            self.set_returns(e, extra)?;
        } else {
            if e.kind != ExpKind::Void {
                self.exp_to_next_reg(e)?;
            }
            if needed > 0 {
                let from = self.fs.free_reg;
                self.load_nil(from, u32::try_from(needed).unwrap_or(u32::MAX));
            }
        }
        if needed > 0 {
            self.fs.reserve_regs(u32::try_from(needed).unwrap_or(u32::MAX))?;
        } else {
            let surplus = u32::try_from(-needed).unwrap_or(u32::MAX);
            self.fs.free_reg = self.fs.free_reg.saturating_sub(surplus);
        }
        Ok(())
    }

    // ----- control structures ----------------------------------------------------

    /// Reads a condition; returns the jumps taken when it is false.
    fn cond(&mut self) -> CResult<Option<usize>> {
        let mut v = self.expr()?;
        if v.kind == ExpKind::Nil {
            v.kind = ExpKind::False; // all false values are alike here
        }
        self.go_if_true(&mut v)?;
        Ok(v.f)
    }

    fn goto_stat(&mut self) -> CResult<()> {
        let line = self.lex.line;
        let name = self.check_name()?;
        match self.find_label(name) {
            None => {
                // Forward jump, resolved when the label appears.
                let j = self.jump();
                self.new_goto_entry(name, line, Some(j))
            }
            Some(label) => {
                // Backward jump: close variables declared after the label.
                let label_level = self.reg_level(label.nactvar);
                if self.fs.nvarstack > label_level {
                    self.code_abc(OpCode::Close, label_level, 0, 0);
                }
                let j = self.jump();
                self.fs.patch_list(Some(j), label.pc.unwrap_or(0))
            }
        }
    }

    fn break_stat(&mut self) -> CResult<()> {
        let line = self.lex.line;
        self.next()?;
        let j = self.jump();
        self.new_goto_entry(self.break_name, line, Some(j))
    }

    fn label_stat(&mut self, name: super::lexer::StrId, line: u32) -> CResult<()> {
        self.check_next(Token::DbColon)?;
        // Skip other no-op statements, so that a label at the end of a
        // block really is at its end.
        while matches!(self.token(), Token::Char(b';') | Token::DbColon) {
            self.statement()?;
        }
        self.check_repeated_label(name)?;
        let last = self.block_follow(false);
        self.create_label(name, line, last)?;
        Ok(())
    }

    fn while_stat(&mut self, line: u32) -> CResult<()> {
        self.next()?;
        let start = self.fs.get_label();
        let exit = self.cond()?;
        self.enter_block(true)?;
        self.check_next(Token::Do)?;
        self.block()?;
        self.jump_to(start)?;
        self.check_match(Token::End, Token::While, line)?;
        self.leave_block()?;
        self.fs.patch_to_here(exit)
    }

    fn repeat_stat(&mut self, line: u32) -> CResult<()> {
        let start = self.fs.get_label();
        self.enter_block(true)?; // loop block
        self.enter_block(false)?; // scope block: the condition sees the body's locals
        self.next()?;
        self.statement_list()?;
        self.check_match(Token::Until, Token::Repeat, line)?;
        let mut exit = self.cond()?;
        let (scope_upval, scope_nactvar) = self.fs.blocks.last().map_or((false, 0), |b| (b.has_upval, b.nactvar));
        self.leave_block()?;
        if scope_upval {
            // Repeating must close the body's captured variables first.
            let normal_exit = self.jump();
            self.fs.patch_to_here(exit)?;
            let level = self.reg_level(scope_nactvar);
            self.code_abc(OpCode::Close, level, 0, 0);
            exit = Some(self.jump());
            self.fs.patch_to_here(Some(normal_exit))?;
        }
        self.fs.patch_list(exit, start)?;
        self.leave_block()
    }

    fn for_stat(&mut self, line: u32) -> CResult<()> {
        self.enter_block(true)?;
        self.next()?;
        let name = self.check_name()?;
        match self.token() {
            Token::Char(b'=') => self.for_num(name, line)?,
            Token::Char(b',') | Token::In => self.for_list(name)?,
            _ => return Err(CompileError::syntax("'=' or 'in' expected")),
        }
        self.check_match(Token::End, Token::For, line)?;
        self.leave_block()
    }

    /// Evaluates an expression into the next register.
    fn exp1(&mut self) -> CResult<()> {
        let mut e = self.expr()?;
        self.exp_to_next_reg(&mut e)
    }

    /// `NAME = exp, exp [, exp] forbody`
    fn for_num(&mut self, name: super::lexer::StrId, line: u32) -> CResult<()> {
        let base = self.fs.free_reg;
        for _ in 0..3 {
            self.new_local_var_literal(b"(for state)")?;
        }
        self.new_local_var(name)?;
        self.check_next(Token::Char(b'='))?;
        self.exp1()?;
        self.check_next(Token::Char(b','))?;
        self.exp1()?;
        if self.test_next(Token::Char(b','))? {
            self.exp1()?;
        } else {
            let reg = self.fs.free_reg;
            self.load_int(reg, 1)?;
            self.fs.reserve_regs(1)?;
        }
        self.adjust_local_vars(3)?;
        self.for_body(base, line, 1, false)
    }

    /// `NAME {, NAME} in explist forbody`
    fn for_list(&mut self, first: super::lexer::StrId) -> CResult<()> {
        let base = self.fs.free_reg;
        // generator, state, control, to-be-closed value
        for _ in 0..4 {
            self.new_local_var_literal(b"(for state)")?;
        }
        self.new_local_var(first)?;
        let mut nvars = 1;
        while self.test_next(Token::Char(b','))? {
            let name = self.check_name()?;
            self.new_local_var(name)?;
            nvars += 1;
        }
        self.check_next(Token::In)?;
        let line = self.lex.line;
        let (mut e, nexps) = self.expr_list()?;
        self.adjust_assign(4, nexps, &mut e)?;
        self.adjust_local_vars(4)?;
        self.mark_to_be_closed(); // the fourth value is closed at loop exit
        self.fs.check_stack(3)?; // room to call the generator
        self.for_body(base, line, nvars, true)
    }

    fn for_body(&mut self, base: u32, line: u32, nvars: usize, generic: bool) -> CResult<()> {
        self.check_next(Token::Do)?;
        let (prep_op, loop_op) = if generic { (OpCode::TForPrep, OpCode::TForLoop) } else { (OpCode::ForPrep, OpCode::ForLoop) };
        let prep = self.code_abx(prep_op, base, 0);
        self.enter_block(false)?;
        self.adjust_local_vars(nvars)?;
        self.fs.reserve_regs(u32::try_from(nvars).unwrap_or(u32::MAX))?;
        self.block()?;
        self.leave_block()?;
        let here = self.fs.get_label();
        self.fix_for_jump(prep, here, false)?;
        if generic {
            self.code_abc(OpCode::TForCall, base, 0, u32::try_from(nvars).unwrap_or(0));
            self.fs.fix_line(line);
        }
        let end = self.code_abx(loop_op, base, 0);
        self.fix_for_jump(end, prep + 1, true)?;
        self.fs.fix_line(line);
        Ok(())
    }

    /// Sets the Bx distance of a for-loop instruction (backwards for the
    /// loop instructions).
    fn fix_for_jump(&mut self, pc: usize, dest: usize, back: bool) -> CResult<()> {
        let distance = if back { (pc + 1).saturating_sub(dest) } else { dest.saturating_sub(pc + 1) };
        let bx = u32::try_from(distance)
            .ok()
            .filter(|&d| d <= MAXARG_BX)
            .ok_or_else(|| CompileError::syntax("control structure too long"))?;
        self.fs.modify(pc, |i| op::set_bx(i, bx));
        Ok(())
    }

    /// `[if | elseif] cond then block`; adds its exit jump to `escapes`.
    fn test_then_block(&mut self, escapes: &mut Option<usize>) -> CResult<()> {
        self.next()?;
        let mut v = self.expr()?;
        self.check_next(Token::Then)?;
        let skip_block = if self.token() == Token::Break {
            // `if cond then break`: jump straight out of the loop.
            let line = self.lex.line;
            self.go_if_false(&mut v)?;
            self.next()?;
            self.enter_block(false)?;
            self.new_goto_entry(self.break_name, line, v.t)?;
            while self.test_next(Token::Char(b';'))? {}
            if self.block_follow(false) {
                return self.leave_block();
            }
            Some(self.jump())
        } else {
            self.go_if_true(&mut v)?;
            self.enter_block(false)?;
            v.f
        };
        self.statement_list()?;
        self.leave_block()?;
        if matches!(self.token(), Token::Else | Token::ElseIf) {
            let j = self.jump();
            self.fs.concat(escapes, Some(j))?;
        }
        self.fs.patch_to_here(skip_block)
    }

    fn if_stat(&mut self, line: u32) -> CResult<()> {
        let mut escapes = None;
        self.test_then_block(&mut escapes)?;
        while self.token() == Token::ElseIf {
            self.test_then_block(&mut escapes)?;
        }
        if self.test_next(Token::Else)? {
            self.block()?;
        }
        self.check_match(Token::End, Token::If, line)?;
        self.fs.patch_to_here(escapes)
    }

    // ----- declarations ------------------------------------------------------------

    fn local_func(&mut self) -> CResult<()> {
        let vidx = self.fs.nactvar;
        let name = self.check_name()?;
        self.new_local_var(name)?;
        self.adjust_local_vars(1)?; // in scope inside its own body
        let line = self.lex.line;
        self.body(false, line)?;
        // Debug information sees the variable only once it has its value.
        let pc = self.fs.pc();
        if let Some(debug_index) = self.local_var(vidx).map(|v| v.debug_index) {
            if let Some(debug) = self.fs.local_debug.get_mut(debug_index) {
                debug.start_pc = pc;
            }
        }
        Ok(())
    }

    /// `[ '<' NAME '>' ]`
    fn local_attribute(&mut self) -> CResult<VarKind> {
        if !self.test_next(Token::Char(b'<'))? {
            return Ok(VarKind::Regular);
        }
        let name = self.check_name()?;
        self.check_next(Token::Char(b'>'))?;
        match self.name_bytes(name) {
            b"const" => Ok(VarKind::Const),
            b"close" => Ok(VarKind::ToClose),
            other => Err(CompileError::semantic(cat(&[b"unknown attribute '", other, b"'"]))),
        }
    }

    fn local_stat(&mut self) -> CResult<()> {
        let mut to_close = None;
        let mut nvars = 0;
        let mut last_vidx;
        loop {
            let name = self.check_name()?;
            last_vidx = self.new_local_var(name)?;
            let kind = self.local_attribute()?;
            if let Some(var) = self.actvars.get_mut(self.fs.first_local + last_vidx) {
                var.kind = kind;
            }
            if kind == VarKind::ToClose {
                if to_close.is_some() {
                    return Err(CompileError::semantic("multiple to-be-closed variables in local list"));
                }
                to_close = Some(self.fs.nactvar + nvars);
            }
            nvars += 1;
            if !self.test_next(Token::Char(b','))? {
                break;
            }
        }
        let (mut e, nexps) = if self.test_next(Token::Char(b'='))? { self.expr_list()? } else { (ExpDesc::void(), 0) };
        let last_abs = self.fs.first_local + last_vidx;
        let last_is_const = self.actvars.get(last_abs).is_some_and(|v| v.kind == VarKind::Const);
        let constant = if nvars == nexps && last_is_const { self.exp_to_const(&e) } else { None };
        if let Some(value) = constant {
            // The last variable is a compile-time constant: no register.
            if let Some(var) = self.actvars.get_mut(last_abs) {
                var.kind = VarKind::CompileTimeConst;
                var.value = value;
            }
            self.adjust_local_vars(nvars - 1)?;
            self.fs.nactvar += 1;
        } else {
            self.adjust_assign(nvars, nexps, &mut e)?;
            self.adjust_local_vars(nvars)?;
        }
        if let Some(level) = to_close {
            self.mark_to_be_closed();
            let reg = self.reg_level(level);
            self.code_abc(OpCode::Tbc, reg, 0, 0);
        }
        Ok(())
    }

    /// `NAME {'.' NAME} [':' NAME]`; returns the target and whether it is
    /// a method.
    fn func_name(&mut self) -> CResult<(ExpDesc, bool)> {
        let mut v = self.single_var()?;
        while self.token() == Token::Char(b'.') {
            self.field_sel(&mut v)?;
        }
        let is_method = self.token() == Token::Char(b':');
        if is_method {
            self.field_sel(&mut v)?;
        }
        Ok((v, is_method))
    }

    fn func_stat(&mut self, line: u32) -> CResult<()> {
        self.next()?;
        let (target, is_method) = self.func_name()?;
        let mut closure = self.body(is_method, line)?;
        self.check_readonly(&target)?;
        self.store_var(&target, &mut closure)?;
        self.fs.fix_line(line); // the definition "happens" on its first line
        Ok(())
    }

    fn ret_stat(&mut self) -> CResult<()> {
        let mut first = self.fs.nvarstack;
        let nret: i32;
        if self.block_follow(true) || self.token() == Token::Char(b';') {
            nret = 0;
        } else {
            let (mut e, n) = self.expr_list()?;
            if e.is_multi() {
                self.set_mult_ret(&mut e)?;
                let in_tbc = self.fs.blocks.last().is_some_and(|b| b.inside_tbc);
                if let (ExpKind::Call(pc), 1, false) = (e.kind, n, in_tbc) {
                    self.fs.modify(pc, |i| op::set_opcode(i, OpCode::TailCall));
                }
                nret = -1;
            } else if n == 1 {
                first = self.exp_to_any_reg(&mut e)?; // may use the original register
                nret = 1;
            } else {
                self.exp_to_next_reg(&mut e)?;
                nret = i32::try_from(n).unwrap_or(i32::MAX);
            }
        }
        self.ret(first, nret);
        self.test_next(Token::Char(b';'))?;
        Ok(())
    }
}
