//! The one checksum used for pages, map nodes, commit records and checkpoint files.

/// xxh3-64: fast enough to verify every page on every read (several GB/s), and
/// 64 bits make an accidental match of a damaged page practically impossible.
pub fn page_checksum(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}
