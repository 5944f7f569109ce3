//! `shipmate ask`: the JSON contract, exit codes, stdin, text output (masked secrets, manual
//! steps) and YAML output. Every run happens in its own [`Sandbox`], so the manual fallback and
//! the audit log write into a temp dir. The fallback itself is tested in `fallback.rs`.

use std::io::Write;
use std::process::{Output, Stdio};

use serde_json::Value;
use shipmate_e2e::Sandbox;

/// Runs `shipmate ask ARGS` in a fresh sandbox.
fn ask(args: &[&str]) -> Output {
    ask_in(&Sandbox::new(), args)
}

/// Runs `shipmate ask ARGS` in `sandbox`.
pub fn ask_in(sandbox: &Sandbox, args: &[&str]) -> Output {
    sandbox.ask(args)
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
    // Any namespace: everything in it would go (DESIGN: deleting namespaces is forbidden).
    let (code, p) = ask_json("delete namespace shop");
    assert_eq!(code, 3);
    assert_eq!(p["findings"][0]["gate"], "no-namespace-delete", "{p}");
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
    let sandbox = Sandbox::new();
    let mut child = sandbox
        .shipmate()
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
    assert!(text.contains("nothing was applied"), "{text}");
    assert!(
        text.contains("kubectl apply --server-side --field-manager=shipmate -f shipmate-out/"),
        "{text}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("not applying: no kubeconfig found")
            && stderr.contains("set KUBECONFIG or pass --kubeconfig"),
        "{stderr}"
    );
}

#[test]
fn out_dir_is_the_base_of_a_new_directory_with_unmasked_manifests() {
    let sandbox = Sandbox::new();
    let out_dir = sandbox.work().join("my out");
    let out = ask_in(
        &sandbox,
        &[
            "--out-dir",
            out_dir.to_str().unwrap(),
            "create a secret db with password=hunter2",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("hunter2"), "{text}");
    let dirs: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    let quoted = format!("'{}'", dirs[0].display());
    assert!(
        text.contains(&format!(
            "kubectl apply --server-side --field-manager=shipmate -f {quoted}"
        )),
        "the path with a space is quoted:\n{text}"
    );
    let written = std::fs::read_to_string(dirs[0].join("01-secret-db.yaml")).unwrap();
    assert!(written.contains("hunter2"), "{written}");
    assert!(!sandbox.work().join("shipmate-out").exists());
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
    let mut p = p;
    let dir = p["applied"]["directory"].as_str().unwrap().to_owned();
    let stable = stable_dir(&dir);
    let text = serde_json::to_string(&p).unwrap().replace(&dir, &stable);
    p = serde_json::from_str(&text).unwrap();
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
    let text = String::from_utf8(secret.stdout).unwrap();
    let dir = text
        .split_whitespace()
        .find(|w| w.starts_with("shipmate-out/"))
        .expect("a fallback directory")
        .trim_end_matches(':')
        .to_owned();
    insta::assert_snapshot!("ask_text_secret", text.replace(&dir, &stable_dir(&dir)));
}

/// `shipmate-out/20261126-081200-slug` → `shipmate-out/YYYYMMDD-HHMMSS-slug`, for snapshots.
pub fn stable_dir(dir: &str) -> String {
    let (base, name) = dir.rsplit_once('/').expect("base/name");
    let (date, rest) = name.split_once('-').expect("date-time-slug");
    let (time, slug) = rest.split_once('-').expect("time-slug");
    assert!(date.len() == 8 && time.len() == 6, "{dir}");
    format!("{base}/YYYYMMDD-HHMMSS-{slug}")
}
