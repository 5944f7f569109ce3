//! Reading files and directories: sizes checked before reading, unreadable entries reported (as
//! root too: broken and looping symlinks, FIFOs), deterministic order.

use std::fs;
use std::path::Path;

use super::only_error;
use shipmate_manifests::Document;
use shipmate_manifests::parse::{Input, Limits, ParseError, load_inputs};

#[test]
fn fifty_megabyte_file_is_rejected_from_its_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.yaml");
    let file = fs::File::create(&path).expect("create");
    // Sparse: the size is real, but reading it would be the bug.
    file.set_len(50_000_000).expect("set_len");
    drop(file);
    let loaded = load_inputs(&[Input::Path(path.clone())], &Limits::default());
    assert_eq!(loaded.files, 1);
    let err = only_error(&loaded.documents);
    assert_eq!(
        *err,
        ParseError::TooLarge {
            size: 50_000_000,
            limit: 16 * 1024 * 1024
        }
    );
    assert!(
        err.to_string().contains("split it into smaller files"),
        "{err}"
    );
    assert_eq!(loaded.documents[0].file, path.display().to_string());
}

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

#[test]
fn directory_with_unreadable_entries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::write(
        root.join("b-good.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n",
    )
    .expect("write");
    fs::write(root.join("notes.txt"), "not a manifest").expect("write");
    symlink("does-not-exist.yaml", &root.join("a-broken.yaml"));
    symlink("c-loop.yml", &root.join("c-loop.yml"));
    fs::create_dir(root.join("sub")).expect("mkdir");
    fs::write(
        root.join("sub/d.json"),
        r#"{"apiVersion": "v1", "kind": "Namespace"}"#,
    )
    .expect("write");
    symlink("..", &root.join("sub/up")); // a directory symlink loop
    let fifo = root.join("e-pipe.yaml");
    let have_fifo = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());

    let loaded = load_inputs(&[Input::Path(root.to_path_buf())], &Limits::default());
    let summary: Vec<(String, Result<String, String>)> = loaded
        .documents
        .iter()
        .map(|d| {
            let name = d
                .file
                .strip_prefix(&format!("{}/", root.display()))
                .unwrap_or(&d.file);
            let content = d
                .content
                .as_ref()
                .map(|o| o["kind"].to_string())
                .map_err(|e| e.to_string());
            (name.to_owned(), content)
        })
        .collect();
    let files: Vec<&str> = summary.iter().map(|(f, _)| f.as_str()).collect();
    let mut expected = vec!["a-broken.yaml", "b-good.yaml", "c-loop.yml"];
    if have_fifo {
        expected.push("e-pipe.yaml");
    }
    expected.push("sub/d.json");
    assert_eq!(files, expected, "{summary:#?}");
    assert_eq!(loaded.files, expected.len());

    let err = |name: &str| {
        summary
            .iter()
            .find(|(f, _)| f == name)
            .and_then(|(_, c)| c.clone().err())
            .unwrap_or_default()
    };
    assert!(
        err("a-broken.yaml").contains("broken symbolic link to does-not-exist.yaml"),
        "{summary:#?}"
    );
    assert!(
        err("a-broken.yaml").contains("No such file or directory"),
        "{summary:#?}"
    );
    assert!(err("c-loop.yml").contains("symbolic links"), "{summary:#?}");
    if have_fifo {
        assert!(
            err("e-pipe.yaml").contains("not a regular file"),
            "{summary:#?}"
        );
    }
    assert_eq!(summary[1].1, Ok("\"Namespace\"".to_owned()));
}

#[test]
fn many_files_keep_sorted_order_across_threads() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in (0..60).rev() {
        let text = format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: ns{i:02}}}\n");
        fs::write(dir.path().join(format!("{i:02}.yaml")), text).expect("write");
    }
    let loaded = load_inputs(
        &[
            Input::Path(dir.path().to_path_buf()),
            Input::Path(dir.path().join("07.yaml")),
        ],
        &Limits::default(),
    );
    assert_eq!(loaded.files, 61);
    let names: Vec<&str> = loaded.documents.iter().filter_map(Document::name).collect();
    let mut expected: Vec<String> = (0..60).map(|i| format!("ns{i:02}")).collect();
    expected.push("ns07".to_owned());
    assert_eq!(names, expected);
}

#[test]
fn missing_path_is_an_error_document() {
    let loaded = load_inputs(
        &[Input::Path("/nonexistent/x.yaml".into())],
        &Limits::default(),
    );
    assert_eq!(loaded.files, 1);
    let err = only_error(&loaded.documents);
    assert!(matches!(err, ParseError::Read { .. }));
    assert!(
        err.to_string().contains("No such file or directory"),
        "{err}"
    );
}

#[test]
fn directory_without_manifests_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("README.md"), "# not a manifest").expect("write");
    let loaded = load_inputs(&[Input::Path(dir.path().to_path_buf())], &Limits::default());
    assert_eq!(loaded.files, 1);
    assert_eq!(*only_error(&loaded.documents), ParseError::NoManifests);
    assert_eq!(loaded.documents[0].file, dir.path().display().to_string());
}
