//! The shared Lua test corpus (`tests/lua/*.lua` of the main crate): every
//! program compiles, except those whose reference run is a syntax error,
//! for which our message must equal the reference's.
//!
//! `<name>.expected` holds the program's output and, for failing runs,
//! `--- exit <status>` followed by the first stderr line without the
//! `lua5.4: ` prefix. A syntax error fails before anything is printed, so
//! its expected file *starts* with `--- exit`.
//!
//! The corpus directory is `$LUA_CORPUS_DIR`, else `tests/lua` under the
//! crate root, else `/work/main/tests/lua`; when none exists the test
//! passes vacuously.

use std::path::PathBuf;

use super::super::{compile, strip_file_prefix};

fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("LUA_CORPUS_DIR").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/lua")),
        Some(PathBuf::from("/work/main/tests/lua")),
    ];
    candidates.into_iter().flatten().find(|dir| dir.is_dir())
}

/// The message of a syntax error expected by `expected` (if it describes
/// one).
fn expected_syntax_error(expected: &str) -> Option<&str> {
    let rest = expected.strip_prefix("--- exit ")?;
    let (_status, message) = rest.split_once('\n')?;
    Some(message.lines().next().unwrap_or(""))
}

#[test]
fn corpus_programs_compile_or_fail_like_the_reference() {
    let Some(dir) = corpus_dir() else {
        eprintln!("no Lua corpus found; skipping");
        return;
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.retain(|p| p.extension().is_some_and(|e| e == "lua"));
    entries.sort();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &entries {
        let Ok(source) = std::fs::read(path) else { continue };
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let expected = std::fs::read(path.with_extension("expected"))
            .map(|e| String::from_utf8_lossy(&e).into_owned())
            .unwrap_or_default();
        let want_error = expected_syntax_error(&expected);
        let result = compile(strip_file_prefix(&source), &format!("@{file_name}"));
        checked += 1;
        match (result, want_error) {
            (Ok(_), None) => {}
            (Ok(_), Some(msg)) => failures.push(format!("{file_name}: compiled, reference says {msg:?}")),
            (Err(e), Some(msg)) if e.message == msg => {}
            (Err(e), want) => failures.push(format!("{file_name}: got {:?}, want {want:?}", e.message)),
        }
    }
    eprintln!("checked {checked} corpus programs in {}", dir.display());
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
