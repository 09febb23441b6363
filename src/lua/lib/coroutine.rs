//! Coroutines. Each is a thread object with its own stack and frames in the
//! heap; resuming and yielding only switch which thread the VM runs, so a
//! coroutine suspended at a checkpoint resumes after a restart.

use super::*;
use crate::lua::func::{self, NF_UPVALS};
use crate::lua::object::{new_object, Kind};
use crate::lua::state::*;
use crate::lua::value::VALUE_SIZE;
use crate::lua::vm::call::{continue_native, precall, return_values, where_};

/// Makes a thread whose stack holds `f` in slot 1, ready for its first resume.
pub fn new_thread(ctx: &mut Ctx, f: Value, slots: u64) -> Result<Addr, Fault> {
    let th = new_object(ctx.h, ctx.g, Kind::Thread, T_SIZE)?;
    let slots = slots + ERROR_SLOTS;
    // Only the stack pages a thread touches cost anything: the stack is a
    // reservation, not counted in the bytes in use.
    let stack = ctx.h.alloc_reservation(slots * VALUE_SIZE)?;
    crate::lua::gc::on_new_thread(ctx.h, ctx.g, th)?;
    let base_ci = ctx.h.alloc(CI_SIZE)?;
    let h = &mut *ctx.h;
    h.write_u64(th + T_STATUS, ThreadStatus::Suspended as u64)?;
    h.write_u64(th + T_STACK, stack)?;
    h.write_u64(th + T_STACK_SLOTS, slots)?;
    h.write_u64(th + T_TOP, stack + 2 * VALUE_SIZE)?;
    h.write_u64(th + T_CI, base_ci)?;
    h.write_u64(th + T_BASE_CI, base_ci)?;
    h.write_u64(th + T_OPEN_UPVALS, 0)?;
    h.write_u64(th + T_RESUMER, 0)?;
    h.write_u64(th + T_HANDLER, 0)?;
    h.write_u64(th + T_CCALLS, 0)?;
    h.write_u64(th + T_TBC, 0)?;
    h.write_u64(th + T_FAILED, 0)?;
    for off in (0..CI_SIZE).step_by(8) {
        h.write_u64(base_ci + off, 0)?;
    }
    h.write_u64(base_ci + CI_FUNC, stack)?;
    h.write_u64(base_ci + CI_TOP, stack + VALUE_SIZE)?;
    h.write_u64(base_ci + CI_NRESULTS, MULTRET)?;
    crate::lua::value::write_value(h, stack, Value::Nil)?;
    crate::lua::value::write_value(h, stack + VALUE_SIZE, f)?;
    Ok(th)
}

pub fn create(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let f = arg(args, 1);
    if !f.is_function() {
        return type_error(ctx, args, 1, "create", "function");
    }
    let th = new_thread(ctx, f, COROUTINE_STACK_SLOTS)?;
    let base = ctx.h.read_u64(th + T_BASE_CI)?;
    ctx.h.write_u64(base + CI_STATUS, cs::COROUTINE_BASE)?;
    ret1(Value::Thread(th))
}

fn check_co(ctx: &mut Ctx, args: &[Value], fname: &str) -> LuaResult<Addr> {
    match arg(args, 1) {
        Value::Thread(t) => Ok(t),
        _ => type_error(ctx, args, 1, fname, "thread"),
    }
}

/// Why `co` cannot be resumed now, if it cannot.
fn resume_problem(ctx: &mut Ctx, co: Addr) -> LuaResult<Option<&'static str>> {
    let status = ThreadStatus::from_u64(ctx.h.read_u64(co + T_STATUS)?);
    Ok(match status {
        ThreadStatus::Dead => Some("cannot resume dead coroutine"),
        ThreadStatus::Suspended => None,
        _ => Some("cannot resume non-suspended coroutine"),
    })
}

pub fn resume(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let co = check_co(ctx, args, "resume")?;
    if let Some(problem) = resume_problem(ctx, co)? {
        return ret(vec![Value::Bool(false), ctx.new_str(problem.as_bytes())?]);
    }
    Ok(NativeResult::Resume { co, args: args[1..].to_vec(), k: 0 })
}

pub fn resume_k(_ctx: &mut Ctx, _k: u64, input: ContinuationInput, _args: &[Value]) -> LuaResult<NativeResult> {
    match input {
        Ok(mut values) => {
            values.insert(0, Value::Bool(true));
            ret(values)
        }
        Err(e) => ret(vec![Value::Bool(false), e]),
    }
}

/// Switches from the running thread (whose native frame `ci` asked) to `co`.
pub fn switch_to(ctx: &mut Ctx, ci: Addr, co: Addr, args: Vec<Value>, k: u64) -> LuaResult<()> {
    let status = ctx.h.read_u64(ci + CI_STATUS)?;
    ctx.h.write_u64(ci + CI_STATUS, status | cs::CONTINUE)?;
    ctx.h.write_u64(ci + CI_K, k)?;
    let top = ctx.h.read_u64(ci + CI_TOP)?;
    ctx.h.write_u64(ci + CI_K1, top)?;
    ctx.h.write_u64(co + T_RESUMER, ctx.th)?;
    ctx.h.write_u64(ctx.th + T_STATUS, ThreadStatus::Normal as u64)?;
    ctx.h.write_u64(co + T_STATUS, ThreadStatus::Running as u64)?;
    ctx.h.write_u64(ctx.g + G_CURRENT_THREAD, co)?;
    crate::lua::gc::thread_ran(ctx.h, ctx.g, co)?;
    ctx.th = co;
    let co_ci = ctx.h.read_u64(co + T_CI)?;
    let base = ctx.h.read_u64(co + T_BASE_CI)?;
    if co_ci == base {
        // First resume: call the body with the arguments.
        let stack = ctx.h.read_u64(co + T_STACK)?;
        let f_slot = stack + VALUE_SIZE;
        ctx.check_stack(f_slot, 1 + args.len() as u64)?;
        for (i, a) in args.iter().enumerate() {
            ctx.set(f_slot + (1 + i as u64) * VALUE_SIZE, *a)?;
        }
        precall(ctx, f_slot, args.len() as u64, MULTRET)
    } else {
        // Resuming a yield: the values become coroutine.yield's results.
        return_values(ctx, co_ci, &args)
    }
}

pub fn yield_(_ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    Ok(NativeResult::Yield(args.to_vec()))
}

/// Suspends the running coroutine, whose `yield` native frame is `ci`.
pub fn yield_from(ctx: &mut Ctx, ci: Addr, values: Vec<Value>) -> LuaResult<()> {
    // Raised by the yield native itself: no position, as in the reference.
    if ctx.h.read_u64(ctx.g + G_MAIN_THREAD)? == ctx.th {
        return Err(Trap::Error(ctx.new_str(b"attempt to yield from outside a coroutine")?));
    }
    if !ctx.can_yield()? {
        return Err(Trap::Error(ctx.new_str(b"attempt to yield across a C-call boundary")?));
    }
    let _ = ci;
    let co = ctx.th;
    let resumer = ctx.h.read_u64(co + T_RESUMER)?;
    ctx.h.write_u64(co + T_STATUS, ThreadStatus::Suspended as u64)?;
    back_to_resumer(ctx, resumer, Ok(values))
}

/// The running coroutine ended: returned `Ok(values)` or failed with `Err(e)`.
pub fn finish(ctx: &mut Ctx, outcome: ContinuationInput) -> LuaResult<()> {
    let co = ctx.th;
    let resumer = ctx.h.read_u64(co + T_RESUMER)?;
    ctx.h.write_u64(co + T_STATUS, ThreadStatus::Dead as u64)?;
    if let Err(e) = outcome {
        keep_failure(ctx, co, e)?;
    }
    back_to_resumer(ctx, resumer, outcome)
}

/// Records that coroutine `co` died by error `e`. Its frames are dropped;
/// its pending `<close>` variables stay on its stack (kept in view of the
/// collector) until `coroutine.close` or a wrapper closes them.
fn keep_failure(ctx: &mut Ctx, co: Addr, e: Value) -> Result<(), Fault> {
    let stack = ctx.h.read_u64(co + T_STACK)?;
    ctx.set(stack, e)?;
    ctx.h.write_u64(co + T_FAILED, 1)?;
    let base = ctx.h.read_u64(co + T_BASE_CI)?;
    ctx.h.write_u64(co + T_CI, base)?;
    let highest = crate::lua::vm::close::highest(ctx.h, co)?;
    ctx.h.write_u64(co + T_TOP, (stack + VALUE_SIZE).max(highest + VALUE_SIZE))
}

fn back_to_resumer(ctx: &mut Ctx, resumer: Addr, outcome: ContinuationInput) -> LuaResult<()> {
    ctx.h.write_u64(resumer + T_STATUS, ThreadStatus::Running as u64)?;
    ctx.h.write_u64(ctx.g + G_CURRENT_THREAD, resumer)?;
    crate::lua::gc::thread_ran(ctx.h, ctx.g, resumer)?;
    ctx.th = resumer;
    let ci = ctx.h.read_u64(resumer + T_CI)?;
    continue_native(ctx, ci, outcome)
}

pub fn status(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let co = check_co(ctx, args, "status")?;
    let name: &[u8] = if co == ctx.th {
        b"running"
    } else {
        match ThreadStatus::from_u64(ctx.h.read_u64(co + T_STATUS)?) {
            ThreadStatus::Suspended => b"suspended",
            ThreadStatus::Running => b"running",
            ThreadStatus::Normal => b"normal",
            ThreadStatus::Dead => b"dead",
        }
    };
    ret1(ctx.new_str(name)?)
}

pub fn wrap(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let NativeResult::Return(v) = create(ctx, args)? else { unreachable!("create returns") };
    let f = func::new_native(ctx.h, ctx.g, native_id("-", "wrap_call"), &v)?;
    ret1(Value::NativeFn(f))
}

pub fn wrap_call(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let ci = ctx.ci()?;
    let func_slot = ctx.h.read_u64(ci + CI_FUNC)?;
    let Value::NativeFn(f) = ctx.get(func_slot)? else { return Err(Fault::Invalid("wrap without its native").into()) };
    let Value::Thread(co) = ctx.get(f + NF_UPVALS)? else { return Err(Fault::Invalid("wrap without a coroutine").into()) };
    if let Some(problem) = resume_problem(ctx, co)? {
        return Err(Trap::Msg(problem.into()));
    }
    Ok(NativeResult::Resume { co, args: args.to_vec(), k: 0 })
}

pub fn wrap_call_k(ctx: &mut Ctx, k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let ci = ctx.ci()?;
    let func_slot = ctx.h.read_u64(ci + CI_FUNC)?;
    let Value::NativeFn(f) = ctx.get(func_slot)? else { return Err(Fault::Invalid("wrap without its native").into()) };
    let Value::Thread(co) = ctx.get(f + NF_UPVALS)? else { return Err(Fault::Invalid("wrap without a coroutine").into()) };
    let _ = args;
    match (k, input) {
        (0, Ok(values)) => return ret(values),
        (0, Err(_)) => {}
        // k = 1: a `__close` call of the failed coroutine's variables ended.
        (_, Ok(_)) => {}
        (_, Err(e)) => {
            let stack = ctx.h.read_u64(co + T_STACK)?;
            ctx.set(stack, e)?;
        }
    }
    // The coroutine failed: close its pending variables, then raise its error.
    if let Some(call) = next_close_call(ctx, co, 1)? {
        return Ok(call);
    }
    let stack = ctx.h.read_u64(co + T_STACK)?;
    match ctx.get(stack)? {
        Value::Str(s) => {
            let mut text = where_(ctx, 1)?;
            text.extend(crate::lua::string::bytes(ctx.h, s)?);
            Err(Trap::Error(ctx.new_str(&text)?))
        }
        e => Err(Trap::Error(e)),
    }
}

/// The protected call of `__close(v, err)` for the innermost pending
/// variable of dead coroutine `co` (err: its failure, or nil), if any.
fn next_close_call(ctx: &mut Ctx, co: Addr, k: u64) -> LuaResult<Option<NativeResult>> {
    let Some(slot) = crate::lua::vm::close::take_above(ctx.h, co, 0)? else { return Ok(None) };
    let v = ctx.get(slot)?;
    let tm = meta::get_tm(ctx, v, "__close")?;
    let stack = ctx.h.read_u64(co + T_STACK)?;
    let failed = ctx.h.read_u64(co + T_FAILED)? != 0;
    let err = if failed { ctx.get(stack)? } else { Value::Nil };
    Ok(Some(NativeResult::Call { func: tm, args: vec![v, err], k, protected: true }))
}

pub fn isyieldable(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let co = if args.is_empty() { ctx.th } else { check_co(ctx, args, "isyieldable")? };
    let main = ctx.h.read_u64(ctx.g + G_MAIN_THREAD)?;
    let free = ctx.h.read_u64(co + T_CCALLS)? >> 32 == 0;
    ret1(Value::Bool(main != co && free))
}

pub fn running(ctx: &mut Ctx, _args: &[Value]) -> LuaResult<NativeResult> {
    let main = ctx.h.read_u64(ctx.g + G_MAIN_THREAD)?;
    ret(vec![Value::Thread(ctx.th), Value::Bool(main == ctx.th)])
}

pub fn close(ctx: &mut Ctx, args: &[Value]) -> LuaResult<NativeResult> {
    let co = check_co(ctx, args, "close")?;
    match ThreadStatus::from_u64(ctx.h.read_u64(co + T_STATUS)?) {
        ThreadStatus::Suspended | ThreadStatus::Dead => {
            // Drop its frames; pending `<close>` variables are closed next.
            // (Its stack is written while it is not running.)
            crate::lua::gc::thread_ran(ctx.h, ctx.g, co)?;
            ctx.h.write_u64(co + T_STATUS, ThreadStatus::Dead as u64)?;
            func::close_upvals(ctx.h, co, 0)?;
            let base = ctx.h.read_u64(co + T_BASE_CI)?;
            ctx.h.write_u64(co + T_CI, base)?;
            let stack = ctx.h.read_u64(co + T_STACK)?;
            let highest = crate::lua::vm::close::highest(ctx.h, co)?;
            ctx.h.write_u64(co + T_TOP, (stack + VALUE_SIZE).max(highest + VALUE_SIZE))?;
            close_k(ctx, 0, Ok(vec![]), args)
        }
        _ => {
            let what = if co == ctx.th { "running" } else { "normal" };
            Err(Trap::Msg(format!("cannot close a {what} coroutine")))
        }
    }
}

/// Closes the pending variables of the coroutine one call at a time; an
/// error in `__close` becomes the coroutine's error. Then: true, or false
/// and the error.
pub fn close_k(ctx: &mut Ctx, _k: u64, input: ContinuationInput, args: &[Value]) -> LuaResult<NativeResult> {
    let Value::Thread(co) = arg(args, 1) else { return Err(Fault::Invalid("coroutine.close without its coroutine").into()) };
    let stack = ctx.h.read_u64(co + T_STACK)?;
    if let Err(e) = input {
        ctx.set(stack, e)?;
        ctx.h.write_u64(co + T_FAILED, 1)?;
    }
    if let Some(call) = next_close_call(ctx, co, 1)? {
        return Ok(call);
    }
    if ctx.h.read_u64(co + T_FAILED)? != 0 {
        ctx.h.write_u64(co + T_FAILED, 0)?;
        let e = ctx.get(stack)?;
        return ret(vec![Value::Bool(false), e]);
    }
    ret1(Value::Bool(true))
}
