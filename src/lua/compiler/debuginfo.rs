//! Names for values in run-time error messages ("attempt to call a nil
//! value (global 'f')"), found by a light symbolic execution of the
//! bytecode, with the same results as the reference's `getobjname`.
//!
//! Each function returns a (kind, name) pair, where kind is one of
//! "local", "global", "field", "upvalue", "method", "constant",
//! "metamethod" or "for iterator", and name is the Lua name (bytes).

use super::opcodes::{self as op, OpCode, TagMethod};
use super::proto::{Constant, Proto};

type Description = (&'static str, Vec<u8>);

fn instr(p: &Proto, pc: usize) -> Option<(u32, OpCode)> {
    let i = *p.code.get(pc)?;
    Some((i, op::get_opcode(i).ok()?))
}

fn upvalue_name(p: &Proto, index: u32) -> Vec<u8> {
    let up = usize::try_from(index).ok().and_then(|i| p.upvalues.get(i));
    match up {
        Some(up) if !up.name.is_empty() => up.name.clone(),
        _ => b"?".to_vec(),
    }
}

/// Name of constant `k` if it is a string, "?" otherwise.
fn constant_name(p: &Proto, k: u32) -> Vec<u8> {
    match usize::try_from(k).ok().and_then(|k| p.constants.get(k)) {
        Some(Constant::Str(s)) => s.clone(),
        _ => b"?".to_vec(),
    }
}

/// Name of a key held in register `reg`: only constants give names.
fn register_key_name(p: &Proto, pc: usize, reg: u32) -> Vec<u8> {
    match object_name(p, pc, reg) {
        Some(("constant", name)) => name,
        _ => b"?".to_vec(),
    }
}

/// Last instruction before `last_pc` that changed register `reg`, unless
/// that change may have been skipped by a jump (then nothing is known).
fn find_set_reg(p: &Proto, mut last_pc: usize, reg: u32) -> Option<usize> {
    if instr(p, last_pc).is_some_and(|(_, o)| o.is_metamethod_fallback()) {
        // An MMBIN* runs only when the previous instruction failed.
        last_pc = last_pc.saturating_sub(1);
    }
    let mut set_at = None;
    let mut jump_target = 0usize;
    for pc in 0..last_pc {
        let Some((i, o)) = instr(p, pc) else { break };
        let a = op::arg_a(i);
        let changes = match o {
            OpCode::LoadNil => a <= reg && reg <= a + op::arg_b(i),
            OpCode::TForCall => reg >= a + 2,
            OpCode::Call | OpCode::TailCall => reg >= a,
            OpCode::Jmp => {
                let dest = i64::try_from(pc).unwrap_or(0) + 1 + i64::from(op::arg_sj(i));
                if let Ok(dest) = usize::try_from(dest) {
                    // Code between here and a forward target is conditional.
                    if dest <= last_pc && dest > jump_target {
                        jump_target = dest;
                    }
                }
                false
            }
            _ => o.sets_a() && reg == a,
        };
        if changes {
            set_at = (pc >= jump_target).then_some(pc);
        }
    }
    set_at
}

/// "global" if the table indexed by instruction `i` is `_ENV`.
fn global_or_field(p: &Proto, pc: usize, i: u32, table_is_upvalue: bool) -> &'static str {
    let t = op::arg_b(i);
    let name = if table_is_upvalue {
        Some(upvalue_name(p, t))
    } else {
        object_name(p, pc, t).map(|(_, name)| name)
    };
    if name.as_deref() == Some(b"_ENV") {
        "global"
    } else {
        "field"
    }
}

fn object_name(p: &Proto, last_pc: usize, reg: u32) -> Option<Description> {
    let local_number = usize::try_from(reg).ok()? + 1;
    if let Some(name) = p.local_name(local_number, last_pc) {
        return Some(("local", name.to_vec()));
    }
    let pc = find_set_reg(p, last_pc, reg)?;
    let (i, o) = instr(p, pc)?;
    match o {
        OpCode::Move => {
            let b = op::arg_b(i);
            // Only moves from lower registers are followed (a copy of a
            // local into a temporary, for instance).
            if b < op::arg_a(i) {
                return object_name(p, pc, b);
            }
            None
        }
        OpCode::GetTabUp => Some((global_or_field(p, pc, i, true), constant_name(p, op::arg_c(i)))),
        OpCode::GetTable => {
            let key = register_key_name(p, pc, op::arg_c(i));
            Some((global_or_field(p, pc, i, false), key))
        }
        OpCode::GetI => Some(("field", b"integer index".to_vec())),
        OpCode::GetField => Some((global_or_field(p, pc, i, false), constant_name(p, op::arg_c(i)))),
        OpCode::GetUpval => Some(("upvalue", upvalue_name(p, op::arg_b(i)))),
        OpCode::LoadK | OpCode::LoadKX => {
            let k = if o == OpCode::LoadK { op::arg_bx(i) } else { op::arg_ax(*p.code.get(pc + 1)?) };
            match usize::try_from(k).ok().and_then(|k| p.constants.get(k)) {
                Some(Constant::Str(s)) => Some(("constant", s.clone())),
                _ => None,
            }
        }
        OpCode::Self_ => {
            let key = if op::arg_k(i) { constant_name(p, op::arg_c(i)) } else { register_key_name(p, pc, op::arg_c(i)) };
            Some(("method", key))
        }
        _ => None,
    }
}

/// Describes the value in register `reg` just before instruction `pc`
/// executes, e.g. `("global", b"print")` or `("local", b"x")`.
pub fn describe_register(proto: &Proto, pc: usize, reg: u8) -> Option<(&'static str, Vec<u8>)> {
    object_name(proto, pc, u32::from(reg))
}

/// Describes upvalue `index`: `("upvalue", name)`.
pub fn describe_upvalue(proto: &Proto, index: u8) -> Option<(&'static str, Vec<u8>)> {
    proto.upvalues.get(usize::from(index))?;
    Some(("upvalue", upvalue_name(proto, u32::from(index))))
}

/// Describes the function called by the instruction at `pc`, like the
/// reference's `funcnamefromcode`: the called value for CALL/TAILCALL,
/// `("for iterator", "for iterator")` for TFORCALL, and
/// `("metamethod", "index")` (etc.) for instructions that call
/// metamethods.
pub fn describe_call(proto: &Proto, pc: usize) -> Option<(&'static str, Vec<u8>)> {
    let (i, o) = instr(proto, pc)?;
    let event = match o {
        OpCode::Call | OpCode::TailCall => return object_name(proto, pc, op::arg_a(i)),
        OpCode::TForCall => return Some(("for iterator", b"for iterator".to_vec())),
        OpCode::Self_ | OpCode::GetTabUp | OpCode::GetTable | OpCode::GetI | OpCode::GetField => TagMethod::Index,
        OpCode::SetTabUp | OpCode::SetTable | OpCode::SetI | OpCode::SetField => TagMethod::NewIndex,
        OpCode::MmBin | OpCode::MmBinI | OpCode::MmBinK => TagMethod::from_u32(op::arg_c(i))?,
        OpCode::Unm => TagMethod::Unm,
        OpCode::BNot => TagMethod::BNot,
        OpCode::Len => TagMethod::Len,
        OpCode::Concat => TagMethod::Concat,
        OpCode::Eq => TagMethod::Eq,
        OpCode::Lt | OpCode::LtI | OpCode::GtI => TagMethod::Lt,
        OpCode::Le | OpCode::LeI | OpCode::GeI => TagMethod::Le,
        OpCode::Close | OpCode::Return => TagMethod::Close,
        _ => return None,
    };
    let name = event.name().strip_prefix("__").unwrap_or(event.name());
    Some(("metamethod", name.as_bytes().to_vec()))
}
