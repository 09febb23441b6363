//! Leases: one writer per heap, with the Web Locks API.
//!
//! A tab (or worker) that opens a heap for writing holds the exclusive lock
//! `vheap:<name>` for as long as the heap is open. Another tab asking for the
//! same heap is refused at once with [`StoreError::Locked`] (or, if it asked to
//! wait, gets the heap when the first lets go). The browser releases the lock
//! by itself when the holder's tab closes or crashes, so a lease can never
//! outlive its holder. Locks are per origin and per browser profile, exactly
//! the scope of the IndexedDB database they protect.

use crate::store::StoreError;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A held lease; dropping it releases the lock (the browser frees it a
/// moment later), [`Lease::release`] releases it and waits until it is free.
pub struct Lease {
    release: Option<Function>,
    /// Settles once the browser has freed the lock.
    ended: Option<Promise>,
}

fn lock_name(heap: &str) -> String {
    format!("vheap:{heap}")
}

fn lock_manager() -> Result<JsValue, StoreError> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).unwrap_or(JsValue::UNDEFINED);
    let locks = Reflect::get(&navigator, &"locks".into()).unwrap_or(JsValue::UNDEFINED);
    if locks.is_undefined() {
        return Err(StoreError::Io("this browser has no Web Locks API (a secure context is needed: https or localhost)".into()));
    }
    Ok(locks)
}

/// A promise and the function that resolves it.
fn deferred() -> (Promise, Function) {
    let mut resolve = None;
    let promise = Promise::new(&mut |res, _| resolve = Some(res));
    (promise, resolve.expect("the executor runs at once"))
}

impl Lease {
    /// Takes the lease on `heap`. With `wait`, waits until it is free;
    /// otherwise fails with `Locked` if another holder has it.
    pub async fn acquire(heap: &str, wait: bool) -> Result<Lease, StoreError> {
        let locks = lock_manager()?;
        let (granted, report) = deferred();
        // The lock is held while the promise this callback returns is pending;
        // `release` settles it.
        let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
            if lock.is_null() {
                let _ = report.call1(&JsValue::NULL, &JsValue::NULL);
                return Promise::resolve(&JsValue::NULL).into();
            }
            let (held, release) = deferred();
            let _ = report.call1(&JsValue::NULL, &release);
            held.into()
        });
        let options = Object::new();
        let _ = Reflect::set(&options, &"mode".into(), &"exclusive".into());
        let _ = Reflect::set(&options, &"ifAvailable".into(), &(!wait).into());
        let request: Function = Reflect::get(&locks, &"request".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| StoreError::Io("navigator.locks.request is missing".into()))?;
        let outcome = request
            .call3(&locks, &lock_name(heap).into(), &options, &callback)
            .map_err(|e| StoreError::Io(format!("the lease request failed: {}", crate::store::idb::js_message(&e))))?;
        // The request's own promise settles when the lease ends.
        let ended = outcome.dyn_into::<Promise>().ok().map(|ended| {
            let ignore = Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| {});
            let ended = ended.catch(&ignore);
            // Lives as long as the lease's promise, which JavaScript owns.
            ignore.forget();
            ended
        });
        let release = JsFuture::from(granted).await.unwrap_or(JsValue::NULL);
        match release.dyn_into::<Function>() {
            Ok(release) => Ok(Lease { release: Some(release), ended }),
            Err(_) => Err(StoreError::Locked(heap.to_string())),
        }
    }

    /// Releases the lock and waits until the browser has freed it, so that
    /// opening the heap again right away succeeds.
    pub async fn release(mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::NULL);
        }
        if let Some(ended) = self.ended.take() {
            let _ = JsFuture::from(ended).await;
        }
    }

    /// Whether someone holds the lease on `heap` now (without taking it).
    pub async fn is_held(heap: &str) -> Result<bool, StoreError> {
        match Lease::acquire(heap, false).await {
            Ok(lease) => {
                lease.release().await;
                Ok(false)
            }
            Err(StoreError::Locked(_)) => Ok(true),
            Err(e) => Err(e),
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::NULL);
        }
    }
}
