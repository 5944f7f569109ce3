//! Writing a drafted chart to its directory, never over an existing chart unless asked.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::ChartFile;

/// Writes `files` under `dir` (created if missing) and returns the paths written. A `dir` that
/// exists and is not empty is refused unless `force`; with `force` the chart's files are
/// replaced and any other file in `dir` is left alone.
pub fn write(dir: &Path, files: &[ChartFile], force: bool) -> anyhow::Result<Vec<PathBuf>> {
    if dir.exists() {
        if !dir.is_dir() {
            anyhow::bail!(
                "{} exists and is not a directory; choose another chart directory",
                dir.display()
            );
        }
        let occupied = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some();
        if occupied && !force {
            anyhow::bail!(
                "{} is not empty; nothing was written (pass --force to replace the chart's files \
                 there, or choose an empty or new directory)",
                dir.display()
            );
        }
    }
    let mut written = Vec::with_capacity(files.len());
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create directory {}", parent.display()))?;
        }
        std::fs::write(&path, &f.text)
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<ChartFile> {
        vec![ChartFile {
            path: "templates/a.yaml".into(),
            text: "x: 1\n".into(),
        }]
    }

    #[test]
    fn an_existing_chart_is_kept_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("chart");
        write(&dir, &files(), false).unwrap();
        std::fs::write(dir.join("templates/a.yaml"), "mine\n").unwrap();
        let err = write(&dir, &files(), false).unwrap_err().to_string();
        assert!(
            err.contains("not empty") && err.contains("--force"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("templates/a.yaml")).unwrap(),
            "mine\n"
        );
        write(&dir, &files(), true).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("templates/a.yaml")).unwrap(),
            "x: 1\n"
        );
    }

    #[test]
    fn an_empty_directory_is_fine() {
        let tmp = tempfile::tempdir().unwrap();
        let written = write(tmp.path(), &files(), false).unwrap();
        assert_eq!(written, vec![tmp.path().join("templates/a.yaml")]);
    }
}
