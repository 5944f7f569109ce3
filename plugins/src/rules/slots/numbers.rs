//! Counts: replicas (`3 replicas`, `three pods`, `a single instance`), ranges (`from 1 to 5`,
//! `min 2 max 10`, `between 2 and 6`), percentages (`80% cpu`) and a bare `to N`.

use crate::rules::text::Words;
use crate::rules::vocab::number;

/// Words that count replicas.
const UNITS: &[&str] = &[
    "replica",
    "replicas",
    "pod",
    "pods",
    "instance",
    "instances",
    "copy",
    "copies",
];

/// Words that mean a number is *not* a replica count or port.
pub const NOT_COUNT: &[&str] = &[
    "minute", "minutes", "min", "mins", "hour", "hours", "second", "seconds", "day", "days", "%",
    "percent", "lines", "line", "gb", "gi", "mb", "mi", "cpu", "cpus", "core", "cores",
];

fn num_at(w: &Words, i: usize) -> Option<u32> {
    if w.used(i) {
        return None;
    }
    number(w.low(i))
}

/// A replica count; marks the words.
pub fn replicas(w: &mut Words) -> Option<u32> {
    for i in w.indices() {
        if w.used(i) {
            continue;
        }
        let low = w.low(i);
        // `replicas: 3`, `replicas=3`, `--replicas=3`
        if let Some(v) = low
            .trim_start_matches('-')
            .strip_prefix("replicas=")
            .and_then(|v| v.parse().ok())
        {
            w.mark(i..i + 1);
            return Some(v);
        }
        if matches!(low, "replicas" | "--replicas")
            && let Some(n) = num_at(w, i + 1)
        {
            w.mark(i..i + 2);
            return Some(n);
        }
        // `3 replicas`, `a single replica`, `three pods`
        if matches!(low, "couple" | "pair") && w.low(i + 1) == "of" && UNITS.contains(&w.low(i + 2))
        {
            w.mark(i..i + 3);
            return Some(2);
        }
        let n = if matches!(low, "a" | "an") && w.low(i + 1) == "single" {
            Some(1).filter(|_| UNITS.contains(&w.low(i + 2)))
        } else {
            num_at(w, i).filter(|_| UNITS.contains(&w.low(i + 1)))
        };
        if let Some(n) = n {
            let end = if matches!(low, "a" | "an") {
                i + 3
            } else {
                i + 2
            };
            w.mark(i..end);
            return Some(n);
        }
    }
    None
}

/// `from N to M`, `between N and M`, `min N`, `max M`, `at least N`, `at most M`, `up to M`;
/// marks the words.
pub fn range(w: &mut Words) -> (Option<u32>, Option<u32>) {
    let (mut min, mut max) = (None, None);
    for i in w.indices() {
        if w.used(i) {
            continue;
        }
        let low = w.low(i);
        if matches!(low, "from" | "between")
            && let (Some(a), true, Some(b)) = (
                num_at(w, i + 1),
                matches!(w.low(i + 2), "to" | "and"),
                num_at(w, i + 3),
            )
            && !NOT_COUNT.contains(&w.low(i + 4))
        {
            (min, max) = (Some(a.min(b)), Some(a.max(b)));
            w.mark(i..i + 4);
            if crate::rules::slots::numbers::UNITS.contains(&w.low(i + 4)) {
                w.mark(i + 4..i + 5);
            }
            continue;
        }
        let (is_min, skip) = match (low, w.low(i + 1)) {
            ("min" | "minimum" | "--min", _) => (Some(true), 1),
            ("max" | "maximum" | "--max", _) => (Some(false), 1),
            ("at", "least") => (Some(true), 2),
            ("at", "most") | ("up", "to") => (Some(false), 2),
            _ => (None, 0),
        };
        if let Some(is_min) = is_min {
            let mut j = i + skip;
            if matches!(
                w.low(j),
                "of" | "replicas" | "pods" | "available" | "unavailable"
            ) {
                j += 1;
            }
            if let Some(n) = num_at(w, j) {
                if is_min {
                    min = Some(n)
                } else {
                    max = Some(n)
                }
                w.mark(i..j + 1);
                if UNITS.contains(&w.low(j + 1)) {
                    w.mark(j + 1..j + 2);
                }
            }
        }
        if let Some(v) = low.strip_prefix("--min=").and_then(|v| v.parse().ok()) {
            min = Some(v);
            w.mark(i..i + 1);
        }
        if let Some(v) = low.strip_prefix("--max=").and_then(|v| v.parse().ok()) {
            max = Some(v);
            w.mark(i..i + 1);
        }
    }
    (min, max)
}

/// Utilisation targets: `80% cpu`, `cpu at 70 percent`, `memory 60%`; marks the words.
pub fn percents(w: &mut Words) -> (Option<u32>, Option<u32>) {
    let (mut cpu, mut mem) = (None, None);
    for i in w.indices() {
        if w.used(i) {
            continue;
        }
        let low = w.low(i);
        let (n, end) = if let Some(n) = low.strip_suffix('%').and_then(|n| n.parse().ok()) {
            (n, i + 1)
        } else if let (Some(n), "percent" | "%") = (num_at(w, i), w.low(i + 1)) {
            (n, i + 2)
        } else if let Some(n) = low
            .strip_prefix("--cpu-percent=")
            .and_then(|n| n.parse().ok())
        {
            (n, i + 1)
        } else {
            continue;
        };
        let lo = i.saturating_sub(3);
        let near = |words: &[&str]| (lo..end + 2).any(|k| words.contains(&w.low(k)));
        if near(&["memory", "mem", "ram"]) && !near(&["cpu"]) {
            mem = Some(n);
        } else {
            cpu = Some(n);
        }
        w.mark(i..end);
    }
    (cpu, mem)
}

/// A bare `to N` (`scale web to 3`); marks the words.
pub fn to_number(w: &mut Words) -> Option<u32> {
    for i in w.indices() {
        if w.used(i) || w.low(i) != "to" {
            continue;
        }
        if let Some(n) = num_at(w, i + 1)
            && !NOT_COUNT.contains(&w.low(i + 2))
        {
            w.mark(i..i + 2);
            if UNITS.contains(&w.low(i + 2)) {
                w.mark(i + 2..i + 3);
            }
            return Some(n);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replica_forms() {
        for (text, n) in [
            ("with 4 replicas", 4),
            ("run three pods", 3),
            ("a single replica", 1),
            ("replicas 7", 7),
            ("--replicas=2", 2),
            ("twelve instances", 12),
        ] {
            assert_eq!(replicas(&mut Words::new(text)), Some(n), "{text}");
        }
        assert_eq!(replicas(&mut Words::new("every 5 minutes")), None);
    }

    #[test]
    fn ranges_percents_and_to() {
        let mut w = Words::new("autoscale web from 1 to 5 replicas at 80% cpu");
        assert_eq!(range(&mut w), (Some(1), Some(5)));
        assert_eq!(percents(&mut w), (Some(80), None));
        assert_eq!(
            range(&mut Words::new("min 2 max 10 pods")),
            (Some(2), Some(10))
        );
        assert_eq!(
            range(&mut Words::new("between 3 and 6 replicas")),
            (Some(3), Some(6))
        );
        assert_eq!(
            percents(&mut Words::new("memory at 70 percent")),
            (None, Some(70))
        );
        assert_eq!(to_number(&mut Words::new("scale web to two")), Some(2));
        assert_eq!(to_number(&mut Words::new("to 5 minutes")), None);
    }
}
