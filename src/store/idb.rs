//! The IndexedDB store (browser only): the same committed/working model as
//! every other store, in one database named `vheap` with two object stores.
//!
//! ```text
//! heaps   key: heap name
//!         value: { format, committed, meta: Uint8Array, + plain fields for listing }
//! pages   key: [heap, page, version]
//!         value: { h: heap, p: page, v: version, b: ArrayBuffer(page bytes ++ xxh3 LE) }
//!         index "version" on [h, v]
//! ```
//!
//! Versions make write-back harmless to the last checkpoint (copy on write):
//! with the committed epoch E, every page version written since the
//! checkpoint (eviction, write-ahead, the commit itself) is stored under
//! version W = E + 1, beside the committed version (always <= E). A page's
//! working bytes are its highest version; its committed bytes its highest
//! version <= E. A commit is ONE readwrite transaction that writes the last
//! pages, deletes the versions W replaced, deletes freed pages, and puts the
//! manifest with the new epoch: either all of it happens or none. A crash
//! leaves versions W that no manifest refers to; `open` deletes them (found
//! through the index, so the cost is what the crash left, not the heap size)
//! before anything can mistake them for a checkpoint.
//!
//! Frees are remembered in memory until the commit (a freed page reads as
//! zeros unless written again), because a free may span thousands of pages
//! and costs nothing until the checkpoint that drops them.

use super::asynchronous::{AsyncStore, PageOp};
use super::{check_heap_name, page_checksum, HeapMeta, PageNo, StoreError};
use idb::{KeyRange, Query, Transaction, TransactionResult};
use js_sys::{Array, Object, Reflect, Uint8Array};
use std::collections::HashMap;
use std::future::IntoFuture;
use wasm_bindgen::prelude::*;
use web_sys::{IdbDatabase, IdbTransaction};

/// The database every heap of this origin lives in.
pub const DATABASE: &str = "vheap";
const DATABASE_VERSION: u32 = 1;
const HEAPS: &str = "heaps";
const PAGES: &str = "pages";
const BY_VERSION: &str = "version";
/// The record layout this build writes; a newer one is refused, not misread.
pub const STORE_FORMAT: u32 = 1;

#[wasm_bindgen]
extern "C" {
    /// An `IDBDatabase`, seen through the one method web-sys keeps behind its
    /// unstable-APIs flag: `transaction(names, mode, { durability })`.
    #[wasm_bindgen(extends = js_sys::Object)]
    type DatabaseWithOptions;

    #[wasm_bindgen(method, catch, js_name = transaction)]
    fn transaction_with_options(
        this: &DatabaseWithOptions,
        names: &Array,
        mode: &str,
        options: &JsValue,
    ) -> Result<IdbTransaction, JsValue>;
}

/// What `list_details` shows of a heap without opening it.
#[derive(Clone, Debug)]
pub struct HeapInfo {
    pub name: String,
    pub meta: HeapMeta,
    /// When its last checkpoint was committed (milliseconds since the epoch).
    pub updated_ms: f64,
}

/// A heap this store has open: what reads and commits need to know.
struct Session {
    /// The committed epoch E; working versions are E + 1.
    epoch: u64,
    /// The checkpoint's page count: only pages below it can have a
    /// committed version for a commit to replace.
    committed_pages: u64,
    page_size: u32,
    /// Page ranges freed since the checkpoint, not yet dropped from the database.
    freed: Vec<(PageNo, u64)>,
    /// Opened without the lease: only the checkpoint may be read.
    read_only: bool,
}

impl Session {
    fn working_version(&self) -> u64 {
        self.epoch + 1
    }

    fn is_freed(&self, page: PageNo) -> bool {
        self.freed.iter().any(|&(start, count)| page >= start && page - start < count)
    }
}

pub struct IdbStore {
    db: IdbDatabase,
    sessions: HashMap<String, Session>,
    /// Test hook: abort the next commit transaction after issuing all its
    /// requests, as a tab killed mid-commit would.
    pub abort_next_commit: bool,
}

fn io(e: impl std::fmt::Display) -> StoreError {
    StoreError::Io(e.to_string())
}

fn js_io(e: JsValue) -> StoreError {
    StoreError::Io(js_message(&e))
}

/// The message of a JavaScript error or DOMException, for error texts.
pub fn js_message(e: &JsValue) -> String {
    Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{e:?}"))
}

fn key(heap: &str, page: PageNo, version: u64) -> JsValue {
    Array::of3(&heap.into(), &(page as f64).into(), &(version as f64).into()).into()
}

/// Every key of `heap` lies in [heap] .. [heap, []]: IndexedDB orders arrays
/// after numbers, so `[]` is above any page number.
fn whole_heap(heap: &str) -> Result<KeyRange, StoreError> {
    let low: JsValue = Array::of1(&heap.into()).into();
    let high: JsValue = Array::of2(&heap.into(), &Array::new()).into();
    KeyRange::bound(&low, &high, None, None).map_err(io)
}

fn range(low: JsValue, high: JsValue, high_open: bool) -> Result<Query, StoreError> {
    Ok(Query::from(KeyRange::bound(&low, &high, Some(false), Some(high_open)).map_err(io)?))
}

fn set(obj: &Object, field: &str, value: impl Into<JsValue>) {
    // Setting a data property on a plain object cannot fail.
    let _ = Reflect::set(obj, &field.into(), &value.into());
}

fn get(obj: &JsValue, field: &str) -> JsValue {
    Reflect::get(obj, &field.into()).unwrap_or(JsValue::UNDEFINED)
}

fn number(obj: &JsValue, field: &str) -> Option<u64> {
    get(obj, field).as_f64().filter(|n| *n >= 0.0 && n.fract() == 0.0).map(|n| n as u64)
}

/// The (page, version) of a `pages` key.
fn page_and_version(key: &JsValue) -> Option<(PageNo, u64)> {
    let key: &Array = key.dyn_ref()?;
    let page = key.get(1).as_f64()?;
    let version = key.get(2).as_f64()?;
    Some((page as PageNo, version as u64))
}

fn page_record(heap: &str, page: PageNo, version: u64, bytes: &[u8]) -> JsValue {
    let len = bytes.len() as u32;
    let stored = Uint8Array::new_with_length(len + 8);
    stored.subarray(0, len).copy_from(bytes);
    stored.subarray(len, len + 8).copy_from(&page_checksum(bytes).to_le_bytes());
    let record = Object::new();
    set(&record, "h", heap);
    set(&record, "p", page as f64);
    set(&record, "v", version as f64);
    set(&record, "b", stored.buffer());
    record.into()
}

/// A page record's bytes, checked against its checksum.
fn page_bytes(heap: &str, page: PageNo, page_size: u32, record: &JsValue) -> Result<Box<[u8]>, StoreError> {
    let corrupt = |what: String| StoreError::Corrupt { heap: heap.to_string(), what };
    let buffer = get(record, "b");
    if !buffer.is_instance_of::<js_sys::ArrayBuffer>() {
        return Err(corrupt(format!("page {page} has no bytes")));
    }
    let stored = Uint8Array::new(&buffer).to_vec();
    let size = page_size as usize;
    if stored.len() != size + 8 {
        return Err(corrupt(format!("page {page} is {} bytes, not {size} and a checksum", stored.len())));
    }
    let (bytes, sum) = stored.split_at(size);
    if page_checksum(bytes) != u64::from_le_bytes(sum.try_into().expect("8 bytes")) {
        return Err(corrupt(format!("page {page} fails its checksum")));
    }
    Ok(bytes.into())
}

fn encode_meta(meta: &HeapMeta) -> Vec<u8> {
    let mut out = Vec::with_capacity(44 + meta.label.len());
    out.extend_from_slice(&meta.page_size.to_le_bytes());
    for v in [meta.page_count, meta.max_pages, meta.epoch, meta.root, meta.bytes_in_use] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(meta.label.as_bytes());
    out
}

fn decode_meta(bytes: &[u8]) -> Option<HeapMeta> {
    let u64_at = |at: usize| Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?));
    let meta = HeapMeta {
        page_size: u32::from_le_bytes(bytes.get(0..4)?.try_into().ok()?),
        page_count: u64_at(4)?,
        max_pages: u64_at(12)?,
        epoch: u64_at(20)?,
        root: u64_at(28)?,
        bytes_in_use: u64_at(36)?,
        label: String::from_utf8(bytes.get(44..)?.to_vec()).ok()?,
    };
    meta.validate().ok()?;
    Some(meta)
}

fn manifest(heap: &str, meta: &HeapMeta, committed: bool) -> JsValue {
    let record = Object::new();
    set(&record, "name", heap);
    set(&record, "format", STORE_FORMAT);
    set(&record, "committed", committed);
    set(&record, "meta", Uint8Array::from(&encode_meta(meta)[..]));
    // Plain copies for tools and the page (numbers may round above 2^53).
    set(&record, "pageSize", meta.page_size);
    set(&record, "pageCount", meta.page_count as f64);
    set(&record, "epoch", meta.epoch as f64);
    set(&record, "bytesInUse", meta.bytes_in_use as f64);
    set(&record, "label", meta.label.as_str());
    set(&record, "updated", js_sys::Date::now());
    record.into()
}

/// Reads a manifest: `None` if it describes a heap that was never committed.
fn read_manifest(heap: &str, record: &JsValue) -> Result<Option<(HeapMeta, f64)>, StoreError> {
    let format = number(record, "format").unwrap_or(0);
    if format > u64::from(STORE_FORMAT) {
        return Err(StoreError::UpgradeRequired { heap: heap.to_string(), version: format as u32 });
    }
    if get(record, "committed").as_bool() != Some(true) {
        return Ok(None);
    }
    let bytes = get(record, "meta");
    let meta = bytes
        .dyn_ref::<Uint8Array>()
        .and_then(|b| decode_meta(&b.to_vec()))
        .ok_or_else(|| StoreError::Corrupt { heap: heap.to_string(), what: "its manifest is unreadable".into() })?;
    Ok(Some((meta, get(record, "updated").as_f64().unwrap_or(0.0))))
}

impl IdbStore {
    /// Opens (creating or upgrading) this origin's vheap database.
    pub async fn open_database() -> Result<IdbStore, StoreError> {
        let factory = idb::Factory::new().map_err(|e| StoreError::Io(format!("IndexedDB is not available: {e}")))?;
        let mut request = factory.open(DATABASE, Some(DATABASE_VERSION)).map_err(io)?;
        request.on_upgrade_needed(|event| {
            use idb::{DatabaseEvent, IndexParams, KeyPath, ObjectStoreParams};
            // Only version 1 exists: create its two stores.
            let Ok(db) = event.database() else { return };
            let _ = db.create_object_store(HEAPS, ObjectStoreParams::new());
            if let Ok(pages) = db.create_object_store(PAGES, ObjectStoreParams::new()) {
                let _ = pages.create_index(BY_VERSION, KeyPath::new_array(vec!["h", "v"]), Some(IndexParams::new()));
            }
        });
        let database = request.await.map_err(|e| StoreError::Io(format!("cannot open the IndexedDB database: {e}")))?;
        Ok(IdbStore { db: database.into(), sessions: HashMap::new(), abort_next_commit: false })
    }

    fn transaction(&self, stores: &[&str], write: bool, strict: bool) -> Result<IdbTransaction, StoreError> {
        let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
        let options = Object::new();
        set(&options, "durability", if strict { "strict" } else { "relaxed" });
        let db: &DatabaseWithOptions = self.db.unchecked_ref();
        db.transaction_with_options(&names, if write { "readwrite" } else { "readonly" }, &options.into())
            .map_err(js_io)
    }

    fn session(&self, heap: &str) -> Result<&Session, StoreError> {
        self.sessions.get(heap).ok_or_else(|| StoreError::Misuse(format!("heap '{heap}' is not open")))
    }

    /// Every committed heap with its meta, by name.
    pub async fn list_details(&mut self) -> Result<Vec<HeapInfo>, StoreError> {
        let raw = self.transaction(&[HEAPS], false, false)?;
        let txn = Transaction::from(raw);
        let heaps = txn.object_store(HEAPS).map_err(io)?;
        let records = heaps.get_all(None, None).map_err(io)?.await.map_err(io)?;
        let mut out = Vec::new();
        for record in records {
            let Some(name) = get(&record, "name").as_string() else { continue };
            // A damaged manifest must not hide the other heaps.
            if let Ok(Some((meta, updated_ms))) = read_manifest(&name, &record) {
                out.push(HeapInfo { name, meta, updated_ms });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Names of heaps whose creation or import never committed (a tab closed
    /// mid-import): their pages take space until `delete` removes them.
    pub async fn list_abandoned(&mut self) -> Result<Vec<String>, StoreError> {
        let raw = self.transaction(&[HEAPS], false, false)?;
        let txn = Transaction::from(raw);
        let heaps = txn.object_store(HEAPS).map_err(io)?;
        let records = heaps.get_all(None, None).map_err(io)?.await.map_err(io)?;
        Ok(records
            .iter()
            .filter(|r| get(r, "committed").as_bool() != Some(true))
            .filter_map(|r| get(r, "name").as_string())
            .collect())
    }

    /// Waits for a readwrite transaction and turns its failure into a
    /// `StoreError` (quota refusals become `Full`).
    async fn finish(raw: IdbTransaction, done: idb::TransactionFuture) -> Result<(), StoreError> {
        let outcome = done.await;
        match outcome {
            Ok(TransactionResult::Committed) => Ok(()),
            _ => {
                let error = raw.error();
                let name = error.as_ref().map(|e| e.name()).unwrap_or_default();
                let message = error.as_ref().map(|e| e.message()).unwrap_or_else(|| "the transaction was aborted".into());
                if name == "QuotaExceededError" {
                    Err(StoreError::Full("the browser's storage quota for this site is used up; free space (delete heaps) and resume".into()))
                } else {
                    Err(StoreError::Io(format!("IndexedDB transaction failed: {name} {message}")))
                }
            }
        }
    }

    /// Opens `heap` to read its last checkpoint only (export, statistics) while
    /// another tab may hold it: nothing is written, crash leftovers included;
    /// reads see committed versions only. Writing through it is refused.
    pub async fn open_read_only(&mut self, heap: &str) -> Result<HeapMeta, StoreError> {
        check_heap_name(heap)?;
        let raw = self.transaction(&[HEAPS], false, false)?;
        let heaps = Transaction::from(raw).object_store(HEAPS).map_err(io)?;
        let record = heaps.get(Query::from(JsValue::from(heap))).map_err(io)?.await.map_err(io)?;
        let meta = match record.as_ref().map(|r| read_manifest(heap, r)) {
            Some(Ok(Some((meta, _)))) => meta,
            Some(Err(e)) => return Err(e),
            _ => return Err(StoreError::NotFound(heap.to_string())),
        };
        self.sessions.insert(
            heap.to_string(),
            Session { epoch: meta.epoch, committed_pages: meta.page_count, page_size: meta.page_size, freed: Vec::new(), read_only: true },
        );
        Ok(meta)
    }

    /// Deletes working versions of `heap` newer than `epoch` (left by a crash).
    async fn drop_uncommitted(
        pages: &idb::ObjectStore,
        heap: &str,
        epoch: u64,
    ) -> Result<(), StoreError> {
        let index = pages.index(BY_VERSION).map_err(io)?;
        let low: JsValue = Array::of2(&heap.into(), &((epoch + 1) as f64).into()).into();
        let high: JsValue = Array::of2(&heap.into(), &f64::INFINITY.into()).into();
        let keys = index.get_all_keys(Some(range(low, high, false)?), None).map_err(io)?.await.map_err(io)?;
        for k in keys {
            pages.delete(Query::from(k)).map_err(io)?;
        }
        Ok(())
    }
}

impl AsyncStore for IdbStore {
    async fn list(&mut self) -> Result<Vec<String>, StoreError> {
        Ok(self.list_details().await?.into_iter().map(|h| h.name).collect())
    }

    async fn create(&mut self, heap: &str, meta: &HeapMeta) -> Result<(), StoreError> {
        check_heap_name(heap)?;
        meta.validate().map_err(StoreError::Misuse)?;
        let raw = self.transaction(&[HEAPS, PAGES], true, false)?;
        let txn = Transaction::from(raw.clone());
        let heaps = txn.object_store(HEAPS).map_err(io)?;
        let pages = txn.object_store(PAGES).map_err(io)?;
        let done = txn.into_future();
        let existing = heaps.get(Query::from(JsValue::from(heap))).map_err(io)?.await.map_err(io)?;
        if let Some(record) = existing {
            if read_manifest(heap, &record)?.is_some() {
                let _ = raw.abort();
                return Err(StoreError::AlreadyExists(heap.to_string()));
            }
        }
        // Whatever an abandoned creation of the same name left goes first.
        pages.delete(Query::from(whole_heap(heap)?)).map_err(io)?;
        heaps.put(&manifest(heap, meta, false), Some(&JsValue::from(heap))).map_err(io)?;
        Self::finish(raw, done).await?;
        self.sessions.insert(heap.to_string(), Session { epoch: 0, committed_pages: 0, page_size: meta.page_size, freed: Vec::new(), read_only: false });
        Ok(())
    }

    async fn open(&mut self, heap: &str) -> Result<HeapMeta, StoreError> {
        check_heap_name(heap)?;
        let raw = self.transaction(&[HEAPS, PAGES], true, false)?;
        let txn = Transaction::from(raw.clone());
        let heaps = txn.object_store(HEAPS).map_err(io)?;
        let pages = txn.object_store(PAGES).map_err(io)?;
        let done = txn.into_future();
        let record = heaps.get(Query::from(JsValue::from(heap))).map_err(io)?.await.map_err(io)?;
        let meta = match record.as_ref().map(|r| read_manifest(heap, r)) {
            Some(Ok(Some((meta, _)))) => meta,
            Some(Err(e)) => {
                let _ = raw.abort();
                return Err(e);
            }
            _ => {
                let _ = raw.abort();
                return Err(StoreError::NotFound(heap.to_string()));
            }
        };
        Self::drop_uncommitted(&pages, heap, meta.epoch).await?;
        Self::finish(raw, done).await?;
        self.sessions.insert(heap.to_string(), Session { epoch: meta.epoch, committed_pages: meta.page_count, page_size: meta.page_size, freed: Vec::new(), read_only: false });
        Ok(meta)
    }

    async fn read_pages(&mut self, heap: &str, pages: &[PageNo]) -> Result<Vec<Option<Box<[u8]>>>, StoreError> {
        let session = self.session(heap)?;
        // A reader without the lease must not see another tab's working versions.
        let working = if session.read_only { session.epoch } else { session.working_version() };
        let raw = self.transaction(&[PAGES], false, false)?;
        let store = Transaction::from(raw).object_store(PAGES).map_err(io)?;
        // One request per run of consecutive pages (read-ahead arrives as a run).
        let mut sorted = pages.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut requests = Vec::new();
        let mut i = 0;
        while i < sorted.len() {
            let mut j = i;
            while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
                j += 1;
            }
            let query = range(key(heap, sorted[i], 0), key(heap, sorted[j], working), false)?;
            requests.push(store.get_all(Some(query), None).map_err(io)?.into_future());
            i = j + 1;
        }
        // Each page's newest version wins: the working one if it was written back.
        let mut newest: HashMap<PageNo, (u64, JsValue)> = HashMap::new();
        for request in requests {
            for record in request.await.map_err(io)? {
                let (Some(page), Some(version)) = (number(&record, "p"), number(&record, "v")) else { continue };
                if newest.get(&page).map_or(true, |(v, _)| version > *v) {
                    newest.insert(page, (version, record));
                }
            }
        }
        let session = self.session(heap)?;
        pages
            .iter()
            .map(|&page| match newest.get(&page) {
                Some((version, _)) if *version <= session.epoch && session.is_freed(page) => Ok(None),
                Some((_, record)) => page_bytes(heap, page, session.page_size, record).map(Some),
                None => Ok(None),
            })
            .collect()
    }

    async fn apply(&mut self, heap: &str, ops: &[PageOp], commit: Option<&HeapMeta>) -> Result<(), StoreError> {
        let session = self.session(heap)?;
        if session.read_only {
            return Err(StoreError::Misuse(format!("heap '{heap}' is open read-only")));
        }
        let (epoch, working, page_size) = (session.epoch, session.working_version(), session.page_size);
        let committed_pages = session.committed_pages;
        if let Some(meta) = commit {
            meta.validate().map_err(StoreError::Misuse)?;
            if meta.epoch <= epoch {
                return Err(StoreError::Misuse(format!("commit epoch {} is not after {epoch}", meta.epoch)));
            }
        }
        let raw = self.transaction(&[HEAPS, PAGES], true, commit.is_some())?;
        let txn = Transaction::from(raw.clone());
        let heaps = txn.object_store(HEAPS).map_err(io)?;
        let pages = txn.object_store(PAGES).map_err(io)?;
        let done = txn.into_future();
        let mut new_frees = Vec::new();
        for op in ops {
            match op {
                PageOp::Write(page, bytes) => {
                    if bytes.len() != page_size as usize {
                        let _ = raw.abort();
                        return Err(StoreError::Misuse(format!("page {page} is {} bytes, not one page", bytes.len())));
                    }
                    pages.put(&page_record(heap, *page, working, bytes), Some(&key(heap, *page, working))).map_err(io)?;
                }
                PageOp::Free { start, count } => {
                    // Working versions written before the free go now; the
                    // committed ones stay until the checkpoint.
                    let end = start.saturating_add(*count);
                    let query = range(key(heap, *start, 0), key(heap, end, 0), true)?;
                    for k in pages.get_all_keys(Some(query), None).map_err(io)?.await.map_err(io)? {
                        if page_and_version(&k).is_some_and(|(_, v)| v == working) {
                            pages.delete(Query::from(k)).map_err(io)?;
                        }
                    }
                    new_frees.push((*start, *count));
                }
            }
        }
        if let Some(meta) = commit {
            let session = self.session(heap)?;
            for &(start, count) in session.freed.iter().chain(&new_frees) {
                let query = range(key(heap, start, 0), key(heap, start.saturating_add(count), 0), true)?;
                for k in pages.get_all_keys(Some(query), None).map_err(io)?.await.map_err(io)? {
                    if page_and_version(&k).is_some_and(|(_, v)| v <= epoch) {
                        pages.delete(Query::from(k)).map_err(io)?;
                    }
                }
            }
            // Every page written since the checkpoint drops the versions it
            // replaces. Pages the checkpoint did not reach have none: no
            // request for them (a heap that grew by N pages would otherwise
            // pay N deletes that find nothing).
            let index = pages.index(BY_VERSION).map_err(io)?;
            let only: JsValue = Array::of2(&heap.into(), &(working as f64).into()).into();
            let rewritten = index.get_all_keys(Some(Query::from(only)), None).map_err(io)?.await.map_err(io)?;
            for k in rewritten {
                match page_and_version(&k) {
                    Some((page, _)) if page < committed_pages => {
                        pages.delete(range(key(heap, page, 0), key(heap, page, working), true)?).map_err(io)?;
                    }
                    _ => {}
                }
            }
            heaps.put(&manifest(heap, meta, true), Some(&JsValue::from(heap))).map_err(io)?;
            if std::mem::take(&mut self.abort_next_commit) {
                let _ = raw.abort();
            }
        }
        Self::finish(raw, done).await?;
        let session = self.sessions.get_mut(heap).expect("checked above");
        match commit {
            Some(meta) => {
                session.epoch = meta.epoch;
                session.committed_pages = meta.page_count;
                session.freed.clear();
            }
            None => session.freed.extend(new_frees),
        }
        Ok(())
    }

    async fn committed_count(&mut self, heap: &str) -> Result<u64, StoreError> {
        let epoch = self.session(heap)?.epoch;
        let raw = self.transaction(&[PAGES], false, false)?;
        let index = Transaction::from(raw).object_store(PAGES).map_err(io)?.index(BY_VERSION).map_err(io)?;
        let low: JsValue = Array::of2(&heap.into(), &0.into()).into();
        let high: JsValue = Array::of2(&heap.into(), &(epoch as f64).into()).into();
        let count = index.count(Some(range(low, high, false)?)).map_err(io)?.await.map_err(io)?;
        Ok(u64::from(count))
    }

    async fn read_committed(
        &mut self,
        heap: &str,
        from: PageNo,
        limit: usize,
    ) -> Result<Vec<(PageNo, Box<[u8]>)>, StoreError> {
        let session = self.session(heap)?;
        let (epoch, page_size) = (session.epoch, session.page_size);
        let raw = self.transaction(&[PAGES], false, false)?;
        let store = Transaction::from(raw).object_store(PAGES).map_err(io)?;
        let high: JsValue = Array::of2(&heap.into(), &Array::new()).into();
        let query = range(key(heap, from, 0), high, false)?;
        // A page has at most two versions (committed and working).
        let records = store.get_all(Some(query), Some((limit * 2 + 2) as u32)).map_err(io)?.await.map_err(io)?;
        let mut out: Vec<(PageNo, Box<[u8]>)> = Vec::new();
        for record in records {
            let (Some(page), Some(version)) = (number(&record, "p"), number(&record, "v")) else { continue };
            if version > epoch {
                continue;
            }
            if out.len() == limit {
                break;
            }
            out.push((page, page_bytes(heap, page, page_size, &record)?));
        }
        Ok(out)
    }

    async fn close(&mut self, heap: &str) -> Result<(), StoreError> {
        self.sessions.remove(heap);
        Ok(())
    }

    async fn delete(&mut self, heap: &str) -> Result<(), StoreError> {
        check_heap_name(heap)?;
        let raw = self.transaction(&[HEAPS, PAGES], true, true)?;
        let txn = Transaction::from(raw.clone());
        let heaps = txn.object_store(HEAPS).map_err(io)?;
        let pages = txn.object_store(PAGES).map_err(io)?;
        let done = txn.into_future();
        let existing = heaps.get(Query::from(JsValue::from(heap))).map_err(io)?.await.map_err(io)?;
        if existing.is_none() {
            let _ = raw.abort();
            return Err(StoreError::NotFound(heap.to_string()));
        }
        heaps.delete(Query::from(JsValue::from(heap))).map_err(io)?;
        pages.delete(Query::from(whole_heap(heap)?)).map_err(io)?;
        Self::finish(raw, done).await?;
        self.sessions.remove(heap);
        Ok(())
    }
}
