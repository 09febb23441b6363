//! The synchronous driver: a [`Heap`] joined to a [`Store`] it can block on.
//!
//! Life of a page fault here: an operation returns `Fault::Page`; the driver
//! rolls the operation back, tells the store of pending frees, makes room
//! (CLOCK; dirty victims are written back in one batch and then evicted),
//! reads the wanted pages (plus a read-ahead window when faults are
//! sequential) and installs them, then runs the operation again.
//!
//! Life of a checkpoint: at an instruction boundary, pending frees go to the
//! store, every dirty frame is written (in batches) and marked clean, and the
//! store commits the working state with a new meta in one atomic step.

use super::alloc;
use super::clock::now_micros;
use super::stats::Stats;
use super::{Fault, Heap};
use crate::store::{HeapMeta, PageNo, Store, StoreError, MAX_PAGE_SIZE, MIN_PAGE_SIZE};
use std::fmt;

/// How a heap is created.
#[derive(Clone, Debug)]
pub struct HeapConfig {
    /// Bytes per page (power of two, 4 KiB..1 MiB).
    pub page_size: u32,
    /// The physical heap: bytes of frames, never exceeded.
    pub memory: usize,
    /// The most the heap may grow to, in bytes.
    pub max_size: u64,
}

/// Default page size, chosen from measurements (docs/numbers.md): 16 KiB pages
/// keep fault-in near the store's streaming speed while leaving enough frames
/// in a small physical heap.
pub const DEFAULT_PAGE_SIZE: u32 = 16 * 1024;
/// The fewest frames a heap runs with: an instruction may need several pages at once.
pub const MIN_FRAMES: usize = 16;

impl Default for HeapConfig {
    fn default() -> Self {
        HeapConfig { page_size: DEFAULT_PAGE_SIZE, memory: 8 << 20, max_size: 64 << 30 }
    }
}

/// Reads a size such as `8M`, `8MiB`, `512 KB` or `65536` (bytes), as the
/// CLI's `--mem` and the browser's `memory` option take it.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let upper = text.trim().to_ascii_uppercase();
    let t = upper.trim_end_matches("IB").trim_end_matches('B').trim_end();
    let (digits, unit) = match t.chars().last() {
        Some('K') => (&t[..t.len() - 1], 1u64 << 10),
        Some('M') => (&t[..t.len() - 1], 1 << 20),
        Some('G') => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    let n: u64 = digits.trim().parse().map_err(|_| format!("'{text}' is not a size (try 8M)"))?;
    n.checked_mul(unit).ok_or_else(|| format!("'{text}' is too large"))
}

/// Errors of the synchronous driver.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeapError {
    Store(StoreError),
    /// The heap reached its maximum size.
    OutOfMemory,
    /// An operation was invalid (bad free, bad address).
    Invalid(String),
    /// One instruction needs more pages at once than there are evictable frames.
    WorkingSetTooLarge { frames: usize },
    /// The configuration cannot be used.
    Config(String),
    /// The store holds something that is not a vheap heap.
    NotAHeap { heap: String, why: String },
}

impl fmt::Display for HeapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeapError::Store(e) => e.fmt(f),
            HeapError::OutOfMemory => write!(f, "not enough memory: the heap reached its maximum size"),
            HeapError::Invalid(m) => write!(f, "invalid heap operation: {m}"),
            HeapError::WorkingSetTooLarge { frames } => {
                write!(f, "an operation needs more pages at once than the {frames} frames of the physical heap")
            }
            HeapError::Config(m) => write!(f, "bad heap configuration: {m}"),
            HeapError::NotAHeap { heap, why } => write!(f, "'{heap}' is not a vheap heap: {why}"),
        }
    }
}

impl std::error::Error for HeapError {}

impl From<StoreError> for HeapError {
    fn from(e: StoreError) -> Self {
        HeapError::Store(e)
    }
}

impl From<Fault> for HeapError {
    fn from(f: Fault) -> Self {
        match f {
            Fault::OutOfMemory => HeapError::OutOfMemory,
            Fault::Invalid(m) => HeapError::Invalid(m.to_string()),
            Fault::Page(p) => HeapError::Invalid(format!("unresolved fault on page {p}")),
        }
    }
}

/// What a checkpoint did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckpointReport {
    pub epoch: u64,
    pub pages_written: u64,
    pub micros: u64,
}

/// A heap whose faults are resolved by blocking on a store.
pub struct PagedHeap<S: Store> {
    heap: Heap,
    store: S,
    name: String,
    meta: HeapMeta,
    readahead: ReadAhead,
    /// Pages fetched around a random fault (aligned group; 1 = just the page).
    cluster: u64,
    stats: StoreSide,
}

/// Counters the heap cannot see.
#[derive(Default)]
struct StoreSide {
    checkpoints: u64,
    last_checkpoint_micros: u64,
    last_checkpoint_pages: u64,
    total_checkpoint_micros: u64,
}

/// Sequential-fault detection: each fault right after the previous one doubles
/// the window of pages fetched beyond it; any other fault resets it.
#[derive(Default)]
struct ReadAhead {
    last: Option<PageNo>,
    window: u64,
}

impl ReadAhead {
    fn next_window(&mut self, page: PageNo, max: u64) -> u64 {
        // The same page again is a retry (an asynchronous store asked the
        // driver to come back once the read was done): keep the window.
        if self.last == Some(page) {
            return self.window;
        }
        self.window = if self.last.is_some_and(|l| l + 1 == page || l + 1 + self.window == page) {
            (self.window * 2).clamp(1, max)
        } else {
            0
        };
        self.last = Some(page);
        self.window
    }
}

fn frames_for(config_memory: usize, page_size: u32) -> Result<usize, HeapError> {
    let frames = config_memory / page_size as usize;
    if frames < MIN_FRAMES {
        return Err(HeapError::Config(format!(
            "{config_memory} bytes of memory is only {frames} pages of {page_size} bytes; at least {MIN_FRAMES} are needed"
        )));
    }
    Ok(frames)
}

impl<S: Store> PagedHeap<S> {
    /// Creates a new heap named `name` in `store` and commits it empty.
    pub fn create(store: S, name: &str, config: &HeapConfig) -> Result<Self, HeapError> {
        let mut paged = Self::create_uncommitted(store, name, config)?;
        paged.checkpoint()?;
        Ok(paged)
    }

    /// Creates a new heap without its first checkpoint: it exists in the
    /// store only once [`PagedHeap::checkpoint`] succeeds. This is the form
    /// an asynchronous driver uses, retrying the checkpoint until its store
    /// has done the I/O.
    pub fn create_uncommitted(mut store: S, name: &str, config: &HeapConfig) -> Result<Self, HeapError> {
        let page_size = config.page_size;
        if !page_size.is_power_of_two() || !(MIN_PAGE_SIZE..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(HeapError::Config(format!("page size {page_size} is not a power of two from 4 KiB to 1 MiB")));
        }
        let frames = frames_for(config.memory, page_size)?;
        let max_pages = (config.max_size / u64::from(page_size)).max(2);
        let meta = HeapMeta::new(page_size, max_pages);
        meta.validate().map_err(HeapError::Config)?;
        store.create(name, &meta)?;
        let mut heap = Heap::new(page_size as usize, frames);
        heap.install(0, None, false);
        alloc::format(&mut heap, max_pages)?;
        heap.commit_step();
        Ok(PagedHeap { heap, store, name: name.to_string(), meta, readahead: ReadAhead::default(), cluster: 1, stats: StoreSide::default() })
    }

    /// Opens an existing heap at its last checkpoint with `memory` bytes of frames.
    pub fn open(mut store: S, name: &str, memory: usize) -> Result<Self, HeapError> {
        let meta = store.open(name)?;
        let frames = frames_for(memory, meta.page_size)?;
        let mut heap = Heap::new(meta.page_size as usize, frames);
        let mut header_found = false;
        store.read_pages(name, &[0], &mut |_, bytes| {
            header_found = bytes.is_some();
            heap.install(0, bytes, false);
        })?;
        let not_a_heap = |why: &str| HeapError::NotAHeap { heap: name.to_string(), why: why.to_string() };
        if !header_found {
            return Err(not_a_heap("it has no header page"));
        }
        alloc::check_header(&mut heap).map_err(not_a_heap)?;
        heap.commit_step();
        Ok(PagedHeap { heap, store, name: name.to_string(), meta, readahead: ReadAhead::default(), cluster: 1, stats: StoreSide::default() })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Fetches the aligned group of `pages` pages (a power of two) around
    /// every random fault, not just the page. Worth it where a read's cost
    /// is its round trip rather than its bytes (IndexedDB): neighbours in the
    /// address space were allocated together and tend to be used together.
    pub fn set_fault_cluster(&mut self, pages: u64) {
        self.cluster = pages.max(1).next_power_of_two();
    }

    /// The heap itself, for callers that run their own retry loop.
    pub fn heap(&mut self) -> &mut Heap {
        &mut self.heap
    }

    pub fn store(&mut self) -> &mut S {
        &mut self.store
    }

    /// The meta of the last checkpoint.
    pub fn committed_meta(&self) -> &HeapMeta {
        &self.meta
    }

    /// Sets the label recorded with the next checkpoint.
    pub fn set_label(&mut self, label: &str) {
        self.meta.label = label.chars().take(crate::store::MAX_LABEL_LEN / 4).collect();
    }

    /// Runs `op` as one instruction: on a page fault it is rolled back, the
    /// pages are brought in, and it runs again until it completes.
    pub fn access<T>(&mut self, mut op: impl FnMut(&mut Heap) -> Result<T, Fault>) -> Result<T, HeapError> {
        loop {
            match op(&mut self.heap) {
                Ok(value) => {
                    self.heap.commit_step();
                    return Ok(value);
                }
                Err(Fault::Page(_)) => {
                    self.heap.roll_back_step();
                    self.resolve()?;
                }
                Err(other) => {
                    self.heap.roll_back_step();
                    self.heap.take_wanted();
                    self.heap.commit_step();
                    return Err(other.into());
                }
            }
        }
    }

    /// Brings in every page the last faulting instruction wanted.
    pub fn resolve(&mut self) -> Result<(), HeapError> {
        let wanted = self.heap.take_wanted();
        if wanted.is_empty() {
            return Ok(());
        }
        self.flush_frees()?;
        let page_count = self.heap.page_count().unwrap_or(0);
        let mut pages = wanted.clone();
        if let [only] = wanted[..] {
            let window = self.readahead.next_window(only, (self.heap.frame_count() / 8) as u64);
            pages.extend((only + 1..page_count.min(only + 1 + window)).filter(|&p| !self.heap.is_resident(p)));
            if window == 0 && self.cluster > 1 {
                let first = only & !(self.cluster - 1);
                let group = first..page_count.min(first + self.cluster);
                pages.extend(group.filter(|&p| p != only && !self.heap.is_resident(p)));
            }
        }
        self.make_room(wanted.len(), pages.len())?;
        let pages = &pages[..pages.len().min(self.heap.free_frames())];
        let heap = &mut self.heap;
        self.store.read_pages(&self.name, pages, &mut |page, bytes| {
            heap.install(page, bytes, wanted.contains(&page));
        })?;
        Ok(())
    }

    /// Frees at least `need` frames (and up to `want` if that costs no write-back
    /// beyond one batch), writing dirty victims back in batches.
    fn make_room(&mut self, need: usize, want: usize) -> Result<(), HeapError> {
        let batch = (self.heap.frame_count() / 8).max(1);
        while self.heap.free_frames() < need {
            let victims = self.heap.choose_victims(want.max(need), batch);
            if !victims.dirty.is_empty() {
                self.write_back(&victims.dirty, true)?;
            } else if victims.evicted == 0 {
                if std::env::var_os("VHEAP_DEBUG_WS").is_some() {
                    let mut pages: Vec<_> = self.heap.resident_pages().into_iter().map(|(p, _)| p).collect();
                    pages.sort_unstable();
                    eprintln!("working set: {pages:?}");
                }
                return Err(HeapError::WorkingSetTooLarge { frames: self.heap.frame_count() });
            }
        }
        Ok(())
    }

    /// Makes `frames` frames free ahead of need (as far as eviction can),
    /// writing dirty victims back, so that the next faults need no write-back
    /// first. A driver calls it between slices, when waiting costs nothing.
    pub fn keep_free(&mut self, frames: usize) -> Result<(), HeapError> {
        let want = frames.min(self.heap.evictable_frames());
        match self.make_room(want, want) {
            Err(HeapError::WorkingSetTooLarge { .. }) => Ok(()),
            other => other,
        }
    }

    fn write_back(&mut self, pages: &[PageNo], evict: bool) -> Result<(), HeapError> {
        self.flush_frees()?;
        let batch: Vec<(PageNo, &[u8])> =
            pages.iter().map(|&p| (p, self.heap.page_bytes(p).expect("dirty victims are resident"))).collect();
        self.store.write_pages(&self.name, &batch)?;
        self.heap.written_back(pages, evict);
        Ok(())
    }

    fn flush_frees(&mut self) -> Result<(), HeapError> {
        for (start, count) in self.heap.take_pending_frees() {
            self.store.free_pages(&self.name, start, count)?;
        }
        Ok(())
    }

    /// Makes the current state durable as one atomic checkpoint. Must be called
    /// between instructions.
    pub fn checkpoint(&mut self) -> Result<CheckpointReport, HeapError> {
        assert!(self.heap.at_boundary(), "checkpoint in the middle of an instruction");
        let started = now_micros();
        self.flush_frees()?;
        let dirty = self.heap.dirty_pages();
        let batch = (self.heap.frame_count() / 8).max(1);
        for chunk in dirty.chunks(batch) {
            self.write_back(chunk, false)?;
        }
        let mut meta = self.meta.clone();
        meta.epoch += 1;
        meta.page_count = self.heap.page_count()?;
        meta.root = self.heap.root()?;
        meta.bytes_in_use = self.heap.bytes_in_use()?;
        self.store.commit(&self.name, &meta)?;
        self.meta = meta;
        let micros = now_micros().saturating_sub(started);
        self.stats.checkpoints += 1;
        self.stats.last_checkpoint_micros = micros;
        self.stats.last_checkpoint_pages = dirty.len() as u64;
        self.stats.total_checkpoint_micros += micros;
        Ok(CheckpointReport { epoch: self.meta.epoch, pages_written: dirty.len() as u64, micros })
    }

    /// Evicts every page that can be evicted (writing dirty ones back), as
    /// tests and benchmarks do to force later accesses to fault.
    pub fn evict_all(&mut self) -> Result<(), HeapError> {
        self.flush_frees()?;
        let dirty: Vec<PageNo> = self.heap.dirty_pages().into_iter().filter(|&p| p != 0).collect();
        let batch = (self.heap.frame_count() / 8).max(1);
        for chunk in dirty.chunks(batch) {
            self.write_back(chunk, true)?;
        }
        let all = self.heap.frame_count();
        self.heap.choose_victims(all, 0);
        self.heap.choose_victims(all, 0);
        Ok(())
    }

    pub fn stats(&mut self) -> Stats {
        let c = self.heap.counters;
        let page_size = self.heap.page_size() as u64;
        Stats {
            page_size,
            virtual_size: self.heap.page_count().unwrap_or(0) * page_size,
            max_size: self.meta.max_pages * page_size,
            bytes_in_use: self.heap.bytes_in_use().unwrap_or(0),
            frames: self.heap.frame_count() as u64,
            physical_size: self.heap.frame_count() as u64 * page_size,
            resident_frames: self.heap.resident_count() as u64,
            dirty_frames: self.heap.dirty_count() as u64,
            faults: c.faults,
            evictions: c.evictions,
            pages_read: c.pages_read,
            bytes_read: c.pages_read * page_size,
            pages_written: c.pages_written,
            bytes_written: c.pages_written * page_size,
            writeback_batches: c.writeback_batches,
            checkpoints: self.stats.checkpoints,
            epoch: self.meta.epoch,
            last_checkpoint_micros: self.stats.last_checkpoint_micros,
            last_checkpoint_pages: self.stats.last_checkpoint_pages,
            total_checkpoint_micros: self.stats.total_checkpoint_micros,
        }
    }

    /// Releases the heap without a checkpoint (work since the last one is
    /// lost, as in a crash) and gives the store back.
    pub fn close(mut self) -> Result<S, HeapError> {
        self.store.close(&self.name)?;
        Ok(self.store)
    }

    /// Gives the store back without telling it anything: a simulated crash.
    pub fn abandon(self) -> S {
        self.store
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(parse_size("8M"), Ok(8 << 20));
        assert_eq!(parse_size("8MiB"), Ok(8 << 20));
        assert_eq!(parse_size(" 512 KB "), Ok(512 << 10));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert_eq!(parse_size("65536"), Ok(65536));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }
}
