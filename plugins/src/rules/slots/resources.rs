//! CPU and memory requests/limits: `cpu limit 250m`, `memory request 128Mi`, `limits of 1 cpu and
//! 1Gi memory`, `requests cpu=100m memory=128Mi`, `512MB of RAM`.

use shipmate_manifests::build::Resources;

use crate::rules::text::Words;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Cpu,
    Memory,
}

const STORAGE_WORDS: &[&str] = &[
    "storage",
    "disk",
    "volume",
    "pvc",
    "size",
    "capacity",
    "persistent",
    "claim",
];

/// Normalises a memory quantity (`512MB` → `512Mi`, `1gi` → `1Gi`); `None` if it is not one.
pub fn memory_quantity(low: &str) -> Option<String> {
    let split = low.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, unit) = low.split_at(split);
    if num.is_empty() || num.parse::<f64>().is_err() {
        return None;
    }
    let unit = match unit {
        "ki" | "kib" | "kb" | "k" => "Ki",
        "mi" | "mib" | "mb" | "m" => "Mi",
        "gi" | "gib" | "gb" | "g" => "Gi",
        "ti" | "tib" | "tb" | "t" => "Ti",
        _ => return None,
    };
    Some(format!("{num}{unit}"))
}

fn cpu_quantity(low: &str) -> Option<String> {
    if let Some(num) = low.strip_suffix('m') {
        return num.parse::<u32>().ok().map(|_| low.to_owned());
    }
    low.parse::<f64>()
        .ok()
        .filter(|n| *n > 0.0 && *n <= 256.0)
        .map(|_| low.to_owned())
}

/// Extracts requests and limits; marks the words.
pub fn extract(w: &mut Words) -> Resources {
    let mut r = Resources::default();
    for i in w.indices() {
        if w.used(i) {
            continue;
        }
        let low = w.low(i).to_owned();
        // `cpu=100m`, `memory=128Mi`
        let (which, value, span) = if let Some(v) = low.strip_prefix("cpu=") {
            (Which::Cpu, cpu_quantity(v), i..i + 1)
        } else if let Some(v) = low.strip_prefix("memory=").or(low.strip_prefix("mem=")) {
            (Which::Memory, memory_quantity(v), i..i + 1)
        } else {
            let lo = i.saturating_sub(3);
            let near = |words: &[&str]| (lo..i + 3).any(|k| k != i && words.contains(&w.low(k)));
            let mem_word = near(&["memory", "mem", "ram"]);
            let cpu_word = near(&[
                "cpu",
                "cpus",
                "core",
                "cores",
                "vcpu",
                "vcpus",
                "millicores",
            ]);
            let budget_word = near(&["limit", "limits", "request", "requests"]);
            if near(STORAGE_WORDS) && !mem_word {
                continue;
            }
            // `2 cores` / `1 cpu` / `250m` vs `512Mi`
            let is_milli = low.ends_with('m') && low[..low.len() - 1].parse::<u32>().is_ok();
            if (cpu_word || (is_milli && budget_word)) && cpu_quantity(&low).is_some() {
                (Which::Cpu, cpu_quantity(&low), i..i + 1)
            } else if (mem_word || budget_word) && !is_milli && memory_quantity(&low).is_some() {
                (Which::Memory, memory_quantity(&low), i..i + 1)
            } else {
                continue;
            }
        };
        let Some(value) = value else { continue };
        // The nearest `limit`/`request` word decides; without one, both are set.
        let limit = nearest(
            w,
            i,
            &["limit", "limits", "max", "maximum", "cap", "capped"],
        );
        let request = nearest(
            w,
            i,
            &["request", "requests", "requesting", "reserve", "minimum"],
        );
        let (set_req, set_lim) = match (request, limit) {
            (Some(a), Some(b)) if a < b => (true, false),
            (Some(_), Some(_)) => (false, true),
            (Some(_), None) => (true, false),
            (None, Some(_)) => (false, true),
            (None, None) => (true, true),
        };
        let (req, lim) = match which {
            Which::Cpu => (&mut r.cpu_request, &mut r.cpu_limit),
            Which::Memory => (&mut r.memory_request, &mut r.memory_limit),
        };
        if set_req && req.is_none() {
            *req = Some(value.clone());
        }
        if set_lim && lim.is_none() {
            *lim = Some(value);
        }
        w.mark(span);
    }
    r
}

/// Distance to the nearest of `words` within four words before or two after `i`.
fn nearest(w: &Words, i: usize, words: &[&str]) -> Option<usize> {
    (i.saturating_sub(4)..i + 3)
        .filter(|&k| k != i && words.contains(&w.low(k)))
        .map(|k| k.abs_diff(i))
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_requests() {
        let r = extract(&mut Words::new(
            "with cpu limit 250m and memory limit 256Mi, cpu request 100m",
        ));
        assert_eq!(r.cpu_limit.as_deref(), Some("250m"));
        assert_eq!(r.memory_limit.as_deref(), Some("256Mi"));
        assert_eq!(r.cpu_request.as_deref(), Some("100m"));
        let r = extract(&mut Words::new("requests cpu=200m memory=512MB"));
        assert_eq!(r.cpu_request.as_deref(), Some("200m"));
        assert_eq!(r.memory_request.as_deref(), Some("512Mi"));
        let r = extract(&mut Words::new("with 2 cores and 1Gi of memory"));
        assert_eq!(r.cpu_limit.as_deref(), Some("2"));
        assert_eq!(r.memory_request.as_deref(), Some("1Gi"));
        let r = extract(&mut Words::new("a pvc of 20Gi storage"));
        assert_eq!(r, Resources::default());
    }
}
