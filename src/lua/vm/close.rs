//! To-be-closed variables (`local x <close>`). Each `__close` call is an
//! ordinary VM call, never a recursion on the Rust stack: the instruction or
//! error unwinding that needs it records where it is, makes the call, and
//! carries on when the call returns.
//!
//! A thread keeps its pending variables in a chain of small blocks
//! `[stack slot, next]` (T_TBC), innermost (highest slot) first.

use super::call::{continue_native, precall, Ctx};
use super::{meta, LuaResult, Trap};
use crate::heap::{Addr, Fault, Heap};
use crate::lua::func;
use crate::lua::state::*;
use crate::lua::value::{Value, VALUE_SIZE};

const NODE_SLOT: Addr = 0;
const NODE_NEXT: Addr = 8;
const NODE_SIZE: u64 = 16;

/// Records the variable in `slot` of thread `th` as to be closed.
pub fn register(h: &mut Heap, th: Addr, slot: Addr) -> Result<(), Fault> {
    let node = h.alloc(NODE_SIZE)?;
    h.write_u64(node + NODE_SLOT, slot)?;
    let head = h.read_u64(th + T_TBC)?;
    h.write_u64(node + NODE_NEXT, head)?;
    h.write_u64(th + T_TBC, node)
}

/// Removes and returns the innermost pending variable of `th` if its slot
/// is at or above `level`.
pub fn take_above(h: &mut Heap, th: Addr, level: Addr) -> Result<Option<Addr>, Fault> {
    let node = h.read_u64(th + T_TBC)?;
    if node == 0 {
        return Ok(None);
    }
    let slot = h.read_u64(node + NODE_SLOT)?;
    if slot < level {
        return Ok(None);
    }
    let next = h.read_u64(node + NODE_NEXT)?;
    h.write_u64(th + T_TBC, next)?;
    h.free(node)?;
    Ok(Some(slot))
}

/// The highest slot holding a pending variable of `th` (0: none).
pub fn highest(h: &mut Heap, th: Addr) -> Result<Addr, Fault> {
    let node = h.read_u64(th + T_TBC)?;
    if node == 0 {
        return Ok(0);
    }
    h.read_u64(node + NODE_SLOT)
}

/// Puts the call `__close(v, err)` for the variable in `slot` at `at`.
/// Returns the slot of the function.
fn place_close_call(ctx: &mut Ctx, slot: Addr, at: Addr, err: Value) -> LuaResult<Addr> {
    let v = ctx.get(slot)?;
    let tm = meta::get_tm(ctx, v, "__close")?;
    ctx.check_stack(at, 3)?;
    ctx.set(at, tm)?;
    ctx.set(at + VALUE_SIZE, v)?;
    ctx.set(at + 2 * VALUE_SIZE, err)?;
    Ok(at)
}

/// For CLOSE and RETURN of Lua frame `ci`: closes the upvalues from
/// `level` up, and starts the `__close` call (placed at `call_at`) of the
/// innermost variable at or above `level`, if there is one. Then the frame
/// is marked CLOSING, so its instruction runs again when the call returns.
pub fn close_for_instruction(ctx: &mut Ctx, ci: Addr, level: Addr, call_at: Addr) -> LuaResult<bool> {
    func::close_upvals(ctx.h, ctx.th, level)?;
    let Some(slot) = take_above(ctx.h, ctx.th, level)? else { return Ok(false) };
    let at = place_close_call(ctx, slot, call_at, Value::Nil)?;
    let status = ctx.h.read_u64(ci + CI_STATUS)?;
    ctx.h.write_u64(ci + CI_STATUS, status | cs::CLOSING)?;
    match precall(ctx, at, 2, 0) {
        Err(Trap::Msg(m)) if m.starts_with("attempt to call") => Err(Trap::Msg(format!("{m} (metamethod 'close')"))),
        other => other.map(|_| true),
    }
}

/// An error unwinds to the protected native frame `ci`: the frames above
/// it are dropped and the error value is kept in its level slot while the
/// pending variables above that level are closed.
pub fn start_unwinding(ctx: &mut Ctx, ci: Addr, error: Value) -> LuaResult<()> {
    let levels = ctx.h.read_u64(ci + CI_CCALLS)?;
    ctx.h.write_u64(ctx.th + T_CCALLS, levels)?;
    let level = ctx.h.read_u64(ci + CI_K1)?;
    func::close_upvals(ctx.h, ctx.th, level)?;
    ctx.h.write_u64(ctx.th + T_CI, ci)?;
    // The protected call is over: its handler is no longer active.
    let status = ctx.h.read_u64(ci + CI_STATUS)?;
    ctx.h.write_u64(ci + CI_STATUS, (status & !(cs::CONTINUE | cs::PROTECTED)) | cs::UNWINDING)?;
    let outer = ctx.h.read_u64(ci + CI_HANDLER_PREV)?;
    ctx.h.write_u64(ctx.th + T_HANDLER, outer)?;
    ctx.set(level, error)?;
    unwind_next(ctx, ci)
}

/// Closes the next pending variable above frame `ci`'s level with the
/// error (as a protected call: an error in `__close` replaces the error
/// being unwound), or, when none is left, hands the error to the native's
/// continuation.
pub fn unwind_next(ctx: &mut Ctx, ci: Addr) -> LuaResult<()> {
    let level = ctx.h.read_u64(ci + CI_K1)?;
    let error = ctx.get(level)?;
    let status = ctx.h.read_u64(ci + CI_STATUS)?;
    let Some(slot) = take_above(ctx.h, ctx.th, level + VALUE_SIZE)? else {
        ctx.h.write_u64(ci + CI_STATUS, status & !cs::UNWINDING)?;
        return continue_native(ctx, ci, Err(error));
    };
    let at = place_close_call(ctx, slot, slot + VALUE_SIZE, error)?;
    ctx.h.write_u64(ci + CI_STATUS, status | cs::CONTINUE | cs::PROTECTED)?;
    let outer = ctx.h.read_u64(ctx.th + T_HANDLER)?;
    ctx.h.write_u64(ci + CI_HANDLER_PREV, outer)?;
    ctx.h.write_u64(ctx.th + T_HANDLER, ci)?;
    let levels = ctx.h.read_u64(ctx.th + T_CCALLS)?;
    ctx.h.write_u64(ci + CI_CCALLS, levels)?;
    ctx.enter_c_level(true)?;
    match precall(ctx, at, 2, 0) {
        // Raised from the native frame: no position, as in the reference.
        Err(Trap::Msg(m)) => Err(Trap::Error(ctx.new_str(m.as_bytes())?)),
        other => other,
    }
}
