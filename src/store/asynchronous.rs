//! Asynchronous stores: the same committed/working model as [`Store`], for
//! backends whose I/O completes later (IndexedDB in the browser).
//!
//! The heap and the VM never wait inside an access, so they do not call an
//! asynchronous store directly: [`super::staged::Staged`] puts a synchronous
//! face on one, answering from what it has staged in memory and returning
//! [`StoreError::WouldBlock`] when I/O is needed; the driver then awaits
//! [`super::staged::Staged::service`] and retries. This trait is therefore
//! shaped by what one transaction of the backend can do:
//! - [`AsyncStore::read_pages`]: one request per run of pages;
//! - [`AsyncStore::apply`]: a batch of writes and frees, and optionally the
//!   commit that makes them the checkpoint, all in ONE transaction.

use super::{HeapMeta, PageNo, Store, StoreError};

/// One change to a heap's working state. Changes are applied in order: a page
/// freed and then written again holds the new bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageOp {
    Write(PageNo, Box<[u8]>),
    Free { start: PageNo, count: u64 },
}

/// The asynchronous twin of [`Store`]; see there for the meaning of each call.
#[allow(async_fn_in_trait)] // used through generics only, on one thread
pub trait AsyncStore {
    async fn list(&mut self) -> Result<Vec<String>, StoreError>;

    async fn create(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError>;

    async fn open(&mut self, heap: &str) -> Result<HeapMeta, StoreError>;

    /// The working version of each page, in the order asked (`None`: zeros).
    async fn read_pages(&mut self, heap: &str, pages: &[PageNo]) -> Result<Vec<Option<Box<[u8]>>>, StoreError>;

    /// Applies `ops` to the working state in one transaction. With `commit`,
    /// the same transaction makes the result the committed state with that
    /// meta: atomic, and durable once this returns `Ok`.
    async fn apply(&mut self, heap: &str, ops: &[PageOp], commit: Option<&HeapMeta>) -> Result<(), StoreError>;

    /// How many pages the last checkpoint holds.
    async fn committed_count(&mut self, heap: &str) -> Result<u64, StoreError>;

    /// Up to `limit` pages of the last checkpoint, ascending from `from`, with
    /// their bytes: what an export streams.
    async fn read_committed(
        &mut self,
        heap: &str,
        from: PageNo,
        limit: usize,
    ) -> Result<Vec<(PageNo, Box<[u8]>)>, StoreError>;

    async fn close(&mut self, heap: &str) -> Result<(), StoreError>;

    async fn delete(&mut self, heap: &str) -> Result<(), StoreError>;
}

/// Any synchronous store as an asynchronous one whose futures are ready at
/// once: how the CLI's export and import share the browser's code, how native
/// tests drive the staged path, and a reference for what an asynchronous
/// backend must do.
pub struct Blocking<S> {
    store: S,
    /// The committed page list of the heap being exported, read once: a sync
    /// store can only list all of them, and an export asks batch by batch.
    committed: Option<(String, Vec<PageNo>)>,
}

impl<S: Store> Blocking<S> {
    pub fn new(store: S) -> Self {
        Blocking { store, committed: None }
    }

    pub fn get_mut(&mut self) -> &mut S {
        self.committed = None;
        &mut self.store
    }

    pub fn into_inner(self) -> S {
        self.store
    }

    fn committed_list(&mut self, heap: &str) -> Result<&[PageNo], StoreError> {
        if self.committed.as_ref().map_or(true, |(name, _)| name != heap) {
            self.committed = Some((heap.to_string(), self.store.committed_pages(heap)?));
        }
        Ok(&self.committed.as_ref().expect("just filled").1)
    }
}

impl<S: Store> AsyncStore for Blocking<S> {
    async fn list(&mut self) -> Result<Vec<String>, StoreError> {
        self.store.list()
    }

    async fn create(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        self.committed = None;
        self.store.create(heap, meta)
    }

    async fn open(&mut self, heap: &str) -> Result<HeapMeta, StoreError> {
        self.committed = None;
        self.store.open(heap)
    }

    async fn read_pages(&mut self, heap: &str, pages: &[PageNo]) -> Result<Vec<Option<Box<[u8]>>>, StoreError> {
        let mut out = Vec::with_capacity(pages.len());
        self.store.read_pages(heap, pages, &mut |_, bytes| out.push(bytes.map(Box::from)))?;
        Ok(out)
    }

    async fn apply(&mut self, heap: &str, ops: &[PageOp], commit: Option<&HeapMeta>) -> Result<(), StoreError> {
        self.committed = None;
        // Runs of writes go to the store as one batch each.
        let mut writes: Vec<(PageNo, &[u8])> = Vec::new();
        for op in ops {
            match op {
                PageOp::Write(page, bytes) => writes.push((*page, bytes)),
                PageOp::Free { start, count } => {
                    if !writes.is_empty() {
                        self.store.write_pages(heap, &writes)?;
                        writes.clear();
                    }
                    self.store.free_pages(heap, *start, *count)?;
                }
            }
        }
        if !writes.is_empty() {
            self.store.write_pages(heap, &writes)?;
        }
        match commit {
            Some(meta) => self.store.commit(heap, meta),
            None => Ok(()),
        }
    }

    async fn committed_count(&mut self, heap: &str) -> Result<u64, StoreError> {
        Ok(self.committed_list(heap)?.len() as u64)
    }

    async fn read_committed(
        &mut self,
        heap: &str,
        from: PageNo,
        limit: usize,
    ) -> Result<Vec<(PageNo, Box<[u8]>)>, StoreError> {
        // A sync store's reads see the working state; callers read committed
        // pages only when the working state is empty (just opened or committed).
        let list = self.committed_list(heap)?;
        let start = list.partition_point(|&p| p < from);
        let pages: Vec<PageNo> = list[start..].iter().copied().take(limit).collect();
        let mut out = Vec::with_capacity(pages.len());
        let mut missing = None;
        self.store.read_pages(heap, &pages, &mut |page, bytes| match bytes {
            Some(bytes) => out.push((page, Box::from(bytes))),
            None => missing = missing.or(Some(page)),
        })?;
        match missing {
            Some(page) => Err(StoreError::Corrupt {
                heap: heap.to_string(),
                what: format!("page {page} is listed in the checkpoint but has no bytes"),
            }),
            None => Ok(out),
        }
    }

    async fn close(&mut self, heap: &str) -> Result<(), StoreError> {
        self.committed = None;
        self.store.close(heap)
    }

    async fn delete(&mut self, heap: &str) -> Result<(), StoreError> {
        self.committed = None;
        self.store.delete(heap)
    }
}

/// Runs a future whose every await is ready at once (a [`Blocking`] store's),
/// for native tests and tools. Panics if the future ever has to wait.
pub fn now_or_never<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("now_or_never: the future had to wait"),
    }
}
