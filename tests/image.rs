//! Checkpoint files: export → import gives a byte-identical heap, and every
//! kind of bad file is rejected with its own error, leaving no heap behind.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

mod common;

use common::{verify, Model, Rng};
use vheap::heap::{HeapConfig, PagedHeap};
use vheap::image::{self, header, Decoded, ImageDecoder, ImageEncoder, ImportError, ImportLimits, Transfer};
use vheap::store::file::FileStore;
use vheap::store::{HeapMeta, MemStore, Store};

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

/// Imports `file` into a fresh store and returns the error; checks nothing was
/// left, and that the decoder fed the file in chunks of 1, 7 and 4096 bytes
/// fails with exactly the same error.
fn reject(file: &[u8], limits: ImportLimits) -> ImportError {
    let mut store = MemStore::new();
    let err = image::import(&mut store, "bad", file, limits).expect_err("a bad file must be rejected");
    assert!(store.list().unwrap().is_empty(), "a rejected import left a heap behind");
    assert!(store.open("bad").is_err());
    for chunk in [1, 7, 4096] {
        let chunked = decode_in_chunks(file, limits, &mut || chunk).expect_err("the decoder must reject it too");
        assert_eq!(format!("{chunked:?}"), format!("{err:?}"), "chunks of {chunk} bytes");
    }
    err
}

#[derive(Debug)]
struct DecodedFile {
    header: header::FileHeader,
    pages: Vec<(u64, Vec<u8>)>,
    transfer: Transfer,
}

/// Runs the decoder over `file`, pushing chunks of the sizes `next_size`
/// gives, as an asynchronous reader would; checks the header comes once, first.
fn decode_in_chunks(file: &[u8], limits: ImportLimits, next_size: &mut dyn FnMut() -> usize) -> Result<DecodedFile, ImportError> {
    let mut decoder = ImageDecoder::new(limits);
    let mut header = None;
    let mut pages = Vec::new();
    let mut at = 0;
    while at < file.len() {
        let end = file.len().min(at + next_size().max(1));
        let mut rest = &file[at..end];
        while let Some(item) = decoder.decode(&mut rest)? {
            match item {
                Decoded::Header(h) => {
                    assert!(header.is_none() && pages.is_empty(), "the header comes once, before any page");
                    header = Some(h.clone());
                }
                Decoded::Page(page, bytes) => {
                    assert!(header.is_some(), "a page before the header");
                    pages.push((page, bytes.to_vec()));
                }
            }
        }
        assert!(rest.is_empty(), "decode() returned None with input left");
        at = end;
    }
    let transfer = decoder.finish()?;
    assert_eq!(decoder.header(), header.as_ref());
    Ok(DecodedFile { header: header.expect("finish() succeeded without a header"), pages, transfer })
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

/// A heap header page as the allocator writes it: the format only looks at the magic.
fn header_page(size: usize, rng: &mut Rng) -> Vec<u8> {
    let mut page = rng.bytes(size);
    page[..8].copy_from_slice(b"VHEAPHDR");
    page
}

fn test_meta(page_count: u64) -> HeapMeta {
    HeapMeta {
        page_size: PAGE,
        page_count,
        max_pages: 1000,
        epoch: 3,
        root: 77,
        bytes_in_use: 12345,
        label: "round trip".into(),
    }
}

#[test]
fn encoder_bytes_decode_to_the_same_pages_in_any_chunking() {
    let mut rng = Rng::new(5);
    for compress in [false, true] {
        let meta = test_meta(400);
        // Page 0, then a random ascending subset: zeros, patterns and noise.
        let mut pages = vec![(0u64, header_page(PAGE as usize, &mut rng))];
        for page in 1..meta.page_count {
            if rng.below(3) == 0 {
                let bytes = match rng.below(3) {
                    0 => vec![0u8; PAGE as usize],
                    1 => (0..PAGE as usize).map(|i| (i / 100) as u8).collect(),
                    _ => rng.bytes(PAGE as usize),
                };
                pages.push((page, bytes));
            }
        }
        let mut encoder = ImageEncoder::new(&meta, pages.len() as u64, compress).unwrap();
        let mut file = encoder.header().to_vec();
        for (page, bytes) in &pages {
            encoder.encode_page(*page, bytes, &mut file).unwrap();
        }
        let written = encoder.finish(&mut file).unwrap();
        assert_eq!(written, Transfer { pages: pages.len() as u64, page_bytes: pages.len() as u64 * 4096, file_bytes: file.len() as u64 });

        for round in 0..20 {
            // Mostly small chunks (every boundary gets split somewhere), some large.
            let mut sizes = || if rng.below(4) == 0 { rng.below(20_000) as usize } else { 1 + rng.below(40) as usize };
            let decoded = decode_in_chunks(&file, ImportLimits::default(), &mut sizes).unwrap();
            assert_eq!(decoded.header, header::FileHeader { meta: meta.clone(), compressed: compress, stored_pages: pages.len() as u64 });
            assert!(decoded.pages == pages, "round {round}: pages differ");
            assert_eq!(decoded.transfer, written);
        }

        // feed(), the callback form, gives the same pages from one-byte pushes.
        let mut decoder = ImageDecoder::new(ImportLimits::default());
        let mut fed = Vec::new();
        for byte in file.chunks(1) {
            decoder
                .feed(byte, &mut |page, bytes| -> Result<(), ImportError> {
                    fed.push((page, bytes.to_vec()));
                    Ok(())
                })
                .unwrap();
        }
        assert_eq!(decoder.finish().unwrap(), written);
        assert!(fed == pages);
        assert_eq!(decoder.header().unwrap().meta, meta);

        // The whole-file importer reads the encoder's bytes into the same pages.
        let mut store = MemStore::new();
        let (imported, transfer) = image::import(&mut store, "rt", &file[..], ImportLimits::default()).unwrap();
        assert_eq!((imported, transfer), (meta.clone(), written));
        store.open("rt").unwrap();
        assert!(all_pages(&mut store, "rt") == pages);
    }
}

#[test]
fn export_is_the_encoder_over_the_store() {
    let (mut src, _) = sample_heap();
    let meta = src.open("src").unwrap();
    let pages = all_pages(&mut src, "src");
    let file = export_bytes(&mut src, "src", true);
    let mut encoder = ImageEncoder::new(&meta, pages.len() as u64, true).unwrap();
    let mut direct = encoder.header().to_vec();
    for (page, bytes) in &pages {
        encoder.encode_page(*page, bytes, &mut direct).unwrap();
    }
    encoder.finish(&mut direct).unwrap();
    assert!(direct == file, "export and the encoder disagree");
    let mut rng = Rng::new(8);
    let decoded = decode_in_chunks(&file, ImportLimits::default(), &mut || 1 + rng.below(5000) as usize).unwrap();
    assert!(decoded.pages == pages);
}

#[test]
fn the_encoder_refuses_what_a_reader_would_reject() {
    let mut rng = Rng::new(6);
    let meta = test_meta(10);
    let zero = header_page(PAGE as usize, &mut rng);
    let page = vec![1u8; PAGE as usize];
    let refuse = |result: Result<(), image::EncodeError>, says: &str| {
        let err = result.expect_err(says).to_string();
        assert!(err.contains(says), "{err}");
    };
    let started = |stored| {
        let mut e = ImageEncoder::new(&meta, stored, false).unwrap();
        e.encode_page(0, &zero, &mut Vec::new()).unwrap();
        e
    };

    let mut e = started(3);
    e.encode_page(5, &page, &mut Vec::new()).unwrap();
    refuse(e.encode_page(4, &page, &mut Vec::new()), "page 4 is out of order");
    refuse(e.encode_page(5, &page, &mut Vec::new()), "page 5 is out of order");
    refuse(e.encode_page(10, &page, &mut Vec::new()), "page 10 is out of order or out of range");
    refuse(e.encode_page(6, &page[1..], &mut Vec::new()), "page 6 has 4095 bytes");
    e.encode_page(9, &page, &mut Vec::new()).unwrap();
    refuse(e.encode_page(10, &page, &mut Vec::new()), "one more than the 3 promised");
    e.finish(&mut Vec::new()).unwrap();

    // Too few pages: no trailer, so no file a reader would take for whole.
    let mut out = Vec::new();
    let err = started(2).finish(&mut out).expect_err("one page short");
    assert!(err.to_string().contains("1 pages encoded but 2 promised"), "{err}");
    assert!(out.is_empty());

    let mut e = ImageEncoder::new(&meta, 1, false).unwrap();
    refuse(e.encode_page(0, &page, &mut Vec::new()), "page 0 is not a heap header");
    for (stored, meta, says) in [
        (0, test_meta(10), "no header page"),
        (11, test_meta(10), "11 stored pages but only 10"),
        (1, HeapMeta { epoch: 0, ..test_meta(10) }, "epoch 0"),
        (1, HeapMeta { page_size: 5000, ..test_meta(10) }, "page size 5000"),
    ] {
        refuse(ImageEncoder::new(&meta, stored, true).map(|_| ()), says);
    }
}

#[test]
fn a_rejected_file_stays_rejected() {
    let (mut src, _) = sample_heap();
    let mut bad = export_bytes(&mut src, "src", true);
    let last = bad.len() - 1;
    bad[last] ^= 1;
    let mut decoder = ImageDecoder::new(ImportLimits::default());
    let err = decoder.feed(&bad, &mut |_, _| Ok::<(), ImportError>(())).expect_err("bad checksum");
    assert!(err.to_string().contains("whole-file checksum"), "{err}");
    // Pushing more, or declaring the end, repeats the verdict instead of resuming.
    let again = decoder.feed(b"more", &mut |_, _| Ok::<(), ImportError>(())).unwrap_err();
    assert_eq!(format!("{again:?}"), format!("{err:?}"));
    assert_eq!(format!("{:?}", decoder.finish().unwrap_err()), format!("{err:?}"));
}

#[test]
fn reading_the_header_reads_no_further() {
    struct Counting<'a>(&'a [u8], usize);
    impl std::io::Read for Counting<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = std::io::Read::read(&mut self.0, buf)?;
            self.1 += n;
            Ok(n)
        }
    }
    let (mut src, _) = sample_heap();
    let file = export_bytes(&mut src, "src", true);
    let meta = src.open("src").unwrap();
    let mut input = Counting(&file, 0);
    let (read, stored) = image::read_file_header(&mut input).unwrap();
    assert_eq!((read, stored), (meta, src.committed_pages("src").unwrap().len() as u64));
    assert!(input.1 <= 2048, "read {} bytes of a {}-byte file for its header", input.1, file.len());
    let header_len = header::HEADER_FIXED + "sample.lua".len() + 8;
    assert!(matches!(image::read_file_header(&file[..header_len - 1]), Err(ImportError::Truncated)));
    assert!(matches!(image::read_file_header(&file[..5]), Err(ImportError::NotACheckpoint)));
}

/// A well-formed file (every checksum right) whose only record is page 1:
/// without page 0 there is no heap header, so it is not a heap.
#[test]
fn a_file_without_page_0_is_rejected() {
    let meta = HeapMeta { page_size: PAGE, page_count: 4, max_pages: 16, epoch: 1, root: 0, bytes_in_use: 0, label: String::new() };
    let mut file = header::FileHeader { meta: meta.clone(), compressed: false, stored_pages: 1 }.to_bytes();
    let page = vec![7u8; PAGE as usize];
    let record = header::RecordHeader {
        page: 1,
        encoding: header::ENCODING_RAW,
        stored_len: PAGE,
        checksum: vheap::store::page_checksum(&page),
    };
    file.extend_from_slice(&record.to_bytes());
    file.extend_from_slice(&page);
    file.extend_from_slice(&header::TRAILER_MAGIC);
    file.extend_from_slice(&1u64.to_le_bytes());
    let sum = vheap::store::page_checksum(&file);
    file.extend_from_slice(&sum.to_le_bytes());
    let err = reject(&file, ImportLimits::default());
    assert!(matches!(&err, ImportError::Corrupt(why) if why.contains("page 0")), "{err}");
    // The encoder refuses to write such a file in the first place.
    let mut encoder = ImageEncoder::new(&meta, 1, false).unwrap();
    assert!(encoder.encode_page(1, &page, &mut Vec::new()).is_err());
}

/// Hundreds of randomly damaged files (bits flipped, bytes zeroed or
/// inserted, cut short), a fixed seed: each is either rejected, leaving no
/// heap, or imported as a heap that opens and holds exactly the original
/// data; nothing panics.
#[test]
fn randomly_damaged_files_are_rejected_or_import_whole() {
    let (mut src, model) = sample_heap();
    let file = export_bytes(&mut src, "src", true);
    let mut rng = Rng::new(0x5eed);
    let mut rejected = 0;
    for round in 0..300 {
        let mut bad = file.clone();
        match round % 4 {
            0 => {
                for _ in 0..1 + rng.below(8) {
                    let i = rng.below(bad.len() as u64) as usize;
                    bad[i] ^= 1 << rng.below(8);
                }
            }
            1 => bad.truncate(rng.below(bad.len() as u64) as usize),
            2 => {
                let i = rng.below(bad.len() as u64) as usize;
                let end = (i + 1 + rng.below(256) as usize).min(bad.len());
                bad[i..end].fill(0);
            }
            _ => {
                let i = rng.below(bad.len() as u64) as usize;
                let len = 1 + rng.below(64) as usize;
                let extra = rng.bytes(len);
                bad.splice(i..i, extra);
            }
        }
        let mut store = MemStore::new();
        match image::import(&mut store, "copy", &bad[..], ImportLimits::default()) {
            Err(_) => {
                assert!(store.list().unwrap().is_empty(), "round {round}: a rejected import left a heap behind");
                rejected += 1;
            }
            Ok(_) => {
                // Only a change the format does not cover (e.g. zeroed bytes
                // already zero) gets through: the heap is the original.
                let mut heap = PagedHeap::open(store, "copy", MEMORY).unwrap();
                verify(&mut heap, &model, "imported damaged file");
            }
        }
    }
    assert!(rejected > 250, "only {rejected} of 300 damaged files were rejected");
}
