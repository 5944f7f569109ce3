//! A fast path for ordinary documents: `serde_json::Value` built straight from the YAML parser's
//! events.
//!
//! `serde-saphyr`'s serde layer costs about 1.5× the raw parse. Real manifests are almost always
//! plain (no anchors, aliases, tags, merge keys, duplicate keys or odd scalars), and for those we
//! can skip that layer. Anything unusual makes this path give up (`None`), and the document is
//! parsed by `serde-saphyr` proper, which applies every budget, policy and error message. So the
//! fast path never decides an error or a limit; it only has to agree with `serde-saphyr` on plain
//! documents, which a differential test checks over the whole corpus and random input.
//!
//! The one piece of YAML semantics it needs, resolving plain scalars, is kept trivial: plain
//! words and plain decimal integers are resolved here; any scalar that could be a boolean, null,
//! float, octal, hexadecimal or signed number is resolved by `serde-saphyr` itself.

use serde_json::{Map, Value};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

use super::limits::Limits;

enum Frame {
    Seq(Vec<Value>),
    Map(Map<String, Value>, Option<String>),
}

/// The document's value, or `None` when it is not plain enough for this path (or is invalid).
pub(crate) fn parse(text: &str, limits: &Limits, options: &serde_saphyr::Options) -> Option<Value> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Value> = None;
    let mut documents = 0usize;
    let mut nodes = 0usize;
    for item in Parser::new_from_str(text) {
        let (event, _span) = item.ok()?;
        let value = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(scalar, style, anchor, tag) => {
                nodes += 1;
                if anchor != 0 || tag.is_some() || nodes > limits.max_nodes {
                    return None;
                }
                if let Some(Frame::Map(_, key @ None)) = stack.last_mut() {
                    // A key: only strings are simple (`1: x` or `true: x` are left to
                    // serde-saphyr, and so is the merge key `<<`).
                    let is_string = match resolve(&scalar, style, options)? {
                        Value::String(s) => s == scalar,
                        _ => false,
                    };
                    if scalar == "<<" || !is_string {
                        return None;
                    }
                    *key = Some(scalar.into_owned());
                    continue;
                }
                resolve(&scalar, style, options)?
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                nodes += 1;
                let is_key = matches!(stack.last(), Some(Frame::Map(_, None)));
                if anchor != 0
                    || tag.is_some()
                    || is_key
                    || stack.len() >= limits.max_depth
                    || nodes > limits.max_nodes
                {
                    return None;
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(Vec::new())
                } else {
                    Frame::Map(Map::new(), None)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                Frame::Seq(items) => Value::Array(items),
                Frame::Map(map, None) => Value::Object(map),
                Frame::Map(_, Some(_)) => return None,
            },
            Event::Alias(..) => return None,
            // Stream and document ends, comments, anchor metadata.
            _ => continue,
        };
        match stack.last_mut() {
            None if root.is_none() => root = Some(value),
            None => return None,
            Some(Frame::Seq(items)) => items.push(value),
            Some(Frame::Map(map, key)) => {
                let key = key.take()?;
                if map.insert(key, value).is_some() {
                    return None; // a duplicate key: serde-saphyr reports it
                }
            }
        }
    }
    if !stack.is_empty() {
        return None;
    }
    root
}

/// A plain scalar that is a string under every YAML schema: starts with a letter (or `/`, `_`)
/// and is not one of the words YAML 1.1 reads as a boolean, null or float.
fn is_plain_word(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '/' || first == '_') {
        return false;
    }
    const SPECIAL: [&str; 12] = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "inf", "infinity", "nan",
    ];
    !(s.len() <= 8 && SPECIAL.iter().any(|w| s.eq_ignore_ascii_case(w)))
}

/// Resolves a scalar value; `None` when it must be left to `serde-saphyr`.
fn resolve(s: &str, style: ScalarStyle, options: &serde_saphyr::Options) -> Option<Value> {
    if style != ScalarStyle::Plain {
        return Some(Value::String(s.to_owned()));
    }
    if s.is_empty() || s == "~" || s == "null" {
        return Some(Value::Null);
    }
    let bytes = s.as_bytes();
    if bytes.len() <= 18
        && bytes.iter().all(u8::is_ascii_digit)
        && (bytes.len() == 1 || bytes[0] != b'0')
    {
        return s.parse::<u64>().ok().map(Value::from);
    }
    if is_plain_word(s) {
        return Some(Value::String(s.to_owned()));
    }
    let first = bytes.first().copied().unwrap_or(b' ');
    let numberish = first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.');
    if !numberish && !is_special_word(s) {
        return Some(Value::String(s.to_owned()));
    }
    // Could be a number, boolean or null: let serde-saphyr resolve it, alone, when it is safe to
    // re-read it as a document of its own (no YAML indicators in it).
    let safe = bytes.len() <= 64
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b'_' | b':'));
    // No YAML number, boolean or null contains `/`, a space, `%`, … nor letters other than
    // hexadecimal digits, radix and exponent markers, `inf` and `nan`: `128Mi`, `500m` and
    // `10s` are strings.
    let lower = s.to_ascii_lowercase();
    let foreign_letter = bytes.iter().any(|b| {
        b.is_ascii_alphabetic() && !matches!(b.to_ascii_lowercase(), b'a'..=b'f' | b'x' | b'o')
    });
    let unit_suffix =
        numberish && foreign_letter && !lower.contains("inf") && !lower.contains("nan");
    if !safe || unit_suffix {
        return Some(Value::String(s.to_owned()));
    }
    if s.ends_with(':') {
        return None;
    }
    match serde_saphyr::from_str_with_options::<Value>(s, options.clone()).ok()? {
        value @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)) => Some(value),
        // `-` or `.` alone read as something else out of context: a string in context.
        Value::Array(_) | Value::Object(_) => Some(Value::String(s.to_owned())),
    }
}

fn is_special_word(s: &str) -> bool {
    s.len() <= 8
        && [
            "true", "false", "yes", "no", "on", "off", "y", "n", "null", "inf", "infinity", "nan",
        ]
        .iter()
        .any(|w| s.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(text: &str) -> (Option<Value>, Option<Value>) {
        let limits = Limits::default();
        let options = limits.yaml_options();
        let fast = parse(text, &limits, &options);
        let slow = serde_saphyr::from_str_with_options::<Value>(text, options).ok();
        (fast, slow)
    }

    #[test]
    fn agrees_with_serde_saphyr_on_scalars() {
        for scalar in [
            "0",
            "7",
            "0644",
            "0x1F",
            "0o17",
            "-5",
            "+5",
            "1.5",
            ".5",
            "1e3",
            "1_000",
            ".inf",
            "-.inf",
            ".nan",
            "yes",
            "No",
            "ON",
            "off",
            "y",
            "N",
            "true",
            "False",
            "null",
            "Null",
            "NULL",
            "~",
            "",
            "nginx",
            "nginx:1.25",
            "12:30:00",
            "-",
            ".",
            "1.2.3",
            "v1",
            "inf",
            "Infinity",
            "nan",
            "123456789012345678901234",
            "2001-12-14",
            "/bin/sh",
            "_x",
            "100m",
            "1Gi",
            "0.5",
            "-0",
            "+.5",
            "0b101",
            "1e",
            "'q'",
            "\"d\"",
        ] {
            let text = format!("k: {scalar}\n");
            let (fast, slow) = both(&text);
            if let Some(fast) = fast {
                assert_eq!(Some(fast), slow, "{text:?}");
            }
        }
    }

    #[test]
    fn plain_documents_take_the_fast_path() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {app: web}\nspec:\n  containers:\n  - name: a\n    image: nginx:1.25\n    ports: [{containerPort: 80}]\n    args: [\"--x\", '1', \"a\\tb\"]\n    command:\n    - |\n      block\n      text\n    - >-\n      folded\n      text\n";
        let (fast, slow) = both(text);
        assert!(fast.is_some(), "plain document fell back");
        assert_eq!(fast, slow);
    }

    /// Differential test: on every document of the shared corpus the fast path either gives up
    /// or gives exactly what serde-saphyr gives (values and key order).
    #[test]
    fn agrees_with_serde_saphyr_on_the_corpus() {
        let corpus = match std::env::var_os("SHIPMATE_SHARED") {
            Some(shared) => Some(std::path::PathBuf::from(shared).join("corpus")),
            None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .skip(2)
                .map(|dir| dir.join("shared/corpus"))
                .find(|corpus| corpus.join("VERDICTS.jsonl").is_file()),
        }
        .filter(|corpus| corpus.join("VERDICTS.jsonl").is_file());
        let Some(corpus) = corpus else {
            eprintln!("SKIPPED agrees_with_serde_saphyr_on_the_corpus: no shared corpus");
            return;
        };
        let limits = Limits::default();
        let options = limits.yaml_options();
        let (mut fast_count, mut total) = (0, 0);
        for source in std::fs::read_dir(&corpus).expect("corpus").flatten() {
            let Ok(files) = std::fs::read_dir(source.path()) else {
                continue;
            };
            for file in files.flatten() {
                let text = std::fs::read_to_string(file.path()).expect("corpus file is UTF-8");
                for chunk in super::super::split::split(&text, usize::MAX - 1) {
                    total += 1;
                    let slow =
                        serde_saphyr::from_str_with_options::<Value>(chunk.text, options.clone());
                    if let Some(fast) = parse(chunk.text, &limits, &options) {
                        fast_count += 1;
                        let slow = slow.expect("the fast path accepted what serde-saphyr rejects");
                        assert_eq!(
                            serde_json::to_string(&fast).ok(),
                            serde_json::to_string(&slow).ok(),
                            "{}",
                            file.path().display()
                        );
                    }
                }
            }
        }
        eprintln!("fast path: {fast_count} of {total} corpus documents");
        assert!(total > 1_500, "{total} documents");
        assert!(
            fast_count * 100 >= total * 95,
            "only {fast_count} of {total} took the fast path"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        #[test]
        fn agrees_on_random_scalars(scalar in "[-+.0-9a-fA-FxXoOeEnNyY_:~iI/ %$MmGst]{0,12}") {
            let text = format!("k: {scalar}\nl: [{scalar}]\n");
            let (fast, slow) = both(&text);
            if let Some(fast) = fast {
                proptest::prop_assert_eq!(Some(fast), slow, "{:?}", text);
            }
        }

        #[test]
        fn agrees_on_random_documents(text in "[-:\\[\\]{}&*!|>'\"# ,\n a-c0-9.~]{0,200}") {
            let (fast, slow) = both(&text);
            if let Some(fast) = fast {
                proptest::prop_assert_eq!(Some(fast), slow, "{:?}", text);
            }
        }
    }

    #[test]
    fn unusual_documents_fall_back() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: 1\na: 2\n",
            "x: {a: 1}\ny:\n  <<: {b: 2}\n",
            "? [a]\n: b\n",
            "1: a\n",
            "a: [1\n",
            "a: 1\n---\nb: 2\n",
        ] {
            assert_eq!(both(text).0, None, "{text:?}");
        }
    }
}
