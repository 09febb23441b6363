//! A synchronous face on an asynchronous store, for one heap.
//!
//! The heap's driver ([`crate::heap::PagedHeap`]) calls a [`Store`]
//! synchronously, and the VM must never wait inside an access. `Staged` lets
//! both run unchanged over IndexedDB: it answers every call from memory when
//! it can, and otherwise records what I/O is needed and returns
//! [`StoreError::WouldBlock`], having changed nothing the caller can see. The
//! caller (a VM instruction, a checkpoint) has then rolled back; the driver
//! awaits [`Staged::service`], which performs the I/O, and calls again.
//!
//! What is kept in memory, and why it is bounded:
//! - the *queue*: writes and frees accepted but not yet applied to the
//!   backend, in order. Reads look here first, so a page written back and
//!   faulted in again before the queue is flushed reads its newest bytes.
//!   When the queued bytes pass the limit given at construction, further
//!   writes return `WouldBlock` and the next service flushes the queue in one
//!   transaction (relaxed durability is fine: it is working state).
//! - *arrived* pages: what the last service read for a retry. Emptied at the
//!   start of every service, so an arrived page can never be older than a
//!   queued change to it (the queue is only flushed inside a service, before
//!   the reads).
//!
//! A checkpoint's `commit` returns `WouldBlock` once; the service then applies
//! the remaining queue and the commit in ONE transaction, and the retried
//! `commit` with the same meta finds it done.

use super::asynchronous::{AsyncStore, PageOp};
use super::{HeapMeta, PageNo, Store, StoreError};
use std::collections::HashMap;

/// Counters of the I/O the service performed (for statistics and benchmarks).
#[derive(Clone, Copy, Debug, Default)]
pub struct StagedStats {
    /// Read requests sent to the backend, and the pages they asked for.
    pub read_batches: u64,
    pub pages_fetched: u64,
    /// Write transactions (flushes and commits) and the pages they carried.
    pub write_batches: u64,
    pub pages_flushed: u64,
    /// Times a call had to return `WouldBlock`.
    pub would_block: u64,
}

pub struct Staged<A: AsyncStore> {
    inner: A,
    heap: String,
    /// The last checkpoint's meta; `None` for a new heap until its first commit.
    committed: Option<HeapMeta>,
    /// A new heap the backend has not been told of yet.
    create_pending: Option<HeapMeta>,
    queue: Vec<PageOp>,
    queued_bytes: usize,
    queue_limit: usize,
    flush_wanted: bool,
    arrived: HashMap<PageNo, Option<Box<[u8]>>>,
    wanted: Vec<PageNo>,
    commit_wanted: Option<HeapMeta>,
    /// No page at or above this was ever stored, so reading one needs no I/O:
    /// the committed page count, raised past every page flushed since.
    stored_below: PageNo,
    stats: StagedStats,
}

impl<A: AsyncStore> Staged<A> {
    /// A staged store for a heap that `PagedHeap::create` will create.
    /// `queue_limit` is the most bytes of written pages held before a flush.
    pub fn for_new_heap(inner: A, heap: &str, queue_limit: usize) -> Self {
        Staged {
            inner,
            heap: heap.to_string(),
            committed: None,
            create_pending: None,
            queue: Vec::new(),
            queued_bytes: 0,
            queue_limit,
            flush_wanted: false,
            arrived: HashMap::new(),
            wanted: Vec::new(),
            commit_wanted: None,
            stored_below: 0,
            stats: StagedStats::default(),
        }
    }

    /// Opens an existing heap in the backend and fetches its header page, so
    /// that `PagedHeap::open` can run without blocking.
    pub async fn open_existing(mut inner: A, heap: &str, queue_limit: usize) -> Result<Self, StoreError> {
        let meta = inner.open(heap).await?;
        let mut staged = Self::for_new_heap(inner, heap, queue_limit);
        staged.stored_below = meta.page_count;
        staged.committed = Some(meta);
        staged.prefetch(&[0]).await?;
        Ok(staged)
    }

    pub fn heap_name(&self) -> &str {
        &self.heap
    }

    pub fn inner(&mut self) -> &mut A {
        &mut self.inner
    }

    /// Gives the backend back (after the heap was closed).
    pub fn into_inner(self) -> A {
        self.inner
    }

    pub fn stats(&self) -> StagedStats {
        self.stats
    }

    /// The last checkpoint's meta, if there is one.
    pub fn committed_meta(&self) -> Option<&HeapMeta> {
        self.committed.as_ref()
    }

    /// Whether a service has I/O to do.
    pub fn needs_service(&self) -> bool {
        self.create_pending.is_some() || self.commit_wanted.is_some() || self.flush_wanted || !self.wanted.is_empty()
    }

    /// Bytes of written pages waiting in the queue.
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes
    }

    /// Reads `pages` from the backend now, so the next `read_pages` of them
    /// does not block.
    pub async fn prefetch(&mut self, pages: &[PageNo]) -> Result<(), StoreError> {
        self.wanted.extend_from_slice(pages);
        self.service().await
    }

    /// Asks the next service to flush the queue even if it is not full (when
    /// the program pauses, or to keep frames free ahead of need).
    pub fn request_flush(&mut self) {
        if !self.queue.is_empty() {
            self.flush_wanted = true;
        }
    }

    /// Performs the I/O the last `WouldBlock` asked for: tells the backend of
    /// a new heap, flushes the queue (with the commit, if one is waiting, in
    /// the same transaction), then reads the wanted pages.
    pub async fn service(&mut self) -> Result<(), StoreError> {
        self.arrived.clear();
        if let Some(meta) = &self.create_pending {
            self.inner.create(&self.heap, meta).await?;
            self.create_pending = None;
        }
        let commit = self.commit_wanted.take();
        if commit.is_some() || self.flush_wanted {
            self.inner.apply(&self.heap, &self.queue, commit.as_ref()).await?;
            self.stats.write_batches += 1;
            for op in self.queue.drain(..) {
                if let PageOp::Write(page, _) = op {
                    self.stats.pages_flushed += 1;
                    self.stored_below = self.stored_below.max(page + 1);
                }
            }
            self.queued_bytes = 0;
            self.flush_wanted = false;
            if let Some(meta) = commit {
                self.stored_below = self.stored_below.max(meta.page_count);
                self.committed = Some(meta);
            }
        }
        if !self.wanted.is_empty() {
            let mut pages = std::mem::take(&mut self.wanted);
            pages.sort_unstable();
            pages.dedup();
            let found = self.inner.read_pages(&self.heap, &pages).await?;
            self.stats.read_batches += 1;
            self.stats.pages_fetched += pages.len() as u64;
            self.arrived.extend(pages.into_iter().zip(found));
        }
        Ok(())
    }

    fn check_heap(&self, heap: &str) -> Result<(), StoreError> {
        if heap == self.heap {
            Ok(())
        } else {
            Err(StoreError::Misuse(format!("this staged store serves heap '{}', not '{heap}'", self.heap)))
        }
    }

    fn would_block(&mut self) -> StoreError {
        self.stats.would_block += 1;
        StoreError::WouldBlock
    }

    /// What the queue says about `page`: `Some(Some(bytes))` written,
    /// `Some(None)` freed, `None` not touched since the last flush.
    fn queued(&self, page: PageNo) -> Option<Option<&[u8]>> {
        self.queue.iter().rev().find_map(|op| match op {
            PageOp::Write(p, bytes) if *p == page => Some(Some(&bytes[..])),
            PageOp::Free { start, count } if (*start..start.saturating_add(*count)).contains(&page) => Some(None),
            _ => None,
        })
    }
}

impl<A: AsyncStore> Store for Staged<A> {
    fn list(&mut self) -> Result<Vec<String>, StoreError> {
        Err(StoreError::Misuse("list heaps through the asynchronous store".into()))
    }

    fn create(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        self.check_heap(heap)?;
        if self.committed.is_some() {
            return Err(StoreError::AlreadyExists(heap.to_string()));
        }
        self.create_pending = Some(meta.clone());
        Ok(())
    }

    fn open(&mut self, heap: &str) -> Result<HeapMeta, StoreError> {
        self.check_heap(heap)?;
        self.queue.clear();
        self.queued_bytes = 0;
        self.committed.clone().ok_or_else(|| StoreError::NotFound(heap.to_string()))
    }

    fn read_pages(
        &mut self,
        heap: &str,
        pages: &[PageNo],
        found: &mut dyn FnMut(PageNo, Option<&[u8]>),
    ) -> Result<(), StoreError> {
        self.check_heap(heap)?;
        let missing: Vec<PageNo> = pages
            .iter()
            .copied()
            .filter(|&p| self.queued(p).is_none() && p < self.stored_below && !self.arrived.contains_key(&p))
            .collect();
        if !missing.is_empty() {
            self.wanted.extend(missing);
            return Err(self.would_block());
        }
        for &page in pages {
            match self.queued(page) {
                Some(bytes) => found(page, bytes),
                None if page >= self.stored_below => found(page, None),
                None => found(page, self.arrived.get(&page).and_then(|b| b.as_deref())),
            }
        }
        Ok(())
    }

    fn write_pages(&mut self, heap: &str, pages: &[(PageNo, &[u8])]) -> Result<(), StoreError> {
        self.check_heap(heap)?;
        let bytes: usize = pages.iter().map(|(_, b)| b.len()).sum();
        if !self.queue.is_empty() && self.queued_bytes + bytes > self.queue_limit {
            self.flush_wanted = true;
            return Err(self.would_block());
        }
        for &(page, data) in pages {
            self.queue.push(PageOp::Write(page, data.into()));
        }
        self.queued_bytes += bytes;
        Ok(())
    }

    fn free_pages(&mut self, heap: &str, start: PageNo, count: u64) -> Result<(), StoreError> {
        self.check_heap(heap)?;
        self.queue.push(PageOp::Free { start, count });
        Ok(())
    }

    fn commit(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        self.check_heap(heap)?;
        if self.committed.as_ref() == Some(meta) {
            // The service already made this checkpoint: this is the retry.
            return Ok(());
        }
        self.commit_wanted = Some(meta.clone());
        Err(self.would_block())
    }

    fn committed_pages(&mut self, _heap: &str) -> Result<Vec<PageNo>, StoreError> {
        Err(StoreError::Misuse("read committed pages through the asynchronous store".into()))
    }

    fn close(&mut self, heap: &str) -> Result<(), StoreError> {
        self.check_heap(heap)?;
        self.queue.clear();
        self.queued_bytes = 0;
        self.arrived.clear();
        self.wanted.clear();
        Ok(())
    }

    fn delete(&mut self, _heap: &str) -> Result<(), StoreError> {
        Err(StoreError::Misuse("delete heaps through the asynchronous store".into()))
    }
}
