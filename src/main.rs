//! The `vheap` command line: work with heaps stored in files and move them
//! between machines as checkpoint files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use vheap::heap::PagedHeap;
use vheap::image::{self, ImportLimits};
use vheap::store::file::FileStore;
use vheap::store::Store;

const USAGE: &str = "usage:
  vheap stat HEAP|FILE.vheap       show a heap's (or checkpoint file's) statistics
  vheap export HEAP FILE.vheap     write HEAP's last checkpoint to a checkpoint file
  vheap import FILE.vheap HEAP     create HEAP from a checkpoint file
  vheap list DIR                   list the heaps stored in DIR
  vheap delete HEAP                delete a heap

HEAP is a heap file path such as ./prog.heap (the .heap suffix may be omitted).
Options: --mem SIZE (physical heap for stat, e.g. 8M), --no-compress (export).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("vheap: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Splits a heap path into the store directory and the heap name.
fn heap_location(path: &str) -> Result<(PathBuf, String), String> {
    let path = Path::new(path);
    let file = path.file_name().and_then(|f| f.to_str()).ok_or_else(|| format!("'{}' is not a heap path", path.display()))?;
    let name = file.strip_suffix(".heap").unwrap_or(file).to_string();
    vheap::store::check_heap_name(&name).map_err(|e| e.to_string())?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name))
}

/// Parses sizes like 8M, 512K, 2G or plain bytes.
fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim().to_ascii_uppercase();
    let t = t.trim_end_matches("IB").trim_end_matches('B');
    let (digits, unit) = match t.chars().last() {
        Some('K') => (&t[..t.len() - 1], 1 << 10),
        Some('M') => (&t[..t.len() - 1], 1 << 20),
        Some('G') => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    let n: usize = digits.parse().map_err(|_| format!("'{text}' is not a size (try 8M)"))?;
    n.checked_mul(unit).ok_or_else(|| format!("'{text}' is too large"))
}

struct Options {
    positional: Vec<String>,
    mem: usize,
    compress: bool,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options { positional: Vec::new(), mem: 8 << 20, compress: true };
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--mem" => {
                let value = args.get(i + 1).ok_or("--mem needs a size")?;
                options.mem = parse_size(value)?;
                i += 1;
            }
            "--no-compress" => options.compress = false,
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            _ => options.positional.push(args[i].clone()),
        }
        i += 1;
    }
    Ok(options)
}

fn run(args: &[String]) -> Result<(), String> {
    let Some(command) = args.first() else { return Err(USAGE.to_string()) };
    let options = parse_options(&args[1..])?;
    let arg = |i: usize| options.positional.get(i).map(String::as_str).ok_or_else(|| USAGE.to_string());
    match command.as_str() {
        "stat" => stat(arg(0)?, options.mem),
        "export" => export(arg(0)?, arg(1)?, options.compress),
        "import" => import(arg(0)?, arg(1)?),
        "list" => list(arg(0)?),
        "delete" => {
            let (dir, name) = heap_location(arg(0)?)?;
            FileStore::open_dir(dir).and_then(|mut s| s.delete(&name)).map_err(|e| e.to_string())
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command '{other}'\n{USAGE}")),
    }
}

fn stat(target: &str, mem: usize) -> Result<(), String> {
    if target.ends_with(".vheap") {
        let file = std::fs::File::open(target).map_err(|e| format!("{target}: {e}"))?;
        let (meta, pages) = image::read_file_header(std::io::BufReader::new(file)).map_err(|e| format!("{target}: {e}"))?;
        println!("checkpoint file  {target}");
        println!("program          {}", meta.label);
        println!("epoch            {}", meta.epoch);
        println!("page size        {} KiB", meta.page_size / 1024);
        println!("virtual size     {} pages ({} stored)", meta.page_count, pages);
        println!("in use           {} bytes", meta.bytes_in_use);
        return Ok(());
    }
    let (dir, name) = heap_location(target)?;
    let store = FileStore::open_dir(dir).map_err(|e| e.to_string())?;
    let mut heap = PagedHeap::open(store, &name, mem).map_err(|e| e.to_string())?;
    println!("heap             {target}");
    println!("program          {}", heap.committed_meta().label);
    println!("{}", heap.stats());
    Ok(())
}

fn export(target: &str, file_path: &str, compress: bool) -> Result<(), String> {
    let (dir, name) = heap_location(target)?;
    let mut store = FileStore::open_dir(dir).map_err(|e| e.to_string())?;
    let meta = store.open(&name).map_err(|e| e.to_string())?;
    // Write beside the destination and rename, so a failed export never leaves a partial file.
    let partial = format!("{file_path}.partial");
    let file = std::fs::File::create(&partial).map_err(|e| format!("{file_path}: {e}"))?;
    let mut out = std::io::BufWriter::new(file);
    let result = image::export(&mut store, &name, &meta, &mut out, compress).map_err(|e| e.to_string());
    let result = result.and_then(|t| {
        let file = out.into_inner().map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&partial, file_path).map_err(|e| e.to_string())?;
        Ok(t)
    });
    match result {
        Ok(t) => {
            println!("exported epoch {} of '{name}': {} pages, {} bytes", meta.epoch, t.pages, t.file_bytes);
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn import(file_path: &str, target: &str) -> Result<(), String> {
    let (dir, name) = heap_location(target)?;
    let file = std::fs::File::open(file_path).map_err(|e| format!("{file_path}: {e}"))?;
    let mut store = FileStore::open_dir(dir).map_err(|e| e.to_string())?;
    let (meta, t) = image::import(&mut store, &name, std::io::BufReader::new(file), ImportLimits::default())
        .map_err(|e| format!("{file_path}: {e}"))?;
    println!("imported '{name}' at epoch {}: {} pages from {} bytes", meta.epoch, t.pages, t.file_bytes);
    Ok(())
}

fn list(dir: &str) -> Result<(), String> {
    let mut store = FileStore::open_dir(dir).map_err(|e| e.to_string())?;
    for name in store.list().map_err(|e| e.to_string())? {
        match store.open(&name) {
            Ok(meta) => println!(
                "{name}\tepoch {}\t{} KiB pages\t{} pages\t{}",
                meta.epoch,
                meta.page_size / 1024,
                meta.page_count,
                meta.label
            ),
            Err(e) => println!("{name}\t{e}"),
        }
        let _ = store.close(&name);
    }
    Ok(())
}
