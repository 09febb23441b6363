//! The collector frees garbage and keeps everything reachable, on a heap
//! larger than its physical memory.

use vheap::heap::HeapConfig;
use vheap::lua::runtime::{LuaVm, RunOutcome};
use vheap::store::MemStore;

fn run(program: &str, memory: usize) -> (String, LuaVm<MemStore>) {
    let config = HeapConfig { page_size: 4096, memory, max_size: 1 << 32 };
    let mut vm = LuaVm::create(MemStore::new(), "gc", &config).unwrap();
    vm.load(program.as_bytes(), "=gc").unwrap().unwrap();
    let mut out = Vec::new();
    loop {
        match vm.run(100_000, &mut |b| out.extend_from_slice(b)).unwrap() {
            RunOutcome::Paused => {}
            RunOutcome::Done => break,
            RunOutcome::Failed => panic!("failed: {:?}", vm.error_report()),
        }
    }
    (String::from_utf8(out).unwrap(), vm)
}

#[test]
fn garbage_is_collected_and_live_data_survives() {
    let program = r#"
        local keep = {}
        for i = 1, 400000 do
          local temp = {i, i + 1, name = "t" .. i}
          if i % 1000 == 0 then keep[#keep + 1] = temp end
        end
        collectgarbage()
        local sum = 0
        for _, t in ipairs(keep) do sum = sum + t[1] + #t.name end
        print(#keep, sum)
    "#;
    let (out, mut vm) = run(program, 1 << 20);
    assert_eq!(out, "400\t80202692\n");
    let stats = vm.stats();
    // 400,000 tables of ~200 bytes would be 80 MB without collection.
    assert!(stats.bytes_in_use < 48 << 20, "{} bytes still in use", stats.bytes_in_use);
}

#[test]
fn collectgarbage_count_drops_after_collect() {
    let program = r#"
        local t = {}
        for i = 1, 50000 do t[i] = {i} end
        local before = collectgarbage("count")
        t = nil
        collectgarbage()
        local after = collectgarbage("count")
        print(after < before)
    "#;
    let (out, _) = run(program, 1 << 20);
    assert_eq!(out, "true\n");
}
