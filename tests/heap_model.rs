//! Model-based test of the whole heap engine: random allocations, reads,
//! writes, frees, evictions, checkpoints and crashes, with the physical heap a
//! small fraction of the heap, checked against a plain in-memory model. After
//! every crash the reopened heap must equal the model at the last checkpoint.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

mod common;

use common::{assert_disjoint, verify, Model, Rng};
use vheap::heap::{HeapConfig, HeapError, PagedHeap};
use vheap::store::file::FileStore;
use vheap::store::io::SimDisk;
use vheap::store::{FaultPlan, FaultyStore, MemStore, Store};

const PAGE: u32 = 4096;
const FRAMES: usize = 16;

fn config() -> HeapConfig {
    HeapConfig { page_size: PAGE, memory: FRAMES * PAGE as usize, max_size: 256 << 20 }
}

struct Run<S: Store> {
    heap: Option<PagedHeap<FaultyStore<S>>>,
    model: Model,
    durable: Model,
    durable_root: u64,
    rng: Rng,
    crashes: u32,
    checkpoints: u32,
    peak_virtual: u64,
}

impl<S: Store> Run<S> {
    fn heap(&mut self) -> &mut PagedHeap<FaultyStore<S>> {
        self.heap.as_mut().expect("heap is open")
    }

    fn random_object(&mut self) -> Option<u64> {
        if self.model.is_empty() {
            return None;
        }
        let i = self.rng.below(self.model.len() as u64) as usize;
        self.model.keys().nth(i).copied()
    }

    /// Treats any store error as a crash: reopen and fall back to the model
    /// of the last checkpoint.
    fn crash(&mut self, why: &str) {
        let store = self.heap.take().expect("heap is open").abandon().into_inner();
        let reopened = PagedHeap::open(FaultyStore::new(store, FaultPlan::default()), "model", FRAMES * PAGE as usize)
            .unwrap_or_else(|e| panic!("reopen after {why}: {e}"));
        self.heap = Some(reopened);
        self.model = self.durable.clone();
        self.crashes += 1;
        let root = self.durable_root;
        assert_eq!(self.heap().access(|h| h.root()).unwrap(), root, "root after {why}");
        let model = self.model.clone();
        verify(self.heap(), &model, why);
    }

    fn step(&mut self, growing: bool) -> Result<(), HeapError> {
        let roll = self.rng.below(100);
        match roll {
            _ if growing || roll < 25 => {
                let large_odds = if growing { 3 } else { 8 };
                let size = if self.rng.below(large_odds) == 0 { 1 + self.rng.below(40_000) } else { 1 + self.rng.below(700) };
                let data = self.rng.bytes(size as usize);
                let addr = self.heap().access(|h| {
                    let addr = h.alloc(size)?;
                    h.write_bytes(addr, &data)?;
                    Ok(addr)
                })?;
                assert!(!self.model.contains_key(&addr), "address {addr:#x} handed out twice");
                self.model.insert(addr, data);
            }
            25..=44 => {
                if let Some(addr) = self.random_object() {
                    let len = self.model[&addr].len() as u64;
                    let at = self.rng.below(len);
                    let patch_len = 1 + self.rng.below(len - at);
                    let patch = self.rng.bytes(patch_len as usize);
                    self.heap().access(|h| h.write_bytes(addr + at, &patch))?;
                    self.model.get_mut(&addr).unwrap()[at as usize..at as usize + patch.len()].copy_from_slice(&patch);
                }
            }
            45..=64 => {
                if let Some(addr) = self.random_object() {
                    let expected = self.model[&addr].clone();
                    let mut out = vec![0u8; expected.len()];
                    self.heap().access(|h| h.read_bytes(addr, &mut out))?;
                    assert!(out == expected, "object {addr:#x} differs");
                }
            }
            65..=79 => {
                if let Some(addr) = self.random_object() {
                    self.heap().access(|h| h.free(addr))?;
                    self.model.remove(&addr);
                }
            }
            80..=84 => self.heap().evict_all()?,
            85..=89 => {
                let root = self.random_object().unwrap_or(0);
                self.heap().access(|h| h.set_root(root))?;
                self.heap().checkpoint()?;
                self.durable = self.model.clone();
                self.durable_root = root;
                self.checkpoints += 1;
            }
            90..=93 => {
                // Fail some store operation a few steps from now, possibly
                // tearing a write-back batch.
                let at = self.heap().store().mutations() + self.rng.below(6);
                let torn_prefix = self.rng.below(4) as usize;
                self.heap().store().set_plan(FaultPlan { fail_at: Some(at), torn_prefix });
            }
            94..=96 => self.crash("a plain crash"),
            _ => {
                let virtual_size = self.heap().stats().virtual_size;
                self.peak_virtual = self.peak_virtual.max(virtual_size);
            }
        }
        Ok(())
    }
}

fn run_model<S: Store>(store: S, seed: u64, steps: usize) -> (u32, u32, u64) {
    let heap = PagedHeap::create(FaultyStore::new(store, FaultPlan::default()), "model", &config()).unwrap();
    let mut run = Run {
        heap: Some(heap),
        model: Model::new(),
        durable: Model::new(),
        durable_root: 0,
        rng: Rng::new(seed),
        crashes: 0,
        checkpoints: 0,
        peak_virtual: 0,
    };
    for i in 0..steps {
        // Grow first so the heap is far larger than the physical heap.
        let growing = run.peak_virtual < 60 * (FRAMES as u64 * u64::from(PAGE)) && i % 4 != 0;
        if let Err(e) = run.step(growing) {
            assert!(run.heap().store().has_failed(), "seed {seed} step {i}: unexpected error {e}");
            run.crash("an injected store failure");
        }
        if i % 10 == 0 {
            let v = run.heap().stats().virtual_size;
            run.peak_virtual = run.peak_virtual.max(v);
        }
        assert_disjoint(&run.model);
    }
    if run.heap().store().has_failed() {
        run.crash("a failure at the end");
    }
    run.heap().store().set_plan(FaultPlan::default());
    let model = run.model.clone();
    verify(run.heap(), &model, "final");
    (run.crashes, run.checkpoints, run.peak_virtual)
}

#[test]
fn random_operations_match_the_model_on_the_memory_store() {
    for seed in 1..=12 {
        let (crashes, checkpoints, peak) = run_model(MemStore::new(), seed, 1500);
        assert!(crashes > 5 && checkpoints > 5, "seed {seed}: too few crashes ({crashes}) or checkpoints ({checkpoints})");
        assert!(peak >= 50 * FRAMES as u64 * u64::from(PAGE), "seed {seed}: heap of {peak} bytes is not 50x the physical heap");
    }
}

#[test]
fn random_operations_match_the_model_on_the_file_store() {
    for seed in 100..=105 {
        let store = FileStore::new(SimDisk::new(seed));
        let (crashes, _, peak) = run_model(store, seed, 1500);
        assert!(crashes > 5);
        assert!(peak >= 50 * FRAMES as u64 * u64::from(PAGE));
    }
}
