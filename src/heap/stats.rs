//! The statistics a user can read at any time.

/// A snapshot of a heap's counters. Sizes are in bytes, durations in microseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub page_size: u64,
    /// Address space handed out so far.
    pub virtual_size: u64,
    /// The most the heap may grow to.
    pub max_size: u64,
    /// Bytes allocated to live objects.
    pub bytes_in_use: u64,
    /// The physical heap: frames in the pool and their total size.
    pub frames: u64,
    pub physical_size: u64,
    pub resident_frames: u64,
    pub dirty_frames: u64,
    /// Accesses that found their page missing.
    pub faults: u64,
    pub evictions: u64,
    pub pages_read: u64,
    pub bytes_read: u64,
    pub pages_written: u64,
    pub bytes_written: u64,
    pub writeback_batches: u64,
    pub checkpoints: u64,
    pub epoch: u64,
    pub last_checkpoint_micros: u64,
    pub last_checkpoint_pages: u64,
    pub total_checkpoint_micros: u64,
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        writeln!(f, "page size        {} KiB", self.page_size / 1024)?;
        writeln!(f, "virtual size     {:.1} MiB (max {:.1} MiB)", mib(self.virtual_size), mib(self.max_size))?;
        writeln!(f, "in use           {:.1} MiB", mib(self.bytes_in_use))?;
        writeln!(f, "physical heap    {:.1} MiB ({} frames)", mib(self.physical_size), self.frames)?;
        writeln!(f, "resident frames  {} ({} dirty)", self.resident_frames, self.dirty_frames)?;
        writeln!(f, "faults           {}", self.faults)?;
        writeln!(f, "evictions        {}", self.evictions)?;
        writeln!(f, "read             {} pages, {:.1} MiB", self.pages_read, mib(self.bytes_read))?;
        writeln!(f, "written          {} pages, {:.1} MiB in {} batches", self.pages_written, mib(self.bytes_written), self.writeback_batches)?;
        writeln!(f, "checkpoints      {} (epoch {})", self.checkpoints, self.epoch)?;
        write!(
            f,
            "last checkpoint  {:.3} ms, {} pages (total {:.3} ms)",
            self.last_checkpoint_micros as f64 / 1000.0,
            self.last_checkpoint_pages,
            self.total_checkpoint_micros as f64 / 1000.0
        )
    }
}
