//! A cheap scan for flow collections (`[` / `{`) left open before a syntax error.
//!
//! The YAML parser reports where it *noticed* a problem, which after a forgotten `]` is often
//! several lines below the bracket. This scan finds the bracket, so the message can say
//! "unclosed flow sequence '[' opened at line 10". It only runs after a parse has failed.
//!
//! It is deliberately conservative: outside a flow collection, a bracket only counts when it
//! starts a value (after `key: `, `- `, or at the start of a line), because plain scalars such as
//! `command: echo [x]` may contain brackets.

/// An unclosed flow collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpenFlow {
    /// `[` or `{`.
    pub ch: char,
    /// One-based line (relative to the scanned text) where it was opened.
    pub line: usize,
}

/// Innermost flow collection still open at the start of line `before_line` (one-based).
pub(crate) fn unclosed_flow(text: &str, before_line: usize) -> Option<OpenFlow> {
    let mut stack: Vec<OpenFlow> = Vec::new();
    let mut quote: Option<char> = None;
    for (idx, line) in text.lines().enumerate().take(before_line.saturating_sub(1)) {
        let line_no = idx + 1;
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        // Outside flow context, only a bracket at a value start opens a collection.
        let mut value_start = true;
        while i < chars.len() {
            let c = chars[i];
            if let Some(q) = quote {
                if c == '\\' && q == '"' {
                    i += 1;
                } else if c == q {
                    if q == '\'' && chars.get(i + 1) == Some(&'\'') {
                        i += 1;
                    } else {
                        quote = None;
                    }
                }
                i += 1;
                continue;
            }
            let prev_blank = i == 0 || chars[i - 1].is_whitespace();
            if c == '#' && prev_blank {
                break;
            }
            if stack.is_empty() {
                match c {
                    '[' | '{' if value_start => stack.push(OpenFlow {
                        ch: c,
                        line: line_no,
                    }),
                    ' ' | '\t' => {}
                    '-' if value_start && chars.get(i + 1).is_none_or(|n| n.is_whitespace()) => {}
                    ':' if chars.get(i + 1).is_none_or(|n| n.is_whitespace()) => {
                        value_start = true;
                        i += 1;
                        continue;
                    }
                    '"' | '\'' if value_start => {
                        // A quoted scalar in block context: skip it on this line.
                        quote = Some(c);
                        value_start = false;
                    }
                    _ => value_start = false,
                }
            } else {
                match c {
                    '[' | '{' => stack.push(OpenFlow {
                        ch: c,
                        line: line_no,
                    }),
                    ']' | '}' => {
                        stack.pop();
                    }
                    '"' | '\'' if prev_blank || matches!(chars[i - 1], '[' | '{' | ',' | ':') => {
                        quote = Some(c);
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        if stack.is_empty() {
            // Block-context quoted scalars do not continue past a line we could not follow.
            quote = None;
        }
    }
    stack.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unclosed_sequence() {
        let text = "a: 1\nb: [1, 2,\n  3\nc: 4\n";
        assert_eq!(unclosed_flow(text, 4), Some(OpenFlow { ch: '[', line: 2 }));
    }

    #[test]
    fn closed_collections_and_plain_brackets_are_ignored() {
        let text = "a: [1, 2]\ncmd: echo [x\nb: {c: \"]\"}\n# [\nd: 1\n";
        assert_eq!(unclosed_flow(text, 5), None);
    }

    #[test]
    fn innermost_is_reported() {
        let text = "a: {b: [1,\n  2,\n x: 1\n";
        assert_eq!(unclosed_flow(text, 4), Some(OpenFlow { ch: '[', line: 1 }));
    }

    #[test]
    fn brackets_in_quotes_do_not_count() {
        let text = "a: [\"]\", 'it''s ]'\nb: 1\n";
        assert_eq!(unclosed_flow(text, 2), Some(OpenFlow { ch: '[', line: 1 }));
    }
}
