//! Export and import driven by asynchronous stores and sources: what the
//! browser runs over IndexedDB and a `Blob`. The synchronous [`super::export`]
//! and [`super::import`] run these same functions over a blocking store, so
//! there is one implementation of streaming, batching and clean-up.

use super::{Decoded, ExportError, ImageDecoder, ImageEncoder, ImportError, ImportLimits, Transfer};
use crate::store::asynchronous::{AsyncStore, PageOp};
use crate::store::{HeapMeta, PageNo};

/// Pages read from or written to the store per call (one transaction each).
pub const STORE_BATCH: usize = 32;
/// Export output is handed to the sink in pieces of about this size.
pub const SINK_CHUNK: usize = 256 * 1024;

/// Where an import reads the file from, one chunk at a time.
#[allow(async_fn_in_trait)]
pub trait ChunkSource {
    /// The next bytes of the file, or `None` at its end.
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, ImportError>;
}

/// Writes the last checkpoint of the open heap `heap` (whose committed meta
/// is `meta`) as a checkpoint file, handing the bytes to `sink` in order.
pub async fn export_from<A: AsyncStore>(
    store: &mut A,
    heap: &str,
    meta: &HeapMeta,
    compress: bool,
    sink: &mut dyn FnMut(&[u8]) -> Result<(), ExportError>,
) -> Result<Transfer, ExportError> {
    let stored = store.committed_count(heap).await?;
    let mut encoder = ImageEncoder::new(meta, stored, compress)?;
    sink(encoder.header())?;
    let mut out = Vec::with_capacity(SINK_CHUNK + meta.page_size as usize);
    let mut from: PageNo = 0;
    loop {
        let batch = store.read_committed(heap, from, STORE_BATCH).await?;
        let Some(&(last, _)) = batch.last() else { break };
        for (page, bytes) in &batch {
            encoder.encode_page(*page, bytes, &mut out)?;
            if out.len() >= SINK_CHUNK {
                sink(&out)?;
                out.clear();
            }
        }
        from = last + 1;
    }
    let transfer = encoder.finish(&mut out)?;
    sink(&out)?;
    Ok(transfer)
}

/// Reads a checkpoint file from `source` into a new heap `name`. The pages
/// go to the store as they are verified, invisible; the last batch and the
/// commit share one transaction, after the whole file checked out. On any
/// error the half heap is deleted and the error returned.
pub async fn import_into<A: AsyncStore, C: ChunkSource>(
    store: &mut A,
    name: &str,
    source: &mut C,
    limits: ImportLimits,
) -> Result<(HeapMeta, Transfer), ImportError> {
    let mut created = false;
    let result = decode_into(store, name, source, limits, &mut created).await;
    if result.is_err() && created {
        // The original error is what matters; the half heap is invisible anyway.
        let _ = store.delete(name).await;
        let _ = store.close(name).await;
    }
    result
}

async fn decode_into<A: AsyncStore, C: ChunkSource>(
    store: &mut A,
    name: &str,
    source: &mut C,
    limits: ImportLimits,
    created: &mut bool,
) -> Result<(HeapMeta, Transfer), ImportError> {
    let mut decoder = ImageDecoder::new(limits);
    let mut meta = None;
    let mut batch = Vec::with_capacity(STORE_BATCH);
    while let Some(chunk) = source.next_chunk().await? {
        let mut rest = &chunk[..];
        loop {
            match decoder.decode(&mut rest)? {
                None => break,
                Some(Decoded::Header(header)) => {
                    let header_meta = header.meta.clone();
                    store.create(name, &header_meta).await?;
                    *created = true;
                    meta = Some(header_meta);
                }
                Some(Decoded::Page(page, bytes)) => {
                    batch.push(PageOp::Write(page, bytes.into()));
                    if batch.len() == STORE_BATCH {
                        store.apply(name, &batch, None).await?;
                        batch.clear();
                    }
                }
            }
        }
    }
    let transfer = decoder.finish()?;
    // finish() succeeded, so the header was decoded.
    let meta = meta.ok_or(ImportError::Truncated)?;
    store.apply(name, &batch, Some(&meta)).await?;
    Ok((meta, transfer))
}
