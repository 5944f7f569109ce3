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

pub(crate) fn load(inputs: &[Input], limits: &Limits) -> Loaded {
    let mut loaded = Loaded::default();
    for input in inputs {
        match input {
            Input::Stdin => {
                let result = read_bounded(io::stdin().lock(), None, limits);
                add_read(&mut loaded, "-", result, limits);
            }
            Input::Path(path) => load_path(&mut loaded, path, limits),
        }
    }
    loaded
}

fn load_path(loaded: &mut Loaded, path: &Path, limits: &Limits) {
    let name = path.display().to_string();
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            let mut visited = HashSet::new();
            walk(loaded, path, limits, &mut visited, 0);
        }
        // A path given explicitly is read whatever its extension or type (`<(cmd)` is a pipe).
        Ok(meta) => {
            let result = File::open(path).and_then(|f| read_bounded(f, Some(meta.len()), limits));
            add_read(loaded, &name, result, limits);
        }
        Err(err) => add_error(loaded, &name, describe(path, &err)),
    }
}

fn walk(
    loaded: &mut Loaded,
    dir: &Path,
    limits: &Limits,
    visited: &mut HashSet<PathBuf>,
    depth: usize,
) {
    let name = dir.display().to_string();
    // Canonical paths identify a directory however it was reached: a symlink loop ends here.
    match fs::canonicalize(dir) {
        Ok(canonical) => {
            if !visited.insert(canonical) {
                return;
            }
        }
        Err(err) => return add_error(loaded, &name, describe(dir, &err)),
    }
    if depth > MAX_DIR_DEPTH {
        let message = format!("directories nested deeper than {MAX_DIR_DEPTH} levels; not read");
        return add_error(loaded, &name, ParseError::Read { message });
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => return add_error(loaded, &name, describe(dir, &err)),
    };
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => paths.push(entry.path()),
            Err(err) => add_error(loaded, &name, ParseError::read(&err)),
        }
    }
    paths.sort();
    for path in paths {
        let entry_name = path.display().to_string();
        match fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(loaded, &path, limits, visited, depth + 1),
            Ok(meta) if has_manifest_extension(&path) => {
                if meta.is_file() {
                    let result =
                        File::open(&path).and_then(|f| read_bounded(f, Some(meta.len()), limits));
                    add_read(loaded, &entry_name, result, limits);
                } else {
                    // Reading a FIFO or a device could block forever or never end.
                    let message = "not a regular file (a FIFO, socket or device); not read \
                                   (pass it explicitly to read it)"
                        .to_owned();
                    add_error(loaded, &entry_name, ParseError::Read { message });
                }
            }
            Ok(_) => {}
            Err(err) if has_manifest_extension(&path) => {
                add_error(loaded, &entry_name, describe(&path, &err));
            }
            // A broken symlink without a manifest extension would not have been read anyway.
            Err(_) => {}
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

fn add_read(loaded: &mut Loaded, name: &str, result: io::Result<Bounded>, limits: &Limits) {
    match result {
        Ok(Bounded::Bytes(bytes)) => {
            loaded.files += 1;
            loaded.documents.extend(parse_bytes(name, &bytes, limits));
        }
        Ok(Bounded::TooLarge(size)) => add_error(
            loaded,
            name,
            ParseError::TooLarge {
                size,
                limit: limits.max_input_bytes,
            },
        ),
        Err(err) => add_error(loaded, name, ParseError::read(&err)),
    }
}

fn add_error(loaded: &mut Loaded, name: &str, error: ParseError) {
    loaded.files += 1;
    loaded.documents.push(Document {
        file: name.to_owned(),
        index: 0,
        line: 1,
        content: Err(error),
    });
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
