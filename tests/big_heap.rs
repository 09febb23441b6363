//! The acceptance test of the heap engine: a 1 GiB heap is written,
//! checkpointed, reopened and verified through an 8 MiB physical heap, on a
//! real file store.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

use vheap::heap::{HeapConfig, PagedHeap};
use vheap::store::file::FileStore;

const GIB: u64 = 1 << 30;
const MEMORY: usize = 8 << 20;
const CHUNK: usize = 256 * 1024;

/// Contents are a function of the address, so verifying needs no model.
fn pattern(addr: u64, out: &mut [u8]) {
    for (i, word) in out.chunks_mut(8).enumerate() {
        let a = addr + (i * 8) as u64;
        word.copy_from_slice(&(a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xABCD).to_le_bytes()[..word.len()]);
    }
}

#[test]
fn one_gibibyte_heap_through_eight_mebibytes() {
    let dir = std::env::temp_dir().join(format!("vheap-big-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = FileStore::open_dir(&dir).unwrap();
    let config = HeapConfig { memory: MEMORY, max_size: 4 * GIB, ..HeapConfig::default() };
    let mut heap = PagedHeap::create(store, "big", &config).unwrap();

    // 16 objects of 64 MiB.
    let object_size = 64u64 << 20;
    let mut objects = Vec::new();
    let mut buf = vec![0u8; CHUNK];
    for _ in 0..16 {
        let addr = heap.access(|h| h.alloc(object_size)).unwrap();
        for offset in (0..object_size).step_by(CHUNK) {
            pattern(addr + offset, &mut buf);
            heap.access(|h| h.write_bytes(addr + offset, &buf)).unwrap();
        }
        objects.push(addr);
        let stats = heap.stats();
        assert!(stats.resident_frames <= stats.frames && stats.physical_size <= MEMORY as u64);
    }
    let root = objects[3];
    heap.access(|h| h.set_root(root)).unwrap();
    let report = heap.checkpoint().unwrap();
    let stats = heap.stats();
    assert!(stats.virtual_size >= GIB, "virtual size {}", stats.virtual_size);
    assert!(stats.bytes_in_use >= GIB);
    assert!(stats.pages_written * stats.page_size >= GIB, "everything reached the store");
    assert!(report.pages_written <= stats.frames, "a checkpoint writes only what is dirty");
    let store = heap.close().unwrap();

    let mut heap = PagedHeap::open(store, "big", MEMORY).unwrap();
    assert_eq!(heap.access(|h| h.root()).unwrap(), root);
    let mut expected = vec![0u8; CHUNK];
    for &addr in &objects {
        assert_eq!(heap.access(|h| h.size_of(addr)).unwrap(), object_size);
        for offset in (0..object_size).step_by(CHUNK) {
            heap.access(|h| h.read_bytes(addr + offset, &mut buf)).unwrap();
            pattern(addr + offset, &mut expected);
            assert!(buf == expected, "mismatch at {:#x}", addr + offset);
        }
    }
    let stats = heap.stats();
    assert!(stats.pages_read * stats.page_size >= GIB);
    assert!(stats.resident_frames * stats.page_size <= MEMORY as u64);
    drop(heap);
    std::fs::remove_dir_all(&dir).unwrap();
}
