//! The native store: one file per heap in a directory, crash-safe by
//! copy-on-write blocks and two alternating commit records.
//!
//! File layout (all integers little-endian; details in docs/format.md):
//!
//! ```text
//! 0        commit record A (4 KiB)
//! 4096     commit record B (4 KiB)
//! 8192     block 0, block 1, ...   each exactly one page long
//! ```
//!
//! A block holds either a page version or a node of the *page map*, a radix
//! tree whose leaves give, for each page, the block holding it and the page's
//! checksum; inner nodes give the block and checksum of each child node. A
//! commit record names the root node, so everything reachable from a valid
//! commit record is covered by a chain of checksums.
//!
//! Invariants:
//! - A block reachable from the newest valid commit record is never written.
//!   Pages written between checkpoints go to free blocks, so write-back cannot
//!   damage the last checkpoint.
//! - A commit writes the changed map nodes to free blocks, syncs, then writes
//!   the commit record not holding the current checkpoint, and syncs again.
//!   A torn record fails its checksum and the other record (the previous
//!   checkpoint, still intact) is used.
//! - Blocks released by a commit become free only after that commit is
//!   durable, so they are never written while a record still needs them.
//! - Free blocks are not recorded anywhere: on open, every block that the
//!   committed map does not reach is free, which also reclaims whatever a crash
//!   left half-written.

use super::io::{BlockFile, Dir, OsDir};
use super::{check_heap_name, page_checksum, HeapMeta, PageNo, Store, StoreError};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io;

/// The store file format this build writes and reads.
pub const STORE_FORMAT_VERSION: u32 = 1;
const RECORD_MAGIC: [u8; 8] = *b"\x89VHS\r\n\x1a\n";
const RECORD_SIZE: usize = 4096;
const DATA_START: u64 = 2 * RECORD_SIZE as u64;
const FILE_SUFFIX: &str = ".heap";
/// Pages moved per commit when compacting a file that is mostly free.
const COMPACT_BUDGET: usize = 256;

// Byte offsets inside a commit record.
const R_MAGIC: usize = 0;
const R_VERSION: usize = 8;
const R_PAGE_SIZE: usize = 12;
const R_EPOCH: usize = 16;
const R_PAGE_COUNT: usize = 24;
const R_MAX_PAGES: usize = 32;
const R_ROOT: usize = 40;
const R_BYTES_IN_USE: usize = 48;
const R_MAP_DEPTH: usize = 56;
const R_LABEL_LEN: usize = 60;
const R_MAP_PAGES: usize = 64;
const R_MAP_ROOT: usize = 72;
const R_LABEL: usize = 88;
const R_CHECKSUM: usize = RECORD_SIZE - 8;

/// One map entry: where a page or child node is, and its checksum.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
struct Entry {
    /// Block index + 1; 0 means "absent" (a zero page, or an all-empty node).
    block: u64,
    sum: u64,
}

const ENTRY_SIZE: usize = 16;

impl Entry {
    fn block_index(self) -> Option<u64> {
        self.block.checked_sub(1)
    }
}

/// The page map, all levels in memory. Level 0 has one entry per page;
/// level k + 1 has one entry per node of level k; the top level fits in one
/// node, the root.
struct PageMap {
    fanout: usize,
    levels: Vec<Vec<Entry>>,
    /// Per level, the nodes that changed since the last commit.
    dirty: Vec<BTreeSet<usize>>,
    root: Entry,
}

impl PageMap {
    fn new(fanout: usize, pages: usize) -> Self {
        let mut map = PageMap { fanout, levels: vec![Vec::new()], dirty: vec![BTreeSet::new()], root: Entry::default() };
        map.grow(pages);
        map
    }

    /// Makes room for `pages` level-0 entries, adding levels as needed.
    fn grow(&mut self, pages: usize) {
        let f = self.fanout;
        let mut need = pages.max(1).div_ceil(f) * f;
        let mut level = 0;
        loop {
            if level == self.levels.len() {
                // A new top level. Its first entry points at the old root node,
                // and the new root must be written at the next commit.
                self.levels.push(vec![std::mem::take(&mut self.root)]);
                self.dirty.push(BTreeSet::from([0]));
            }
            if self.levels[level].len() < need {
                self.levels[level].resize(need, Entry::default());
            }
            let len = self.levels[level].len();
            if len <= f && level + 1 == self.levels.len() {
                return; // this level fits in one node: it is the root
            }
            need = len.div_ceil(f).div_ceil(f) * f;
            level += 1;
        }
    }

    fn depth(&self) -> usize {
        self.levels.len()
    }

    fn page(&self, page: usize) -> Entry {
        self.levels[0].get(page).copied().unwrap_or_default()
    }

    fn set_page(&mut self, page: usize, entry: Entry) {
        if page >= self.levels[0].len() {
            self.grow(page + 1);
        }
        self.levels[0][page] = entry;
        self.dirty[0].insert(page / self.fanout);
    }

    fn node_bytes(&self, level: usize, node: usize, out: &mut [u8]) {
        out.fill(0);
        let entries = &self.levels[level];
        let start = node * self.fanout;
        let end = (start + self.fanout).min(entries.len());
        for (i, e) in entries[start.min(end)..end].iter().enumerate() {
            out[i * ENTRY_SIZE..i * ENTRY_SIZE + 8].copy_from_slice(&e.block.to_le_bytes());
            out[i * ENTRY_SIZE + 8..i * ENTRY_SIZE + 16].copy_from_slice(&e.sum.to_le_bytes());
        }
    }

    fn node_is_empty(&self, level: usize, node: usize) -> bool {
        let entries = &self.levels[level];
        let start = node * self.fanout;
        let end = (start + self.fanout).min(entries.len());
        entries[start.min(end)..end].iter().all(|e| e.block == 0)
    }
}

fn read_entries(bytes: &[u8], out: &mut [Entry]) {
    for (i, e) in out.iter_mut().enumerate() {
        let at = i * ENTRY_SIZE;
        e.block = u64_at(bytes, at);
        e.sum = u64_at(bytes, at + 8);
    }
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn to_usize(n: u64, heap: &str) -> Result<usize, StoreError> {
    usize::try_from(n).map_err(|_| StoreError::Corrupt { heap: heap.to_string(), what: format!("{n} does not fit in memory") })
}

/// A heap file that is open for use.
struct OpenHeap<F> {
    file: F,
    page_size: usize,
    map: PageMap,
    /// The committed meta; `None` for a heap created but never committed.
    meta: Option<HeapMeta>,
    /// Which record (0 or 1) holds the committed checkpoint.
    current_record: usize,
    /// Blocks in the file.
    total_blocks: u64,
    /// Blocks that no committed or working version uses.
    free: BTreeSet<u64>,
    /// Blocks the committed state uses but the working state has replaced:
    /// free once the next commit is durable.
    released: Vec<u64>,
    /// Blocks written since the last commit; only these may be rewritten in place.
    fresh: HashSet<u64>,
    /// Set by the first I/O error; the heap must be reopened.
    poisoned: bool,
}

/// The native store: a directory with one `<name>.heap` file per heap.
pub struct FileStore<D: Dir = OsDir> {
    dir: D,
    open: HashMap<String, OpenHeap<D::File>>,
}

impl FileStore<OsDir> {
    /// Opens (creating it if needed) a store in a directory.
    pub fn open_dir(path: impl Into<std::path::PathBuf>) -> Result<Self, StoreError> {
        Ok(FileStore::new(OsDir::new(path)?))
    }
}

impl<D: Dir> FileStore<D> {
    pub fn new(dir: D) -> Self {
        FileStore { dir, open: HashMap::new() }
    }

    fn file_name(heap: &str) -> String {
        format!("{heap}{FILE_SUFFIX}")
    }

    fn heap(&mut self, name: &str) -> Result<&mut OpenHeap<D::File>, StoreError> {
        let heap = self.open.get_mut(name).ok_or_else(|| StoreError::Misuse(format!("heap '{name}' is not open")))?;
        if heap.poisoned {
            return Err(StoreError::PreviousIo { heap: name.to_string() });
        }
        Ok(heap)
    }

    fn open_file(&mut self, name: &str, create: bool) -> Result<D::File, StoreError> {
        match self.dir.open(&Self::file_name(name), create, true) {
            Ok(f) => Ok(f),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Err(StoreError::Locked(name.to_string())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(StoreError::NotFound(name.to_string())),
            Err(e) => Err(e.into()),
        }
    }

    /// Runs a mutating operation, latching the heap on I/O failure so that no
    /// later call acts on a state the disk may not have.
    fn mutate<R>(
        &mut self,
        name: &str,
        op: impl FnOnce(&mut OpenHeap<D::File>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let heap = self.heap(name)?;
        let result = op(heap);
        if matches!(result, Err(StoreError::Io(_) | StoreError::Full(_))) {
            heap.poisoned = true;
        }
        result
    }
}

/// Reads both commit records and returns the newest valid one with its slot.
fn newest_record<F: BlockFile>(file: &mut F, heap: &str) -> Result<Option<(usize, Vec<u8>)>, StoreError> {
    let len = file.len()?;
    let mut best: Option<(usize, Vec<u8>)> = None;
    for slot in 0..2 {
        let offset = (slot * RECORD_SIZE) as u64;
        if len < offset + RECORD_SIZE as u64 {
            continue;
        }
        let mut rec = vec![0u8; RECORD_SIZE];
        file.read_at(offset, &mut rec)?;
        if rec[R_MAGIC..R_MAGIC + 8] != RECORD_MAGIC || u64_at(&rec, R_CHECKSUM) != page_checksum(&rec[..R_CHECKSUM]) {
            continue; // never written, or torn by a crash mid-commit
        }
        let version = u32_at(&rec, R_VERSION);
        if version > STORE_FORMAT_VERSION {
            return Err(StoreError::UpgradeRequired { heap: heap.to_string(), version });
        }
        if best.as_ref().is_none_or(|(_, b)| u64_at(&rec, R_EPOCH) > u64_at(b, R_EPOCH)) {
            best = Some((slot, rec));
        }
    }
    Ok(best)
}

fn meta_from_record(rec: &[u8], heap: &str) -> Result<HeapMeta, StoreError> {
    let corrupt = |what: String| StoreError::Corrupt { heap: heap.to_string(), what };
    let label_len = to_usize(u64::from(u32_at(rec, R_LABEL_LEN)), heap)?;
    let label = rec
        .get(R_LABEL..R_LABEL + label_len)
        .filter(|_| label_len <= super::MAX_LABEL_LEN)
        .ok_or_else(|| corrupt("commit record label is too long".into()))?;
    let meta = HeapMeta {
        page_size: u32_at(rec, R_PAGE_SIZE),
        page_count: u64_at(rec, R_PAGE_COUNT),
        max_pages: u64_at(rec, R_MAX_PAGES),
        epoch: u64_at(rec, R_EPOCH),
        root: u64_at(rec, R_ROOT),
        bytes_in_use: u64_at(rec, R_BYTES_IN_USE),
        label: String::from_utf8_lossy(label).into_owned(),
    };
    meta.validate().map_err(|e| corrupt(format!("commit record: {e}")))?;
    Ok(meta)
}

impl<F: BlockFile> OpenHeap<F> {
    fn block_offset(&self, block: u64) -> u64 {
        DATA_START + block * self.page_size as u64
    }

    /// Loads the committed map from the record, verifying every node.
    fn load(file: F, heap: &str, slot: usize, rec: &[u8]) -> Result<Self, StoreError> {
        let meta = meta_from_record(rec, heap)?;
        let page_size = meta.page_size as usize;
        let fanout = page_size / ENTRY_SIZE;
        let map_pages = to_usize(u64_at(rec, R_MAP_PAGES), heap)?;
        let depth = to_usize(u64::from(u32_at(rec, R_MAP_DEPTH)), heap)?;
        let corrupt = |what: String| StoreError::Corrupt { heap: heap.to_string(), what };
        if map_pages > to_usize(meta.max_pages, heap)?.saturating_add(fanout) {
            return Err(corrupt(format!("page map of {map_pages} pages exceeds the heap's maximum")));
        }
        let mut heap_state = OpenHeap {
            file,
            page_size,
            map: PageMap::new(fanout, map_pages),
            meta: Some(meta),
            current_record: slot,
            total_blocks: 0,
            free: BTreeSet::new(),
            released: Vec::new(),
            fresh: HashSet::new(),
            poisoned: false,
        };
        if heap_state.map.depth() != depth {
            return Err(corrupt(format!("page map depth {depth} does not match its size")));
        }
        let len = heap_state.file.len()?;
        heap_state.total_blocks = len.saturating_sub(DATA_START) / page_size as u64;
        heap_state.map.root = Entry { block: u64_at(rec, R_MAP_ROOT), sum: u64_at(rec, R_MAP_ROOT + 8) };
        heap_state.map.dirty.iter_mut().for_each(BTreeSet::clear);
        let mut used = BTreeSet::new();
        heap_state.load_nodes(heap, &mut used)?;
        heap_state.free = (0..heap_state.total_blocks).filter(|b| !used.contains(b)).collect();
        Ok(heap_state)
    }

    /// Reads the map top-down, checking each node against its parent's checksum.
    fn load_nodes(&mut self, heap: &str, used: &mut BTreeSet<u64>) -> Result<(), StoreError> {
        let fanout = self.map.fanout;
        let mut node = vec![0u8; self.page_size];
        let top = self.map.depth() - 1;
        let mut parents = vec![self.map.root];
        for level in (0..=top).rev() {
            for (i, entry) in parents.iter().enumerate() {
                let Some(block) = entry.block_index() else { continue };
                self.read_block(block, &mut node, heap, &format!("page map node {level}/{i}"))?;
                if page_checksum(&node) != entry.sum {
                    return Err(StoreError::Corrupt {
                        heap: heap.to_string(),
                        what: format!("page map node {level}/{i} fails its checksum"),
                    });
                }
                used.insert(block);
                let entries = &mut self.map.levels[level];
                let start = i * fanout;
                if start >= entries.len() {
                    continue;
                }
                let end = (start + fanout).min(entries.len());
                read_entries(&node, &mut entries[start..end]);
            }
            parents = self.map.levels[level].clone();
        }
        for entry in &self.map.levels[0] {
            if let Some(block) = entry.block_index() {
                if block >= self.total_blocks || !used.insert(block) {
                    return Err(StoreError::Corrupt { heap: heap.to_string(), what: format!("block {block} is missing or shared") });
                }
            }
        }
        Ok(())
    }

    fn read_block(&mut self, block: u64, buf: &mut [u8], heap: &str, what: &str) -> Result<(), StoreError> {
        if block >= self.total_blocks {
            return Err(StoreError::Corrupt { heap: heap.to_string(), what: format!("{what} is missing (file truncated?)") });
        }
        let offset = self.block_offset(block);
        self.file.read_at(offset, buf).map_err(StoreError::from)
    }

    /// A block that no checkpoint needs, growing the file if none is free.
    fn take_free_block(&mut self) -> u64 {
        self.free.pop_first().unwrap_or_else(|| {
            self.total_blocks += 1;
            self.total_blocks - 1
        })
    }

    /// Forgets a block the working state no longer uses.
    fn release(&mut self, block: u64) {
        if self.fresh.remove(&block) {
            self.free.insert(block); // never part of a checkpoint: reusable now
        } else {
            self.released.push(block);
        }
    }

    fn write_page(&mut self, page: usize, bytes: &[u8]) -> Result<(), StoreError> {
        let old = self.map.page(page);
        let block = match old.block_index() {
            Some(b) if self.fresh.contains(&b) => b,
            Some(b) => {
                self.released.push(b);
                self.take_free_block()
            }
            None => self.take_free_block(),
        };
        let offset = self.block_offset(block);
        self.file.write_at(offset, bytes)?;
        self.fresh.insert(block);
        self.map.set_page(page, Entry { block: block + 1, sum: page_checksum(bytes) });
        Ok(())
    }

    /// Writes every changed map node bottom-up; returns the new root entry.
    fn write_map(&mut self) -> Result<(), StoreError> {
        let mut node = vec![0u8; self.page_size];
        let top = self.map.depth() - 1;
        for level in 0..=top {
            let dirty: Vec<usize> = std::mem::take(&mut self.map.dirty[level]).into_iter().collect();
            for i in dirty {
                let old = if level == top { self.map.root } else { self.map.levels[level + 1][i] };
                if let Some(b) = old.block_index() {
                    self.release(b);
                }
                let new = if self.map.node_is_empty(level, i) {
                    Entry::default()
                } else {
                    self.map.node_bytes(level, i, &mut node);
                    let block = self.take_free_block();
                    let offset = self.block_offset(block);
                    self.file.write_at(offset, &node)?;
                    self.fresh.insert(block);
                    Entry { block: block + 1, sum: page_checksum(&node) }
                };
                if level == top {
                    self.map.root = new;
                } else {
                    self.map.levels[level + 1][i] = new;
                    self.map.dirty[level + 1].insert(i / self.map.fanout);
                }
            }
        }
        Ok(())
    }

    fn record_bytes(&self, meta: &HeapMeta) -> Vec<u8> {
        let mut rec = vec![0u8; RECORD_SIZE];
        let put64 = |rec: &mut Vec<u8>, at: usize, v: u64| rec[at..at + 8].copy_from_slice(&v.to_le_bytes());
        let put32 = |rec: &mut Vec<u8>, at: usize, v: u32| rec[at..at + 4].copy_from_slice(&v.to_le_bytes());
        rec[R_MAGIC..R_MAGIC + 8].copy_from_slice(&RECORD_MAGIC);
        put32(&mut rec, R_VERSION, STORE_FORMAT_VERSION);
        put32(&mut rec, R_PAGE_SIZE, meta.page_size);
        put64(&mut rec, R_EPOCH, meta.epoch);
        put64(&mut rec, R_PAGE_COUNT, meta.page_count);
        put64(&mut rec, R_MAX_PAGES, meta.max_pages);
        put64(&mut rec, R_ROOT, meta.root);
        put64(&mut rec, R_BYTES_IN_USE, meta.bytes_in_use);
        put32(&mut rec, R_MAP_DEPTH, u32::try_from(self.map.depth()).expect("map depth is tiny"));
        put32(&mut rec, R_LABEL_LEN, u32::try_from(meta.label.len()).expect("label length was validated"));
        put64(&mut rec, R_MAP_PAGES, self.map.levels[0].len() as u64);
        put64(&mut rec, R_MAP_ROOT, self.map.root.block);
        put64(&mut rec, R_MAP_ROOT + 8, self.map.root.sum);
        rec[R_LABEL..R_LABEL + meta.label.len()].copy_from_slice(meta.label.as_bytes());
        let sum = page_checksum(&rec[..R_CHECKSUM]);
        put64(&mut rec, R_CHECKSUM, sum);
        rec
    }

    fn commit(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        self.compact(heap)?;
        self.write_map()?;
        // Barrier 1: pages and map nodes are durable before any record names them.
        self.file.sync()?;
        let slot = if self.meta.is_some() { 1 - self.current_record } else { 0 };
        let rec = self.record_bytes(meta);
        self.file.write_at((slot * RECORD_SIZE) as u64, &rec)?;
        // Barrier 2: the checkpoint exists once this returns.
        self.file.sync()?;
        self.current_record = slot;
        self.meta = Some(meta.clone());
        self.fresh.clear();
        self.free.extend(self.released.drain(..));
        self.shrink()
    }

    /// When a quarter or more of the file is free, moves up to
    /// `COMPACT_BUDGET` pages (and the map nodes) that lie beyond where the
    /// live data would end into the lowest free blocks, so that `shrink` can
    /// give the tail back. Bounded per commit, so checkpoints stay cheap; the
    /// moves are ordinary copy-on-write writes, as crash-safe as any other.
    fn compact(&mut self, heap: &str) -> Result<(), StoreError> {
        let free = self.free.len() as u64 + self.released.len() as u64;
        if self.total_blocks < 64 || free * 4 < self.total_blocks {
            return Ok(());
        }
        let target = self.total_blocks - free;
        let mut movers: Vec<(usize, u64)> = self.map.levels[0]
            .iter()
            .enumerate()
            .filter_map(|(page, e)| e.block_index().filter(|&b| b >= target).map(|b| (page, b)))
            .collect();
        movers.sort_unstable_by(|a, b| b.1.cmp(&a.1));
        movers.truncate(COMPACT_BUDGET);
        let mut buf = vec![0u8; self.page_size];
        for (page, block) in movers {
            self.read_block(block, &mut buf, heap, &format!("page {page}"))?;
            if page_checksum(&buf) != self.map.page(page).sum {
                return Err(StoreError::Corrupt { heap: heap.to_string(), what: format!("page {page} fails its checksum") });
            }
            // Force a new block even if the old one is fresh.
            if self.fresh.remove(&block) {
                self.free.insert(block);
            } else {
                self.released.push(block);
            }
            self.map.set_page(page, Entry::default());
            self.write_page(page, &buf)?;
        }
        // Map nodes beyond the target are rewritten (into low blocks) by write_map.
        for level in 1..self.map.depth() {
            for (i, e) in self.map.levels[level].iter().enumerate() {
                if e.block_index().is_some_and(|b| b >= target) {
                    self.map.dirty[level - 1].insert(i);
                }
            }
        }
        if self.map.root.block_index().is_some_and(|b| b >= target) {
            let top = self.map.depth() - 1;
            self.map.dirty[top].insert(0);
        }
        Ok(())
    }

    /// Returns free blocks at the end of the file to the file system.
    fn shrink(&mut self) -> Result<(), StoreError> {
        let before = self.total_blocks;
        while self.total_blocks > 0 && self.free.remove(&(self.total_blocks - 1)) {
            self.total_blocks -= 1;
        }
        if self.total_blocks < before {
            let len = self.block_offset(self.total_blocks);
            self.file.set_len(len)?;
        }
        Ok(())
    }
}

impl<D: Dir> Store for FileStore<D> {
    fn list(&mut self) -> Result<Vec<String>, StoreError> {
        let mut heaps = Vec::new();
        for file_name in self.dir.list()? {
            let Some(name) = file_name.strip_suffix(FILE_SUFFIX) else { continue };
            if check_heap_name(name).is_err() {
                continue;
            }
            if self.open.get(name).is_some_and(|h| h.meta.is_some()) {
                heaps.push(name.to_string());
                continue;
            }
            // Only heaps with a committed checkpoint exist for users.
            if let Ok(mut file) = self.dir.open(&file_name, false, false) {
                if matches!(newest_record(&mut file, name), Ok(Some(_)) | Err(StoreError::UpgradeRequired { .. })) {
                    heaps.push(name.to_string());
                }
            }
        }
        Ok(heaps)
    }

    fn create(&mut self, name: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        check_heap_name(name)?;
        meta.validate().map_err(StoreError::Misuse)?;
        if self.open.contains_key(name) {
            return Err(StoreError::AlreadyExists(name.to_string()));
        }
        let mut file = self.open_file(name, true)?;
        if newest_record(&mut file, name)?.is_some() {
            return Err(StoreError::AlreadyExists(name.to_string()));
        }
        // Leftovers of a create that never committed are discarded.
        file.set_len(0)?;
        let page_size = meta.page_size as usize;
        self.open.insert(
            name.to_string(),
            OpenHeap {
                file,
                page_size,
                map: PageMap::new(page_size / ENTRY_SIZE, 1),
                meta: None,
                current_record: 0,
                total_blocks: 0,
                free: BTreeSet::new(),
                released: Vec::new(),
                fresh: HashSet::new(),
                poisoned: false,
            },
        );
        Ok(())
    }

    fn open(&mut self, name: &str) -> Result<HeapMeta, StoreError> {
        check_heap_name(name)?;
        self.open.remove(name); // reopening drops working state and any latched error
        let mut file = self.open_file(name, false)?;
        let Some((slot, rec)) = newest_record(&mut file, name)? else {
            let len = file.len()?;
            return Err(if len >= DATA_START {
                StoreError::Corrupt { heap: name.to_string(), what: "no valid commit record".into() }
            } else {
                StoreError::NotFound(name.to_string())
            });
        };
        let heap = OpenHeap::load(file, name, slot, &rec)?;
        let meta = heap.meta.clone().expect("loaded heaps have a meta");
        self.open.insert(name.to_string(), heap);
        Ok(meta)
    }

    fn read_pages(
        &mut self,
        name: &str,
        pages: &[PageNo],
        found: &mut dyn FnMut(PageNo, Option<&[u8]>),
    ) -> Result<(), StoreError> {
        let heap = self.heap(name)?;
        let mut buf = vec![0u8; heap.page_size];
        for &page in pages {
            let entry = heap.map.page(to_usize(page, name)?);
            let Some(block) = entry.block_index() else {
                found(page, None);
                continue;
            };
            heap.read_block(block, &mut buf, name, &format!("page {page}"))?;
            if page_checksum(&buf) != entry.sum {
                return Err(StoreError::Corrupt { heap: name.to_string(), what: format!("page {page} fails its checksum") });
            }
            found(page, Some(&buf));
        }
        Ok(())
    }

    fn write_pages(&mut self, name: &str, pages: &[(PageNo, &[u8])]) -> Result<(), StoreError> {
        self.mutate(name, |heap| {
            for &(page, bytes) in pages {
                if bytes.len() != heap.page_size {
                    return Err(StoreError::Misuse(format!("page {page} is {} bytes, not one page", bytes.len())));
                }
                heap.write_page(to_usize(page, name)?, bytes)?;
            }
            Ok(())
        })
    }

    fn free_pages(&mut self, name: &str, start: PageNo, count: u64) -> Result<(), StoreError> {
        self.mutate(name, |heap| {
            let map_len = heap.map.levels[0].len() as u64;
            let end = start.saturating_add(count).min(map_len);
            for page in start..end {
                let page = to_usize(page, name)?;
                if let Some(block) = heap.map.page(page).block_index() {
                    heap.release(block);
                    heap.map.set_page(page, Entry::default());
                }
            }
            Ok(())
        })
    }

    fn commit(&mut self, name: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        meta.validate().map_err(StoreError::Misuse)?;
        self.mutate(name, |heap| {
            if let Some(last) = &heap.meta {
                if meta.epoch <= last.epoch || meta.page_size != last.page_size {
                    return Err(StoreError::Misuse(format!("commit of epoch {} after {}", meta.epoch, last.epoch)));
                }
            }
            heap.commit(name, meta)
        })
    }

    fn committed_pages(&mut self, name: &str) -> Result<Vec<PageNo>, StoreError> {
        let heap = self.heap(name)?;
        if !heap.fresh.is_empty() || !heap.released.is_empty() {
            return Err(StoreError::Misuse(format!("heap '{name}' has uncommitted changes")));
        }
        Ok(heap.map.levels[0].iter().enumerate().filter(|(_, e)| e.block != 0).map(|(p, _)| p as u64).collect())
    }

    fn close(&mut self, name: &str) -> Result<(), StoreError> {
        self.open.remove(name);
        Ok(())
    }

    fn delete(&mut self, name: &str) -> Result<(), StoreError> {
        check_heap_name(name)?;
        self.open.remove(name);
        // Holding the lock while removing keeps another process from deleting a heap in use.
        let _lock = self.open_file(name, false)?;
        self.dir.remove(&Self::file_name(name)).map_err(StoreError::from)
    }
}
