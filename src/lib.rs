//! vheap: a Lua 5.4 virtual machine whose heap is a virtual persistent heap.
//!
//! Layers, each depending only on those above it in this list:
//! - [`store`]: where pages live when not in memory (memory, files, IndexedDB);
//! - [`heap`]: the paged virtual address space, its frames and allocator;
//! - [`image`]: checkpoint files that move a heap between machines.

pub mod heap;
pub mod image;
pub mod lua;
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod web;
