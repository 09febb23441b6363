//! Code generation for expressions: turning expression descriptors into
//! registers, constants and jumps.
//!
//! The rules here decide which of several equivalent instruction sequences
//! is produced (immediate operands, constant operands, folding, jumps for
//! boolean operators); they follow the reference compiler's choices so
//! that the bytecode matches `luac` instruction for instruction.

use super::error::CResult;
use super::expdesc::{ExpDesc, ExpKind};
use super::func_state::KValue;
use super::numeric::{arith, float_to_int_exact, ArithOp, Number};
use super::opcodes::{self as op, OpCode, TagMethod, MAXARG_B, MAXARG_C, NO_REG};
use super::parser::Parser;

/// Binary operators, in order of the reference's operator table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BinOpr {
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
    Concat,
    Eq,
    Lt,
    Le,
    Ne,
    Gt,
    Ge,
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum UnOpr {
    Minus,
    BNot,
    Not,
    Len,
}

/// Opcodes and metamethod event of an arithmetic or bitwise operator:
/// (register form, constant form, event).
fn arith_opcodes(opr: BinOpr) -> Option<(OpCode, OpCode, TagMethod)> {
    use BinOpr::*;
    Some(match opr {
        Add => (OpCode::Add, OpCode::AddK, TagMethod::Add),
        Sub => (OpCode::Sub, OpCode::SubK, TagMethod::Sub),
        Mul => (OpCode::Mul, OpCode::MulK, TagMethod::Mul),
        Mod => (OpCode::Mod, OpCode::ModK, TagMethod::Mod),
        Pow => (OpCode::Pow, OpCode::PowK, TagMethod::Pow),
        Div => (OpCode::Div, OpCode::DivK, TagMethod::Div),
        IDiv => (OpCode::IDiv, OpCode::IDivK, TagMethod::IDiv),
        BAnd => (OpCode::BAnd, OpCode::BAndK, TagMethod::BAnd),
        BOr => (OpCode::BOr, OpCode::BOrK, TagMethod::BOr),
        BXor => (OpCode::BXor, OpCode::BXorK, TagMethod::BXor),
        // Shifts have no constant forms; the second entry is never used.
        Shl => (OpCode::Shl, OpCode::Shl, TagMethod::Shl),
        Shr => (OpCode::Shr, OpCode::Shr, TagMethod::Shr),
        _ => return None,
    })
}

impl BinOpr {
    /// The folding operation, for operators that may be constant-folded.
    fn fold_op(self) -> Option<ArithOp> {
        use BinOpr::*;
        Some(match self {
            Add => ArithOp::Add,
            Sub => ArithOp::Sub,
            Mul => ArithOp::Mul,
            Mod => ArithOp::Mod,
            Pow => ArithOp::Pow,
            Div => ArithOp::Div,
            IDiv => ArithOp::IDiv,
            BAnd => ArithOp::BAnd,
            BOr => ArithOp::BOr,
            BXor => ArithOp::BXor,
            Shl => ArithOp::Shl,
            Shr => ArithOp::Shr,
            _ => return None,
        })
    }
}

/// Operations that would raise an error at run time are not folded.
fn foldable(op: ArithOp, a: Number, b: Number) -> bool {
    match op {
        ArithOp::BAnd | ArithOp::BOr | ArithOp::BXor | ArithOp::Shl | ArithOp::Shr | ArithOp::BNot => {
            a.to_int_exact().is_some() && b.to_int_exact().is_some()
        }
        ArithOp::Div | ArithOp::IDiv | ArithOp::Mod => b.to_float() != 0.0,
        _ => true,
    }
}

fn kvalue_to_exp(v: KValue) -> ExpKind {
    match v {
        KValue::Nil => ExpKind::Nil,
        KValue::Bool(true) => ExpKind::True,
        KValue::Bool(false) => ExpKind::False,
        KValue::Int(i) => ExpKind::KInt(i),
        KValue::Flt(f) => ExpKind::KFlt(f),
        KValue::Str(s) => ExpKind::KStr(s),
    }
}

/// Register (or constant index) an expression has been reduced to.
fn info(e: &ExpDesc) -> u32 {
    match e.kind {
        ExpKind::NonReloc(r) | ExpKind::K(r) => r,
        _ => 0,
    }
}

/// Small integer usable as an unsigned C operand (table index).
fn is_c_int(e: &ExpDesc) -> Option<u32> {
    e.int_literal().and_then(|i| u32::try_from(i).ok()).filter(|&i| i <= MAXARG_C)
}

/// Integer literal usable as a signed immediate operand.
fn is_sc_int(e: &ExpDesc) -> bool {
    e.int_literal().is_some_and(op::fits_sc)
}

/// Numeral usable as a signed immediate operand; returns the encoded
/// operand. Like the reference, `is_float` is set for any integral float
/// literal, even one that then turns out not to fit, and callers pass it on.
fn is_sc_number(e: &ExpDesc, is_float: &mut bool) -> Option<u32> {
    let i = match e.kind {
        ExpKind::KInt(i) => i,
        ExpKind::KFlt(f) => {
            let i = float_to_int_exact(f)?;
            *is_float = true;
            i
        }
        _ => return None,
    };
    (!e.has_jumps() && op::fits_sc(i)).then(|| op::int_to_sc(i))
}

impl Parser<'_> {
    fn const_value(&self, abs_index: usize) -> KValue {
        self.actvars.get(abs_index).map_or(KValue::Nil, |v| v.value)
    }

    /// The constant value of an expression, if it has one (used to make
    /// `local x <const> = ...` a compile-time constant).
    pub fn exp_to_const(&self, e: &ExpDesc) -> Option<KValue> {
        if e.has_jumps() {
            return None;
        }
        Some(match e.kind {
            ExpKind::Nil => KValue::Nil,
            ExpKind::True => KValue::Bool(true),
            ExpKind::False => KValue::Bool(false),
            ExpKind::KStr(s) => KValue::Str(s),
            ExpKind::KInt(i) => KValue::Int(i),
            ExpKind::KFlt(f) => KValue::Flt(f),
            ExpKind::Const(i) => self.const_value(i),
            _ => return None,
        })
    }

    fn free_exp(&mut self, e: &ExpDesc) {
        if let ExpKind::NonReloc(r) = e.kind {
            self.fs.free_reg(r);
        }
    }

    fn free_exps(&mut self, e1: &ExpDesc, e2: &ExpDesc) {
        match (e1.kind, e2.kind) {
            (ExpKind::NonReloc(r1), ExpKind::NonReloc(r2)) => self.fs.free_regs(r1, r2),
            _ => {
                self.free_exp(e1);
                self.free_exp(e2);
            }
        }
    }

    /// Makes a multi-value expression produce `nresults` values (-1: all).
    pub fn set_returns(&mut self, e: &mut ExpDesc, nresults: i32) -> CResult<()> {
        let c = u32::try_from(nresults + 1).unwrap_or(0);
        match e.kind {
            ExpKind::Call(pc) => self.fs.modify(pc, |i| op::set_c(i, c)),
            ExpKind::Vararg(pc) => {
                let free = self.fs.free_reg;
                self.fs.modify(pc, |i| {
                    op::set_c(i, c);
                    op::set_a(i, free);
                });
                self.fs.reserve_regs(1)?;
            }
            _ => {}
        }
        Ok(())
    }

    pub fn set_mult_ret(&mut self, e: &mut ExpDesc) -> CResult<()> {
        self.set_returns(e, -1)
    }

    /// Makes a multi-value expression produce exactly one value.
    pub fn set_one_ret(&mut self, e: &mut ExpDesc) {
        match e.kind {
            // Calls are emitted producing one result already.
            ExpKind::Call(pc) => e.kind = ExpKind::NonReloc(op::arg_a(self.fs.instr(pc))),
            ExpKind::Vararg(pc) => {
                self.fs.modify(pc, |i| op::set_c(i, 2));
                e.kind = ExpKind::Reloc(pc);
            }
            _ => {}
        }
    }

    /// Turns variables into values (emitting loads where needed).
    pub fn discharge_vars(&mut self, e: &mut ExpDesc) {
        e.kind = match e.kind {
            ExpKind::Const(i) => kvalue_to_exp(self.const_value(i)),
            ExpKind::Local { reg, .. } => ExpKind::NonReloc(reg),
            ExpKind::Upval(u) => ExpKind::Reloc(self.code_abc(OpCode::GetUpval, 0, u, 0)),
            ExpKind::IndexUp { table, key } => ExpKind::Reloc(self.code_abc(OpCode::GetTabUp, 0, table, key)),
            ExpKind::IndexInt { table, key } => {
                self.fs.free_reg(table);
                ExpKind::Reloc(self.code_abc(OpCode::GetI, 0, table, key))
            }
            ExpKind::IndexStr { table, key } => {
                self.fs.free_reg(table);
                ExpKind::Reloc(self.code_abc(OpCode::GetField, 0, table, key))
            }
            ExpKind::Indexed { table, key } => {
                self.fs.free_regs(table, key);
                ExpKind::Reloc(self.code_abc(OpCode::GetTable, 0, table, key))
            }
            ExpKind::Call(_) | ExpKind::Vararg(_) => {
                self.set_one_ret(e);
                return;
            }
            other => other,
        };
    }

    /// Puts the main value of `e` (not its jump lists) into `reg`.
    fn discharge_to_reg(&mut self, e: &mut ExpDesc, reg: u32) -> CResult<()> {
        self.discharge_vars(e);
        match e.kind {
            ExpKind::Nil => self.load_nil(reg, 1),
            ExpKind::False => {
                self.code_abc(OpCode::LoadFalse, reg, 0, 0);
            }
            ExpKind::True => {
                self.code_abc(OpCode::LoadTrue, reg, 0, 0);
            }
            ExpKind::KStr(s) => {
                let k = self.string_k(s)?;
                self.load_constant(reg, k);
            }
            ExpKind::K(k) => self.load_constant(reg, k),
            ExpKind::KFlt(f) => self.load_float(reg, f)?,
            ExpKind::KInt(i) => self.load_int(reg, i)?,
            ExpKind::Reloc(pc) => self.fs.modify(pc, |i| op::set_a(i, reg)),
            ExpKind::NonReloc(r) => {
                if r != reg {
                    self.code_abc(OpCode::Move, reg, r, 0);
                }
            }
            _ => return Ok(()), // a comparison: its value is in its jumps
        }
        e.kind = ExpKind::NonReloc(reg);
        Ok(())
    }

    fn discharge_to_any_reg(&mut self, e: &mut ExpDesc) -> CResult<()> {
        if !matches!(e.kind, ExpKind::NonReloc(_)) {
            self.fs.reserve_regs(1)?;
            let reg = self.fs.free_reg - 1;
            self.discharge_to_reg(e, reg)?;
        }
        Ok(())
    }

    /// Emits LFALSESKIP/LOADTRUE, which are jump targets.
    fn code_load_bool(&mut self, reg: u32, o: OpCode) -> usize {
        self.fs.get_label();
        self.code_abc(o, reg, 0, 0)
    }

    /// Puts the complete value of `e`, including the values its jump lists
    /// stand for, into `reg`.
    fn exp_to_reg(&mut self, e: &mut ExpDesc, reg: u32) -> CResult<()> {
        self.discharge_to_reg(e, reg)?;
        if let ExpKind::Jmp(pc) = e.kind {
            let mut t = e.t;
            self.fs.concat(&mut t, Some(pc))?;
            e.t = t;
        }
        if e.has_jumps() {
            let mut load_false = None;
            let mut load_true = None;
            if self.fs.need_value(e.t) || self.fs.need_value(e.f) {
                let skip = if matches!(e.kind, ExpKind::Jmp(_)) { None } else { Some(self.jump()) };
                load_false = Some(self.code_load_bool(reg, OpCode::LFalseSkip));
                load_true = Some(self.code_load_bool(reg, OpCode::LoadTrue));
                self.fs.patch_to_here(skip)?;
            }
            let end = self.fs.get_label();
            self.fs.patch_list_aux(e.f, end, reg, load_false.unwrap_or(end))?;
            self.fs.patch_list_aux(e.t, end, reg, load_true.unwrap_or(end))?;
        }
        *e = ExpDesc::new(ExpKind::NonReloc(reg));
        Ok(())
    }

    /// Puts the value of `e` in the next free register.
    pub fn exp_to_next_reg(&mut self, e: &mut ExpDesc) -> CResult<()> {
        self.discharge_vars(e);
        self.free_exp(e);
        self.fs.reserve_regs(1)?;
        let reg = self.fs.free_reg - 1;
        self.exp_to_reg(e, reg)
    }

    /// Puts the value of `e` in some register and returns it.
    pub fn exp_to_any_reg(&mut self, e: &mut ExpDesc) -> CResult<u32> {
        self.discharge_vars(e);
        if let ExpKind::NonReloc(r) = e.kind {
            if !e.has_jumps() {
                return Ok(r);
            }
            // A temporary can receive the jump values; a local cannot.
            if r >= self.fs.nvarstack {
                self.exp_to_reg(e, r)?;
                return Ok(r);
            }
        }
        self.exp_to_next_reg(e)?;
        Ok(info(e))
    }

    /// Like `exp_to_any_reg`, but an upvalue may stay an upvalue.
    pub fn exp_to_any_reg_up(&mut self, e: &mut ExpDesc) -> CResult<()> {
        if !matches!(e.kind, ExpKind::Upval(_)) || e.has_jumps() {
            self.exp_to_any_reg(e)?;
        }
        Ok(())
    }

    /// Makes `e` a register or a constant.
    pub fn exp_to_val(&mut self, e: &mut ExpDesc) -> CResult<()> {
        if e.has_jumps() {
            self.exp_to_any_reg(e)?;
        } else {
            self.discharge_vars(e);
        }
        Ok(())
    }

    /// Tries to make `e` a constant whose index fits an RK operand. The
    /// constant is added to the table even when its index does not fit.
    fn exp_to_k(&mut self, e: &mut ExpDesc) -> CResult<bool> {
        if e.has_jumps() {
            return Ok(false);
        }
        let k = match e.kind {
            ExpKind::True => self.bool_k(true)?,
            ExpKind::False => self.bool_k(false)?,
            ExpKind::Nil => self.nil_k()?,
            ExpKind::KInt(i) => self.int_k(i)?,
            ExpKind::KFlt(f) => self.number_k(f)?,
            ExpKind::KStr(s) => self.string_k(s)?,
            ExpKind::K(k) => k,
            _ => return Ok(false),
        };
        if k <= MAXARG_B {
            e.kind = ExpKind::K(k);
            return Ok(true);
        }
        Ok(false)
    }

    /// Makes `e` an RK operand; returns true if it is a constant.
    pub fn exp_to_rk(&mut self, e: &mut ExpDesc) -> CResult<bool> {
        if self.exp_to_k(e)? {
            return Ok(true);
        }
        self.exp_to_any_reg(e)?;
        Ok(false)
    }

    fn code_abrk(&mut self, o: OpCode, a: u32, b: u32, ec: &mut ExpDesc) -> CResult<()> {
        let k = self.exp_to_rk(ec)?;
        self.code_abck(o, a, b, info(ec), k);
        Ok(())
    }

    /// Stores the value of `ex` into variable `var`.
    pub fn store_var(&mut self, var: &ExpDesc, ex: &mut ExpDesc) -> CResult<()> {
        match var.kind {
            ExpKind::Local { reg, .. } => {
                self.free_exp(ex);
                return self.exp_to_reg(ex, reg);
            }
            ExpKind::Upval(u) => {
                let r = self.exp_to_any_reg(ex)?;
                self.code_abc(OpCode::SetUpval, r, u, 0);
            }
            ExpKind::IndexUp { table, key } => self.code_abrk(OpCode::SetTabUp, table, key, ex)?,
            ExpKind::IndexInt { table, key } => self.code_abrk(OpCode::SetI, table, key, ex)?,
            ExpKind::IndexStr { table, key } => self.code_abrk(OpCode::SetField, table, key, ex)?,
            ExpKind::Indexed { table, key } => self.code_abrk(OpCode::SetTable, table, key, ex)?,
            _ => {} // the parser only stores into variables
        }
        self.free_exp(ex);
        Ok(())
    }

    /// Emits SELF for `e:key(...)`; `e` becomes the function register,
    /// followed by the `self` argument.
    pub fn self_op(&mut self, e: &mut ExpDesc, key: &mut ExpDesc) -> CResult<()> {
        let obj = self.exp_to_any_reg(e)?;
        self.free_exp(e);
        let base = self.fs.free_reg;
        e.kind = ExpKind::NonReloc(base);
        self.fs.reserve_regs(2)?;
        self.code_abrk(OpCode::Self_, base, obj, key)?;
        self.free_exp(key);
        Ok(())
    }

    /// Inverts the comparison behind a Jmp expression.
    fn negate_condition(&mut self, e: &ExpDesc) {
        if let ExpKind::Jmp(pc) = e.kind {
            let ctrl = self.fs.jump_control(pc);
            self.fs.modify(ctrl, |i| {
                let k = op::arg_k(*i);
                op::set_k(i, !k);
            });
        }
    }

    /// Emits a jump taken when `e` has truthiness `cond`; returns it.
    fn jump_on_cond(&mut self, e: &mut ExpDesc, cond: bool) -> CResult<usize> {
        if let ExpKind::Reloc(pc) = e.kind {
            let inst = self.fs.instr(pc);
            if op::get_opcode(inst) == Ok(OpCode::Not) {
                // `not x`: test x with the opposite condition instead.
                self.fs.remove_last_instruction();
                return Ok(self.cond_jump(OpCode::Test, op::arg_b(inst), 0, 0, !cond));
            }
        }
        self.discharge_to_any_reg(e)?;
        self.free_exp(e);
        Ok(self.cond_jump(OpCode::TestSet, NO_REG, info(e), 0, cond))
    }

    /// Falls through when `e` is true; jumps (via `e.f`) otherwise.
    pub fn go_if_true(&mut self, e: &mut ExpDesc) -> CResult<()> {
        self.discharge_vars(e);
        let jump = match e.kind {
            ExpKind::Jmp(pc) => {
                self.negate_condition(e);
                Some(pc)
            }
            ExpKind::K(_) | ExpKind::KFlt(_) | ExpKind::KInt(_) | ExpKind::KStr(_) | ExpKind::True => None,
            _ => Some(self.jump_on_cond(e, false)?),
        };
        let mut f = e.f;
        self.fs.concat(&mut f, jump)?;
        e.f = f;
        self.fs.patch_to_here(e.t)?;
        e.t = None;
        Ok(())
    }

    /// Falls through when `e` is false; jumps (via `e.t`) otherwise.
    pub fn go_if_false(&mut self, e: &mut ExpDesc) -> CResult<()> {
        self.discharge_vars(e);
        let jump = match e.kind {
            ExpKind::Jmp(pc) => Some(pc),
            ExpKind::Nil | ExpKind::False => None,
            _ => Some(self.jump_on_cond(e, true)?),
        };
        let mut t = e.t;
        self.fs.concat(&mut t, jump)?;
        e.t = t;
        self.fs.patch_to_here(e.f)?;
        e.f = None;
        Ok(())
    }

    fn code_not(&mut self, e: &mut ExpDesc) -> CResult<()> {
        match e.kind {
            ExpKind::Nil | ExpKind::False => e.kind = ExpKind::True,
            ExpKind::K(_) | ExpKind::KFlt(_) | ExpKind::KInt(_) | ExpKind::KStr(_) | ExpKind::True => {
                e.kind = ExpKind::False;
            }
            ExpKind::Jmp(_) => self.negate_condition(e),
            _ => {
                self.discharge_to_any_reg(e)?;
                self.free_exp(e);
                e.kind = ExpKind::Reloc(self.code_abc(OpCode::Not, 0, info(e), 0));
            }
        }
        std::mem::swap(&mut e.t, &mut e.f);
        // Negated values are never used as values, only as conditions.
        self.fs.remove_values(e.f);
        self.fs.remove_values(e.t);
        Ok(())
    }

    /// True if `e` is a short string constant usable as a field name.
    fn is_kstr(&self, e: &ExpDesc) -> bool {
        match e.kind {
            ExpKind::K(k) => !e.has_jumps() && k <= MAXARG_B && self.is_short_string_k(k),
            _ => false,
        }
    }

    /// Turns `t` (a register, local or upvalue) into the variable `t[k]`.
    pub fn indexed(&mut self, t: &mut ExpDesc, k: &mut ExpDesc) -> CResult<()> {
        if let ExpKind::KStr(s) = k.kind {
            k.kind = ExpKind::K(self.string_k(s)?);
        }
        if matches!(t.kind, ExpKind::Upval(_)) && !self.is_kstr(k) {
            self.exp_to_any_reg(t)?; // upvalues can only be indexed by names
        }
        if let ExpKind::Upval(u) = t.kind {
            t.kind = ExpKind::IndexUp { table: u, key: info(k) };
            return Ok(());
        }
        let table = match t.kind {
            ExpKind::Local { reg, .. } => reg,
            _ => info(t),
        };
        t.kind = if self.is_kstr(k) {
            ExpKind::IndexStr { table, key: info(k) }
        } else if let Some(i) = is_c_int(k) {
            ExpKind::IndexInt { table, key: i }
        } else {
            ExpKind::Indexed { table, key: self.exp_to_any_reg(k)? }
        };
        Ok(())
    }

    /// Folds `e1 op e2` into `e1` when both are numerals and the result is
    /// safe to compute now.
    fn const_folding(&self, op: ArithOp, e1: &mut ExpDesc, e2: &ExpDesc) -> bool {
        let (Some(a), Some(b)) = (e1.numeral(), e2.numeral()) else { return false };
        if !foldable(op, a, b) {
            return false;
        }
        match arith(op, a, b) {
            Some(Number::Int(i)) => e1.kind = ExpKind::KInt(i),
            // NaN and zero are not folded: -0.0 and NaN constants would
            // not survive the constant table faithfully.
            Some(Number::Float(f)) if !f.is_nan() && f != 0.0 => e1.kind = ExpKind::KFlt(f),
            _ => return false,
        }
        true
    }

    fn code_unary(&mut self, o: OpCode, e: &mut ExpDesc, line: u32) -> CResult<()> {
        let r = self.exp_to_any_reg(e)?;
        self.free_exp(e);
        e.kind = ExpKind::Reloc(self.code_abc(o, 0, r, 0));
        self.fs.fix_line(line);
        Ok(())
    }

    /// Emits `o` with operands e1 (made a register) and `v2`, followed by
    /// the metamethod fallback `mm`; the result is left relocatable in e1.
    #[allow(clippy::too_many_arguments)]
    fn finish_binary(
        &mut self,
        e1: &mut ExpDesc,
        e2: &ExpDesc,
        o: OpCode,
        v2: u32,
        flip: bool,
        line: u32,
        mm: OpCode,
        event: TagMethod,
    ) -> CResult<()> {
        let v1 = self.exp_to_any_reg(e1)?;
        let pc = self.code_abck(o, 0, v1, v2, false);
        self.free_exps(e1, e2);
        e1.kind = ExpKind::Reloc(pc);
        self.fs.fix_line(line);
        self.code_abck(mm, v1, v2, u32::from(event.code()), flip);
        self.fs.fix_line(line);
        Ok(())
    }

    /// Binary operation with both operands in registers.
    fn code_binary_regs(&mut self, o: OpCode, event: TagMethod, e1: &mut ExpDesc, e2: &mut ExpDesc, line: u32) -> CResult<()> {
        let v2 = self.exp_to_any_reg(e2)?;
        self.finish_binary(e1, e2, o, v2, false, line, OpCode::MmBin, event)
    }

    /// Binary operation with an immediate integer second operand.
    fn code_binary_imm(&mut self, o: OpCode, e1: &mut ExpDesc, e2: &ExpDesc, flip: bool, line: u32, event: TagMethod) -> CResult<()> {
        let v2 = op::int_to_sc(e2.int_literal().unwrap_or(0));
        self.finish_binary(e1, e2, o, v2, flip, line, OpCode::MmBinI, event)
    }

    /// `e1 - k` as `e1 + (-k)` (or `e1 << k` as `e1 >> -k`) when k is a
    /// small integer; the fallback still sees the original k.
    fn code_binary_negated(&mut self, e1: &mut ExpDesc, e2: &ExpDesc, o: OpCode, line: u32, event: TagMethod) -> CResult<bool> {
        let Some(k) = e2.int_literal() else { return Ok(false) };
        let neg = k.wrapping_neg();
        if !(op::fits_sc(k) && op::fits_sc(neg)) {
            return Ok(false);
        }
        self.finish_binary(e1, e2, o, op::int_to_sc(neg), false, line, OpCode::MmBinI, event)?;
        let last = self.fs.pc().saturating_sub(1);
        self.fs.modify(last, |i| op::set_b(i, op::int_to_sc(k)));
        Ok(true)
    }

    fn code_arith(&mut self, opr: BinOpr, e1: &mut ExpDesc, e2: &mut ExpDesc, flip: bool, line: u32) -> CResult<()> {
        let Some((reg_op, k_op, event)) = arith_opcodes(opr) else { return Ok(()) };
        if e2.numeral().is_some() && self.exp_to_k(e2)? {
            let v2 = info(e2);
            return self.finish_binary(e1, e2, k_op, v2, flip, line, OpCode::MmBinK, event);
        }
        if flip {
            std::mem::swap(e1, e2);
        }
        self.code_binary_regs(reg_op, event, e1, e2, line)
    }

    /// `+` and `*`: a numeral first operand is moved second, so that it can
    /// become an immediate or constant operand.
    fn code_commutative(&mut self, opr: BinOpr, e1: &mut ExpDesc, e2: &mut ExpDesc, line: u32) -> CResult<()> {
        let mut flip = false;
        if e1.numeral().is_some() {
            std::mem::swap(e1, e2);
            flip = true;
        }
        if opr == BinOpr::Add && is_sc_int(e2) {
            return self.code_binary_imm(OpCode::AddI, e1, e2, flip, line, TagMethod::Add);
        }
        self.code_arith(opr, e1, e2, flip, line)
    }

    /// `&`, `|`, `~`: an integer constant operand (either side) becomes K.
    fn code_bitwise(&mut self, opr: BinOpr, e1: &mut ExpDesc, e2: &mut ExpDesc, line: u32) -> CResult<()> {
        let Some((reg_op, k_op, event)) = arith_opcodes(opr) else { return Ok(()) };
        let mut flip = false;
        if matches!(e1.kind, ExpKind::KInt(_)) && self.exp_to_rk(e1)? {
            std::mem::swap(e1, e2);
            flip = true;
        } else if !(matches!(e2.kind, ExpKind::KInt(_)) && self.exp_to_rk(e2)?) {
            return self.code_binary_regs(reg_op, event, e1, e2, line);
        }
        let v2 = info(e2);
        self.finish_binary(e1, e2, k_op, v2, flip, line, OpCode::MmBinK, event)
    }

    /// `<` and `<=` (the caller swaps operands for `>` and `>=`).
    fn code_order(&mut self, o: OpCode, e1: &mut ExpDesc, e2: &mut ExpDesc) -> CResult<()> {
        let mut is_float = false;
        let (o, r1, r2) = if let Some(im) = is_sc_number(e2, &mut is_float) {
            let imm_op = if o == OpCode::Lt { OpCode::LtI } else { OpCode::LeI };
            (imm_op, self.exp_to_any_reg(e1)?, im)
        } else if let Some(im) = is_sc_number(e1, &mut is_float) {
            // a < b is b > a; a <= b is b >= a
            let imm_op = if o == OpCode::Lt { OpCode::GtI } else { OpCode::GeI };
            (imm_op, self.exp_to_any_reg(e2)?, im)
        } else {
            let r1 = self.exp_to_any_reg(e1)?;
            (o, r1, self.exp_to_any_reg(e2)?)
        };
        self.free_exps(e1, e2);
        e1.kind = ExpKind::Jmp(self.cond_jump(o, r1, r2, u32::from(is_float), true));
        Ok(())
    }

    /// `==` and `~=`; a constant first operand was left unloaded by
    /// `infix`, so it is swapped to the second position.
    fn code_eq(&mut self, opr: BinOpr, e1: &mut ExpDesc, e2: &mut ExpDesc) -> CResult<()> {
        if !matches!(e1.kind, ExpKind::NonReloc(_)) {
            std::mem::swap(e1, e2);
        }
        let r1 = self.exp_to_any_reg(e1)?;
        let mut is_float = false;
        let (o, r2) = if let Some(im) = is_sc_number(e2, &mut is_float) {
            (OpCode::EqI, im)
        } else if self.exp_to_rk(e2)? {
            (OpCode::EqK, info(e2))
        } else {
            (OpCode::Eq, self.exp_to_any_reg(e2)?)
        };
        self.free_exps(e1, e2);
        e1.kind = ExpKind::Jmp(self.cond_jump(o, r1, r2, u32::from(is_float), opr == BinOpr::Eq));
        Ok(())
    }

    /// Applies a unary operator.
    pub fn prefix(&mut self, opr: UnOpr, e: &mut ExpDesc, line: u32) -> CResult<()> {
        self.discharge_vars(e);
        let zero = ExpDesc::new(ExpKind::KInt(0)); // fake second operand for folding
        match opr {
            UnOpr::Minus if self.const_folding(ArithOp::Unm, e, &zero) => Ok(()),
            UnOpr::BNot if self.const_folding(ArithOp::BNot, e, &zero) => Ok(()),
            UnOpr::Minus => self.code_unary(OpCode::Unm, e, line),
            UnOpr::BNot => self.code_unary(OpCode::BNot, e, line),
            UnOpr::Len => self.code_unary(OpCode::Len, e, line),
            UnOpr::Not => self.code_not(e),
        }
    }

    /// Prepares the first operand of a binary operator before the second
    /// one is read.
    pub fn infix(&mut self, opr: BinOpr, v: &mut ExpDesc) -> CResult<()> {
        self.discharge_vars(v);
        match opr {
            BinOpr::And => self.go_if_true(v),
            BinOpr::Or => self.go_if_false(v),
            BinOpr::Concat => self.exp_to_next_reg(v),
            BinOpr::Eq | BinOpr::Ne => {
                if v.numeral().is_none() {
                    self.exp_to_rk(v)?;
                }
                Ok(())
            }
            BinOpr::Lt | BinOpr::Le | BinOpr::Gt | BinOpr::Ge => {
                if is_sc_number(v, &mut false).is_none() {
                    self.exp_to_any_reg(v)?;
                }
                Ok(())
            }
            _ => {
                // Arithmetic: keep numerals, they may fold with the second
                // operand.
                if v.numeral().is_none() {
                    self.exp_to_any_reg(v)?;
                }
                Ok(())
            }
        }
    }

    /// `e1 .. e2`, merging with a CONCAT just emitted for e2 (concatenation
    /// is right associative, so `a..b..c` emits one CONCAT of 3 values).
    fn code_concat(&mut self, e1: &ExpDesc, e2: &ExpDesc, line: u32) {
        let base = info(e1);
        if let Some(prev) = self.fs.previous_instruction() {
            let inst = self.fs.instr(prev);
            if op::get_opcode(inst) == Ok(OpCode::Concat) {
                let n = op::arg_b(inst);
                self.free_exp(e2);
                self.fs.modify(prev, |i| {
                    op::set_a(i, base);
                    op::set_b(i, n + 1);
                });
                return;
            }
        }
        self.code_abc(OpCode::Concat, base, 2, 0);
        self.free_exp(e2);
        self.fs.fix_line(line);
    }

    /// Completes a binary operation once both operands are known.
    pub fn posfix(&mut self, opr: BinOpr, e1: &mut ExpDesc, e2: &mut ExpDesc, line: u32) -> CResult<()> {
        self.discharge_vars(e2);
        if let Some(fold) = opr.fold_op() {
            if self.const_folding(fold, e1, e2) {
                return Ok(());
            }
        }
        match opr {
            BinOpr::And => {
                let mut f = e2.f;
                self.fs.concat(&mut f, e1.f)?;
                e2.f = f;
                *e1 = *e2;
            }
            BinOpr::Or => {
                let mut t = e2.t;
                self.fs.concat(&mut t, e1.t)?;
                e2.t = t;
                *e1 = *e2;
            }
            BinOpr::Concat => {
                self.exp_to_next_reg(e2)?;
                self.code_concat(e1, e2, line);
            }
            BinOpr::Add | BinOpr::Mul => self.code_commutative(opr, e1, e2, line)?,
            BinOpr::Sub => {
                if !self.code_binary_negated(e1, e2, OpCode::AddI, line, TagMethod::Sub)? {
                    self.code_arith(opr, e1, e2, false, line)?;
                }
            }
            BinOpr::Div | BinOpr::IDiv | BinOpr::Mod | BinOpr::Pow => self.code_arith(opr, e1, e2, false, line)?,
            BinOpr::BAnd | BinOpr::BOr | BinOpr::BXor => self.code_bitwise(opr, e1, e2, line)?,
            BinOpr::Shl => {
                if is_sc_int(e1) {
                    std::mem::swap(e1, e2);
                    self.code_binary_imm(OpCode::ShlI, e1, e2, true, line, TagMethod::Shl)?; // k << r
                } else if !self.code_binary_negated(e1, e2, OpCode::ShrI, line, TagMethod::Shl)? {
                    self.code_binary_regs(OpCode::Shl, TagMethod::Shl, e1, e2, line)?;
                }
            }
            BinOpr::Shr => {
                if is_sc_int(e2) {
                    self.code_binary_imm(OpCode::ShrI, e1, e2, false, line, TagMethod::Shr)?;
                } else {
                    self.code_binary_regs(OpCode::Shr, TagMethod::Shr, e1, e2, line)?;
                }
            }
            BinOpr::Eq | BinOpr::Ne => self.code_eq(opr, e1, e2)?,
            BinOpr::Lt => self.code_order(OpCode::Lt, e1, e2)?,
            BinOpr::Le => self.code_order(OpCode::Le, e1, e2)?,
            BinOpr::Gt | BinOpr::Ge => {
                std::mem::swap(e1, e2);
                let o = if opr == BinOpr::Gt { OpCode::Lt } else { OpCode::Le };
                self.code_order(o, e1, e2)?;
            }
        }
        Ok(())
    }
}
