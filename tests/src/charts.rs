//! Helpers for the Helm chart tests: running the real `helm` in isolation, reading what it
//! renders, and passing that through `shipmate validate`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// `helm ARGS…` with its cache, config and data directories under `home` (never the real
/// home; no repository is ever contacted, the charts are local).
pub fn helm(bin: &Path, home: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .env("HELM_CACHE_HOME", home.join("cache"))
        .env("HELM_CONFIG_HOME", home.join("config"))
        .env("HELM_DATA_HOME", home.join("data"))
        .output()
        .expect("run helm")
}

/// stdout and stderr of a finished command, for assertion messages.
pub fn output_text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The objects of a multi-document YAML stream (empty documents dropped).
pub fn documents(yaml: &str) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(yaml)
        .unwrap_or_else(|e| panic!("{e}: {yaml}"))
        .into_iter()
        .filter(|v| !v.is_null())
        .collect()
}

/// `shipmate validate - --output json` of rendered YAML: the report, after asserting that it
/// passed (exit 0) with no blocking finding.
pub fn validate_rendered(rendered: &str) -> Value {
    let mut cmd = crate::shipmate();
    cmd.args(["validate", "-", "--output", "json"]);
    let out = crate::run_with_stdin(cmd, rendered.as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{rendered}",
        output_text(&out)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(report["summary"]["blocked"], 0, "{report:#}");
    report
}

/// The sorted kinds of `objects`.
pub fn kinds(objects: &[Value]) -> Vec<String> {
    let mut kinds: Vec<String> = objects
        .iter()
        .map(|o| o["kind"].as_str().unwrap_or("?").to_owned())
        .collect();
    kinds.sort();
    kinds
}
