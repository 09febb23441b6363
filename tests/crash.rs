//! Crash tests at every write position of a checkpoint.
//!
//! A heap is checkpointed in state A, changed to state B (new, rewritten and
//! freed objects, more dirty pages than fit in memory so that write-back runs
//! before the commit), and checkpointed again with a crash injected at the
//! i-th store operation (memory store) or the i-th file operation followed by
//! a power cut that keeps a random part of the unsynced writes (file store).
//! Reopening must give exactly A or exactly B, and B whenever the commit
//! returned successfully.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

mod common;

use common::{verify, Model, Rng};
use vheap::heap::{HeapConfig, PagedHeap};
use vheap::store::file::FileStore;
use vheap::store::io::SimDisk;
use vheap::store::{FaultPlan, FaultyStore, MemStore, Store, StoreError};

const PAGE: u32 = 4096;
const MEMORY: usize = 16 * PAGE as usize;

fn config() -> HeapConfig {
    HeapConfig { page_size: PAGE, memory: MEMORY, max_size: 64 << 20 }
}

/// Builds state A (checkpointed) and moves the heap to state B (not yet).
fn build<S: Store>(store: S) -> (PagedHeap<S>, Model, Model) {
    let mut rng = Rng::new(7);
    let mut heap = PagedHeap::create(store, "crash", &config()).unwrap();
    let mut a = Model::new();
    for i in 0..120u64 {
        let size = if i % 10 == 0 { 9000 } else { 1 + rng.below(900) };
        let data = rng.bytes(size as usize);
        let addr = heap.access(|h| {
            let addr = h.alloc(size)?;
            h.write_bytes(addr, &data)?;
            Ok(addr)
        })
        .unwrap();
        a.insert(addr, data);
    }
    heap.checkpoint().unwrap();
    let mut b = a.clone();
    let addrs: Vec<u64> = b.keys().copied().collect();
    for (i, addr) in addrs.into_iter().enumerate() {
        match i % 4 {
            0 => {
                heap.access(|h| h.free(addr)).unwrap();
                b.remove(&addr);
            }
            1 => {
                let data = rng.bytes(b[&addr].len());
                heap.access(|h| h.write_bytes(addr, &data)).unwrap();
                b.insert(addr, data);
            }
            _ => {}
        }
    }
    for _ in 0..40 {
        let len = 1 + rng.below(3000) as usize;
        let data = rng.bytes(len);
        let addr = heap.access(|h| {
            let addr = h.alloc(data.len() as u64)?;
            h.write_bytes(addr, &data)?;
            Ok(addr)
        })
        .unwrap();
        b.insert(addr, data);
    }
    (heap, a, b)
}

/// True if the heap matches `model` exactly (every object readable and equal).
fn matches<S: Store>(heap: &mut PagedHeap<S>, model: &Model) -> bool {
    model.iter().all(|(&addr, expected)| {
        let mut out = vec![0u8; expected.len()];
        heap.access(|h| h.read_bytes(addr, &mut out)).is_ok() && out == *expected
    })
}

#[test]
fn memory_store_crash_at_every_operation_of_a_checkpoint() {
    // Count the store operations a clean checkpoint takes.
    let (heap, _, _) = build(FaultyStore::new(MemStore::new(), FaultPlan::default()));
    let mut heap = heap;
    let before = heap.store().mutations();
    heap.checkpoint().unwrap();
    let ops = heap.store().mutations() - before;
    assert!(ops > 3, "a checkpoint of many dirty pages takes several batches, got {ops}");

    for i in 0..=ops {
        for torn_prefix in [0, 2] {
            let (mut heap, a, b) = build(FaultyStore::new(MemStore::new(), FaultPlan::default()));
            let at = heap.store().mutations() + i;
            heap.store().set_plan(FaultPlan { fail_at: Some(at), torn_prefix });
            let committed = heap.checkpoint().is_ok();
            let store = heap.abandon().into_inner();
            let mut reopened = PagedHeap::open(store, "crash", MEMORY).unwrap();
            let expected = if committed { &b } else { &a };
            verify(&mut reopened, expected, &format!("crash at operation {i} (committed: {committed})"));
        }
    }
}

#[test]
fn file_store_power_cut_at_every_file_operation_of_a_checkpoint() {
    let disk = SimDisk::new(1);
    let (mut heap, _, _) = build(FileStore::new(disk.clone()));
    let before = disk.ops();
    heap.checkpoint().unwrap();
    let ops = disk.ops() - before;
    assert!(ops > 5, "expected several writes and two syncs, got {ops}");

    let (mut saw_a, mut saw_b) = (0, 0);
    for i in 0..=ops {
        for seed in 11..19 {
            let disk = SimDisk::new(seed * 1000 + i);
            let (mut heap, a, b) = build(FileStore::new(disk.clone()));
            disk.fail_after(i);
            let committed = heap.checkpoint().is_ok();
            drop(heap);
            disk.power_cut();
            let mut reopened = PagedHeap::open(FileStore::new(disk.clone()), "crash", MEMORY)
                .unwrap_or_else(|e| panic!("reopen after a cut at file operation {i}: {e}"));
            if matches(&mut reopened, &b) {
                saw_b += 1;
            } else {
                assert!(!committed, "cut at operation {i}: the commit returned Ok but B was lost");
                let mut fresh = PagedHeap::open(FileStore::new(disk.clone()), "crash", MEMORY).unwrap();
                verify(&mut fresh, &a, &format!("cut at file operation {i}: neither A nor B"));
                saw_a += 1;
            }
        }
    }
    assert!(saw_a > 0 && saw_b > 0, "both outcomes should occur (A {saw_a}, B {saw_b})");
}

#[test]
fn write_back_between_checkpoints_never_damages_the_last_one() {
    // Crash in the middle of eviction write-back (no checkpoint in progress).
    for i in 0..40 {
        let disk = SimDisk::new(500 + i);
        let (mut heap, a, _) = build(FileStore::new(disk.clone()));
        disk.fail_after(i);
        let _ = heap.evict_all();
        drop(heap);
        disk.power_cut();
        let mut reopened = PagedHeap::open(FileStore::new(disk.clone()), "crash", MEMORY).unwrap();
        verify(&mut reopened, &a, &format!("cut at write-back operation {i}"));
    }
}

#[test]
fn a_corrupt_page_is_reported_with_heap_and_page() {
    let disk = SimDisk::new(3);
    let (mut heap, _, b) = build(FileStore::new(disk.clone()));
    heap.checkpoint().unwrap();
    drop(heap);
    // Damage every data block in turn until some read reports it.
    let len = disk.file_len("crash.heap").unwrap();
    disk.corrupt("crash.heap", len - 100);
    let mut heap = match PagedHeap::open(FileStore::new(disk.clone()), "crash", MEMORY) {
        Ok(h) => h,
        Err(e) => {
            // The damaged block was a page-map node: still a clear error.
            assert!(e.to_string().contains("heap 'crash' is corrupt"), "{e}");
            return;
        }
    };
    let mut errors = Vec::new();
    for (&addr, expected) in &b {
        let mut out = vec![0u8; expected.len()];
        match heap.access(|h| h.read_bytes(addr, &mut out)) {
            Ok(()) => assert!(out == *expected, "corruption went unnoticed at {addr:#x}"),
            Err(e) => errors.push(e.to_string()),
        }
    }
    assert!(!errors.is_empty(), "the damaged page was never reported");
    assert!(errors[0].contains("heap 'crash' is corrupt: page") && errors[0].contains("fails its checksum"), "{}", errors[0]);
}

#[test]
fn both_commit_records_damaged_is_a_clear_error() {
    let disk = SimDisk::new(4);
    let (mut heap, _, _) = build(FileStore::new(disk.clone()));
    heap.checkpoint().unwrap();
    drop(heap);
    disk.corrupt("crash.heap", 100);
    disk.corrupt("crash.heap", 4096 + 100);
    let err = PagedHeap::open(FileStore::new(disk.clone()), "crash", MEMORY).err().expect("open must fail");
    assert!(matches!(err, vheap::heap::HeapError::Store(StoreError::Corrupt { .. })), "{err}");
}
