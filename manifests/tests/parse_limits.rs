//! Hostile and broken input: each case gives a clear error naming the line (where there is one),
//! never a panic, and finishes quickly with bounded memory (asserted through the results: an
//! alias bomb that was actually expanded, or a 50 MB file that was actually read, would not
//! produce these errors).

use std::fs;
use std::path::Path;

use shipmate_manifests::Document;
use shipmate_manifests::parse::{Input, Limits, ParseError, load_inputs, parse_bytes};

fn parse(text: &str) -> Vec<Document> {
    parse_bytes("test.yaml", text.as_bytes(), &Limits::default())
}

fn only_error(docs: &[Document]) -> &ParseError {
    assert_eq!(docs.len(), 1, "{docs:#?}");
    docs[0].content.as_ref().expect_err("an error document")
}

/// Named `parse` so that `cargo test -p shipmate-manifests parse` selects these tests.
mod parse {
    use super::*;

    const BILLION_LAUGHS: &str = r#"apiVersion: v1
kind: ConfigMap
metadata: {name: lol}
data:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"#;

    #[test]
    fn alias_bomb_fails_naming_the_limit() {
        let docs = parse(BILLION_LAUGHS);
        let err = only_error(&docs);
        assert!(
            matches!(err, ParseError::AliasBomb { limit: 10_000, .. }),
            "{err:?}"
        );
        let line = err.line().expect("a line");
        assert!(
            (6..=13).contains(&line),
            "line {line} is inside the aliases"
        );
        let msg = err.to_string();
        assert!(msg.contains("alias expansion limit exceeded"), "{msg}");
        assert!(msg.contains("10000"), "{msg}");
    }

    #[test]
    fn a_few_aliases_are_fine() {
        let docs = parse(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: &v hello\n  b: *v\n",
        );
        let object = docs[0].object().expect("parses");
        assert_eq!(object["data"]["b"], "hello");
    }

    #[test]
    fn unclosed_bracket_names_the_line_it_was_opened_on() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers: [\n    {name: a, image: nginx},\n\n  volumes: []\n";
        let docs = parse(text);
        let err = only_error(&docs);
        let msg = err.to_string();
        assert!(
            msg.contains("unclosed flow sequence '[' opened at line 6"),
            "{msg}"
        );
        assert!(msg.contains("close it with ']'"), "{msg}");
        assert!(err.line().is_some(), "{err:?}");
    }

    #[test]
    fn unclosed_mapping_at_end_of_file() {
        let docs = parse("apiVersion: v1\nkind: ConfigMap\ndata: {a: 1,\n  b: 2\n");
        let msg = only_error(&docs).to_string();
        assert!(
            msg.starts_with("line 3: unclosed flow mapping '{'"),
            "{msg}"
        );
        assert!(msg.contains("close it with '}'"), "{msg}");
    }

    #[test]
    fn binary_junk_is_not_yaml() {
        let mut junk: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        junk.extend_from_slice(b"\0\x7fELF");
        let docs = parse_bytes("junk.bin", &junk, &Limits::default());
        let err = only_error(&docs);
        assert!(matches!(err, ParseError::Binary { .. }), "{err:?}");
        assert!(
            err.to_string().starts_with("binary data, not YAML"),
            "{err}"
        );

        let docs = parse_bytes(
            "x.yaml",
            b"apiVersion: v1\nkind: \xff\xfe\n",
            &Limits::default(),
        );
        let err = only_error(&docs);
        assert_eq!(err.line(), Some(2));
        assert!(err.to_string().contains("invalid UTF-8 at line 2"), "{err}");
    }

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

    #[test]
    fn oversized_bytes_are_rejected() {
        let docs = parse_bytes("-", &[b'a'; 2048], &Limits::default().max_input_bytes(1024));
        assert!(matches!(
            only_error(&docs),
            ParseError::TooLarge {
                size: 2048,
                limit: 1024
            }
        ));
    }

    #[test]
    fn empty_and_comment_only_files() {
        for text in [
            "",
            "\n\n",
            "# just a comment\n",
            "---\n---\n# nothing\n...\n",
            "~\n",
        ] {
            let docs = parse(text);
            let err = only_error(&docs);
            assert_eq!(*err, ParseError::Empty, "{text:?}");
            assert_eq!(
                err.to_string(),
                "file is empty: no Kubernetes documents (add a manifest or leave the file out)"
            );
        }
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
    fn duplicate_keys_are_rejected_not_last_wins() {
        let docs = parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n");
        let err = only_error(&docs);
        assert_eq!(
            *err,
            ParseError::DuplicateKey {
                line: 5,
                key: "name".into()
            }
        );
        // In JSON too.
        let docs = parse(r#"{"apiVersion": "v1", "kind": "Pod", "kind": "Service"}"#);
        assert!(matches!(only_error(&docs), ParseError::DuplicateKey { .. }));
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let flow = format!(
            "apiVersion: v1\nkind: X\ndata: {}{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let err = only_error(&parse(&flow)).clone();
        assert!(
            matches!(err, ParseError::TooDeep { line: 3, limit: 64 }),
            "{err:?}"
        );
        assert!(err.to_string().contains("nesting too deep"), "{err}");

        let block: String = (0..200)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
            .collect();
        let err = only_error(&parse(&format!("apiVersion: v1\nkind: X\n{block}"))).clone();
        assert!(matches!(err, ParseError::TooDeep { .. }), "{err:?}");

        let shallow = Limits::default().max_depth(3);
        let docs = parse_bytes(
            "x",
            b"apiVersion: v1\nkind: X\na: {b: {c: {d: 1}}}\n",
            &shallow,
        );
        assert!(matches!(
            only_error(&docs),
            ParseError::TooDeep { limit: 3, .. }
        ));
    }

    #[test]
    fn too_many_documents() {
        let text = "apiVersion: v1\nkind: Namespace\n---\n".repeat(5);
        let docs = parse_bytes("x", text.as_bytes(), &Limits::default().max_documents(3));
        assert_eq!(docs.len(), 4);
        assert!(docs[..3].iter().all(|d| d.content.is_ok()));
        let err = docs[3].content.as_ref().expect_err("over the limit");
        assert_eq!(*err, ParseError::TooManyDocuments { line: 10, limit: 3 });

        // A separator storm with the default limit stops at the limit, not at the end.
        let storm = "a: 1\n---\n".repeat(1_000_000);
        let docs = parse(&storm);
        assert_eq!(docs.len(), 10_001);
        assert!(matches!(
            docs[10_000].content,
            Err(ParseError::TooManyDocuments { .. })
        ));
    }

    #[test]
    fn list_is_expanded_into_items_sharing_its_index() {
        let text = "\
apiVersion: v1
kind: Namespace
metadata: {name: first}
---
kind: List
apiVersion: v1
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
- apiVersion: v1
  kind: Secret
  metadata: {name: b}
- just a string
---
apiVersion: v1
kind: Namespace
metadata: {name: last}
";
        let docs = parse(text);
        let got: Vec<(usize, usize, Option<&str>)> =
            docs.iter().map(|d| (d.index, d.line, d.kind())).collect();
        assert_eq!(
            got,
            vec![
                (0, 1, Some("Namespace")),
                (1, 8, Some("ConfigMap")),
                (1, 11, Some("Secret")),
                (1, 14, None),
                (2, 16, Some("Namespace")),
            ]
        );
        let err = docs[3].content.as_ref().expect_err("not an object");
        assert_eq!(
            err.to_string(),
            "line 14: expected a Kubernetes object (a mapping with apiVersion and kind), found a string"
        );
    }

    #[test]
    fn typed_lists_imply_item_kind_and_empty_lists_are_kept() {
        let docs = parse("apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: p}\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].kind(), Some("Pod"));
        assert_eq!(docs[0].api_version(), Some("v1"));
        assert_eq!(docs[0].line, 4);

        let docs = parse("apiVersion: v1\nkind: List\nitems: []\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].kind(), Some("List"));
    }

    #[test]
    fn document_lines_in_a_multi_document_file() {
        let text = "\
# Licensed under …

apiVersion: v1
kind: Namespace
metadata: {name: a}
---
# a comment-only document is skipped and not counted
---

apiVersion: v1
kind: Namespace
metadata: {name: b}
--- # trailing comment
apiVersion: v1
kind: Namespace
metadata:
  name: c: broken
---
apiVersion: v1
kind: Namespace
metadata: {name: d}
";
        let docs = parse(text);
        let got: Vec<(usize, usize, Option<usize>)> = docs
            .iter()
            .map(|d| {
                (
                    d.index,
                    d.line,
                    d.content.as_ref().err().and_then(ParseError::line),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 3, None),
                (1, 10, None),
                (2, 14, Some(17)),
                (3, 19, None)
            ]
        );
        assert_eq!(
            docs[3].name(),
            Some("d"),
            "an error in one document does not hide the next"
        );
    }

    #[test]
    fn json_input() {
        let json = "{\n\t\"apiVersion\": \"apps/v1\",\n\t\"kind\": \"Deployment\",\n\t\"metadata\": {\"name\": \"web\"},\n\t\"spec\": {\"replicas\": 3}\n}\n";
        let docs = parse_bytes("web.json", json.as_bytes(), &Limits::default());
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].name(), Some("web"));
        assert_eq!(docs[0].object().expect("object")["spec"]["replicas"], 3);

        let docs = parse_bytes(
            "list.json",
            b"[{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}]",
            &Limits::default(),
        );
        let err = only_error(&docs);
        assert_eq!(
            *err,
            ParseError::NotAnObject {
                line: 1,
                found: "a list"
            }
        );

        let docs = parse_bytes(
            "broken.json",
            b"{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\"\n",
            &Limits::default(),
        );
        let msg = only_error(&docs).to_string();
        assert!(
            msg.contains("unclosed flow mapping '{'") && msg.contains("line 1"),
            "{msg}"
        );
    }

    #[test]
    fn stdin_like_bytes_keep_the_name_dash() {
        let docs = parse_bytes(
        "-",
        b"apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n",
        &Limits::default(),
    );
        assert_eq!(docs.len(), 2);
        assert!(docs.iter().all(|d| d.file == "-"));
        assert_eq!(
            (docs[1].index, docs[1].line, docs[1].name()),
            (1, 5, Some("b"))
        );
    }

    #[test]
    fn non_objects_and_missing_type_meta() {
        let err = only_error(&parse("- a\n- b\n")).to_string();
        assert_eq!(
            err,
            "line 1: expected a Kubernetes object (a mapping with apiVersion and kind), found a list"
        );
        let err = only_error(&parse("hello\n")).to_string();
        assert!(err.ends_with("found a string"), "{err}");
        let err = only_error(&parse("kind: Pod\nmetadata: {}\n")).clone();
        assert_eq!(
            err,
            ParseError::MissingTypeMeta {
                line: 1,
                missing: "apiVersion"
            }
        );
        let err = only_error(&parse("metadata: {}\n")).to_string();
        assert!(err.contains("apiVersion and kind missing"), "{err}");
        let err = only_error(&parse("apiVersion: v1\nkind: [Pod]\n")).clone();
        assert_eq!(
            err,
            ParseError::MissingTypeMeta {
                line: 1,
                missing: "kind"
            }
        );
    }

    mod never_panics {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
                let docs = parse_bytes("fuzz", &bytes, &Limits::default());
                prop_assert!(!docs.is_empty());
            }

            #[test]
            fn yamlish_text(text in "[-:\\[\\]{}&*!|>'\"#%@ ,\\n a-c0-9]{0,300}") {
                let docs = parse_bytes("fuzz", text.as_bytes(), &Limits::default());
                prop_assert!(!docs.is_empty());
                for doc in &docs {
                    if let Err(err) = &doc.content {
                        prop_assert!(!err.to_string().is_empty());
                    }
                }
            }
        }
    }
}
