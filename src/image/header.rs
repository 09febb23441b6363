//! The byte layout of a checkpoint file, mirroring docs/format.md. Offsets
//! are named once here; nothing else in the crate knows them.

use crate::store::{HeapMeta, PageNo};

/// PNG-style magic: a high byte (catches 7-bit transfers), the name, and
/// CR LF / SUB / LF (catch newline conversion and `type` on DOS).
pub const MAGIC: [u8; 8] = *b"\x89VHP\r\n\x1a\n";
/// The format version this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
pub const TRAILER_MAGIC: [u8; 8] = *b"VHPEND\0\0";

// File header: fixed part, then the label, then a checksum of both.
pub const F_VERSION: usize = 8;
pub const F_FLAGS: usize = 12;
pub const F_PAGE_SIZE: usize = 16;
pub const F_LABEL_LEN: usize = 20;
pub const F_PAGE_COUNT: usize = 24;
pub const F_MAX_PAGES: usize = 32;
pub const F_EPOCH: usize = 40;
pub const F_ROOT: usize = 48;
pub const F_BYTES_IN_USE: usize = 56;
pub const F_STORED_PAGES: usize = 64;
pub const HEADER_FIXED: usize = F_STORED_PAGES + 8;

/// Flag bit: some pages may be LZ4-compressed.
pub const FLAG_LZ4: u32 = 1;

// Page record header.
pub const R_PAGE: usize = 0;
pub const R_ENCODING: usize = 8;
pub const R_STORED_LEN: usize = 12;
pub const R_CHECKSUM: usize = 16;
pub const RECORD_HEADER: usize = R_CHECKSUM + 8;

pub const ENCODING_RAW: u8 = 0;
pub const ENCODING_LZ4: u8 = 1;

pub fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

pub fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileHeader {
    pub meta: HeapMeta,
    pub compressed: bool,
    pub stored_pages: u64,
}

impl FileHeader {
    /// The whole header: fixed part, label and header checksum. Call only on a
    /// header that passed [`FileHeader::validate`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = vec![0u8; HEADER_FIXED];
        let m = &self.meta;
        b[..8].copy_from_slice(&MAGIC);
        b[F_VERSION..F_VERSION + 4].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
        let flags = if self.compressed { FLAG_LZ4 } else { 0 };
        b[F_FLAGS..F_FLAGS + 4].copy_from_slice(&flags.to_le_bytes());
        b[F_PAGE_SIZE..F_PAGE_SIZE + 4].copy_from_slice(&m.page_size.to_le_bytes());
        let label_len = u32::try_from(m.label.len()).expect("labels are validated short");
        b[F_LABEL_LEN..F_LABEL_LEN + 4].copy_from_slice(&label_len.to_le_bytes());
        for (at, v) in [
            (F_PAGE_COUNT, m.page_count),
            (F_MAX_PAGES, m.max_pages),
            (F_EPOCH, m.epoch),
            (F_ROOT, m.root),
            (F_BYTES_IN_USE, m.bytes_in_use),
            (F_STORED_PAGES, self.stored_pages),
        ] {
            b[at..at + 8].copy_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(m.label.as_bytes());
        let sum = crate::store::page_checksum(&b);
        b.extend_from_slice(&sum.to_le_bytes());
        b
    }

    /// Parses and validates a header whose magic, version and checksum were checked.
    pub fn from_bytes(fixed: &[u8; HEADER_FIXED], label: Vec<u8>) -> Result<Self, String> {
        let flags = u32_at(fixed, F_FLAGS);
        if flags & !FLAG_LZ4 != 0 {
            return Err(format!("unknown flags {flags:#x}"));
        }
        let label = String::from_utf8(label).map_err(|_| "label is not UTF-8".to_string())?;
        let meta = HeapMeta {
            page_size: u32_at(fixed, F_PAGE_SIZE),
            page_count: u64_at(fixed, F_PAGE_COUNT),
            max_pages: u64_at(fixed, F_MAX_PAGES),
            epoch: u64_at(fixed, F_EPOCH),
            root: u64_at(fixed, F_ROOT),
            bytes_in_use: u64_at(fixed, F_BYTES_IN_USE),
            label,
        };
        let header = FileHeader { meta, compressed: flags & FLAG_LZ4 != 0, stored_pages: u64_at(fixed, F_STORED_PAGES) };
        header.validate()?;
        Ok(header)
    }

    /// The header rules a reader enforces; a writer checks them too, so that it
    /// never produces a file the reader would refuse.
    pub fn validate(&self) -> Result<(), String> {
        self.meta.validate()?;
        if self.stored_pages > self.meta.page_count {
            return Err(format!("{} stored pages but only {} in the heap", self.stored_pages, self.meta.page_count));
        }
        if self.meta.epoch == 0 {
            return Err("epoch 0 is not a checkpoint".into());
        }
        Ok(())
    }
}

pub struct RecordHeader {
    pub page: PageNo,
    pub encoding: u8,
    pub stored_len: u32,
    pub checksum: u64,
}

impl RecordHeader {
    pub fn to_bytes(&self) -> [u8; RECORD_HEADER] {
        let mut b = [0u8; RECORD_HEADER];
        b[R_PAGE..R_PAGE + 8].copy_from_slice(&self.page.to_le_bytes());
        b[R_ENCODING] = self.encoding;
        b[R_STORED_LEN..R_STORED_LEN + 4].copy_from_slice(&self.stored_len.to_le_bytes());
        b[R_CHECKSUM..R_CHECKSUM + 8].copy_from_slice(&self.checksum.to_le_bytes());
        b
    }

    pub fn from_bytes(b: &[u8; RECORD_HEADER]) -> Self {
        RecordHeader {
            page: u64_at(b, R_PAGE),
            encoding: if b[R_ENCODING + 1..R_STORED_LEN].iter().any(|&x| x != 0) { u8::MAX } else { b[R_ENCODING] },
            stored_len: u32_at(b, R_STORED_LEN),
            checksum: u64_at(b, R_CHECKSUM),
        }
    }
}
