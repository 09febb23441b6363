//! Function prototypes, closures and upvalues in the heap.
//!
//! Prototype (object kind Proto):
//! ```text
//! 16 code block (u32 per instruction)   24 instruction count
//! 32 constants block (values)           40 constant count
//! 48 child prototypes (addresses)       56 child count
//! 64 upvalue descriptors (u64 each)     72 upvalue count
//! 80 params | vararg << 8 | max stack << 16
//! 88 line of each instruction (u32)     96 source name (string)
//! 104 line defined                      112 last line defined
//! 120 local variables (name, start pc u32, end pc u32)   128 count
//! 136 upvalue names (string addresses)
//! ```
//! Lua closure: 16 prototype, 24 upvalue count, 32.. upvalue objects.
//! Upvalue: 16 value (when closed), 32 stack slot (when open, else 0),
//! 40 next open upvalue of the same thread.
//! Native function: 16 function id, 24 upvalue count, 32.. values.

use super::compiler::{Constant, Proto, UpvalueDesc, VarKind};
use super::object::{new_object, Kind};
use super::state::{T_OPEN_UPVALS};
use super::string::new_string;
use super::value::{read_value, write_value, Value, VALUE_SIZE};
use crate::heap::{Addr, Fault, Heap};

pub const P_CODE: Addr = 16;
pub const P_NCODE: Addr = 24;
pub const P_K: Addr = 32;
pub const P_NK: Addr = 40;
pub const P_PROTOS: Addr = 48;
pub const P_NPROTOS: Addr = 56;
pub const P_UPVALS: Addr = 64;
pub const P_NUPVALS: Addr = 72;
pub const P_SHAPE: Addr = 80;
pub const P_LINES: Addr = 88;
pub const P_SOURCE: Addr = 96;
pub const P_LINEDEFINED: Addr = 104;
pub const P_LASTLINE: Addr = 112;
pub const P_LOCVARS: Addr = 120;
pub const P_NLOCVARS: Addr = 128;
pub const P_UPNAMES: Addr = 136;
const PROTO_SIZE: u64 = 144;

pub const CL_PROTO: Addr = 16;
pub const CL_NUPVALS: Addr = 24;
pub const CL_UPVALS: Addr = 32;

pub const UV_VALUE: Addr = 16;
pub const UV_SLOT: Addr = 32;
pub const UV_NEXT: Addr = 40;
const UPVAL_SIZE: u64 = 48;

pub const NF_ID: Addr = 16;
pub const NF_NUPVALS: Addr = 24;
pub const NF_UPVALS: Addr = 32;

fn block(h: &mut Heap, bytes: u64) -> Result<Addr, Fault> {
    if bytes == 0 {
        Ok(0)
    } else {
        h.alloc(bytes)
    }
}

/// Copies a compiled prototype tree into the heap.
pub fn store_proto(h: &mut Heap, g: Addr, p: &Proto) -> Result<Addr, Fault> {
    let addr = new_object(h, g, Kind::Proto, PROTO_SIZE)?;
    let code = block(h, p.code.len() as u64 * 4)?;
    for (i, ins) in p.code.iter().enumerate() {
        h.write_u32(code + i as u64 * 4, *ins)?;
    }
    h.write_u64(addr + P_CODE, code)?;
    h.write_u64(addr + P_NCODE, p.code.len() as u64)?;
    let lines = block(h, p.line_info.len() as u64 * 4)?;
    for (i, line) in p.line_info.iter().enumerate() {
        h.write_u32(lines + i as u64 * 4, *line)?;
    }
    h.write_u64(addr + P_LINES, lines)?;
    // Constants may allocate strings; keep the proto reachable first.
    let k = block(h, p.constants.len() as u64 * VALUE_SIZE)?;
    h.write_u64(addr + P_K, k)?;
    h.write_u64(addr + P_NK, p.constants.len() as u64)?;
    for (i, c) in p.constants.iter().enumerate() {
        let v = match c {
            Constant::Nil => Value::Nil,
            Constant::Bool(b) => Value::Bool(*b),
            Constant::Int(n) => Value::Int(*n),
            Constant::Float(f) => Value::Float(*f),
            Constant::Str(s) => Value::Str(new_string(h, g, s)?),
        };
        write_value(h, k + i as u64 * VALUE_SIZE, v)?;
    }
    let ups = block(h, p.upvalues.len() as u64 * 8)?;
    let upnames = block(h, p.upvalues.len() as u64 * 8)?;
    h.write_u64(addr + P_UPVALS, ups)?;
    h.write_u64(addr + P_UPNAMES, upnames)?;
    h.write_u64(addr + P_NUPVALS, p.upvalues.len() as u64)?;
    for (i, u) in p.upvalues.iter().enumerate() {
        h.write_u64(ups + i as u64 * 8, encode_upval(u))?;
        let name = new_string(h, g, &u.name)?;
        h.write_u64(upnames + i as u64 * 8, name)?;
    }
    let shape = u64::from(p.num_params) | (u64::from(p.is_vararg) << 8) | (u64::from(p.max_stack_size) << 16);
    h.write_u64(addr + P_SHAPE, shape)?;
    let source = new_string(h, g, p.source.as_bytes())?;
    h.write_u64(addr + P_SOURCE, source)?;
    h.write_u64(addr + P_LINEDEFINED, u64::from(p.line_defined))?;
    h.write_u64(addr + P_LASTLINE, u64::from(p.last_line_defined))?;
    let locvars = block(h, p.local_vars.len() as u64 * 16)?;
    h.write_u64(addr + P_LOCVARS, locvars)?;
    h.write_u64(addr + P_NLOCVARS, p.local_vars.len() as u64)?;
    for (i, lv) in p.local_vars.iter().enumerate() {
        let name = new_string(h, g, &lv.name)?;
        let at = locvars + i as u64 * 16;
        h.write_u64(at, name)?;
        h.write_u32(at + 8, lv.start_pc)?;
        h.write_u32(at + 12, lv.end_pc)?;
    }
    let protos = block(h, p.protos.len() as u64 * 8)?;
    h.write_u64(addr + P_PROTOS, protos)?;
    h.write_u64(addr + P_NPROTOS, 0)?;
    for (i, child) in p.protos.iter().enumerate() {
        let c = store_proto(h, g, child)?;
        h.write_u64(protos + i as u64 * 8, c)?;
        h.write_u64(addr + P_NPROTOS, i as u64 + 1)?;
    }
    Ok(addr)
}

fn encode_upval(u: &UpvalueDesc) -> u64 {
    let kind = match u.kind {
        VarKind::Regular => 0,
        VarKind::Const => 1,
        VarKind::ToClose => 2,
        VarKind::CompileTimeConst => 3,
    };
    u64::from(u.in_stack) | (u64::from(u.index) << 8) | (kind << 16)
}

/// (in_stack, index) of upvalue descriptor `i` of a prototype.
pub fn upval_desc(h: &mut Heap, proto: Addr, i: u64) -> Result<(bool, u64), Fault> {
    let ups = h.read_u64(proto + P_UPVALS)?;
    let d = h.read_u64(ups + i * 8)?;
    Ok((d & 1 == 1, (d >> 8) & 0xff))
}

/// (params, vararg, max stack) of a prototype.
pub fn shape(h: &mut Heap, proto: Addr) -> Result<(u64, bool, u64), Fault> {
    let s = h.read_u64(proto + P_SHAPE)?;
    Ok((s & 0xff, (s >> 8) & 1 == 1, (s >> 16) & 0xff))
}

pub fn new_closure(h: &mut Heap, g: Addr, proto: Addr, nupvals: u64) -> Result<Addr, Fault> {
    let cl = new_object(h, g, Kind::LuaFn, CL_UPVALS + nupvals * 8)?;
    h.write_u64(cl + CL_PROTO, proto)?;
    h.write_u64(cl + CL_NUPVALS, nupvals)?;
    for i in 0..nupvals {
        h.write_u64(cl + CL_UPVALS + i * 8, 0)?;
    }
    Ok(cl)
}

pub fn new_native(h: &mut Heap, g: Addr, id: u64, upvals: &[Value]) -> Result<Addr, Fault> {
    let f = new_object(h, g, Kind::NativeFn, NF_UPVALS + upvals.len() as u64 * VALUE_SIZE)?;
    h.write_u64(f + NF_ID, id)?;
    h.write_u64(f + NF_NUPVALS, upvals.len() as u64)?;
    for (i, v) in upvals.iter().enumerate() {
        write_value(h, f + NF_UPVALS + i as u64 * VALUE_SIZE, *v)?;
    }
    Ok(f)
}

/// A closed upvalue holding `v` (used for a main chunk's _ENV).
pub fn new_closed_upval(h: &mut Heap, g: Addr, v: Value) -> Result<Addr, Fault> {
    let uv = new_object(h, g, Kind::UpVal, UPVAL_SIZE)?;
    write_value(h, uv + UV_VALUE, v)?;
    h.write_u64(uv + UV_SLOT, 0)?;
    h.write_u64(uv + UV_NEXT, 0)?;
    Ok(uv)
}

/// The open upvalue for stack `slot` of thread `th`, made if needed. The
/// open list is sorted by slot, highest first, as in Lua.
pub fn find_upval(h: &mut Heap, g: Addr, th: Addr, slot: Addr) -> Result<Addr, Fault> {
    let mut link = th + T_OPEN_UPVALS;
    loop {
        let uv = h.read_u64(link)?;
        if uv == 0 {
            break;
        }
        let s = h.read_u64(uv + UV_SLOT)?;
        if s == slot {
            return Ok(uv);
        }
        if s < slot {
            break;
        }
        link = uv + UV_NEXT;
    }
    let uv = new_object(h, g, Kind::UpVal, UPVAL_SIZE)?;
    write_value(h, uv + UV_VALUE, Value::Nil)?;
    h.write_u64(uv + UV_SLOT, slot)?;
    let next = h.read_u64(link)?;
    h.write_u64(uv + UV_NEXT, next)?;
    h.write_u64(link, uv)?;
    Ok(uv)
}

/// Closes every open upvalue at or above `level`: copies the slot's value in.
pub fn close_upvals(h: &mut Heap, th: Addr, level: Addr) -> Result<(), Fault> {
    loop {
        let uv = h.read_u64(th + T_OPEN_UPVALS)?;
        if uv == 0 {
            return Ok(());
        }
        let slot = h.read_u64(uv + UV_SLOT)?;
        if slot < level {
            return Ok(());
        }
        let v = read_value(h, slot)?;
        write_value(h, uv + UV_VALUE, v)?;
        super::gc::barrier(h, uv, v)?;
        h.write_u64(uv + UV_SLOT, 0)?;
        let next = h.read_u64(uv + UV_NEXT)?;
        h.write_u64(th + T_OPEN_UPVALS, next)?;
    }
}

pub fn upval_get(h: &mut Heap, uv: Addr) -> Result<Value, Fault> {
    let slot = h.read_u64(uv + UV_SLOT)?;
    read_value(h, if slot != 0 { slot } else { uv + UV_VALUE })
}

/// `upval_set` for the interpreter's fast path: done (true) unless the
/// collector's barrier would have work to do; when not done, nothing was
/// written.
pub fn upval_set_fast(h: &mut Heap, uv: Addr, v: Value) -> Result<bool, Fault> {
    let slot = h.read_u64(uv + UV_SLOT)?;
    if slot != 0 {
        write_value(h, slot, v)?;
        return Ok(true);
    }
    if v.object().is_some() && h.user_word(super::state::USER_WORD_MARKING)? != 0 {
        return Ok(false);
    }
    write_value(h, uv + UV_VALUE, v)?;
    Ok(true)
}

pub fn upval_set(h: &mut Heap, uv: Addr, v: Value) -> Result<(), Fault> {
    let slot = h.read_u64(uv + UV_SLOT)?;
    if slot != 0 {
        // An open upvalue's value is a stack slot: stacks are rescanned.
        return write_value(h, slot, v);
    }
    write_value(h, uv + UV_VALUE, v)?;
    super::gc::barrier(h, uv, v)
}

/// Rebuilds enough of a prototype on the Rust side to name variables in an
/// error message (code, constants, locals, upvalue names).
pub fn load_debug_proto(h: &mut Heap, proto: Addr) -> Result<Proto, Fault> {
    let ncode = h.read_u64(proto + P_NCODE)?;
    let code_block = h.read_u64(proto + P_CODE)?;
    let mut code = Vec::with_capacity(ncode as usize);
    for i in 0..ncode {
        code.push(h.read_u32(code_block + i * 4)?);
    }
    let nk = h.read_u64(proto + P_NK)?;
    let kb = h.read_u64(proto + P_K)?;
    let mut constants = Vec::with_capacity(nk as usize);
    for i in 0..nk {
        constants.push(match read_value(h, kb + i * VALUE_SIZE)? {
            Value::Nil => Constant::Nil,
            Value::Bool(b) => Constant::Bool(b),
            Value::Int(n) => Constant::Int(n),
            Value::Float(f) => Constant::Float(f),
            Value::Str(s) => Constant::Str(super::string::bytes(h, s)?),
            _ => Constant::Nil,
        });
    }
    let nlv = h.read_u64(proto + P_NLOCVARS)?;
    let lvb = h.read_u64(proto + P_LOCVARS)?;
    let mut local_vars = Vec::new();
    for i in 0..nlv {
        let at = lvb + i * 16;
        let name = h.read_u64(at)?;
        local_vars.push(super::compiler::LocalVarInfo {
            name: super::string::bytes(h, name)?,
            start_pc: h.read_u32(at + 8)?,
            end_pc: h.read_u32(at + 12)?,
        });
    }
    let nup = h.read_u64(proto + P_NUPVALS)?;
    let names = h.read_u64(proto + P_UPNAMES)?;
    let mut upvalues = Vec::new();
    for i in 0..nup {
        let name = h.read_u64(names + i * 8)?;
        let (in_stack, index) = upval_desc(h, proto, i)?;
        upvalues.push(UpvalueDesc {
            name: super::string::bytes(h, name)?,
            in_stack,
            index: index as u8,
            kind: VarKind::Regular,
        });
    }
    let (np, va, ms) = shape(h, proto)?;
    Ok(Proto {
        source: String::new(),
        line_defined: 0,
        last_line_defined: 0,
        num_params: np as u8,
        is_vararg: va,
        max_stack_size: ms as u8,
        code,
        constants,
        upvalues,
        protos: Vec::new(),
        line_info: Vec::new(),
        local_vars,
    })
}

/// The source line of instruction `pc` of a prototype.
pub fn line_of(h: &mut Heap, proto: Addr, pc: u64) -> Result<u32, Fault> {
    let n = h.read_u64(proto + P_NCODE)?;
    if pc >= n {
        return Ok(0);
    }
    let lines = h.read_u64(proto + P_LINES)?;
    h.read_u32(lines + pc * 4)
}

/// The chunk name shown in messages ("foo.lua", `[string "..."]`).
pub fn source_id(h: &mut Heap, proto: Addr) -> Result<Vec<u8>, Fault> {
    let s = h.read_u64(proto + P_SOURCE)?;
    let bytes = super::string::bytes(h, s)?;
    Ok(super::compiler::chunk_id(&bytes))
}

pub fn read_upval_slot(h: &mut Heap, cl: Addr, i: u64) -> Result<Addr, Fault> {
    h.read_u64(cl + CL_UPVALS + i * 8)
}

pub fn native_upval(h: &mut Heap, f: Addr, i: u64) -> Result<Value, Fault> {
    read_value(h, f + NF_UPVALS + i * VALUE_SIZE)
}

/// Rebuilds a whole prototype tree on the Rust side (for string.dump).
pub fn load_full_proto(h: &mut Heap, proto: Addr) -> Result<Proto, Fault> {
    let mut p = load_debug_proto(h, proto)?;
    let src = h.read_u64(proto + P_SOURCE)?;
    p.source = String::from_utf8_lossy(&super::string::bytes(h, src)?).into_owned();
    p.line_defined = h.read_u64(proto + P_LINEDEFINED)? as u32;
    p.last_line_defined = h.read_u64(proto + P_LASTLINE)? as u32;
    let lines = h.read_u64(proto + P_LINES)?;
    for i in 0..p.code.len() as u64 {
        p.line_info.push(if lines == 0 { 0 } else { h.read_u32(lines + i * 4)? });
    }
    let ups = h.read_u64(proto + P_UPVALS)?;
    for (i, u) in p.upvalues.iter_mut().enumerate() {
        let d = h.read_u64(ups + i as u64 * 8)?;
        u.kind = match (d >> 16) & 0xff {
            1 => VarKind::Const,
            2 => VarKind::ToClose,
            3 => VarKind::CompileTimeConst,
            _ => VarKind::Regular,
        };
    }
    let n = h.read_u64(proto + P_NPROTOS)?;
    let children = h.read_u64(proto + P_PROTOS)?;
    for i in 0..n {
        let c = h.read_u64(children + i * 8)?;
        p.protos.push(load_full_proto(h, c)?);
    }
    Ok(p)
}
