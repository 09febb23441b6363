//! Calls, returns, natives, errors and coroutine switches, all as changes to
//! frames in the heap. Nothing here recurses per Lua call: a call pushes a
//! frame and returns; the next step runs in it.

use super::{LuaResult, Step, Trap};
use crate::heap::{Addr, Fault, Heap};
use crate::lua::func::{self, CL_PROTO, NF_ID};
use crate::lua::lib::{native_def, NATIVES};
use crate::lua::state::*;
use crate::lua::string::new_string;
use crate::lua::value::{Value, VALUE_SIZE};

/// The VM's view of the heap during one instruction.
pub struct Ctx<'a> {
    pub h: &'a mut Heap,
    /// The global block.
    pub g: Addr,
    /// The running thread.
    pub th: Addr,
}

/// What a native function asks the VM to do next.
pub enum NativeResult {
    /// Return these values to the caller.
    Return(Vec<Value>),
    /// Call `func(args)` and then run continuation `k` of this native with
    /// its results (or its error, if the native is protected).
    Call { func: Value, args: Vec<Value>, k: u64, protected: bool },
    /// Replace this native's frame by a call to `func(args)`.
    TailCall { func: Value, args: Vec<Value> },
    /// Switch to coroutine `co`, passing `args`; continuation `k` receives
    /// what it yields or returns.
    Resume { co: Addr, args: Vec<Value>, k: u64 },
    /// Suspend the running coroutine, handing these values to its resumer.
    Yield(Vec<Value>),
    /// Not finished: run continuation `k` (with no values) in the next
    /// step. Natives doing long work do it in bounded slices this way, their
    /// progress kept in the heap.
    Again { k: u64 },
}

/// A native's continuation receives the results of the call it asked for,
/// or the error value if that call failed inside a protected native.
pub type ContinuationInput = Result<Vec<Value>, Value>;

impl Ctx<'_> {
    #[inline(always)]
    pub fn get(&mut self, slot: Addr) -> Result<Value, Fault> {
        get(self.h, slot)
    }

    #[inline(always)]
    pub fn set(&mut self, slot: Addr, v: Value) -> Result<(), Fault> {
        set(self.h, slot, v)
    }

    #[inline]
    pub fn ci(&mut self) -> Result<Addr, Fault> {
        self.h.read_u64(self.th + T_CI)
    }

    pub fn new_str(&mut self, bytes: &[u8]) -> Result<Value, Fault> {
        Ok(Value::Str(new_string(self.h, self.g, bytes)?))
    }

    fn stack_end(&mut self) -> Result<Addr, Fault> {
        let stack = self.h.read_u64(self.th + T_STACK)?;
        let slots = self.h.read_u64(self.th + T_STACK_SLOTS)?;
        Ok(stack + slots * VALUE_SIZE)
    }

    /// Errors with "stack overflow" unless `slots` slots from `from` fit.
    pub fn check_stack(&mut self, from: Addr, slots: u64) -> LuaResult<()> {
        if !self.stack_fits(from, slots)? {
            return Err(Trap::Msg("stack overflow".into()));
        }
        Ok(())
    }

    /// Whether `check_stack` would pass.
    pub fn stack_fits(&mut self, from: Addr, slots: u64) -> Result<bool, Fault> {
        Ok(self.stack_room()?.fits(from, slots))
    }

    /// What `check_stack` compares with, for a caller that checks many
    /// times while neither the thread nor its C levels change.
    pub fn stack_room(&mut self) -> Result<StackRoom, Fault> {
        let reserve = if self.h.read_u64(self.th + T_CCALLS)? >> MSGH_SHIFT == 0 { ERROR_SLOTS } else { 0 };
        Ok(StackRoom { end: self.stack_end()?, kept: STACK_EXTRA + reserve })
    }

    /// Keeps `v` alive in the running native's frame (above its arguments),
    /// for state a native holds while it waits for a call.
    pub fn keep_in_frame(&mut self, v: Value) -> LuaResult<()> {
        let ci = self.ci()?;
        let top = self.h.read_u64(ci + CI_TOP)?;
        self.check_stack(top, 1)?;
        self.set(top, v)?;
        self.h.write_u64(ci + CI_TOP, top + VALUE_SIZE)?;
        Ok(())
    }

    /// Counts a call made for a metamethod or a native ("C level"). The
    /// upper half of T_CCALLS counts the calls a coroutine cannot yield
    /// across (made by natives without a yieldable continuation), as Lua's
    /// `nny`.
    pub fn enter_c_level(&mut self, yieldable: bool) -> LuaResult<()> {
        let n = self.h.read_u64(self.th + T_CCALLS)? + c_level(yieldable);
        if n & 0xffff_ffff > MAX_CCALLS {
            return Err(Trap::Msg("C stack overflow".into()));
        }
        self.h.write_u64(self.th + T_CCALLS, n)?;
        Ok(())
    }

    fn leave_c_level(&mut self, yieldable: bool) -> Result<(), Fault> {
        let n = self.h.read_u64(self.th + T_CCALLS)?;
        self.h.write_u64(self.th + T_CCALLS, n.saturating_sub(c_level(yieldable)))
    }

    /// Can the running coroutine yield now (not inside a non-yieldable call)?
    pub fn can_yield(&mut self) -> Result<bool, Fault> {
        Ok(self.h.read_u64(self.th + T_CCALLS)? >> 32 == 0)
    }

    /// The CallInfo above the current one, reusing a cached block.
    fn push_ci(&mut self) -> Result<Addr, Fault> {
        let ci = self.ci()?;
        let mut next = self.h.read_u64(ci + CI_NEXT)?;
        if next == 0 {
            next = self.h.alloc(CI_SIZE)?;
            self.h.write_u64(next + CI_PREV, ci)?;
            self.h.write_u64(next + CI_NEXT, 0)?;
            self.h.write_u64(ci + CI_NEXT, next)?;
        }
        self.h.write_u64(self.th + T_CI, next)?;
        Ok(next)
    }
}

/// The end of the running thread's stack and the slots kept free below it.
#[derive(Clone, Copy)]
pub struct StackRoom {
    end: Addr,
    kept: u64,
}

impl StackRoom {
    /// Whether `slots` slots from `from` fit (see `Ctx::check_stack`).
    pub fn fits(self, from: Addr, slots: u64) -> bool {
        from + (slots + self.kept) * VALUE_SIZE <= self.end
    }
}

fn c_level(yieldable: bool) -> u64 {
    if yieldable {
        1
    } else {
        (1 << 32) | 1
    }
}

/// Calls the value in `func_slot` with the `nargs` values above it, wanting
/// `nresults` results (MULTRET: all). A Lua function gets a new frame that the
/// next step starts running; a native runs now.
pub fn precall(ctx: &mut Ctx, func_slot: Addr, mut nargs: u64, nresults: u64) -> LuaResult<()> {
    for _ in 0..MAX_CALL_CHAIN {
        match ctx.get(func_slot)? {
            Value::LuaFn(cl) => return push_lua_frame(ctx, cl, func_slot, nargs, nresults),
            Value::NativeFn(nf) => return call_native(ctx, nf, func_slot, nargs, nresults),
            other => {
                let tm = super::meta::get_tm(ctx, other, "__call")?;
                // Only a missing __call fails here; a non-callable one fails on the retry.
                if tm.is_nil() {
                    return Err(Trap::Msg(format!("attempt to call a {} value", super::meta::type_name_of(ctx, other)?)));
                }
                // Insert the handler below the arguments: handler(obj, args...).
                ctx.check_stack(func_slot, nargs + 2)?;
                for i in (0..=nargs).rev() {
                    let v = ctx.get(func_slot + i * VALUE_SIZE)?;
                    ctx.set(func_slot + (i + 1) * VALUE_SIZE, v)?;
                }
                ctx.set(func_slot, tm)?;
                nargs += 1;
            }
        }
    }
    // Each `__call` in a chain adds an argument: the reference runs out of
    // stack; this stops before moving the arguments that many times.
    Err(Trap::Msg("stack overflow".into()))
}

const MAX_CALL_CHAIN: usize = 1000;

fn push_lua_frame(ctx: &mut Ctx, cl: Addr, func_slot: Addr, nargs: u64, nresults: u64) -> LuaResult<()> {
    let proto = ctx.h.read_u64(cl + CL_PROTO)?;
    let (nparams, _vararg, max_stack) = func::shape(ctx.h, proto)?;
    ctx.check_stack(func_slot, 1 + max_stack.max(nargs))?;
    // Every register starts nil: the collector scans whole frames, so no
    // register may hold a stale reference from an earlier, deeper call.
    for i in nargs..max_stack.max(nparams) {
        ctx.set(func_slot + (1 + i) * VALUE_SIZE, Value::Nil)?;
    }
    let ci = ctx.push_ci()?;
    let h = &mut *ctx.h;
    h.write_u64(ci + CI_FUNC, func_slot)?;
    h.write_u64(ci + CI_TOP, func_slot + (1 + max_stack) * VALUE_SIZE)?;
    h.write_u64(ci + CI_PC, 0)?;
    h.write_u64(ci + CI_NRESULTS, nresults)?;
    h.write_u64(ci + CI_STATUS, cs::LUA)?;
    // VARARGPREP turns this into the count of extra arguments.
    h.write_u64(ci + CI_EXTRA_ARGS, nargs.max(nparams))?;
    Ok(())
}

fn call_native(ctx: &mut Ctx, nf: Addr, func_slot: Addr, nargs: u64, nresults: u64) -> LuaResult<()> {
    ctx.check_stack(func_slot, 1 + nargs)?;
    let ci = ctx.push_ci()?;
    ctx.h.write_u64(ci + CI_FUNC, func_slot)?;
    ctx.h.write_u64(ci + CI_TOP, func_slot + (1 + nargs) * VALUE_SIZE)?;
    ctx.h.write_u64(ci + CI_NRESULTS, nresults)?;
    ctx.h.write_u64(ci + CI_STATUS, 0)?;
    ctx.h.write_u64(ci + CI_EXTRA_ARGS, nargs)?;
    let mut args = Vec::with_capacity(nargs as usize);
    for i in 0..nargs {
        args.push(ctx.get(func_slot + (1 + i) * VALUE_SIZE)?);
    }
    let id = ctx.h.read_u64(nf + NF_ID)?;
    let def = native_def(id).ok_or(Fault::Invalid("unknown native function id"))?;
    let result = match (def.f)(ctx, &args) {
        Ok(r) => r,
        Err(e) => return Err(name_arg_error(ctx, ci, def, e)?),
    };
    handle_native_result(ctx, ci, result)
}

/// Names the function in a native's "bad argument #n to 'f' (...)" error
/// the way luaL_argerror does: by how its Lua caller called it ("insert"
/// for `table.insert(...)`, "rep" for `s:rep(...)`, where `self` is not
/// counted), or by its library name ("table.insert") when the caller is
/// not Lua code (pcall(f, ...), metamethods of natives...).
fn name_arg_error(ctx: &mut Ctx, ci: Addr, def: &crate::lua::lib::NativeDef, e: Trap) -> LuaResult<Trap> {
    let Trap::Msg(m) = &e else { return Ok(e) };
    let Some(rest) = m.strip_prefix("bad argument #") else { return Ok(e) };
    let Some((num, rest)) = rest.split_once(" to '") else { return Ok(e) };
    let Some((_, detail)) = rest.split_once("' (") else { return Ok(e) };
    let Ok(mut n) = num.parse::<i64>() else { return Ok(e) };
    let name = match call_site_name(ctx, ci)? {
        Some((kind, name)) => {
            if kind == "method" {
                n -= 1;
                if n == 0 {
                    return Ok(Trap::Msg(format!("calling '{name}' on bad self ({detail}")));
                }
            }
            name
        }
        None => global_name(def),
    };
    Ok(Trap::Msg(format!("bad argument #{n} to '{name}' ({detail}")))
}

/// The library name of a native, as `pushglobalfuncname` finds it.
pub fn global_name(def: &crate::lua::lib::NativeDef) -> String {
    match def.lib {
        "" => def.name.to_string(),
        "-" => "?".to_string(),
        lib => format!("{lib}.{}", def.name),
    }
}

/// How the Lua caller of frame `ci` named the function it called (kind and
/// name, as in "method 'rep'"), if the caller is a Lua function.
pub fn call_site_name(ctx: &mut Ctx, ci: Addr) -> Result<Option<(&'static str, String)>, Fault> {
    if ctx.h.read_u64(ci + CI_STATUS)? & cs::TAIL != 0 {
        return Ok(None);
    }
    let caller = ctx.h.read_u64(ci + CI_PREV)?;
    if caller == 0 || ctx.h.read_u64(caller + CI_STATUS)? & cs::LUA == 0 {
        return Ok(None);
    }
    let (proto, pc) = frame_proto_pc(ctx, caller)?;
    let p = func::load_debug_proto(ctx.h, proto)?;
    let described = crate::lua::compiler::describe_call(&p, pc.saturating_sub(1) as usize);
    Ok(described.map(|(kind, name)| (kind, String::from_utf8_lossy(&name).into_owned())))
}

/// Carries out what a native asked for.
pub fn handle_native_result(ctx: &mut Ctx, ci: Addr, result: NativeResult) -> LuaResult<()> {
    match result {
        NativeResult::Return(values) => return_values(ctx, ci, &values),
        NativeResult::Call { func, args, k, protected } => {
            let slot = ctx.h.read_u64(ci + CI_TOP)?;
            ctx.check_stack(slot, 1 + args.len() as u64)?;
            ctx.set(slot, func)?;
            for (i, a) in args.iter().enumerate() {
                ctx.set(slot + (1 + i as u64) * VALUE_SIZE, *a)?;
            }
            let status = ctx.h.read_u64(ci + CI_STATUS)?;
            let yieldable = native_can_yield_in_calls(ctx, ci)?;
            let flags = cs::CONTINUE | if protected { cs::PROTECTED } else { 0 } | if yieldable { 0 } else { cs::NOYIELD };
            ctx.h.write_u64(ci + CI_STATUS, status | flags)?;
            if protected {
                // Errors unwind straight to the innermost handler: no walk over frames.
                let outer = ctx.h.read_u64(ctx.th + T_HANDLER)?;
                ctx.h.write_u64(ci + CI_HANDLER_PREV, outer)?;
                ctx.h.write_u64(ctx.th + T_HANDLER, ci)?;
                let levels = ctx.h.read_u64(ctx.th + T_CCALLS)?;
                ctx.h.write_u64(ci + CI_CCALLS, levels)?;
            }
            ctx.enter_c_level(yieldable)?;
            ctx.h.write_u64(ci + CI_K, k)?;
            ctx.h.write_u64(ci + CI_K1, slot)?;
            match precall(ctx, slot, args.len() as u64, MULTRET) {
                // Raised with a native running: no position, as in the reference.
                Err(Trap::Msg(m)) if (m.starts_with("attempt to call") || m == "stack overflow") && ctx.ci()? == ci => {
                    Err(Trap::Error(ctx.new_str(m.as_bytes())?))
                }
                other => other,
            }
        }
        NativeResult::TailCall { func, args } => {
            let slot = ctx.h.read_u64(ci + CI_FUNC)?;
            let nresults = ctx.h.read_u64(ci + CI_NRESULTS)?;
            ctx.set(slot, func)?;
            for (i, a) in args.iter().enumerate() {
                ctx.set(slot + (1 + i as u64) * VALUE_SIZE, *a)?;
            }
            let prev = ctx.h.read_u64(ci + CI_PREV)?;
            ctx.h.write_u64(ctx.th + T_CI, prev)?;
            precall(ctx, slot, args.len() as u64, nresults)
        }
        NativeResult::Again { k } => {
            let status = ctx.h.read_u64(ci + CI_STATUS)?;
            ctx.h.write_u64(ci + CI_STATUS, status | cs::PENDING)?;
            ctx.h.write_u64(ci + CI_K, k)?;
            Ok(())
        }
        NativeResult::Resume { co, args, k } => super::super::lib::coroutine::switch_to(ctx, ci, co, args, k),
        NativeResult::Yield(values) => super::super::lib::coroutine::yield_from(ctx, ci, values),
    }
}

/// Natives whose calls a coroutine may yield across (the reference's
/// lua_pcallk/lua_callk users); the others call Lua without a way back.
fn native_can_yield_in_calls(ctx: &mut Ctx, ci: Addr) -> Result<bool, Fault> {
    let func_slot = ctx.h.read_u64(ci + CI_FUNC)?;
    let Value::NativeFn(nf) = ctx.get(func_slot)? else { return Ok(true) };
    let id = ctx.h.read_u64(nf + NF_ID)?;
    Ok(native_def(id).is_some_and(|d| matches!((d.lib, d.name), ("", "pcall" | "xpcall" | "pairs") | ("-", "main"))))
}

/// Pops frame `ci`, delivering `values` as its results, and continues the caller.
pub fn return_values(ctx: &mut Ctx, ci: Addr, values: &[Value]) -> LuaResult<()> {
    let func_slot = ctx.h.read_u64(ci + CI_FUNC)?;
    let wanted = ctx.h.read_u64(ci + CI_NRESULTS)?;
    let n = if wanted == MULTRET { values.len() as u64 } else { wanted };
    ctx.check_stack(func_slot, n)?;
    for i in 0..n {
        let v = values.get(i as usize).copied().unwrap_or(Value::Nil);
        ctx.set(func_slot + i * VALUE_SIZE, v)?;
    }
    finish_return(ctx, ci, func_slot, n, wanted)
}

/// Pops frame `ci` whose `nres` results start at `first` (above its function slot).
pub fn return_from_slots(ctx: &mut Ctx, ci: Addr, first: Addr, nres: u64) -> LuaResult<()> {
    let func_slot = ctx.h.read_u64(ci + CI_FUNC)?;
    let wanted = ctx.h.read_u64(ci + CI_NRESULTS)?;
    let n = if wanted == MULTRET { nres } else { wanted };
    for i in 0..n {
        let v = if i < nres { ctx.get(first + i * VALUE_SIZE)? } else { Value::Nil };
        ctx.set(func_slot + i * VALUE_SIZE, v)?;
    }
    finish_return(ctx, ci, func_slot, n, wanted)
}

fn finish_return(ctx: &mut Ctx, ci: Addr, func_slot: Addr, n: u64, wanted: u64) -> LuaResult<()> {
    // T_TOP marks results above the caller's registers; 0 when there are none,
    // so the collector never scans stale slots.
    let top = if wanted == MULTRET { func_slot + n * VALUE_SIZE } else { 0 };
    ctx.h.write_u64(ctx.th + T_TOP, top)?;
    let prev = ctx.h.read_u64(ci + CI_PREV)?;
    ctx.h.write_u64(ctx.th + T_CI, prev)?;
    after_return(ctx, prev, func_slot, n)
}

/// The frame `ci` just got `n` results at `first`: finish what it was doing.
fn after_return(ctx: &mut Ctx, ci: Addr, first: Addr, n: u64) -> LuaResult<()> {
    let status = ctx.h.read_u64(ci + CI_STATUS)?;
    if status & cs::COROUTINE_BASE != 0 {
        let mut values = Vec::with_capacity(n as usize);
        for i in 0..n {
            values.push(ctx.get(first + i * VALUE_SIZE)?);
        }
        return super::super::lib::coroutine::finish(ctx, Ok(values));
    }
    if status & (cs::FINISH_OP | cs::CONTINUE) != 0 {
        ctx.leave_c_level(status & cs::NOYIELD == 0)?;
    }
    if status & cs::LUA != 0 {
        if status & cs::CLOSING != 0 {
            // Run the CLOSE/RETURN that made the `__close` call again.
            ctx.h.write_u64(ci + CI_STATUS, status & !cs::CLOSING)?;
            let pc = ctx.h.read_u64(ci + CI_PC)?;
            ctx.h.write_u64(ci + CI_PC, pc - 1)?;
            return Ok(());
        }
        if status & cs::FINISH_OP != 0 {
            ctx.h.write_u64(ci + CI_STATUS, status & !cs::FINISH_OP)?;
            return super::exec::finish_op(ctx, ci, first);
        }
        return Ok(());
    }
    if status & cs::CONTINUE != 0 {
        let mut values = Vec::with_capacity(n as usize);
        for i in 0..n {
            values.push(ctx.get(first + i * VALUE_SIZE)?);
        }
        return continue_native(ctx, ci, Ok(values));
    }
    // The thread's base frame: the main chunk returned (or, at exit, a
    // finalizer did).
    if crate::lua::gc::main_returned(ctx)? {
        ctx.h.write_u64(ctx.g + G_STATUS, RunStatus::Done as u64)?;
    }
    Ok(())
}

/// Runs the continuation of native frame `ci` with a call's outcome.
pub fn continue_native(ctx: &mut Ctx, ci: Addr, input: ContinuationInput) -> LuaResult<()> {
    let status = ctx.h.read_u64(ci + CI_STATUS)?;
    if status & cs::MSGH != 0 {
        // A message handler returned: its result is the error to unwind.
        let value = match input {
            Ok(values) => values.first().copied().unwrap_or(Value::Nil),
            Err(e) => e,
        };
        let args = crate::lua::lib::frame_args(ctx, ci)?;
        let Some(&Value::Int(target)) = args.get(2) else { return Err(Fault::Invalid("message handler runner without its xpcall").into()) };
        return super::close::start_unwinding(ctx, target as Addr, value);
    }
    ctx.h.write_u64(ci + CI_STATUS, status & !(cs::CONTINUE | cs::PROTECTED | cs::NOYIELD | cs::PENDING))?;
    if status & cs::PROTECTED != 0 {
        let outer = ctx.h.read_u64(ci + CI_HANDLER_PREV)?;
        ctx.h.write_u64(ctx.th + T_HANDLER, outer)?;
    }
    if status & cs::UNWINDING != 0 {
        // A `__close` call made while unwinding an error returned.
        return super::close::unwind_next(ctx, ci);
    }
    let k = ctx.h.read_u64(ci + CI_K)?;
    let func_slot = ctx.h.read_u64(ci + CI_FUNC)?;
    let f = ctx.get(func_slot)?;
    let Value::NativeFn(nf) = f else { return Err(Fault::Invalid("continuation of a non-native frame").into()) };
    let id = ctx.h.read_u64(nf + NF_ID)?;
    let def = native_def(id).ok_or(Fault::Invalid("unknown native function id"))?;
    let cont = def.k.ok_or(Fault::Invalid("native without a continuation was continued"))?;
    let args = crate::lua::lib::frame_args(ctx, ci)?;
    let result = match cont(ctx, k, input, &args) {
        Ok(r) => r,
        Err(e) => return Err(name_arg_error(ctx, ci, def, e)?),
    };
    handle_native_result(ctx, ci, result)
}

/// Turns a message into an error value "chunk:line: message", taking the
/// position from the innermost Lua frame at `level` (0: the running frame,
/// or the Lua caller of a running native).
pub fn message_value(ctx: &mut Ctx, msg: &str, level: u64) -> Result<Value, Fault> {
    let mut text = where_(ctx, level)?;
    text.extend_from_slice(msg.as_bytes());
    ctx.new_str(&text)
}

/// "chunk:line: " for the function `level` frames up (luaL_where): 0 is the
/// running frame (or, for a running native, its caller), 1 the caller of
/// the running function, and so on. Empty if that frame is not Lua.
pub fn where_(ctx: &mut Ctx, level: u64) -> Result<Vec<u8>, Fault> {
    let mut ci = ctx.ci()?;
    if level == 0 {
        if ctx.h.read_u64(ci + CI_STATUS)? & cs::LUA == 0 {
            ci = ctx.h.read_u64(ci + CI_PREV)?;
        }
    } else {
        for _ in 0..level {
            if ci == 0 {
                break;
            }
            ci = ctx.h.read_u64(ci + CI_PREV)?;
        }
    }
    if ci == 0 || ctx.h.read_u64(ci + CI_STATUS)? & cs::LUA == 0 {
        return Ok(Vec::new());
    }
    let (proto, pc) = frame_proto_pc(ctx, ci)?;
    let line = func::line_of(ctx.h, proto, pc.saturating_sub(1))?;
    let mut text = func::source_id(ctx.h, proto)?;
    text.extend_from_slice(format!(":{line}: ").as_bytes());
    Ok(text)
}

/// The prototype and saved pc of a Lua frame.
pub fn frame_proto_pc(ctx: &mut Ctx, ci: Addr) -> Result<(Addr, u64), Fault> {
    let func_slot = ctx.h.read_u64(ci + CI_FUNC)?;
    let Value::LuaFn(cl) = ctx.get(func_slot)? else { return Err(Fault::Invalid("Lua frame without a Lua function")) };
    let proto = ctx.h.read_u64(cl + CL_PROTO)?;
    Ok((proto, ctx.h.read_u64(ci + CI_PC)?))
}

/// Raises `value` as a Lua error: unwinds to the nearest protected native of
/// the running thread and runs its continuation, or ends the coroutine, or
/// ends the program.
pub fn throw(ctx: &mut Ctx, mut value: Value) -> Result<Step, Fault> {
    loop {
        let ci = ctx.h.read_u64(ctx.th + T_HANDLER)?;
        let outcome = if ci != 0 {
            match message_handler(ctx, ci)? {
                Some(handler) => match call_message_handler(ctx, ci, handler, value) {
                    Err(Trap::Fault(f)) => return Err(f),
                    // No room to run the handler (it keeps failing, or the
                    // stacks are exhausted): Lua's LUA_ERRERR.
                    Err(_) => {
                        let msg = ctx.new_str(b"error in error handling")?;
                        super::close::start_unwinding(ctx, ci, msg)
                    }
                    ok => ok,
                },
                None => super::close::start_unwinding(ctx, ci, value),
            }
        } else if ctx.h.read_u64(ctx.g + G_MAIN_THREAD)? == ctx.th {
            func::close_upvals(ctx.h, ctx.th, 0)?;
            if crate::lua::gc::close_on_error(ctx, value)? {
                // Finalizers run first, as lua_close runs them.
                return Ok(Step::Continue);
            }
            ctx.h.write_u64(ctx.g + G_STATUS, RunStatus::Error as u64)?;
            set(ctx.h, ctx.g + G_ERROR, value)?;
            return Ok(Step::Finished);
        } else {
            func::close_upvals(ctx.h, ctx.th, 0)?;
            super::super::lib::coroutine::finish(ctx, Err(value))
        };
        match outcome {
            Ok(()) => return Ok(Step::Continue),
            Err(Trap::Fault(f)) => return Err(f),
            Err(Trap::Error(v)) => value = v,
            Err(Trap::Msg(m)) => value = message_value(ctx, &m, 0)?,
        }
    }
}

/// The message handler of protected frame `ci`, if it is an xpcall's.
fn message_handler(ctx: &mut Ctx, ci: Addr) -> Result<Option<Value>, Fault> {
    static XPCALL: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let func_slot = ctx.h.read_u64(ci + CI_FUNC)?;
    let Value::NativeFn(nf) = ctx.get(func_slot)? else { return Ok(None) };
    if ctx.h.read_u64(nf + NF_ID)? != *XPCALL.get_or_init(|| crate::lua::lib::native_id("", "xpcall")) {
        return Ok(None);
    }
    ctx.get(func_slot + 2 * VALUE_SIZE).map(Some)
}

/// Calls xpcall frame `target`'s message handler with the error `value`
/// where the error happened, before anything unwinds (the handler sees the
/// erroring frames; to-be-closed variables are closed afterwards, with its
/// result). A hidden native runs it; when the handler returns, the runner
/// unwinds to `target` with the result (see `continue_native`). An error in
/// the handler calls the handler again, as in Lua, until the levels run
/// out ("error in error handling").
fn call_message_handler(ctx: &mut Ctx, target: Addr, handler: Value, value: Value) -> LuaResult<()> {
    let levels = ctx.h.read_u64(ctx.th + T_CCALLS)?;
    ctx.h.write_u64(ctx.th + T_CCALLS, levels + (1 << MSGH_SHIFT))?;
    let ci = ctx.ci()?;
    let mut slot = ctx.h.read_u64(ci + CI_TOP)?;
    let mark = ctx.h.read_u64(ctx.th + T_TOP)?;
    if mark > slot {
        slot = mark;
    }
    ctx.h.write_u64(ctx.th + T_TOP, 0)?;
    ctx.check_stack(slot, 4)?;
    let runner = crate::lua::lib::base::native_value(ctx, "-", "msgh")?;
    ctx.set(slot, runner)?;
    ctx.set(slot + VALUE_SIZE, handler)?;
    ctx.set(slot + 2 * VALUE_SIZE, value)?;
    ctx.set(slot + 3 * VALUE_SIZE, Value::Int(target as i64))?;
    precall(ctx, slot, 3, 0)
}

/// Every native function's definition, for `lib` to register.
pub fn natives() -> &'static [crate::lua::lib::NativeDef] {
    NATIVES
}

/// Runs a native by id outside any call (used by the runtime to start things).
pub fn heap_of<'a>(ctx: &'a mut Ctx) -> &'a mut Heap {
    ctx.h
}
