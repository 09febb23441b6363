//! What JavaScript sees: a `Machine` (an open heap with its program) and a few
//! functions over the heaps of this origin. `www/worker.js` calls these from
//! a dedicated worker; `www/vheap.js` is the page-side API on top.
//!
//! Every method returns a promise. Failures reject with an `Error` whose
//! `code` says what happened (see [`error_code`]) and whose message says it
//! in words a user can act on.

use super::driver::{self, Options, Slice, WebVm};
use crate::heap::HeapError;
use crate::image::{ExportError, ImportError, ImportLimits};
use crate::lua::runtime::RunOutcome;
use crate::lua::state::RunStatus;
use crate::store::StoreError;
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// A JavaScript `Error` with a `code` property.
fn js_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    let _ = Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}

/// The `code` of each store error.
fn store_code(e: &StoreError) -> &'static str {
    match e {
        StoreError::Locked(_) => "LOCKED",
        StoreError::NotFound(_) => "NOT_FOUND",
        StoreError::AlreadyExists(_) => "EXISTS",
        StoreError::Full(_) => "QUOTA",
        StoreError::Corrupt { .. } => "CORRUPT",
        StoreError::UpgradeRequired { .. } => "UPGRADE_REQUIRED",
        StoreError::BadName(_) => "BAD_NAME",
        StoreError::Io(_) | StoreError::PreviousIo { .. } => "IO",
        _ => "INTERNAL",
    }
}

/// The `code` of each heap error.
pub fn error_code(e: &HeapError) -> &'static str {
    match e {
        HeapError::Store(s) => store_code(s),
        HeapError::OutOfMemory => "OUT_OF_MEMORY",
        HeapError::WorkingSetTooLarge { .. } => "MEMORY_TOO_SMALL",
        HeapError::Config(_) => "CONFIG",
        HeapError::NotAHeap { .. } => "NOT_A_HEAP",
        _ => "INTERNAL",
    }
}

fn heap_error(e: HeapError) -> JsValue {
    js_error(error_code(&e), &e.to_string())
}

fn store_error(e: StoreError) -> JsValue {
    js_error(store_code(&e), &e.to_string())
}

fn import_error(e: ImportError) -> JsValue {
    let code = match &e {
        ImportError::NotACheckpoint => "NOT_A_CHECKPOINT",
        ImportError::UnsupportedVersion(_) => "UNSUPPORTED_VERSION",
        ImportError::Truncated => "TRUNCATED",
        ImportError::Corrupt(_) => "CORRUPT_FILE",
        ImportError::TooLarge { .. } => "TOO_LARGE",
        ImportError::Store(s) => store_code(s),
        _ => "IO",
    };
    js_error(code, &e.to_string())
}

fn export_error(e: ExportError) -> JsValue {
    match e {
        ExportError::Store(s) => store_error(s),
        other => js_error("IO", &other.to_string()),
    }
}

fn set(obj: &Object, field: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(obj, &field.into(), &value.into());
}

fn field(options: &JsValue, name: &str) -> JsValue {
    if options.is_object() {
        Reflect::get(options, &name.into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// A size given as bytes (number) or text ("8MiB").
fn size_option(options: &JsValue, name: &str, default: u64) -> Result<u64, JsValue> {
    let value = field(options, name);
    if value.is_undefined() || value.is_null() {
        return Ok(default);
    }
    if let Some(n) = value.as_f64() {
        return if n >= 0.0 && n.fract() == 0.0 { Ok(n as u64) } else { Err(js_error("CONFIG", &format!("{name} must be a whole number of bytes"))) };
    }
    let text = value.as_string().ok_or_else(|| js_error("CONFIG", &format!("{name} must be a number or a size such as \"8MiB\"")))?;
    crate::heap::parse_size(&text).map_err(|e| js_error("CONFIG", &format!("{name}: {e}")))
}

fn parse_options(options: &JsValue) -> Result<Options, JsValue> {
    let defaults = Options::default();
    let memory = size_option(options, "memory", defaults.memory as u64)?;
    let page_size = size_option(options, "pageSize", u64::from(defaults.page_size))?;
    let max_size = size_option(options, "maxSize", defaults.max_size)?;
    Ok(Options {
        memory: usize::try_from(memory).map_err(|_| js_error("CONFIG", "memory is too large"))?,
        page_size: u32::try_from(page_size).map_err(|_| js_error("CONFIG", "pageSize is too large"))?,
        max_size,
        wait: field(options, "wait").as_bool().unwrap_or(false),
    })
}

fn outcome_name(outcome: RunOutcome) -> &'static str {
    match outcome {
        RunOutcome::Paused => "paused",
        RunOutcome::Done => "done",
        RunOutcome::Failed => "error",
    }
}

fn status_name(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Empty => "empty",
        RunStatus::Running => "running",
        RunStatus::Done => "done",
        RunStatus::Error => "error",
    }
}

/// The line of `chunk:LINE:` in an error message, for highlighting.
fn error_line(message: &str) -> Option<u32> {
    let mut parts = message.splitn(3, ':');
    let _chunk = parts.next()?;
    parts.next()?.trim().parse().ok()
}

/// Statistics as the page shows them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WebStats {
    name: String,
    page_size: u64,
    virtual_size: u64,
    max_size: u64,
    bytes_in_use: u64,
    frames: u64,
    physical_size: u64,
    resident_frames: u64,
    dirty_frames: u64,
    faults: u64,
    evictions: u64,
    pages_read: u64,
    pages_written: u64,
    bytes_read: u64,
    bytes_written: u64,
    checkpoints: u64,
    epoch: u64,
    last_checkpoint_ms: f64,
    last_checkpoint_pages: u64,
    idb_read_batches: u64,
    idb_pages_fetched: u64,
    idb_write_batches: u64,
    idb_pages_flushed: u64,
    waits: u64,
}

type Shared = Rc<RefCell<Option<WebVm>>>;

/// Runs `body` with the machine, refusing overlapping calls (each call may
/// await IndexedDB, and the VM is one state machine).
fn with_vm<F, Fut>(shared: &Shared, body: F) -> Promise
where
    F: FnOnce(WebVm) -> Fut + 'static,
    Fut: std::future::Future<Output = (WebVm, Result<JsValue, JsValue>)> + 'static,
{
    let shared = shared.clone();
    future_to_promise(async move {
        let vm = match shared.try_borrow_mut() {
            Ok(mut slot) => slot.take(),
            Err(_) => None,
        };
        let Some(vm) = vm else {
            return Err(js_error("BUSY", "the heap is closed, or another call on it has not finished"));
        };
        let (vm, result) = body(vm).await;
        *shared.borrow_mut() = Some(vm);
        result
    })
}

/// An open heap and the Lua program in it, holding the heap's lease.
#[wasm_bindgen]
pub struct Machine {
    shared: Shared,
    name: String,
    created: bool,
}

#[wasm_bindgen]
impl Machine {
    /// Opens heap `name`, creating it if it does not exist. `options`:
    /// `{ memory: "8MiB", pageSize: 16384, maxSize: "64GiB", wait: false }`.
    /// Rejects with code `LOCKED` if another tab has it open.
    pub fn open(name: String, options: JsValue) -> Promise {
        future_to_promise(async move {
            let options = parse_options(&options)?;
            let vm = WebVm::open(&name, &options).await.map_err(heap_error)?;
            let created = vm.created();
            Ok(Machine { shared: Rc::new(RefCell::new(Some(vm))), name, created }.into())
        })
    }

    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Whether `open` created the heap rather than reopening it.
    #[wasm_bindgen(getter)]
    pub fn created(&self) -> bool {
        self.created
    }

    /// Compiles `source` as the program to run. A syntax error rejects with
    /// code `SYNTAX` and the `line` it is on.
    pub fn load(&self, source: String, chunk_name: Option<String>) -> Promise {
        let chunk = chunk_name.unwrap_or_else(|| "=input".to_string());
        with_vm(&self.shared, move |mut vm| async move {
            let result = match vm.load(source.as_bytes(), &chunk).await {
                Ok(Ok(())) => Ok(JsValue::UNDEFINED),
                Ok(Err(message)) => {
                    let error = js_error("SYNTAX", &message);
                    if let Some(line) = error_line(&message) {
                        let _ = Reflect::set(&error, &"line".into(), &line.into());
                    }
                    Err(error)
                }
                Err(e) => Err(heap_error(e)),
            };
            (vm, result)
        })
    }

    /// Runs at most `fuel` instructions, stopping early once `maxMillis`
    /// have passed (default 50) waiting for pages. Resolves to
    /// `{ status, output }`, `status` being "paused" (call again), "done" or
    /// "error" (then also `error: { message, traceback, line }`).
    pub fn run(&self, fuel: f64, max_millis: Option<f64>) -> Promise {
        let fuel = if fuel.is_finite() && fuel >= 1.0 { fuel as u64 } else { 1 };
        let max_millis = max_millis.filter(|m| m.is_finite() && *m > 0.0).unwrap_or(50.0);
        with_vm(&self.shared, move |mut vm| async move {
            let result = run_slice(&mut vm, fuel, max_millis).await;
            (vm, result)
        })
    }

    /// Makes the current state the checkpoint. Resolves to
    /// `{ epoch, pagesWritten, millis }`.
    pub fn checkpoint(&self) -> Promise {
        with_vm(&self.shared, |mut vm| async move {
            let result = vm.checkpoint().await.map_err(heap_error).map(|report| {
                let out = Object::new();
                set(&out, "epoch", report.epoch as f64);
                set(&out, "pagesWritten", report.pages_written as f64);
                set(&out, "millis", report.micros as f64 / 1000.0);
                out.into()
            });
            (vm, result)
        })
    }

    /// Sends written pages still held in memory to IndexedDB (when pausing).
    pub fn flush(&self) -> Promise {
        with_vm(&self.shared, |mut vm| async move {
            let result = vm.flush().await.map(|_| JsValue::UNDEFINED).map_err(heap_error);
            (vm, result)
        })
    }

    /// "empty" (no program), "running" (loaded, can run or resume), "done" or "error".
    pub fn status(&self) -> Promise {
        with_vm(&self.shared, |mut vm| async move {
            let result = vm.status().await.map(|s| status_name(s).into()).map_err(heap_error);
            (vm, result)
        })
    }

    /// The program's last output, kept in the heap (what it printed up to the checkpoint after a reopening).
    pub fn transcript(&self) -> Promise {
        with_vm(&self.shared, |mut vm| async move {
            let result = vm.transcript().await.map(JsValue::from).map_err(heap_error);
            (vm, result)
        })
    }

    /// Counters of the heap and of IndexedDB traffic (see the README).
    pub fn stats(&self) -> Promise {
        with_vm(&self.shared, |mut vm| async move {
            let result = stats_value(&mut vm);
            (vm, result)
        })
    }

    /// The page table as `cells` bytes: 0 on the store only, 1 resident, 2 dirty.
    #[wasm_bindgen(js_name = pageMap)]
    pub fn page_map(&self, cells: u32) -> Promise {
        with_vm(&self.shared, move |mut vm| async move {
            let map = vm.page_map(cells as usize);
            (vm, Ok(Uint8Array::from(&map[..]).into()))
        })
    }

    /// The last checkpoint as a checkpoint file (`Blob`), in the format the
    /// CLI's `vheap import` reads.
    #[wasm_bindgen(js_name = exportCheckpoint)]
    pub fn export_checkpoint(&self) -> Promise {
        with_vm(&self.shared, |mut vm| async move {
            let parts = Array::new();
            let mut sink = |bytes: &[u8]| {
                parts.push(&Uint8Array::from(bytes));
                Ok(())
            };
            let result = vm.export(true, &mut sink).await.map_err(export_error).and_then(|_| blob(&parts));
            (vm, result)
        })
    }

    /// Sets Lua global `name` to a JavaScript value (null, booleans,
    /// numbers, strings, arrays and plain objects, nested). A function or a
    /// cycle rejects with code `VALUE`.
    #[wasm_bindgen(js_name = setGlobal)]
    pub fn set_global(&self, name: String, value: JsValue) -> Promise {
        let value = super::convert::from_js(value);
        with_vm(&self.shared, move |mut vm| async move {
            let result = match value {
                Err(why) => Err(js_error("VALUE", &why)),
                Ok(value) => match driver::drive(vm.vm(), |vm| vm.set_global(&name, &value)).await {
                    Ok(Ok(())) => Ok(JsValue::UNDEFINED),
                    Ok(Err(why)) => Err(js_error("VALUE", &why)),
                    Err(e) => Err(heap_error(e)),
                },
            };
            (vm, result)
        })
    }

    /// The value of Lua global `name` as a JavaScript value; a function, a
    /// thread or a cyclic table rejects with code `VALUE`.
    #[wasm_bindgen(js_name = getGlobal)]
    pub fn get_global(&self, name: String) -> Promise {
        with_vm(&self.shared, move |mut vm| async move {
            let result = match driver::drive(vm.vm(), |vm| vm.get_global(&name)).await {
                Ok(Ok(value)) => super::convert::to_js(&value).map_err(|why| js_error("VALUE", &why)),
                Ok(Err(why)) => Err(js_error("VALUE", &why)),
                Err(e) => Err(heap_error(e)),
            };
            (vm, result)
        })
    }

    /// Closes the heap and releases its lease; work since the last
    /// checkpoint is dropped.
    pub fn close(&self) -> Promise {
        let shared = self.shared.clone();
        future_to_promise(async move {
            let vm = shared.try_borrow_mut().ok().and_then(|mut slot| slot.take());
            match vm {
                Some(vm) => vm.close().await.map(|_| JsValue::UNDEFINED).map_err(heap_error),
                None => Err(js_error("BUSY", "the heap is already closed, or a call on it has not finished")),
            }
        })
    }
}

async fn run_slice(vm: &mut WebVm, fuel: u64, max_millis: f64) -> Result<JsValue, JsValue> {
    let Slice { outcome, output } = vm.run(fuel, max_millis).await.map_err(heap_error)?;
    let out = Object::new();
    set(&out, "status", outcome_name(outcome));
    set(&out, "output", output);
    if outcome == RunOutcome::Failed {
        let (message, traceback) = vm.error_report().await.map_err(heap_error)?;
        let error = Object::new();
        if let Some(line) = error_line(&message) {
            set(&error, "line", line);
        }
        set(&error, "message", message);
        set(&error, "traceback", traceback);
        set(&out, "error", error);
    }
    Ok(out.into())
}

fn stats_value(vm: &mut WebVm) -> Result<JsValue, JsValue> {
    let name = vm.name().to_string();
    let (s, idb) = vm.stats();
    let stats = WebStats {
        name,
        page_size: s.page_size,
        virtual_size: s.virtual_size,
        max_size: s.max_size,
        bytes_in_use: s.bytes_in_use,
        frames: s.frames,
        physical_size: s.physical_size,
        resident_frames: s.resident_frames,
        dirty_frames: s.dirty_frames,
        faults: s.faults,
        evictions: s.evictions,
        pages_read: s.pages_read,
        pages_written: s.pages_written,
        bytes_read: s.bytes_read,
        bytes_written: s.bytes_written,
        checkpoints: s.checkpoints,
        epoch: s.epoch,
        last_checkpoint_ms: s.last_checkpoint_micros as f64 / 1000.0,
        last_checkpoint_pages: s.last_checkpoint_pages,
        idb_read_batches: idb.read_batches,
        idb_pages_fetched: idb.pages_fetched,
        idb_write_batches: idb.write_batches,
        idb_pages_flushed: idb.pages_flushed,
        waits: idb.would_block,
    };
    serde_wasm_bindgen::to_value(&stats).map_err(|e| js_error("INTERNAL", &e.to_string()))
}

fn blob(parts: &Array) -> Result<JsValue, JsValue> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &options)
        .map(JsValue::from)
        .map_err(|e| js_error("IO", &format!("cannot build the file: {e:?}")))
}

/// The heaps of this origin: `[{ name, label, pageSize, pageCount, bytesInUse, epoch, updated }]`.
#[wasm_bindgen(js_name = listHeaps)]
pub fn list_heaps() -> Promise {
    future_to_promise(async move {
        let heaps = driver::list().await.map_err(store_error)?;
        let out = Array::new();
        for h in heaps {
            let item = Object::new();
            set(&item, "name", h.name);
            set(&item, "label", h.meta.label);
            set(&item, "pageSize", h.meta.page_size);
            set(&item, "pageCount", h.meta.page_count as f64);
            set(&item, "virtualSize", (h.meta.page_count * u64::from(h.meta.page_size)) as f64);
            set(&item, "bytesInUse", h.meta.bytes_in_use as f64);
            set(&item, "epoch", h.meta.epoch as f64);
            set(&item, "updated", h.updated_ms);
            out.push(&item);
        }
        Ok(out.into())
    })
}

/// Deletes a heap; rejects with `LOCKED` while a tab has it open.
#[wasm_bindgen(js_name = deleteHeap)]
pub fn delete_heap(name: String) -> Promise {
    future_to_promise(async move { driver::delete(&name).await.map(|_| JsValue::UNDEFINED).map_err(store_error) })
}

/// Exports the last checkpoint of a heap that need not be open here (it may
/// be running in another tab: only its checkpoint is read).
#[wasm_bindgen(js_name = exportHeap)]
pub fn export_heap(name: String) -> Promise {
    future_to_promise(async move {
        let parts = Array::new();
        driver::export_closed(&name, true, &mut |bytes| {
            parts.push(&Uint8Array::from(bytes));
            Ok(())
        })
        .await
        .map_err(export_error)?;
        blob(&parts)
    })
}

/// Imports a checkpoint file (a `Blob` or `File`) as the new heap `name`.
/// Resolves to `{ name, label, epoch, pages }`; a bad file rejects with its
/// code (`NOT_A_CHECKPOINT`, `CORRUPT_FILE`, `TRUNCATED`, ...) and creates nothing.
#[wasm_bindgen(js_name = importCheckpoint)]
pub fn import_checkpoint(file: web_sys::Blob, name: String) -> Promise {
    future_to_promise(async move {
        let mut source = BlobSource { blob: file, at: 0.0 };
        let (meta, transfer) = driver::import(&name, &mut source, ImportLimits::default()).await.map_err(import_error)?;
        let out = Object::new();
        set(&out, "name", name);
        set(&out, "label", meta.label);
        set(&out, "epoch", meta.epoch as f64);
        set(&out, "pages", transfer.pages as f64);
        Ok(out.into())
    })
}

/// Reads a `Blob` a slice at a time (the whole file is never in wasm memory).
struct BlobSource {
    blob: web_sys::Blob,
    at: f64,
}

impl crate::image::asynchronous::ChunkSource for BlobSource {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, ImportError> {
        const CHUNK: f64 = 1024.0 * 1024.0;
        let size = self.blob.size();
        if self.at >= size {
            return Ok(None);
        }
        let end = (self.at + CHUNK).min(size);
        let read = |e: JsValue| ImportError::Io(std::io::Error::other(crate::store::idb::js_message(&e)));
        let slice = self.blob.slice_with_f64_and_f64(self.at, end).map_err(read)?;
        let buffer = JsFuture::from(slice.array_buffer()).await.map_err(read)?;
        self.at = end;
        Ok(Some(Uint8Array::new(&buffer).to_vec()))
    }
}

/// `{ usage, quota, persisted }` of this origin's storage.
#[wasm_bindgen(js_name = storageEstimate)]
pub fn storage_estimate() -> Promise {
    future_to_promise(async move {
        let storage = storage_manager()?;
        let estimate = call_promise(&storage, "estimate").await?;
        let persisted = call_promise(&storage, "persisted").await.unwrap_or(JsValue::FALSE);
        let out = Object::new();
        set(&out, "usage", field(&estimate, "usage"));
        set(&out, "quota", field(&estimate, "quota"));
        set(&out, "persisted", persisted);
        Ok(out.into())
    })
}

/// Asks the browser to keep this origin's storage under pressure
/// (`navigator.storage.persist()`); resolves to whether it agreed.
#[wasm_bindgen(js_name = requestPersistence)]
pub fn request_persistence() -> Promise {
    future_to_promise(async move {
        let storage = storage_manager()?;
        call_promise(&storage, "persist").await
    })
}

fn storage_manager() -> Result<JsValue, JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into())?;
    let storage = Reflect::get(&navigator, &"storage".into())?;
    if storage.is_undefined() {
        return Err(js_error("IO", "this browser has no storage manager"));
    }
    Ok(storage)
}

async fn call_promise(target: &JsValue, method: &str) -> Result<JsValue, JsValue> {
    let function: js_sys::Function = Reflect::get(target, &method.into())?.dyn_into()?;
    let promise: Promise = function.call0(target)?.dyn_into()?;
    JsFuture::from(promise).await
}
