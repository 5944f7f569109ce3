//! Schedules in words → cron: `every 15 minutes`, `hourly`, `every 2 hours`, `every day at 2am`,
//! `nightly at midnight`, `weekly on Monday at 6:30`, `every weekday at 9`, `monthly on the 1st`,
//! or a literal cron expression (`"*/10 * * * *"`, `@daily`).

use crate::rules::text::Words;
use crate::rules::vocab::number;

const DAYS: &[(&str, &str)] = &[
    ("sunday", "0"),
    ("sun", "0"),
    ("monday", "1"),
    ("mon", "1"),
    ("tuesday", "2"),
    ("tue", "2"),
    ("tues", "2"),
    ("wednesday", "3"),
    ("wed", "3"),
    ("thursday", "4"),
    ("thu", "4"),
    ("thurs", "4"),
    ("friday", "5"),
    ("fri", "5"),
    ("saturday", "6"),
    ("sat", "6"),
];

fn day(low: &str) -> Option<&'static str> {
    let low = low.strip_suffix('s').filter(|s| s.len() > 3).unwrap_or(low);
    DAYS.iter().find(|(d, _)| *d == low).map(|(_, n)| *n)
}

#[derive(Default)]
struct Parts {
    minute: Option<String>,
    hour: Option<String>,
    dom: Option<String>,
    dow: Option<String>,
    every_minutes: Option<u32>,
    every_hours: Option<u32>,
    every_days: Option<u32>,
    any: bool,
}

/// Extracts a schedule; marks the words. `Some(Err)` explains a schedule cron cannot express.
pub fn extract(w: &mut Words) -> Option<Result<String, String>> {
    if let Some(cron) = literal(w) {
        return Some(Ok(cron));
    }
    let mut p = Parts::default();
    let scheduled = w.has(&[
        "every",
        "each",
        "daily",
        "nightly",
        "weekly",
        "monthly",
        "hourly",
        "cron",
        "cronjob",
        "schedule",
        "scheduled",
        "weekdays",
        "weekends",
    ]);
    for i in w.indices() {
        if w.used(i) {
            continue;
        }
        let low = w.low(i);
        let next = w.low(i + 1);
        match low {
            "every" | "each" => {
                let (n, unit_at) = match number(next) {
                    Some(n) => (n, i + 2),
                    None if next == "other" => (2, i + 2),
                    None => (1, i + 1),
                };
                let unit = w.low(unit_at);
                let consumed = match unit.trim_end_matches('s') {
                    "second" | "sec" => {
                        return Some(Err(
                            "cron cannot run more often than once a minute".to_owned()
                        ));
                    }
                    "minute" | "min" => {
                        p.every_minutes = Some(n);
                        true
                    }
                    "hour" | "hr" => {
                        p.every_hours = Some(n);
                        true
                    }
                    "day" | "night" | "morning" | "evening" => {
                        if n > 1 {
                            p.every_days = Some(n);
                        }
                        default_time(&mut p, unit);
                        true
                    }
                    "week" => {
                        p.dow.get_or_insert_with(|| "0".into());
                        true
                    }
                    "month" => {
                        p.dom.get_or_insert_with(|| "1".into());
                        true
                    }
                    "weekday" => {
                        p.dow = Some("1-5".into());
                        true
                    }
                    "weekend" => {
                        p.dow = Some("0,6".into());
                        true
                    }
                    "quarter" if w.low(unit_at + 1) == "hour" => {
                        p.every_minutes = Some(15);
                        w.mark(unit_at + 1..unit_at + 2);
                        true
                    }
                    other => match day(other) {
                        Some(d) => {
                            p.dow = Some(d.into());
                            true
                        }
                        None => false,
                    },
                };
                if consumed {
                    p.any = true;
                    w.mark(i..unit_at + 1);
                }
            }
            "hourly" => set(w, i, &mut p, |p| p.every_hours = Some(1)),
            "daily" | "nightly" => set(w, i, &mut p, |p| default_time(p, low)),
            "weekly" => set(w, i, &mut p, |p| {
                p.dow.get_or_insert_with(|| "0".into());
            }),
            "monthly" => set(w, i, &mut p, |p| {
                p.dom.get_or_insert_with(|| "1".into());
            }),
            "weekdays" => set(w, i, &mut p, |p| p.dow = Some("1-5".into())),
            "weekends" => set(w, i, &mut p, |p| p.dow = Some("0,6".into())),
            "midnight" => set(w, i, &mut p, |p| time(p, 0, 0)),
            "noon" | "midday" => set(w, i, &mut p, |p| time(p, 12, 0)),
            _ => {
                if let Some(d) =
                    day(low).filter(|_| i > 0 && matches!(w.low(i - 1), "on" | "every"))
                {
                    p.dow = Some(d.into());
                    p.any = true;
                    w.mark(i - 1..i + 1);
                } else if low == "at"
                    && let Some((h, m, len)) = clock(w, i + 1)
                    && (scheduled || len == 2 || !w.low(i + 1).bytes().all(|b| b.is_ascii_digit()))
                {
                    time(&mut p, h, m);
                    p.any = true;
                    w.mark(i..i + 1 + len);
                } else if matches!(low, "on" | "the")
                    && let Some(d) = ordinal(next)
                {
                    p.dom = Some(d.to_string());
                    p.any = true;
                    w.mark(i..i + 2);
                }
            }
        }
    }
    if !p.any {
        return None;
    }
    // A clock time without "at" (`daily 3am`).
    if p.hour.is_none() {
        for i in w.indices() {
            if !w.used(i)
                && (w.low(i).ends_with("am") || w.low(i).ends_with("pm") || w.low(i).contains(':'))
                && let Some((h, m, len)) = clock(w, i)
            {
                time(&mut p, h, m);
                w.mark(i..i + len);
                break;
            }
        }
    }
    Some(Ok(assemble(&p)))
}

fn set(w: &Words, i: usize, p: &mut Parts, f: impl FnOnce(&mut Parts)) {
    f(p);
    p.any = true;
    w.mark(i..i + 1);
}

fn default_time(p: &mut Parts, word: &str) {
    if p.hour.is_none() {
        match word {
            "morning" => time(p, 8, 0),
            "evening" => time(p, 18, 0),
            _ => time(p, 0, 0),
        }
    }
}

fn time(p: &mut Parts, h: u32, m: u32) {
    p.hour = Some(h.to_string());
    p.minute = Some(m.to_string());
}

/// A clock time at word `i`: `2am`, `2 am`, `14:30`, `6:30pm`, `2`, `midnight`; returns
/// `(hour, minute, words used)`.
fn clock(w: &Words, i: usize) -> Option<(u32, u32, usize)> {
    let low = w.low(i);
    match low {
        "midnight" => return Some((0, 0, 1)),
        "noon" | "midday" => return Some((12, 0, 1)),
        _ => {}
    }
    let (body, mut suffix, mut len) = if let Some(b) = low.strip_suffix("am") {
        (b, "am", 1)
    } else if let Some(b) = low.strip_suffix("pm") {
        (b, "pm", 1)
    } else {
        (low, "", 1)
    };
    if suffix.is_empty() && matches!(w.low(i + 1), "am" | "pm" | "a.m" | "p.m") {
        suffix = if w.low(i + 1).starts_with('a') {
            "am"
        } else {
            "pm"
        };
        len = 2;
    }
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
        None => (body.parse::<u32>().ok()?, 0),
    };
    let h = match suffix {
        "am" if h == 12 => 0,
        "pm" if h < 12 => h + 12,
        _ => h,
    };
    (h < 24 && m < 60).then_some((h, m, len))
}

/// `1st`, `15th`, `2nd`.
fn ordinal(low: &str) -> Option<u32> {
    let n = low
        .strip_suffix("st")
        .or_else(|| low.strip_suffix("nd"))
        .or_else(|| low.strip_suffix("rd"))
        .or_else(|| low.strip_suffix("th"))?;
    n.parse().ok().filter(|d| (1..=31).contains(d))
}

fn assemble(p: &Parts) -> String {
    let minute = p.minute.clone().unwrap_or_else(|| "0".into());
    let hour = p.hour.clone().unwrap_or_else(|| "0".into());
    let dom = p.dom.clone().unwrap_or_else(|| "*".into());
    let dow = p.dow.clone().unwrap_or_else(|| "*".into());
    if let Some(n) = p.every_minutes {
        let m = if n <= 1 {
            "*".to_owned()
        } else {
            format!("*/{n}")
        };
        return format!("{m} * * * *");
    }
    if let Some(n) = p.every_hours {
        let h = if n <= 1 {
            "*".to_owned()
        } else {
            format!("*/{n}")
        };
        return format!("{minute} {h} {dom} * {dow}");
    }
    if let Some(n) = p.every_days {
        return format!("{minute} {hour} */{n} * *");
    }
    format!("{minute} {hour} {dom} * {dow}")
}

/// A literal cron expression: five fields in one quoted word or five consecutive words, or a
/// macro such as `@daily`.
fn literal(w: &mut Words) -> Option<String> {
    let field = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b"*/,-".contains(&b))
    };
    for i in w.indices() {
        let low = w.low(i);
        if matches!(
            low,
            "@hourly" | "@daily" | "@weekly" | "@monthly" | "@yearly" | "@midnight"
        ) {
            w.mark(i..i + 1);
            return Some(low.to_owned());
        }
        let fields: Vec<&str> = low.split_whitespace().collect();
        if fields.len() == 5 && fields.iter().all(|f| field(f)) {
            let cron = fields.join(" ");
            w.mark(i..i + 1);
            return Some(cron);
        }
        if i + 5 <= w.len()
            && (i..i + 5).all(|k| field(w.low(k)))
            && (i..i + 5).any(|k| w.low(k).contains('*'))
        {
            let cron = (i..i + 5).map(|k| w.low(k)).collect::<Vec<_>>().join(" ");
            w.mark(i..i + 5);
            return Some(cron);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cron(text: &str) -> Option<String> {
        extract(&mut Words::new(text)).and_then(Result::ok)
    }

    #[test]
    fn words_to_cron() {
        for (text, want) in [
            ("every 5 minutes", "*/5 * * * *"),
            ("every minute", "* * * * *"),
            ("every 15 min", "*/15 * * * *"),
            ("hourly", "0 * * * *"),
            ("every 2 hours", "0 */2 * * *"),
            ("every day at 2am", "0 2 * * *"),
            ("every night at midnight", "0 0 * * *"),
            ("at midnight", "0 0 * * *"),
            ("daily at 14:30", "30 14 * * *"),
            ("weekly on Monday at 6:30", "30 6 * * 1"),
            ("every sunday at 11pm", "0 23 * * 0"),
            ("every weekday at 9 am", "0 9 * * 1-5"),
            ("monthly on the 1st at 3am", "0 3 1 * *"),
            ("nightly", "0 0 * * *"),
            ("every morning", "0 8 * * *"),
            ("schedule '*/10 * * * *'", "*/10 * * * *"),
            ("with schedule 0 3 * * 1", "0 3 * * 1"),
            ("@daily", "@daily"),
        ] {
            assert_eq!(cron(text).as_deref(), Some(want), "{text}");
        }
        assert!(matches!(
            extract(&mut Words::new("every 30 seconds")),
            Some(Err(_))
        ));
        assert_eq!(cron("scale web to 3"), None);
    }
}
