//! Lua benchmarks: every program in benches/lua/ runs under vheap and under
//! the reference `lua5.4` in the same run; prints each time ratio and their
//! geometric mean, once fully resident and once with the physical heap at a
//! tenth of the program's peak heap. Run with `npm run bench -- lua`.
//! Nothing here asserts a time.
//!
//! Times are CPU time (this thread's for vheap, the child's for lua5.4), not
//! wall time: the machine is shared, and a program that waits for a core
//! would otherwise look slower than it is.
//!
//! `cargo bench --bench lua -- NAME...` runs only the programs whose name
//! contains one of the NAMEs; `cargo bench --bench lua -- run FILE [MEMORY
//! [PAGE_SIZE]]` runs one program on vheap only, once (for profilers).

use std::process::Command;
use vheap::heap::HeapConfig;
use vheap::lua::runtime::{LuaVm, RunOutcome};
use vheap::store::MemStore;

/// CPU time this thread has used, in seconds (Linux: /proc/thread-self/schedstat, in ns).
fn thread_cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    s.split_whitespace().next().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0) as f64 / 1e9
}

/// CPU time (user + system) of the children waited for so far, in seconds
/// (/proc/self/stat fields cutime and cstime, in clock ticks of 10 ms).
fn children_cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) may hold spaces; fields after it are plain.
    let rest = &s[s.rfind(')').map_or(0, |i| i + 2)..];
    let fields: Vec<u64> = rest.split_whitespace().map(|f| f.parse().unwrap_or(0)).collect();
    // rest starts at field 3 (state): cutime is field 16, cstime field 17.
    (fields.get(13).copied().unwrap_or(0) + fields.get(14).copied().unwrap_or(0)) as f64 / 100.0
}

fn best_of<T>(n: usize, clock: fn() -> f64, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..n {
        let start = clock();
        let v = f();
        best = best.min(clock() - start);
        last = Some(v);
    }
    (best, last.expect("n > 0"))
}

/// Runs a program on vheap; returns (output, peak bytes of Lua data, faults).
/// The peak is sampled between run slices of a million instructions; it
/// leaves out the untouched part of the stack reservations (16 MB for the
/// main thread), which never takes a frame or a store page.
fn run_vheap(source: &[u8], name: &str, memory: usize, page_size: u32) -> (Vec<u8>, u64, u64) {
    let config = HeapConfig { page_size, memory, max_size: 1 << 34 };
    let mut vm = LuaVm::create(MemStore::new(), "bench", &config).unwrap();
    vm.load(source, &format!("@{name}")).unwrap().unwrap();
    let mut out = Vec::new();
    let mut peak = 0;
    loop {
        let outcome = vm.run(1_000_000, &mut |b| out.extend_from_slice(b)).unwrap();
        peak = peak.max(vm.lua_bytes().unwrap());
        match outcome {
            RunOutcome::Paused => {}
            RunOutcome::Done => break,
            RunOutcome::Failed => panic!("{name} failed: {:?}", vm.error_report()),
        }
    }
    (out, peak, vm.stats().faults)
}

/// Counters at a point of a run: once the output starts with "built", a
/// checkpoint leaves no dirty page and the counters and the Lua data are
/// sampled; the run then goes to its end and checkpoints again, writing
/// every page left dirty. Returns (output, page faults and pages written
/// since "built", Lua bytes at "built").
fn measure_after_built(vm: &mut LuaVm<MemStore>) -> (Vec<u8>, u64, u64, u64) {
    let mut out = Vec::new();
    let mut before = None;
    loop {
        let outcome = vm.run(1000, &mut |b| out.extend_from_slice(b)).unwrap();
        if before.is_none() && out.starts_with(b"built") {
            vm.checkpoint().unwrap();
            let s = vm.stats();
            before = Some((s.faults, s.pages_written, vm.lua_bytes().unwrap()));
        }
        if outcome != RunOutcome::Paused {
            break;
        }
    }
    vm.checkpoint().unwrap();
    let (faults, written, live) = before.expect("the program prints \"built\"");
    let s = vm.stats();
    (out, s.faults - faults, s.pages_written - written, live)
}

/// Page faults and page writes of one full collection cycle on a live heap
/// ten times the physical heap. The program first settles (a collection, so
/// no cycle is in progress), then a checkpoint leaves no dirty page; the
/// measured `collectgarbage()` follows, and a second checkpoint writes every
/// page the cycle dirtied, so "written" counts write-backs during the cycle
/// plus the dirty pages it left behind.
fn gc_cycle_faults() {
    let program = br#"
local keep = {}
for i = 1, 6000 do
  keep[i] = {name = "node" .. i, payload = string.rep("x", 200), links = {i, i + 1, i + 2}}
end
collectgarbage()
print("built")
local spin = 0
for i = 1, 5000 do spin = spin + i end
collectgarbage()
print("collected", #keep)
"#;
    let memory = 512 << 10;
    let config = HeapConfig { page_size: 4096, memory, max_size: 1 << 32 };
    let mut vm = LuaVm::create(MemStore::new(), "gc", &config).unwrap();
    vm.load(program, "=gc").unwrap().unwrap();
    let (out, faults, written, live) = measure_after_built(&mut vm);
    assert!(out.ends_with(b"collected\t6000\n"), "{}", String::from_utf8_lossy(&out));
    let live_pages = live.div_ceil(4096);
    println!(
        "\nGC: one full cycle over {:.1} MB live ({} pages, {:.0}x the {} KiB physical heap): {} page faults ({:.2} per live page), {} pages written ({:.2} per live page)",
        live as f64 / 1e6,
        live_pages,
        live as f64 / memory as f64,
        memory / 1024,
        faults,
        faults as f64 / live_pages as f64,
        written,
        written as f64 / live_pages as f64
    );
}

/// Short-lived garbage on a small physical heap: a loop makes a million
/// small tables of which only the last 64 are alive at any time. Ideally
/// garbage dies in memory and costs neither faults nor page writes.
fn gc_churn() {
    let program = br#"
local ring = {}
for i = 1, 1000000 do
  ring[i % 64 + 1] = {i, i + 1}
end
print(#ring)
"#;
    let memory = 64 * 4096;
    let config = HeapConfig { page_size: 4096, memory, max_size: 1 << 32 };
    let mut vm = LuaVm::create(MemStore::new(), "churn", &config).unwrap();
    vm.load(program, "=churn").unwrap().unwrap();
    vm.checkpoint().unwrap();
    let s0 = vm.stats();
    let mut out = Vec::new();
    while vm.run(1_000_000, &mut |b| out.extend_from_slice(b)).unwrap() == RunOutcome::Paused {}
    assert_eq!(out, b"64\n");
    let s = vm.stats();
    println!(
        "GC churn: 1M short-lived tables (~{} MB allocated) with a {} KiB physical heap: {} page faults, {} pages written",
        1_000_000 * 160 / 1_000_000,
        memory / 1024,
        s.faults - s0.faults,
        s.pages_written - s0.pages_written
    );
}

/// Short-lived garbage next to a live structure ten times the physical
/// heap, in each collector mode: incremental cycles traverse the whole old
/// structure each time; generational minor cycles only the young objects.
fn gc_old_and_churn() {
    for mode in ["incremental", "generational"] {
        let program = format!(
            r#"
collectgarbage("{mode}")
local keep = {{}}
for i = 1, 20000 do keep[i] = {{i, "s" .. i}} end
collectgarbage()
print("built")
local ring = {{}}
for i = 1, 1000000 do ring[i % 64 + 1] = {{i}} end
print(#ring)
"#
        );
        let memory = 512 << 10;
        let config = HeapConfig { page_size: 4096, memory, max_size: 1 << 32 };
        let mut vm = LuaVm::create(MemStore::new(), "churn", &config).unwrap();
        vm.load(program.as_bytes(), "=churn").unwrap().unwrap();
        let (_, faults, written, _) = measure_after_built(&mut vm);
        println!(
            "GC old+churn ({mode}): 1M short-lived tables beside 4 MB of old data, {} KiB physical heap: {} page faults, {} pages written",
            memory / 1024,
            faults,
            written
        );
    }
}

fn main() {
    // `cargo bench --bench lua -- gc` runs only the collector measurements.
    if std::env::args().skip(1).any(|a| a == "gc") {
        gc_cycle_faults();
        gc_churn();
        gc_old_and_churn();
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    if args.first().map(String::as_str) == Some("run") {
        let path = args.get(1).expect("run FILE [MEMORY [PAGE_SIZE]]");
        let memory = args.get(2).map_or(256 << 20, |m| vheap::heap::parse_size(m).expect("memory size") as usize);
        let page = args.get(3).map_or(16 * 1024, |p| vheap::heap::parse_size(p).expect("page size") as u32);
        let source = std::fs::read(path).unwrap();
        let start = thread_cpu();
        let (out, peak, faults) = run_vheap(&source, path, memory, page);
        std::io::Write::write_all(&mut std::io::stdout(), &out).unwrap();
        eprintln!("{:.3} s CPU, peak {:.1} MB, {} faults", thread_cpu() - start, peak as f64 / 1e6, faults);
        return;
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/lua");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".lua"))
        .filter(|n| args.is_empty() || args.iter().any(|a| n.contains(a.as_str())))
        .collect();
    names.sort();
    let have_lua = Command::new("lua5.4").arg("-v").output().is_ok();
    if !have_lua {
        println!("lua5.4 not found: install it (apt-get install lua5.4) for the baseline");
        return;
    }
    println!("{:<18} {:>9} {:>10} {:>7} {:>12} {:>10} {:>7} {:>9}", "program", "lua5.4", "vheap", "ratio", "peak heap", "vheap@1/10", "ratio", "faults");
    let (mut log_resident, mut log_paged) = (0.0, 0.0);
    for name in &names {
        let path = format!("{dir}/{name}");
        let source = std::fs::read(&path).unwrap();
        let (t_lua, lua_out) = best_of(3, children_cpu, || Command::new("lua5.4").arg(&path).output().unwrap().stdout);
        let (t_vh, (out, peak, _)) = best_of(3, thread_cpu, || run_vheap(&source, name, 256 << 20, 16 * 1024));
        assert!(out == lua_out, "{name}: output differs from lua5.4");
        let small = ((peak / 10) as usize).max(64 * 4096);
        let (t_paged, (out2, _, faults)) = best_of(1, thread_cpu, || run_vheap(&source, name, small, 4096));
        assert!(out2 == lua_out, "{name}: paged output differs from lua5.4");
        let (r1, r2) = (t_vh / t_lua, t_paged / t_lua);
        log_resident += r1.ln();
        log_paged += r2.ln();
        println!(
            "{:<18} {:>7.3} s {:>8.3} s {:>7.1} {:>9.1} MB {:>8.3} s {:>7.1} {:>9}",
            name,
            t_lua,
            t_vh,
            r1,
            peak as f64 / 1e6,
            t_paged,
            r2,
            faults
        );
    }
    let n = names.len() as f64;
    println!("geometric mean of vheap/lua5.4: resident {:.1}x, physical heap 1/10 of peak {:.1}x", (log_resident / n).exp(), (log_paged / n).exp());
    println!("(CPU times; lua5.4's include process start-up, ~1 ms, and are in 10 ms ticks)");
    if args.is_empty() {
        gc_cycle_faults();
    }
}
