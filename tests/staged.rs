//! The asynchronous path, natively: a Lua VM whose store answers
//! `WouldBlock` whenever it would have to do I/O (as the IndexedDB store does
//! in the browser), driven by a loop that services the store and retries.
//! Programs must print exactly what lua5.4 printed, across checkpoints and
//! reopenings, and the store must really have been asked to wait.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

use vheap::heap::{HeapConfig, HeapError};
use vheap::lua::runtime::{LuaVm, RunOutcome};
use vheap::store::asynchronous::{now_or_never, Blocking};
use vheap::store::staged::Staged;
use vheap::store::{MemStore, StoreError};

type StagedVm = LuaVm<Staged<Blocking<MemStore>>>;

const PAGE: u32 = 4096;
const MEMORY: usize = 64 * PAGE as usize;
const QUEUE: usize = 8 * PAGE as usize;

/// Runs `op` until it stops asking for I/O, servicing the store in between:
/// what the browser's driver does with `await` instead of `now_or_never`.
fn drive<T>(vm: &mut StagedVm, mut op: impl FnMut(&mut StagedVm) -> Result<T, HeapError>) -> T {
    loop {
        match op(vm) {
            Err(HeapError::Store(StoreError::WouldBlock)) => {
                now_or_never(vm.paged_heap().store().service()).expect("service");
            }
            other => return other.expect("operation"),
        }
    }
}

fn corpus(name: &str) -> (Vec<u8>, String) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lua");
    let source = std::fs::read(format!("{dir}/{name}.lua")).unwrap();
    let expected = std::fs::read_to_string(format!("{dir}/{name}.expected")).unwrap();
    (source, expected)
}

fn create(store: MemStore) -> StagedVm {
    let config = HeapConfig { page_size: PAGE, memory: MEMORY, max_size: 1 << 30 };
    let staged = Staged::for_new_heap(Blocking::new(store), "p", QUEUE);
    let mut vm = LuaVm::create_uncommitted(staged, "p", &config).expect("create");
    drive(&mut vm, |vm| vm.checkpoint());
    vm
}

fn reopen(vm: StagedVm) -> StagedVm {
    let store = vm.close().expect("close").into_inner().into_inner();
    let staged = now_or_never(Staged::open_existing(Blocking::new(store), "p", QUEUE)).expect("open");
    LuaVm::open(staged, "p", MEMORY).expect("open vm")
}

/// Runs to the end in slices, checkpointing and reopening every `reopen_every` slices.
fn run(name: &str, reopen_every: Option<usize>) -> (String, u64) {
    let (source, _) = corpus(name);
    let mut vm = create(MemStore::new());
    drive(&mut vm, |vm| vm.load(&source, &format!("@{name}.lua"))).expect("compiles");
    drive(&mut vm, |vm| vm.checkpoint());
    let mut out = Vec::new();
    let mut would_block = 0;
    for slice in 1.. {
        let outcome = drive(&mut vm, |vm| vm.run(5_000, &mut |b| out.extend_from_slice(b)));
        if outcome != RunOutcome::Paused {
            assert_eq!(outcome, RunOutcome::Done, "{name} failed");
            break;
        }
        if reopen_every.is_some_and(|n| slice % n == 0) {
            drive(&mut vm, |vm| vm.checkpoint());
            would_block += vm.paged_heap().store().stats().would_block;
            vm = reopen(vm);
        }
    }
    would_block += vm.paged_heap().store().stats().would_block;
    (String::from_utf8(out).unwrap(), would_block)
}

#[test]
fn programs_run_over_a_store_that_must_wait() {
    for name in ["heap_many_tables", "prog_json_serializer", "fn_closures_loops", "co_generators", "os_io_misc"] {
        let (_, expected) = corpus(name);
        let (out, would_block) = run(name, None);
        assert_eq!(out, expected, "{name}");
        assert!(would_block > 0, "{name}: the store never had to wait, so the path was not exercised");
    }
}

#[test]
fn checkpoints_and_reopening_through_the_staged_store_resume_exactly() {
    for name in ["heap_many_tables", "co_generators"] {
        let (_, expected) = corpus(name);
        let (out, _) = run(name, Some(3));
        assert_eq!(out, expected, "{name}");
    }
}

#[test]
fn a_crash_before_the_commit_service_leaves_the_previous_checkpoint() {
    let (source, _) = corpus("heap_many_tables");
    let mut vm = create(MemStore::new());
    drive(&mut vm, |vm| vm.load(&source, "@heap_many_tables.lua")).unwrap();
    drive(&mut vm, |vm| vm.checkpoint());
    let epoch = vm.paged_heap().committed_meta().epoch;
    drive(&mut vm, |vm| vm.run(20_000, &mut |_| {}));
    // The checkpoint asks for its commit, and the tab dies before the service runs.
    match vm.checkpoint() {
        Err(HeapError::Store(StoreError::WouldBlock)) => {}
        other => panic!("a staged commit must wait for the service, got {other:?}"),
    }
    let store = vm.abandon().into_inner().into_inner();
    let staged = now_or_never(Staged::open_existing(Blocking::new(store), "p", QUEUE)).unwrap();
    let mut vm = LuaVm::open(staged, "p", MEMORY).unwrap();
    assert_eq!(vm.paged_heap().committed_meta().epoch, epoch);
    let mut out = Vec::new();
    loop {
        match drive(&mut vm, |vm| vm.run(50_000, &mut |b| out.extend_from_slice(b))) {
            RunOutcome::Paused => {}
            outcome => {
                assert_eq!(outcome, RunOutcome::Done);
                break;
            }
        }
    }
    assert_eq!(String::from_utf8(out).unwrap(), corpus("heap_many_tables").1);
}

#[test]
fn the_transcript_keeps_the_last_output_across_reopening() {
    let source = b"for i = 1, 5000 do print(string.format('line %05d', i)) end";
    let mut vm = create(MemStore::new());
    drive(&mut vm, |vm| vm.load(source, "=t")).unwrap();
    let mut out = Vec::new();
    // Stop midway, checkpoint, and reopen as a reloaded tab would.
    drive(&mut vm, |vm| vm.run(3_000, &mut |b| out.extend_from_slice(b)));
    drive(&mut vm, |vm| vm.checkpoint());
    let mut vm = reopen(vm);
    let (kept, total) = drive(&mut vm, |vm| vm.transcript());
    assert_eq!(total, out.len() as u64, "the transcript counts every byte handed out");
    assert!(out.ends_with(&kept), "the transcript is the tail of the output");
    loop {
        if drive(&mut vm, |vm| vm.run(50_000, &mut |b| out.extend_from_slice(b))) != RunOutcome::Paused {
            break;
        }
    }
    let expected: String = (1..=5000).map(|i| format!("line {i:05}\n")).collect();
    assert_eq!(String::from_utf8(out.clone()).unwrap(), expected);
    let (kept, total) = drive(&mut vm, |vm| vm.transcript());
    assert_eq!(total, expected.len() as u64);
    assert_eq!(kept.len() as u64, vheap::lua::output::TRANSCRIPT_BYTES);
    assert!(expected.as_bytes().ends_with(&kept));
}

#[test]
#[ignore = "a measurement: run with --ignored --nocapture"]
fn count_waits_of_the_browser_test_programs() {
    // The browser tests' programs and memory (2 MiB, 7/8 of it frames), with
    // and without fault clustering: a read batch is one IndexedDB round trip.
    for (name, memory, cluster) in
        [("heap_many_tables", 1792 << 10, 1), ("heap_many_tables", 1792 << 10, 8), ("heap_big_live", 1792 << 10, 1), ("heap_big_live", 1792 << 10, 8)]
    {
        let (source, _) = corpus(name);
        let config = HeapConfig { page_size: PAGE, memory, max_size: 1 << 30 };
        let staged = Staged::for_new_heap(Blocking::new(MemStore::new()), "p", memory / 7);
        let mut vm = LuaVm::create_uncommitted(staged, "p", &config).unwrap();
        vm.paged_heap().set_fault_cluster(cluster);
        drive(&mut vm, |vm| vm.checkpoint());
        drive(&mut vm, |vm| vm.load(&source, "=x")).unwrap();
        let started = std::time::Instant::now();
        while drive(&mut vm, |vm| vm.run(20_000, &mut |_| {})) == RunOutcome::Paused {}
        let took = started.elapsed();
        let s = vm.paged_heap().store().stats();
        println!("{name} cluster {cluster}: {s:?} faults {} in {took:?}", vm.stats().faults);
    }
}
