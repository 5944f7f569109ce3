//! Reading inputs: files, directories (recursively) and stdin, with bounded reads.
//!
//! Nothing is ever dropped silently: a path that cannot be read, a broken symlink, a directory
//! that cannot be listed or a FIFO inside a directory each become one error [`Document`] that
//! names the OS error. Directory walks are sorted (deterministic output) and follow symlinks to
//! directories only once (a symlink loop cannot make the walk run forever).

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::error::ParseError;
use super::limits::Limits;
use super::{Input, Loaded, parse_bytes};
use crate::document::Document;

/// Extensions read from directories (case-insensitive).
const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Deepest directory nesting walked; deeper directories are reported, not walked.
const MAX_DIR_DEPTH: usize = 64;

/// One input to read, found by walking the inputs (cheap, sequential); reading and parsing the
/// jobs is the expensive part and runs on several threads.
enum Job {
    /// A file (or an explicitly named FIFO/device) to read and parse.
    Read {
        /// Display name.
        name: String,
        /// Where it is.
        path: PathBuf,
        /// Size from metadata, for regular files.
        len: Option<u64>,
    },
    /// Standard input, already read.
    Stdin(io::Result<Bounded>),
    /// An input that cannot be read.
    Failed {
        /// Display name.
        name: String,
        /// Why.
        error: ParseError,
    },
}

pub(crate) fn load(inputs: &[Input], limits: &Limits) -> Loaded {
    let mut jobs = Vec::new();
    for input in inputs {
        match input {
            Input::Stdin => jobs.push(Job::Stdin(read_bounded(io::stdin().lock(), None, limits))),
            Input::Path(path) => plan_path(&mut jobs, path),
        }
    }
    let documents = run(jobs, limits);
    Loaded {
        files: documents.len(),
        documents: documents.into_iter().flatten().collect(),
    }
}

/// Runs every job, in parallel when there are enough of them; results keep the job order.
fn run(jobs: Vec<Job>, limits: &Limits) -> Vec<Vec<Document>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(jobs.len() / 8)
        .clamp(1, 8);
    if threads == 1 {
        return jobs.into_iter().map(|job| execute(job, limits)).collect();
    }
    let slots: Vec<std::sync::Mutex<Option<Job>>> = jobs
        .into_iter()
        .map(|job| std::sync::Mutex::new(Some(job)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, Vec<Document>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(slot) = slots.get(i) else { break };
                        let job = slot.lock().map(|mut job| job.take()).unwrap_or_default();
                        if let Some(job) = job {
                            done.push((i, execute(job, limits)));
                        }
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            // A panic in a worker is a bug: surface it rather than lose its documents.
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, docs)| docs).collect()
}

fn execute(job: Job, limits: &Limits) -> Vec<Document> {
    match job {
        Job::Read { name, path, len } => {
            let result = File::open(&path).and_then(|f| read_bounded(f, len, limits));
            parse_read(&name, result, limits)
        }
        Job::Stdin(result) => parse_read("-", result, limits),
        Job::Failed { name, error } => vec![error_document(&name, error)],
    }
}

fn plan_path(jobs: &mut Vec<Job>, path: &Path) {
    let name = path.display().to_string();
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            let mut visited = HashSet::new();
            let before = jobs.len();
            walk(jobs, path, &mut visited, 0);
            if jobs.len() == before {
                jobs.push(failed(&name, ParseError::NoManifests));
            }
        }
        // A path given explicitly is read whatever its extension or type (`<(cmd)` is a pipe).
        Ok(meta) => jobs.push(Job::Read {
            name,
            path: path.to_path_buf(),
            len: meta.is_file().then_some(meta.len()),
        }),
        Err(err) => jobs.push(failed(&name, describe(path, &err))),
    }
}

fn failed(name: &str, error: ParseError) -> Job {
    Job::Failed {
        name: name.to_owned(),
        error,
    }
}

fn walk(jobs: &mut Vec<Job>, dir: &Path, visited: &mut HashSet<PathBuf>, depth: usize) {
    let name = dir.display().to_string();
    // Canonical paths identify a directory however it was reached: a symlink loop ends here.
    match fs::canonicalize(dir) {
        Ok(canonical) => {
            if !visited.insert(canonical) {
                return;
            }
        }
        Err(err) => return jobs.push(failed(&name, describe(dir, &err))),
    }
    if depth > MAX_DIR_DEPTH {
        let message = format!("directories nested deeper than {MAX_DIR_DEPTH} levels; not read");
        return jobs.push(failed(&name, ParseError::Read { message }));
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => return jobs.push(failed(&name, describe(dir, &err))),
    };
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => paths.push(entry.path()),
            Err(err) => jobs.push(failed(&name, ParseError::read(&err))),
        }
    }
    paths.sort();
    for path in paths {
        let entry_name = path.display().to_string();
        match fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(jobs, &path, visited, depth + 1),
            Ok(meta) if has_manifest_extension(&path) => {
                if meta.is_file() {
                    jobs.push(Job::Read {
                        name: entry_name,
                        path,
                        len: Some(meta.len()),
                    });
                } else {
                    // Reading a FIFO or a device could block forever or never end.
                    let message = "not a regular file (a FIFO, socket or device); not read \
                                   (pass it explicitly to read it)"
                        .to_owned();
                    jobs.push(failed(&entry_name, ParseError::Read { message }));
                }
            }
            Err(err) if has_manifest_extension(&path) => {
                jobs.push(failed(&entry_name, describe(&path, &err)));
            }
            // Other files, and broken symlinks without a manifest extension, are not manifests.
            Ok(_) | Err(_) => {}
        }
    }
}

fn has_manifest_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Result of a bounded read: the bytes, or the size seen when the limit was passed.
enum Bounded {
    Bytes(Vec<u8>),
    TooLarge(u64),
}

/// Reads at most `limits.max_input_bytes + 1` bytes; a known size over the limit is rejected
/// before reading anything.
fn read_bounded(reader: impl Read, known_len: Option<u64>, limits: &Limits) -> io::Result<Bounded> {
    let limit = limits.max_input_bytes;
    if let Some(len) = known_len
        && len > limit
    {
        return Ok(Bounded::TooLarge(len));
    }
    let capacity = known_len.unwrap_or(0).min(limit);
    let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Ok(Bounded::TooLarge(known_len.unwrap_or(read).max(read)));
    }
    Ok(Bounded::Bytes(bytes))
}

fn parse_read(name: &str, result: io::Result<Bounded>, limits: &Limits) -> Vec<Document> {
    match result {
        Ok(Bounded::Bytes(bytes)) => parse_bytes(name, &bytes, limits),
        Ok(Bounded::TooLarge(size)) => {
            let limit = limits.max_input_bytes;
            vec![error_document(name, ParseError::TooLarge { size, limit })]
        }
        Err(err) => vec![error_document(name, ParseError::read(&err))],
    }
}

fn error_document(name: &str, error: ParseError) -> Document {
    Document {
        file: name.to_owned(),
        index: 0,
        line: 1,
        content: Err(error),
    }
}

/// An error for a path that cannot be opened, telling a broken symlink from a missing file.
fn describe(path: &Path, err: &io::Error) -> ParseError {
    let dangling = err.kind() == io::ErrorKind::NotFound
        && fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if dangling {
        let target = fs::read_link(path)
            .map(|t| format!(" to {}", t.display()))
            .unwrap_or_default();
        ParseError::Read {
            message: format!("broken symbolic link{target}: {err}"),
        }
    } else {
        ParseError::read(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_stream_is_cut_one_byte_past_the_limit() {
        // `io::repeat` never ends: reading it all would never return.
        let limits = Limits::default().max_input_bytes(1000);
        match read_bounded(io::repeat(b'a'), None, &limits) {
            Ok(Bounded::TooLarge(size)) => assert_eq!(size, 1001),
            Ok(Bounded::Bytes(_)) => panic!("an endless stream was accepted"),
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn known_size_over_the_limit_is_rejected_without_reading() {
        struct Unreadable;
        impl Read for Unreadable {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                panic!("read although the size was known to be too large")
            }
        }
        let limits = Limits::default();
        let result = read_bounded(Unreadable, Some(50_000_000), &limits);
        assert!(matches!(result, Ok(Bounded::TooLarge(50_000_000))));
    }

    #[test]
    fn manifest_extensions() {
        assert!(has_manifest_extension(Path::new("a/b.yaml")));
        assert!(has_manifest_extension(Path::new("b.YML")));
        assert!(has_manifest_extension(Path::new("c.json")));
        assert!(!has_manifest_extension(Path::new("d.txt")));
        assert!(!has_manifest_extension(Path::new("yaml")));
    }
}
