//! `shipmate ask`: the JSON contract, exit codes, stdin, text output (masked secrets, manual
//! steps) and YAML output.

use std::io::Write;
use std::process::{Output, Stdio};

use serde_json::Value;
use shipmate_e2e::shipmate;

fn ask(args: &[&str]) -> Output {
    shipmate()
        .arg("ask")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run shipmate")
}

/// Runs `ask --output json --no-apply REQUEST`; returns (exit code, proposal).
fn ask_json(request: &str) -> (i32, Value) {
    let out = ask(&["--output", "json", "--no-apply", request]);
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}):\n{stdout}"));
    (out.status.code().expect("exit code"), json)
}

#[test]
fn json_contract_has_exactly_the_documented_keys() {
    let (code, p) = ask_json("scale deployment web to 5 replicas");
    assert_eq!(code, 0, "{p:#}");
    let keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "backend",
            "request",
            "status",
            "summary",
            "manifests",
            "actions",
            "findings",
            "questions",
            "applied"
        ]
    );
    assert_eq!(p["backend"], "rules");
    assert_eq!(p["status"], "proposed");
    assert!(p["applied"].is_null());
    assert_eq!(
        p["actions"][0]["argv"],
        serde_json::json!(["kubectl", "scale", "deployment/web", "--replicas=5"])
    );
    assert_eq!(p["actions"][0]["mutating"], true);
}

#[test]
fn exit_codes_follow_the_status() {
    assert_eq!(
        ask_json("create a deployment named web running nginx:1.27").0,
        0
    );
    assert_eq!(ask_json("delete namespace kube-system").0, 3);
    assert_eq!(ask_json("scale it up").0, 4);
    assert_eq!(ask_json("tell me a joke").0, 4);
    let out = ask(&["--backend", "nope", "scale web to 2"]);
    assert_eq!(out.status.code(), Some(2));
    let out = ask(&[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "no request and no stdin is a usage error"
    );
}

#[test]
fn blocked_proposals_say_why() {
    let (code, p) = ask_json("run a pod named sniff using busybox:1.36 with hostNetwork");
    assert_eq!(code, 3);
    assert_eq!(p["status"], "blocked");
    let findings = p["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["severity"] == "block" && f["gate"] == "no-host-namespaces")
    );
}

#[test]
fn generated_manifests_have_no_schema_findings() {
    let (_, p) =
        ask_json("create a statefulset db running postgres:16.4 on port 5432 with 10Gi storage");
    assert_eq!(p["status"], "proposed", "{p:#}");
    assert!(
        p["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["gate"] != "schema"),
        "{:#}",
        p["findings"]
    );
}

#[test]
fn request_from_stdin() {
    let mut child = shipmate()
        .args(["ask", "--output", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"restart deployment api\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let p: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["request"], "restart deployment api");
    assert_eq!(p["actions"][0]["argv"][1], "rollout");
}

#[test]
fn default_namespace_flag() {
    let out = ask(&["-o", "json", "-n", "team", "create configmap cfg with A=1"]);
    let p: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["manifests"][0]["metadata"]["namespace"], "team");
}

#[test]
fn text_output_masks_secrets_and_gives_manual_steps() {
    let out = ask(&["create a secret db with password=hunter2 and user=app"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(
        text.contains("password") && text.contains("********"),
        "{text}"
    );
    assert!(text.contains("Nothing was applied"), "{text}");
    assert!(text.contains("kubectl apply"), "{text}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("proposes and validates only"), "{stderr}");
}

#[test]
fn out_dir_gets_unmasked_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = ask(&[
        "--out-dir",
        out_dir.to_str().unwrap(),
        "create a secret db with password=hunter2",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(
        text.contains(&format!("kubectl apply -f {}", out_dir.display())),
        "{text}"
    );
    let written = std::fs::read_to_string(out_dir.join("01-secret-db.yaml")).unwrap();
    assert!(written.contains("hunter2"), "{written}");
}

#[test]
fn yaml_output_is_the_same_proposal() {
    let out = ask(&[
        "--output",
        "yaml",
        "--no-apply",
        "scale deployment web to 2",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("status: proposed"), "{text}");
    assert!(text.contains("--replicas=2"), "{text}");
}

#[test]
fn snapshot_json_deployment_and_service() {
    let (code, p) = ask_json(
        "create a deployment named web running nginx:1.27.1 with 2 replicas on port 80 and expose it",
    );
    assert_eq!(code, 0);
    insta::assert_json_snapshot!("ask_json_deployment_service", p);
}

#[test]
fn snapshot_text_blocked_and_secret() {
    let blocked = ask(&["run a pod named sniff using busybox:1.36 with hostNetwork"]);
    insta::assert_snapshot!(
        "ask_text_blocked",
        String::from_utf8(blocked.stdout).unwrap()
    );
    let secret = ask(&["create a secret api-token in namespace ops with token=abc123"]);
    insta::assert_snapshot!("ask_text_secret", String::from_utf8(secret.stdout).unwrap());
}
