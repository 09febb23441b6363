//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use vheap::heap::{Addr, PagedHeap};
use vheap::store::Store;

/// A small deterministic PRNG (xorshift64*), so every failure has a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let seed = self.next();
        (0..len).map(|i| (seed.rotate_left((i % 64) as u32) as u8) ^ (i as u8)).collect()
    }
}

/// The model: what every live object should contain.
pub type Model = BTreeMap<Addr, Vec<u8>>;

/// Reads every object of the model back from the heap and compares.
pub fn verify<S: Store>(heap: &mut PagedHeap<S>, model: &Model, context: &str) {
    for (&addr, expected) in model {
        let mut out = vec![0u8; expected.len()];
        heap.access(|h| h.read_bytes(addr, &mut out)).unwrap_or_else(|e| panic!("{context}: read {addr:#x}: {e}"));
        assert!(out == *expected, "{context}: object at {addr:#x} ({} bytes) differs", expected.len());
    }
}

/// Checks that no two live objects overlap (the allocator never hands out
/// memory twice).
pub fn assert_disjoint(model: &Model) {
    let mut end = 0;
    for (&addr, bytes) in model {
        assert!(addr >= end, "object at {addr:#x} overlaps the previous one");
        end = addr + bytes.len() as u64;
    }
}
