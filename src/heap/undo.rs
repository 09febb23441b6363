//! The undo log that makes every instruction restartable.
//!
//! Between two commit points (instruction boundaries) every write to a frame
//! first records the bytes it overwrites. If the instruction then hits a page
//! fault, the log is played backwards and the heap is exactly as it was when
//! the instruction started, so it can simply run again once the page is in.
//!
//! Records hold frame offsets, not addresses: nothing is evicted while an
//! instruction runs (faults return to the driver, which rolls back *before*
//! it evicts anything), so an offset stays valid until the log is cleared.

/// One overwritten span of at most 8 bytes.
#[derive(Clone, Copy)]
struct Record {
    /// Frame-buffer offset in the low 56 bits, span length in the top 8.
    at: u64,
    old: u64,
}

#[derive(Default)]
pub(crate) struct UndoLog {
    records: Vec<Record>,
}

impl UndoLog {
    /// Remembers `old`, the bytes at `offset` about to be overwritten.
    #[inline]
    pub fn record(&mut self, offset: usize, old: &[u8]) {
        debug_assert!(old.len() <= 8);
        let mut word = [0u8; 8];
        word[..old.len()].copy_from_slice(old);
        self.records.push(Record { at: offset as u64 | ((old.len() as u64) << 56), old: u64::from_le_bytes(word) });
    }

    /// Remembers a span of any length, 8 bytes per record.
    pub fn record_span(&mut self, offset: usize, old: &[u8]) {
        for (i, chunk) in old.chunks(8).enumerate() {
            self.record(offset + i * 8, chunk);
        }
    }

    /// Restores every recorded span, newest first, so the oldest value wins.
    pub fn roll_back(&mut self, frames: &mut [u8]) {
        for r in self.records.drain(..).rev() {
            let offset = (r.at & ((1 << 56) - 1)) as usize;
            let len = (r.at >> 56) as usize;
            frames[offset..offset + len].copy_from_slice(&r.old.to_le_bytes()[..len]);
        }
    }

    pub fn clear(&mut self) {
        self.records.clear();
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}
