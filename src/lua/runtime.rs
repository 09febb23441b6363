//! A Lua program on a paged heap: create or open, load, run in slices,
//! collect output, checkpoint. This is what the CLI and the browser driver use.
//!
//! Every VM instruction is one heap step (`PagedHeap::access`): a page fault
//! rolls it back and it runs again once the page is in, so the program's
//! state is always that of an instruction boundary when `run` returns, and a
//! checkpoint taken then captures the whole computation.

use super::compiler;
use super::lib::{self, coroutine};
use super::input;
use super::output;
use super::state::*;
use super::string::new_string;
use super::table;
use super::value::Value;
use super::vm::{self, call, Ctx, Step};
use crate::heap::{Addr, Fault, HeapConfig, HeapError, PagedHeap};
use crate::store::Store;

/// Where the uncaught error's traceback is kept (a string address).
const G_TRACEBACK: u64 = G_GC + 15 * 8;

/// How a `run` slice ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// The fuel ran out; call `run` again to continue.
    Paused,
    /// The program ended normally.
    Done,
    /// The program ended with an uncaught error (see `error_report`).
    Failed,
}

pub struct LuaVm<S: Store> {
    heap: PagedHeap<S>,
    /// Where the program's stdin comes from; none: it is empty.
    input: Option<Box<dyn std::io::Read>>,
    /// Bytes read from `input` and not yet in the heap (the append waited
    /// for a page: they must not be lost).
    input_chunk: Option<Vec<u8>>,
}

/// The most instructions run as one heap step (see `vm::step_batch`).
/// Batching amortises the per-step commit; after a fault the batch restarts
/// at one instruction and doubles while steps run without faults, so a
/// program that pages a lot does not re-execute long rolled-back batches.
const MAX_BATCH: u64 = 64;

/// Output waiting in the heap beyond this is handed to the host early.
const OUTPUT_FLUSH: u64 = 16 * 1024;

impl<S: Store> LuaVm<S> {
    /// Creates a heap holding a fresh Lua state.
    pub fn create(store: S, name: &str, config: &HeapConfig) -> Result<Self, HeapError> {
        let mut vm = Self::create_uncommitted(store, name, config)?;
        vm.checkpoint()?;
        Ok(vm)
    }

    /// Creates the Lua state without its first checkpoint (see
    /// [`PagedHeap::create_uncommitted`]); the heap exists once a checkpoint succeeds.
    pub fn create_uncommitted(store: S, name: &str, config: &HeapConfig) -> Result<Self, HeapError> {
        let mut heap = PagedHeap::create_uncommitted(store, name, config)?;
        heap.access(init_state)?;
        heap.access(|h| {
            let g = globals_block(h)?;
            let th = h.read_u64(g + G_MAIN_THREAD)?;
            let globals = h.read_u64(g + G_GLOBALS)?;
            let mut ctx = Ctx { h, g, th };
            lib::open_libs(&mut ctx, globals)
        })?;
        Ok(LuaVm::around(heap))
    }

    fn around(heap: PagedHeap<S>) -> Self {
        LuaVm { heap, input: None, input_chunk: None }
    }

    /// Gives the program a stdin (read as `io.read` needs it, a chunk at a
    /// time, between instructions).
    pub fn set_input(&mut self, input: Box<dyn std::io::Read>) {
        self.input = Some(input);
    }

    /// Opens a heap holding a Lua state at its last checkpoint.
    pub fn open(store: S, name: &str, memory: usize) -> Result<Self, HeapError> {
        let mut heap = PagedHeap::open(store, name, memory)?;
        let g = heap.access(globals_block)?;
        if g == 0 {
            return Err(HeapError::NotAHeap { heap: name.to_string(), why: "it holds no Lua state".into() });
        }
        Ok(LuaVm::around(heap))
    }

    pub fn paged_heap(&mut self) -> &mut PagedHeap<S> {
        &mut self.heap
    }

    /// Compiles `source` and prepares its main chunk to run. A syntax error
    /// is returned as its message (`name:line: message near 'token'`).
    pub fn load(&mut self, source: &[u8], chunk_name: &str) -> Result<Result<(), String>, HeapError> {
        let proto = match compiler::compile(source, chunk_name) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e.message)),
        };
        self.heap.access(|h| {
            let g = globals_block(h)?;
            let th = h.read_u64(g + G_MAIN_THREAD)?;
            let globals = h.read_u64(g + G_GLOBALS)?;
            let mut ctx = Ctx { h, g, th };
            let f = lib::base::make_main_closure(&mut ctx, &proto, Value::Table(globals))?;
            let stack = ctx.h.read_u64(th + T_STACK)?;
            let slot = stack + crate::lua::value::VALUE_SIZE;
            // main(f): runs the chunk protected, as lua.c does.
            let main = crate::lua::func::new_native(ctx.h, g, lib::native_id("-", "main"), &[])?;
            ctx.set(slot, Value::NativeFn(main))?;
            ctx.set(slot + crate::lua::value::VALUE_SIZE, f)?;
            match call::precall(&mut ctx, slot, 1, MULTRET) {
                Ok(()) => {}
                Err(vm::Trap::Fault(f)) => return Err(f),
                Err(_) => return Err(Fault::Invalid("the main chunk could not be called")),
            }
            ctx.h.write_u64(g + G_STATUS, RunStatus::Running as u64)
        })?;
        let label = chunk_name.trim_start_matches(['@', '=']).to_string();
        self.heap.set_label(&label);
        Ok(Ok(()))
    }

    /// Runs up to `fuel` instructions, handing output to `out` as it is
    /// produced (only output of completed instructions is ever handed out).
    pub fn run(&mut self, fuel: u64, out: &mut dyn FnMut(&[u8])) -> Result<RunOutcome, HeapError> {
        let mut outcome = RunOutcome::Paused;
        let mut executed = 0u64;
        let mut flush_check = 0u64;
        let mut batch = 1;
        while executed < fuel {
            let faults_before = self.heap.heap().counters.faults;
            match self.guarded_step(batch.min(fuel - executed))? {
                Ok((Step::Continue, n)) => executed += n,
                Ok((Step::Finished, _)) => {
                    outcome = self.finished_outcome()?;
                    break;
                }
                // The whole batch was rolled back: find the failing
                // instruction by running one at a time.
                Err(HeapError::OutOfMemory) if batch > 1 => {
                    batch = 1;
                    continue;
                }
                Err(HeapError::OutOfMemory) => {
                    self.heap.access(handle_out_of_memory)?;
                    executed += 1;
                }
                Err(HeapError::Invalid(m)) if m == input::WAIT_INPUT => {
                    // A prompt printed before the read must show before the wait.
                    self.drain_output(out)?;
                    self.feed_input()?;
                    continue;
                }
                Err(e) => return Err(e),
            }
            batch = if self.heap.heap().counters.faults == faults_before { (batch * 2).min(MAX_BATCH) } else { 1 };
            flush_check += 1;
            if flush_check % 16 == 0 && self.heap.access(output::pending)? >= OUTPUT_FLUSH {
                self.drain_output(out)?;
            }
        }
        self.drain_output(out)?;
        if outcome == RunOutcome::Paused {
            outcome = self.finished_outcome()?;
        }
        Ok(outcome)
    }

    /// One instruction. A panic inside is a VM bug; it must not take the
    /// heap with it: the instruction is rolled back (the heap is exactly as
    /// before it) and reported as an error, and the last checkpoint is intact.
    fn guarded_step(&mut self, batch: u64) -> Result<Result<(Step, u64), HeapError>, HeapError> {
        let heap = &mut self.heap;
        let mut attempt = 0;
        let mut run_batch = |h: &mut crate::heap::Heap| {
            // After a fault, retry one instruction at a time: progress is then guaranteed.
            let limit = if attempt == 0 { batch } else { 1 };
            attempt += 1;
            vm::step_batch(h, limit)
        };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| heap.access(&mut run_batch))) {
            Ok(result) => Ok(result),
            Err(panic) => {
                let h = self.heap.heap();
                h.roll_back_step();
                h.take_wanted();
                h.commit_step();
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(HeapError::Invalid(format!("internal error in the VM ({what}); the program was stopped")))
            }
        }
    }

    fn finished_outcome(&mut self) -> Result<RunOutcome, HeapError> {
        let (status, _) = self.heap.access(vm::status)?;
        Ok(match status {
            RunStatus::Done => RunOutcome::Done,
            RunStatus::Error => RunOutcome::Failed,
            _ => RunOutcome::Paused,
        })
    }

    /// The exit status a finished program asked for with `os.exit` (0 if
    /// it did not), as the process would report it (the low 8 bits).
    pub fn exit_code(&mut self) -> Result<u8, HeapError> {
        self.heap.access(|h| {
            let g = globals_block(h)?;
            h.read_u64(g + G_EXIT_CODE)
        }).map(|code| code as u8)
    }

    pub fn status(&mut self) -> Result<RunStatus, HeapError> {
        Ok(self.heap.access(vm::status)?.0)
    }

    /// Moves the program's pending output out of the heap, one bounded step
    /// at a time; each chunk goes to `out` as soon as its step committed.
    pub fn drain_output(&mut self, out: &mut dyn FnMut(&[u8])) -> Result<(), HeapError> {
        loop {
            let bytes = self.heap.access(output::take_chunk)?;
            if bytes.is_empty() {
                return Ok(());
            }
            out(&bytes);
        }
    }

    /// The last output the program printed (up to `output::TRANSCRIPT_BYTES`),
    /// kept in the heap: after a reopening it is what was printed up to the
    /// checkpoint. Also returns how many bytes were ever printed.
    pub fn transcript(&mut self) -> Result<(Vec<u8>, u64), HeapError> {
        self.heap.access(output::transcript)
    }

    /// The uncaught error's message as the reference interpreter prints it
    /// (without the program-name prefix), and the traceback.
    pub fn error_report(&mut self) -> Result<(String, String), HeapError> {
        let report = self.heap.access(|h| {
            let (_, err) = vm::status(h)?;
            let g = globals_block(h)?;
            let message = match err {
                Value::Str(s) => String::from_utf8_lossy(&super::string::bytes(h, s)?).into_owned(),
                Value::Int(_) | Value::Float(_) => {
                    let th = h.read_u64(g + G_MAIN_THREAD)?;
                    let mut ctx = Ctx { h, g, th };
                    let b = vm::meta::basic_tostring(&mut ctx, err).map_err(|_| Fault::Invalid("tostring"))?;
                    String::from_utf8_lossy(&b).into_owned()
                }
                Value::Nil => "nil".to_string(),
                other => format!("(error object is a {} value)", other.type_name()),
            };
            let tb = h.read_u64(g + G_TRACEBACK)?;
            let traceback = if tb != 0 { String::from_utf8_lossy(&super::string::bytes(h, tb)?).into_owned() } else { String::new() };
            Ok((message, traceback))
        })?;
        Ok(report)
    }

    /// Sets global `name` to a host value (tables are built in the heap).
    /// A value the VM cannot take is refused with a message; nothing changes.
    pub fn set_global(&mut self, name: &str, value: &super::host::HostValue) -> Result<Result<(), String>, HeapError> {
        if let Err(why) = value.check_size() {
            return Ok(Err(why));
        }
        self.heap.access(|h| super::host::set_global(h, name, value))
    }

    /// The value of global `name`, as a host value; functions, threads and
    /// cyclic tables are refused with a message.
    pub fn get_global(&mut self, name: &str) -> Result<Result<super::host::HostValue, String>, HeapError> {
        self.heap.access(|h| super::host::get_global(h, name))
    }

    pub fn checkpoint(&mut self) -> Result<crate::heap::driver::CheckpointReport, HeapError> {
        self.heap.checkpoint()
    }

    pub fn stats(&mut self) -> crate::heap::Stats {
        self.heap.stats()
    }

    /// A read needs more of stdin: one chunk of it into the heap (or the
    /// end of input, when there is no more or no input at all).
    fn feed_input(&mut self) -> Result<(), HeapError> {
        if self.input_chunk.is_none() {
            let mut chunk = vec![0u8; input::CHUNK];
            let n = match &mut self.input {
                Some(reader) => loop {
                    match reader.read(&mut chunk) {
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        // A stdin that cannot be read is an input that ended.
                        other => break other.unwrap_or(0),
                    }
                },
                None => 0,
            };
            chunk.truncate(n);
            self.input_chunk = Some(chunk);
        }
        let chunk = self.input_chunk.as_deref().unwrap_or_default();
        self.heap.access(|h| input::append(h, chunk))?;
        self.input_chunk = None;
        Ok(())
    }

    /// Bytes of Lua data (what `collectgarbage("count")` reports): the
    /// heap's bytes in use less the stack reservations nothing has touched.
    pub fn lua_bytes(&mut self) -> Result<u64, HeapError> {
        self.heap.access(|h| {
            let g = globals_block(h)?;
            super::gc::lua_bytes(h, g)
        })
    }

    pub fn close(self) -> Result<S, HeapError> {
        self.heap.close()
    }

    pub fn abandon(self) -> S {
        self.heap.abandon()
    }
}

/// Creates the global block, string table, main thread, globals and registry.
fn init_state(h: &mut crate::heap::Heap) -> Result<(), Fault> {
    let g = h.alloc(G_SIZE)?;
    h.fill(g, G_SIZE as usize, 0)?;
    h.set_user_word(USER_WORD_GLOBALS, g)?;
    super::gc::init(h, g)?;
    super::string::init_table(h, g)?;
    super::gc::init_objects(h, g)?;
    let globals = table::new_table(h, g, 0, 64)?;
    let registry = table::new_table(h, g, 0, 4)?;
    h.write_u64(g + G_GLOBALS, globals)?;
    h.write_u64(g + G_REGISTRY, registry)?;
    let memerr = new_string(h, g, b"not enough memory")?;
    h.write_u64(g + G_MEMERR, memerr)?;
    let buf = h.alloc(4096)?;
    h.write_u64(g + G_OUT_BUF, buf)?;
    h.write_u64(g + G_OUT_CAP, 4096)?;
    h.write_u64(g + G_OUT_LEN, 0)?;
    output::init(h)?;
    let mut ctx = Ctx { h, g, th: 0 };
    let th = coroutine::new_thread(&mut ctx, Value::Nil, MAIN_STACK_SLOTS)?;
    h.write_u64(th + T_STATUS, ThreadStatus::Running as u64)?;
    h.write_u64(g + G_MAIN_THREAD, th)?;
    h.write_u64(g + G_CURRENT_THREAD, th)?;
    super::gc::init_mode(h, g)?;
    h.write_u64(g + G_STATUS, RunStatus::Empty as u64)
}

/// The instruction about to run needs more heap than is left: a full
/// collection first (as Lua does), and if the instruction still fails after
/// it, Lua's "not enough memory" error (unwinding may allocate: it may use
/// the collector's reserve).
fn handle_out_of_memory(h: &mut crate::heap::Heap) -> Result<(), Fault> {
    let g = globals_block(h)?;
    if super::gc::request_emergency(h, g)? {
        return Ok(());
    }
    h.with_reserve(|h| throw_memory_error(h, g))
}

fn throw_memory_error(h: &mut crate::heap::Heap, g: Addr) -> Result<(), Fault> {
    let th = h.read_u64(g + G_CURRENT_THREAD)?;
    let memerr = h.read_u64(g + G_MEMERR)?;
    let mut ctx = Ctx { h, g, th };
    call::throw(&mut ctx, Value::Str(memerr)).map(drop)
}
