//! string.dump and loading binary chunks. The format is vheap's own (a
//! prototype tree, after the "\x1bLua" signature every binary chunk starts
//! with); it is read back only by this VM.

use crate::lua::compiler::{Constant, LocalVarInfo, Proto, UpvalueDesc, VarKind};

const MAGIC: &[u8] = b"\x1bLuaV1";

pub fn dump(p: &Proto) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    put_proto(&mut out, p);
    out
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u64(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn put_proto(out: &mut Vec<u8>, p: &Proto) {
    put_bytes(out, p.source.as_bytes());
    for v in [p.line_defined as u64, p.last_line_defined as u64, p.num_params as u64, p.is_vararg as u64, p.max_stack_size as u64] {
        put_u64(out, v);
    }
    put_u64(out, p.code.len() as u64);
    for (ins, line) in p.code.iter().zip(&p.line_info) {
        put_u64(out, u64::from(*ins) | (u64::from(*line) << 32));
    }
    put_u64(out, p.constants.len() as u64);
    for c in &p.constants {
        match c {
            Constant::Nil => out.push(0),
            Constant::Bool(b) => out.push(1 + u8::from(*b)),
            Constant::Int(i) => {
                out.push(3);
                put_u64(out, *i as u64);
            }
            Constant::Float(f) => {
                out.push(4);
                put_u64(out, f.to_bits());
            }
            Constant::Str(s) => {
                out.push(5);
                put_bytes(out, s);
            }
        }
    }
    put_u64(out, p.upvalues.len() as u64);
    for u in &p.upvalues {
        put_bytes(out, &u.name);
        let kind = match u.kind {
            VarKind::Regular => 0,
            VarKind::Const => 1,
            VarKind::ToClose => 2,
            VarKind::CompileTimeConst => 3,
        };
        put_u64(out, u64::from(u.in_stack) | (u64::from(u.index) << 8) | (kind << 16));
    }
    put_u64(out, p.local_vars.len() as u64);
    for lv in &p.local_vars {
        put_bytes(out, &lv.name);
        put_u64(out, u64::from(lv.start_pc) | (u64::from(lv.end_pc) << 32));
    }
    put_u64(out, p.protos.len() as u64);
    for c in &p.protos {
        put_proto(out, c);
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn u64(&mut self) -> Option<u64> {
        let v = u64::from_le_bytes(self.b.get(self.at..self.at + 8)?.try_into().ok()?);
        self.at += 8;
        Some(v)
    }

    fn byte(&mut self) -> Option<u8> {
        let v = *self.b.get(self.at)?;
        self.at += 1;
        Some(v)
    }

    fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = usize::try_from(self.u64()?).ok()?;
        let v = self.b.get(self.at..self.at.checked_add(n)?)?.to_vec();
        self.at += n;
        Some(v)
    }

    /// A count that the rest of the input can hold (hostile input guard).
    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n <= self.b.len() - self.at).then_some(n)
    }
}

/// Reads a dumped chunk back; None if it is not one (or is damaged).
pub fn undump(b: &[u8]) -> Option<Proto> {
    let rest = b.strip_prefix(MAGIC)?;
    let mut r = Reader { b: rest, at: 0 };
    let p = get_proto(&mut r, 0)?;
    (r.at == rest.len()).then_some(p)
}

fn get_proto(r: &mut Reader, depth: u32) -> Option<Proto> {
    if depth > 200 {
        return None;
    }
    let source = String::from_utf8_lossy(&r.bytes()?).into_owned();
    let (line_defined, last_line_defined) = (r.u64()? as u32, r.u64()? as u32);
    let (num_params, is_vararg, max_stack_size) = (r.u64()? as u8, r.u64()? != 0, r.u64()? as u8);
    let n = r.count()?;
    let (mut code, mut line_info) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let v = r.u64()?;
        code.push(v as u32);
        line_info.push((v >> 32) as u32);
    }
    let n = r.count()?;
    let mut constants = Vec::with_capacity(n);
    for _ in 0..n {
        constants.push(match r.byte()? {
            0 => Constant::Nil,
            1 => Constant::Bool(false),
            2 => Constant::Bool(true),
            3 => Constant::Int(r.u64()? as i64),
            4 => Constant::Float(f64::from_bits(r.u64()?)),
            5 => Constant::Str(r.bytes()?),
            _ => return None,
        });
    }
    let n = r.count()?;
    let mut upvalues = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.bytes()?;
        let d = r.u64()?;
        let kind = match (d >> 16) & 0xff {
            1 => VarKind::Const,
            2 => VarKind::ToClose,
            3 => VarKind::CompileTimeConst,
            _ => VarKind::Regular,
        };
        upvalues.push(UpvalueDesc { name, in_stack: d & 1 == 1, index: (d >> 8) as u8, kind });
    }
    let n = r.count()?;
    let mut local_vars = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.bytes()?;
        let d = r.u64()?;
        local_vars.push(LocalVarInfo { name, start_pc: d as u32, end_pc: (d >> 32) as u32 });
    }
    let n = r.count()?;
    let mut protos = Vec::with_capacity(n);
    for _ in 0..n {
        protos.push(get_proto(r, depth + 1)?);
    }
    Some(Proto { source, line_defined, last_line_defined, num_params, is_vararg, max_stack_size, code, constants, upvalues, protos, line_info, local_vars })
}
