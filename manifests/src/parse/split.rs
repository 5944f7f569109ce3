//! Cutting a YAML stream into documents without parsing it.
//!
//! In YAML, a line that starts with `---` or `...` followed by a space, a tab or the end of the
//! line is always a document marker: it cannot occur inside a block scalar or a quoted string
//! (the spec forbids it there). So one cheap pass over the lines finds every document, and each
//! document can then be parsed on its own: an error in one document does not hide the others,
//! and every document knows its starting line. This is also how kubeconform numbers documents:
//! chunks with no content (only comments, blank lines or markers) are skipped and not counted.

/// One document's text within its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chunk<'a> {
    /// The document's text, from the start of a line (its `---`, or the line after the previous
    /// document) to the start of the next document.
    pub text: &'a str,
    /// One-based line of the file where `text` begins.
    pub first_line: usize,
    /// One-based line of the first content (not a comment, blank line, directive or bare `---`).
    pub start_line: usize,
}

/// Splits `text` into its non-empty documents, stopping after `max + 1` of them (so the caller
/// can tell that there were more than `max` without the splitter holding millions of chunks).
pub(crate) fn split(text: &str, max: usize) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut begin = 0usize; // byte offset where the current chunk begins
    let mut first_line = 1usize;
    let mut has_marker = false;
    let mut content: Option<usize> = None;
    let mut offset = 0usize;

    for (idx, raw) in text.split_inclusive('\n').enumerate() {
        if chunks.len() > max {
            return chunks;
        }
        let line_no = idx + 1;
        let line = raw.trim_end_matches(['\n', '\r']);
        let line_start = offset;
        offset += raw.len();

        if let Some(rest) = marker(line, "---") {
            if has_marker || content.is_some() {
                if let Some(start_line) = content {
                    chunks.push(Chunk {
                        text: &text[begin..line_start],
                        first_line,
                        start_line,
                    });
                }
                begin = line_start;
                first_line = line_no;
                content = None;
            }
            has_marker = true;
            if content.is_none() && is_content(rest) {
                content = Some(line_no);
            }
        } else if marker(line, "...").is_some() {
            if let Some(start_line) = content {
                chunks.push(Chunk {
                    text: &text[begin..offset],
                    first_line,
                    start_line,
                });
            }
            begin = offset;
            first_line = line_no + 1;
            has_marker = false;
            content = None;
        } else if content.is_none() {
            let directive = !has_marker && line.starts_with('%');
            if !directive && is_content(line) {
                content = Some(line_no);
            }
        }
    }
    if chunks.len() <= max
        && let Some(start_line) = content
    {
        chunks.push(Chunk {
            text: &text[begin..],
            first_line,
            start_line,
        });
    }
    chunks
}

/// If `line` is the document marker `mark` (followed by blank or end of line), what follows it.
fn marker<'l>(line: &'l str, mark: &str) -> Option<&'l str> {
    let rest = line.strip_prefix(mark)?;
    match rest.chars().next() {
        None | Some(' ' | '\t') => Some(rest),
        Some(_) => None,
    }
}

/// Whether a line (or what follows a `---`) holds YAML content rather than a comment or blanks.
fn is_content(line: &str) -> bool {
    let trimmed = line.trim_start_matches([' ', '\t']);
    !trimmed.is_empty() && !trimmed.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, usize)> {
        split(text, 100)
            .iter()
            .map(|c| (c.first_line, c.start_line))
            .collect()
    }

    #[test]
    fn single_document_without_marker() {
        assert_eq!(lines("# licence\n\na: 1\n"), vec![(1, 3)]);
    }

    #[test]
    fn markers_split_and_empty_documents_are_skipped() {
        let text = "---\n# only a comment\n---\na: 1\n---\n\n---\nb: 2\n...\n";
        let chunks = split(text, 100);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].text, "---\na: 1\n");
        assert_eq!((chunks[0].first_line, chunks[0].start_line), (3, 4));
        assert_eq!(chunks[1].text, "---\nb: 2\n...\n");
        assert_eq!((chunks[1].first_line, chunks[1].start_line), (7, 8));
    }

    #[test]
    fn content_on_the_marker_line() {
        assert_eq!(lines("--- {a: 1}\n--- !tag\nb: 2\n"), vec![(1, 1), (2, 2)]);
    }

    #[test]
    fn directives_stay_with_their_document() {
        let chunks = split("%YAML 1.2\n---\na: 1\n", 100);
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].text, "%YAML 1.2\n---\na: 1\n");
        assert_eq!(chunks[0].start_line, 3);
    }

    #[test]
    fn dashes_that_are_not_markers() {
        assert_eq!(lines("a: |\n  ---\nb: ----\n----\n"), vec![(1, 1)]);
    }

    #[test]
    fn crlf_line_endings() {
        assert_eq!(lines("a: 1\r\n---\r\nb: 2\r\n"), vec![(1, 1), (2, 3)]);
    }

    #[test]
    fn stops_after_max_plus_one() {
        let text = "a: 1\n---\n".repeat(1000);
        assert_eq!(split(&text, 5).len(), 6);
    }

    #[test]
    fn comment_only_is_empty() {
        assert!(split("# nothing\n---\n---\n", 10).is_empty());
        assert!(split("", 10).is_empty());
    }
}
