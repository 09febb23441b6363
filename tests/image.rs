//! Checkpoint files: export → import gives a byte-identical heap, and every
//! kind of bad file is rejected with its own error, leaving no heap behind.

mod common;

use common::{verify, Model, Rng};
use vheap::heap::{HeapConfig, PagedHeap};
use vheap::image::{self, header, ImportError, ImportLimits};
use vheap::store::file::FileStore;
use vheap::store::{MemStore, Store};

const PAGE: u32 = 4096;
const MEMORY: usize = 16 * PAGE as usize;

fn sample_heap() -> (MemStore, Model) {
    let mut rng = Rng::new(42);
    let config = HeapConfig { page_size: PAGE, memory: MEMORY, max_size: 64 << 20 };
    let mut heap = PagedHeap::create(MemStore::new(), "src", &config).unwrap();
    heap.set_label("sample.lua");
    let mut model = Model::new();
    for i in 0..300u64 {
        let size = if i % 25 == 0 { 20_000 } else { 1 + rng.below(600) };
        // Mostly compressible data, like real heaps, with some noise.
        let data: Vec<u8> = if i % 3 == 0 { rng.bytes(size as usize) } else { vec![(i % 7) as u8; size as usize] };
        let addr = heap
            .access(|h| {
                let a = h.alloc(size)?;
                h.write_bytes(a, &data)?;
                Ok(a)
            })
            .unwrap();
        model.insert(addr, data);
    }
    let first = *model.keys().next().unwrap();
    heap.access(|h| h.set_root(first)).unwrap();
    heap.checkpoint().unwrap();
    (heap.close().unwrap(), model)
}

fn export_bytes(store: &mut MemStore, name: &str, compress: bool) -> Vec<u8> {
    let meta = store.open(name).unwrap();
    let mut file = Vec::new();
    image::export(store, name, &meta, &mut file, compress).unwrap();
    file
}

fn all_pages(store: &mut dyn Store, name: &str) -> Vec<(u64, Vec<u8>)> {
    let pages = store.committed_pages(name).unwrap();
    let mut out = Vec::new();
    store.read_pages(name, &pages, &mut |p, b| out.push((p, b.unwrap().to_vec()))).unwrap();
    out
}

#[test]
fn export_then_import_is_byte_identical() {
    let (mut src, model) = sample_heap();
    for compress in [false, true] {
        let file = export_bytes(&mut src, "src", compress);
        let mut dst = MemStore::new();
        let (meta, transfer) = image::import(&mut dst, "copy", &file[..], ImportLimits::default()).unwrap();
        assert_eq!(transfer.file_bytes, file.len() as u64);
        let src_meta = src.open("src").unwrap();
        assert_eq!(meta, src_meta);
        dst.open("copy").unwrap();
        assert_eq!(all_pages(&mut dst, "copy"), all_pages(&mut src, "src"));
        let mut heap = PagedHeap::open(dst, "copy", MEMORY).unwrap();
        verify(&mut heap, &model, "imported heap");
        assert_eq!(heap.access(|h| h.root()).unwrap(), *model.keys().next().unwrap());
        assert_eq!(heap.committed_meta().label, "sample.lua");
    }
    let raw = export_bytes(&mut src, "src", false).len();
    let packed = export_bytes(&mut src, "src", true).len();
    assert!(packed < raw / 2, "compressible heap: {packed} vs {raw} bytes");
}

#[test]
fn a_file_store_import_reopens_and_continues() {
    let (mut src, model) = sample_heap();
    let file = export_bytes(&mut src, "src", true);
    let dir = std::env::temp_dir().join(format!("vheap-image-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut store = FileStore::open_dir(&dir).unwrap();
    image::import(&mut store, "moved", &file[..], ImportLimits::default()).unwrap();
    assert_eq!(store.list().unwrap(), vec!["moved".to_string()]);
    let mut heap = PagedHeap::open(store, "moved", MEMORY).unwrap();
    verify(&mut heap, &model, "file-store import");
    // The imported heap keeps working: allocate, checkpoint, reopen.
    let addr = heap.access(|h| h.alloc(100)).unwrap();
    heap.access(|h| h.write_bytes(addr, &[9; 100])).unwrap();
    heap.checkpoint().unwrap();
    let store = heap.close().unwrap();
    let mut heap = PagedHeap::open(store, "moved", MEMORY).unwrap();
    let mut out = [0u8; 100];
    heap.access(|h| h.read_bytes(addr, &mut out)).unwrap();
    assert_eq!(out, [9; 100]);
    drop(heap);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Imports `file` into a fresh store and returns the error; checks nothing was left.
fn reject(file: &[u8], limits: ImportLimits) -> ImportError {
    let mut store = MemStore::new();
    let err = image::import(&mut store, "bad", file, limits).expect_err("a bad file must be rejected");
    assert!(store.list().unwrap().is_empty(), "a rejected import left a heap behind");
    assert!(store.open("bad").is_err());
    err
}

/// Recomputes the header checksum after editing header fields.
fn reseal_header(file: &mut [u8]) {
    let label_len = u32::from_le_bytes(file[header::F_LABEL_LEN..header::F_LABEL_LEN + 4].try_into().unwrap()) as usize;
    let end = header::HEADER_FIXED + label_len;
    let sum = vheap::store::page_checksum(&file[..end]);
    file[end..end + 8].copy_from_slice(&sum.to_le_bytes());
}

#[test]
fn bad_files_are_rejected_with_their_error() {
    let (mut src, _) = sample_heap();
    let good = export_bytes(&mut src, "src", true);
    let limits = ImportLimits::default();

    assert!(matches!(reject(b"", limits), ImportError::NotACheckpoint));
    assert!(matches!(reject(b"-- a Lua program, not a checkpoint\nprint(1)\n", limits), ImportError::NotACheckpoint));
    let mut wrong_magic = good.clone();
    wrong_magic[1] = b'X';
    assert!(matches!(reject(&wrong_magic, limits), ImportError::NotACheckpoint));

    let mut future = good.clone();
    future[header::F_VERSION..header::F_VERSION + 4].copy_from_slice(&99u32.to_le_bytes());
    let err = reject(&future, limits);
    assert!(matches!(err, ImportError::UnsupportedVersion(99)), "{err}");
    assert!(err.to_string().contains("newer"));

    for cut in [10, 60, header::HEADER_FIXED + 20, good.len() / 2, good.len() - 20, good.len() - 1] {
        let err = reject(&good[..cut], limits);
        assert!(matches!(err, ImportError::Truncated), "cut at {cut}: {err}");
    }

    // A flipped bit anywhere after the header: some check must catch it.
    let mut rng = Rng::new(9);
    for _ in 0..200 {
        let mut bad = good.clone();
        let at = 90 + rng.below(good.len() as u64 - 90) as usize;
        bad[at] ^= 1 << rng.below(8);
        let err = reject(&bad, limits);
        assert!(matches!(err, ImportError::Corrupt(_) | ImportError::Truncated), "flip at {at}: {err}");
    }
    let mut bad_header = good.clone();
    bad_header[header::F_EPOCH] ^= 4;
    assert!(matches!(reject(&bad_header, limits), ImportError::Corrupt(_)));

    let mut trailing = good.clone();
    trailing.push(0);
    assert!(matches!(reject(&trailing, limits), ImportError::Corrupt(_)));

    let err = reject(&good, ImportLimits { max_heap_bytes: 64 * 1024 });
    assert!(matches!(err, ImportError::TooLarge { .. }), "{err}");

    // Hostile sizes with a valid header checksum.
    let mut huge = good.clone();
    huge[header::F_PAGE_COUNT..header::F_PAGE_COUNT + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    reseal_header(&mut huge);
    assert!(matches!(reject(&huge, limits), ImportError::Corrupt(_) | ImportError::TooLarge { .. }));
    let mut odd_page = good.clone();
    odd_page[header::F_PAGE_SIZE..header::F_PAGE_SIZE + 4].copy_from_slice(&5000u32.to_le_bytes());
    reseal_header(&mut odd_page);
    assert!(matches!(reject(&odd_page, limits), ImportError::Corrupt(_)));
}

#[test]
fn importing_over_an_existing_heap_is_refused_and_harmless() {
    let (mut src, model) = sample_heap();
    let file = export_bytes(&mut src, "src", true);
    let err = image::import(&mut src, "src", &file[..], ImportLimits::default()).expect_err("name is taken");
    assert!(err.to_string().contains("already exists"), "{err}");
    let mut heap = PagedHeap::open(src, "src", MEMORY).unwrap();
    verify(&mut heap, &model, "original after refused import");
}
