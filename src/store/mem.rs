//! The in-memory store: the reference backend every unit test runs on.
//!
//! The committed state and the working overlay are kept apart exactly as a
//! durable backend keeps them, so "crash and reopen" (dropping the overlay) has
//! the same meaning here as on disk.

use super::{check_heap_name, HeapMeta, PageNo, Store, StoreError};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct MemStore {
    heaps: BTreeMap<String, MemHeap>,
}

#[derive(Default)]
struct MemHeap {
    /// The last checkpoint; `None` until the first commit.
    committed: Option<(HeapMeta, BTreeMap<PageNo, Box<[u8]>>)>,
    /// Pages written (`Some`) or freed (`None`) since the last commit.
    overlay: BTreeMap<PageNo, Option<Box<[u8]>>>,
    /// Page size, known from `create` or the committed meta.
    page_size: u32,
}

impl MemStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn heap(&mut self, name: &str) -> Result<&mut MemHeap, StoreError> {
        self.heaps.get_mut(name).ok_or_else(|| StoreError::NotFound(name.to_string()))
    }
}

impl Store for MemStore {
    fn list(&mut self) -> Result<Vec<String>, StoreError> {
        Ok(self.heaps.iter().filter(|(_, h)| h.committed.is_some()).map(|(n, _)| n.clone()).collect())
    }

    fn create(&mut self, name: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        check_heap_name(name)?;
        meta.validate().map_err(StoreError::Misuse)?;
        if self.heaps.get(name).is_some_and(|h| h.committed.is_some()) {
            return Err(StoreError::AlreadyExists(name.to_string()));
        }
        self.heaps.insert(name.to_string(), MemHeap { page_size: meta.page_size, ..MemHeap::default() });
        Ok(())
    }

    fn open(&mut self, name: &str) -> Result<HeapMeta, StoreError> {
        let heap = self.heap(name)?;
        heap.overlay.clear();
        match &heap.committed {
            Some((meta, _)) => Ok(meta.clone()),
            None => Err(StoreError::NotFound(name.to_string())),
        }
    }

    fn read_pages(
        &mut self,
        name: &str,
        pages: &[PageNo],
        found: &mut dyn FnMut(PageNo, Option<&[u8]>),
    ) -> Result<(), StoreError> {
        let heap = self.heap(name)?;
        for &page in pages {
            let bytes = match heap.overlay.get(&page) {
                Some(version) => version.as_deref(),
                None => heap.committed.as_ref().and_then(|(_, pages)| pages.get(&page)).map(|b| &**b),
            };
            found(page, bytes);
        }
        Ok(())
    }

    fn write_pages(&mut self, name: &str, pages: &[(PageNo, &[u8])]) -> Result<(), StoreError> {
        let heap = self.heap(name)?;
        for &(page, bytes) in pages {
            if bytes.len() != heap.page_size as usize {
                return Err(StoreError::Misuse(format!("page {page} is {} bytes, not one page", bytes.len())));
            }
            heap.overlay.insert(page, Some(bytes.into()));
        }
        Ok(())
    }

    fn free_pages(&mut self, name: &str, start: PageNo, count: u64) -> Result<(), StoreError> {
        let heap = self.heap(name)?;
        let end = start.saturating_add(count);
        // Only pages that exist somewhere need a tombstone.
        let mut doomed: Vec<PageNo> = heap.overlay.range(start..end).map(|(p, _)| *p).collect();
        if let Some((_, committed)) = &heap.committed {
            doomed.extend(committed.range(start..end).map(|(p, _)| *p));
        }
        for page in doomed {
            heap.overlay.insert(page, None);
        }
        Ok(())
    }

    fn commit(&mut self, name: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        meta.validate().map_err(StoreError::Misuse)?;
        let heap = self.heap(name)?;
        let last_epoch = heap.committed.as_ref().map(|(m, _)| m.epoch);
        if last_epoch.is_some_and(|last| meta.epoch <= last) {
            return Err(StoreError::Misuse(format!("commit epoch {} is not after {last_epoch:?}", meta.epoch)));
        }
        let mut pages = heap.committed.take().map(|(_, pages)| pages).unwrap_or_default();
        for (page, version) in std::mem::take(&mut heap.overlay) {
            match version {
                Some(bytes) => pages.insert(page, bytes),
                None => pages.remove(&page),
            };
        }
        heap.committed = Some((meta.clone(), pages));
        Ok(())
    }

    fn committed_pages(&mut self, name: &str) -> Result<Vec<PageNo>, StoreError> {
        let heap = self.heap(name)?;
        Ok(heap.committed.as_ref().map(|(_, p)| p.keys().copied().collect()).unwrap_or_default())
    }

    fn close(&mut self, name: &str) -> Result<(), StoreError> {
        if let Some(heap) = self.heaps.get_mut(name) {
            heap.overlay.clear();
            if heap.committed.is_none() {
                self.heaps.remove(name);
            }
        }
        Ok(())
    }

    fn delete(&mut self, name: &str) -> Result<(), StoreError> {
        self.heaps.remove(name).map(|_| ()).ok_or_else(|| StoreError::NotFound(name.to_string()))
    }
}
