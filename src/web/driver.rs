//! The browser's fault driver: a Lua VM whose store is IndexedDB.
//!
//! The VM runs over a [`Staged`] store. When an instruction needs a page that
//! is not resident, the staged store answers `WouldBlock` instead of waiting;
//! the instruction has been rolled back; [`drive`] awaits the IndexedDB I/O
//! and runs it again. The same holds for write-back (a full queue) and for a
//! checkpoint's commit (one readwrite transaction). Nothing ever blocks the
//! thread, so the VM runs in a worker that stays responsive between slices.
//!
//! Memory: of the `memory` budget, 7/8 are frames (the physical heap) and 1/8
//! holds written pages waiting for their IndexedDB transaction.

use super::lease::Lease;
use crate::heap::driver::CheckpointReport;
use crate::heap::{HeapConfig, HeapError, Stats};
use crate::image::asynchronous::{export_from, import_into, ChunkSource};
use crate::image::{ExportError, ImportError, ImportLimits, Transfer};
use crate::lua::runtime::{LuaVm, RunOutcome};
use crate::lua::state::RunStatus;
use crate::store::asynchronous::AsyncStore;
use crate::store::idb::IdbStore;
use crate::store::staged::{Staged, StagedStats};
use crate::store::{check_heap_name, HeapMeta, StoreError};

pub type BrowserVm = LuaVm<Staged<IdbStore>>;

/// Bytes fetched around a random fault. An IndexedDB read costs its round
/// trip far more than its bytes, so neighbouring pages (allocated together,
/// often used together) come along, entering memory unreferenced so that
/// CLOCK takes them back first if unused. With 4 KiB pages and 1.75 MiB of
/// frames, 8-page clusters cut the round trips of heap_many_tables.lua from
/// 69.7k to 24.7k and left heap_big_live.lua's about even (51.8k to 51.0k);
/// 16-page clusters cut the first further but cost the second (docs/numbers.md).
const FAULT_CLUSTER_BYTES: usize = 32 << 10;

/// How a heap is opened (and, if it does not exist, created).
#[derive(Clone, Debug)]
pub struct Options {
    /// The physical heap plus the write-back queue, in bytes.
    pub memory: usize,
    /// Page size of a new heap.
    pub page_size: u32,
    /// Largest size a new heap may grow to.
    pub max_size: u64,
    /// Wait for another tab to close the heap instead of failing with `Locked`.
    pub wait: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { memory: 8 << 20, page_size: crate::heap::driver::DEFAULT_PAGE_SIZE, max_size: 64 << 30, wait: false }
    }
}

/// Runs `op` on the VM until it no longer needs the store to do I/O first,
/// awaiting that I/O in between. `op` must be restartable (every VM and heap
/// operation is: a `WouldBlock` leaves no trace).
pub async fn drive<T>(vm: &mut BrowserVm, mut op: impl FnMut(&mut BrowserVm) -> Result<T, HeapError>) -> Result<T, HeapError> {
    loop {
        match op(vm) {
            Err(HeapError::Store(StoreError::WouldBlock)) => vm.paged_heap().store().service().await?,
            other => return other,
        }
    }
}

/// What one slice of running produced.
pub struct Slice {
    pub outcome: RunOutcome,
    /// Output, as text (a UTF-8 sequence cut by the slice waits for the next one).
    pub output: String,
}

/// An open heap in this tab, holding its lease.
pub struct WebVm {
    vm: BrowserVm,
    name: String,
    created: bool,
    /// Frames kept free between slices, written back ahead of need.
    keep_free: usize,
    /// Output bytes of a UTF-8 sequence the last slice cut in two.
    utf8_tail: Vec<u8>,
    lease: Lease,
}

impl WebVm {
    /// Opens heap `name` (creating it if there is none), taking its lease.
    pub async fn open(name: &str, options: &Options) -> Result<WebVm, HeapError> {
        check_heap_name(name)?;
        let lease = Lease::acquire(name, options.wait).await?;
        let mut store = IdbStore::open_database().await?;
        let frames_memory = options.memory - options.memory / 8;
        let queue = options.memory / 8;
        let exists = store.list().await?.iter().any(|h| h == name);
        let (mut vm, created) = if exists {
            let staged = Staged::open_existing(store, name, queue).await?;
            (LuaVm::open(staged, name, frames_memory)?, false)
        } else {
            let config = HeapConfig { page_size: options.page_size, memory: frames_memory, max_size: options.max_size };
            let mut vm = LuaVm::create_uncommitted(Staged::for_new_heap(store, name, queue), name, &config)?;
            drive(&mut vm, |vm| vm.checkpoint()).await?;
            (vm, true)
        };
        let frames = vm.paged_heap().heap().frame_count();
        let page_size = vm.paged_heap().heap().page_size();
        vm.paged_heap().set_fault_cluster((FAULT_CLUSTER_BYTES / page_size).max(1) as u64);
        Ok(WebVm { vm, name: name.to_string(), created, keep_free: (frames / 32).max(2), utf8_tail: Vec::new(), lease })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether `open` created the heap (rather than reopening it).
    pub fn created(&self) -> bool {
        self.created
    }

    pub fn vm(&mut self) -> &mut BrowserVm {
        &mut self.vm
    }

    /// Compiles `source` as the program to run; a syntax error is returned as
    /// its message.
    pub async fn load(&mut self, source: &[u8], chunk_name: &str) -> Result<Result<(), String>, HeapError> {
        drive(&mut self.vm, |vm| vm.load(source, chunk_name)).await
    }

    /// Runs up to `fuel` instructions, or until `max_millis` have passed
    /// (a program that faults on every few instructions waits for IndexedDB
    /// most of the time: the slice must still end, so the page hears from
    /// it), then writes dirty pages back ahead of the next faults.
    pub async fn run(&mut self, fuel: u64, max_millis: f64) -> Result<Slice, HeapError> {
        let mut bytes = std::mem::take(&mut self.utf8_tail);
        // After each IndexedDB wait the VM is run again with the whole fuel,
        // so a program that faults often would never use it up and one slice
        // could last minutes (no pause, stats or auto-checkpoint meanwhile).
        // A wait ends the slice once its time is up: the faulting instruction
        // was rolled back, so this is an instruction boundary like any other.
        let deadline = crate::heap::clock::now_micros() + (max_millis * 1000.0) as u64;
        let outcome = drive(&mut self.vm, |vm| {
            if crate::heap::clock::now_micros() > deadline {
                return Ok(RunOutcome::Paused);
            }
            vm.run(fuel, &mut |b| bytes.extend_from_slice(b))
        })
        .await?;
        // A slice ended that way has not handed out its output yet.
        drive(&mut self.vm, |vm| vm.drain_output(&mut |b| bytes.extend_from_slice(b))).await?;
        let keep = self.keep_free;
        drive(&mut self.vm, |vm| vm.paged_heap().keep_free(keep)).await?;
        if self.vm.paged_heap().store().needs_service() {
            self.vm.paged_heap().store().service().await?;
        }
        let (text, tail) = split_utf8(bytes);
        self.utf8_tail = tail;
        Ok(Slice { outcome, output: text })
    }

    /// Makes the current state the heap's checkpoint (one strict-durability
    /// IndexedDB transaction).
    pub async fn checkpoint(&mut self) -> Result<CheckpointReport, HeapError> {
        drive(&mut self.vm, |vm| vm.checkpoint()).await
    }

    /// Sends every written page still queued in memory to IndexedDB.
    pub async fn flush(&mut self) -> Result<(), HeapError> {
        let store = self.vm.paged_heap().store();
        store.request_flush();
        Ok(store.service().await?)
    }

    pub async fn status(&mut self) -> Result<RunStatus, HeapError> {
        drive(&mut self.vm, |vm| vm.status()).await
    }

    /// The uncaught error's message and traceback.
    pub async fn error_report(&mut self) -> Result<(String, String), HeapError> {
        drive(&mut self.vm, |vm| vm.error_report()).await
    }

    /// What the program printed last (kept in the heap), as text.
    pub async fn transcript(&mut self) -> Result<String, HeapError> {
        let (bytes, _) = drive(&mut self.vm, |vm| vm.transcript()).await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    pub fn stats(&mut self) -> (Stats, StagedStats) {
        let stats = self.vm.stats();
        (stats, self.vm.paged_heap().store().stats())
    }

    /// A picture of the page table in `cells` cells, each covering an equal
    /// share of the heap's pages: 0 only on the store, 1 some resident, 2 some dirty.
    pub fn page_map(&mut self, cells: usize) -> Vec<u8> {
        let heap = self.vm.paged_heap().heap();
        let pages = heap.page_count().unwrap_or(0).max(1);
        let cells = cells.clamp(1, usize::try_from(pages).unwrap_or(usize::MAX));
        let mut map = vec![0u8; cells];
        for (page, dirty) in heap.resident_pages() {
            let cell = usize::try_from(u128::from(page) * cells as u128 / u128::from(pages)).unwrap_or(0).min(cells - 1);
            map[cell] = map[cell].max(if dirty { 2 } else { 1 });
        }
        map
    }

    /// Streams the last checkpoint as a checkpoint file into `sink`.
    pub async fn export(
        &mut self,
        compress: bool,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), ExportError>,
    ) -> Result<Transfer, ExportError> {
        let meta = self.vm.paged_heap().committed_meta().clone();
        let store = self.vm.paged_heap().store().inner();
        export_from(store, &self.name, &meta, compress, sink).await
    }

    /// Closes the heap and gives up the lease. Work since the last
    /// checkpoint is dropped, exactly as if the tab had closed.
    pub async fn close(self) -> Result<(), HeapError> {
        let mut store = self.vm.close()?.into_inner();
        let closed = store.close(&self.name).await;
        self.lease.release().await;
        Ok(closed?)
    }
}

/// Splits `bytes` into text and the bytes of an unfinished UTF-8 sequence at
/// its end (at most 3), which the next slice completes. Invalid bytes become
/// U+FFFD, as a terminal would show them.
fn split_utf8(mut bytes: Vec<u8>) -> (String, Vec<u8>) {
    let cut = match std::str::from_utf8(&bytes) {
        Ok(_) => bytes.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => {
            // Invalid somewhere: find an unfinished sequence only at the very end.
            let start = bytes.len().saturating_sub(3);
            (start..bytes.len())
                .find(|&i| bytes[i] >= 0xC0 && std::str::from_utf8(&bytes[i..]).is_err_and(|e| e.error_len().is_none()))
                .unwrap_or(bytes.len())
        }
    };
    let tail = bytes.split_off(cut);
    (String::from_utf8_lossy(&bytes).into_owned(), tail)
}

/// Lists the heaps of this origin with their checkpoint meta.
pub async fn list() -> Result<Vec<crate::store::idb::HeapInfo>, StoreError> {
    IdbStore::open_database().await?.list_details().await
}

/// Deletes heap `name`; refused with `Locked` while a tab has it open.
pub async fn delete(name: &str) -> Result<(), StoreError> {
    check_heap_name(name)?;
    let lease = Lease::acquire(name, false).await?;
    let deleted = IdbStore::open_database().await?.delete(name).await;
    lease.release().await;
    deleted
}

/// Exports the last checkpoint of heap `name`, which may be open in another
/// tab (only committed pages are read; nothing is written).
pub async fn export_closed(
    name: &str,
    compress: bool,
    sink: &mut dyn FnMut(&[u8]) -> Result<(), ExportError>,
) -> Result<Transfer, ExportError> {
    let mut store = IdbStore::open_database().await?;
    let meta = store.open_read_only(name).await?;
    let result = export_from(&mut store, name, &meta, compress, sink).await;
    let _ = store.close(name).await;
    result
}

/// The checkpoint meta of heap `name`, read without its lease.
pub async fn peek(name: &str) -> Result<HeapMeta, StoreError> {
    let mut store = IdbStore::open_database().await?;
    let meta = store.open_read_only(name).await?;
    store.close(name).await?;
    Ok(meta)
}

/// Imports a checkpoint file as the new heap `name`. Everything is verified
/// before the heap becomes visible; a bad file leaves nothing behind.
pub async fn import<C: ChunkSource>(name: &str, source: &mut C, limits: ImportLimits) -> Result<(HeapMeta, Transfer), ImportError> {
    check_heap_name(name)?;
    let lease = Lease::acquire(name, false).await?;
    let mut store = IdbStore::open_database().await?;
    let result = import_into(&mut store, name, source, limits).await;
    let _ = store.close(name).await;
    lease.release().await;
    result
}

#[cfg(test)]
mod tests {
    use super::split_utf8;

    #[test]
    fn a_cut_utf8_sequence_waits_for_its_end() {
        let text = "añb€".as_bytes().to_vec();
        let (a, tail) = split_utf8(text[..text.len() - 1].to_vec());
        assert_eq!(a, "añb");
        assert_eq!(tail, &"€".as_bytes()[..2]);
        let (b, tail) = split_utf8([tail, vec![0xAC]].concat());
        assert_eq!(b, "€");
        assert!(tail.is_empty());
        let (bad, tail) = split_utf8(vec![b'x', 0xFF, b'y']);
        assert_eq!(bad, "x\u{FFFD}y");
        assert!(tail.is_empty());
    }
}
