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
//!   backend (kept in a canonical form, see [`Pending`]). Reads look here first, so a page written back and
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
use std::collections::{BTreeMap, HashMap};

/// Changes accepted but not yet applied, kept in a canonical form: the freed
/// ranges (merged), then the pages written after them. A write replaces any
/// earlier write of its page; a free drops the writes it covers. Applying
/// the frees first and the writes second therefore gives exactly the state
/// the changes made in order, and every lookup is a tree search, however
/// many changes there are.
#[derive(Default)]
struct Pending {
    /// Freed ranges as start -> end (exclusive), disjoint and not adjacent.
    frees: BTreeMap<PageNo, PageNo>,
    writes: BTreeMap<PageNo, Box<[u8]>>,
    write_bytes: usize,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.frees.is_empty() && self.writes.is_empty()
    }

    fn write(&mut self, page: PageNo, bytes: &[u8]) {
        self.write_bytes += bytes.len();
        if let Some(old) = self.writes.insert(page, bytes.into()) {
            self.write_bytes -= old.len();
        }
    }

    fn free(&mut self, start: PageNo, count: u64) {
        let mut end = start.saturating_add(count);
        if end == start {
            return;
        }
        let dropped: Vec<PageNo> = self.writes.range(start..end).map(|(&p, _)| p).collect();
        for page in dropped {
            self.write_bytes -= self.writes.remove(&page).map_or(0, |b| b.len());
        }
        // Merge with every range that overlaps or touches [start, end).
        let mut start = start;
        if let Some((&s, &e)) = self.frees.range(..=start).next_back() {
            if e >= start {
                start = s;
                end = end.max(e);
            }
        }
        let touching: Vec<(PageNo, PageNo)> = self.frees.range(start..=end).map(|(&s, &e)| (s, e)).collect();
        for (s, e) in touching {
            self.frees.remove(&s);
            end = end.max(e);
        }
        self.frees.insert(start, end);
    }

    /// `Some(Some(bytes))` written, `Some(None)` freed, `None` untouched.
    fn lookup(&self, page: PageNo) -> Option<Option<&[u8]>> {
        if let Some(bytes) = self.writes.get(&page) {
            return Some(Some(bytes));
        }
        match self.frees.range(..=page).next_back() {
            Some((_, &end)) if page < end => Some(None),
            _ => None,
        }
    }

    fn to_ops(&self) -> Vec<PageOp> {
        let frees = self.frees.iter().map(|(&start, &end)| PageOp::Free { start, count: end - start });
        let writes = self.writes.iter().map(|(&page, bytes)| PageOp::Write(page, bytes.clone()));
        frees.chain(writes).collect()
    }

    fn clear(&mut self) {
        *self = Pending::default();
    }
}

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
    /// Calls of `read_pages` and the pages they asked for.
    pub read_calls: u64,
    pub pages_asked: u64,
}

pub struct Staged<A: AsyncStore> {
    inner: A,
    heap: String,
    /// The last checkpoint's meta; `None` for a new heap until its first commit.
    committed: Option<HeapMeta>,
    /// A new heap the backend has not been told of yet.
    create_pending: Option<HeapMeta>,
    queue: Pending,
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
            queue: Pending::default(),
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
        self.queue.write_bytes
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
            self.inner.apply(&self.heap, &self.queue.to_ops(), commit.as_ref()).await?;
            self.stats.write_batches += 1;
            self.stats.pages_flushed += self.queue.writes.len() as u64;
            if let Some((&last, _)) = self.queue.writes.last_key_value() {
                self.stored_below = self.stored_below.max(last + 1);
            }
            self.queue.clear();
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
        self.committed.clone().ok_or_else(|| StoreError::NotFound(heap.to_string()))
    }

    fn read_pages(
        &mut self,
        heap: &str,
        pages: &[PageNo],
        found: &mut dyn FnMut(PageNo, Option<&[u8]>),
    ) -> Result<(), StoreError> {
        self.check_heap(heap)?;
        self.stats.read_calls += 1;
        self.stats.pages_asked += pages.len() as u64;
        // Pages only the backend has. If any of them has not arrived, ask for
        // all of them: the next service replaces what has arrived, so asking
        // for only the missing ones could drop the others and never settle.
        let from_backend: Vec<PageNo> =
            pages.iter().copied().filter(|&p| self.queue.lookup(p).is_none() && p < self.stored_below).collect();
        if from_backend.iter().any(|p| !self.arrived.contains_key(p)) {
            self.wanted.extend(from_backend);
            return Err(self.would_block());
        }
        for &page in pages {
            match self.queue.lookup(page) {
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
        if !self.queue.is_empty() && self.queue.write_bytes + bytes > self.queue_limit {
            self.flush_wanted = true;
            return Err(self.would_block());
        }
        for &(page, data) in pages {
            self.queue.write(page, data);
        }
        Ok(())
    }

    fn free_pages(&mut self, heap: &str, start: PageNo, count: u64) -> Result<(), StoreError> {
        self.check_heap(heap)?;
        self.queue.free(start, count);
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
        self.arrived.clear();
        self.wanted.clear();
        Ok(())
    }

    fn delete(&mut self, _heap: &str) -> Result<(), StoreError> {
        Err(StoreError::Misuse("delete heaps through the asynchronous store".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::{PageOp, Pending};
    use std::collections::BTreeMap;

    /// Applies `ops` in order to a page -> bytes model (absent = zeros).
    fn apply(model: &mut BTreeMap<u64, u8>, ops: &[PageOp]) {
        for op in ops {
            match op {
                PageOp::Write(page, bytes) => {
                    model.insert(*page, bytes[0]);
                }
                PageOp::Free { start, count } => model.retain(|p, _| !(*start..start + count).contains(p)),
            }
        }
    }

    #[test]
    fn the_canonical_form_means_the_same_as_the_changes_in_order() {
        let mut seed = 0x1234_5678_9abc_def0u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..200 {
            let base: BTreeMap<u64, u8> = (0..64).map(|p| (p, 0xEE)).collect();
            let (mut in_order, mut pending) = (base.clone(), Pending::default());
            for _ in 0..40 {
                let op = if next(3) == 0 {
                    PageOp::Free { start: next(64), count: 1 + next(12) }
                } else {
                    PageOp::Write(next(64), vec![next(200) as u8; 4].into())
                };
                apply(&mut in_order, std::slice::from_ref(&op));
                match &op {
                    PageOp::Write(page, bytes) => pending.write(*page, bytes),
                    PageOp::Free { start, count } => pending.free(*start, *count),
                }
            }
            let mut canonical = base.clone();
            apply(&mut canonical, &pending.to_ops());
            assert_eq!(canonical, in_order);
            for page in 0..80 {
                match pending.lookup(page) {
                    // Untouched: the page is as it was before the changes.
                    None => assert_eq!(in_order.get(&page), base.get(&page), "page {page}"),
                    Some(state) => assert_eq!(state.map(|b| b[0]), in_order.get(&page).copied(), "page {page}"),
                }
            }
            let frees: Vec<(u64, u64)> = pending.frees.iter().map(|(&s, &e)| (s, e)).collect();
            assert!(frees.windows(2).all(|w| w[0].1 < w[1].0), "free ranges are merged: {frees:?}");
        }
    }
}
