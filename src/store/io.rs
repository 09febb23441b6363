//! The file system under the file store, behind two small traits so that crash
//! tests can run the real store code on a simulated disk.
//!
//! [`OsDir`] is a real directory. [`SimDisk`] keeps files in memory and models
//! what a power cut does to them: every write since the last `sync` of a file
//! may survive whole, vanish, or survive in part (512-byte sectors chosen at
//! random), while synced data always survives.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::PathBuf;
use std::rc::Rc;

/// A file read and written at offsets.
pub trait BlockFile {
    /// Fills `buf` from `offset`; reading past the end is an `UnexpectedEof` error.
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()>;
    fn write_at(&mut self, offset: u64, data: &[u8]) -> io::Result<()>;
    /// Makes every earlier write durable (the barrier commits are ordered by).
    fn sync(&mut self) -> io::Result<()>;
    fn len(&mut self) -> io::Result<u64>;
    fn set_len(&mut self, len: u64) -> io::Result<()>;
}

/// A directory of heap files.
pub trait Dir {
    type File: BlockFile;
    /// Opens a file for reading and writing, creating it if `create` is set.
    /// With `exclusive`, also takes an exclusive lock, failing with
    /// `WouldBlock` if another process holds it.
    fn open(&mut self, name: &str, create: bool, exclusive: bool) -> io::Result<Self::File>;
    fn list(&mut self) -> io::Result<Vec<String>>;
    fn remove(&mut self, name: &str) -> io::Result<()>;
}

/// A real directory on disk.
pub struct OsDir {
    path: PathBuf,
}

impl OsDir {
    pub fn new(path: impl Into<PathBuf>) -> io::Result<Self> {
        let path = path.into();
        fs::create_dir_all(&path)?;
        Ok(OsDir { path })
    }
}

pub struct OsFile(File);

impl BlockFile for OsFile {
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.0, buf, offset)
    }
    fn write_at(&mut self, offset: u64, data: &[u8]) -> io::Result<()> {
        std::os::unix::fs::FileExt::write_all_at(&self.0, data, offset)
    }
    fn sync(&mut self) -> io::Result<()> {
        self.0.sync_data()
    }
    fn len(&mut self) -> io::Result<u64> {
        Ok(self.0.metadata()?.len())
    }
    fn set_len(&mut self, len: u64) -> io::Result<()> {
        self.0.set_len(len)
    }
}

impl Dir for OsDir {
    type File = OsFile;

    fn open(&mut self, name: &str, create: bool, exclusive: bool) -> io::Result<OsFile> {
        let file = OpenOptions::new().read(true).write(true).create(create).truncate(false).open(self.path.join(name))?;
        if exclusive {
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Err(io::ErrorKind::WouldBlock.into()),
                Err(TryLockError::Error(e)) => return Err(e),
            }
        }
        if create {
            // A new file's directory entry must be durable before a commit in it is.
            if let Ok(dir) = File::open(&self.path) {
                let _ = dir.sync_all();
            }
        }
        Ok(OsFile(file))
    }

    fn list(&mut self) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in fs::read_dir(&self.path)? {
            if let Ok(name) = entry?.file_name().into_string() {
                names.push(name);
            }
        }
        names.sort();
        Ok(names)
    }

    fn remove(&mut self, name: &str) -> io::Result<()> {
        fs::remove_file(self.path.join(name))
    }
}

/// An in-memory disk that can lose power. Cloning gives another handle on the
/// same disk, so a test can "reboot" by opening a new store on it.
#[derive(Clone, Default)]
pub struct SimDisk {
    state: Rc<RefCell<SimState>>,
}

#[derive(Default)]
struct SimState {
    files: BTreeMap<String, SimFileState>,
    /// xorshift state deciding what survives a power cut.
    rng: u64,
    /// Mutating file operations (write, set_len, sync) left before the disk
    /// "dies": that one and all later ones fail until the next power cut.
    ops_left: Option<u64>,
    /// Mutating file operations so far.
    ops: u64,
}

#[derive(Default, Clone)]
struct SimFileState {
    /// What the file looks like to reads now.
    current: Vec<u8>,
    /// What is guaranteed to survive a power cut.
    durable: Vec<u8>,
    /// Changes since the last sync, oldest first.
    unsynced: Vec<Change>,
}

#[derive(Clone)]
enum Change {
    Write { offset: u64, data: Vec<u8> },
    SetLen(u64),
}

const SECTOR: usize = 512;

impl SimDisk {
    pub fn new(seed: u64) -> Self {
        let disk = SimDisk::default();
        disk.state.borrow_mut().rng = seed | 1;
        disk
    }

    /// Cuts the power: each file keeps its durable bytes plus part of what was
    /// written since its last sync. Which part is drawn per file from the
    /// patterns real disks show: nothing, everything, random sectors, the
    /// oldest changes only, or the newest changes only (writes reordered).
    pub fn power_cut(&self) {
        let mut state = self.state.borrow_mut();
        let mut rng = state.rng;
        for file in state.files.values_mut() {
            let mut image = file.durable.clone();
            let n = file.unsynced.len();
            let pattern = next_random(&mut rng) % 5;
            let cut = if n == 0 { 0 } else { (next_random(&mut rng) % (n as u64 + 1)) as usize };
            for (index, change) in file.unsynced.iter().enumerate() {
                let keep_whole = match pattern {
                    0 => Some(false),
                    1 => Some(true),
                    2 => None,
                    3 => Some(index < cut),
                    _ => Some(index >= cut),
                };
                match change {
                    Change::SetLen(len) => {
                        if keep_whole.unwrap_or_else(|| next_random(&mut rng) % 2 == 0) {
                            image.resize(to_usize(*len), 0);
                        }
                    }
                    Change::Write { offset, data } => {
                        for (i, sector) in data.chunks(SECTOR).enumerate() {
                            if keep_whole.unwrap_or_else(|| next_random(&mut rng) % 3 != 0) {
                                write_into(&mut image, *offset + (i * SECTOR) as u64, sector);
                            }
                        }
                    }
                }
            }
            file.current = image.clone();
            file.durable = image;
            file.unsynced.clear();
        }
        state.rng = rng;
        state.ops_left = None;
    }

    /// Makes the `n`-th mutating file operation from now (0-based) and every
    /// later one fail, as if the machine died there.
    pub fn fail_after(&self, n: u64) {
        self.state.borrow_mut().ops_left = Some(n);
    }

    /// Mutating file operations performed so far.
    pub fn ops(&self) -> u64 {
        self.state.borrow().ops
    }

    /// Flips one byte of a file, as media corruption would.
    pub fn corrupt(&self, name: &str, offset: u64) {
        let mut state = self.state.borrow_mut();
        if let Some(file) = state.files.get_mut(name) {
            let at = to_usize(offset);
            if at < file.current.len() {
                file.current[at] ^= 0x5a;
                file.durable = file.current.clone();
            }
        }
    }

    /// The current length of a file, if it exists.
    pub fn file_len(&self, name: &str) -> Option<u64> {
        self.state.borrow().files.get(name).map(|f| f.current.len() as u64)
    }
}

fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).expect("simulated file offsets fit in memory")
}

fn write_into(image: &mut Vec<u8>, offset: u64, data: &[u8]) {
    let start = to_usize(offset);
    if image.len() < start + data.len() {
        image.resize(start + data.len(), 0);
    }
    image[start..start + data.len()].copy_from_slice(data);
}

pub struct SimFile {
    disk: SimDisk,
    name: String,
}

impl SimFile {
    /// Counts a mutating operation and fails it if the disk has died.
    fn mutate<R>(&self, f: impl FnOnce(&mut SimFileState) -> R) -> io::Result<R> {
        {
            let mut state = self.disk.state.borrow_mut();
            match state.ops_left {
                Some(0) => return Err(io::Error::other("simulated crash")),
                Some(n) => state.ops_left = Some(n - 1),
                None => {}
            }
            state.ops += 1;
        }
        self.with(f)
    }

    fn with<R>(&self, f: impl FnOnce(&mut SimFileState) -> R) -> io::Result<R> {
        let mut state = self.disk.state.borrow_mut();
        match state.files.get_mut(&self.name) {
            Some(file) => Ok(f(file)),
            None => Err(io::ErrorKind::NotFound.into()),
        }
    }
}

impl BlockFile for SimFile {
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.with(|file| {
            let start = to_usize(offset);
            match file.current.get(start..start + buf.len()) {
                Some(bytes) => {
                    buf.copy_from_slice(bytes);
                    Ok(())
                }
                None => Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
            }
        })?
    }
    fn write_at(&mut self, offset: u64, data: &[u8]) -> io::Result<()> {
        self.mutate(|file| {
            write_into(&mut file.current, offset, data);
            file.unsynced.push(Change::Write { offset, data: data.to_vec() });
        })
    }
    fn sync(&mut self) -> io::Result<()> {
        self.mutate(|file| {
            file.durable = file.current.clone();
            file.unsynced.clear();
        })
    }
    fn len(&mut self) -> io::Result<u64> {
        self.with(|file| file.current.len() as u64)
    }
    fn set_len(&mut self, len: u64) -> io::Result<()> {
        self.mutate(|file| {
            file.current.resize(to_usize(len), 0);
            file.unsynced.push(Change::SetLen(len));
        })
    }
}

impl Dir for SimDisk {
    type File = SimFile;

    fn open(&mut self, name: &str, create: bool, _exclusive: bool) -> io::Result<SimFile> {
        let mut state = self.state.borrow_mut();
        if !state.files.contains_key(name) {
            if !create {
                return Err(io::ErrorKind::NotFound.into());
            }
            // Directory entries are modelled as durable at once (the real store
            // syncs the directory on create).
            state.files.insert(name.to_string(), SimFileState::default());
        }
        Ok(SimFile { disk: self.clone(), name: name.to_string() })
    }

    fn list(&mut self) -> io::Result<Vec<String>> {
        Ok(self.state.borrow().files.keys().cloned().collect())
    }

    fn remove(&mut self, name: &str) -> io::Result<()> {
        match self.state.borrow_mut().files.remove(name) {
            Some(_) => Ok(()),
            None => Err(io::ErrorKind::NotFound.into()),
        }
    }
}
