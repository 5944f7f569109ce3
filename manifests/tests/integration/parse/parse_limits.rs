//! Hostile input: each case gives a clear error naming the line (where there is one), never a
//! panic, and finishes quickly with bounded memory (asserted through the results: an alias bomb
//! that was actually expanded would hit a different limit than the alias one).

use super::{only_error, parse};
use shipmate_manifests::parse::{Limits, ParseError, parse_bytes};

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
