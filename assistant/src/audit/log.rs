//! The append-only JSONL file: one [`Entry`] per line.
//!
//! Appending takes an exclusive advisory lock on the file (opened with `O_APPEND`), writes the
//! whole line with one `write_all`, and `fsync`s before unlocking, so concurrent shipmate
//! processes never interleave and an acknowledged entry survives a crash. If an earlier crash
//! left a torn last line, the next append starts on a fresh line so its own entry stays whole.
//! Reading tolerates a truncated last line and corrupt lines: they are skipped with a warning
//! naming the line number, never a panic.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow};

use super::entry::Entry;

/// The audit log at a path.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

/// The entries read from a log, oldest first, and warnings about lines that were skipped.
#[derive(Debug, Default)]
pub struct Contents {
    /// Entries in file order (oldest first).
    pub entries: Vec<Entry>,
    /// One message per skipped line (`line 7: …`).
    pub warnings: Vec<String>,
}

impl AuditLog {
    /// The log at `path`.
    pub fn at(path: impl Into<PathBuf>) -> AuditLog {
        AuditLog { path: path.into() }
    }

    /// The user's log: `$XDG_STATE_HOME/shipmate/audit.jsonl`, else
    /// `~/.local/state/shipmate/audit.jsonl`.
    pub fn default_location() -> anyhow::Result<AuditLog> {
        let state = crate::xdg::state_dir().ok_or_else(|| {
            anyhow!(
                "cannot locate the audit log: neither XDG_STATE_HOME nor HOME is set to an \
                     absolute path; set XDG_STATE_HOME"
            )
        })?;
        Ok(AuditLog::at(state.join("audit.jsonl")))
    }

    /// Where the log lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `entry` (redacted first, whatever the caller did) as one line, durably.
    pub fn append(&self, entry: &Entry) -> anyhow::Result<()> {
        let mut entry = entry.clone();
        entry.redact();
        let mut line = serde_json::to_string(&entry).context("cannot serialise the entry")?;
        line.push('\n');
        self.append_line(&line)
            .with_context(|| format!("cannot append to the audit log {}", self.path.display()))
    }

    fn append_line(&self, line: &str) -> io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        create_private_dir(dir)?;
        let existed = self.path.exists();
        let mut options = OpenOptions::new();
        options.append(true).create(true).read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(&self.path)?;
        tighten(&file)?;
        file.lock()?;
        let result = (|| {
            let mut buf = Vec::with_capacity(line.len() + 1);
            if ends_torn(&file)? {
                buf.push(b'\n');
            }
            buf.extend_from_slice(line.as_bytes());
            file.write_all(&buf)?;
            file.sync_data()
        })();
        let _ = file.unlock();
        result?;
        if !existed {
            // Make the new file's directory entry durable too.
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    /// Reads every entry; a missing log is empty. Lines that are not entries are skipped with a
    /// warning; only failing to open or read the file at all is an error.
    pub fn read(&self) -> anyhow::Result<Contents> {
        let mut file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Contents::default()),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot open the audit log {}", self.path.display()));
            }
        };
        let _ = file.lock_shared();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .with_context(|| format!("cannot read the audit log {}", self.path.display()))?;
        let _ = file.unlock();
        Ok(parse(&bytes))
    }
}

/// Parses the log's bytes (see [`AuditLog::read`]).
pub fn parse(bytes: &[u8]) -> Contents {
    let mut out = Contents::default();
    let complete = bytes.ends_with(b"\n");
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let last = lines.len().saturating_sub(1);
    for (i, line) in lines.iter().enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let n = i + 1;
        match serde_json::from_slice::<Entry>(line) {
            Ok(entry) => out.entries.push(entry),
            Err(_) if i == last && !complete => out.warnings.push(format!(
                "line {n}: truncated last line (an interrupted write); ignored"
            )),
            Err(e) => out
                .warnings
                .push(format!("line {n}: not a valid audit entry ({e}); skipped")),
        }
    }
    out
}

/// Whether the file is non-empty and does not end with a newline.
fn ends_torn(file: &File) -> io::Result<bool> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(false);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt as _;
        let mut last = [0u8];
        file.read_exact_at(&mut last, len - 1)?;
        Ok(last[0] != b'\n')
    }
    #[cfg(not(unix))]
    Ok(false)
}

/// Creates `dir` (and missing parents) readable by the owner only.
fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Makes sure the log is readable by the owner only, whoever created it.
fn tighten(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
        }
    }
    let _ = file;
    Ok(())
}

#[cfg(test)]
mod tests;
