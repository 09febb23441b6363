//! The record rules of docs/format.md, written once and applied by both the
//! encoder (to refuse to write a file) and the decoder (to refuse to read
//! one). The header rules live with the layout, in [`super::header`]. Each
//! rule returns the message that `ImportError::Corrupt` carries.

use crate::store::PageNo;

/// Records come in strictly ascending page order, each inside the heap, and
/// the first is page 0 (the heap header every heap has).
pub fn check_record_page(page: PageNo, previous: Option<PageNo>, page_count: u64) -> Result<(), String> {
    if page >= page_count || previous.is_some_and(|p| page <= p) {
        return Err(format!("page {page} is out of order or out of range"));
    }
    if previous.is_none() && page != 0 {
        return Err(format!("the first page is {page}, not page 0 (the heap header)"));
    }
    Ok(())
}

/// The most data bytes a record of a `page_size` heap may hold: a raw page,
/// or an LZ4 block of an incompressible page. Bounds the decoder's buffer.
pub fn max_stored_len(page_size: usize) -> usize {
    lz4_flex::block::get_maximum_output_size(page_size)
}

/// Page 0 holds the heap header; a file without it is not a heap.
pub fn check_page_content(page: PageNo, bytes: &[u8]) -> Result<(), String> {
    if page == 0 && bytes.get(..8) != Some(&crate::heap::alloc::HEADER_MAGIC.to_le_bytes()[..]) {
        return Err("page 0 is not a heap header".into());
    }
    Ok(())
}

/// A file with no records at all cannot hold page 0.
pub fn check_has_pages(stored_pages: u64) -> Result<(), String> {
    if stored_pages == 0 {
        return Err("the file holds no header page".into());
    }
    Ok(())
}
