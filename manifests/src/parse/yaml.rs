//! Parsing one YAML (or JSON) document with `serde-saphyr`, and turning its errors into
//! [`ParseError`]s that name the line in the *file* and say what to do.

use serde_json::Value;
use serde_saphyr::Error as YamlError;
use serde_saphyr::budget::BudgetBreach;

use super::error::ParseError;
use super::fast;
use super::hint::unclosed_flow;
use super::limits::Limits;

/// Parses one document. `text` starts at the beginning of line `first_line` of its file, so
/// positions the parser reports are shifted by `first_line - 1`.
pub(crate) fn parse_document(
    text: &str,
    first_line: usize,
    options: &serde_saphyr::Options,
    limits: &Limits,
) -> Result<Value, ParseError> {
    if let Some(value) = fast::parse(text, limits, options) {
        return Ok(value);
    }
    serde_saphyr::from_str_with_options::<Value>(text, options.clone())
        .map_err(|err| convert(&err, text, first_line, limits))
}

/// Converts a `serde-saphyr` error into a [`ParseError`] with a file line and advice.
fn convert(err: &YamlError, text: &str, first_line: usize, limits: &Limits) -> ParseError {
    let err = err.without_snippet();
    let (rel_line, column) = err
        .location()
        .map(|l| (usize::try_from(l.line()).unwrap_or(0), l.column()))
        .filter(|(line, _)| *line > 0)
        .unwrap_or((1, 0));
    let line = first_line + rel_line - 1;
    // Alias errors wrap the real cause; the outer location (where the alias is used) is kept.
    let mut inner = err;
    while let YamlError::AliasError { error, .. } | YamlError::WithSnippet { error, .. } = inner {
        inner = error;
    }
    match inner {
        YamlError::Budget { breach, .. } => budget(breach, line, limits),
        YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayCounterOverflow { .. } => ParseError::AliasBomb {
            line,
            limit: limits.max_alias_expansion,
        },
        YamlError::AliasReplayStackDepthExceeded { .. } => ParseError::TooDeep {
            line,
            limit: limits.max_depth,
        },
        YamlError::DuplicateMappingKey { key, .. } => ParseError::DuplicateKey {
            line,
            key: key.clone().unwrap_or_else(|| "?".to_owned()),
        },
        other => {
            let raw = strip_location(&other.to_string());
            if raw.contains("recursion limit exceeded") {
                return ParseError::TooDeep {
                    line,
                    limit: limits.max_depth,
                };
            }
            let message = advise(&raw, column, text, rel_line, first_line);
            ParseError::Syntax { line, message }
        }
    }
}

fn budget(breach: &BudgetBreach, line: usize, limits: &Limits) -> ParseError {
    match breach {
        BudgetBreach::Depth { .. } => ParseError::TooDeep {
            line,
            limit: limits.max_depth,
        },
        BudgetBreach::Aliases { .. }
        | BudgetBreach::AliasAnchorRatio { .. }
        | BudgetBreach::RecordedAnchorEvents { .. }
        | BudgetBreach::RecordedAnchorBytes { .. } => ParseError::AliasBomb {
            line,
            limit: limits.max_alias_expansion,
        },
        BudgetBreach::Nodes { nodes } => ParseError::Budget {
            line,
            what: format!(
                "more than {} YAML nodes (found {nodes} so far)",
                limits.max_nodes
            ),
        },
        BudgetBreach::Documents { .. } => ParseError::Syntax {
            line,
            message: "a second document starts here without a `---` line before it: put `---` \
                      on a line of its own between documents"
                .to_owned(),
        },
        other => ParseError::Budget {
            line,
            what: format!("parser budget exceeded ({other:?})"),
        },
    }
}

/// Drops the " at line L, column C" (and alias "(defined at …)") suffix of a rendered error: the
/// line is carried separately.
fn strip_location(rendered: &str) -> String {
    let cut = rendered.find(" at line ").unwrap_or(rendered.len());
    rendered[..cut].trim_end().to_owned()
}

/// Rewrites the parser's message into one that says what to do.
fn advise(raw: &str, column: u64, text: &str, rel_line: usize, first_line: usize) -> String {
    let col = if column > 0 {
        format!(" (column {column})")
    } else {
        String::new()
    };
    if let Some(open) = raw.strip_prefix("unclosed bracket '") {
        let (name, close) = if open.starts_with('{') {
            ("flow mapping '{'", '}')
        } else {
            ("flow sequence '['", ']')
        };
        let at = first_line + rel_line - 1;
        return format!("unclosed {name} opened at line {at}{col}: close it with '{close}'");
    }
    let open = unclosed_flow(text, rel_line);
    // Inside a flow collection the parser wanted a ',' or the closing bracket.
    let in_flow = raw.contains("while parsing a flow");
    if let (true, Some(open)) = (in_flow, open) {
        let close = if open.ch == '{' { '}' } else { ']' };
        return format!(
            "{raw}{col}: add the missing ',' between entries, or close the '{}' opened at line \
             {} with '{close}'",
            open.ch,
            first_line + open.line - 1
        );
    }
    // Any other syntax error after an unclosed `[` / `{` is almost always caused by it.
    if let (false, Some(open)) = (in_flow, open) {
        let (name, close) = if open.ch == '{' {
            ("flow mapping '{'", '}')
        } else {
            ("flow sequence '['", ']')
        };
        return format!(
            "unclosed {name} opened at line {}: close it with '{close}' (the parser stopped \
             here{col}: {raw})",
            first_line + open.line - 1
        );
    }
    let advice = if raw.contains("unclosed quote") {
        "a quoted string starts here but is never closed: add the closing quote"
    } else if raw.contains("found a tab") || raw.contains("tabs") {
        "tabs cannot indent YAML: indent with spaces"
    } else if raw.contains("mapping values are not allowed") || raw.contains("placement of ':'") {
        "a ': ' inside a value or a mis-indented key: quote the value, or fix the indentation"
    } else if raw.contains("did not find expected key") || raw.contains("expected '-' indicator") {
        "this line is not indented like the keys or items around it: fix its indentation"
    } else if raw.contains("unknown anchor") {
        "an alias (*name) refers to an anchor (&name) that is not defined before it in this \
         document: define the anchor or remove the alias"
    } else if raw.contains("mismatched bracket") {
        "brackets must close in the order they were opened: fix the closing bracket"
    } else if raw.contains("expected string scalar") {
        "a mapping key that is a list or a mapping: Kubernetes objects only have string keys"
    } else if raw.contains("unexpected character") {
        "a character YAML does not allow here: remove it or quote the value"
    } else {
        "fix the YAML there"
    };
    format!("{raw}{col}: {advice}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Value, ParseError> {
        let limits = Limits::default();
        parse_document(text, 1, &limits.yaml_options(), &limits)
    }

    #[test]
    fn strips_location_suffix() {
        assert_eq!(strip_location("bad thing at line 3, column 4"), "bad thing");
        assert_eq!(strip_location("no location"), "no location");
    }

    #[test]
    fn octal_and_yaml11_booleans_like_kubernetes() {
        let value = parse("mode: 0644\nflag: yes\ninf: .inf\n").expect("parses");
        assert_eq!(value["mode"], 420);
        assert_eq!(value["flag"], true);
        assert_eq!(value["inf"], ".inf");
    }

    #[test]
    fn duplicate_key_names_key_and_line() {
        let err = parse("a: 1\nb: 2\na: 3\n").expect_err("duplicate");
        assert_eq!(
            err,
            ParseError::DuplicateKey {
                line: 3,
                key: "a".into()
            }
        );
    }

    #[test]
    fn line_offset_is_applied() {
        let limits = Limits::default();
        let err = parse_document("a: 1\nb: \"x\n", 10, &limits.yaml_options(), &limits)
            .expect_err("unclosed quote");
        assert_eq!(err.line(), Some(11));
        assert!(err.to_string().contains("closing quote"), "{err}");
    }

    #[test]
    fn unclosed_sequence_names_opening_line() {
        let err = parse("a: 1\nb: [1, 2,\n  3\nc: 4\n").expect_err("unclosed");
        let msg = err.to_string();
        assert!(
            msg.contains("unclosed flow sequence '[' opened at line 2: close it with ']'"),
            "{msg}"
        );
    }

    #[test]
    fn missing_comma_in_flow_mapping_is_not_blamed_on_the_bracket_alone() {
        let err = parse("{\"a\": 1\n\"b\": 2}\n").expect_err("missing comma");
        let msg = err.to_string();
        assert!(msg.starts_with("line 2: "), "{msg}");
        assert!(
            msg.contains("add the missing ',' between entries, or close the '{' opened at line 1"),
            "{msg}"
        );
    }

    #[test]
    fn mismatched_brackets() {
        let err = parse("x: [a, {b: 1]\n").expect_err("mismatched");
        assert!(err.to_string().contains("close in the order"), "{err}");
    }

    #[test]
    fn unclosed_mapping_at_end_of_input() {
        let err = parse("a: 1\nb: {x: 1\n").expect_err("unclosed");
        assert_eq!(err.line(), Some(2));
        assert!(err.to_string().contains("close it with '}'"), "{err}");
    }
}
