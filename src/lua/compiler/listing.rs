//! A disassembler producing the same text as `luac5.4 -l` (and, with
//! `full`, `luac5.4 -l -l`), for debugging and for comparing our bytecode
//! with the reference compiler's.

use std::fmt::Write;

use super::opcodes::{self as op, OpCode, TagMethod};
use super::proto::{Constant, Proto};

/// Formats a float like C's `printf("%.14g")` (Lua's number format).
pub fn format_float_g14(f: f64) -> String {
    const PRECISION: i32 = 14;
    if f.is_nan() {
        return if f.is_sign_negative() { "-nan".into() } else { "nan".into() };
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf".into() } else { "inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // Round to 14 significant digits first; the exponent of the rounded
    // value decides between fixed and exponential notation.
    let sci = format!("{:.*e}", usize::try_from(PRECISION - 1).unwrap_or(13), f);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..PRECISION).contains(&exp) {
        let mantissa = trim_fraction(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
    } else {
        let decimals = usize::try_from(PRECISION - 1 - exp).unwrap_or(0);
        trim_fraction(&format!("{f:.decimals$}")).to_string()
    }
}

/// Removes trailing zeros of a fraction (and a dangling point).
fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// A constant as luac prints it.
pub fn format_constant(k: &Constant) -> String {
    match k {
        Constant::Nil => "nil".into(),
        Constant::Bool(b) => b.to_string(),
        Constant::Int(i) => i.to_string(),
        Constant::Float(f) => {
            let mut s = format_float_g14(*f);
            if s.bytes().all(|c| c == b'-' || c.is_ascii_digit()) {
                s.push_str(".0"); // keep floats recognisable
            }
            s
        }
        Constant::Str(s) => quote_string(s),
    }
}

fn quote_string(s: &[u8]) -> String {
    let mut out = String::from("\"");
    for &c in s {
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x0b => out.push_str("\\v"),
            0x20..=0x7e => out.push(char::from(c)),
            _ => {
                let _ = write!(out, "\\{c:03}");
            }
        }
    }
    out.push('"');
    out
}

fn constant(p: &Proto, k: u32) -> String {
    usize::try_from(k).ok().and_then(|k| p.constants.get(k)).map_or_else(|| "?".into(), format_constant)
}

fn upvalue(p: &Proto, u: u32) -> String {
    let up = usize::try_from(u).ok().and_then(|u| p.upvalues.get(u));
    up.map_or_else(|| "-".into(), |up| String::from_utf8_lossy(&up.name).into_owned())
}

fn event(c: u32) -> &'static str {
    TagMethod::from_u32(c).map_or("?", TagMethod::name)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Operands and comment of one instruction, as luac prints them.
pub fn format_instruction(p: &Proto, pc: usize) -> String {
    let Some(&i) = p.code.get(pc) else { return String::new() };
    let Ok(o) = op::get_opcode(i) else { return format!("{i:#010x}") };
    let (a, b, c, k) = (op::arg_a(i), op::arg_b(i), op::arg_c(i), op::arg_k(i));
    let (bx, sbx, sb, sc) = (op::arg_bx(i), op::arg_sbx(i), op::arg_sb(i), op::arg_sc(i));
    let isk = if k { "k" } else { "" };
    let pci = i64::try_from(pc).unwrap_or(0);
    let extra = p.code.get(pc + 1).map_or(0, |&next| op::arg_ax(next));
    let ops = match o {
        OpCode::Move => format!("{a} {b}"),
        OpCode::LoadI | OpCode::LoadF => format!("{a} {sbx}"),
        OpCode::LoadK => format!("{a} {bx}\t; {}", constant(p, bx)),
        OpCode::LoadKX => format!("{a}\t; {}", constant(p, extra)),
        OpCode::LoadFalse | OpCode::LFalseSkip | OpCode::LoadTrue => format!("{a}"),
        OpCode::LoadNil => format!("{a} {b}\t; {} out", b + 1),
        OpCode::GetUpval | OpCode::SetUpval => format!("{a} {b}\t; {}", upvalue(p, b)),
        OpCode::GetTabUp => format!("{a} {b} {c}\t; {} {}", upvalue(p, b), constant(p, c)),
        OpCode::GetTable | OpCode::GetI => format!("{a} {b} {c}"),
        OpCode::GetField => format!("{a} {b} {c}\t; {}", constant(p, c)),
        OpCode::SetTabUp => {
            let value = if k { format!(" {}", constant(p, c)) } else { String::new() };
            format!("{a} {b} {c}{isk}\t; {} {}{value}", upvalue(p, a), constant(p, b))
        }
        OpCode::SetTable | OpCode::SetI | OpCode::Self_ => {
            let value = if k { format!("\t; {}", constant(p, c)) } else { String::new() };
            format!("{a} {b} {c}{isk}{value}")
        }
        OpCode::SetField => {
            let value = if k { format!(" {}", constant(p, c)) } else { String::new() };
            format!("{a} {b} {c}{isk}\t; {}{value}", constant(p, b))
        }
        OpCode::NewTable => format!("{a} {b} {c}\t; {}", u64::from(c) + if k { u64::from(extra) * 256 } else { 0 }),
        OpCode::AddI | OpCode::ShrI | OpCode::ShlI => format!("{a} {b} {sc}"),
        OpCode::AddK | OpCode::SubK | OpCode::MulK | OpCode::ModK | OpCode::PowK | OpCode::DivK | OpCode::IDivK
        | OpCode::BAndK | OpCode::BOrK | OpCode::BXorK => format!("{a} {b} {c}\t; {}", constant(p, c)),
        OpCode::Add | OpCode::Sub | OpCode::Mul | OpCode::Mod | OpCode::Pow | OpCode::Div | OpCode::IDiv
        | OpCode::BAnd | OpCode::BOr | OpCode::BXor | OpCode::Shl | OpCode::Shr => format!("{a} {b} {c}"),
        OpCode::MmBin => format!("{a} {b} {c}\t; {}", event(c)),
        OpCode::MmBinI => format!("{a} {sb} {c} {}\t; {}{}", u8::from(k), event(c), if k { " flip" } else { "" }),
        OpCode::MmBinK => {
            format!("{a} {b} {c} {}\t; {} {}{}", u8::from(k), event(c), constant(p, b), if k { " flip" } else { "" })
        }
        OpCode::Unm | OpCode::BNot | OpCode::Not | OpCode::Len | OpCode::Concat => format!("{a} {b}"),
        OpCode::Close | OpCode::Tbc | OpCode::Return1 | OpCode::VarargPrep => format!("{a}"),
        OpCode::Jmp => {
            let sj = op::arg_sj(i);
            format!("{sj}\t; to {}", pci + i64::from(sj) + 2)
        }
        OpCode::Eq | OpCode::Lt | OpCode::Le => format!("{a} {b} {}", u8::from(k)),
        OpCode::EqK => format!("{a} {b} {}\t; {}", u8::from(k), constant(p, b)),
        OpCode::EqI | OpCode::LtI | OpCode::LeI | OpCode::GtI | OpCode::GeI => format!("{a} {sb} {}", u8::from(k)),
        OpCode::Test => format!("{a} {}", u8::from(k)),
        OpCode::TestSet => format!("{a} {b} {}", u8::from(k)),
        OpCode::Call => {
            let ins = if b == 0 { "all in ".to_string() } else { format!("{} in ", b - 1) };
            let outs = if c == 0 { "all out".to_string() } else { format!("{} out", c - 1) };
            format!("{a} {b} {c}\t; {ins}{outs}")
        }
        OpCode::TailCall => format!("{a} {b} {c}{isk}\t; {} in", i64::from(b) - 1),
        OpCode::Return => {
            let outs = if b == 0 { "all out".to_string() } else { format!("{} out", b - 1) };
            format!("{a} {b} {c}{isk}\t; {outs}")
        }
        OpCode::Return0 => String::new(),
        OpCode::ForLoop | OpCode::TForLoop => format!("{a} {bx}\t; to {}", pci - i64::from(bx) + 2),
        OpCode::ForPrep => format!("{a} {bx}\t; exit to {}", pci + i64::from(bx) + 3),
        OpCode::TForPrep => format!("{a} {bx}\t; to {}", pci + i64::from(bx) + 2),
        OpCode::TForCall => format!("{a} {c}"),
        OpCode::SetList => {
            let total = if k { format!("\t; {}", u64::from(c) + u64::from(extra) * 256) } else { String::new() };
            format!("{a} {b} {c}{total}")
        }
        OpCode::Closure => {
            let child = usize::try_from(bx).ok().and_then(|x| p.protos.get(x));
            format!("{a} {bx}\t; {:p}", child.map_or(std::ptr::null(), std::ptr::from_ref))
        }
        OpCode::Vararg => {
            let outs = if c == 0 { "all out".to_string() } else { format!("{} out", c - 1) };
            format!("{a} {c}\t; {outs}")
        }
        OpCode::ExtraArg => format!("{}", op::arg_ax(i)),
    };
    format!("{:<9}\t{ops}", o.name())
}

/// The listing of `p` and, recursively, its nested functions.
pub fn listing(p: &Proto, full: bool) -> String {
    let mut out = String::new();
    list_function(&mut out, p, full);
    out
}

fn list_function(out: &mut String, p: &Proto, full: bool) {
    let source = match p.source.as_bytes().first() {
        Some(b'@' | b'=') => p.source.get(1..).unwrap_or(""),
        Some(0x1b) => "(bstring)",
        _ => "(string)",
    };
    let kind = if p.line_defined == 0 { "main" } else { "function" };
    let n = p.code.len();
    let _ = writeln!(out, "\n{kind} <{source}:{},{}> ({n} instruction{} at {:p})", p.line_defined, p.last_line_defined, plural(n), p);
    let _ = write!(
        out,
        "{}{} param{}, {} slot{}, {} upvalue{}, ",
        p.num_params,
        if p.is_vararg { "+" } else { "" },
        plural(usize::from(p.num_params)),
        p.max_stack_size,
        plural(usize::from(p.max_stack_size)),
        p.upvalues.len(),
        plural(p.upvalues.len())
    );
    let _ = writeln!(
        out,
        "{} local{}, {} constant{}, {} function{}",
        p.local_vars.len(),
        plural(p.local_vars.len()),
        p.constants.len(),
        plural(p.constants.len()),
        p.protos.len(),
        plural(p.protos.len())
    );
    for pc in 0..n {
        let line = p.line_info.get(pc).map_or("-".to_string(), |l| l.to_string());
        let _ = writeln!(out, "\t{}\t[{line}]\t{}", pc + 1, format_instruction(p, pc));
    }
    if full {
        list_debug(out, p);
    }
    for child in &p.protos {
        list_function(out, child, full);
    }
}

fn list_debug(out: &mut String, p: &Proto) {
    let _ = writeln!(out, "constants ({}) for {:p}:", p.constants.len(), p);
    for (i, k) in p.constants.iter().enumerate() {
        let tag = match k {
            Constant::Nil => "N",
            Constant::Bool(_) => "B",
            Constant::Int(_) => "I",
            Constant::Float(_) => "F",
            Constant::Str(_) => "S",
        };
        let _ = writeln!(out, "\t{i}\t{tag}\t{}", format_constant(k));
    }
    let _ = writeln!(out, "locals ({}) for {:p}:", p.local_vars.len(), p);
    for (i, v) in p.local_vars.iter().enumerate() {
        let name = String::from_utf8_lossy(&v.name);
        let _ = writeln!(out, "\t{i}\t{name}\t{}\t{}", u64::from(v.start_pc) + 1, u64::from(v.end_pc) + 1);
    }
    let _ = writeln!(out, "upvalues ({}) for {:p}:", p.upvalues.len(), p);
    for (i, u) in p.upvalues.iter().enumerate() {
        let name = String::from_utf8_lossy(&u.name);
        let _ = writeln!(out, "\t{i}\t{name}\t{}\t{}", u8::from(u.in_stack), u.index);
    }
}

#[cfg(test)]
mod tests {
    use super::format_float_g14;

    #[test]
    fn g14_matches_printf() {
        let cases = [
            (2.5, "2.5"),
            (1e15, "1e+15"),
            (1e14, "1e+14"),
            (123456789012345.0, "1.2345678901234e+14"),
            (12345678901234.0, "12345678901234"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.23456789012345, "1.2345678901235"),
            (-0.5, "-0.5"),
            (1e300, "1e+300"),
            (2f64.powi(63), "9.2233720368548e+18"),
            (0.1, "0.1"),
            (100.0, "100"),
        ];
        for (f, s) in cases {
            assert_eq!(format_float_g14(f), s, "{f}");
        }
    }
}
