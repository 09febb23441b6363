//! Browser tests: `wasm-pack test --headless --chrome` (run by `npm test`).
//! They use the real IndexedDB and Web Locks of a headless Chromium.
//! Every test uses its own heap names: the browser profile is shared by the run.
#![cfg(target_arch = "wasm32")]

use vheap::heap::HeapError;
use vheap::image::asynchronous::ChunkSource;
use vheap::image::{ImportError, ImportLimits};
use vheap::lua::runtime::RunOutcome;
use vheap::store::asynchronous::{AsyncStore, PageOp};
use vheap::store::idb::IdbStore;
use vheap::store::{HeapMeta, StoreError};
use vheap::web::driver::{self, Options, WebVm};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BIG_PROGRAM: &str = include_str!("lua/heap_big_live.lua");
const BIG_EXPECTED: &str = include_str!("lua/heap_big_live.expected");
const COUNTER_PROGRAM: &str = include_str!("lua/heap_many_tables.lua");
const COUNTER_EXPECTED: &str = include_str!("lua/heap_many_tables.expected");

fn small(memory: usize) -> Options {
    Options { memory, page_size: 4096, max_size: 1 << 30, wait: false }
}

/// Runs to the end (or at most `limit` instructions); returns the output.
async fn run(vm: &mut WebVm, limit: u64) -> (RunOutcome, String) {
    let mut out = String::new();
    let mut spent = 0;
    loop {
        let slice = vm.run(20_000, 1000.0).await.expect("run");
        out.push_str(&slice.output);
        spent += 20_000;
        if slice.outcome != RunOutcome::Paused || spent >= limit {
            return (slice.outcome, out);
        }
    }
}

fn page(fill: u8) -> Box<[u8]> {
    vec![fill; 4096].into()
}

fn meta(epoch: u64, page_count: u64) -> HeapMeta {
    HeapMeta { page_size: 4096, page_count, max_pages: 1 << 16, epoch, root: 0, bytes_in_use: 0, label: "t".into() }
}

#[wasm_bindgen_test]
async fn idb_store_round_trip_with_working_and_committed_versions() {
    let mut store = IdbStore::open_database().await.unwrap_or_else(|e| panic!("{e}"));
    let name = "rt";
    store.create(name, &meta(0, 0)).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!store.list().await.unwrap().contains(&name.to_string()), "invisible before its first commit");
    store.apply(name, &[PageOp::Write(0, page(1)), PageOp::Write(1, page(2)), PageOp::Write(5, page(5))], None).await.unwrap_or_else(|e| panic!("{e}"));
    store.apply(name, &[PageOp::Write(2, page(3))], Some(&meta(1, 6))).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(store.list().await.unwrap().contains(&name.to_string()));
    // Working state: page 1 rewritten, page 5 freed, page 2 freed and rewritten.
    store
        .apply(
            name,
            &[
                PageOp::Write(1, page(9)),
                PageOp::Free { start: 5, count: 1 },
                PageOp::Free { start: 2, count: 1 },
                PageOp::Write(2, page(7)),
            ],
            None,
        )
        .await
        .unwrap();
    let got = store.read_pages(name, &[0, 1, 2, 3, 5]).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got, vec![Some(page(1)), Some(page(9)), Some(page(7)), None, None]);
    // The checkpoint still holds the old versions.
    assert_eq!(store.committed_count(name).await.unwrap(), 4);
    let committed = store.read_committed(name, 0, 10).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(committed, vec![(0, page(1)), (1, page(2)), (2, page(3)), (5, page(5))]);
    // A crash now (no commit): reopening gives the checkpoint back.
    store.close(name).await.unwrap_or_else(|e| panic!("{e}"));
    let mut store = IdbStore::open_database().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.open(name).await.unwrap().epoch, 1);
    let got = store.read_pages(name, &[1, 2, 5]).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got, vec![Some(page(2)), Some(page(3)), Some(page(5))]);
    // Redo the changes and commit them: old versions are gone, frees dropped.
    store.apply(name, &[PageOp::Write(1, page(9)), PageOp::Free { start: 5, count: 1 }], Some(&meta(2, 6))).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.committed_count(name).await.unwrap(), 3);
    let committed = store.read_committed(name, 0, 10).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(committed, vec![(0, page(1)), (1, page(9)), (2, page(3))]);
    store.delete(name).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(store.open(name).await, Err(StoreError::NotFound(_))));
}

#[wasm_bindgen_test]
async fn an_interrupted_commit_leaves_the_previous_checkpoint() {
    let name = "interrupted";
    let mut vm = WebVm::open(name, &small(2 << 20)).await.unwrap_or_else(|e| panic!("{e}"));
    vm.load(COUNTER_PROGRAM.as_bytes(), "@heap_many_tables.lua").await.unwrap().unwrap();
    vm.checkpoint().await.unwrap_or_else(|e| panic!("{e}"));
    let epoch = vm.vm().paged_heap().committed_meta().epoch;
    run(&mut vm, 60_000).await;
    vm.vm().paged_heap().store().inner().abort_next_commit = true;
    let err = vm.checkpoint().await.expect_err("the commit transaction was aborted");
    assert!(matches!(err, HeapError::Store(StoreError::Io(_))), "{err}");
    drop(vm); // the tab dies
    let reopen = Options { wait: true, ..small(2 << 20) };
    let mut vm = WebVm::open(name, &reopen).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(vm.vm().paged_heap().committed_meta().epoch, epoch);
    let (outcome, out) = run(&mut vm, u64::MAX).await;
    assert_eq!(outcome, RunOutcome::Done);
    assert_eq!(out, COUNTER_EXPECTED, "resumed from the checkpoint before the aborted commit");
}

#[wasm_bindgen_test]
async fn a_live_heap_ten_times_the_physical_heap_runs_in_the_browser() {
    let memory = 2 << 20;
    let mut vm = WebVm::open("big", &small(memory)).await.unwrap_or_else(|e| panic!("{e}"));
    vm.load(BIG_PROGRAM.as_bytes(), "=big").await.unwrap().unwrap();
    let (outcome, out) = run(&mut vm, u64::MAX).await;
    assert_eq!(outcome, RunOutcome::Done, "{out}");
    assert_eq!(out, BIG_EXPECTED);
    let (stats, idb) = vm.stats();
    assert!(stats.bytes_in_use >= 10 * memory as u64, "live heap of {} bytes", stats.bytes_in_use);
    assert!(idb.pages_fetched > 0 && idb.pages_flushed > 0, "the heap really paged through IndexedDB");
    vm.close().await.unwrap_or_else(|e| panic!("{e}"));
}

/// A `Vec` as a chunk source, in awkward pieces.
struct Chunks(Vec<u8>, usize);

impl ChunkSource for Chunks {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, ImportError> {
        if self.1 >= self.0.len() {
            return Ok(None);
        }
        let end = (self.1 + 10_007).min(self.0.len());
        let chunk = self.0[self.1..end].to_vec();
        self.1 = end;
        Ok(Some(chunk))
    }
}

#[wasm_bindgen_test]
async fn export_then_import_resumes_to_the_same_output() {
    let mut vm = WebVm::open("origin", &small(2 << 20)).await.unwrap_or_else(|e| panic!("{e}"));
    vm.load(COUNTER_PROGRAM.as_bytes(), "@heap_many_tables.lua").await.unwrap().unwrap();
    let (_, before) = run(&mut vm, 50_000).await;
    vm.checkpoint().await.unwrap_or_else(|e| panic!("{e}"));
    let mut file = Vec::new();
    vm.export(true, &mut |b| {
        file.extend_from_slice(b);
        Ok(())
    })
    .await
    .unwrap();
    // The origin goes on; the copy must continue from the checkpoint alone.
    let (_, rest) = run(&mut vm, u64::MAX).await;
    assert_eq!(format!("{before}{rest}"), COUNTER_EXPECTED);
    vm.close().await.unwrap_or_else(|e| panic!("{e}"));

    let (meta, _) = driver::import("copy", &mut Chunks(file.clone(), 0), ImportLimits::default()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(meta.label, "heap_many_tables.lua");
    let mut copy = WebVm::open("copy", &small(2 << 20)).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!copy.created());
    let (outcome, after) = run(&mut copy, u64::MAX).await;
    assert_eq!(outcome, RunOutcome::Done);
    assert_eq!(format!("{before}{after}"), COUNTER_EXPECTED);
    copy.close().await.unwrap_or_else(|e| panic!("{e}"));

    // The same file cannot be imported over an existing heap.
    let err = driver::import("copy", &mut Chunks(file, 0), ImportLimits::default()).await.unwrap_err();
    assert!(matches!(err, ImportError::Store(StoreError::AlreadyExists(_))), "{err}");
}

#[wasm_bindgen_test]
async fn bad_files_are_refused_and_leave_nothing() {
    let mut vm = WebVm::open("source", &small(2 << 20)).await.unwrap_or_else(|e| panic!("{e}"));
    let mut file = Vec::new();
    vm.export(true, &mut |b| {
        file.extend_from_slice(b);
        Ok(())
    })
    .await
    .unwrap();
    vm.close().await.unwrap_or_else(|e| panic!("{e}"));
    let mut corrupt = file.clone();
    let at = corrupt.len() / 2;
    corrupt[at] ^= 0x40;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("not-a-checkpoint", b"print('hello')".to_vec()),
        ("corrupt", corrupt),
        ("truncated", file[..file.len() - 100].to_vec()),
    ];
    for (name, bytes) in cases {
        let err = driver::import(name, &mut Chunks(bytes, 0), ImportLimits::default()).await.unwrap_err();
        match name {
            "not-a-checkpoint" => assert!(matches!(err, ImportError::NotACheckpoint), "{err}"),
            "corrupt" => assert!(matches!(err, ImportError::Corrupt(_)), "{err}"),
            _ => assert!(matches!(err, ImportError::Truncated), "{err}"),
        }
        let heaps: Vec<String> = driver::list().await.unwrap().into_iter().map(|h| h.name).collect();
        assert!(!heaps.contains(&name.to_string()), "{name} left a heap behind");
        assert!(IdbStore::open_database().await.unwrap().list_abandoned().await.unwrap().is_empty());
    }
}

#[wasm_bindgen_test]
async fn a_heap_open_in_one_place_is_refused_in_another_until_closed() {
    let first = WebVm::open("leased", &small(2 << 20)).await.unwrap_or_else(|e| panic!("{e}"));
    match WebVm::open("leased", &small(2 << 20)).await {
        Err(HeapError::Store(StoreError::Locked(name))) => assert_eq!(name, "leased"),
        Err(other) => panic!("expected Locked, got {other}"),
        Ok(_) => panic!("a second writer was let in"),
    }
    assert!(matches!(driver::delete("leased").await, Err(StoreError::Locked(_))));
    // Reading the checkpoint does not need the lease.
    assert_eq!(driver::peek("leased").await.unwrap().epoch, 1);
    first.close().await.unwrap_or_else(|e| panic!("{e}"));
    let second = WebVm::open("leased", &small(2 << 20)).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!second.created());
    second.close().await.unwrap_or_else(|e| panic!("{e}"));
    driver::delete("leased").await.unwrap_or_else(|e| panic!("{e}"));
}

#[wasm_bindgen_test]
async fn a_dropped_tab_resumes_from_its_last_checkpoint() {
    let name = "dropped";
    let mut vm = WebVm::open(name, &small(2 << 20)).await.unwrap_or_else(|e| panic!("{e}"));
    vm.load(COUNTER_PROGRAM.as_bytes(), "@heap_many_tables.lua").await.unwrap().unwrap();
    let (_, before) = run(&mut vm, 40_000).await;
    vm.checkpoint().await.unwrap_or_else(|e| panic!("{e}"));
    // Work after the checkpoint, pages written back, then no goodbye.
    let _ = run(&mut vm, 40_000).await;
    vm.flush().await.unwrap_or_else(|e| panic!("{e}"));
    drop(vm);
    // The browser frees a dead tab's lease by itself, a moment later.
    let reopen = Options { wait: true, ..small(2 << 20) };
    let mut vm = WebVm::open(name, &reopen).await.unwrap_or_else(|e| panic!("{e}"));
    let transcript = vm.transcript().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(before.ends_with(&transcript), "the transcript shows the output up to the checkpoint");
    let (outcome, after) = run(&mut vm, u64::MAX).await;
    assert_eq!(outcome, RunOutcome::Done);
    assert_eq!(format!("{before}{after}"), COUNTER_EXPECTED);
}

#[wasm_bindgen_test]
async fn javascript_values_go_in_and_come_out() {
    use vheap::web::convert::{from_js, to_js};
    let input = js_sys::JSON::parse(r#"{"name":"vheap","numbers":[3,1,2],"scale":1.5,"nested":{"ok":true},"nothing":null}"#).unwrap();
    let mut vm = WebVm::open("values", &small(2 << 20)).await.unwrap_or_else(|e| panic!("{e}"));
    let value = from_js(input).unwrap();
    driver::drive(vm.vm(), |vm| vm.set_global("input", &value)).await.unwrap().unwrap();
    vm.load(b"table.sort(input.numbers) result = { sorted = input.numbers, name = input.name .. '!', ok = input.nested.ok, half = input.scale / 2 }", "=v")
        .await
        .unwrap()
        .unwrap();
    let (outcome, _) = run(&mut vm, u64::MAX).await;
    assert_eq!(outcome, RunOutcome::Done);
    let result = driver::drive(vm.vm(), |vm| vm.get_global("result")).await.unwrap().unwrap();
    let json = js_sys::JSON::stringify(&to_js(&result).unwrap()).unwrap().as_string().unwrap();
    let back: serde_json_like::Sorted = serde_json_like::parse(&json);
    assert_eq!(back.0, r#"{"half":0.75,"name":"vheap!","ok":true,"sorted":[1,2,3]}"#);
    // Functions and cycles are refused with a reason.
    let f = js_sys::Function::new_no_args("return 1");
    assert!(from_js(f.into()).unwrap_err().contains("function"));
    let cyclic = js_sys::Object::new();
    js_sys::Reflect::set(&cyclic, &"me".into(), &cyclic).unwrap();
    assert!(from_js(cyclic.into()).unwrap_err().contains("cycle"));
    vm.close().await.unwrap();
}

/// JSON with object keys sorted, so that comparisons do not depend on the
/// order a table is traversed in.
mod serde_json_like {
    pub struct Sorted(pub String);

    pub fn parse(json: &str) -> Sorted {
        let value = js_sys::JSON::parse(json).unwrap();
        Sorted(canonical(&value))
    }

    fn canonical(v: &wasm_bindgen::JsValue) -> String {
        use wasm_bindgen::JsCast;
        if let Some(array) = v.dyn_ref::<js_sys::Array>() {
            let items: Vec<String> = array.iter().map(|i| canonical(&i)).collect();
            return format!("[{}]", items.join(","));
        }
        if v.is_object() {
            let object: &js_sys::Object = v.unchecked_ref();
            let mut keys: Vec<String> = js_sys::Object::keys(object).iter().map(|k| k.as_string().unwrap()).collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", js_sys::JSON::stringify(&k.into()).unwrap().as_string().unwrap(), canonical(&js_sys::Reflect::get(v, &k.into()).unwrap())))
                .collect();
            return format!("{{{}}}", parts.join(","));
        }
        js_sys::JSON::stringify(v).unwrap().as_string().unwrap()
    }
}
