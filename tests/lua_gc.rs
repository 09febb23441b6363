//! The collector frees garbage and keeps everything reachable, while the
//! program runs between its slices, on heaps larger than their physical
//! memory, across checkpoints taken in the middle of a cycle.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

mod common;

use common::Rng;
use vheap::heap::{Heap, HeapConfig};
use vheap::lua::runtime::{LuaVm, RunOutcome};
use vheap::lua::state::{globals_block, G_GLOBALS};
use vheap::lua::value::Value;
use vheap::lua::{gc, string, table};
use vheap::store::{MemStore, Store};

fn config(memory: usize) -> HeapConfig {
    HeapConfig { page_size: 4096, memory, max_size: 1 << 32 }
}

fn start(program: &str, memory: usize) -> LuaVm<MemStore> {
    let mut vm = LuaVm::create(MemStore::new(), "gc", &config(memory)).unwrap();
    vm.load(program.as_bytes(), "=gc").unwrap().unwrap();
    vm
}

fn finish(vm: &mut LuaVm<MemStore>, out: &mut Vec<u8>) {
    loop {
        match vm.run(100_000, &mut |b| out.extend_from_slice(b)).unwrap() {
            RunOutcome::Paused => {}
            RunOutcome::Done => return,
            RunOutcome::Failed => panic!("failed: {:?}\n{}", vm.error_report(), String::from_utf8_lossy(out)),
        }
    }
}

fn run(program: &str, memory: usize) -> (String, LuaVm<MemStore>) {
    let mut vm = start(program, memory);
    let mut out = Vec::new();
    finish(&mut vm, &mut out);
    (String::from_utf8(out).unwrap(), vm)
}

/// Bytes of Lua data, as `collectgarbage("count")` sees them.
fn lua_bytes(vm: &mut LuaVm<MemStore>) -> u64 {
    vm.paged_heap().access(|h| { let g = globals_block(h)?; gc::lua_bytes(h, g) }).unwrap()
}

fn gc_state(vm: &mut LuaVm<MemStore>) -> (bool, u64) {
    vm.paged_heap()
        .access(|h| {
            let g = globals_block(h)?;
            Ok((gc::in_cycle(h, g)?, gc::cycles(h, g)?))
        })
        .unwrap()
}

/// An integer global of the running program.
fn global_int(vm: &mut LuaVm<MemStore>, name: &str) -> i64 {
    let read = |h: &mut Heap| {
        let g = globals_block(h)?;
        let globals = h.read_u64(g + G_GLOBALS)?;
        let key = string::new_string(h, g, name.as_bytes())?;
        table::get(h, globals, Value::Str(key))
    };
    match vm.paged_heap().access(read).unwrap() {
        Value::Int(i) => i,
        other => panic!("{name} is {other:?}"),
    }
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
    // 400,000 tables of ~200 bytes would be 80 MB without collection.
    let live = lua_bytes(&mut vm);
    assert!(live < 4 << 20, "{live} bytes of Lua data remain");
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

/// Without any collectgarbage call, the pacer starts cycles and the memory
/// of a dropped structure comes back while the program keeps allocating.
#[test]
fn memory_returns_to_the_baseline_while_the_program_runs() {
    let program = r#"
        collectgarbage("incremental")
        collectgarbage()
        BASE = math.floor(collectgarbage("count"))
        local big = {}
        for i = 1, 60000 do big[i] = {i, tostring(i), {i}} end
        PEAK = math.floor(collectgarbage("count"))
        big = nil
        local x = 0
        for i = 1, 300000 do local t = {i}; x = x + #t end
        print(x)
    "#;
    let mut vm = start(program, 1 << 20);
    let mut out = Vec::new();
    finish(&mut vm, &mut out);
    let base = global_int(&mut vm, "BASE") as u64 * 1024;
    let peak = global_int(&mut vm, "PEAK") as u64 * 1024;
    let now = lua_bytes(&mut vm);
    assert!(peak > base + (8 << 20), "the structure was not big: base {base}, peak {peak}");
    assert!(now < base + (2 << 20), "memory did not come back: base {base}, peak {peak}, now {now}");
    let (_, cycles) = gc_state(&mut vm);
    assert!(cycles >= 2, "{cycles} cycles");
}

/// A collection cycle is spread over many heap steps with instructions of
/// the program in between (it does not wait for the cycle to end).
#[test]
fn the_program_runs_between_collector_slices() {
    let program = r#"
        collectgarbage("incremental")
        PROGRESS = 0
        local keep = {}
        for i = 1, 20000 do keep[i] = {i, {i}} end
        for i = 1, 400000 do
          local t = {i, i}
          PROGRESS = i
        end
        print(#keep)
    "#;
    let mut vm = start(program, 1 << 20);
    let mut out = Vec::new();
    let mut interleaved = 0;
    let mut last: Option<(u64, i64)> = None;
    loop {
        let outcome = vm.run(500, &mut |b| out.extend_from_slice(b)).unwrap();
        if outcome != RunOutcome::Paused {
            break;
        }
        let (in_cycle, cycles) = gc_state(&mut vm);
        let progress = global_int(&mut vm, "PROGRESS");
        if in_cycle {
            if let Some((c, p)) = last {
                if c == cycles && progress > p {
                    interleaved += 1;
                }
            }
            last = Some((cycles, progress));
        } else {
            last = None;
        }
    }
    assert_eq!(out, b"20000\n");
    assert!(interleaved >= 10, "the program ran inside a cycle only {interleaved} times");
}

/// A loop that allocates without end (a few live objects at a time) runs in
/// bounded memory.
#[test]
fn continuous_allocation_has_bounded_heap_growth() {
    let program = r#"
        local ring = {}
        for i = 1, 1500000 do
          ring[i % 64 + 1] = {i, "s" .. (i % 1000), {i}}
        end
        print("done")
    "#;
    let mut vm = start(program, 1 << 20);
    let mut out = Vec::new();
    let mut peak = 0;
    loop {
        let outcome = vm.run(20_000, &mut |b| out.extend_from_slice(b)).unwrap();
        peak = peak.max(lua_bytes(&mut vm));
        if outcome != RunOutcome::Paused {
            break;
        }
    }
    assert_eq!(out, b"done\n");
    // ~200 MB were allocated in all.
    assert!(peak < 3 << 20, "peak Lua data {peak} bytes");
}

/// Weak tables on a heap ten times the physical heap: a cache keyed by
/// objects loses exactly the entries whose keys died.
#[test]
fn weak_tables_in_a_tiny_physical_heap() {
    let program = r#"
        -- No automatic cycle may clear entries before the measurement.
        collectgarbage("stop")
        local cache = setmetatable({}, {__mode = "k"})
        local vals = setmetatable({}, {__mode = "v"})
        local held = {}
        for i = 1, 12000 do
          local k = {id = i, pad = string.rep("k", 100)}
          cache[k] = {value = i, pad = string.rep("v", 100)}
          vals[i] = k
          if i % 3 == 0 then held[#held + 1] = k end
        end
        local before = collectgarbage("count")
        collectgarbage()
        local n, sum = 0, 0
        for k, v in pairs(cache) do n = n + 1; sum = sum + v.value - k.id end
        local m = 0
        for i = 1, 12000 do if vals[i] then m = m + 1 end end
        print(n, sum, m, #held, collectgarbage("count") < before / 2)
    "#;
    let (out, _) = run(program, 64 * 4096);
    assert_eq!(out, "4000\t0\t4000\t4000\ttrue\n");
}

/// Finalizers: every registered object is finalized exactly once, in
/// reverse order of registration, including ones resurrected by their own
/// finalizer, with a physical heap far smaller than the data.
#[test]
fn finalizers_run_exactly_once_in_a_tiny_physical_heap() {
    let program = r#"
        collectgarbage("incremental")
        collectgarbage()
        -- No automatic cycle while they are made: one collection finds them all.
        collectgarbage("stop")
        local calls = {}
        local order = {}
        local revived = {}
        local mt = {__gc = function(o)
          calls[o.id] = (calls[o.id] or 0) + 1
          order[#order + 1] = o.id
          if o.id % 10 == 0 then revived[#revived + 1] = o end
        end}
        for i = 1, 3000 do
          setmetatable({id = i, pad = string.rep("p", 300)}, mt)
        end
        collectgarbage()
        local descending = true
        for i = 2, #order do if order[i] > order[i - 1] then descending = false end end
        revived = {}
        collectgarbage()
        collectgarbage()
        local once = true
        for i = 1, 3000 do if calls[i] ~= 1 then once = false end end
        print(#order, descending, once)
    "#;
    let (out, _) = run(program, 64 * 4096);
    assert_eq!(out, "3000\ttrue\ttrue\n");
}

#[test]
fn finalizer_errors_and_yields_do_not_stop_the_program() {
    let program = r#"
        local co = coroutine.wrap(function()
          setmetatable({}, {__gc = function() coroutine.yield(1) end})
          setmetatable({}, {__gc = function() error("in finalizer") end})
          setmetatable({}, {__gc = function() print("third") end})
          collectgarbage()
          return "coroutine done"
        end)
        print(co())
        print("main done")
    "#;
    let (out, _) = run(program, 1 << 20);
    assert_eq!(out, "third\ncoroutine done\nmain done\n");
}

/// A live structure twelve times the physical heap, half of it dropped:
/// the survivors are intact and the memory of the rest comes back.
#[test]
fn collection_is_correct_with_a_tiny_physical_heap() {
    let program = r#"
        local list = nil
        for i = 1, 20000 do list = {next = list, value = i, name = "node" .. i} end
        local odd = nil
        local node = list
        while node do
          if node.value % 2 == 1 then odd = {next = odd, value = node.value, name = node.name} end
          node = node.next
        end
        list = nil
        local before = collectgarbage("count")
        collectgarbage()
        local after = collectgarbage("count")
        local sum, n = 0, 0
        node = odd
        while node do sum = sum + node.value + #node.name; n = n + 1; node = node.next end
        print(n, sum, after < before * 0.7)
    "#;
    let (out, mut vm) = run(program, 64 * 4096);
    // As lua5.4 prints it.
    assert_eq!(out, "10000\t100084445\ttrue\n");
    let stats = vm.stats();
    assert!(stats.faults > 500, "it must have paged: {} faults", stats.faults);
}

const CHECKPOINT_PROGRAM: &str = r#"
    collectgarbage(MODE)
    collectgarbage()
    local weak = setmetatable({}, {__mode = "k"})
    local log = {}
    local keep = {}
    for round = 1, 6 do
      for i = 1, 4000 do
        local t = {round = round, i = i, s = "r" .. round .. "i" .. i}
        if i % 7 == 0 then keep[#keep + 1] = t end
        if i % 11 == 0 then weak[t] = i end
      end
      setmetatable({}, {__gc = function() log[#log + 1] = round end})
    end
    collectgarbage()
    local n = 0
    for k in pairs(weak) do n = n + 1 end
    local sum = 0
    for _, t in ipairs(keep) do sum = sum + t.i + #t.s end
    print(#keep, sum, n, table.concat(log, ","))
"#;

/// Checkpoints taken in the middle of collection cycles (in any phase) and
/// reopened, or exported and imported, resume to the uninterrupted output.
#[test]
fn checkpoint_in_the_middle_of_a_cycle_resumes_it() {
    checkpoints_in_cycles("\"incremental\"");
}

/// The same with minor and full cycles of generational mode.
#[test]
fn checkpoint_in_the_middle_of_a_generational_cycle_resumes_it() {
    checkpoints_in_cycles("\"generational\"");
}

fn checkpoints_in_cycles(mode: &str) {
    let program = CHECKPOINT_PROGRAM.replace("MODE", mode);
    let memory = 64 * 4096;
    let (expected, _) = run(&program, memory);
    let mut rng = Rng::new(77);
    let mut stops_in_cycle = 0;
    for attempt in 0..8 {
        let mut vm = start(&program, memory);
        let mut out = Vec::new();
        // Stop at a random one of the moments (50 steps apart) at which a
        // cycle is under way.
        let mut wanted = 1 + rng.below(60);
        loop {
            if vm.run(1 + rng.below(50), &mut |b| out.extend_from_slice(b)).unwrap() != RunOutcome::Paused {
                break;
            }
            if gc_state(&mut vm).0 {
                wanted -= 1;
                if wanted == 0 {
                    break;
                }
            }
        }
        stops_in_cycle += u64::from(gc_state(&mut vm).0);
        vm.checkpoint().unwrap();
        let mut store = vm.close().unwrap();
        if attempt % 2 == 1 {
            let meta = store.open("gc").unwrap();
            let mut file = Vec::new();
            vheap::image::export(&mut store, "gc", &meta, &mut file, true).unwrap();
            let mut other = MemStore::new();
            vheap::image::import(&mut other, "gc", &file[..], vheap::image::ImportLimits::default()).unwrap();
            store = other;
        }
        let mut resumed = LuaVm::open(store, "gc", memory).unwrap();
        finish(&mut resumed, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), expected, "attempt {attempt}");
    }
    assert!(stops_in_cycle >= 4, "only {stops_in_cycle} checkpoints fell inside a cycle");
    let log = expected.trim_end().rsplit('\t').next().unwrap();
    let mut rounds: Vec<&str> = log.split(',').collect();
    rounds.sort();
    assert_eq!(rounds, ["1", "2", "3", "4", "5", "6"], "{expected}");
}

/// Generational mode (lua.c's default): structures that live a while and
/// are dropped are promoted, then reclaimed by the full cycles that the old
/// data's growth triggers, so repeated build-and-drop stays bounded.
#[test]
fn generational_mode_reclaims_old_garbage() {
    let program = r#"
        assert(collectgarbage("generational") == "generational")
        local peak = 0
        for round = 1, 8 do
          local big = {}
          for i = 1, 30000 do big[i] = {i, {i}} end
          peak = math.max(peak, collectgarbage("count"))
          big = nil
          for i = 1, 50000 do local t = {i} end
        end
        PEAK = math.floor(peak)
        print("done")
    "#;
    let mut vm = start(program, 1 << 20);
    let mut out = Vec::new();
    let mut max_live = 0;
    loop {
        let outcome = vm.run(20_000, &mut |b| out.extend_from_slice(b)).unwrap();
        max_live = max_live.max(lua_bytes(&mut vm));
        if outcome != RunOutcome::Paused {
            break;
        }
    }
    assert_eq!(out, b"done\n");
    let one = 30000 * 250;
    assert!(max_live < 4 * one, "peak Lua data {max_live} bytes for rounds of ~{one}");
    let (_, cycles) = gc_state(&mut vm);
    assert!(cycles >= 8, "{cycles} cycles");
}

/// Generational mode: short-lived garbage made next to a live structure ten
/// times the physical heap mostly dies in memory: minor cycles do not
/// traverse the old structure, where every incremental cycle does.
#[test]
fn minor_cycles_do_not_touch_the_old_heap() {
    let cost = |mode: &str| {
        let program = format!(
            r#"
            collectgarbage("{mode}")
            local keep = {{}}
            for i = 1, 20000 do keep[i] = {{i, "s" .. i}} end
            collectgarbage()
            MARK = 1
            local ring = {{}}
            for i = 1, 300000 do ring[i % 64 + 1] = {{i}} end
            local sum = 0
            for i = 1, #keep, 1000 do sum = sum + keep[i][1] end
            print(sum)
        "#
        );
        let mut vm = start(&program, 64 * 4096);
        let mut out = Vec::new();
        let mut before = None;
        loop {
            let outcome = vm.run(5_000, &mut |b| out.extend_from_slice(b)).unwrap();
            if before.is_none() && global_is_set(&mut vm, "MARK") {
                let s = vm.stats();
                before = Some((s.faults, s.pages_written, gc_state(&mut vm).1));
            }
            if outcome != RunOutcome::Paused {
                break;
            }
        }
        assert_eq!(out, b"190020\n");
        let (f0, w0, c0) = before.unwrap();
        let s = vm.stats();
        (s.faults - f0, s.pages_written - w0, gc_state(&mut vm).1 - c0)
    };
    let (inc_faults, inc_written, inc_cycles) = cost("incremental");
    let (gen_faults, gen_written, gen_cycles) = cost("generational");
    assert!(inc_cycles >= 3 && gen_cycles >= 20, "cycles: incremental {inc_cycles}, generational {gen_cycles}");
    assert!(gen_faults * 4 < inc_faults, "faults: incremental {inc_faults}, generational {gen_faults}");
    assert!(gen_written * 4 < inc_written, "pages written: incremental {inc_written}, generational {gen_written}");
}

fn global_is_set(vm: &mut LuaVm<MemStore>, name: &str) -> bool {
    let read = |h: &mut Heap| {
        let g = globals_block(h)?;
        let globals = h.read_u64(g + G_GLOBALS)?;
        let key = string::new_string(h, g, name.as_bytes())?;
        table::get(h, globals, Value::Str(key))
    };
    !vm.paged_heap().access(read).unwrap().is_nil()
}

/// Dropping many interned strings gives their memory back, the string
/// table's buckets included (it shrinks after the cycle, as Lua's does).
#[test]
fn memory_of_dropped_strings_comes_back() {
    let program = r#"
        collectgarbage()
        BASE = math.floor(collectgarbage("count"))
        local names = {}
        for i = 1, 80000 do names[i] = "name" .. i end
        PEAK = math.floor(collectgarbage("count"))
        names = nil
        collectgarbage()
        AFTER = math.floor(collectgarbage("count"))
        local again = {}
        for i = 1, 1000 do again[i] = "name" .. i end
        print(#again, again[1000])
    "#;
    let mut vm = start(program, 1 << 20);
    let mut out = Vec::new();
    finish(&mut vm, &mut out);
    assert_eq!(out, b"1000\tname1000\n");
    let (base, peak, after) = (global_int(&mut vm, "BASE"), global_int(&mut vm, "PEAK"), global_int(&mut vm, "AFTER"));
    assert!(peak > base + 4000, "base {base} KB, peak {peak} KB");
    assert!(after < base + 64, "base {base} KB, after {after} KB");
}
