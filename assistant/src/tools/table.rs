//! Compact, aligned text tables as kubectl prints them, and kubectl's short ages (`5m`, `3d`).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// Longest cell; longer values (event messages) are shortened with `…`.
const MAX_CELL: usize = 160;

/// A table under construction: a header and rows of cells.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column names.
    pub fn new(header: Vec<&'static str>) -> Table {
        Table {
            header,
            rows: Vec::new(),
        }
    }

    /// Adds a row (cells beyond the header are dropped; missing ones are empty).
    pub fn push(&mut self, mut row: Vec<String>) {
        row.resize(self.header.len(), String::new());
        self.rows.push(row.into_iter().map(cell).collect());
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The table, columns separated by at least two spaces, no trailing spaces.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut out = String::new();
        let header = self.header.iter().map(|h| h.to_string());
        for row in std::iter::once(header.collect::<Vec<_>>()).chain(self.rows.iter().cloned()) {
            let mut line = String::new();
            for (i, (c, w)) in row.iter().zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                line.push_str(c);
                line.extend(std::iter::repeat_n(' ', w - c.chars().count()));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// One line, at most [`MAX_CELL`] characters, `<none>` when empty.
fn cell(text: String) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        return "<none>".into();
    }
    match line.char_indices().nth(MAX_CELL) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
    }
}

/// A string field, or empty.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A number field, or 0.
pub fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

/// Seconds since the Unix epoch of an RFC 3339 time, if it is one.
pub fn epoch(v: &Value) -> Option<i64> {
    v.as_str()?
        .parse::<k8s_openapi::jiff::Timestamp>()
        .ok()
        .map(|t| t.as_second())
}

/// kubectl's age of an RFC 3339 time relative to now (`<unknown>` without one).
pub fn age(v: &Value) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    epoch(v).map_or_else(|| "<unknown>".into(), |t| short_duration(now - t))
}

/// kubectl's `HumanDuration`, slightly simplified: `45s`, `3m20s`, `25m`, `5h10m`, `30h`,
/// `4d2h`, `120d`, `3y20d`.
pub fn short_duration(secs: i64) -> String {
    let s = secs.max(0);
    let (m, h, d) = (s / 60, s / 3600, s / 86_400);
    match s {
        _ if s < 120 => format!("{s}s"),
        _ if m < 10 && s % 60 != 0 => format!("{m}m{}s", s % 60),
        _ if h < 3 => format!("{m}m"),
        _ if h < 8 && m % 60 != 0 => format!("{h}h{}m", m % 60),
        _ if h < 48 => format!("{h}h"),
        _ if d < 8 && h % 24 != 0 => format!("{d}d{}h", h % 24),
        _ if d < 730 => format!("{d}d"),
        _ => format!("{}y{}d", d / 365, d % 365),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_compact_rows() {
        let mut t = Table::new(vec!["NAME", "STATUS", "MESSAGE"]);
        t.push(vec!["api-0".into(), "Running".into()]);
        t.push(vec!["a".into(), "x".into(), "two\n  lines".into()]);
        assert_eq!(t.len(), 2);
        assert_eq!(
            t.render(),
            "NAME   STATUS   MESSAGE\napi-0  Running  <none>\na      x        two lines\n"
        );
    }

    #[test]
    fn durations_like_kubectl() {
        for (secs, want) in [
            (5, "5s"),
            (150, "2m30s"),
            (600, "10m"),
            (3 * 3600 + 60, "3h1m"),
            (30 * 3600, "30h"),
            (4 * 86_400 + 7200, "4d2h"),
            (120 * 86_400, "120d"),
            (800 * 86_400, "2y70d"),
        ] {
            assert_eq!(short_duration(secs), want, "{secs}");
        }
        assert_eq!(epoch(&"1970-01-01T00:01:00Z".into()), Some(60));
        assert_eq!(age(&Value::Null), "<unknown>");
    }
}
