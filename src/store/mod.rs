//! Stores: where the pages of a heap live when they are not in a frame.
//!
//! A store is a small transactional database holding any number of named heaps.
//! Each heap has
//! - a *committed* state: the last checkpoint, a page map plus a [`HeapMeta`], and
//! - a *working* state: the committed state plus every page written or freed since.
//!
//! The one rule every backend keeps: **a committed page version is never
//! overwritten in place.** Write-back between checkpoints (eviction) writes new
//! versions beside the committed ones, and [`Store::commit`] switches the whole
//! heap to the working state in one atomic step. A crash at any moment therefore
//! leaves either the old checkpoint or the new one, never a mix; reopening
//! discards the working state.
//!
//! The trait is synchronous and batch-oriented so that an asynchronous backend
//! (IndexedDB) can implement the same logical operations: a batch of pages is one
//! transaction, a commit is one transaction.

pub mod asynchronous;
mod checksum;
mod faulty;
mod mem;
pub mod staged;

#[cfg(target_arch = "wasm32")]
pub mod idb;

#[cfg(not(target_arch = "wasm32"))]
pub mod file;
#[cfg(not(target_arch = "wasm32"))]
pub mod io;

pub use checksum::page_checksum;
pub use faulty::{FaultPlan, FaultyStore};
pub use mem::MemStore;

use std::fmt;

/// A page number in a heap's virtual address space.
pub type PageNo = u64;

/// The smallest and largest page sizes a heap may have.
pub const MIN_PAGE_SIZE: u32 = 4 * 1024;
pub const MAX_PAGE_SIZE: u32 = 1024 * 1024;

/// The longest label (what program a heap holds) a store keeps.
pub const MAX_LABEL_LEN: usize = 1024;

/// What a store records about a heap beside its pages, committed atomically with them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeapMeta {
    /// Bytes per page: a power of two in `MIN_PAGE_SIZE..=MAX_PAGE_SIZE`.
    pub page_size: u32,
    /// Pages of address space handed out so far: every stored page is below this.
    pub page_count: u64,
    /// The most pages the heap may ever grow to.
    pub max_pages: u64,
    /// Checkpoint number; every commit must use a larger one than the last.
    pub epoch: u64,
    /// The heap's root address, copied here so tools can show it without paging.
    pub root: u64,
    /// Bytes allocated to live objects at the checkpoint.
    pub bytes_in_use: u64,
    /// Free text describing what the heap holds (e.g. the program's name).
    pub label: String,
}

impl HeapMeta {
    /// A meta for a new, empty heap.
    pub fn new(page_size: u32, max_pages: u64) -> Self {
        HeapMeta { page_size, page_count: 0, max_pages, epoch: 0, root: 0, bytes_in_use: 0, label: String::new() }
    }

    /// Checks the fields every backend relies on, so that a damaged or hostile
    /// meta is refused before it sizes anything.
    pub fn validate(&self) -> Result<(), String> {
        if !self.page_size.is_power_of_two() || !(MIN_PAGE_SIZE..=MAX_PAGE_SIZE).contains(&self.page_size) {
            return Err(format!("page size {} is not a power of two between 4 KiB and 1 MiB", self.page_size));
        }
        if self.page_count > self.max_pages {
            return Err(format!("page count {} exceeds the maximum {}", self.page_count, self.max_pages));
        }
        // Keep byte addresses within u64 (and well clear of overflow in offset maths).
        if self.max_pages.checked_mul(u64::from(self.page_size)).map_or(true, |b| b > 1 << 60) {
            return Err(format!("maximum size of {} pages is too large", self.max_pages));
        }
        if self.label.len() > MAX_LABEL_LEN {
            return Err(format!("label of {} bytes is longer than {MAX_LABEL_LEN}", self.label.len()));
        }
        Ok(())
    }
}

/// Why a store operation failed. Corruption, I/O failure and "reopen required"
/// are kept apart because a caller reacts to each differently.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// The backend's I/O failed (disk full, permission, quota...).
    Io(String),
    /// Stored data failed a check: the message names the heap and what is wrong.
    Corrupt { heap: String, what: String },
    /// An earlier I/O error left this heap in an unknown state; reopen it.
    PreviousIo { heap: String },
    /// No heap of that name (with a committed checkpoint) exists.
    NotFound(String),
    /// A heap of that name already exists.
    AlreadyExists(String),
    /// The heap is open elsewhere (another process or tab holds its lease).
    Locked(String),
    /// The name cannot be used for a heap.
    BadName(String),
    /// The heap was written by a newer format version than this build reads.
    UpgradeRequired { heap: String, version: u32 },
    /// The caller broke the store's contract (e.g. read before open).
    Misuse(String),
    /// The storage refused a write for lack of space (disk full, browser quota).
    Full(String),
    /// An asynchronous backend must do I/O before this call can succeed: nothing
    /// was changed; the driver runs the backend (see [`staged::Staged::service`])
    /// and calls again. Synchronous backends never return it.
    WouldBlock,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Io(m) => write!(f, "storage I/O error: {m}"),
            StoreError::Corrupt { heap, what } => write!(f, "heap '{heap}' is corrupt: {what}"),
            StoreError::PreviousIo { heap } => {
                write!(f, "heap '{heap}' had an earlier I/O error; reopen it to continue from its last checkpoint")
            }
            StoreError::NotFound(h) => write!(f, "no heap named '{h}'"),
            StoreError::AlreadyExists(h) => write!(f, "a heap named '{h}' already exists"),
            StoreError::Locked(h) => write!(f, "heap '{h}' is open elsewhere (another tab or process holds its lease)"),
            StoreError::BadName(h) => write!(f, "'{h}' is not a valid heap name (use letters, digits, '.', '_' or '-')"),
            StoreError::UpgradeRequired { heap, version } => {
                write!(f, "heap '{heap}' uses store format {version}, newer than this vheap understands; upgrade vheap")
            }
            StoreError::Misuse(m) => write!(f, "store misuse: {m}"),
            StoreError::Full(m) => write!(f, "storage is full: {m}"),
            StoreError::WouldBlock => write!(f, "the store must finish I/O first (a driver bug if seen by a user)"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => StoreError::Full(e.to_string()),
            _ => StoreError::Io(e.to_string()),
        }
    }
}

/// Heap names are used as file names and database keys, so they are kept plain.
pub fn check_heap_name(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::BadName(name.to_string()))
    }
}

/// A transactional page store holding named heaps. See the module comment for
/// the committed/working model every method refers to.
pub trait Store {
    /// Names of the heaps that have a committed checkpoint, sorted.
    fn list(&mut self) -> Result<Vec<String>, StoreError>;

    /// Starts a new heap with no pages. It stays invisible to `list` and `open`
    /// until its first `commit`; a crash before then leaves no heap behind.
    /// Fails with `AlreadyExists` if a committed heap has this name.
    fn create(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError>;

    /// Opens a heap at its last checkpoint, discarding any working state a
    /// crash left behind, and returns the committed meta.
    fn open(&mut self, heap: &str) -> Result<HeapMeta, StoreError>;

    /// Reads the working version of each page, calling `found` once per page in
    /// the order asked; `None` means the page was never written (or was freed)
    /// and reads as zeros. A page failing its checksum is a `Corrupt` error that
    /// names the heap and page.
    fn read_pages(
        &mut self,
        heap: &str,
        pages: &[PageNo],
        found: &mut dyn FnMut(PageNo, Option<&[u8]>),
    ) -> Result<(), StoreError>;

    /// Writes a batch of pages into the working state (never over a committed
    /// version). Each slice is exactly one page.
    fn write_pages(&mut self, heap: &str, pages: &[(PageNo, &[u8])]) -> Result<(), StoreError>;

    /// Drops pages `start..start + count` from the working state: after the next
    /// commit they take no space and read as zeros.
    fn free_pages(&mut self, heap: &str, start: PageNo, count: u64) -> Result<(), StoreError>;

    /// Atomically makes the working state, with `meta`, the committed state.
    /// `meta.epoch` must exceed the committed epoch. When this returns `Ok`, the
    /// checkpoint is durable; old page versions are reclaimed.
    fn commit(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError>;

    /// The pages present in the last checkpoint, ascending.
    fn committed_pages(&mut self, heap: &str) -> Result<Vec<PageNo>, StoreError>;

    /// Releases the heap (and its lease); uncommitted work is discarded.
    /// Closing a heap that is not open is a no-op.
    fn close(&mut self, heap: &str) -> Result<(), StoreError>;

    /// Removes a heap, committed or not, and all its pages.
    fn delete(&mut self, heap: &str) -> Result<(), StoreError>;
}

/// A borrowed store is a store (so adapters can wrap `&mut dyn Store`).
impl<S: Store + ?Sized> Store for &mut S {
    fn list(&mut self) -> Result<Vec<String>, StoreError> {
        (**self).list()
    }
    fn create(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        (**self).create(heap, meta)
    }
    fn open(&mut self, heap: &str) -> Result<HeapMeta, StoreError> {
        (**self).open(heap)
    }
    fn read_pages(
        &mut self,
        heap: &str,
        pages: &[PageNo],
        found: &mut dyn FnMut(PageNo, Option<&[u8]>),
    ) -> Result<(), StoreError> {
        (**self).read_pages(heap, pages, found)
    }
    fn write_pages(&mut self, heap: &str, pages: &[(PageNo, &[u8])]) -> Result<(), StoreError> {
        (**self).write_pages(heap, pages)
    }
    fn free_pages(&mut self, heap: &str, start: PageNo, count: u64) -> Result<(), StoreError> {
        (**self).free_pages(heap, start, count)
    }
    fn commit(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        (**self).commit(heap, meta)
    }
    fn committed_pages(&mut self, heap: &str) -> Result<Vec<PageNo>, StoreError> {
        (**self).committed_pages(heap)
    }
    fn close(&mut self, heap: &str) -> Result<(), StoreError> {
        (**self).close(heap)
    }
    fn delete(&mut self, heap: &str) -> Result<(), StoreError> {
        (**self).delete(heap)
    }
}
