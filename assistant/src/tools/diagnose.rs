//! `diagnose`: the offline analyzers' findings as compact text for a model — severity,
//! object, what is wrong, the cause, each piece of evidence on one line (cut to a few hundred
//! characters), the documentation link, and the fix's summary when one is known. The model
//! explains and proposes from this instead of paging through lists and logs itself.
//!
//! Evidence is already redacted where it can hold secrets (previous logs are masked by the
//! collector, Secret values are never read); the LLM layer masks the text once more before it
//! is sent, and the answer is capped like every other tool's.

use std::fmt::Write as _;

use shipmate_plugins::NoProgress;
use shipmate_plugins::analyze::Finding;

use super::{ClusterReader, ToolError, cap};
use crate::diagnose::{Limits, Request, Target, run};

/// Characters of one piece of evidence a model gets.
const EVIDENCE_CHARS: usize = 300;

impl ClusterReader<'_> {
    /// The findings for `namespace` (the default namespace when `None`, every namespace for
    /// `*`), or for one `object` (`pod/api-0`) in it.
    ///
    /// # Errors
    /// A bad object, an object that does not exist, or a cluster failure.
    pub async fn diagnose(
        &self,
        namespace: Option<&str>,
        object: Option<&str>,
    ) -> Result<String, ToolError> {
        let target = object
            .map(Target::parse)
            .transpose()
            .map_err(|e| ToolError::Invalid {
                what: format!("diagnose {}", object.unwrap_or_default()),
                message: e.to_string(),
            })?;
        let namespace = match namespace {
            Some("*") if target.is_none() => None,
            Some(ns) if ns != "*" => Some(ns.to_owned()),
            _ => Some(self.cluster.namespace().to_owned()),
        };
        let request = Request { namespace, target };
        let defaults = Default::default();
        let report = run(
            self.cluster,
            &request,
            &Limits::default(),
            &defaults,
            &mut NoProgress,
        )
        .await
        .map_err(|e| match e.downcast::<crate::cluster::ClusterError>() {
            Ok(cluster) => ToolError::from(cluster),
            Err(other) => ToolError::Invalid {
                what: "diagnose".into(),
                message: format!("{other:#}"),
            },
        })?;
        let mut out = String::new();
        let s = &report.summary;
        let _ = writeln!(
            out,
            "{} findings ({} critical, {} error, {} warning, {} info)",
            report.findings.len(),
            s.critical,
            s.error,
            s.warning,
            s.info
        );
        for f in &report.findings {
            out.push_str(&compact(f));
        }
        for k in &report.skipped {
            let _ = writeln!(out, "not read: {} ({})", k.kind, k.reason);
        }
        Ok(self.capped(out, "diagnose one object, or one namespace"))
    }
}

/// One finding in a few lines.
fn compact(f: &Finding) -> String {
    let mut out = String::new();
    let ns = f
        .object
        .namespace
        .as_deref()
        .map(|n| format!(" -n {n}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\n[{}] {}/{}{ns} ({}): {}",
        f.severity.as_str(),
        f.object.kind,
        f.object.name,
        f.id,
        f.title
    );
    let _ = writeln!(out, "  cause: {}", f.cause);
    for e in &f.evidence {
        let text = e.text.replace('\n', " ⏎ ");
        let cut = cap::keep_start(text, EVIDENCE_CHARS, "see logs or describe");
        let _ = writeln!(out, "  {}: {cut}", e.source);
    }
    let _ = writeln!(out, "  docs: {}", f.docs);
    if let Some(fix) = &f.fix {
        let _ = writeln!(out, "  known fix: {}", fix.summary);
    }
    out
}
