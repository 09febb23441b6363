//! Checkpoint files: one portable file holding a heap's last checkpoint, to
//! move a running program between tabs and machines. The format is specified
//! in docs/format.md; [`header`] mirrors it field by field.
//!
//! The format is implemented once, without I/O, so that synchronous (CLI) and
//! asynchronous (browser) callers share every byte and every check:
//! - [`ImageEncoder`] turns a header and pages, given one at a time in
//!   ascending order, into the file's bytes; it holds one compressed page.
//! - [`ImageDecoder`] takes the file's bytes in chunks of any size, down to
//!   one byte, and returns the header and each page as soon as they are
//!   verified; it buffers at most the unit it is in the middle of (header,
//!   one record, trailer) plus one decoded page. A page it returns is
//!   verified on its own, but the file is only good once
//!   [`ImageDecoder::finish`] succeeds: the caller must keep pages invisible
//!   until then and drop them on any error.
//!
//! [`export`], [`import`] and [`read_file_header`] drive them from a store and
//! `std::io`, streaming. Import writes into a heap that stays invisible until
//! the whole file, trailer and whole-file checksum included, has been
//! verified, and deletes it on any error, so a bad file leaves nothing.

pub mod asynchronous;
mod decoder;
mod encoder;
pub mod header;
mod rules;

pub use decoder::{Decoded, ImageDecoder};
pub use encoder::{EncodeError, ImageEncoder};

use crate::store::asynchronous::{now_or_never, Blocking};
use crate::store::{HeapMeta, Store, StoreError};
use std::fmt;
use std::io::{self, Read, Write};

/// Bytes read from the input per call during import.
const READ_CHUNK: usize = 64 * 1024;

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
                "checkpoint file format version {v} is newer than this vheap reads (up to {}); upgrade vheap",
                header::FORMAT_VERSION
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
    /// The store handed over pages the format cannot hold (a store bug).
    Encode(EncodeError),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Store(e) => e.fmt(f),
            ExportError::Io(e) => write!(f, "cannot write the checkpoint file: {e}"),
            ExportError::Encode(e) => e.fmt(f),
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

impl From<EncodeError> for ExportError {
    fn from(e: EncodeError) -> Self {
        ExportError::Encode(e)
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

/// Writes the last checkpoint of heap `name` to `out`. The heap must be open
/// in `store` with no uncommitted changes (just opened, or just checkpointed);
/// `meta` is its committed meta.
pub fn export(store: &mut dyn Store, name: &str, meta: &HeapMeta, mut out: impl Write, compress: bool) -> Result<Transfer, ExportError> {
    let mut sink = |bytes: &[u8]| out.write_all(bytes).map_err(ExportError::from);
    let transfer = now_or_never(asynchronous::export_from(&mut Blocking::new(store), name, meta, compress, &mut sink))?;
    out.flush()?;
    Ok(transfer)
}

/// Reads a checkpoint file from `input` into a new heap `name` in `store`.
/// Nothing is visible in the store unless the whole file checks out.
pub fn import(store: &mut dyn Store, name: &str, input: impl Read, limits: ImportLimits) -> Result<(HeapMeta, Transfer), ImportError> {
    let mut source = ReadSource { input, chunk: vec![0u8; READ_CHUNK] };
    now_or_never(asynchronous::import_into(&mut Blocking::new(store), name, &mut source, limits))
}

/// A `Read` as a chunk source (its futures are always ready).
struct ReadSource<R> {
    input: R,
    chunk: Vec<u8>,
}

impl<R: Read> asynchronous::ChunkSource for ReadSource<R> {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, ImportError> {
        let n = read_some(&mut self.input, &mut self.chunk)?;
        Ok((n > 0).then(|| self.chunk[..n].to_vec()))
    }
}

/// Reads only the header of a checkpoint file (for `vheap stat FILE`).
pub fn read_file_header(mut input: impl Read) -> Result<(HeapMeta, u64), ImportError> {
    let mut decoder = ImageDecoder::new(ImportLimits { max_heap_bytes: u64::MAX });
    // A header is at most 72 + 1024 + 8 bytes: two reads at most, and no page data.
    let mut chunk = [0u8; 1024];
    loop {
        let n = read_some(&mut input, &mut chunk)?;
        if n == 0 {
            // The file ended inside its header; finish() says how.
            decoder.finish()?;
            return Err(ImportError::Truncated);
        }
        let mut rest = &chunk[..n];
        while let Some(item) = decoder.decode(&mut rest)? {
            if let Decoded::Header(header) = item {
                return Ok((header.meta.clone(), header.stored_pages));
            }
        }
    }
}

/// One `read`, retried when a signal interrupts it (as `read_exact` does).
fn read_some(input: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match input.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            result => return result,
        }
    }
}
