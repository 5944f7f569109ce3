//! Kubernetes resource quantities (`500m`, `1.5`, `256Mi`, `1e3`), as plain numbers.

use serde_json::Value;

/// Parses a quantity into base units (cores, bytes); `None` when it is not a quantity.
pub fn parse(text: &str) -> Option<f64> {
    let text = text.trim();
    // `1e3` is a plain number with an exponent; otherwise the suffix is the trailing letters.
    let split = if text.parse::<f64>().is_ok() {
        text.len()
    } else {
        text.trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .len()
    };
    let (number, suffix) = text.split_at(split);
    if number.is_empty()
        || number.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
    {
        return None;
    }
    let number: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => return None,
    };
    let value = number * factor;
    (value.is_finite() && value >= 0.0).then_some(value)
}

/// Parses a quantity given as a YAML string or number.
pub(crate) fn parse_value(value: &Value) -> Option<f64> {
    match value {
        Value::String(s) => parse(s),
        Value::Number(n) => n.as_f64().filter(|v| v.is_finite() && *v >= 0.0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_cpu_and_memory() {
        assert_eq!(parse("500m"), Some(0.5));
        assert_eq!(parse("2"), Some(2.0));
        assert_eq!(parse("0.25"), Some(0.25));
        assert_eq!(parse("256Mi"), Some(268_435_456.0));
        assert_eq!(parse("1G"), Some(1e9));
        assert_eq!(parse("1e3"), Some(1000.0));
        assert_eq!(parse("12E"), Some(12e18));
        assert_eq!(parse("lots"), None);
        assert_eq!(parse("1Xi"), None);
        assert_eq!(parse("-1"), None);
        assert_eq!(parse(""), None);
    }
}
