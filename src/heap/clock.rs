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

/// `std::time::Instant` panics on wasm32-unknown-unknown: the browser's
/// clock is JavaScript's (counted from the first call, as natively).
#[cfg(target_arch = "wasm32")]
pub fn now_micros() -> u64 {
    use std::cell::Cell;
    thread_local! {
        static START: Cell<f64> = const { Cell::new(f64::NAN) };
    }
    let now = js_sys::Date::now();
    let start = START.with(|s| {
        if s.get().is_nan() {
            s.set(now);
        }
        s.get()
    });
    ((now - start).max(0.0) * 1000.0) as u64
}

/// Seconds since the Unix epoch (for `os.time`).
#[cfg(not(target_arch = "wasm32"))]
pub fn unix_seconds() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[cfg(target_arch = "wasm32")]
pub fn unix_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
