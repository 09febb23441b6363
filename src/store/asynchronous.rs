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
/// once: how native tests drive the staged path, and a reference for what an
/// asynchronous backend must do.
pub struct Blocking<S>(pub S);

impl<S: Store> AsyncStore for Blocking<S> {
    async fn list(&mut self) -> Result<Vec<String>, StoreError> {
        self.0.list()
    }

    async fn create(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        self.0.create(heap, meta)
    }

    async fn open(&mut self, heap: &str) -> Result<HeapMeta, StoreError> {
        self.0.open(heap)
    }

    async fn read_pages(&mut self, heap: &str, pages: &[PageNo]) -> Result<Vec<Option<Box<[u8]>>>, StoreError> {
        let mut out = Vec::with_capacity(pages.len());
        self.0.read_pages(heap, pages, &mut |_, bytes| out.push(bytes.map(Box::from)))?;
        Ok(out)
    }

    async fn apply(&mut self, heap: &str, ops: &[PageOp], commit: Option<&HeapMeta>) -> Result<(), StoreError> {
        for op in ops {
            match op {
                PageOp::Write(page, bytes) => self.0.write_pages(heap, &[(*page, bytes)])?,
                PageOp::Free { start, count } => self.0.free_pages(heap, *start, *count)?,
            }
        }
        match commit {
            Some(meta) => self.0.commit(heap, meta),
            None => Ok(()),
        }
    }

    async fn committed_count(&mut self, heap: &str) -> Result<u64, StoreError> {
        Ok(self.0.committed_pages(heap)?.len() as u64)
    }

    async fn read_committed(
        &mut self,
        heap: &str,
        from: PageNo,
        limit: usize,
    ) -> Result<Vec<(PageNo, Box<[u8]>)>, StoreError> {
        // A sync store's reads see the working state; callers read committed
        // pages only when the working state is empty (just opened or committed).
        let pages: Vec<PageNo> = self.0.committed_pages(heap)?.into_iter().filter(|&p| p >= from).take(limit).collect();
        let mut out = Vec::with_capacity(pages.len());
        self.0.read_pages(heap, &pages, &mut |page, bytes| {
            if let Some(bytes) = bytes {
                out.push((page, Box::from(bytes)));
            }
        })?;
        Ok(out)
    }

    async fn close(&mut self, heap: &str) -> Result<(), StoreError> {
        self.0.close(heap)
    }

    async fn delete(&mut self, heap: &str) -> Result<(), StoreError> {
        self.0.delete(heap)
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
