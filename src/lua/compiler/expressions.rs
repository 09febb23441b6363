//! Grammar rules for expressions, table constructors and function bodies.
//!
//! ```text
//! expr        -> subexpr(0)
//! subexpr     -> (simpleexp | unop subexpr) { binop subexpr }
//! simpleexp   -> FLT | INT | STRING | nil | true | false | ... |
//!                constructor | function body | suffixedexp
//! suffixedexp -> primaryexp { '.' NAME | '[' expr ']' | ':' NAME args | args }
//! primaryexp  -> NAME | '(' expr ')'
//! ```

use super::error::{CResult, CompileError};
use super::expdesc::{ExpDesc, ExpKind};
use super::exprgen::{BinOpr, UnOpr};
use super::lexer::Token;
use super::opcodes::{OpCode, LFIELDS_PER_FLUSH, MAXARG_BX};
use super::parser::Parser;

/// Priority of unary operators (binds tighter than all binary operators
/// except `^`).
const UNARY_PRIORITY: u8 = 12;

fn unary_op(tok: Token) -> Option<UnOpr> {
    Some(match tok {
        Token::Not => UnOpr::Not,
        Token::Char(b'-') => UnOpr::Minus,
        Token::Char(b'~') => UnOpr::BNot,
        Token::Char(b'#') => UnOpr::Len,
        _ => return None,
    })
}

fn binary_op(tok: Token) -> Option<BinOpr> {
    Some(match tok {
        Token::Char(b'+') => BinOpr::Add,
        Token::Char(b'-') => BinOpr::Sub,
        Token::Char(b'*') => BinOpr::Mul,
        Token::Char(b'%') => BinOpr::Mod,
        Token::Char(b'^') => BinOpr::Pow,
        Token::Char(b'/') => BinOpr::Div,
        Token::IDiv => BinOpr::IDiv,
        Token::Char(b'&') => BinOpr::BAnd,
        Token::Char(b'|') => BinOpr::BOr,
        Token::Char(b'~') => BinOpr::BXor,
        Token::Shl => BinOpr::Shl,
        Token::Shr => BinOpr::Shr,
        Token::Concat => BinOpr::Concat,
        Token::Ne => BinOpr::Ne,
        Token::Eq => BinOpr::Eq,
        Token::Char(b'<') => BinOpr::Lt,
        Token::Le => BinOpr::Le,
        Token::Char(b'>') => BinOpr::Gt,
        Token::Ge => BinOpr::Ge,
        Token::And => BinOpr::And,
        Token::Or => BinOpr::Or,
        _ => return None,
    })
}

/// (left, right) binding priorities; right < left makes an operator
/// right associative.
fn priority(op: BinOpr) -> (u8, u8) {
    use BinOpr::*;
    match op {
        Add | Sub => (10, 10),
        Mul | Mod | Div | IDiv => (11, 11),
        Pow => (14, 13),
        BAnd => (6, 6),
        BOr => (4, 4),
        BXor => (5, 5),
        Shl | Shr => (7, 7),
        Concat => (9, 8),
        Eq | Lt | Le | Ne | Gt | Ge => (3, 3),
        And => (2, 2),
        Or => (1, 1),
    }
}

/// State of a table constructor being compiled.
struct Constructor {
    /// The table (in a fixed register).
    table: ExpDesc,
    /// Last list item read, not yet stored in a register.
    pending: ExpDesc,
    /// Number of hash ("record") items.
    hash_items: u32,
    /// Array items already stored with SETLIST.
    array_items: u32,
    /// Array items waiting in registers.
    to_store: u32,
}

impl Constructor {
    fn table_reg(&self) -> u32 {
        match self.table.kind {
            ExpKind::NonReloc(r) => r,
            _ => 0,
        }
    }
}

impl Parser<'_> {
    pub fn expr(&mut self) -> CResult<ExpDesc> {
        Ok(self.subexpr(0)?.0)
    }

    /// Parses operators binding tighter than `limit`; returns the
    /// expression and the first operator it did not consume.
    fn subexpr(&mut self, limit: u8) -> CResult<(ExpDesc, Option<BinOpr>)> {
        self.enter_level()?;
        let mut v = match unary_op(self.token()) {
            Some(uop) => {
                let line = self.lex.line;
                self.next()?;
                let mut operand = self.subexpr(UNARY_PRIORITY)?.0;
                self.prefix(uop, &mut operand, line)?;
                operand
            }
            None => self.simple_exp()?,
        };
        let mut op = binary_op(self.token());
        while let Some(o) = op {
            let (left, right) = priority(o);
            if left <= limit {
                break;
            }
            let line = self.lex.line;
            self.next()?;
            self.infix(o, &mut v)?;
            let (mut v2, next_op) = self.subexpr(right)?;
            self.posfix(o, &mut v, &mut v2, line)?;
            op = next_op;
        }
        self.leave_level();
        Ok((v, op))
    }

    fn simple_exp(&mut self) -> CResult<ExpDesc> {
        let kind = match self.token() {
            Token::Float(f) => ExpKind::KFlt(f),
            Token::Int(i) => ExpKind::KInt(i),
            Token::String(s) => ExpKind::KStr(s),
            Token::Nil => ExpKind::Nil,
            Token::True => ExpKind::True,
            Token::False => ExpKind::False,
            Token::Dots => {
                if !self.fs.is_vararg {
                    return Err(CompileError::syntax("cannot use '...' outside a vararg function"));
                }
                ExpKind::Vararg(self.code_abc(OpCode::Vararg, 0, 0, 1))
            }
            Token::Char(b'{') => return self.constructor(),
            Token::Function => {
                self.next()?;
                let line = self.lex.line;
                return self.body(false, line);
            }
            _ => return self.suffixed_exp(),
        };
        self.next()?;
        Ok(ExpDesc::new(kind))
    }

    fn primary_exp(&mut self) -> CResult<ExpDesc> {
        match self.token() {
            Token::Char(b'(') => {
                let line = self.lex.line;
                self.next()?;
                let mut v = self.expr()?;
                self.check_match(Token::Char(b')'), Token::Char(b'('), line)?;
                // Parentheses truncate multiple results to one value.
                self.discharge_vars(&mut v);
                Ok(v)
            }
            Token::Name(_) => self.single_var(),
            _ => Err(CompileError::syntax("unexpected symbol")),
        }
    }

    pub fn suffixed_exp(&mut self) -> CResult<ExpDesc> {
        let line = self.lex.line;
        let mut v = self.primary_exp()?;
        loop {
            match self.token() {
                Token::Char(b'.') => self.field_sel(&mut v)?,
                Token::Char(b'[') => {
                    self.exp_to_any_reg_up(&mut v)?;
                    let mut key = self.index_expr()?;
                    self.indexed(&mut v, &mut key)?;
                }
                Token::Char(b':') => {
                    self.next()?;
                    let mut key = ExpDesc::new(ExpKind::KStr(self.check_name()?));
                    self.self_op(&mut v, &mut key)?;
                    self.func_args(&mut v, line)?;
                }
                Token::Char(b'(' | b'{') | Token::String(_) => {
                    self.exp_to_next_reg(&mut v)?;
                    self.func_args(&mut v, line)?;
                }
                _ => return Ok(v),
            }
        }
    }

    /// `.NAME` or `:NAME` applied to `v`.
    pub fn field_sel(&mut self, v: &mut ExpDesc) -> CResult<()> {
        self.exp_to_any_reg_up(v)?;
        self.next()?;
        let mut key = ExpDesc::new(ExpKind::KStr(self.check_name()?));
        self.indexed(v, &mut key)
    }

    /// `[ expr ]`
    fn index_expr(&mut self) -> CResult<ExpDesc> {
        self.next()?;
        let mut v = self.expr()?;
        self.exp_to_val(&mut v)?;
        self.check_next(Token::Char(b']'))?;
        Ok(v)
    }

    /// `expr { ',' expr }`; all but the last expression are put in
    /// consecutive registers. Returns the last one and the count.
    pub fn expr_list(&mut self) -> CResult<(ExpDesc, usize)> {
        let mut v = self.expr()?;
        let mut n = 1;
        while self.test_next(Token::Char(b','))? {
            self.exp_to_next_reg(&mut v)?;
            v = self.expr()?;
            n += 1;
        }
        Ok((v, n))
    }

    /// Arguments of a call to the function in register `f`.
    fn func_args(&mut self, f: &mut ExpDesc, line: u32) -> CResult<()> {
        let mut args = match self.token() {
            Token::Char(b'(') => {
                self.next()?;
                let mut args = ExpDesc::void();
                if self.token() != Token::Char(b')') {
                    args = self.expr_list()?.0;
                    if args.is_multi() {
                        self.set_mult_ret(&mut args)?;
                    }
                }
                self.check_match(Token::Char(b')'), Token::Char(b'('), line)?;
                args
            }
            Token::Char(b'{') => self.constructor()?,
            Token::String(s) => {
                self.next()?;
                ExpDesc::new(ExpKind::KStr(s))
            }
            _ => return Err(CompileError::syntax("function arguments expected")),
        };
        let base = match f.kind {
            ExpKind::NonReloc(r) => r,
            _ => 0,
        };
        let b = if args.is_multi() {
            0 // arguments up to the top
        } else {
            if args.kind != ExpKind::Void {
                self.exp_to_next_reg(&mut args)?;
            }
            self.fs.free_reg - base // argument count + 1
        };
        *f = ExpDesc::new(ExpKind::Call(self.code_abc(OpCode::Call, base, b, 2)));
        self.fs.fix_line(line);
        // The call consumes function and arguments and leaves one result.
        self.fs.free_reg = base + 1;
        Ok(())
    }

    // ----- table constructors ----------------------------------------------

    /// `{ [field { sep field } [sep]] }`
    pub fn constructor(&mut self) -> CResult<ExpDesc> {
        let line = self.lex.line;
        let pc = self.code_abc(OpCode::NewTable, 0, 0, 0);
        self.code(0); // room for the EXTRAARG with the array size
        let mut cc = Constructor {
            table: ExpDesc::new(ExpKind::NonReloc(self.fs.free_reg)),
            pending: ExpDesc::void(),
            hash_items: 0,
            array_items: 0,
            to_store: 0,
        };
        self.fs.reserve_regs(1)?;
        self.check_next(Token::Char(b'{'))?;
        loop {
            if self.token() == Token::Char(b'}') {
                break;
            }
            self.close_list_field(&mut cc)?;
            self.field(&mut cc)?;
            if !(self.test_next(Token::Char(b','))? || self.test_next(Token::Char(b';'))?) {
                break;
            }
        }
        self.check_match(Token::Char(b'}'), Token::Char(b'{'), line)?;
        self.last_list_field(&mut cc)?;
        let reg = cc.table_reg();
        self.set_table_size(pc, reg, cc.array_items, cc.hash_items);
        Ok(cc.table)
    }

    fn field(&mut self, cc: &mut Constructor) -> CResult<()> {
        match self.token() {
            Token::Name(_) => {
                if self.lex.lookahead()? == Token::Char(b'=') {
                    self.record_field(cc)
                } else {
                    self.list_field(cc)
                }
            }
            Token::Char(b'[') => self.record_field(cc),
            _ => self.list_field(cc),
        }
    }

    /// `NAME = expr` or `[expr] = expr`
    fn record_field(&mut self, cc: &mut Constructor) -> CResult<()> {
        let reg = self.fs.free_reg;
        let mut key = match self.token() {
            Token::Name(_) => ExpDesc::new(ExpKind::KStr(self.check_name()?)),
            _ => self.index_expr()?,
        };
        cc.hash_items += 1;
        self.check_next(Token::Char(b'='))?;
        let mut target = cc.table;
        self.indexed(&mut target, &mut key)?;
        let mut value = self.expr()?;
        self.store_var(&target, &mut value)?;
        self.fs.free_reg = reg;
        Ok(())
    }

    fn list_field(&mut self, cc: &mut Constructor) -> CResult<()> {
        cc.pending = self.expr()?;
        cc.to_store += 1;
        Ok(())
    }

    /// Puts the previous list item in its register, flushing a full batch.
    fn close_list_field(&mut self, cc: &mut Constructor) -> CResult<()> {
        if cc.pending.kind == ExpKind::Void {
            return Ok(());
        }
        self.exp_to_next_reg(&mut cc.pending)?;
        cc.pending = ExpDesc::void();
        if cc.to_store == LFIELDS_PER_FLUSH {
            self.set_list(cc.table_reg(), cc.array_items, cc.to_store);
            cc.array_items += cc.to_store;
            cc.to_store = 0;
        }
        Ok(())
    }

    /// Stores the remaining list items; a final call or `...` contributes
    /// all its values.
    fn last_list_field(&mut self, cc: &mut Constructor) -> CResult<()> {
        if cc.to_store == 0 {
            return Ok(());
        }
        if cc.pending.is_multi() {
            self.set_mult_ret(&mut cc.pending)?;
            self.set_list(cc.table_reg(), cc.array_items, 0);
            // The open item's count is unknown; it is not counted.
            cc.array_items += cc.to_store - 1;
        } else {
            if cc.pending.kind != ExpKind::Void {
                self.exp_to_next_reg(&mut cc.pending)?;
            }
            self.set_list(cc.table_reg(), cc.array_items, cc.to_store);
            cc.array_items += cc.to_store;
        }
        Ok(())
    }

    // ----- functions -----------------------------------------------------------

    /// `( parlist ) block end`; leaves the closure in the next register.
    pub fn body(&mut self, is_method: bool, line: u32) -> CResult<ExpDesc> {
        self.open_function(line)?;
        self.check_next(Token::Char(b'('))?;
        if is_method {
            self.new_local_var_literal(b"self")?;
            self.adjust_local_vars(1)?;
        }
        self.param_list()?;
        self.check_next(Token::Char(b')'))?;
        self.statement_list()?;
        self.fs.last_line_defined = self.lex.line;
        self.check_match(Token::End, Token::Function, line)?;
        let proto = self.close_function()?;
        if self.fs.protos.len() >= usize::try_from(MAXARG_BX).unwrap_or(usize::MAX) {
            let msg = format!("too many functions (limit is {MAXARG_BX})");
            return Err(CompileError::plain(msg.into_bytes()));
        }
        self.fs.protos.push(proto);
        let index = u32::try_from(self.fs.protos.len() - 1).unwrap_or(0);
        let mut closure = ExpDesc::new(ExpKind::Reloc(self.code_abx(OpCode::Closure, 0, index)));
        self.exp_to_next_reg(&mut closure)?;
        Ok(closure)
    }

    /// `[ {NAME ','} (NAME | '...') ]`
    fn param_list(&mut self) -> CResult<()> {
        let mut nparams = 0;
        let mut is_vararg = false;
        if self.token() != Token::Char(b')') {
            loop {
                match self.token() {
                    Token::Name(_) => {
                        let name = self.check_name()?;
                        self.new_local_var(name)?;
                        nparams += 1;
                    }
                    Token::Dots => {
                        self.next()?;
                        is_vararg = true;
                    }
                    _ => return Err(CompileError::syntax("<name> or '...' expected")),
                }
                if is_vararg || !self.test_next(Token::Char(b','))? {
                    break;
                }
            }
        }
        self.adjust_local_vars(nparams)?;
        let declared = u32::try_from(self.fs.nactvar).unwrap_or(u32::MAX);
        self.fs.num_params = declared;
        if is_vararg {
            self.set_vararg(declared);
        }
        self.fs.reserve_regs(declared)
    }

    pub fn set_vararg(&mut self, nparams: u32) {
        self.fs.is_vararg = true;
        self.code_abc(OpCode::VarargPrep, nparams, 0, 0);
    }
}
