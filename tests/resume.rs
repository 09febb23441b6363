//! Checkpoint/resume equivalence: a program stopped after a random number of
//! instructions, checkpointed, reopened (and, every other time, exported and
//! imported into another store) and resumed prints exactly what an
//! uninterrupted run prints.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

mod common;

use common::Rng;
use vheap::heap::HeapConfig;
use vheap::image::{self, ImportLimits};
use vheap::lua::runtime::{LuaVm, RunOutcome};
use vheap::store::{MemStore, Store};

const MEMORY: usize = 64 * 4096;

fn config() -> HeapConfig {
    HeapConfig { page_size: 4096, memory: MEMORY, max_size: 1 << 30 }
}

fn source(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/lua/{name}.lua", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Runs to the end; returns the output and the number of instructions.
fn run_to_end(vm: &mut LuaVm<MemStore>, out: &mut Vec<u8>) -> (RunOutcome, u64) {
    let mut steps = 0;
    loop {
        let outcome = vm.run(1000, &mut |b| out.extend_from_slice(b)).unwrap();
        steps += 1000;
        if outcome != RunOutcome::Paused {
            return (outcome, steps);
        }
    }
}

fn fresh(name: &str) -> LuaVm<MemStore> {
    let mut vm = LuaVm::create(MemStore::new(), "p", &config()).unwrap();
    vm.load(&source(name), &format!("@{name}.lua")).unwrap().unwrap();
    vm
}

fn check_program(name: &str, rng: &mut Rng, stops: usize) {
    let mut expected = Vec::new();
    let (outcome, total) = run_to_end(&mut fresh(name), &mut expected);
    for stop in 0..stops {
        let at = 1 + rng.below(total);
        let mut vm = fresh(name);
        let mut out = Vec::new();
        vm.run(at, &mut |b| out.extend_from_slice(b)).unwrap();
        vm.checkpoint().unwrap();
        let mut store = vm.close().unwrap();
        if stop % 2 == 1 {
            // Migrate: export the checkpoint and import it into a new store.
            let meta = store.open("p").unwrap();
            let mut file = Vec::new();
            image::export(&mut store, "p", &meta, &mut file, true).unwrap();
            let mut other = MemStore::new();
            image::import(&mut other, "p", &file[..], ImportLimits::default()).unwrap();
            store = other;
        }
        let mut resumed = LuaVm::open(store, "p", MEMORY).unwrap();
        let (end, _) = run_to_end(&mut resumed, &mut out);
        assert_eq!(end, outcome, "{name}: stopped at {at}");
        assert!(
            out == expected,
            "{name}: stopped at instruction {at} of ~{total}: output differs\n--- resumed:\n{}\n--- expected:\n{}",
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&expected)
        );
    }
}

#[test]
fn programs_resume_exactly_after_a_checkpoint_at_random_instructions() {
    let mut rng = Rng::new(2024);
    for name in [
        "prog_class_system",
        "prog_nqueens",
        "co_generators",
        "co_producer_consumer",
        "co_yield_pcall",
        "fn_closures_loops",
        "meta_arith",
        "meta_concat",
        "prog_sorting",
        "prog_linked_list",
        "prog_binary_trees",
        "prog_event_emitter",
    ] {
        check_program(name, &mut rng, 4);
    }
}
