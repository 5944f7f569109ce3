//! Waiver annotations: `waive.shipmate.dev/<gate-id>: "<reason>"` silences one gate for one
//! object, if the gate may be waived (see the module docs of `gates` for why block gates are not
//! waivable by default).

use serde_json::Value;

use super::{Constitution, Finding, Severity, WAIVER_GATE, WAIVER_PREFIX};

/// The waiver annotations of one object.
pub(crate) struct Waivers<'a> {
    entries: Vec<(&'a str, &'a str)>,
}

impl<'a> Waivers<'a> {
    /// Reads the annotations of `object` (no allocation when there are none).
    pub fn of(object: &'a Value) -> Self {
        let entries = object
            .get("metadata")
            .and_then(|m| m.get("annotations"))
            .and_then(Value::as_object)
            .map(|a| {
                a.iter()
                    .filter_map(|(k, v)| {
                        let gate = k.strip_prefix(WAIVER_PREFIX)?;
                        Some((gate, v.as_str().unwrap_or("")))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Waivers { entries }
    }

    /// True when the object carries no waiver annotations.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True when the object carries a waiver with a reason for `gate`.
    pub fn waives(&self, gate: &str) -> bool {
        self.entries
            .iter()
            .any(|(g, reason)| *g == gate && !reason.trim().is_empty())
    }

    /// Reports waivers that did not take effect: no reason, unknown gate, gate not waivable.
    pub fn report(&self, c: &Constitution, object: &str, out: &mut Vec<Finding>) {
        for (gate, reason) in &self.entries {
            let annotation = format!("metadata.annotations[\"{WAIVER_PREFIX}{gate}\"]");
            let (message, fix) = match c.gates.iter().find(|g| g.id == *gate) {
                None => (
                    format!(
                        "waiver for unknown gate `{gate}`: no gate of the constitution has that id"
                    ),
                    format!(
                        "correct the gate id in {annotation} (gates: {}) or remove the annotation",
                        c.gate_ids().collect::<Vec<_>>().join(", ")
                    ),
                ),
                Some(g) if !g.waivable => (
                    format!(
                        "waiver for gate `{gate}` ignored: it is a block gate and the constitution \
                         does not allow waiving it"
                    ),
                    format!(
                        "fix what gate `{gate}` reports, or have the constitution owner set \
                         `waivable: true` on gate `{gate}`; remove {annotation}"
                    ),
                ),
                Some(_) if reason.trim().is_empty() => (
                    format!(
                        "waiver for gate `{gate}` has no reason, so it does not waive anything"
                    ),
                    format!(
                        "set {annotation} to why the gate does not apply (e.g. \"legacy image, tracked in OPS-123\")"
                    ),
                ),
                Some(_) => continue,
            };
            out.push(Finding {
                gate: WAIVER_GATE.to_owned(),
                severity: Severity::Warn,
                object: object.to_owned(),
                message,
                fix,
            });
        }
    }
}
