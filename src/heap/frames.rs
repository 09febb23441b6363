//! The physical heap: a fixed pool of page frames and the page table.
//!
//! Invariants:
//! - The frame buffer is allocated once, at `frames × page_size` bytes, and
//!   never grows: this is the memory budget.
//! - A page is resident in at most one frame; `table` and `FrameInfo::page`
//!   always agree.
//! - The two small TLBs cache `page → frame offset` for the fast access paths.
//!   The read TLB may hold any resident page; the write TLB only pages already
//!   marked dirty, so a write that hits it needs no bookkeeping. Evicting a
//!   page clears it from both; cleaning a page clears it from the write TLB.
//! - A frame is evictable only when it is not pinned and not held. Frames are
//!   chosen by CLOCK over the referenced bit, which is set when a page enters a
//!   TLB (a cheap approximation of "used recently").
//! - Nothing here reads or writes the store: the caller moves bytes in and out.

use crate::store::PageNo;

/// The fewest entries in each TLB. A TLB gets at least as many entries as
/// there are frames (rounded up to a power of two), so that a working set that
/// fits in the physical heap also fits in the TLB: with too small a TLB,
/// random accesses over a resident heap were 6x slower (docs/numbers.md).
const MIN_TLB_ENTRIES: usize = 256;
const NO_PAGE: PageNo = PageNo::MAX;
const LEAF_BITS: u32 = 10;
const NOT_RESIDENT: u32 = u32::MAX;

#[derive(Clone, Copy)]
pub(crate) struct TlbEntry {
    pub page: PageNo,
    pub base: usize,
}

const EMPTY_TLB: TlbEntry = TlbEntry { page: NO_PAGE, base: 0 };

#[derive(Clone, Copy)]
struct FrameInfo {
    page: PageNo,
    referenced: bool,
    dirty: bool,
    /// Pins by callers that need the page to stay put across instructions.
    pins: u32,
    /// Loaded for the instruction now being retried; released at its end.
    held: bool,
}

const FREE_FRAME: FrameInfo = FrameInfo { page: NO_PAGE, referenced: false, dirty: false, pins: 0, held: false };

/// Two-level page table: a directory of 1024-entry leaves, allocated only
/// where pages have been resident, so a huge sparse address space costs little.
#[derive(Default)]
struct PageTable {
    leaves: Vec<Option<Box<[u32]>>>,
}

impl PageTable {
    fn get(&self, page: PageNo) -> Option<u32> {
        let dir = usize::try_from(page >> LEAF_BITS).ok()?;
        let leaf = self.leaves.get(dir)?.as_ref()?;
        let frame = leaf[(page & ((1 << LEAF_BITS) - 1)) as usize];
        (frame != NOT_RESIDENT).then_some(frame)
    }

    fn set(&mut self, page: PageNo, frame: u32) {
        let dir = usize::try_from(page >> LEAF_BITS).expect("page numbers are bounded by max_pages");
        if self.leaves.len() <= dir {
            self.leaves.resize_with(dir + 1, || None);
        }
        let leaf = self.leaves[dir].get_or_insert_with(|| vec![NOT_RESIDENT; 1 << LEAF_BITS].into_boxed_slice());
        leaf[(page & ((1 << LEAF_BITS) - 1)) as usize] = frame;
    }
}

pub(crate) struct Frames {
    pub page_shift: u32,
    pub page_size: usize,
    pub bytes: Box<[u8]>,
    info: Vec<FrameInfo>,
    table: PageTable,
    free: Vec<u32>,
    hand: usize,
    pub read_tlb: Box<[TlbEntry]>,
    pub write_tlb: Box<[TlbEntry]>,
    /// TLB entries - 1 (a power of two minus one).
    pub tlb_mask: usize,
    /// Frames held for the current instruction.
    held: Vec<u32>,
    dirty_count: usize,
}

/// What a CLOCK sweep found to make room.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Victims {
    /// Clean pages that were evicted on the spot.
    pub evicted: usize,
    /// Dirty pages chosen for eviction: write them back, then call
    /// [`crate::heap::Heap::written_back`].
    pub dirty: Vec<PageNo>,
}


impl Frames {
    pub fn new(page_size: usize, frame_count: usize) -> Self {
        assert!(page_size.is_power_of_two(), "page size must be a power of two");
        let count = u32::try_from(frame_count).expect("frame count fits in u32");
        let tlb_entries = frame_count.next_power_of_two().max(MIN_TLB_ENTRIES);
        Frames {
            page_shift: page_size.trailing_zeros(),
            page_size,
            bytes: vec![0u8; page_size * frame_count].into_boxed_slice(),
            info: vec![FREE_FRAME; frame_count],
            table: PageTable::default(),
            free: (0..count).rev().collect(),
            hand: 0,
            read_tlb: vec![EMPTY_TLB; tlb_entries].into_boxed_slice(),
            write_tlb: vec![EMPTY_TLB; tlb_entries].into_boxed_slice(),
            tlb_mask: tlb_entries - 1,
            held: Vec::new(),
            dirty_count: 0,
        }
    }

    /// The TLB slot of a page: its low bits, so consecutive pages never collide.
    #[inline(always)]
    pub fn tlb_slot(&self, page: PageNo) -> usize {
        (page as usize) & self.tlb_mask
    }

    pub fn frame_count(&self) -> usize {
        self.info.len()
    }

    pub fn resident_count(&self) -> usize {
        self.info.len() - self.free.len()
    }

    pub fn free_count(&self) -> usize {
        self.free.len()
    }

    pub fn dirty_count(&self) -> usize {
        self.dirty_count
    }

    pub fn frame_of(&self, page: PageNo) -> Option<u32> {
        self.table.get(page)
    }

    fn base(&self, frame: u32) -> usize {
        frame as usize * self.page_size
    }

    /// The bytes of a resident page.
    pub fn page_bytes(&self, page: PageNo) -> Option<&[u8]> {
        let base = self.base(self.frame_of(page)?);
        Some(&self.bytes[base..base + self.page_size])
    }

    /// Slow path of a read: fills the read TLB, or `None` if not resident.
    pub fn lookup_for_read(&mut self, page: PageNo) -> Option<usize> {
        let frame = self.frame_of(page)?;
        self.info[frame as usize].referenced = true;
        let base = self.base(frame);
        self.read_tlb[self.tlb_slot(page)] = TlbEntry { page, base };
        Some(base)
    }

    /// Slow path of a write: marks the page dirty and fills both TLBs.
    pub fn lookup_for_write(&mut self, page: PageNo) -> Option<usize> {
        let frame = self.frame_of(page)?;
        let info = &mut self.info[frame as usize];
        info.referenced = true;
        if !info.dirty {
            info.dirty = true;
            self.dirty_count += 1;
        }
        let base = self.base(frame);
        self.read_tlb[self.tlb_slot(page)] = TlbEntry { page, base };
        self.write_tlb[self.tlb_slot(page)] = TlbEntry { page, base };
        Some(base)
    }

    /// Puts a page into a free frame. `None` bytes means a zero page.
    /// Returns `false` (doing nothing) if no frame is free.
    pub fn install(&mut self, page: PageNo, bytes: Option<&[u8]>, hold: bool) -> bool {
        debug_assert!(self.frame_of(page).is_none(), "page {page} installed twice");
        let Some(frame) = self.free.pop() else { return false };
        let base = self.base(frame);
        let dst = &mut self.bytes[base..base + self.page_size];
        match bytes {
            Some(src) => dst.copy_from_slice(src),
            None => dst.fill(0),
        }
        // A page read ahead of need (not held) enters unreferenced: CLOCK
        // takes it back first unless it is used (a use sets the bit).
        self.info[frame as usize] = FrameInfo { page, referenced: hold, dirty: false, pins: 0, held: hold };
        if hold {
            self.held.push(frame);
        }
        self.table.set(page, frame);
        true
    }

    /// Removes a page from its frame without writing it anywhere.
    pub fn discard(&mut self, page: PageNo) {
        let Some(frame) = self.frame_of(page) else { return };
        let info = self.info[frame as usize];
        if info.dirty {
            self.dirty_count -= 1;
        }
        self.table.set(page, NOT_RESIDENT);
        let slot = self.tlb_slot(page);
        if self.read_tlb[slot].page == page {
            self.read_tlb[slot] = EMPTY_TLB;
        }
        if self.write_tlb[slot].page == page {
            self.write_tlb[slot] = EMPTY_TLB;
        }
        if info.held {
            self.held.retain(|&f| f != frame);
        }
        self.info[frame as usize] = FREE_FRAME;
        self.free.push(frame);
    }

    /// Marks a page clean after its bytes reached the store.
    pub fn mark_clean(&mut self, page: PageNo) {
        let Some(frame) = self.frame_of(page) else { return };
        let info = &mut self.info[frame as usize];
        if info.dirty {
            info.dirty = false;
            self.dirty_count -= 1;
            let slot = self.tlb_slot(page);
            if self.write_tlb[slot].page == page {
                self.write_tlb[slot] = EMPTY_TLB;
            }
        }
    }

    pub fn pin(&mut self, page: PageNo) -> bool {
        match self.frame_of(page) {
            Some(frame) => {
                self.info[frame as usize].pins += 1;
                true
            }
            None => false,
        }
    }

    pub fn unpin(&mut self, page: PageNo) {
        if let Some(frame) = self.frame_of(page) {
            let pins = &mut self.info[frame as usize].pins;
            *pins = pins.saturating_sub(1);
        }
    }

    pub fn has_held(&self) -> bool {
        !self.held.is_empty()
    }

    /// Ends the current instruction: its held frames become evictable again.
    pub fn release_held(&mut self) {
        for frame in self.held.drain(..) {
            self.info[frame as usize].held = false;
        }
    }

    /// Frames that may not be evicted now.
    pub fn unevictable_count(&self) -> usize {
        self.info.iter().filter(|i| i.page != NO_PAGE && (i.pins > 0 || i.held)).count()
    }

    /// Runs the CLOCK hand until `want` frames are free or `batch` dirty victims
    /// are found (at most two sweeps). Clean victims are evicted at once; dirty
    /// ones are only reported.
    pub fn choose_victims(&mut self, want: usize, batch: usize) -> Victims {
        let mut victims = Victims::default();
        let n = self.info.len();
        let mut steps = 0;
        while self.free.len() < want && victims.dirty.len() < batch.max(1) && steps < 2 * n + 1 {
            let frame = self.hand;
            self.hand = (self.hand + 1) % n;
            steps += 1;
            let info = self.info[frame];
            if info.page == NO_PAGE || info.pins > 0 || info.held {
                continue;
            }
            if info.referenced {
                self.info[frame].referenced = false;
                // Drop it from the read TLB so a later hit sets the bit again.
                let slot = self.tlb_slot(info.page);
                if self.read_tlb[slot].page == info.page {
                    self.read_tlb[slot] = EMPTY_TLB;
                }
                if self.write_tlb[slot].page == info.page {
                    self.write_tlb[slot] = EMPTY_TLB;
                }
                continue;
            }
            if info.dirty {
                if !victims.dirty.contains(&info.page) {
                    victims.dirty.push(info.page);
                }
                continue;
            }
            let page = info.page;
            self.discard(page);
            victims.evicted += 1;
        }
        victims
    }

    /// Every dirty resident page, ascending.
    pub fn dirty_pages(&self) -> Vec<PageNo> {
        let mut pages: Vec<PageNo> = self.info.iter().filter(|i| i.page != NO_PAGE && i.dirty).map(|i| i.page).collect();
        pages.sort_unstable();
        pages
    }

    /// Every resident page with its state, for pictures of the page table.
    pub fn resident_pages(&self) -> impl Iterator<Item = (PageNo, bool)> + '_ {
        self.info.iter().filter(|i| i.page != NO_PAGE).map(|i| (i.page, i.dirty))
    }
}
