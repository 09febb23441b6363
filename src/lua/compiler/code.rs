//! Instruction emission and the constant table.
//!
//! Every instruction is tagged with the line of the last token read
//! (`lex.last_line`); constructs spanning several lines fix lines up
//! afterwards with `FuncState::fix_line`.

use super::error::{CResult, CompileError};
use super::func_state::KValue;
use super::lexer::StrId;
use super::numeric::float_to_int_exact;
use super::opcodes::{self as op, OpCode, MAXARG_AX, MAXARG_BX, MAXARG_C};
use super::parser::{ConstKey, Parser};

impl Parser<'_> {
    pub fn code(&mut self, inst: u32) -> usize {
        let line = self.lex.last_line;
        self.fs.emit(inst, line)
    }

    pub fn code_abck(&mut self, o: OpCode, a: u32, b: u32, c: u32, k: bool) -> usize {
        self.code(op::encode_abck(o, a, b, c, k))
    }

    pub fn code_abc(&mut self, o: OpCode, a: u32, b: u32, c: u32) -> usize {
        self.code_abck(o, a, b, c, false)
    }

    pub fn code_abx(&mut self, o: OpCode, a: u32, bx: u32) -> usize {
        self.code(op::encode_abx(o, a, bx))
    }

    pub fn code_asbx(&mut self, o: OpCode, a: u32, sbx: i32) -> usize {
        self.code(op::encode_asbx(o, a, sbx))
    }

    pub fn code_extra_arg(&mut self, ax: u32) -> usize {
        self.code(op::encode_ax(OpCode::ExtraArg, ax))
    }

    /// Emits an unconditional jump to be patched later; returns its pc.
    pub fn jump(&mut self) -> usize {
        self.code(op::encode_sj(OpCode::Jmp, -1, false))
    }

    /// Emits a jump back to `target`.
    pub fn jump_to(&mut self, target: usize) -> CResult<()> {
        let j = self.jump();
        self.fs.patch_list(Some(j), target)
    }

    /// Emits a test or comparison followed by its jump; returns the jump.
    pub fn cond_jump(&mut self, o: OpCode, a: u32, b: u32, c: u32, k: bool) -> usize {
        self.code_abck(o, a, b, c, k);
        self.jump()
    }

    /// Emits the return of `nret` values starting at register `first`.
    pub fn ret(&mut self, first: u32, nret: i32) {
        let o = match nret {
            0 => OpCode::Return0,
            1 => OpCode::Return1,
            _ => OpCode::Return,
        };
        // nret is -1 (all values) or a small count, so nret + 1 >= 0.
        let b = u32::try_from(nret.saturating_add(1)).unwrap_or(0);
        self.code_abc(o, first, b, 0);
    }

    /// Loads constant number `k` into `reg`, using LOADKX when the index
    /// does not fit in Bx.
    pub fn load_constant(&mut self, reg: u32, k: u32) {
        if k <= MAXARG_BX {
            self.code_abx(OpCode::LoadK, reg, k);
        } else {
            self.code_abx(OpCode::LoadKX, reg, 0);
            self.code_extra_arg(k);
        }
    }

    pub fn load_int(&mut self, reg: u32, i: i64) -> CResult<()> {
        match i32::try_from(i).ok().filter(|&v| op::fits_sbx(i64::from(v))) {
            Some(v) => {
                self.code_asbx(OpCode::LoadI, reg, v);
            }
            None => {
                let k = self.int_k(i)?;
                self.load_constant(reg, k);
            }
        }
        Ok(())
    }

    pub fn load_float(&mut self, reg: u32, f: f64) -> CResult<()> {
        let small = float_to_int_exact(f).and_then(|i| i32::try_from(i).ok()).filter(|&v| op::fits_sbx(i64::from(v)));
        match small {
            Some(v) => {
                self.code_asbx(OpCode::LoadF, reg, v);
            }
            None => {
                let k = self.number_k(f)?;
                self.load_constant(reg, k);
            }
        }
        Ok(())
    }

    pub fn load_nil(&mut self, from: u32, n: u32) {
        let line = self.lex.last_line;
        self.fs.load_nil(from, n, line);
    }

    /// Sets the sizes of the NEWTABLE at `pc` (and its EXTRAARG).
    pub fn set_table_size(&mut self, pc: usize, reg: u32, array_size: u32, hash_size: u32) {
        let b = if hash_size == 0 { 0 } else { ceil_log2(hash_size) + 1 };
        let extra = array_size / (MAXARG_C + 1);
        let c = array_size % (MAXARG_C + 1);
        self.fs.set_instr(pc, op::encode_abck(OpCode::NewTable, reg, b, c, extra > 0));
        self.fs.set_instr(pc + 1, op::encode_ax(OpCode::ExtraArg, extra));
    }

    /// Emits SETLIST storing `count` values (0 = up to top) after the
    /// `stored` ones already in the table at `base`.
    pub fn set_list(&mut self, base: u32, stored: u32, count: u32) {
        if stored <= MAXARG_C {
            self.code_abc(OpCode::SetList, base, count, stored);
        } else {
            self.code_abck(OpCode::SetList, base, count, stored % (MAXARG_C + 1), true);
            self.code_extra_arg(stored / (MAXARG_C + 1));
        }
        self.fs.free_reg = base + 1;
    }

    // ----- constants --------------------------------------------------------

    /// Returns the index of constant `value`, reusing an existing entry
    /// when the shared cache points at an equal constant of this function.
    fn add_k(&mut self, key: ConstKey, value: KValue) -> CResult<u32> {
        if let Some(&k) = self.kcache.get(&key) {
            if self.fs.constants.get(k).is_some_and(|old| same_constant(old, &value)) {
                return Ok(u32::try_from(k).unwrap_or(u32::MAX));
            }
        }
        let k = self.fs.constants.len();
        let index = u32::try_from(k).ok().filter(|&i| i < MAXARG_AX).ok_or_else(|| {
            CompileError::plain(format!("too many constants (limit is {MAXARG_AX})").into_bytes())
        })?;
        self.kcache.insert(key, k);
        self.fs.constants.push(value);
        Ok(index)
    }

    pub fn string_k(&mut self, s: StrId) -> CResult<u32> {
        self.add_k(ConstKey::Str(s), KValue::Str(s))
    }

    pub fn int_k(&mut self, i: i64) -> CResult<u32> {
        self.add_k(ConstKey::Int(i), KValue::Int(i))
    }

    /// Floats with integral values must not share cache keys with integers;
    /// like the reference, such a float is keyed by a nearby non-integral
    /// value (which may itself collide, at worst duplicating an entry).
    pub fn number_k(&mut self, f: f64) -> CResult<u32> {
        let key = match float_to_int_exact(f) {
            None => ConstKey::Flt(f.to_bits()),
            Some(i) => {
                let q = 2f64.powi(-52);
                let alt = if i == 0 { q } else { f + f * q };
                match float_to_int_exact(alt) {
                    Some(collides) => ConstKey::Int(collides),
                    None => ConstKey::Flt(alt.to_bits()),
                }
            }
        };
        self.add_k(key, KValue::Flt(f))
    }

    pub fn bool_k(&mut self, b: bool) -> CResult<u32> {
        self.add_k(ConstKey::Bool(b), KValue::Bool(b))
    }

    pub fn nil_k(&mut self) -> CResult<u32> {
        self.add_k(ConstKey::Nil, KValue::Nil)
    }

    /// True if constant `k` exists and is a short string (one that the
    /// reference interns; only those may be field keys in instructions).
    pub fn is_short_string_k(&self, k: u32) -> bool {
        const MAX_SHORT_LEN: usize = 40;
        let konst = usize::try_from(k).ok().and_then(|k| self.fs.constants.get(k));
        match konst {
            Some(KValue::Str(s)) => self.lex.strings.get(*s).len() <= MAX_SHORT_LEN,
            _ => false,
        }
    }
}

/// Raw equality that also distinguishes integers from floats.
fn same_constant(a: &KValue, b: &KValue) -> bool {
    match (a, b) {
        (KValue::Flt(x), KValue::Flt(y)) => x == y,
        _ => a == b,
    }
}

/// ceil(log2(x)) for x >= 1.
fn ceil_log2(x: u32) -> u32 {
    32 - (x.max(1) - 1).leading_zeros()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ceil_log2_values() {
        let expected = [(1, 0), (2, 1), (3, 2), (4, 2), (5, 3), (8, 3), (9, 4), (256, 8), (257, 9)];
        for (x, l) in expected {
            assert_eq!(super::ceil_log2(x), l, "x = {x}");
        }
    }
}
