//! The browser runtime: the VM in WebAssembly, its heap paged to IndexedDB.
//!
//! - [`lease`]: one writer per heap (Web Locks);
//! - [`driver`]: the asynchronous fault driver over IndexedDB;
//! - [`api`]: what JavaScript sees (wasm-bindgen), used by `www/worker.js`.

pub mod api;
pub mod convert;
pub mod driver;
pub mod lease;
