//! Browser benchmarks (`npm run bench -- web`): raw IndexedDB throughput
//! beside the heap's own fault-in and write-back through IndexedDB, measured
//! in the same run of headless Chromium, and checkpoint time against dirty
//! pages. Prints tables; asserts nothing about time.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect, Uint8Array};
use std::future::IntoFuture;
use vheap::heap::{HeapConfig, HeapError, PagedHeap};
use vheap::store::idb::IdbStore;
use vheap::store::staged::Staged;
use vheap::store::StoreError;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MIB: f64 = 1024.0 * 1024.0;
/// Bytes moved per measurement.
const TOTAL: usize = 16 << 20;
const PAGE_SIZES: [usize; 4] = [4 << 10, 16 << 10, 64 << 10, 256 << 10];
/// Pages per batched transaction.
const BATCH: usize = 32;

fn now_ms() -> f64 {
    let performance = Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let now: js_sys::Function = Reflect::get(&performance, &"now".into()).unwrap().into();
    now.call0(&performance).unwrap().as_f64().unwrap()
}

fn mb_per_s(bytes: usize, ms: f64) -> f64 {
    bytes as f64 / MIB / (ms / 1000.0)
}

/// A database of its own, one object store of page-sized ArrayBuffers keyed by number.
async fn raw_database() -> idb::Database {
    let factory = idb::Factory::new().unwrap();
    let _ = factory.delete("vheap-bench").unwrap().await;
    let mut request = factory.open("vheap-bench", Some(1)).unwrap();
    request.on_upgrade_needed(|event| {
        use idb::DatabaseEvent;
        let db = event.database().unwrap();
        db.create_object_store("raw", idb::ObjectStoreParams::new()).unwrap();
        db.create_object_store("shaped", idb::ObjectStoreParams::new()).unwrap();
        let indexed = db.create_object_store("indexed", idb::ObjectStoreParams::new()).unwrap();
        indexed.create_index("version", idb::KeyPath::new_array(vec!["h", "v"]), None).unwrap();
    });
    request.await.unwrap()
}

fn page_value(size: usize, fill: u8) -> JsValue {
    // What the heap stores: an object holding an ArrayBuffer.
    let record = Object::new();
    let bytes = Uint8Array::new_with_length(size as u32);
    bytes.fill(fill, 0, size as u32);
    Reflect::set(&record, &"b".into(), &bytes.buffer()).unwrap();
    record.into()
}

/// Puts `count` pages, `per_txn` per readwrite transaction; returns ms.
async fn raw_put(db: &idb::Database, size: usize, count: usize, per_txn: usize) -> f64 {
    let value = page_value(size, 7);
    let start = now_ms();
    for first in (0..count).step_by(per_txn) {
        let txn = db.transaction(&["raw"], idb::TransactionMode::ReadWrite).unwrap();
        let store = txn.object_store("raw").unwrap();
        for key in first..(first + per_txn).min(count) {
            store.put(&value, Some(&JsValue::from(key as f64))).unwrap();
        }
        txn.await.unwrap();
    }
    now_ms() - start
}

/// Puts `count` pages, `per_txn` per transaction, each a new record shaped
/// like the heap's (`{ h, p, v, b }` under an array key `[h, p, v]`, with a
/// fresh ArrayBuffer of the page and its checksum), into `store_name`
/// ("shaped": no index; "indexed": with the heap's `version` index); returns ms.
async fn shaped_put(db: &idb::Database, store_name: &str, size: usize, count: usize, per_txn: usize) -> f64 {
    let page = vec![7u8; size];
    let start = now_ms();
    for first in (0..count).step_by(per_txn) {
        let txn = db.transaction(&[store_name], idb::TransactionMode::ReadWrite).unwrap();
        let store = txn.object_store(store_name).unwrap();
        for key in first..(first + per_txn).min(count) {
            let bytes = Uint8Array::new_with_length(size as u32 + 8);
            bytes.subarray(0, size as u32).copy_from(&page);
            let record = Object::new();
            Reflect::set(&record, &"h".into(), &"bench".into()).unwrap();
            Reflect::set(&record, &"p".into(), &(key as f64).into()).unwrap();
            Reflect::set(&record, &"v".into(), &1.0.into()).unwrap();
            Reflect::set(&record, &"b".into(), &bytes.buffer()).unwrap();
            let array_key = js_sys::Array::of3(&"bench".into(), &(key as f64).into(), &1.0.into());
            store.put(&record.into(), Some(&array_key.into())).unwrap();
        }
        txn.await.unwrap();
    }
    now_ms() - start
}

/// Gets `count` pages: one request per page in its own transaction, or one
/// `getAll` over a key range per `per_txn` pages; returns ms.
async fn raw_get(db: &idb::Database, count: usize, per_txn: usize) -> f64 {
    let start = now_ms();
    for first in (0..count).step_by(per_txn) {
        let txn = db.transaction(&["raw"], idb::TransactionMode::ReadOnly).unwrap();
        let store = txn.object_store("raw").unwrap();
        let last = (first + per_txn).min(count) - 1;
        let range = idb::KeyRange::bound(&(first as f64).into(), &(last as f64).into(), None, None).unwrap();
        let values = store.get_all(Some(idb::Query::from(range)), None).unwrap().into_future().await.unwrap();
        for v in values {
            // Copy the bytes out, as the heap must.
            let b = Reflect::get(&v, &"b".into()).unwrap();
            let _ = Uint8Array::new(&b).to_vec();
        }
    }
    now_ms() - start
}

type Heap = PagedHeap<Staged<IdbStore>>;

/// Runs a heap operation, awaiting IndexedDB whenever the staged store asks.
async fn drive<T>(heap: &mut Heap, op: impl FnMut(&mut Heap) -> Result<T, HeapError>) -> T {
    drive_timed(heap, &mut 0.0, op).await
}

/// `drive`, adding the time spent awaiting IndexedDB to `waited_ms`.
async fn drive_timed<T>(heap: &mut Heap, waited_ms: &mut f64, mut op: impl FnMut(&mut Heap) -> Result<T, HeapError>) -> T {
    loop {
        match op(heap) {
            Err(HeapError::Store(StoreError::WouldBlock)) => {
                let start = now_ms();
                heap.store().service().await.unwrap();
                *waited_ms += now_ms() - start;
            }
            other => return other.unwrap(),
        }
    }
}

async fn new_heap(name: &str, page_size: usize, memory: usize) -> Heap {
    let store = IdbStore::open_database().await.unwrap();
    let config = HeapConfig { page_size: page_size as u32, memory: memory - memory / 8, max_size: 1 << 32 };
    let mut heap = PagedHeap::create_uncommitted(Staged::for_new_heap(store, name, memory / 8), name, &config).unwrap();
    drive(&mut heap, |h| h.checkpoint()).await;
    heap
}

/// Writes `TOTAL` bytes sequentially through 8 MiB of memory until all of
/// it is in IndexedDB (write-back: eviction batches, then the last dirty
/// pages flushed, all with relaxed durability like the raw puts), then
/// checkpoints (one strict transaction), then reads it all back after
/// evicting everything (fault-in); returns (write-back ms, of which
/// awaiting IndexedDB, checkpoint ms, fault-in ms).
async fn heap_stream(page_size: usize) -> (f64, f64, f64, f64) {
    let mut heap = new_heap(&format!("bench-{page_size}"), page_size, 8 << 20).await;
    heap.set_fault_cluster(1);
    let object = drive(&mut heap, |h| h.access(|h| h.alloc(TOTAL as u64))).await;
    let chunk = vec![0x5Au8; 4096];
    let mut waited_ms = 0.0;
    let start = now_ms();
    for offset in (0..TOTAL).step_by(chunk.len()) {
        drive_timed(&mut heap, &mut waited_ms, |h| h.access(|h| h.write_bytes(object + offset as u64, &chunk))).await;
    }
    drive_timed(&mut heap, &mut waited_ms, |h| h.evict_all()).await;
    heap.store().request_flush();
    let flush_start = now_ms();
    heap.store().service().await.unwrap();
    waited_ms += now_ms() - flush_start;
    let write_ms = now_ms() - start;
    let start = now_ms();
    drive(&mut heap, |h| h.checkpoint()).await;
    let checkpoint_ms = now_ms() - start;
    let mut buffer = vec![0u8; 4096];
    let start = now_ms();
    for offset in (0..TOTAL).step_by(buffer.len()) {
        drive(&mut heap, |h| h.access(|h| h.read_bytes(object + offset as u64, &mut buffer))).await;
    }
    let read_ms = now_ms() - start;
    assert!(buffer.iter().all(|&b| b == 0x5A), "the bytes came back");
    (write_ms, waited_ms, checkpoint_ms, read_ms)
}

#[wasm_bindgen_test]
async fn indexeddb_raw_against_the_heap() {
    let db = raw_database().await;
    console_log!("IndexedDB throughput, {} MiB per measurement (MB/s; higher is better)", TOTAL >> 20);
    let mut shapes = Vec::new();
    console_log!("page     put 1/txn  put {BATCH}/txn  get 1/txn  get {BATCH}/range | heap write-back  then checkpoint  heap fault-in | wb/raw  fi/raw");
    for size in PAGE_SIZES {
        let count = TOTAL / size;
        let put_single = mb_per_s(TOTAL, raw_put(&db, size, count, 1).await);
        let put_batch = mb_per_s(TOTAL, raw_put(&db, size, count, BATCH).await);
        let get_single = mb_per_s(TOTAL, raw_get(&db, count, 1).await);
        let get_batch = mb_per_s(TOTAL, raw_get(&db, count, BATCH).await);
        let (write_ms, waited_ms, checkpoint_ms, read_ms) = heap_stream(size).await;
        // What a record like the heap's costs, at about the heap's 1 MiB per
        // transaction (its write queue is an eighth of its 8 MiB).
        let per_txn = ((1 << 20) / size).max(1);
        let same = mb_per_s(TOTAL, raw_put(&db, size, count, per_txn).await);
        let shaped = mb_per_s(TOTAL, shaped_put(&db, "shaped", size, count, per_txn).await);
        let indexed = mb_per_s(TOTAL, shaped_put(&db, "indexed", size, count, per_txn).await);
        shapes.push((size, same, shaped, indexed, mb_per_s(TOTAL, write_ms), waited_ms / write_ms));
        let (write_back, fault_in) = (mb_per_s(TOTAL, write_ms), mb_per_s(TOTAL, read_ms));
        console_log!(
            "{:>3} KiB  {:>9.1}  {:>10.1}  {:>9.1}  {:>12.1} | {:>15.1}  {:>12.1} ms  {:>13.1} | {:>6.2}  {:>6.2}",
            size >> 10,
            put_single,
            put_batch,
            get_single,
            get_batch,
            write_back,
            checkpoint_ms,
            fault_in,
            write_back / put_batch,
            fault_in / get_batch
        );
    }
    console_log!("puts at 1 MiB per transaction (MB/s): one value put again / new records shaped like the heap's / those with its index / heap write-back (share of it awaiting IndexedDB)");
    for (size, same, shaped, indexed, heap, waiting) in shapes {
        console_log!("{:>3} KiB  {same:>8.1}  {shaped:>8.1}  {indexed:>8.1}  {heap:>8.1} ({:.0}%)", size >> 10, waiting * 100.0);
    }
    db.close();
}

#[wasm_bindgen_test]
async fn checkpoint_time_against_dirty_pages() {
    let page_size = 16 << 10;
    let mut heap = new_heap("bench-checkpoint", page_size, 8 << 20).await;
    let size: u64 = 64 << 20;
    let object = drive(&mut heap, |h| h.access(|h| h.alloc(size))).await;
    // Every page stored once, so later checkpoints replace versions.
    for offset in (0..size).step_by(page_size) {
        drive(&mut heap, |h| h.access(|h| h.write_u64(object + offset, 1))).await;
    }
    drive(&mut heap, |h| h.checkpoint()).await;
    console_log!("checkpoint of a 64 MiB heap (16 KiB pages, 8 MiB memory) against dirty pages");
    console_log!("dirty pages   ms");
    let pages = size / page_size as u64;
    for dirty in [1u64, 10, 50, 100, 400] {
        for i in 0..dirty {
            // Spread over the heap.
            let page = (i * 7919) % pages;
            drive(&mut heap, |h| h.access(|h| h.write_u64(object + page * page_size as u64 + 8, dirty))).await;
        }
        let start = now_ms();
        drive(&mut heap, |h| h.checkpoint()).await;
        console_log!("{dirty:>11}  {:>6.1}", now_ms() - start);
    }
}
