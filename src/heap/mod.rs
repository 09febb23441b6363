//! The virtual heap: one address space cut into pages, of which only a fixed
//! number are in memory at a time.
//!
//! Layers, bottom up:
//! - [`frames`]: the physical heap (frame pool, page table, CLOCK);
//! - [`Heap`] (this file): byte and word accesses by virtual address that either
//!   succeed on a resident page or return [`Fault::Page`]; the undo log that
//!   lets a faulting instruction run again with no visible effect;
//! - [`alloc`]: the allocator, whose metadata lives in the heap itself;
//! - [`driver`]: [`PagedHeap`], which resolves faults synchronously against a
//!   [`crate::store::Store`] and takes checkpoints.
//!
//! The step protocol: an *instruction* (one VM instruction, one allocator call,
//! one test operation) runs against the heap; if it returns `Err(Fault::Page)`
//! the driver calls [`Heap::roll_back_step`], brings the wanted pages in and
//! runs it again; if it succeeds the driver calls [`Heap::commit_step`]. Pages
//! brought in for an instruction are held until it commits, so an instruction
//! that needs k pages completes after at most k faults.
//!
//! An asynchronous driver uses the same primitives: [`Heap::take_wanted`],
//! [`Heap::choose_victims`] + [`Heap::page_bytes`] + [`Heap::written_back`],
//! [`Heap::install`] and [`Heap::take_pending_frees`].

pub mod alloc;
pub mod clock;
pub mod driver;
mod frames;
mod stats;
mod undo;

pub use driver::{parse_size, HeapConfig, HeapError, PagedHeap};
pub use frames::Victims;
pub use stats::Stats;

use crate::store::PageNo;
use frames::Frames;
use undo::UndoLog;

/// A virtual address: page number in the high bits, offset in the low ones.
pub type Addr = u64;

/// Why an access did not complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The page is not resident; it (and any others needed) is in
    /// [`Heap::take_wanted`]. Roll back and retry once it is in.
    Page(PageNo),
    /// The heap's maximum size would be exceeded.
    OutOfMemory,
    /// The access makes no sense (bad address, bad free); names the problem.
    Invalid(&'static str),
}

/// Counters kept by the heap itself; the driver adds the store-side ones.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counters {
    pub faults: u64,
    pub pages_read: u64,
    pub pages_written: u64,
    pub evictions: u64,
    pub writeback_batches: u64,
}

pub struct Heap {
    frames: Frames,
    offset_mask: u64,
    undo: UndoLog,
    /// Whether writes are logged (they must be whenever a fault may follow).
    logging: bool,
    /// Pages the current instruction found missing.
    wanted: Vec<PageNo>,
    /// Page ranges freed by the current instruction; dropped when it commits.
    step_frees: Vec<(PageNo, u64)>,
    /// Page ranges freed by committed instructions, not yet told to the store.
    pending_frees: Vec<(PageNo, u64)>,
    /// Allocator size classes, derived from the page size.
    classes: Vec<u32>,
    /// Whether allocations may use the last pages kept back for the
    /// collector (see [`Heap::with_reserve`]).
    reserve_open: bool,
    pub(crate) counters: Counters,
}

impl Heap {
    /// A heap with `frame_count` frames of `page_size` bytes and nothing resident.
    /// Use [`alloc::format`] or [`PagedHeap`] to give it a header.
    pub fn new(page_size: usize, frame_count: usize) -> Self {
        Heap {
            frames: Frames::new(page_size, frame_count),
            offset_mask: page_size as u64 - 1,
            undo: UndoLog::default(),
            logging: true,
            wanted: Vec::new(),
            step_frees: Vec::new(),
            pending_frees: Vec::new(),
            classes: alloc::size_classes(page_size),
            reserve_open: false,
            counters: Counters::default(),
        }
    }

    pub fn page_size(&self) -> usize {
        self.frames.page_size
    }

    pub fn page_of(&self, addr: Addr) -> PageNo {
        addr >> self.frames.page_shift
    }

    pub fn frame_count(&self) -> usize {
        self.frames.frame_count()
    }

    // ----- accesses -------------------------------------------------------

    /// The frame-buffer offset of `addr`, for an access of `N` bytes that must
    /// not cross a page. This is the hot path: one TLB probe and a compare.
    #[inline(always)]
    fn offset<const N: usize>(&mut self, addr: Addr, write: bool) -> Result<usize, Fault> {
        match self.tlb_hit::<N>(addr, write) {
            Some(at) => Ok(at),
            None => self.offset_slow(addr, N, write),
        }
    }

    /// The `N` bytes at a frame offset from [`Heap::offset`].
    #[inline(always)]
    fn bytes_at<const N: usize>(&self, at: usize) -> [u8; N] {
        debug_assert!(at + N <= self.frames.bytes.len());
        // SAFETY: `at` comes from `offset::<N>`, which returns `base + in_page`
        // where `base` is the start of a frame (so `base + page_size <=
        // bytes.len()`, established in `Frames::new`) and `in_page <=
        // page_size - N`; hence `at + N <= bytes.len()`.
        unsafe { *(self.frames.bytes.as_ptr().add(at) as *const [u8; N]) }
    }

    #[cold]
    #[inline(never)]
    fn offset_slow(&mut self, addr: Addr, len: usize, write: bool) -> Result<usize, Fault> {
        let page = addr >> self.frames.page_shift;
        let in_page = (addr & self.offset_mask) as usize;
        if in_page + len > self.frames.page_size {
            return Err(Fault::Invalid("access crosses a page boundary"));
        }
        let found = if write { self.frames.lookup_for_write(page) } else { self.frames.lookup_for_read(page) };
        match found {
            Some(base) => Ok(base + in_page),
            None => Err(self.miss(page)),
        }
    }

    fn miss(&mut self, page: PageNo) -> Fault {
        if !self.wanted.contains(&page) {
            self.wanted.push(page);
        }
        self.counters.faults += 1;
        Fault::Page(page)
    }

    #[inline]
    pub fn read_u64(&mut self, addr: Addr) -> Result<u64, Fault> {
        let at = self.offset::<8>(addr, false)?;
        Ok(u64::from_le_bytes(self.bytes_at::<8>(at)))
    }

    #[inline]
    pub fn read_u32(&mut self, addr: Addr) -> Result<u32, Fault> {
        let at = self.offset::<4>(addr, false)?;
        Ok(u32::from_le_bytes(self.bytes_at::<4>(at)))
    }

    #[inline]
    pub fn read_u8(&mut self, addr: Addr) -> Result<u8, Fault> {
        let at = self.offset::<1>(addr, false)?;
        Ok(self.bytes_at::<1>(at)[0])
    }

    #[inline]
    pub fn write_u64(&mut self, addr: Addr, value: u64) -> Result<(), Fault> {
        let at = self.offset::<8>(addr, true)?;
        self.store_array(at, value.to_le_bytes());
        Ok(())
    }

    #[inline]
    pub fn write_u32(&mut self, addr: Addr, value: u32) -> Result<(), Fault> {
        let at = self.offset::<4>(addr, true)?;
        self.store_array(at, value.to_le_bytes());
        Ok(())
    }

    #[inline]
    pub fn write_u8(&mut self, addr: Addr, value: u8) -> Result<(), Fault> {
        let at = self.offset::<1>(addr, true)?;
        self.store_array(at, [value]);
        Ok(())
    }

    /// The two words at `addr` and `addr + 8` (a Lua value), with one TLB
    /// probe when both are on one resident page, as nearly always. Any other
    /// case (not resident, or the pair straddles a page) is two plain reads.
    #[inline(always)]
    pub fn read_u64_pair(&mut self, addr: Addr) -> Result<(u64, u64), Fault> {
        match self.tlb_hit::<16>(addr, false) {
            Some(at) => {
                let b = self.bytes_at::<16>(at);
                let (lo, hi) = b.split_at(8);
                Ok((u64::from_le_bytes(lo.try_into().expect("8 bytes")), u64::from_le_bytes(hi.try_into().expect("8 bytes"))))
            }
            None => Ok((self.read_u64(addr)?, self.read_u64(addr + 8)?)),
        }
    }

    /// Writes two words at `addr` and `addr + 8` (a Lua value), with one TLB
    /// probe when both are on one page whose write entry is in the TLB.
    #[inline(always)]
    pub fn write_u64_pair(&mut self, addr: Addr, lo: u64, hi: u64) -> Result<(), Fault> {
        match self.tlb_hit::<16>(addr, true) {
            Some(at) => {
                self.store_array(at, lo.to_le_bytes());
                self.store_array(at + 8, hi.to_le_bytes());
                Ok(())
            }
            None => {
                self.write_u64(addr, lo)?;
                self.write_u64(addr + 8, hi)
            }
        }
    }

    /// The TLB part of [`Heap::offset`]: the frame offset on a hit, else
    /// `None` (the caller takes a slower way).
    #[inline(always)]
    fn tlb_hit<const N: usize>(&self, addr: Addr, write: bool) -> Option<usize> {
        let page = addr >> self.frames.page_shift;
        let in_page = (addr & self.offset_mask) as usize;
        let tlb = if write { &self.frames.write_tlb } else { &self.frames.read_tlb };
        let entry = tlb[self.frames.tlb_slot(page)];
        (entry.page == page && in_page <= self.frames.page_size - N).then_some(entry.base + in_page)
    }

    /// Writes `N` bytes at a frame offset from [`Heap::offset`], logging the
    /// old ones first.
    #[inline(always)]
    fn store_array<const N: usize>(&mut self, at: usize, bytes: [u8; N]) {
        if self.logging {
            let old = self.bytes_at::<N>(at);
            self.undo.record(at, &old);
        }
        // SAFETY: as in `bytes_at`: `at + N <= bytes.len()`.
        unsafe { *(self.frames.bytes.as_mut_ptr().add(at) as *mut [u8; N]) = bytes }
    }

    /// Faults (naming every missing page) unless all of `addr..addr + len` is resident.
    fn require_span(&mut self, addr: Addr, len: usize) -> Result<(), Fault> {
        if len == 0 {
            return Ok(());
        }
        let end = addr.checked_add(len as u64 - 1).ok_or(Fault::Invalid("span wraps the address space"))?;
        let mut first_missing = None;
        for page in self.page_of(addr)..=self.page_of(end) {
            if self.frames.frame_of(page).is_none() {
                let fault = self.miss(page);
                first_missing.get_or_insert(fault);
            }
        }
        first_missing.map_or(Ok(()), Err)
    }

    /// Walks `addr..addr + len` page by page, giving each piece's frame offset.
    fn for_each_piece(&mut self, addr: Addr, len: usize, write: bool, mut f: impl FnMut(&mut Self, usize, usize, usize)) {
        let mut done = 0;
        while done < len {
            let a = addr + done as u64;
            let in_page = (a & self.offset_mask) as usize;
            let n = (self.frames.page_size - in_page).min(len - done);
            let page = self.page_of(a);
            let base = if write { self.frames.lookup_for_write(page) } else { self.frames.lookup_for_read(page) };
            let base = base.expect("require_span made every page resident");
            f(self, base + in_page, done, n);
            done += n;
        }
    }

    /// Copies heap bytes into `out`; the span may cross pages.
    pub fn read_bytes(&mut self, addr: Addr, out: &mut [u8]) -> Result<(), Fault> {
        self.require_span(addr, out.len())?;
        self.for_each_piece(addr, out.len(), false, |heap, at, done, n| {
            out[done..done + n].copy_from_slice(&heap.frames.bytes[at..at + n]);
        });
        Ok(())
    }

    /// Copies `data` into the heap; the span may cross pages.
    pub fn write_bytes(&mut self, addr: Addr, data: &[u8]) -> Result<(), Fault> {
        self.require_span(addr, data.len())?;
        self.for_each_piece(addr, data.len(), true, |heap, at, done, n| {
            let dst = &mut heap.frames.bytes[at..at + n];
            if heap.logging {
                heap.undo.record_span(at, dst);
            }
            dst.copy_from_slice(&data[done..done + n]);
        });
        Ok(())
    }

    /// Sets `len` bytes at `addr` to `byte`.
    pub fn fill(&mut self, addr: Addr, len: usize, byte: u8) -> Result<(), Fault> {
        self.require_span(addr, len)?;
        self.for_each_piece(addr, len, true, |heap, at, _, n| {
            let dst = &mut heap.frames.bytes[at..at + n];
            if heap.logging {
                heap.undo.record_span(at, dst);
            }
            dst.fill(byte);
        });
        Ok(())
    }

    // ----- the step protocol ---------------------------------------------

    /// Ends an instruction that completed: its writes stand, its held pages
    /// become evictable, the pages it freed leave memory.
    #[inline]
    pub fn commit_step(&mut self) {
        self.undo.clear();
        if self.frames.has_held() || !self.wanted.is_empty() || !self.step_frees.is_empty() {
            self.finish_step();
        }
    }

    #[cold]
    fn finish_step(&mut self) {
        self.frames.release_held();
        self.wanted.clear();
        for (start, count) in std::mem::take(&mut self.step_frees) {
            for page in start..start + count {
                self.frames.discard(page);
            }
            self.pending_frees.push((start, count));
        }
    }

    /// Undoes everything the current instruction wrote. The pages it wanted
    /// stay listed for the driver; pages already brought in stay held.
    pub fn roll_back_step(&mut self) {
        self.undo.roll_back(&mut self.frames.bytes);
        self.step_frees.clear();
    }

    /// Turns undo logging off or on. Off is only safe for code that cannot
    /// fault between two commit points (e.g. benchmarks of resident pages).
    pub fn set_logging(&mut self, on: bool) {
        assert!(self.undo.is_empty(), "logging may only change at an instruction boundary");
        self.logging = on;
    }

    /// Entries in the undo log now (for measuring its cost).
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Whether the current instruction freed pages. A batch of instructions
    /// run as one step ends here: a run freed and reused within one step must
    /// be zeroed in memory, and over a long batch that could exceed the frames.
    pub fn freed_in_step(&self) -> bool {
        !self.step_frees.is_empty()
    }

    pub fn at_boundary(&self) -> bool {
        self.undo.is_empty() && self.step_frees.is_empty()
    }

    // ----- primitives for drivers ----------------------------------------

    /// The pages the last faulting instruction needs, emptied.
    pub fn take_wanted(&mut self) -> Vec<PageNo> {
        std::mem::take(&mut self.wanted)
    }

    /// Freed page ranges the store has not been told of, emptied. A driver
    /// must pass them to [`crate::store::Store::free_pages`] before it next
    /// reads or writes pages, so that a reused page never reads stale bytes.
    pub fn take_pending_frees(&mut self) -> Vec<(PageNo, u64)> {
        std::mem::take(&mut self.pending_frees)
    }

    pub fn is_resident(&self, page: PageNo) -> bool {
        self.frames.frame_of(page).is_some()
    }

    pub fn free_frames(&self) -> usize {
        self.frames.free_count()
    }

    /// Sweeps the CLOCK to free `want` frames: clean victims are evicted at
    /// once; up to `batch` dirty victims are returned to be written back.
    pub fn choose_victims(&mut self, want: usize, batch: usize) -> Victims {
        let victims = self.frames.choose_victims(want, batch);
        self.counters.evictions += victims.evicted as u64;
        victims
    }

    /// The bytes of a resident page (to write it back).
    pub fn page_bytes(&self, page: PageNo) -> Option<&[u8]> {
        self.frames.page_bytes(page)
    }

    /// Records that `pages` reached the store; with `evict`, frees their frames.
    pub fn written_back(&mut self, pages: &[PageNo], evict: bool) {
        for &page in pages {
            self.frames.mark_clean(page);
            if evict {
                self.frames.discard(page);
                self.counters.evictions += 1;
            }
        }
        self.counters.pages_written += pages.len() as u64;
        self.counters.writeback_batches += 1;
    }

    /// Puts a page that arrived from the store into a free frame (`None` means
    /// a zero page). Pages the current instruction wanted are held until it
    /// commits. Returns `false` if no frame is free.
    pub fn install(&mut self, page: PageNo, bytes: Option<&[u8]>, hold: bool) -> bool {
        if self.frames.frame_of(page).is_some() {
            return true;
        }
        let ok = self.frames.install(page, bytes, hold);
        if ok {
            self.counters.pages_read += 1;
        }
        ok
    }

    /// Every dirty resident page, ascending (what a checkpoint must write).
    pub fn dirty_pages(&self) -> Vec<PageNo> {
        self.frames.dirty_pages()
    }

    /// Keeps a resident page in memory until [`Heap::unpin`].
    pub fn pin(&mut self, page: PageNo) -> Result<(), Fault> {
        if self.frames.pin(page) {
            Ok(())
        } else {
            Err(self.miss(page))
        }
    }

    pub fn unpin(&mut self, page: PageNo) {
        self.frames.unpin(page);
    }

    /// Frames neither pinned nor held, i.e. what eviction may use.
    pub fn evictable_frames(&self) -> usize {
        self.frames.frame_count() - self.frames.unevictable_count()
    }

    /// Every resident page and whether it is dirty.
    pub fn resident_pages(&self) -> Vec<(PageNo, bool)> {
        self.frames.resident_pages().collect()
    }

    pub fn resident_count(&self) -> usize {
        self.frames.resident_count()
    }

    pub fn dirty_count(&self) -> usize {
        self.frames.dirty_count()
    }

    pub(crate) fn queue_free(&mut self, start: PageNo, count: u64) {
        if count > 0 {
            self.step_frees.push((start, count));
        }
    }

    /// Takes pages back out of this instruction's frees (they were reused);
    /// returns the ranges taken back, which still hold their old bytes.
    pub(crate) fn unqueue_free(&mut self, start: PageNo, count: u64) -> Vec<(PageNo, u64)> {
        let end = start + count;
        let mut kept = Vec::with_capacity(self.step_frees.len());
        let mut taken = Vec::new();
        for &(s, n) in &self.step_frees {
            let e = s + n;
            if e <= start || s >= end {
                kept.push((s, n));
                continue;
            }
            let (os, oe) = (s.max(start), e.min(end));
            taken.push((os, oe - os));
            if s < start {
                kept.push((s, start - s));
            }
            if e > end {
                kept.push((end, e - end));
            }
        }
        self.step_frees = kept;
        taken
    }
}
