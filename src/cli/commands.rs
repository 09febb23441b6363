//! The `vheap` command line: work with heaps stored in files and move them
//! between machines as checkpoint files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use vheap::heap::HeapConfig;
use vheap::lua::host::HostValue;
use vheap::lua::runtime::{LuaVm, RunOutcome};
use vheap::lua::state::RunStatus;
use std::process::ExitCode;
use vheap::heap::PagedHeap;
use vheap::image::{self, ImportLimits};
use vheap::store::file::FileStore;
use vheap::store::Store;

const USAGE: &str = "usage:
  vheap run PROGRAM.lua [ARGS...] [--heap HEAP] [--mem SIZE] [--page-size SIZE] [--max-size SIZE]
                   [--checkpoint-every N|Ns] [--stop-after N] [-- ARGS...]
                                   run a Lua 5.4 program on a paged heap (Ctrl-C checkpoints and stops)
  vheap resume HEAP                continue a program from its last checkpoint
  vheap stat HEAP|FILE.vheap       show a heap's (or checkpoint file's) statistics
  vheap export HEAP FILE.vheap     write HEAP's last checkpoint to a checkpoint file
  vheap import FILE.vheap HEAP     create HEAP from a checkpoint file
  vheap list DIR                   list the heaps stored in DIR
  vheap delete HEAP                delete a heap

HEAP is a heap file path such as ./prog.heap (the .heap suffix may be omitted).
Options: --mem SIZE (physical heap, default 8M), --max-size SIZE (the heap's
  address space, default 64G; beyond it Lua's \"not enough memory\"), --no-compress (export),
  --checkpoint-every N (instructions between automatic checkpoints) or Ns (seconds),
  --stop-after N (checkpoint and stop after N instructions; `resume` continues).
ARGS reach the program as the global `arg` (arg[0] is PROGRAM.lua); stdin is its io.read.";

pub fn main() -> ExitCode {
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
    usize::try_from(vheap::heap::parse_size(text)?).map_err(|_| format!("'{text}' is too large"))
}

struct Options {
    positional: Vec<String>,
    mem: usize,
    compress: bool,
    heap: Option<String>,
    page_size: u32,
    /// The heap's maximum size (its address space); beyond it the program
    /// gets Lua's "not enough memory" error.
    max_size: Option<u64>,
    checkpoint_every: Option<Every>,
    stop_after: Option<u64>,
}

/// How often `run` takes an automatic checkpoint.
#[derive(Clone, Copy)]
enum Every {
    Instructions(u64),
    Seconds(f64),
}

fn parse_every(text: &str) -> Result<Every, String> {
    let bad = || format!("'{text}' is not a count of instructions (100000) or of seconds (10s)");
    match text.strip_suffix('s') {
        Some(seconds) => seconds.parse::<f64>().ok().filter(|s| *s > 0.0 && s.is_finite()).map(Every::Seconds).ok_or_else(bad),
        None => text.parse::<u64>().ok().filter(|n| *n > 0).map(Every::Instructions).ok_or_else(bad),
    }
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options =
        Options { positional: Vec::new(), mem: 8 << 20, compress: true, heap: None, page_size: 16 * 1024, max_size: None, checkpoint_every: None, stop_after: None };
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--mem" => {
                let value = args.get(i + 1).ok_or("--mem needs a size")?;
                options.mem = parse_size(value)?;
                i += 1;
            }
            "--no-compress" => options.compress = false,
            "--heap" => {
                options.heap = Some(args.get(i + 1).ok_or("--heap needs a path")?.clone());
                i += 1;
            }
            "--page-size" => {
                let value = args.get(i + 1).ok_or("--page-size needs a size")?;
                options.page_size = u32::try_from(parse_size(value)?).map_err(|_| "page size too large".to_string())?;
                i += 1;
            }
            "--max-size" => {
                let value = args.get(i + 1).ok_or("--max-size needs a size")?;
                options.max_size = Some(parse_size(value)? as u64);
                i += 1;
            }
            "--checkpoint-every" => {
                let value = args.get(i + 1).ok_or("--checkpoint-every needs a count")?;
                options.checkpoint_every = Some(parse_every(value)?);
                i += 1;
            }
            "--stop-after" => {
                let value = args.get(i + 1).ok_or("--stop-after needs a count")?;
                options.stop_after = Some(value.parse().map_err(|_| format!("'{value}' is not a count of instructions"))?);
                i += 1;
            }
            // Everything after "--" is for the program (`arg`), even if it looks like an option.
            "--" => {
                options.positional.extend(args[i + 1..].iter().cloned());
                break;
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            _ => options.positional.push(args[i].clone()),
        }
        i += 1;
    }
    Ok(options)
}

/// Set by Ctrl-C: finish the current slice, checkpoint, stop.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Why the program stopped, for the exit status.
enum Ended {
    Done,
    Failed,
    Interrupted,
    /// `--stop-after` reached: checkpointed, the heap is kept for `resume`.
    Stopped,
    /// `os.exit` with a status other than 0.
    Exit(u8),
}

fn run_program(path: &str, options: &Options) -> Result<(), String> {
    if options.stop_after.is_some() && options.heap.is_none() {
        return Err("--stop-after needs --heap HEAP: the stopped program is kept there for `vheap resume`".into());
    }
    let source = std::fs::read(path).map_err(|e| format!("cannot open {path}: {e}"))?;
    let (dir, name, temporary) = match &options.heap {
        Some(h) => {
            let (d, n) = heap_location(h)?;
            (d, n, false)
        }
        None => {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
            let dir = std::env::temp_dir().join(format!("vheap-run-{}-{nanos}", std::process::id()));
            (dir, "program".to_string(), true)
        }
    };
    // A temporary heap is removed however the run ends (but Ctrl-C keeps it).
    let _cleanup = TempDir { path: dir.clone(), active: temporary };
    let store = FileStore::open_dir(&dir).map_err(|e| e.to_string())?;
    let config = HeapConfig { page_size: options.page_size, memory: options.mem, max_size: options.max_size.unwrap_or(HeapConfig::default().max_size) };
    let mut vm = LuaVm::create(store, &name, &config).map_err(|e| e.to_string())?;
    vm.set_input(Box::new(std::io::stdin()));
    let chunk = format!("@{path}");
    if let Err(msg) = vm.load(&source, &chunk).map_err(|e| e.to_string())? {
        eprintln!("vheap: {msg}");
        drop(vm);
        cleanup(temporary, &dir);
        std::process::exit(1);
    }
    // The script's arguments, as lua.c gives them: arg[0] is the script,
    // arg[1..] what follows it on the command line (`...` stays empty).
    let mut script_args = vec![(HostValue::Int(0), HostValue::Str(path.as_bytes().to_vec()))];
    for (i, a) in options.positional.iter().skip(1).enumerate() {
        script_args.push((HostValue::Int(i as i64 + 1), HostValue::Str(a.as_bytes().to_vec())));
    }
    if let Err(why) = vm.set_global("arg", &HostValue::Map(script_args)).map_err(|e| e.to_string())? {
        return Err(format!("the arguments cannot be given to the program: {why}"));
    }
    let heap_path = dir.join(format!("{name}.heap"));
    let ended = drive(&mut vm, options, &heap_path)?;
    drop(vm);
    finish(ended, temporary, &dir)
}

struct TempDir {
    path: PathBuf,
    active: bool,
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if self.active && !INTERRUPTED.load(Ordering::SeqCst) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

fn resume_program(target: &str, options: &Options) -> Result<(), String> {
    let (dir, name) = heap_location(target)?;
    let store = FileStore::open_dir(&dir).map_err(|e| e.to_string())?;
    let mut vm = LuaVm::open(store, &name, options.mem).map_err(|e| e.to_string())?;
    vm.set_input(Box::new(std::io::stdin()));
    match vm.status().map_err(|e| e.to_string())? {
        RunStatus::Running => {}
        RunStatus::Done => return Err(format!("the program in {target} has already finished")),
        RunStatus::Error => return Err(format!("the program in {target} has already ended with an error")),
        RunStatus::Empty => return Err(format!("{target} holds no program")),
    }
    let ended = drive(&mut vm, options, &dir.join(format!("{name}.heap")))?;
    drop(vm);
    finish(ended, false, &dir)
}

fn cleanup(temporary: bool, dir: &Path) {
    if temporary {
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn finish(ended: Ended, temporary: bool, dir: &Path) -> Result<(), String> {
    match ended {
        Ended::Done => {
            cleanup(temporary, dir);
            Ok(())
        }
        Ended::Failed => {
            cleanup(temporary, dir);
            std::process::exit(1);
        }
        Ended::Exit(code) => {
            cleanup(temporary, dir);
            std::process::exit(i32::from(code));
        }
        Ended::Interrupted => std::process::exit(130),
        Ended::Stopped => Ok(()),
    }
}

/// Runs slices until the program ends or Ctrl-C, checkpointing as asked.
fn drive(vm: &mut LuaVm<FileStore>, options: &Options, heap_path: &Path) -> Result<Ended, String> {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    let mut slice: u64 = match options.checkpoint_every {
        Some(Every::Instructions(n)) => n.clamp(1, 100_000),
        _ => 100_000,
    };
    let mut since_checkpoint = 0u64;
    let mut executed = 0u64;
    let mut last_checkpoint = std::time::Instant::now();
    let mut stdout = std::io::stdout().lock();
    loop {
        if let Some(limit) = options.stop_after {
            slice = slice.min(limit - executed);
        }
        let outcome = vm
            .run(slice, &mut |bytes| {
                let _ = stdout.write_all(bytes);
                // Flushed at once: a prompt must show before the program waits for input.
                let _ = stdout.flush();
            })
            .map_err(|e| e.to_string())?;
        let _ = stdout.flush();
        if outcome != RunOutcome::Paused {
            // Record the end, so that `resume` knows the program finished.
            vm.checkpoint().map_err(|e| e.to_string())?;
        }
        match outcome {
            RunOutcome::Done => {
                return match vm.exit_code().map_err(|e| e.to_string())? {
                    0 => Ok(Ended::Done),
                    code => Ok(Ended::Exit(code)),
                }
            }
            RunOutcome::Failed => {
                let (message, traceback) = vm.error_report().map_err(|e| e.to_string())?;
                eprintln!("vheap: {message}");
                if !traceback.is_empty() {
                    eprintln!("{traceback}");
                }
                return Ok(Ended::Failed);
            }
            RunOutcome::Paused => {}
        }
        since_checkpoint += slice;
        executed += slice;
        let due = match options.checkpoint_every {
            Some(Every::Instructions(n)) => since_checkpoint >= n,
            Some(Every::Seconds(s)) => last_checkpoint.elapsed().as_secs_f64() >= s,
            None => false,
        };
        if due {
            vm.checkpoint().map_err(|e| e.to_string())?;
            since_checkpoint = 0;
            last_checkpoint = std::time::Instant::now();
        }
        if options.stop_after.is_some_and(|limit| executed >= limit) {
            let report = vm.checkpoint().map_err(|e| e.to_string())?;
            eprintln!(
                "vheap: stopped after {executed} instructions; checkpoint {} written to {}; continue with: vheap resume {}",
                report.epoch,
                heap_path.display(),
                heap_path.display()
            );
            return Ok(Ended::Stopped);
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            let report = vm.checkpoint().map_err(|e| e.to_string())?;
            eprintln!(
                "vheap: interrupted; checkpoint {} written to {}; continue with: vheap resume {}",
                report.epoch,
                heap_path.display(),
                heap_path.display()
            );
            return Ok(Ended::Interrupted);
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let Some(command) = args.first() else { return Err(USAGE.to_string()) };
    let options = parse_options(&args[1..])?;
    let arg = |i: usize| options.positional.get(i).map(String::as_str).ok_or_else(|| USAGE.to_string());
    match command.as_str() {
        "run" => run_program(arg(0)?, &options),
        "resume" => resume_program(arg(0)?, &options),
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
