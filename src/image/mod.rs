//! Checkpoint files: one portable file holding a heap's last checkpoint, to
//! move a running program between tabs and machines. The format is specified
//! in docs/format.md; [`header`] mirrors it field by field.
//!
//! Both directions stream: export holds one page (and one compressed page) at
//! a time, import one batch of pages. Import writes into a heap that stays
//! invisible until the whole file, trailer and whole-file checksum included,
//! has been verified, and deletes it on any error, so a bad file leaves nothing.

pub mod header;

use crate::store::{page_checksum, HeapMeta, PageNo, Store, StoreError};
use header::*;
use std::fmt;
use std::io::{self, Read, Write};
use xxhash_rust::xxh3::Xxh3;

/// Pages written to the store per batch during import.
const IMPORT_BATCH: usize = 32;

/// Why an import failed. Each names what the user can do about it.
#[derive(Debug)]
#[non_exhaustive]
pub enum ImportError {
    /// The file does not start with the checkpoint magic.
    NotACheckpoint,
    /// Written by a newer format version.
    UnsupportedVersion(u32),
    /// The file ends early.
    Truncated,
    /// A check failed; says which.
    Corrupt(String),
    /// The heap would be larger than the importer allows.
    TooLarge { bytes: u64, limit: u64 },
    Store(StoreError),
    Io(io::Error),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::NotACheckpoint => write!(f, "not a vheap checkpoint file"),
            ImportError::UnsupportedVersion(v) => write!(
                f,
                "checkpoint file format version {v} is newer than this vheap reads (up to {FORMAT_VERSION}); upgrade vheap"
            ),
            ImportError::Truncated => write!(f, "the checkpoint file is truncated"),
            ImportError::Corrupt(what) => write!(f, "the checkpoint file is corrupt: {what}"),
            ImportError::TooLarge { bytes, limit } => {
                write!(f, "the checkpoint holds a {bytes}-byte heap, more than the {limit} bytes allowed here")
            }
            ImportError::Store(e) => e.fmt(f),
            ImportError::Io(e) => write!(f, "cannot read the checkpoint file: {e}"),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e)
    }
}

impl From<io::Error> for ImportError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            ImportError::Truncated
        } else {
            ImportError::Io(e)
        }
    }
}

/// Why an export failed.
#[derive(Debug)]
pub enum ExportError {
    Store(StoreError),
    Io(io::Error),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Store(e) => e.fmt(f),
            ExportError::Io(e) => write!(f, "cannot write the checkpoint file: {e}"),
        }
    }
}

impl std::error::Error for ExportError {}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        ExportError::Store(e)
    }
}

impl From<io::Error> for ExportError {
    fn from(e: io::Error) -> Self {
        ExportError::Io(e)
    }
}

/// What an export or import moved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Transfer {
    pub pages: u64,
    /// Bytes of page data before compression.
    pub page_bytes: u64,
    /// Bytes of the file.
    pub file_bytes: u64,
}

/// Limits an importer applies to untrusted files.
#[derive(Clone, Copy, Debug)]
pub struct ImportLimits {
    /// Largest heap (page count × page size) accepted.
    pub max_heap_bytes: u64,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits { max_heap_bytes: 1 << 40 }
    }
}

/// A writer that hashes everything it writes.
struct HashingWriter<W> {
    inner: W,
    hash: Xxh3,
    written: u64,
}

impl<W: Write> HashingWriter<W> {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.update(bytes);
        self.written += bytes.len() as u64;
        self.inner.write_all(bytes)
    }
}

/// A reader that hashes everything it reads.
struct HashingReader<R> {
    inner: R,
    hash: Xxh3,
    read: u64,
}

impl<R: Read> HashingReader<R> {
    fn take(&mut self, buf: &mut [u8]) -> io::Result<()> {
        self.inner.read_exact(buf)?;
        self.hash.update(buf);
        self.read += buf.len() as u64;
        Ok(())
    }
}

/// Writes the last checkpoint of heap `name` to `out`. The heap must be open
/// in `store` with no uncommitted changes (just opened, or just checkpointed);
/// `meta` is its committed meta.
pub fn export(store: &mut dyn Store, name: &str, meta: &HeapMeta, out: impl Write, compress: bool) -> Result<Transfer, ExportError> {
    let pages = store.committed_pages(name)?;
    let mut w = HashingWriter { inner: out, hash: Xxh3::new(), written: 0 };
    let header = FileHeader { meta: meta.clone(), compressed: compress, stored_pages: pages.len() as u64 };
    w.put(&header.to_bytes())?;
    let mut scratch = vec![0u8; lz4_flex::block::get_maximum_output_size(meta.page_size as usize)];
    let mut written = 0u64;
    let mut result: Result<(), ExportError> = Ok(());
    for batch in pages.chunks(IMPORT_BATCH) {
        store.read_pages(name, batch, &mut |page, bytes| {
            if result.is_err() {
                return;
            }
            let zeros;
            let bytes = match bytes {
                Some(b) => b,
                None => {
                    zeros = vec![0u8; meta.page_size as usize];
                    &zeros
                }
            };
            result = write_record(&mut w, page, bytes, compress, &mut scratch).map_err(ExportError::from);
            written += 1;
        })?;
        std::mem::replace(&mut result, Ok(()))?;
    }
    w.put(&TRAILER_MAGIC)?;
    w.put(&written.to_le_bytes())?;
    let sum = w.hash.digest();
    w.inner.write_all(&sum.to_le_bytes())?;
    w.inner.flush()?;
    Ok(Transfer { pages: written, page_bytes: written * u64::from(meta.page_size), file_bytes: w.written + 8 })
}

fn write_record<W: Write>(w: &mut HashingWriter<W>, page: PageNo, bytes: &[u8], compress: bool, scratch: &mut [u8]) -> io::Result<()> {
    let mut encoding = ENCODING_RAW;
    let mut data = bytes;
    if compress {
        if let Ok(n) = lz4_flex::block::compress_into(bytes, scratch) {
            if n < bytes.len() {
                encoding = ENCODING_LZ4;
                data = &scratch[..n];
            }
        }
    }
    let record = RecordHeader {
        page,
        encoding,
        stored_len: u32::try_from(data.len()).expect("a page is at most 1 MiB"),
        checksum: page_checksum(bytes),
    };
    w.put(&record.to_bytes())?;
    w.put(data)
}

/// Reads a checkpoint file from `input` into a new heap `name` in `store`.
/// Nothing is visible in the store unless the whole file checks out.
pub fn import(store: &mut dyn Store, name: &str, input: impl Read, limits: ImportLimits) -> Result<(HeapMeta, Transfer), ImportError> {
    let mut r = HashingReader { inner: input, hash: Xxh3::new(), read: 0 };
    let header = read_header(&mut r, limits)?;
    store.create(name, &header.meta)?;
    match import_pages(store, name, &mut r, &header) {
        Ok(transfer) => Ok((header.meta, transfer)),
        Err(e) => {
            // Drop the invisible half heap; the original error is what matters.
            let _ = store.delete(name);
            let _ = store.close(name);
            Err(e)
        }
    }
}

fn read_header<R: Read>(r: &mut HashingReader<R>, limits: ImportLimits) -> Result<FileHeader, ImportError> {
    let mut fixed = [0u8; HEADER_FIXED];
    // A file shorter than the magic is simply not a checkpoint.
    if let Err(e) = r.take(&mut fixed[..8]) {
        return Err(if e.kind() == io::ErrorKind::UnexpectedEof { ImportError::NotACheckpoint } else { e.into() });
    }
    if fixed[..8] != MAGIC {
        return Err(ImportError::NotACheckpoint);
    }
    r.take(&mut fixed[8..])?;
    let version = u32_at(&fixed, F_VERSION);
    if version > FORMAT_VERSION {
        return Err(ImportError::UnsupportedVersion(version));
    }
    if version == 0 {
        return Err(ImportError::Corrupt("format version 0".into()));
    }
    let label_len = u32_at(&fixed, F_LABEL_LEN) as usize;
    if label_len > crate::store::MAX_LABEL_LEN {
        return Err(ImportError::Corrupt(format!("label of {label_len} bytes")));
    }
    let mut label = vec![0u8; label_len];
    r.take(&mut label)?;
    let expected = r.hash.digest();
    let mut sum = [0u8; 8];
    r.take(&mut sum)?;
    if u64::from_le_bytes(sum) != expected {
        return Err(ImportError::Corrupt("header checksum mismatch".into()));
    }
    let header = FileHeader::from_bytes(&fixed, label).map_err(ImportError::Corrupt)?;
    let bytes = header.meta.page_count.saturating_mul(u64::from(header.meta.page_size));
    if bytes > limits.max_heap_bytes {
        return Err(ImportError::TooLarge { bytes, limit: limits.max_heap_bytes });
    }
    Ok(header)
}

fn import_pages<R: Read>(
    store: &mut dyn Store,
    name: &str,
    r: &mut HashingReader<R>,
    header: &FileHeader,
) -> Result<Transfer, ImportError> {
    let page_size = header.meta.page_size as usize;
    let mut stored = vec![0u8; lz4_flex::block::get_maximum_output_size(page_size)];
    let mut batch: Vec<(PageNo, Vec<u8>)> = Vec::with_capacity(IMPORT_BATCH);
    let mut previous: Option<PageNo> = None;
    for _ in 0..header.stored_pages {
        let mut rec = [0u8; RECORD_HEADER];
        r.take(&mut rec)?;
        let record = RecordHeader::from_bytes(&rec);
        if record.page >= header.meta.page_count || previous.is_some_and(|p| record.page <= p) {
            return Err(ImportError::Corrupt(format!("page {} is out of order or out of range", record.page)));
        }
        previous = Some(record.page);
        let len = record.stored_len as usize;
        if len > stored.len() || (record.encoding == ENCODING_RAW && len != page_size) {
            return Err(ImportError::Corrupt(format!("page {} has a bad length {len}", record.page)));
        }
        r.take(&mut stored[..len])?;
        let mut page = vec![0u8; page_size];
        match record.encoding {
            ENCODING_RAW => page.copy_from_slice(&stored[..len]),
            ENCODING_LZ4 => match lz4_flex::block::decompress_into(&stored[..len], &mut page) {
                Ok(n) if n == page_size => {}
                _ => return Err(ImportError::Corrupt(format!("page {} does not decompress", record.page))),
            },
            other => return Err(ImportError::Corrupt(format!("page {} has unknown encoding {other}", record.page))),
        }
        if page_checksum(&page) != record.checksum {
            return Err(ImportError::Corrupt(format!("page {} fails its checksum", record.page)));
        }
        if record.page == 0 && page[..8] != crate::heap::alloc::HEADER_MAGIC.to_le_bytes() {
            return Err(ImportError::Corrupt("page 0 is not a heap header".into()));
        }
        batch.push((record.page, page));
        if batch.len() == IMPORT_BATCH {
            flush(store, name, &mut batch)?;
        }
    }
    flush(store, name, &mut batch)?;
    if header.stored_pages == 0 || previous.is_none() {
        return Err(ImportError::Corrupt("the file holds no header page".into()));
    }
    let mut trailer = [0u8; 16];
    r.take(&mut trailer)?;
    if trailer[..8] != TRAILER_MAGIC || u64::from_le_bytes(trailer[8..].try_into().expect("8 bytes")) != header.stored_pages {
        return Err(ImportError::Corrupt("bad trailer".into()));
    }
    let expected = r.hash.digest();
    let mut sum = [0u8; 8];
    r.inner.read_exact(&mut sum)?;
    if u64::from_le_bytes(sum) != expected {
        return Err(ImportError::Corrupt("whole-file checksum mismatch".into()));
    }
    let mut extra = [0u8; 1];
    if r.inner.read(&mut extra)? != 0 {
        return Err(ImportError::Corrupt("data after the end of the checkpoint".into()));
    }
    store.commit(name, &header.meta)?;
    Ok(Transfer {
        pages: header.stored_pages,
        page_bytes: header.stored_pages * page_size as u64,
        file_bytes: r.read + 8,
    })
}

fn flush(store: &mut dyn Store, name: &str, batch: &mut Vec<(PageNo, Vec<u8>)>) -> Result<(), StoreError> {
    if batch.is_empty() {
        return Ok(());
    }
    let pages: Vec<(PageNo, &[u8])> = batch.iter().map(|(p, b)| (*p, b.as_slice())).collect();
    store.write_pages(name, &pages)?;
    batch.clear();
    Ok(())
}

/// Reads only the header of a checkpoint file (for `vheap stat FILE`).
pub fn read_file_header(input: impl Read) -> Result<(HeapMeta, u64), ImportError> {
    let mut r = HashingReader { inner: input, hash: Xxh3::new(), read: 0 };
    let header = read_header(&mut r, ImportLimits { max_heap_bytes: u64::MAX })?;
    Ok((header.meta, header.stored_pages))
}
