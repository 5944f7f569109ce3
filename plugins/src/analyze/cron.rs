//! CronJob schedules, checked the way the CronJob controller reads them (the standard
//! five-field syntax of robfig/cron: minute, hour, day of month, month, day of week; lists,
//! ranges, steps, `*`/`?`, month and weekday names, and the `@daily`-style descriptors), plus
//! schedules that parse but can never fire (`0 0 30 2 *`).

/// A schedule that cannot run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleProblem {
    /// The controller cannot parse it.
    Invalid(String),
    /// It parses, but names no date that exists (February 30th).
    NeverFires(String),
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// One field's allowed values as a bit set, and whether it was written `*`/`?`.
#[derive(Debug, Clone, Copy)]
struct Field {
    bits: u64,
    star: bool,
}

/// Checks a schedule; `Ok(())` when the controller would run it.
pub fn check(schedule: &str) -> Result<(), ScheduleProblem> {
    let s = schedule.trim();
    if s.starts_with("TZ=") || s.starts_with("CRON_TZ=") {
        return Err(ScheduleProblem::Invalid(
            "a time zone in the schedule (TZ=/CRON_TZ=) is not supported; use spec.timeZone".into(),
        ));
    }
    if let Some(d) = s.strip_prefix('@') {
        return descriptor(d);
    }
    let fields: Vec<&str> = s.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(ScheduleProblem::Invalid(format!(
            "expected 5 fields (minute hour day-of-month month day-of-week), found {}",
            fields.len()
        )));
    }
    let invalid = ScheduleProblem::Invalid;
    field(fields[0], 0, 59, &[], "minute").map_err(invalid)?;
    field(fields[1], 0, 23, &[], "hour").map_err(invalid)?;
    let dom = field(fields[2], 1, 31, &[], "day of month").map_err(invalid)?;
    let month = field(fields[3], 1, 12, &MONTHS, "month").map_err(invalid)?;
    let dow = field(fields[4], 0, 6, &DAYS, "day of week").map_err(invalid)?;
    // Day of month and day of week are ORed when both are restricted; with a `*` weekday
    // only the day of month counts, and it must exist in one of the months.
    if dow.star && !dom.star {
        const LENGTH: [u32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let possible = (1..=12).any(|m: u32| {
            month.bits & (1 << m) != 0
                && (1..=LENGTH[(m - 1) as usize]).any(|d| dom.bits & (1 << d) != 0)
        });
        if !possible {
            return Err(ScheduleProblem::NeverFires(format!(
                "day of month {} never occurs in month {}",
                fields[2], fields[3]
            )));
        }
    }
    Ok(())
}

fn descriptor(d: &str) -> Result<(), ScheduleProblem> {
    match d.to_ascii_lowercase().as_str() {
        "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly" => Ok(()),
        other => match other.strip_prefix("every ") {
            Some(dur) if duration(dur.trim()) => Ok(()),
            Some(dur) => Err(ScheduleProblem::Invalid(format!(
                "@every needs a duration such as 5m or 1h30m, not {dur:?}"
            ))),
            None => Err(ScheduleProblem::Invalid(format!(
                "unknown descriptor @{d} (use @yearly, @monthly, @weekly, @daily, @hourly or \
                 @every DURATION)"
            ))),
        },
    }
}

/// A Go duration (`1h30m`, `90s`, `1.5h`) that is positive.
fn duration(text: &str) -> bool {
    let mut rest = text;
    let mut any = false;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if n == 0 || rest[..n].parse::<f64>().is_err() {
            return false;
        }
        rest = &rest[n..];
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .into_iter()
            .filter(|u| rest.starts_with(u))
            .max_by_key(|u| u.len());
        let Some(u) = unit else { return false };
        rest = &rest[u.len()..];
        any = true;
    }
    any
}

fn value(text: &str, lo: u32, hi: u32, names: &[&str], what: &str) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = names.iter().position(|n| *n == lower) {
        return Ok(u32::try_from(i).unwrap_or(0) + lo);
    }
    let v: u32 = text.parse().map_err(|_| {
        format!(
            "{what}: {text:?} is not a number{}",
            if names.is_empty() { "" } else { " or a name" }
        )
    })?;
    if v < lo || v > hi {
        return Err(format!("{what}: {v} is outside {lo}-{hi}"));
    }
    Ok(v)
}

fn field(text: &str, lo: u32, hi: u32, names: &[&str], what: &str) -> Result<Field, String> {
    let mut bits = 0u64;
    let mut star = false;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s
                    .parse()
                    .map_err(|_| format!("{what}: step {s:?} is not a number"))?;
                if step == 0 {
                    return Err(format!("{what}: a step of 0"));
                }
                (r, Some(step))
            }
            None => (part, None),
        };
        let (start, end) = if range == "*" || range == "?" {
            star = star || step.is_none();
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (
                value(a, lo, hi, names, what)?,
                value(b, lo, hi, names, what)?,
            )
        } else {
            let v = value(range, lo, hi, names, what)?;
            (v, if step.is_some() { hi } else { v })
        };
        if start > end {
            return Err(format!("{what}: range {range} runs backwards"));
        }
        let step = step.unwrap_or(1);
        let mut v = start;
        while v <= end {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok(Field { bits, star })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_schedules_pass() {
        for s in [
            "*/5 * * * *",
            "0 3 * * 1-5",
            "30 2 1,15 * *",
            "0 0 * JAN,jul SUN",
            "0 12 ? * MON-FRI",
            "15 10 29 2 *",
            "@daily",
            "@every 1h30m",
            "0 0 31 * *",
            "0 0 30 2 1",
        ] {
            assert_eq!(check(s), Ok(()), "{s}");
        }
    }

    #[test]
    fn invalid_schedules_say_why() {
        for (s, want) in [
            ("* * * *", "expected 5 fields"),
            ("60 * * * *", "minute: 60 is outside 0-59"),
            ("0 24 * * *", "hour: 24"),
            ("0 0 0 * *", "day of month: 0"),
            ("0 0 * 13 *", "month: 13"),
            ("0 0 * * 8", "day of week: 8"),
            ("*/0 * * * *", "a step of 0"),
            ("0 5-1 * * *", "runs backwards"),
            ("0 0 * * FUNDAY", "not a number or a name"),
            ("@fortnightly", "unknown descriptor"),
            ("@every soon", "@every needs a duration"),
            ("CRON_TZ=UTC 0 * * * *", "spec.timeZone"),
        ] {
            match check(s) {
                Err(ScheduleProblem::Invalid(m)) => assert!(m.contains(want), "{s}: {m}"),
                other => panic!("{s}: {other:?}"),
            }
        }
    }

    #[test]
    fn dates_that_never_come_are_found() {
        assert!(matches!(
            check("0 0 30 2 *"),
            Err(ScheduleProblem::NeverFires(_))
        ));
        assert!(matches!(
            check("0 0 31 4,6,9,11 *"),
            Err(ScheduleProblem::NeverFires(_))
        ));
    }
}
