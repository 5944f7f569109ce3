//! Keeping every answer under [`ToolLimits::max_bytes`](super::ToolLimits): cut on a UTF-8
//! boundary (and a line boundary where one is near), then say what was cut and how to narrow.

/// Cuts `text` to at most `max` bytes including the note, keeping the start; the note says how
/// many bytes were cut and suggests `narrow` (e.g. "use a label selector or a namespace").
pub fn keep_start(text: String, max: usize, narrow: &str) -> String {
    if text.len() <= max {
        return text;
    }
    let note = |cut: usize| format!("\n[… {cut} more bytes cut at the {max}-byte cap; {narrow}]");
    let room = max.saturating_sub(note(text.len()).len());
    let mut end = floor_char_boundary(&text, room);
    if let Some(nl) = text[..end].rfind('\n').filter(|nl| end - nl < 200) {
        end = nl;
    }
    let mut out = text[..end].to_string();
    out.push_str(&note(text.len() - end));
    out
}

/// Cuts `text` to at most `max` bytes including the note, keeping the end (logs: the newest
/// lines matter); `cut_before` is how many bytes were dropped before `text` already.
pub fn keep_end(text: &str, cut_before: usize, max: usize, narrow: &str) -> String {
    let note =
        |cut: usize| format!("[… {cut} earlier bytes cut at the {max}-byte cap; {narrow}]\n");
    if cut_before == 0 && text.len() <= max {
        return text.to_string();
    }
    let total = cut_before + text.len();
    let room = max.saturating_sub(note(total).len());
    let mut start = ceil_char_boundary(text, text.len().saturating_sub(room));
    if let Some(nl) = text[start..]
        .find('\n')
        .filter(|nl| *nl < 200 && start + nl + 1 < text.len())
    {
        start += nl + 1;
    }
    let mut out = note(cut_before + start);
    out.push_str(&text[start..]);
    out
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_untouched() {
        assert_eq!(keep_start("abc".into(), 10, "x"), "abc");
        assert_eq!(keep_end("abc", 0, 10, "x"), "abc");
    }

    #[test]
    fn cuts_fit_the_cap_on_char_and_line_boundaries() {
        let text: String = (0..500).map(|i| format!("zeile {i} äöü €\n")).collect();
        for max in [120, 121, 122, 123, 400, 1000] {
            let start = keep_start(text.clone(), max, "narrow it");
            assert!(start.len() <= max, "{max}: {}", start.len());
            assert!(
                start.starts_with("zeile 0 ") && start.ends_with("narrow it]"),
                "{start}"
            );
            let end = keep_end(&text, 7, max, "use tail");
            assert!(end.len() <= max, "{max}: {}", end.len());
            assert!(end.ends_with("zeile 499 äöü €\n"), "{end}");
            let dropped: usize = end.split(' ').nth(1).unwrap().parse().unwrap();
            let kept = end.split_once("]\n").unwrap().1;
            assert_eq!(dropped + kept.len(), text.len() + 7, "{end}");
            assert!(kept.starts_with("zeile "), "line boundary: {kept}");
        }
    }
}
