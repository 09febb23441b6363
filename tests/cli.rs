//! The `vheap` binary: export, import, stat, list and delete on real files.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

use std::path::Path;
use std::process::Command;
use vheap::heap::{HeapConfig, PagedHeap};
use vheap::store::file::FileStore;

fn vheap(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vheap")).args(args).output().expect("run vheap");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn make_heap(dir: &Path) -> u64 {
    let store = FileStore::open_dir(dir).unwrap();
    let config = HeapConfig { page_size: 4096, memory: 64 * 4096, max_size: 1 << 30 };
    let mut heap = PagedHeap::create(store, "prog", &config).unwrap();
    heap.set_label("prog.lua");
    let addr = heap.access(|h| h.alloc(100_000)).unwrap();
    heap.access(|h| h.fill(addr, 100_000, 0x42)).unwrap();
    heap.access(|h| h.set_root(addr)).unwrap();
    heap.checkpoint().unwrap();
    addr
}

#[test]
fn export_import_stat_list_delete() {
    let dir = std::env::temp_dir().join(format!("vheap-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let addr = make_heap(&dir);
    let heap = dir.join("prog.heap");
    let file = dir.join("prog.vheap");
    let other = dir.join("other");
    let (h, f, o) = (heap.to_str().unwrap(), file.to_str().unwrap(), other.to_str().unwrap());

    let (ok, out, err) = vheap(&["export", h, f]);
    assert!(ok, "{err}");
    assert!(out.contains("exported epoch"), "{out}");
    let (ok, out, _) = vheap(&["stat", f]);
    assert!(ok && out.contains("prog.lua"), "{out}");

    let (ok, _, err) = vheap(&["import", f, o]);
    assert!(ok, "{err}");
    let (ok, out, _) = vheap(&["stat", o]);
    assert!(ok && out.contains("prog.lua") && out.contains("virtual size"), "{out}");
    let (ok, out, _) = vheap(&["list", dir.to_str().unwrap()]);
    assert!(ok && out.contains("prog\t") && out.contains("other\t"), "{out}");

    let store = FileStore::open_dir(&dir).unwrap();
    let mut copy = PagedHeap::open(store, "other", 64 * 4096).unwrap();
    assert_eq!(copy.access(|h| h.root()).unwrap(), addr);
    let mut bytes = vec![0u8; 100_000];
    copy.access(|h| h.read_bytes(addr, &mut bytes)).unwrap();
    assert!(bytes.iter().all(|&b| b == 0x42));
    drop(copy);

    // Importing again under a taken name, or a file that is not a checkpoint.
    let (ok, _, err) = vheap(&["import", f, o]);
    assert!(!ok && err.contains("already exists"), "{err}");
    std::fs::write(dir.join("junk.vheap"), b"print('hello')\n").unwrap();
    let junk = dir.join("junk.vheap");
    let (ok, _, err) = vheap(&["import", junk.to_str().unwrap(), dir.join("junk").to_str().unwrap()]);
    assert!(!ok && err.contains("not a vheap checkpoint file"), "{err}");
    assert!(!dir.join("junk.heap").exists() || !vheap(&["list", dir.to_str().unwrap()]).1.contains("junk"));

    let (ok, _, err) = vheap(&["delete", o]);
    assert!(ok, "{err}");
    let (ok, _, err) = vheap(&["stat", o]);
    assert!(!ok && err.contains("no heap named 'other'"), "{err}");
    let (ok, _, err) = vheap(&["frobnicate"]);
    assert!(!ok && err.contains("unknown command"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--max-size` bounds the heap: past it the program gets Lua's error, which
/// pcall catches; uncaught, it ends the run with status 1, as in lua5.4.
#[test]
fn max_size_gives_not_enough_memory() {
    let dir = std::env::temp_dir().join(format!("vheap-cli-oom-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let program = dir.join("oom.lua");
    std::fs::write(
        &program,
        "local ok, err = pcall(function() local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end end)\n\
         print(ok, err)\n\
         local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end\n",
    )
    .unwrap();
    let (ok, out, err) = vheap(&["run", program.to_str().unwrap(), "--max-size", "24M", "--mem", "1M"]);
    assert!(!ok);
    assert_eq!(out, "false\tnot enough memory\n");
    assert!(err.contains("not enough memory"), "{err}");
    let (ok, _, err) = vheap(&["run", program.to_str().unwrap(), "--max-size", "lots"]);
    assert!(!ok && err.contains("'lots' is not a size"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Words after the program reach it as `arg`, as with lua5.4 (`--` passes
/// words that look like options).
#[test]
fn script_arguments_are_arg() {
    let dir = std::env::temp_dir().join(format!("vheap-cli-arg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let program = dir.join("args.lua");
    std::fs::write(&program, "print(#arg, arg[1], arg[2], arg[3], arg[0] ~= nil, select('#', ...))\n").unwrap();
    let (ok, out, err) = vheap(&["run", program.to_str().unwrap(), "one", "--mem", "4M", "2", "--", "--three"]);
    assert!(ok, "{err}");
    assert_eq!(out, "3\tone\t2\t--three\ttrue\t0\n");
    std::fs::remove_dir_all(&dir).unwrap();
}
