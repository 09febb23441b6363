//! A store wrapper that injects failures, for crash tests.
//!
//! It counts the operations that change the store (create, write, free, commit)
//! and at the planned one fails, optionally after carrying out part of a batch
//! (a torn batch). From then on every call fails, as if the process had died:
//! the test takes the inner store back with [`FaultyStore::into_inner`] and
//! reopens the heap, which must come back at its last checkpoint.

use super::{HeapMeta, PageNo, Store, StoreError};

/// When and how the wrapped store should fail.
#[derive(Clone, Copy, Debug, Default)]
pub struct FaultPlan {
    /// Fail the mutating operation with this 0-based index (`None`: never).
    pub fail_at: Option<u64>,
    /// On a failing page batch, first write this many of its pages.
    pub torn_prefix: usize,
}

pub struct FaultyStore<S> {
    inner: S,
    plan: FaultPlan,
    mutations: u64,
    dead: bool,
}

impl<S: Store> FaultyStore<S> {
    pub fn new(inner: S, plan: FaultPlan) -> Self {
        FaultyStore { inner, plan, mutations: 0, dead: false }
    }

    /// Replaces the plan (indexes keep counting from the operations so far).
    pub fn set_plan(&mut self, plan: FaultPlan) {
        self.plan = plan;
    }

    /// How many mutating operations have been attempted so far.
    pub fn mutations(&self) -> u64 {
        self.mutations
    }

    pub fn has_failed(&self) -> bool {
        self.dead
    }

    pub fn into_inner(self) -> S {
        self.inner
    }

    fn crashed() -> StoreError {
        StoreError::Io("injected failure".to_string())
    }

    /// Counts a mutation and says whether this one is the planned failure.
    fn next_mutation_fails(&mut self) -> Result<bool, StoreError> {
        if self.dead {
            return Err(Self::crashed());
        }
        let index = self.mutations;
        self.mutations += 1;
        if self.plan.fail_at == Some(index) {
            self.dead = true;
            return Ok(true);
        }
        Ok(false)
    }

    fn alive(&self) -> Result<(), StoreError> {
        if self.dead {
            Err(Self::crashed())
        } else {
            Ok(())
        }
    }
}

impl<S: Store> Store for FaultyStore<S> {
    fn list(&mut self) -> Result<Vec<String>, StoreError> {
        self.alive()?;
        self.inner.list()
    }

    fn create(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        if self.next_mutation_fails()? {
            return Err(Self::crashed());
        }
        self.inner.create(heap, meta)
    }

    fn open(&mut self, heap: &str) -> Result<HeapMeta, StoreError> {
        self.alive()?;
        self.inner.open(heap)
    }

    fn read_pages(
        &mut self,
        heap: &str,
        pages: &[PageNo],
        found: &mut dyn FnMut(PageNo, Option<&[u8]>),
    ) -> Result<(), StoreError> {
        self.alive()?;
        self.inner.read_pages(heap, pages, found)
    }

    fn write_pages(&mut self, heap: &str, pages: &[(PageNo, &[u8])]) -> Result<(), StoreError> {
        if self.next_mutation_fails()? {
            let torn = self.plan.torn_prefix.min(pages.len());
            if torn > 0 {
                // The part of the batch that reached the backend before the crash.
                let _ = self.inner.write_pages(heap, &pages[..torn]);
            }
            return Err(Self::crashed());
        }
        self.inner.write_pages(heap, pages)
    }

    fn free_pages(&mut self, heap: &str, start: PageNo, count: u64) -> Result<(), StoreError> {
        if self.next_mutation_fails()? {
            return Err(Self::crashed());
        }
        self.inner.free_pages(heap, start, count)
    }

    fn commit(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        if self.next_mutation_fails()? {
            return Err(Self::crashed());
        }
        self.inner.commit(heap, meta)
    }

    fn committed_pages(&mut self, heap: &str) -> Result<Vec<PageNo>, StoreError> {
        self.alive()?;
        self.inner.committed_pages(heap)
    }

    fn close(&mut self, heap: &str) -> Result<(), StoreError> {
        self.alive()?;
        self.inner.close(heap)
    }

    fn delete(&mut self, heap: &str) -> Result<(), StoreError> {
        if self.next_mutation_fails()? {
            return Err(Self::crashed());
        }
        self.inner.delete(heap)
    }
}
