//! The interpreter: one Lua instruction per [`step`], every piece of state in
//! the heap.
//!
//! A step reads the current thread, frame, closure and instruction from the
//! heap, executes the instruction and returns. A page fault anywhere inside
//! rolls the whole step back (the heap's undo log), so the driver can bring
//! the page in and call `step` again: the instruction re-executes from
//! scratch with no visible double effect. Calls, returns, metamethods,
//! `pcall` and coroutines never recurse on the Rust stack: they push and pop
//! frames in the heap and the next step continues in the new frame.

pub mod arith;
pub mod call;
pub mod close;
mod exec;
mod fast;
pub mod meta;

pub use call::{Ctx, NativeResult};

use super::state::*;
use super::value::Value;
use crate::heap::{Addr, Fault, Heap};

/// Why an instruction did not complete normally.
#[derive(Debug, Clone)]
pub enum Trap {
    /// A heap fault: page missing (retry), out of memory, or a broken heap.
    Fault(Fault),
    /// A Lua error carrying this value.
    Error(Value),
    /// A Lua runtime error whose message still needs its "chunk:line:" prefix.
    Msg(String),
}

impl From<Fault> for Trap {
    fn from(f: Fault) -> Self {
        Trap::Fault(f)
    }
}

pub type LuaResult<T> = Result<T, Trap>;

/// Shorthand for a runtime error with a message.
pub fn rt_error<T>(msg: impl Into<String>) -> LuaResult<T> {
    Err(Trap::Msg(msg.into()))
}

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// More to run.
    Continue,
    /// The program ended (normally or with an uncaught error); see G_STATUS.
    Finished,
}

/// Executes one instruction of the current thread (or finishes a pending
/// error). The caller commits the heap step on `Ok` and rolls it back on
/// `Err(Fault::Page)`.
pub fn step(h: &mut Heap) -> Result<Step, Fault> {
    step_batch(h, 1).map(|(step, _)| step)
}

/// One instruction of the current thread, given the global block.
#[inline(always)]
fn instruction(h: &mut Heap, g: Addr, cache: &mut Option<exec::FrameCache>) -> Result<Step, Fault> {
    let th = h.read_u64(g + G_CURRENT_THREAD)?;
    let mut ctx = Ctx { h, g, th };
    let result = exec::execute(&mut ctx, cache);
    if result.is_err() {
        *cache = None;
    }
    match result {
        Ok(step) => Ok(step),
        Err(Trap::Fault(f)) => Err(f),
        Err(Trap::Msg(msg)) => {
            let value = call::message_value(&mut ctx, &msg, 0)?;
            call::throw(&mut ctx, value)
        }
        Err(Trap::Error(value)) => call::throw(&mut ctx, value),
    }
}

/// Runs up to `max` instructions as ONE heap step: a page fault rolls all of
/// them back (the driver then retries with `max` = 1, so every retry still
/// makes progress). Batching amortises the per-step commit; it stops early
/// when the program ends or the collector wants the next step (collector
/// slices are not batched, so a step never needs more than a slice's pages,
/// and work a `collectgarbage` call asked for happens before the next
/// instruction).
pub fn step_batch(h: &mut Heap, max: u64) -> Result<(Step, u64), Fault> {
    let g = globals_block(h)?;
    if RunStatus::from_u64(h.read_u64(g + G_STATUS)?) != RunStatus::Running {
        return Ok((Step::Finished, 0));
    }
    // The collector takes whole steps (a slice of work, or pushing a
    // finalizer call), so a step never needs more than a slice's pages.
    // The collector may use the pages kept back for it: it must be able to
    // run when the program has used up the rest.
    if h.with_reserve(|h| super::gc::poll(h, g))? {
        return Ok((Step::Continue, 1));
    }
    super::string::set_in_instructions(true);
    let result = run_batch(h, g, max);
    super::string::set_in_instructions(false);
    result
}

fn run_batch(h: &mut Heap, g: Addr, max: u64) -> Result<(Step, u64), Fault> {
    let mut cache = None;
    let mut callers = Vec::new();
    let mut done = 0;
    while done < max {
        // Simple instructions, as many as come in a row (see fast.rs). They
        // change neither the run status nor what the collector polls, so
        // the checks below are only needed after the general path.
        done += run_simple(h, g, &mut cache, &mut callers, max - done)?;
        if done == max {
            break;
        }
        if !run_instruction(h, g, &mut cache)? {
            // A long comparison is not done. Keep how far it got and
            // nothing else the instruction did; it runs again next step.
            // The rollback also undid the instructions this batch completed
            // before it: they are deterministic and their pages are still
            // in, so they are simply done again (else two such comparisons
            // in one batch would undo each other's progress forever).
            let records = super::string::take_interrupted();
            h.roll_back_step();
            let mut cache = None;
            for _ in 0..done {
                if !run_instruction(h, g, &mut cache)? {
                    return Err(Fault::Invalid("an instruction ran differently when done again"));
                }
            }
            super::string::keep_interrupted(h, g, records)?;
            return Ok((Step::Continue, done));
        }
        done += 1;
        if RunStatus::from_u64(h.read_u64(g + G_STATUS)?) != RunStatus::Running {
            return Ok((Step::Finished, done));
        }
        if h.freed_in_step() || super::gc::wants_step(h, g)? {
            break;
        }
    }
    if done > 0 {
        super::gc::instruction_completed(h, g)?;
    }
    Ok((Step::Continue, done))
}

/// Runs the simple instructions that come next in the running Lua frame
/// (at most `budget`); returns how many ran.
#[inline(always)]
fn run_simple(h: &mut Heap, g: Addr, cache: &mut Option<exec::FrameCache>, callers: &mut Vec<exec::FrameCache>, budget: u64) -> Result<u64, Fault> {
    let th = h.read_u64(g + G_CURRENT_THREAD)?;
    fast::run_simple(&mut Ctx { h, g, th }, cache, callers, budget)
}

/// Runs one instruction: false if it was interrupted (see string.rs, long
/// comparisons) and must run again.
#[inline(always)]
fn run_instruction(h: &mut Heap, g: Addr, cache: &mut Option<exec::FrameCache>) -> Result<bool, Fault> {
    let result = instruction(h, g, cache);
    let used_record = super::string::instruction_used_record();
    match result {
        Ok(_) => {}
        Err(Fault::Invalid(m)) if m == super::string::INTERRUPTED => return Ok(false),
        Err(e) => return Err(e),
    }
    if used_record {
        super::string::clear_records(h, g)?;
    }
    Ok(true)
}

/// Reads the program's final status and, for an error, its value.
pub fn status(h: &mut Heap) -> Result<(RunStatus, Value), Fault> {
    let g = globals_block(h)?;
    let status = RunStatus::from_u64(h.read_u64(g + G_STATUS)?);
    Ok((status, get(h, g + G_ERROR)?))
}

/// The globals table.
pub fn globals_table(h: &mut Heap) -> Result<Addr, Fault> {
    let g = globals_block(h)?;
    h.read_u64(g + G_GLOBALS)
}
