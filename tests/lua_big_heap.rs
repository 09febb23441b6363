//! A Lua program whose live heap is far larger than its physical heap runs
//! to the right answer: 1 MiB of frames, over 20 MiB of live tables and strings.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

use vheap::heap::HeapConfig;
use vheap::lua::runtime::{LuaVm, RunOutcome};
use vheap::store::file::FileStore;

const MEMORY: usize = 1 << 20;

const PROGRAM: &str = include_str!("lua/heap_big_live.lua");
const EXPECTED: &str = include_str!("lua/heap_big_live.expected");

#[test]
fn live_heap_twenty_times_the_physical_heap() {
    let dir = std::env::temp_dir().join(format!("vheap-lua-big-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = FileStore::open_dir(&dir).unwrap();
    let config = HeapConfig { page_size: 4096, memory: MEMORY, max_size: 1 << 32 };
    let mut vm = LuaVm::create(store, "big", &config).unwrap();
    vm.load(PROGRAM.as_bytes(), "=big").unwrap().unwrap();
    let mut out = Vec::new();
    let outcome = loop {
        match vm.run(100_000, &mut |b| out.extend_from_slice(b)).unwrap() {
            RunOutcome::Paused => continue,
            other => break other,
        }
    };
    assert_eq!(outcome, RunOutcome::Done, "{}", String::from_utf8_lossy(&out));
    assert_eq!(String::from_utf8_lossy(&out), EXPECTED);
    let stats = vm.stats();
    assert!(stats.bytes_in_use >= 20 * MEMORY as u64, "live heap {} bytes", stats.bytes_in_use);
    assert!(stats.resident_frames * stats.page_size <= MEMORY as u64);
    assert!(stats.faults > 1000, "it must have paged: {} faults", stats.faults);
    drop(vm);
    std::fs::remove_dir_all(&dir).unwrap();
}
