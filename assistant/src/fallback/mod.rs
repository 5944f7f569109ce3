//! The manual fallback: when shipmate does not apply a proposal (`--no-apply`, no applier, no
//! cluster, no permission, or the person chooses so), it writes the manifests to a **new**
//! directory and lists the exact commands to run by hand. Nothing the backend proposed is lost.
//!
//! `<base>/<UTC time>-<slug>/NN-kind-name.yaml`, numbered in [apply order](crate::order). The
//! directory is created with `create_dir` (never reusing one: `-2`, `-3`… on a clash) and every
//! file with `create_new`, so a second run can never overwrite the first. Secrets are written
//! readable by the owner only (0600) and hold their real values: they are what `kubectl apply`
//! needs. If a write fails, what was written is removed again, so no half-filled directory is
//! left behind, and the error names the path and what to do.

mod names;

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use serde_json::Value;
use shipmate_plugins::{ManualFallback, ManualReason, Proposal, Status};

use crate::clock::Utc;
use crate::order::apply_order;

/// The base directory when `--out-dir` is not given.
pub const DEFAULT_BASE: &str = "shipmate-out";

/// How many `-N` suffixes to try before giving up on a directory name.
const MAX_SUFFIX: u32 = 1000;

/// Whether the fallback writes anything for this proposal: only a `proposed` one with manifests
/// (a blocked proposal must not be made easy to apply by hand).
pub fn applies_to(p: &Proposal) -> bool {
    p.status == Status::Proposed && !p.manifests.is_empty()
}

/// Writes the manifests of `p` to a new directory under `base` and returns what was written and
/// the commands to run. Call only when [`applies_to`] is true.
pub fn write(
    p: &Proposal,
    base: &Path,
    reason: ManualReason,
    now: Utc,
) -> anyhow::Result<ManualFallback> {
    if base.to_str().is_none() {
        return Err(anyhow!(
            "the output directory {} is not valid UTF-8, so the commands to run could not name \
             it; choose another with --out-dir DIR",
            base.display()
        ));
    }
    fs::create_dir_all(base).map_err(|e| io_error(base, "create the directory", &e))?;
    let dir = new_directory(base, &names::directory(&now.compact(), &p.summary))?;
    match write_files(&dir, &p.manifests) {
        Ok(files) => {
            let directory = path_string(&dir);
            Ok(ManualFallback {
                commands: commands(&directory, p),
                directory,
                files: files.iter().map(|f| path_string(f)).collect(),
                reason,
            })
        }
        Err((err, written)) => {
            for f in &written {
                let _ = fs::remove_file(f);
            }
            let _ = fs::remove_dir(&dir);
            Err(err)
        }
    }
}

/// The commands to run by hand: server dry-run, diff and server-side apply of `directory`, then
/// each proposed action.
pub fn commands(directory: &str, p: &Proposal) -> Vec<Vec<String>> {
    let argv = |words: &[&str]| words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
    let apply = [
        "kubectl",
        "apply",
        "--server-side",
        "--field-manager=shipmate",
    ];
    let mut out = vec![
        argv(&[&apply[..], &["--dry-run=server", "-f", directory]].concat()),
        argv(&["kubectl", "diff", "-f", directory]),
        argv(&[&apply[..], &["-f", directory]].concat()),
    ];
    out.extend(p.actions.iter().map(|a| a.argv.clone()));
    out
}

/// Creates `base/name`, or `base/name-2`, `-3`… if it exists; never reuses a directory.
fn new_directory(base: &Path, name: &str) -> anyhow::Result<PathBuf> {
    for n in 1..=MAX_SUFFIX {
        let candidate = if n == 1 {
            base.join(name)
        } else {
            base.join(format!("{name}-{n}"))
        };
        match fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error(&candidate, "create the directory", &e)),
        }
    }
    Err(anyhow!(
        "{MAX_SUFFIX} directories named {}… already exist in {}; clean it up or choose another \
         --out-dir DIR",
        name,
        base.display()
    ))
}

/// Writes each manifest in apply order. On failure, returns the error and the files written so
/// far (for the caller to remove).
fn write_files(
    dir: &Path,
    manifests: &[Value],
) -> Result<Vec<PathBuf>, (anyhow::Error, Vec<PathBuf>)> {
    let mut written = Vec::new();
    for (pos, &i) in apply_order(manifests).iter().enumerate() {
        let m = &manifests[i];
        let path = dir.join(names::file(pos, manifests.len(), m));
        let yaml = match serde_saphyr::to_string(m) {
            Ok(y) => y,
            Err(e) => {
                let err = anyhow!(e).context(format!("cannot render {} as YAML", path.display()));
                return Err((err, written));
            }
        };
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if m.get("kind").and_then(Value::as_str) == Some("Secret") {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = match options.open(&path) {
            Ok(f) => f,
            Err(e) => return Err((io_error(&path, "create", &e), written)),
        };
        written.push(path.clone());
        if let Err(e) = file
            .write_all(yaml.as_bytes())
            .and_then(|()| file.sync_all())
        {
            return Err((io_error(&path, "write", &e), written));
        }
    }
    Ok(written)
}

/// An I/O error that names the path and says what to do.
fn io_error(path: &Path, what: &str, e: &io::Error) -> anyhow::Error {
    let hint = match e.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            "choose a writable base directory with --out-dir DIR"
        }
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            "free some disk space, or choose another base directory with --out-dir DIR"
        }
        io::ErrorKind::NotADirectory => {
            "a part of that path is a file, not a directory; choose another base directory \
             with --out-dir DIR"
        }
        _ => "choose another base directory with --out-dir DIR",
    };
    anyhow!(
        "cannot {what} {} for the manual fallback ({e}); {hint}",
        path.display()
    )
}

fn path_string(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Context for the caller: which base directory was used.
pub fn base_dir(out_dir: Option<&Path>) -> PathBuf {
    out_dir.map_or_else(|| PathBuf::from(DEFAULT_BASE), Path::to_path_buf)
}

#[cfg(test)]
mod tests;
