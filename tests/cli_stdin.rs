//! `vheap run` reads the program's stdin as lua5.4 does: every `io.read`
//! format and `io.lines`, with input arriving in chunks while the program
//! runs (tests/stdin/<name>.lua; .expected made by lua5.4 on the same input).
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn run_with_input(program: &str, input: &[u8], extra: &[&str]) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stdin");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vheap"))
        .arg("run")
        .arg(program)
        .args(extra)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run vheap");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Written from another thread: the program reads while it runs.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn expected(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/stdin/{name}.expected"))).unwrap()
}

/// `seq 1 30000`, as the expected output was made.
fn seq() -> Vec<u8> {
    (1..=30000).map(|i| format!("{i}\n")).collect::<String>().into_bytes()
}

#[test]
fn every_read_format_and_lines() {
    assert_eq!(String::from_utf8(run_with_input("read_formats.lua", &seq(), &[])).unwrap(), String::from_utf8(expected("read_formats")).unwrap());
}

#[test]
fn reads_with_a_tiny_physical_heap() {
    let out = run_with_input("read_formats.lua", &seq(), &["--mem", "256K", "--page-size", "4K"]);
    assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected("read_formats")).unwrap());
}

#[test]
fn numbers_as_lua_reads_them() {
    let input = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stdin/numbers.input")).unwrap();
    assert_eq!(String::from_utf8(run_with_input("numbers.lua", &input, &[])).unwrap(), String::from_utf8(expected("numbers")).unwrap());
}
