//! `kubectl logs` options: `last 50 lines`, `tail 100`, `previous`, `follow`, `container X`.

use super::LogOpts;
use crate::rules::text::Words;
use crate::rules::vocab::{is_label, number};

/// Extracts log options; marks the words.
pub fn extract(w: &mut Words) -> LogOpts {
    let mut o = LogOpts::default();
    for i in w.indices() {
        if w.used(i) {
            continue;
        }
        match w.low(i) {
            "tail" | "last" | "--tail" => {
                let unit = match w.low(i + 2) {
                    "minutes" | "minute" | "mins" | "min" => Some("m"),
                    "hours" | "hour" | "h" => Some("h"),
                    "seconds" | "second" | "secs" | "s" => Some("s"),
                    _ => None,
                };
                if let (Some(n), Some(unit)) = (number(w.low(i + 1)), unit) {
                    o.since = Some(format!("{n}{unit}"));
                    w.mark(i..i + 3);
                } else if let Some(n) = number(w.low(i + 1)) {
                    o.tail = Some(n);
                    let end = if matches!(w.low(i + 2), "lines" | "line") {
                        i + 3
                    } else {
                        i + 2
                    };
                    w.mark(i..end);
                } else if w.low(i + 1) == "-f" {
                    o.follow = true;
                    w.mark(i..i + 2);
                }
            }
            "previous" | "prior" | "crashed" | "-p" | "--previous" => {
                o.previous = true;
                w.mark(i..i + 1);
            }
            "follow" | "stream" | "streaming" | "-f" | "--follow" | "live" => {
                o.follow = true;
                w.mark(i..i + 1);
            }
            "container" | "-c" | "--container" if is_label(w.low(i + 1)) => {
                o.container = Some(w.low(i + 1).to_owned());
                w.mark(i..i + 2);
            }
            low => {
                if let (Some(n), "lines" | "line") = (number(low), w.low(i + 1)) {
                    o.tail = Some(n);
                    w.mark(i..i + 2);
                }
                if let Some(n) = low.strip_prefix("--tail=").and_then(|n| n.parse().ok()) {
                    o.tail = Some(n);
                    w.mark(i..i + 1);
                }
            }
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options() {
        let o = extract(&mut Words::new(
            "last 50 lines of the previous container app, follow",
        ));
        assert_eq!(o.tail, Some(50));
        assert!(o.previous && o.follow);
        assert_eq!(o.container.as_deref(), Some("app"));
    }
}
