//! Reading a checkpoint file without doing any I/O: the caller pushes the
//! file's bytes in as they arrive, in chunks of any size, and gets back the
//! header and each page once it is fully verified.

use super::header::{
    u32_at, FileHeader, RecordHeader, ENCODING_LZ4, ENCODING_RAW, FORMAT_VERSION, F_LABEL_LEN, F_VERSION,
    HEADER_FIXED, MAGIC, RECORD_HEADER, TRAILER_MAGIC,
};
use super::{rules, ImportError, ImportLimits, Transfer};
use crate::store::{page_checksum, PageNo, MAX_LABEL_LEN};
use xxhash_rust::xxh3::Xxh3;

/// What one call to [`ImageDecoder::decode`] produced.
#[derive(Debug)]
pub enum Decoded<'a> {
    /// The header has been verified (checksum, fields and import limits).
    /// Comes once, before any page.
    Header(&'a FileHeader),
    /// A page whose record and checksum have been verified. The whole file is
    /// not verified until [`ImageDecoder::finish`] succeeds, so a caller
    /// must keep pages invisible until then.
    Page(PageNo, &'a [u8]),
}

/// Where the decoder is in the file; each stage waits for one unit of bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Magic,
    Fixed,
    Label,
    HeaderSum,
    Record,
    RecordData,
    Trailer,
    FileSum,
    End,
}

/// Decodes one checkpoint file pushed in chunks. See [`decode`](Self::decode)
/// for the loop a caller runs and [`finish`](Self::finish) for the end.
///
/// Memory is bounded by the format, not by the input: the decoder keeps at
/// most one unit being received (the header, one record, or the trailer) and
/// one decoded page, and sizes both from header fields only after they have
/// been validated.
pub struct ImageDecoder {
    limits: ImportLimits,
    stage: Stage,
    /// The unit of the current stage received so far. The header stages
    /// accumulate (the header is checked as a whole); the others start empty.
    buf: Vec<u8>,
    /// The length `buf` must reach before the stage's checks can run.
    need: usize,
    /// Every byte received except the final checksum.
    hash: Xxh3,
    consumed: u64,
    /// Set once the header is verified, with the fields records are checked against.
    header: Option<FileHeader>,
    page_size: usize,
    page_count: u64,
    stored_pages: u64,
    /// Checksums due at the end of the header and of the file: the hash of
    /// everything before them, taken when the bytes before them were complete.
    expected_sum: u64,
    record: RecordHeader,
    records: u64,
    previous: Option<PageNo>,
    /// The last decoded page.
    page: Vec<u8>,
    /// Once a check fails the file is rejected for good; later calls repeat the error.
    failed: Option<ImportError>,
}

/// What [`ImageDecoder::step`] completed; the public API turns it into a
/// [`Decoded`] borrowing the decoder.
enum Event {
    Header,
    Page(PageNo),
}

impl ImageDecoder {
    pub fn new(limits: ImportLimits) -> Self {
        ImageDecoder {
            limits,
            stage: Stage::Magic,
            buf: Vec::new(),
            need: MAGIC.len(),
            hash: Xxh3::new(),
            consumed: 0,
            header: None,
            page_size: 0,
            page_count: 0,
            stored_pages: 0,
            expected_sum: 0,
            record: RecordHeader { page: 0, encoding: 0, stored_len: 0, checksum: 0 },
            records: 0,
            previous: None,
            page: Vec::new(),
            failed: None,
        }
    }

    /// The verified header, once [`Decoded::Header`] has been returned.
    pub fn header(&self) -> Option<&FileHeader> {
        self.header.as_ref()
    }

    /// Consumes bytes from the front of `input` until it is empty (`Ok(None)`:
    /// push the next chunk) or a header or page is complete (returned; call
    /// again with the rest of `input`). A caller can therefore act on each
    /// page, even await, before the decoder goes on:
    ///
    /// ```ignore
    /// let mut rest = &chunk[..];
    /// while let Some(item) = decoder.decode(&mut rest)? { /* use item */ }
    /// ```
    ///
    /// Errors are the file's: once one is returned, every later call returns it again.
    pub fn decode(&mut self, input: &mut &[u8]) -> Result<Option<Decoded<'_>>, ImportError> {
        let event = self.step(input);
        Ok(match self.remember_failure(event)? {
            None => None,
            Some(Event::Header) => self.header.as_ref().map(Decoded::Header),
            Some(Event::Page(page)) => Some(Decoded::Page(page, &self.page)),
        })
    }

    /// Decodes all of `bytes`, handing each verified page to `on_page`; for
    /// callers that do not need to pause between pages. The header is read
    /// with [`header`](Self::header) afterwards. An error from `on_page`
    /// stops decoding and is returned as is.
    pub fn feed<E: From<ImportError>>(
        &mut self,
        mut bytes: &[u8],
        on_page: &mut dyn FnMut(PageNo, &[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        while let Some(item) = self.decode(&mut bytes)? {
            if let Decoded::Page(page, data) = item {
                on_page(page, data)?;
            }
        }
        Ok(())
    }

    /// Declares the end of the input. Succeeds only if the file ended exactly
    /// after its trailer and whole-file checksum, all verified; otherwise the
    /// file is `Truncated` (or `NotACheckpoint` if it was shorter than the magic).
    pub fn finish(&mut self) -> Result<Transfer, ImportError> {
        // A file with no records fails as soon as its header is done, input or not.
        let pending = self.step(&mut &[][..]).map(|_| ());
        self.remember_failure(pending)?;
        let end = match self.stage {
            Stage::End => Ok(Transfer {
                pages: self.stored_pages,
                page_bytes: self.stored_pages * self.page_size as u64,
                file_bytes: self.consumed,
            }),
            Stage::Magic => Err(ImportError::NotACheckpoint),
            _ => Err(ImportError::Truncated),
        };
        self.remember_failure(end)
    }

    fn remember_failure<T>(&mut self, result: Result<T, ImportError>) -> Result<T, ImportError> {
        if let Err(e) = &result {
            if self.failed.is_none() {
                self.failed = Some(repeat(e));
            }
        }
        result
    }

    /// Runs the state machine until `input` is used up or an event completes.
    fn step(&mut self, input: &mut &[u8]) -> Result<Option<Event>, ImportError> {
        if let Some(e) = &self.failed {
            return Err(repeat(e));
        }
        loop {
            if self.stage == Stage::Record && self.records == self.stored_pages {
                // Checked here rather than when the header completes, so that the
                // header is still reported first (an importer creates its heap then).
                rules::check_has_pages(self.stored_pages).map_err(ImportError::Corrupt)?;
                self.start(Stage::Trailer, 16);
            }
            if self.stage == Stage::End {
                if !input.is_empty() {
                    return Err(ImportError::Corrupt("data after the end of the checkpoint".into()));
                }
                return Ok(None);
            }
            if self.buf.len() < self.need {
                self.take(input);
                if self.buf.len() < self.need {
                    return Ok(None);
                }
            }
            if let Some(event) = self.complete()? {
                return Ok(Some(event));
            }
        }
    }

    /// Moves as much of the current unit as `input` holds into `buf`.
    fn take(&mut self, input: &mut &[u8]) {
        let n = (self.need - self.buf.len()).min(input.len());
        let (now, rest) = input.split_at(n);
        if self.stage != Stage::FileSum {
            self.hash.update(now);
        }
        self.buf.extend_from_slice(now);
        self.consumed += n as u64;
        *input = rest;
    }

    fn start(&mut self, stage: Stage, need: usize) {
        self.stage = stage;
        self.buf.clear();
        self.need = need;
    }

    /// Checks the unit just completed and moves to the next stage. The checks
    /// and their order are those of docs/format.md's "A reader must reject".
    fn complete(&mut self) -> Result<Option<Event>, ImportError> {
        match self.stage {
            Stage::Magic => {
                if self.buf[..] != MAGIC {
                    return Err(ImportError::NotACheckpoint);
                }
                self.stage = Stage::Fixed;
                self.need = HEADER_FIXED;
            }
            Stage::Fixed => {
                // The version comes first: a newer file must say "upgrade", whatever else changed.
                let version = u32_at(&self.buf, F_VERSION);
                if version > FORMAT_VERSION {
                    return Err(ImportError::UnsupportedVersion(version));
                }
                if version == 0 {
                    return Err(ImportError::Corrupt("format version 0".into()));
                }
                let label_len = u32_at(&self.buf, F_LABEL_LEN) as usize;
                if label_len > MAX_LABEL_LEN {
                    return Err(ImportError::Corrupt(format!("label of {label_len} bytes")));
                }
                self.stage = Stage::Label;
                self.need = HEADER_FIXED + label_len;
            }
            Stage::Label => {
                self.expected_sum = self.hash.digest();
                self.stage = Stage::HeaderSum;
                self.need += 8;
            }
            Stage::HeaderSum => {
                let (fields, sum) = self.buf.split_at(self.need - 8);
                if u64_le(sum) != self.expected_sum {
                    return Err(ImportError::Corrupt("header checksum mismatch".into()));
                }
                let (fixed, label) = fields.split_at(HEADER_FIXED);
                let fixed: &[u8; HEADER_FIXED] = fixed.try_into().expect("split at HEADER_FIXED");
                let header = FileHeader::from_bytes(fixed, label.to_vec()).map_err(ImportError::Corrupt)?;
                let bytes = header.meta.page_count.saturating_mul(u64::from(header.meta.page_size));
                if bytes > self.limits.max_heap_bytes {
                    return Err(ImportError::TooLarge { bytes, limit: self.limits.max_heap_bytes });
                }
                self.page_size = header.meta.page_size as usize;
                self.page_count = header.meta.page_count;
                self.stored_pages = header.stored_pages;
                self.header = Some(header);
                self.start(Stage::Record, RECORD_HEADER);
                return Ok(Some(Event::Header));
            }
            Stage::Record => {
                let bytes: &[u8; RECORD_HEADER] = self.buf[..].try_into().expect("a whole record header");
                let record = RecordHeader::from_bytes(bytes);
                rules::check_record_page(record.page, self.previous, self.page_count).map_err(ImportError::Corrupt)?;
                self.previous = Some(record.page);
                // The length sizes the buffer, so it is checked before any data arrives.
                let len = record.stored_len as usize;
                if len > rules::max_stored_len(self.page_size) || (record.encoding == ENCODING_RAW && len != self.page_size) {
                    return Err(ImportError::Corrupt(format!("page {} has a bad length {len}", record.page)));
                }
                self.record = record;
                self.start(Stage::RecordData, len);
            }
            Stage::RecordData => {
                let page = self.record.page;
                match self.record.encoding {
                    // Hand the data over as the page without copying it.
                    ENCODING_RAW => std::mem::swap(&mut self.buf, &mut self.page),
                    ENCODING_LZ4 => {
                        self.page.resize(self.page_size, 0);
                        match lz4_flex::block::decompress_into(&self.buf, &mut self.page) {
                            Ok(n) if n == self.page_size => {}
                            _ => return Err(ImportError::Corrupt(format!("page {page} does not decompress"))),
                        }
                    }
                    other => return Err(ImportError::Corrupt(format!("page {page} has unknown encoding {other}"))),
                }
                if page_checksum(&self.page) != self.record.checksum {
                    return Err(ImportError::Corrupt(format!("page {page} fails its checksum")));
                }
                rules::check_page_content(page, &self.page).map_err(ImportError::Corrupt)?;
                self.records += 1;
                self.start(Stage::Record, RECORD_HEADER);
                return Ok(Some(Event::Page(page)));
            }
            Stage::Trailer => {
                if self.buf[..8] != TRAILER_MAGIC || u64_le(&self.buf[8..]) != self.stored_pages {
                    return Err(ImportError::Corrupt("bad trailer".into()));
                }
                self.expected_sum = self.hash.digest();
                self.start(Stage::FileSum, 8);
            }
            Stage::FileSum => {
                if u64_le(&self.buf) != self.expected_sum {
                    return Err(ImportError::Corrupt("whole-file checksum mismatch".into()));
                }
                self.start(Stage::End, 0);
            }
            Stage::End => {}
        }
        Ok(None)
    }
}

fn u64_le(bytes: &[u8]) -> u64 {
    super::header::u64_at(bytes, 0)
}

/// The same error again, for a decoder asked to go on after rejecting its file.
/// Only the variants the decoder produces can occur here.
fn repeat(e: &ImportError) -> ImportError {
    match e {
        ImportError::NotACheckpoint => ImportError::NotACheckpoint,
        ImportError::UnsupportedVersion(v) => ImportError::UnsupportedVersion(*v),
        ImportError::Truncated => ImportError::Truncated,
        ImportError::Corrupt(what) => ImportError::Corrupt(what.clone()),
        ImportError::TooLarge { bytes, limit } => ImportError::TooLarge { bytes: *bytes, limit: *limit },
        other => ImportError::Corrupt(other.to_string()),
    }
}
