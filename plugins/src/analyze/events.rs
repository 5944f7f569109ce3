//! Reading events as evidence.

use k8s_openapi::api::core::v1::Event;

use super::finding::Evidence;

/// How many times the event happened (`series.count`, else `count`, else 1).
pub fn count(event: &Event) -> i32 {
    event
        .series
        .as_ref()
        .and_then(|s| s.count)
        .or(event.count)
        .unwrap_or(1)
        .max(1)
}

/// The event's reason ("" when absent).
pub fn reason(event: &Event) -> &str {
    event.reason.as_deref().unwrap_or_default()
}

/// The event's message ("" when absent).
pub fn message(event: &Event) -> &str {
    event.message.as_deref().unwrap_or_default()
}

/// The event quoted: source `event Warning BackOff (x12)`, text its message.
pub fn evidence(event: &Event) -> Evidence {
    let kind = event.type_.as_deref().unwrap_or("Normal");
    let n = count(event);
    let source = if n > 1 {
        format!("event {kind} {} (x{n})", reason(event))
    } else {
        format!("event {kind} {}", reason(event))
    };
    Evidence::new(source, message(event).trim())
}

/// The events among `events` with one of `reasons`, quoted (at most `max`, most frequent
/// first).
pub fn quoted<'e>(
    events: impl IntoIterator<Item = &'e &'e Event>,
    reasons: &[&str],
    max: usize,
) -> Vec<Evidence> {
    let mut hits: Vec<&Event> = events
        .into_iter()
        .copied()
        .filter(|e| reasons.contains(&reason(e)))
        .collect();
    hits.sort_by_key(|e| std::cmp::Reverse(count(e)));
    hits.into_iter().take(max).map(evidence).collect()
}
