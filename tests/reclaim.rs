//! Space is given back: freed pages leave the store, and old page versions
//! are reclaimed, so a file store does not grow with the number of checkpoints.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

use vheap::heap::{HeapConfig, PagedHeap};
use vheap::store::file::FileStore;
use vheap::store::Store;

const PAGE: u32 = 4096;

/// Fills in 64 KiB instructions (one instruction may not need more pages than there are frames).
fn fill<S: Store>(heap: &mut PagedHeap<S>, addr: u64, len: u64, byte: u8) {
    for off in (0..len).step_by(65536) {
        heap.access(|h| h.fill(addr + off, 65536.min((len - off) as usize), byte)).unwrap();
    }
}

#[test]
fn freed_pages_leave_the_store_and_old_versions_are_reclaimed() {
    let dir = std::env::temp_dir().join(format!("vheap-reclaim-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = FileStore::open_dir(&dir).unwrap();
    let config = HeapConfig { page_size: PAGE, memory: 32 * PAGE as usize, max_size: 1 << 30 };
    let mut heap = PagedHeap::create(store, "r", &config).unwrap();
    let file = dir.join("r.heap");

    let big = heap.access(|h| h.alloc(2 << 20)).unwrap();
    fill(&mut heap, big, 2 << 20, 1);
    heap.checkpoint().unwrap();
    let stored_with_big = heap.store().committed_pages("r").unwrap().len();
    let size_with_big = std::fs::metadata(&file).unwrap().len();
    assert!(stored_with_big > 500, "{stored_with_big}");

    // Rewriting the same pages over many checkpoints must not grow the file.
    for round in 0..20u8 {
        fill(&mut heap, big, 2 << 20, round);
        heap.checkpoint().unwrap();
    }
    let size_after_rewrites = std::fs::metadata(&file).unwrap().len();
    assert!(size_after_rewrites <= size_with_big * 2 + 64 * 1024, "{size_after_rewrites} vs {size_with_big}");

    heap.access(|h| h.free(big)).unwrap();
    heap.checkpoint().unwrap();
    // Blocks released by a commit are free only after it; the next commit
    // moves what still lies in the tail down, and the tail is cut off.
    heap.checkpoint().unwrap();
    let stored_after_free = heap.store().committed_pages("r").unwrap().len();
    assert!(stored_after_free < 10, "freed pages still stored: {stored_after_free}");
    let size_after_free = std::fs::metadata(&file).unwrap().len();
    assert!(size_after_free < size_with_big / 10, "file did not shrink: {size_after_free} vs {size_with_big}");

    // The freed address space is reused, and reads as fresh memory.
    let again = heap.access(|h| h.alloc(2 << 20)).unwrap();
    assert_eq!(again, big);
    drop(heap);
    std::fs::remove_dir_all(&dir).unwrap();
}
