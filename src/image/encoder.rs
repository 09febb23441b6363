//! Writing a checkpoint file without doing any I/O: the encoder turns a header
//! and pages into bytes, and the caller moves those bytes wherever it likes
//! (a `Write`, a browser `Blob` part, a network socket).

use super::header::{FileHeader, RecordHeader, ENCODING_LZ4, ENCODING_RAW, TRAILER_MAGIC};
use super::{rules, Transfer};
use crate::store::{page_checksum, HeapMeta, PageNo};
use std::fmt;
use xxhash_rust::xxh3::Xxh3;

/// The caller asked for a file the format (or its reader) does not allow:
/// a bad header, pages out of order, or a record count other than promised.
/// Always a bug in the caller or its store, never in the data's owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError(String);

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot encode the checkpoint: {}", self.0)
    }
}

impl std::error::Error for EncodeError {}

/// Encodes one checkpoint file. Use: write [`header`](Self::header), then the
/// bytes [`encode_page`](Self::encode_page) appends for each of the promised
/// pages in ascending order, then the bytes [`finish`](Self::finish) appends.
/// The header goes first, so the record count must be known up front; it is
/// the committed page set, so it always is.
pub struct ImageEncoder {
    header: Vec<u8>,
    page_size: usize,
    page_count: u64,
    stored_pages: u64,
    compress: bool,
    /// Records encoded so far, and the last one's page (for the order rule).
    written: u64,
    previous: Option<PageNo>,
    /// Every byte handed out so far, for the trailer's whole-file checksum.
    hash: Xxh3,
    file_bytes: u64,
    /// One compressed page; allocated at the first page when compressing.
    scratch: Vec<u8>,
}

impl ImageEncoder {
    /// Starts a file for a heap with `meta` from which `stored_pages` pages
    /// will follow. `compress` stores each page as LZ4 when that is smaller.
    pub fn new(meta: &HeapMeta, stored_pages: u64, compress: bool) -> Result<Self, EncodeError> {
        let header = FileHeader { meta: meta.clone(), compressed: compress, stored_pages };
        header.validate().map_err(EncodeError)?;
        rules::check_has_pages(stored_pages).map_err(EncodeError)?;
        let bytes = header.to_bytes();
        let mut hash = Xxh3::new();
        hash.update(&bytes);
        Ok(ImageEncoder {
            file_bytes: bytes.len() as u64,
            header: bytes,
            page_size: meta.page_size as usize,
            page_count: meta.page_count,
            stored_pages,
            compress,
            written: 0,
            previous: None,
            hash,
            scratch: Vec::new(),
        })
    }

    /// The header bytes: the start of the file.
    pub fn header(&self) -> &[u8] {
        &self.header
    }

    /// Appends the record for `page` (exactly one page of bytes) to `out`.
    /// Pages must come in ascending order, no more than were promised.
    pub fn encode_page(&mut self, page: PageNo, bytes: &[u8], out: &mut Vec<u8>) -> Result<(), EncodeError> {
        if self.written == self.stored_pages {
            return Err(EncodeError(format!("page {page} is one more than the {} promised", self.stored_pages)));
        }
        rules::check_record_page(page, self.previous, self.page_count).map_err(EncodeError)?;
        if bytes.len() != self.page_size {
            return Err(EncodeError(format!("page {page} has {} bytes, not {}", bytes.len(), self.page_size)));
        }
        rules::check_page_content(page, bytes).map_err(EncodeError)?;

        let mut encoding = ENCODING_RAW;
        let mut data = bytes;
        if self.compress {
            if self.scratch.is_empty() {
                self.scratch = vec![0u8; rules::max_stored_len(self.page_size)];
            }
            // Incompressible pages stay raw: readers then skip the decoder, and
            // the file never grows beyond the raw size plus record headers.
            if let Ok(n) = lz4_flex::block::compress_into(bytes, &mut self.scratch) {
                if n < bytes.len() {
                    encoding = ENCODING_LZ4;
                    data = &self.scratch[..n];
                }
            }
        }
        let record = RecordHeader {
            page,
            encoding,
            // `data` is at most one page, and pages are at most 1 MiB (validated in `new`).
            stored_len: data.len() as u32,
            checksum: page_checksum(bytes),
        };
        let start = out.len();
        out.extend_from_slice(&record.to_bytes());
        out.extend_from_slice(data);
        self.emitted(&out[start..]);
        self.written += 1;
        self.previous = Some(page);
        Ok(())
    }

    /// Appends the trailer (with the whole-file checksum) to `out`; fails if
    /// fewer pages were encoded than promised.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<Transfer, EncodeError> {
        if self.written != self.stored_pages {
            return Err(EncodeError(format!("{} pages encoded but {} promised", self.written, self.stored_pages)));
        }
        let start = out.len();
        out.extend_from_slice(&TRAILER_MAGIC);
        out.extend_from_slice(&self.written.to_le_bytes());
        self.emitted(&out[start..]);
        // The checksum covers every byte before itself, so it is not hashed.
        out.extend_from_slice(&self.hash.digest().to_le_bytes());
        Ok(Transfer {
            pages: self.written,
            page_bytes: self.written * self.page_size as u64,
            file_bytes: self.file_bytes + 8,
        })
    }

    fn emitted(&mut self, bytes: &[u8]) {
        self.hash.update(bytes);
        self.file_bytes += bytes.len() as u64;
    }
}
