//! The allocator. All of its state is in the heap, so a checkpoint captures it
//! and a reopened heap allocates exactly where the old one left off.
//!
//! Page 0 is the heap header (always resident: it is pinned). Above it, the
//! address space is handed out in *runs* of 2^k pages:
//! - a free run of class k is on the class-k free list; the list is a stack of
//!   "chunk" pages, each the first page of one free run, holding the numbers
//!   of other free runs. Only a chunk page keeps its bytes: every other page
//!   of a free run is dropped from the store, so freed memory costs no storage;
//! - a request for class k with an empty list splits a larger free run
//!   (buddy-style, without merging) or takes fresh pages from `next_page`;
//! - small objects (at most a page/8) live in *slabs*: one-page runs carved
//!   into equal slots of one size class. A slab with free slots is on its
//!   class's partial list; a slab that empties is freed as a run.
//!
//! Every run handed out reads as zeros: its pages were dropped from the
//! store when it was freed (or never written), and a chunk page is cleared
//! when its run is reused. So large objects need no clearing.
//!
//! Every object is found from its address alone: the page holding it starts
//! with a slab header or a run header, so `free` needs no size.
//!
//! "Free at exactly one place": a slot is either in use, on its slab's free
//! list, or above the slab's bump index; a run is either in use (slab or large
//! object) or on exactly one class list (as an entry or as a chunk).

use super::{Addr, Fault, Heap};
use crate::store::PageNo;

pub const HEADER_MAGIC: u64 = u64::from_le_bytes(*b"VHEAPHDR");
pub const HEADER_VERSION: u64 = 1;

// Header fields (byte offsets in page 0).
const H_MAGIC: Addr = 0;
const H_VERSION: Addr = 8;
const H_PAGE_SIZE: Addr = 16;
const H_ROOT: Addr = 24;
const H_NEXT_PAGE: Addr = 32;
const H_MAX_PAGES: Addr = 40;
const H_BYTES_IN_USE: Addr = 48;
/// Eight words for the heap's user (the VM keeps its own roots there).
pub const H_USER: Addr = 64;
pub const USER_WORDS: u64 = 8;
const H_RUN_LISTS: Addr = 128;
const RUN_CLASSES: u64 = 48;
const H_SLAB_LISTS: Addr = H_RUN_LISTS + RUN_CLASSES * 16;
const MAX_SIZE_CLASSES: u64 = 64;
/// First byte after the header.
pub const HEADER_END: Addr = H_SLAB_LISTS + MAX_SIZE_CLASSES * 8;

// Slab header (at the start of a slab page).
const SLAB_KIND: u32 = u32::from_le_bytes(*b"SLAB");
const S_KIND: Addr = 0;
const S_CLASS: Addr = 4;
const S_LIVE: Addr = 8;
const S_BUMP: Addr = 12;
const S_FREE: Addr = 16;
const S_PREV: Addr = 24;
const S_NEXT: Addr = 32;
const SLAB_HEADER: Addr = 64;

// Large-object header (at the start of its run).
const RUN_KIND: u32 = u32::from_le_bytes(*b"RUN!");
/// A run handed out by [`Heap::alloc_reservation`]: address space, not
/// counted in the bytes in use.
const RESERVATION_KIND: u32 = u32::from_le_bytes(*b"RSV!");
const L_KIND: Addr = 0;
const L_CLASS: Addr = 4;
const L_SIZE: Addr = 8;
const RUN_HEADER: Addr = 16;

/// Slot sizes for small objects: multiples of 16 up to 128, then four steps
/// per doubling, up to an eighth of a page (so a slab has at least 8 slots
/// less its header) and at most 16 KiB.
pub fn size_classes(page_size: usize) -> Vec<u32> {
    let max = (page_size / 8).min(16 * 1024);
    let mut classes: Vec<u32> = (1..=8).map(|i| i * 16).collect();
    let mut base = 128u32;
    while (base as usize) < max {
        for step in 1..=4 {
            let size = base + base / 4 * step;
            if size as usize <= max {
                classes.push(size);
            }
        }
        base *= 2;
    }
    classes.retain(|&c| c as usize <= max);
    classes
}

/// Writes a fresh header into page 0, which must be resident (e.g. installed
/// as a zero page) and is pinned from now on.
pub fn format(heap: &mut Heap, max_pages: u64) -> Result<(), Fault> {
    heap.pin(0)?;
    heap.write_u64(H_MAGIC, HEADER_MAGIC)?;
    heap.write_u64(H_VERSION, HEADER_VERSION)?;
    heap.write_u64(H_PAGE_SIZE, heap.page_size() as u64)?;
    heap.write_u64(H_NEXT_PAGE, 1)?;
    heap.write_u64(H_MAX_PAGES, max_pages)?;
    Ok(())
}

/// Checks the header of a heap just read from a store, and pins page 0.
pub fn check_header(heap: &mut Heap) -> Result<(), &'static str> {
    let read = |heap: &mut Heap, at| heap.read_u64(at).map_err(|_| "the header page is not resident");
    if read(heap, H_MAGIC)? != HEADER_MAGIC {
        return Err("page 0 is not a vheap header");
    }
    if read(heap, H_VERSION)? != HEADER_VERSION {
        return Err("the heap header has an unknown version");
    }
    if read(heap, H_PAGE_SIZE)? != heap.page_size() as u64 {
        return Err("the heap header disagrees with the store about the page size");
    }
    let next = read(heap, H_NEXT_PAGE)?;
    if next == 0 || next > read(heap, H_MAX_PAGES)? {
        return Err("the heap header's page counts are inconsistent");
    }
    heap.pin(0).map_err(|_| "the header page is not resident")
}

impl Heap {
    // ----- header --------------------------------------------------------

    /// The root address a user stored with [`Heap::set_root`].
    pub fn root(&mut self) -> Result<Addr, Fault> {
        self.read_u64(H_ROOT)
    }

    pub fn set_root(&mut self, root: Addr) -> Result<(), Fault> {
        self.write_u64(H_ROOT, root)
    }

    /// One of the header's user words (`index < USER_WORDS`).
    pub fn user_word(&mut self, index: u64) -> Result<u64, Fault> {
        assert!(index < USER_WORDS, "user word {index} out of range");
        self.read_u64(H_USER + index * 8)
    }

    pub fn set_user_word(&mut self, index: u64, value: u64) -> Result<(), Fault> {
        assert!(index < USER_WORDS, "user word {index} out of range");
        self.write_u64(H_USER + index * 8, value)
    }

    /// Pages of address space handed out so far (the "virtual size" in pages).
    pub fn page_count(&mut self) -> Result<u64, Fault> {
        self.read_u64(H_NEXT_PAGE)
    }

    /// Pages at the top of the address space that only [`Heap::with_reserve`]
    /// may take: a program that runs out of heap must still leave the
    /// collector room for its own bookkeeping (gray lists, the mark bitmap),
    /// or nothing could ever be freed again. A 64th of the maximum size,
    /// between 64 KiB and 16 MiB, never more than a quarter.
    fn reserve_pages(&self, max_pages: u64) -> u64 {
        let page_size = self.page_size() as u64;
        let bytes = (max_pages * page_size / 64).clamp(64 << 10, 16 << 20);
        bytes.div_ceil(page_size).min(max_pages / 4)
    }

    /// Runs `f` with the collector's reserve open to allocations (see
    /// `reserve_pages`).
    pub fn with_reserve<R>(&mut self, f: impl FnOnce(&mut Heap) -> R) -> R {
        let was_open = std::mem::replace(&mut self.reserve_open, true);
        let result = f(self);
        self.reserve_open = was_open;
        result
    }

    pub fn max_pages(&mut self) -> Result<u64, Fault> {
        self.read_u64(H_MAX_PAGES)
    }

    pub fn bytes_in_use(&mut self) -> Result<u64, Fault> {
        self.read_u64(H_BYTES_IN_USE)
    }

    fn add_in_use(&mut self, delta: i64) -> Result<(), Fault> {
        let now = self.read_u64(H_BYTES_IN_USE)?;
        self.write_u64(H_BYTES_IN_USE, now.wrapping_add_signed(delta))
    }

    fn page_addr(&self, page: PageNo) -> Addr {
        page * self.page_size() as u64
    }

    // ----- public allocation API -----------------------------------------

    /// Allocates `size` bytes (8-byte aligned; contents unspecified) and
    /// returns their address. May fault; restartable like any access.
    pub fn alloc(&mut self, size: u64) -> Result<Addr, Fault> {
        let size = size.max(1);
        match self.class_of(size) {
            Some(class) => self.alloc_small(class),
            None => self.alloc_large(size),
        }
    }

    /// Like [`Heap::alloc`], with the bytes cleared. Large objects come from
    /// page runs that already read as zeros, so clearing them costs nothing.
    pub fn alloc_zeroed(&mut self, size: u64) -> Result<Addr, Fault> {
        let addr = self.alloc(size)?;
        if self.class_of(size.max(1)).is_some() {
            self.fill(addr, size as usize, 0)?;
        }
        Ok(addr)
    }

    /// A block of `size` bytes of address space that reads as zeros and is
    /// not counted in the bytes in use, for space a user reserves and may
    /// never touch (a thread's whole stack, a directory for the whole
    /// address space). Its pages cost a frame or a store page only once
    /// written. It still counts against the maximum size. Freed with
    /// [`Heap::free`].
    pub fn alloc_reservation(&mut self, size: u64) -> Result<Addr, Fault> {
        self.alloc_run_object(size.max(1), RESERVATION_KIND)
    }

    /// Frees an object returned by [`Heap::alloc`] or a reservation.
    pub fn free(&mut self, addr: Addr) -> Result<(), Fault> {
        let page = self.page_of(addr);
        if page == 0 {
            return Err(Fault::Invalid("free of an address in the heap header"));
        }
        let base = self.page_addr(page);
        match self.read_u32(base)? {
            SLAB_KIND => self.free_small(base, addr),
            RUN_KIND if addr == base + RUN_HEADER => self.free_large(base, true),
            RESERVATION_KIND if addr == base + RUN_HEADER => self.free_large(base, false),
            _ => Err(Fault::Invalid("free of an address that is not an object")),
        }
    }

    /// The usable size of an allocated object.
    pub fn size_of(&mut self, addr: Addr) -> Result<u64, Fault> {
        let base = self.page_addr(self.page_of(addr));
        match self.read_u32(base)? {
            SLAB_KIND => {
                let class = self.read_u32(base + S_CLASS)?;
                self.classes.get(class as usize).map(|&s| u64::from(s)).ok_or(Fault::Invalid("slab has a bad class"))
            }
            RUN_KIND | RESERVATION_KIND => self.read_u64(base + L_SIZE),
            _ => Err(Fault::Invalid("size_of an address that is not an object")),
        }
    }

    fn class_of(&self, size: u64) -> Option<usize> {
        let i = self.classes.partition_point(|&c| u64::from(c) < size);
        (i < self.classes.len()).then_some(i)
    }

    // ----- small objects -------------------------------------------------

    fn slab_list(class: usize) -> Addr {
        H_SLAB_LISTS + class as u64 * 8
    }

    fn alloc_small(&mut self, class: usize) -> Result<Addr, Fault> {
        let size = u64::from(self.classes[class]);
        let mut slab = self.read_u64(Self::slab_list(class))?;
        if slab == 0 {
            slab = self.new_slab(class)?;
        }
        let free = self.read_u64(slab + S_FREE)?;
        let slot = if free != 0 {
            let next = self.read_u64(free)?;
            self.write_u64(slab + S_FREE, next)?;
            free
        } else {
            let bump = self.read_u32(slab + S_BUMP)?;
            self.write_u32(slab + S_BUMP, bump + 1)?;
            slab + SLAB_HEADER + u64::from(bump) * size
        };
        let live = self.read_u32(slab + S_LIVE)? + 1;
        self.write_u32(slab + S_LIVE, live)?;
        if u64::from(live) == self.slab_capacity(size) {
            self.unlink_slab(class, slab)?;
        }
        self.add_in_use(size as i64)?;
        Ok(slot)
    }

    fn slab_capacity(&self, size: u64) -> u64 {
        (self.page_size() as u64 - SLAB_HEADER) / size
    }

    fn new_slab(&mut self, class: usize) -> Result<Addr, Fault> {
        let page = self.alloc_run(0)?;
        let slab = self.page_addr(page);
        self.write_u32(slab + S_KIND, SLAB_KIND)?;
        self.write_u32(slab + S_CLASS, class as u32)?;
        self.write_u32(slab + S_LIVE, 0)?;
        self.write_u32(slab + S_BUMP, 0)?;
        self.write_u64(slab + S_FREE, 0)?;
        self.link_slab(class, slab)?;
        Ok(slab)
    }

    fn link_slab(&mut self, class: usize, slab: Addr) -> Result<(), Fault> {
        let head = self.read_u64(Self::slab_list(class))?;
        self.write_u64(slab + S_PREV, 0)?;
        self.write_u64(slab + S_NEXT, head)?;
        if head != 0 {
            self.write_u64(head + S_PREV, slab)?;
        }
        self.write_u64(Self::slab_list(class), slab)
    }

    fn unlink_slab(&mut self, class: usize, slab: Addr) -> Result<(), Fault> {
        let prev = self.read_u64(slab + S_PREV)?;
        let next = self.read_u64(slab + S_NEXT)?;
        if next != 0 {
            self.write_u64(next + S_PREV, prev)?;
        }
        if prev != 0 {
            self.write_u64(prev + S_NEXT, next)?;
        } else {
            self.write_u64(Self::slab_list(class), next)?;
        }
        self.write_u64(slab + S_PREV, 0)?;
        self.write_u64(slab + S_NEXT, 0)
    }

    fn free_small(&mut self, slab: Addr, addr: Addr) -> Result<(), Fault> {
        let class = self.read_u32(slab + S_CLASS)? as usize;
        let size = u64::from(*self.classes.get(class).ok_or(Fault::Invalid("slab has a bad class"))?);
        let index = (addr - slab).checked_sub(SLAB_HEADER).ok_or(Fault::Invalid("free of a slab header"))?;
        let bump = u64::from(self.read_u32(slab + S_BUMP)?);
        if index % size != 0 || index / size >= bump {
            return Err(Fault::Invalid("free of an address that is not an allocated slot"));
        }
        let live = self.read_u32(slab + S_LIVE)?;
        if live == 0 {
            return Err(Fault::Invalid("free in an empty slab"));
        }
        let was_full = u64::from(live) == self.slab_capacity(size);
        self.write_u32(slab + S_LIVE, live - 1)?;
        self.add_in_use(-(size as i64))?;
        if live == 1 {
            // The slab is empty: give its page back (and its slots with it).
            if !was_full {
                self.unlink_slab(class, slab)?;
            }
            return self.free_run(self.page_of(slab), 0);
        }
        let free = self.read_u64(slab + S_FREE)?;
        self.write_u64(addr, free)?;
        self.write_u64(slab + S_FREE, addr)?;
        if was_full {
            self.link_slab(class, slab)?;
        }
        Ok(())
    }

    // ----- large objects -------------------------------------------------

    fn alloc_large(&mut self, size: u64) -> Result<Addr, Fault> {
        self.alloc_run_object(size, RUN_KIND)
    }

    /// An object in a run of its own (a large object, or a reservation:
    /// `kind`); only large objects count in the bytes in use.
    fn alloc_run_object(&mut self, size: u64, kind: u32) -> Result<Addr, Fault> {
        let page_size = self.page_size() as u64;
        let pages = size.checked_add(RUN_HEADER).ok_or(Fault::OutOfMemory)?.div_ceil(page_size);
        let class = pages.next_power_of_two().trailing_zeros() as u64;
        if class >= RUN_CLASSES {
            return Err(Fault::OutOfMemory);
        }
        let page = self.alloc_run(class)?;
        let base = self.page_addr(page);
        self.write_u32(base + L_KIND, kind)?;
        self.write_u32(base + L_CLASS, class as u32)?;
        self.write_u64(base + L_SIZE, size)?;
        if kind == RUN_KIND {
            self.add_in_use((size + RUN_HEADER) as i64)?;
        }
        Ok(base + RUN_HEADER)
    }

    fn free_large(&mut self, base: Addr, counted: bool) -> Result<(), Fault> {
        let class = u64::from(self.read_u32(base + L_CLASS)?);
        let size = self.read_u64(base + L_SIZE)?;
        if class >= RUN_CLASSES {
            return Err(Fault::Invalid("large object has a bad class"));
        }
        // Clear the kind so a second free of the same address is caught.
        self.write_u32(base + L_KIND, 0)?;
        if counted {
            self.add_in_use(-((size + RUN_HEADER) as i64))?;
        }
        self.free_run(self.page_of(base), class)
    }

    // ----- runs of 2^k pages ---------------------------------------------

    fn run_list(class: u64) -> (Addr, Addr) {
        let at = H_RUN_LISTS + class * 16;
        (at, at + 8) // (head chunk page, entries in the head chunk)
    }

    fn chunk_capacity(&self) -> u64 {
        self.page_size() as u64 / 8 - 1
    }

    /// A run of 2^class pages: from its free list, split from a larger one, or new.
    fn alloc_run(&mut self, class: u64) -> Result<PageNo, Fault> {
        if let Some(page) = self.pop_run(class)? {
            return Ok(page);
        }
        for larger in class + 1..RUN_CLASSES {
            if let Some(page) = self.pop_run(larger)? {
                // Keep the lower part; give the upper halves back, largest first.
                for k in (class..larger).rev() {
                    self.push_run(page + (1 << k), k)?;
                }
                return Ok(page);
            }
        }
        let next = self.read_u64(H_NEXT_PAGE)?;
        let end = next.checked_add(1 << class).ok_or(Fault::OutOfMemory)?;
        let max_pages = self.read_u64(H_MAX_PAGES)?;
        let limit = if self.reserve_open { max_pages } else { max_pages - self.reserve_pages(max_pages) };
        if end > limit {
            return Err(Fault::OutOfMemory);
        }
        self.write_u64(H_NEXT_PAGE, end)?;
        Ok(next)
    }

    fn free_run(&mut self, page: PageNo, class: u64) -> Result<(), Fault> {
        self.push_run(page, class)
    }

    fn pop_run(&mut self, class: u64) -> Result<Option<PageNo>, Fault> {
        let (head_at, count_at) = Self::run_list(class);
        let head = self.read_u64(head_at)?;
        if head == 0 {
            return Ok(None);
        }
        let count = self.read_u64(count_at)?;
        let chunk = self.page_addr(head);
        let page = if count > 0 {
            let page = self.read_u64(chunk + 8 * count)?;
            self.write_u64(count_at, count - 1)?;
            page
        } else {
            // The chunk is empty: the chunk page's own run is the one handed out.
            let next = self.read_u64(chunk)?;
            self.write_u64(head_at, next)?;
            self.write_u64(count_at, if next == 0 { 0 } else { self.chunk_capacity() })?;
            // It held the list: clear it, so every run handed out reads as zeros.
            self.fill(chunk, self.page_size(), 0)?;
            head
        };
        // Pages freed earlier in this same instruction still hold their bytes.
        for (start, count) in self.unqueue_free(page, 1 << class) {
            self.fill(self.page_addr(start), (count as usize) * self.page_size(), 0)?;
        }
        Ok(Some(page))
    }

    fn push_run(&mut self, page: PageNo, class: u64) -> Result<(), Fault> {
        let (head_at, count_at) = Self::run_list(class);
        let head = self.read_u64(head_at)?;
        let count = self.read_u64(count_at)?;
        if head != 0 && count < self.chunk_capacity() {
            self.write_u64(self.page_addr(head) + 8 * (count + 1), page)?;
            self.write_u64(count_at, count + 1)?;
            self.queue_free(page, 1 << class);
        } else {
            // The run's first page becomes the new head chunk; the rest is dropped.
            self.write_u64(self.page_addr(page), head)?;
            self.write_u64(head_at, page)?;
            self.write_u64(count_at, 0)?;
            self.queue_free(page + 1, (1 << class) - 1);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh_heap(page_size: usize, frames: usize) -> Heap {
        let mut heap = Heap::new(page_size, frames);
        assert!(heap.install(0, None, false));
        format(&mut heap, 1 << 20).unwrap();
        heap.commit_step();
        heap
    }

    /// Runs `op`, installing zero pages for every fault (a heap with no store).
    fn run<T>(heap: &mut Heap, mut op: impl FnMut(&mut Heap) -> Result<T, Fault>) -> T {
        loop {
            match op(heap) {
                Ok(v) => {
                    heap.commit_step();
                    return v;
                }
                Err(Fault::Page(_)) => {
                    heap.roll_back_step();
                    for page in heap.take_wanted() {
                        assert!(heap.install(page, None, true), "test heap ran out of frames");
                    }
                }
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn reservations_take_address_space_not_bytes_in_use() {
        let mut heap = fresh_heap(4096, 64);
        let in_use = run(&mut heap, |h| h.bytes_in_use());
        let pages = run(&mut heap, |h| h.page_count());
        let r = run(&mut heap, |h| h.alloc_reservation(1 << 20));
        assert_eq!(run(&mut heap, |h| h.bytes_in_use()), in_use);
        assert!(run(&mut heap, |h| h.page_count()) >= pages + 256, "a 1 MiB reservation takes 256 pages of address space");
        assert_eq!(run(&mut heap, |h| h.size_of(r)), 1 << 20);
        assert_eq!(run(&mut heap, |h| h.read_u64(r + 4096)), 0, "a reservation reads as zeros");
        run(&mut heap, |h| h.free(r));
        assert_eq!(run(&mut heap, |h| h.bytes_in_use()), in_use);
        assert_eq!(heap.free(r), Err(Fault::Invalid("free of an address that is not an object")));
        // The freed run is reused by the next object of its class.
        let big = run(&mut heap, |h| h.alloc((1 << 20) - 64));
        assert_eq!(big, r);
    }

    #[test]
    fn classes_are_sorted_and_bounded() {
        for shift in 12..=20 {
            let classes = size_classes(1 << shift);
            assert!(classes.windows(2).all(|w| w[0] < w[1]));
            assert!(classes.len() as u64 <= MAX_SIZE_CLASSES);
            assert!(*classes.last().unwrap() as usize <= (1 << shift) / 8);
        }
    }

    #[test]
    fn small_and_large_objects_round_trip() {
        let mut heap = fresh_heap(4096, 64);
        let mut objects = Vec::new();
        for size in [1u64, 8, 16, 17, 100, 500, 512, 513, 4000, 5000, 70_000] {
            let addr = run(&mut heap, |h| h.alloc(size));
            assert_eq!(addr % 8, 0);
            assert!(run(&mut heap, |h| h.size_of(addr)) >= size);
            let fill = vec![size as u8; size as usize];
            run(&mut heap, |h| h.write_bytes(addr, &fill));
            objects.push((addr, fill));
        }
        for (addr, fill) in &objects {
            let mut out = vec![0; fill.len()];
            run(&mut heap, |h| h.read_bytes(*addr, &mut out));
            assert_eq!(&out, fill);
        }
        for (addr, _) in &objects {
            run(&mut heap, |h| h.free(*addr));
        }
        assert_eq!(run(&mut heap, |h| h.bytes_in_use()), 0);
    }

    #[test]
    fn freed_slots_and_runs_are_reused() {
        let mut heap = fresh_heap(4096, 64);
        let a = run(&mut heap, |h| h.alloc(40));
        let keep = run(&mut heap, |h| h.alloc(40));
        run(&mut heap, |h| h.free(a));
        assert_eq!(run(&mut heap, |h| h.alloc(40)), a);
        let big = run(&mut heap, |h| h.alloc(20_000));
        let pages_before = run(&mut heap, |h| h.page_count());
        run(&mut heap, |h| h.free(big));
        assert_eq!(run(&mut heap, |h| h.alloc(20_000)), big);
        assert_eq!(run(&mut heap, |h| h.page_count()), pages_before);
        run(&mut heap, |h| h.free(keep));
    }

    #[test]
    fn double_and_wild_frees_are_errors_not_panics() {
        let mut heap = fresh_heap(4096, 64);
        let big = run(&mut heap, |h| h.alloc(10_000));
        run(&mut heap, |h| h.free(big));
        let again = heap.free(big);
        assert!(matches!(again, Err(Fault::Invalid(_)) | Err(Fault::Page(_))), "{again:?}");
        heap.roll_back_step();
        assert!(matches!(heap.free(8), Err(Fault::Invalid(_))));
        heap.roll_back_step();
    }

    #[test]
    fn out_of_memory_is_reported() {
        let mut heap = Heap::new(4096, 16);
        heap.install(0, None, false);
        format(&mut heap, 8).unwrap();
        heap.commit_step();
        assert_eq!(heap.alloc(1 << 20), Err(Fault::OutOfMemory));
        heap.roll_back_step();
    }

    #[test]
    fn a_fault_mid_allocation_leaves_no_trace() {
        let mut heap = fresh_heap(4096, 64);
        let before = run(&mut heap, |h| h.page_count());
        // The new slab's page is not resident, so this faults after writing the header.
        let result = heap.alloc(24);
        assert!(matches!(result, Err(Fault::Page(_))));
        heap.roll_back_step();
        heap.take_wanted();
        assert_eq!(run(&mut heap, |h| h.page_count()), before);
        assert_eq!(run(&mut heap, |h| h.bytes_in_use()), 0);
    }
}
