//! Heap engine benchmarks. Run with `npm run bench:heap` (or
//! `cargo bench --bench heap`). Every figure is printed next to a baseline
//! measured in the same run; nothing here asserts a time.

use std::hint::black_box;
use std::time::Instant;
use vheap::heap::{Heap, HeapConfig, PagedHeap};
use vheap::store::file::FileStore;
use vheap::store::io::{BlockFile, Dir, OsDir};
use vheap::store::MemStore;

const MIB: usize = 1 << 20;

fn seconds(f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64()
}

/// Best of `n` runs, to keep scheduler noise out of the ratios.
fn best_of(n: usize, mut f: impl FnMut()) -> f64 {
    (0..n).map(|_| seconds(&mut f)).fold(f64::INFINITY, f64::min)
}

fn bench_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("vheap-bench-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Resident accesses against a plain Vec<u8> doing the same accesses.
fn resident_throughput() {
    println!("\n== resident accesses: heap vs Vec<u8> (32 MiB, all resident) ==");
    let size = 32 * MIB;
    let words = size / 8;
    let config = HeapConfig { page_size: 16 * 1024, memory: 40 * MIB, max_size: 1 << 30 };
    let mut paged = PagedHeap::create(MemStore::new(), "bench", &config).unwrap();
    let base = paged.access(|h| h.alloc(size as u64)).unwrap();
    paged.access(|h| h.fill(base, size, 1)).unwrap();
    let heap: &mut Heap = paged.heap();
    let mut vec = vec![1u8; size];
    let random: Vec<usize> = {
        let mut x = 88172645463325252u64;
        (0..words)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x as usize % words) * 8
            })
            .collect()
    };
    let seq: Vec<usize> = (0..words).map(|i| i * 8).collect();
    for (pattern, offsets) in [("sequential", &seq), ("random", &random)] {
        let vec_read = best_of(3, || {
            let mut sum = 0u64;
            for &o in offsets.iter() {
                sum = sum.wrapping_add(u64::from_le_bytes(vec[o..o + 8].try_into().unwrap()));
            }
            black_box(sum);
        });
        let heap_read = best_of(3, || {
            let mut sum = 0u64;
            for &o in offsets.iter() {
                sum = sum.wrapping_add(heap.read_u64(base + o as u64).unwrap());
            }
            black_box(sum);
        });
        let vec_write = best_of(3, || {
            for &o in offsets.iter() {
                vec[o..o + 8].copy_from_slice(&(o as u64).to_le_bytes());
            }
            black_box(&vec);
        });
        let mut heap_write = |logging: bool| {
            heap.set_logging(logging);
            let t = best_of(3, || {
                for (i, &o) in offsets.iter().enumerate() {
                    heap.write_u64(base + o as u64, o as u64).unwrap();
                    // An instruction boundary every 4 writes, as in a VM.
                    if i % 4 == 3 {
                        heap.commit_step();
                    }
                }
                heap.commit_step();
            });
            heap.set_logging(true);
            t
        };
        let logged = heap_write(true);
        let unlogged = heap_write(false);
        let ns = |t: f64| t * 1e9 / words as f64;
        println!(
            "{pattern:>10} read : Vec {:5.2} ns, heap {:5.2} ns, ratio {:.2}",
            ns(vec_read),
            ns(heap_read),
            heap_read / vec_read
        );
        println!(
            "{pattern:>10} write: Vec {:5.2} ns, heap {:5.2} ns (ratio {:.2}); without undo log {:5.2} ns (ratio {:.2}); undo log costs {:.2} ns/write",
            ns(vec_write),
            ns(logged),
            logged / vec_write,
            ns(unlogged),
            unlogged / vec_write,
            ns(logged) - ns(unlogged)
        );
    }
}

/// Fault-in and write-back through the file store against raw file I/O of the
/// same block size, for each page size.
fn paging_throughput() {
    println!("\n== paging through the file store, 8 MiB physical heap, 256 MiB written then read ==");
    println!("{:>9} {:>12} {:>12} {:>7} {:>12} {:>12} {:>7}", "page", "write-back", "raw write", "ratio", "fault-in", "raw read", "ratio");
    let total = 256 * MIB;
    for page_kib in [4usize, 16, 64, 256] {
        let page = page_kib * 1024;
        let dir = bench_dir("paging");
        let store = FileStore::open_dir(&dir).unwrap();
        let config = HeapConfig { page_size: page as u32, memory: 8 * MIB, max_size: 1 << 32 };
        let mut paged = PagedHeap::create(store, "p", &config).unwrap();
        let base = paged.access(|h| h.alloc(total as u64)).unwrap();
        let chunk = vec![7u8; page];
        let write = seconds(|| {
            for off in (0..total).step_by(page) {
                paged.access(|h| h.write_bytes(base + off as u64, &chunk)).unwrap();
            }
            paged.evict_all().unwrap();
        });
        let mut buf = vec![0u8; page];
        let read = seconds(|| {
            for off in (0..total).step_by(page) {
                paged.access(|h| h.read_bytes(base + off as u64, &mut buf)).unwrap();
            }
        });
        drop(paged);
        // The same amount of raw I/O in blocks of one page, no checksums, no fsync.
        let mut os = OsDir::new(&dir).unwrap();
        let mut raw = os.open("raw", true, false).unwrap();
        let raw_write = seconds(|| {
            for off in (0..total).step_by(page) {
                raw.write_at(off as u64, &chunk).unwrap();
            }
        });
        let raw_read = seconds(|| {
            for off in (0..total).step_by(page) {
                raw.read_at(off as u64, &mut buf).unwrap();
            }
        });
        let mbs = |t: f64| total as f64 / MIB as f64 / t;
        println!(
            "{:>6}KiB {:>8.0} MB/s {:>7.0} MB/s {:>7.2} {:>7.0} MB/s {:>7.0} MB/s {:>7.2}",
            page_kib,
            mbs(write),
            mbs(raw_write),
            mbs(write) / mbs(raw_write),
            mbs(read),
            mbs(raw_read),
            mbs(read) / mbs(raw_read)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Checkpoint time against dirty pages, for a 1 GiB heap and a 64 MiB heap.
fn checkpoint_cost() {
    println!("\n== checkpoint time vs dirty pages (16 KiB pages, 8 MiB physical heap) ==");
    println!("{:>10} {:>14} {:>14}", "dirty", "64 MiB heap", "1 GiB heap");
    let mut rows: Vec<Vec<f64>> = vec![Vec::new(); 5];
    for heap_mib in [64usize, 1024] {
        let dir = bench_dir("checkpoint");
        let store = FileStore::open_dir(&dir).unwrap();
        let config = HeapConfig { page_size: 16 * 1024, memory: 8 * MIB, max_size: 1 << 32 };
        let mut paged = PagedHeap::create(store, "c", &config).unwrap();
        let size = heap_mib * MIB;
        let base = paged.access(|h| h.alloc(size as u64)).unwrap();
        let chunk = vec![3u8; 256 * 1024];
        for off in (0..size).step_by(chunk.len()) {
            paged.access(|h| h.write_bytes(base + off as u64, &chunk)).unwrap();
        }
        paged.checkpoint().unwrap();
        let page = 16 * 1024u64;
        let pages = (size as u64) / page;
        for (row, dirty) in [1u64, 10, 50, 100, 400].into_iter().enumerate() {
            let t = best_of(3, || {
                for i in 0..dirty {
                    // Spread the dirty pages over the whole heap.
                    let p = (i * 7919) % pages;
                    paged.access(|h| h.write_u64(base + p * page + 64, i)).unwrap();
                }
                paged.checkpoint().unwrap();
            });
            rows[row].push(t * 1000.0);
        }
        drop(paged);
        let _ = std::fs::remove_dir_all(&dir);
    }
    for (row, dirty) in [1, 10, 50, 100, 400].into_iter().enumerate() {
        println!("{:>10} {:>11.2} ms {:>11.2} ms", dirty, rows[row][0], rows[row][1]);
    }
    println!("(each checkpoint includes the faults that bring the dirtied pages in, and two fsyncs)");
}

/// Faults of the heap's CLOCK against LRU and FIFO replaying the same page
/// trace with the same number of frames.
fn eviction_policy() {
    use std::collections::{HashMap, VecDeque};
    println!("\n== eviction policy: faults for the same trace (4 KiB pages, 64 frames) ==");
    let page = 4096u64;
    let frames = 64usize;
    let config = HeapConfig { page_size: page as u32, memory: frames * page as usize, max_size: 1 << 30 };
    let mut paged = PagedHeap::create(MemStore::new(), "policy", &config).unwrap();
    let pages = 1024u64;
    let base = paged.access(|h| h.alloc(pages * page - 64)).unwrap();
    let mut x = 0x2545F4914F6CDD1Du64;
    let mut trace = Vec::new();
    for i in 0..200_000u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // 80% of accesses go to a hot set of 48 pages that drifts slowly; the rest anywhere.
        let p = if x % 10 < 8 { (i / 5000 * 7 + x % 48) % pages } else { x % pages };
        trace.push(p);
    }
    let before = paged.stats().faults;
    for &p in &trace {
        paged.access(|h| h.read_u64(base - 16 + p * page + 64).map(drop)).unwrap();
    }
    let clock = paged.stats().faults - before;
    let (mut lru_faults, mut fifo_faults) = (0u64, 0u64);
    let mut lru: HashMap<u64, usize> = HashMap::new();
    let mut fifo: VecDeque<u64> = VecDeque::new();
    for (t, &p) in trace.iter().enumerate() {
        if lru.insert(p, t).is_none() {
            lru_faults += 1;
            if lru.len() > frames - 1 {
                let (&oldest, _) = lru.iter().min_by_key(|(_, &when)| when).unwrap();
                lru.remove(&oldest);
            }
        }
        if !fifo.contains(&p) {
            fifo_faults += 1;
            fifo.push_back(p);
            if fifo.len() > frames - 1 {
                fifo.pop_front();
            }
        }
    }
    println!("CLOCK (heap) {clock} faults, LRU {lru_faults}, FIFO {fifo_faults} (63 usable frames; page 0 is pinned)");
    println!("CLOCK / LRU = {:.2}, FIFO / LRU = {:.2}", clock as f64 / lru_faults as f64, fifo_faults as f64 / lru_faults as f64);
}

/// Checkpoint-file export with and without LZ4 on an object-like heap.
fn image_compression() {
    use vheap::image;
    use vheap::store::Store;
    println!("\n== checkpoint file: LZ4 vs raw (64 MiB heap of small linked objects and strings) ==");
    let config = HeapConfig { page_size: 16 * 1024, memory: 8 * MIB, max_size: 1 << 32 };
    let mut paged = PagedHeap::create(MemStore::new(), "img", &config).unwrap();
    let mut prev = 0u64;
    let mut i = 0u64;
    while paged.stats().virtual_size < 64 * MIB as u64 {
        // A "table node": type tag, key, value, next pointer; every 4th a short string.
        let addr = paged
            .access(|h| {
                let a = h.alloc(32)?;
                h.write_u64(a, 5)?;
                h.write_u64(a + 8, i)?;
                h.write_u64(a + 16, i * 3 + 1)?;
                h.write_u64(a + 24, prev)?;
                if i % 4 == 0 {
                    let s = h.alloc(24)?;
                    h.write_bytes(s, format!("key_{i:08}_value").as_bytes())?;
                }
                Ok(a)
            })
            .unwrap();
        prev = addr;
        i += 1;
    }
    paged.checkpoint().unwrap();
    let mut store = paged.close().unwrap();
    let meta = store.open("img").unwrap();
    for compress in [false, true] {
        let mut out = Vec::new();
        let t = seconds(|| {
            image::export(&mut store, "img", &meta, &mut out, compress).unwrap();
        });
        let mut dst = MemStore::new();
        let t_in = seconds(|| {
            image::import(&mut dst, "copy", &out[..], image::ImportLimits::default()).unwrap();
        });
        println!(
            "{:>4}: file {:6.1} MiB ({:.2} of the pages), export {:5.0} MB/s, import {:5.0} MB/s",
            if compress { "lz4" } else { "raw" },
            out.len() as f64 / MIB as f64,
            out.len() as f64 / (meta.page_count as f64 * 16384.0),
            meta.page_count as f64 * 16384.0 / MIB as f64 / t,
            meta.page_count as f64 * 16384.0 / MIB as f64 / t_in
        );
    }
}

fn main() {
    let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let run = |name: &str| only.as_deref().is_none_or(|o| o == name);
    if run("resident") {
        resident_throughput();
    }
    if run("paging") {
        paging_throughput();
    }
    if run("checkpoint") {
        checkpoint_cost();
    }
    if run("policy") {
        eviction_policy();
    }
    if run("image") {
        image_compression();
    }
}
