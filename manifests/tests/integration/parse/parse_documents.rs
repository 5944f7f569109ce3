//! What documents come out of an input: numbering, starting lines, Lists, JSON, stdin, and the
//! checks that every document is a Kubernetes object.

use super::{only_error, parse};
use shipmate_manifests::parse::{Limits, ParseError, parse_bytes};

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
