//! The differential Lua suite: every program in tests/lua/ runs under
//! `vheap run` and its output must equal what the reference interpreter
//! printed (`<name>.expected`, made by tests/lua/regen.sh with lua5.4).
//!
//! Each program runs twice: with the default physical heap, and with one so
//! small (64 frames of 4 KiB) that it faults constantly. Programs listed in
//! tests/lua/KNOWN_FAILURES (and, for the tiny heap only,
//! KNOWN_FAILURES_TINY) need features not built yet; the test fails if one
//! of them starts passing, so the lists only ever shrink.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lua")
}

fn programs() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".lua").map(str::to_string))
        .collect();
    names.sort();
    names
}

fn known_failures(list: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(corpus_dir().join(list)).unwrap_or_default();
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect()
}

/// Runs one program the way regen.sh runs lua5.4 and renders the result in
/// the .expected format (bytes: programs may print any bytes).
fn run(name: &str, extra: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_vheap"))
        .arg("run")
        .arg(format!("{name}.lua"))
        .args(extra)
        .current_dir(corpus_dir())
        .stdin(Stdio::null())
        .output()
        .expect("run vheap");
    let mut text = out.stdout;
    if !out.status.success() {
        let code = out.status.code().unwrap_or(-1);
        let first = out.stderr.split(|&b| b == b'\n').next().unwrap_or(&[]);
        let first = first.strip_prefix(b"vheap: ").unwrap_or(first);
        text.extend_from_slice(format!("--- exit {code}\n").as_bytes());
        text.extend_from_slice(first);
        text.push(b'\n');
    }
    text
}

/// `lists`: the known-failure files that apply; the last one is the list
/// this mode owns (a fixed program must be removed from it).
fn check_all(extra: &'static [&'static str], lists: &[&str]) {
    let names = programs();
    assert!(names.len() >= 150, "the corpus has {} programs", names.len());
    let known: BTreeSet<String> = lists.iter().flat_map(|l| known_failures(l)).collect();
    let owned = known_failures(lists.last().expect("a list"));
    let queue = Arc::new(Mutex::new(names.clone()));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let queue = Arc::clone(&queue);
            let failures = Arc::clone(&failures);
            std::thread::spawn(move || loop {
                let Some(name) = queue.lock().unwrap().pop() else { return };
                let expected = std::fs::read(corpus_dir().join(format!("{name}.expected"))).unwrap();
                let actual = run(&name, extra);
                if actual != expected {
                    failures.lock().unwrap().push(name);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let failed: BTreeSet<String> = failures.lock().unwrap().iter().cloned().collect();
    let unexpected: Vec<_> = failed.difference(&known).collect();
    let fixed: Vec<_> = owned.difference(&failed).filter(|n| names.contains(n)).collect();
    println!("{} programs, {} pass, {} known failures", names.len(), names.len() - failed.len(), known.len());
    assert!(unexpected.is_empty(), "programs that differ from lua5.4 ({extra:?}): {unexpected:?}");
    assert!(fixed.is_empty(), "now passing; remove from tests/lua/{}: {fixed:?}", lists.last().unwrap());
}

#[test]
fn corpus_matches_reference_with_default_memory() {
    check_all(&[], &["KNOWN_FAILURES"]);
}

#[test]
fn corpus_matches_reference_with_a_tiny_physical_heap() {
    check_all(&["--mem", "256K", "--page-size", "4K"], &["KNOWN_FAILURES", "KNOWN_FAILURES_TINY"]);
}
