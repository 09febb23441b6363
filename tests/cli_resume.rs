//! The CLI's promise: Ctrl-C checkpoints and stops, `vheap resume` continues
//! exactly; after a kill -9 the heap resumes from its last automatic
//! checkpoint and finishes correctly.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PROGRAM: &str = r#"
local t = {}
for i = 1, 400 do
  local s = 0
  for j = 1, 2000 do s = s + (i * j) % 7 end
  t[#t + 1] = s
  print("step", i, s)
end
local total = 0
for _, v in ipairs(t) do total = total + v end
print("total", total)
"#;

fn vheap() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vheap"))
}

fn expected() -> String {
    let mut out = String::new();
    let mut total = 0;
    for i in 1..=400u64 {
        let s: u64 = (1..=2000u64).map(|j| (i * j) % 7).sum();
        total += s;
        out.push_str(&format!("step\t{i}\t{s}\n"));
    }
    out.push_str(&format!("total\t{total}\n"));
    out
}

fn setup(tag: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("vheap-cli-resume-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("prog.lua"), PROGRAM).unwrap();
    let heap = dir.join("prog.heap").to_str().unwrap().to_string();
    (dir, heap)
}

/// Starts a run and stops it with `signal` once it has printed `lines` lines.
fn run_and_signal(dir: &std::path::Path, heap: &str, signal: &str, lines: usize) -> (String, Option<i32>) {
    let mut child = vheap()
        .args(["run", "prog.lua", "--heap", heap, "--checkpoint-every", "20000"])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let started = Instant::now();
    while out.iter().filter(|&&b| b == b'\n').count() < lines && started.elapsed() < Duration::from_secs(60) {
        let n = stdout.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    stdout.read_to_end(&mut out).unwrap();
    let status = child.wait().unwrap();
    (String::from_utf8(out).unwrap(), status.code())
}

#[test]
fn interrupt_then_resume_prints_exactly_the_uninterrupted_output() {
    let (dir, heap) = setup("int");
    let (first, code) = run_and_signal(&dir, &heap, "-INT", 50);
    assert_eq!(code, Some(130), "Ctrl-C ends with status 130");
    assert!(first.len() < expected().len(), "the program was stopped before its end");
    let resumed = vheap().args(["resume", &heap]).output().unwrap();
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    let all = first + &String::from_utf8(resumed.stdout).unwrap();
    assert_eq!(all, expected());
    let again = vheap().args(["resume", &heap]).output().unwrap();
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("already finished"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn killed_run_resumes_from_its_last_checkpoint() {
    let (dir, heap) = setup("kill");
    let (first, code) = run_and_signal(&dir, &heap, "-KILL", 120);
    assert_eq!(code, None, "killed by a signal");
    let resumed = vheap().args(["resume", &heap]).output().unwrap();
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    let rest = String::from_utf8(resumed.stdout).unwrap();
    let full = expected();
    // The resumed output is the tail of the full output from the checkpoint
    // on; together with what was printed before the kill it covers it all.
    assert!(full.ends_with(&rest), "resumed output is not a tail of the full output");
    assert!(first.len() + rest.len() >= full.len());
    assert!(full.starts_with(&first[..first.len().min(full.len() - rest.len())]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stop_after_then_resume_prints_the_uninterrupted_output() {
    let (dir, heap) = setup("stop-after");
    let first = vheap().args(["run", "prog.lua", "--heap", &heap, "--stop-after", "1500000"]).current_dir(&dir).output().unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stderr).contains("stopped after 1500000 instructions"));
    let before = String::from_utf8(first.stdout).unwrap();
    assert!(!before.is_empty() && before.len() < expected().len(), "stopped midway");
    // Seconds work too, and a later stop-after is honoured across resumes.
    let second = vheap().args(["resume", &heap, "--checkpoint-every", "1s"]).current_dir(&dir).output().unwrap();
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    assert_eq!(before + &String::from_utf8(second.stdout).unwrap(), expected());
    let bad = vheap().args(["run", "prog.lua", "--checkpoint-every", "soon"]).current_dir(&dir).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a count"));
    let _ = std::fs::remove_dir_all(&dir);
}
