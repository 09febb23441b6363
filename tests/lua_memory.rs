//! A program that needs more than the heap's maximum size gets Lua's "not
//! enough memory" error, which pcall catches; the heap stays consistent: the
//! program goes on, collects, checkpoints, and the heap reopens.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

use vheap::heap::HeapConfig;
use vheap::lua::runtime::{LuaVm, RunOutcome};
use vheap::store::MemStore;

const PROGRAM: &str = r#"
local ok, err = pcall(function()
  local t = {}
  for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end
end)
print(ok, err)
local s = 0
for i = 1, 1000 do s = s + i end
print(s)
collectgarbage()
local again = {}
for i = 1, 1000 do again[i] = string.rep("y", 100) end
print(#again, "after a collection")
local big = {}
for i = 1, 1e9 do big[i] = string.rep("z", 1000) .. i end
"#;

fn run_all(vm: &mut LuaVm<MemStore>, out: &mut Vec<u8>) -> RunOutcome {
    loop {
        match vm.run(50_000, &mut |b| out.extend_from_slice(b)).unwrap() {
            RunOutcome::Paused => {}
            other => return other,
        }
    }
}

#[test]
fn running_out_of_heap_is_a_lua_error_and_the_heap_stays_usable() {
    let config = HeapConfig { page_size: 4096, memory: 64 * 4096, max_size: 24 << 20 };
    let mut vm = LuaVm::create(MemStore::new(), "oom", &config).unwrap();
    vm.load(PROGRAM.as_bytes(), "=oom").unwrap().unwrap();
    let mut out = Vec::new();
    // The last loop fails outside pcall: the program ends with the error.
    assert_eq!(run_all(&mut vm, &mut out), RunOutcome::Failed);
    assert_eq!(String::from_utf8(out).unwrap(), "false\tnot enough memory\n500500\n1000\tafter a collection\n");
    let (message, _) = vm.error_report().unwrap();
    assert_eq!(message, "not enough memory");
    // The heap is consistent: it checkpoints, reopens, and still runs Lua.
    vm.checkpoint().unwrap();
    let store = vm.close().unwrap();
    let mut vm = LuaVm::open(store, "oom", 64 * 4096).unwrap();
    vm.load(b"print('still here', 6 * 7)", "=again").unwrap().unwrap();
    let mut out = Vec::new();
    assert_eq!(run_all(&mut vm, &mut out), RunOutcome::Done);
    assert_eq!(String::from_utf8(out).unwrap(), "still here\t42\n");
}

/// With the collector stopped, garbage piles up until the heap is full; the
/// emergency collection then frees it and the program goes on, as in Lua.
#[test]
fn a_full_heap_is_collected_before_memory_runs_out() {
    const GARBAGE: &str = r#"
collectgarbage("stop")
local keep = {}
for i = 1, 50000 do
  local s = string.rep("g", 1000) .. i
  if i % 1000 == 0 then keep[#keep + 1] = s end
end
print(#keep, collectgarbage("isrunning"))
"#;
    let config = HeapConfig { page_size: 4096, memory: 64 * 4096, max_size: 24 << 20 };
    let mut vm = LuaVm::create(MemStore::new(), "garbage", &config).unwrap();
    vm.load(GARBAGE.as_bytes(), "=garbage").unwrap().unwrap();
    let mut out = Vec::new();
    assert_eq!(run_all(&mut vm, &mut out), RunOutcome::Done, "{:?}", vm.error_report());
    assert_eq!(String::from_utf8(out).unwrap(), "50\tfalse\n");
}
