//! Runs one proposed action for the session, and says what it did in the terms of the JSON
//! contract and the audit log.

use serde_json::json;
use shipmate_manifests::kubectl;
use shipmate_plugins::OutcomeResult;

use super::execute::ActionRun;
use crate::apply::{Applier, ApplyOptions};
use crate::cluster::ObjectRef;

/// Runs `argv` (already validated and confirmed).
pub async fn run(
    applier: &Applier<'_>,
    argv: &[String],
    opts: &ApplyOptions,
    _stream: &mut (dyn std::io::Write + Send),
) -> ActionRun {
    let cmd = kubectl::parse(argv);
    let done = |detail: String, undo| ActionRun {
        argv: argv.to_vec(),
        result: OutcomeResult::Done,
        detail,
        undo,
    };
    let failed = |detail: String, unknown: bool| ActionRun {
        argv: argv.to_vec(),
        result: if unknown {
            OutcomeResult::Unknown
        } else {
            OutcomeResult::Failed
        },
        detail,
        undo: None,
    };
    if cmd.verb() == "scale" {
        let Some((object, replicas)) = scale_target(&cmd, applier) else {
            return failed(
                "cannot read the object and --replicas of this scale".into(),
                false,
            );
        };
        return match applier.scale(&object, replicas, opts.is_dry_run()).await {
            Ok(s) => done(
                format!(
                    "scaled {}/{} {} → {}",
                    s.object.kind.to_lowercase(),
                    s.object.name,
                    s.prior_replicas,
                    s.replicas
                ),
                Some(json!({"scale": {"object": s.object, "replicas": s.prior_replicas}})),
            ),
            Err(f) => failed(f.error.to_string(), f.outcome_unknown),
        };
    }
    failed(
        format!("`{}` cannot be run by this version of shipmate", cmd.verb()),
        false,
    )
}

fn scale_target(
    cmd: &kubectl::KubectlCommand<'_>,
    applier: &Applier<'_>,
) -> Option<(ObjectRef, i32)> {
    let _ = (cmd, applier);
    None
}
