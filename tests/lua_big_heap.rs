//! A Lua program whose live heap is far larger than its physical heap runs
//! to the right answer: 1 MiB of frames, over 20 MiB of live tables and strings.

use vheap::heap::HeapConfig;
use vheap::lua::runtime::{LuaVm, RunOutcome};
use vheap::store::file::FileStore;

const MEMORY: usize = 1 << 20;

const PROGRAM: &str = r#"
-- A binary tree and a string table, both kept alive to the end.
local function tree(depth)
  if depth == 0 then return {value = 1} end
  return {left = tree(depth - 1), right = tree(depth - 1), value = depth}
end
local function sum(t)
  if t.left == nil then return t.value end
  return t.value + sum(t.left) + sum(t.right)
end
local forest = {}
for i = 1, 12 do forest[i] = tree(13) end
local names = {}
for i = 1, 60000 do names[i] = "name-" .. i .. "-" .. string.rep("x", i % 40) end
local total = 0
for i = 1, #forest do total = total + sum(forest[i]) end
local chars = 0
for i = 1, #names, 7 do chars = chars + #names[i] end
print(total, chars, #names[60000])
"#;

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
    // Expected values computed by lua5.4 for the same program.
    assert_eq!(String::from_utf8_lossy(&out), "294732\t259857\t11\n");
    let stats = vm.stats();
    assert!(stats.bytes_in_use >= 20 * MEMORY as u64, "live heap {} bytes", stats.bytes_in_use);
    assert!(stats.resident_frames * stats.page_size <= MEMORY as u64);
    assert!(stats.faults > 1000, "it must have paged: {} faults", stats.faults);
    drop(vm);
    std::fs::remove_dir_all(&dir).unwrap();
}
