//! Wall-clock time for statistics, the one place that differs between hosts.

/// Microseconds since an arbitrary start; only differences are meaningful.
#[cfg(not(target_arch = "wasm32"))]
pub fn now_micros() -> u64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// `std::time::Instant` panics on wasm32-unknown-unknown; the browser build
/// reads `performance.now()` through the web layer instead.
#[cfg(target_arch = "wasm32")]
pub fn now_micros() -> u64 {
    0
}
