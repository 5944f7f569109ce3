//! `shipmate doctor` against the fake API server and a fake LLM provider: what it finds, the
//! fixes it names, its exit code, and that an API key never appears in its output.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};
use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_e2e::fake_llm::{FakeLlm, Reply};
use shipmate_e2e::{Sandbox, stdout_json};

/// A key shaped like a real one; no part of it may appear in any output.
const KEY: &str = "sk-doctor-3f9a1c77e2b84d05a6c1";

/// `cmd` with kubectl and helm pointed at files that do not exist (unless a test says
/// otherwise), so the result does not depend on what this machine has installed.
fn without_tools(mut cmd: Command) -> Command {
    cmd.env("SHIPMATE_KUBECTL", "/nonexistent/kubectl")
        .env("SHIPMATE_HELM", "/nonexistent/helm");
    cmd
}

fn run(mut cmd: Command, args: &[&str]) -> Output {
    cmd.arg("doctor")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run shipmate doctor")
}

/// Runs `shipmate doctor --output json ARGS…`: the report and the run.
fn json_report(cmd: Command, args: &[&str]) -> (Value, Output) {
    let mut all = vec!["--output", "json"];
    all.extend_from_slice(args);
    let out = run(cmd, &all);
    (stdout_json(&out), out)
}

/// The check `name` of `report`, after asserting its status and that its message contains
/// every one of `parts`.
fn expect<'a>(report: &'a Value, name: &str, status: &str, parts: &[&str]) -> &'a Value {
    let found = check(report, name);
    assert_eq!(found["status"], status, "{report:#}");
    let message = found["message"].as_str().unwrap_or_default();
    for part in parts {
        assert!(
            message.contains(part),
            "{name}: {part:?} not in {message:?}"
        );
    }
    found
}

/// The check named `name` in a JSON report.
fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {report:#}"))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_reachable_cluster_is_ok_with_its_version_context_and_permissions() {
    let cluster = FakeCluster::start();
    let sandbox = Sandbox::new();
    let (report, out) = json_report(without_tools(sandbox.shipmate_on(&cluster)), &[]);
    let kubeconfig = check(&report, "kubeconfig");
    assert_eq!(kubeconfig["status"], "ok", "{report:#}");
    let message = kubeconfig["message"].as_str().unwrap();
    assert!(
        message.contains("context fake, namespace default") && message.contains(&cluster.url()),
        "{message}"
    );
    expect(&report, "cluster", "ok", &["v1.37.0-fake"]);
    assert_eq!(check(&report, "permissions")["status"], "ok", "{report:#}");
    let reviews = cluster
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/selfsubjectaccessreviews"))
        .count();
    assert_eq!(reviews, 3, "one review per needed permission");
    assert!(cluster.requests().iter().any(|r| r.path == "/version"));
    // Missing kubectl and helm are warnings, not failures: the exit code stays 0.
    assert_eq!(check(&report, "kubectl")["status"], "warn");
    assert_eq!(report["summary"]["fail"], 0, "{report:#}");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn an_unreachable_cluster_fails_with_the_fix_and_exit_code_1() {
    let sandbox = Sandbox::new();
    let cluster = FakeCluster::start();
    let cmd = sandbox.shipmate_on(&cluster);
    let url = cluster.url();
    drop(cluster); // nothing listens on its port any more
    let out = run(without_tools(cmd), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("fail") && l.contains("cluster"))
        .unwrap_or_else(|| panic!("no failed cluster line:\n{stdout}"));
    assert!(line.contains(&url), "{line}");
    let fix = stdout
        .lines()
        .skip_while(|l| *l != line)
        .nth(1)
        .unwrap_or_default();
    assert!(
        fix.trim_start().starts_with("fix:") && fix.contains("network"),
        "{stdout}"
    );
    assert!(stdout.contains("1 failed"), "{stdout}");
}

#[test]
fn denied_permissions_are_a_warning_naming_the_verb() {
    let cluster = FakeCluster::start();
    cluster.deny("patch", "deployments");
    let sandbox = Sandbox::new();
    let (report, out) = json_report(
        without_tools(sandbox.shipmate_on(&cluster)),
        &["-n", "shop"],
    );
    let permissions = check(&report, "permissions");
    assert_eq!(permissions["status"], "warn", "{report:#}");
    let message = permissions["message"].as_str().unwrap();
    assert!(
        message.contains("patch deployments") && !message.contains("get pods"),
        "{message}"
    );
    assert!(message.contains("namespace shop"), "{message}");
    assert!(permissions["fix"].as_str().unwrap().contains("Role"));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn missing_kubectl_is_a_warning_with_the_fix_and_a_present_one_is_ok() {
    let sandbox = Sandbox::new();
    let (report, out) = json_report(without_tools(sandbox.shipmate()), &[]);
    let kubectl = check(&report, "kubectl");
    assert_eq!(kubectl["status"], "warn", "{report:#}");
    assert!(
        kubectl["message"]
            .as_str()
            .unwrap()
            .contains("/nonexistent/kubectl")
    );
    assert!(
        kubectl["fix"]
            .as_str()
            .unwrap()
            .contains("SHIPMATE_KUBECTL")
    );
    assert!(
        check(&report, "helm")["fix"]
            .as_str()
            .unwrap()
            .contains("SHIPMATE_HELM")
    );
    // No cluster configured: a warning (shipmate still proposes offline), not a failure.
    assert_eq!(check(&report, "kubeconfig")["status"], "warn");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let Some(kubectl) = shipmate_e2e::kubectl() else {
        return;
    };
    let mut cmd = without_tools(sandbox.shipmate());
    cmd.env("SHIPMATE_KUBECTL", &kubectl);
    let report = json_report(cmd, &[]).0;
    let found = check(&report, "kubectl");
    assert_eq!(found["status"], "ok", "{report:#}");
    let message = found["message"].as_str().unwrap();
    assert!(
        message.contains(kubectl.to_str().unwrap()) && message.contains("(v1."),
        "{message}"
    );
}

/// A config dir with `config.yaml` holding `text`.
fn config_home(sandbox: &Sandbox, text: &str) -> std::path::PathBuf {
    let home = sandbox.work().join("config-home");
    std::fs::create_dir_all(home.join("shipmate")).unwrap();
    std::fs::write(home.join("shipmate/config.yaml"), text).unwrap();
    home
}

/// An OpenAI model list.
fn models(ids: &[&str]) -> Reply {
    Reply::json(
        &json!({"object": "list", "data": ids.iter().map(|id| json!({"id": id, "object": "model"})).collect::<Vec<_>>()}),
    )
}

#[test]
fn the_backend_of_the_profile_is_checked_and_the_key_never_printed() {
    let llm = FakeLlm::start();
    llm.push(models(&["gpt-4o-mini", "o3"]));
    llm.push(models(&["gpt-4o-mini", "o3"]));
    // The provider echoes the key back in its error, as real ones do.
    llm.push(Reply::status(
        401,
        &format!("Incorrect API key provided: {KEY}"),
    ));
    let sandbox = Sandbox::new();
    let home = config_home(
        &sandbox,
        &format!(
            "default_profile: work\nprofiles:\n  work: {{backend: openai, model: gpt-4o-mini, base_url: '{}', api_key_env: DOCTOR_TEST_KEY}}\n",
            llm.base_url()
        ),
    );
    let doctor = |args: &[&str]| {
        let mut cmd = without_tools(sandbox.shipmate());
        cmd.env("XDG_CONFIG_HOME", &home)
            .env("DOCTOR_TEST_KEY", KEY);
        run(cmd, args)
    };
    let json_out = doctor(&["--output", "json"]);
    let report = stdout_json(&json_out);
    let config = check(&report, "config");
    assert!(
        config["message"].as_str().unwrap().contains("profile work"),
        "{config}"
    );
    let backend = check(&report, "backend");
    assert_eq!(backend["status"], "ok", "{report:#}");
    let message = backend["message"].as_str().unwrap();
    assert!(
        message.contains("model gpt-4o-mini")
            && message.contains(&llm.base_url())
            && message.contains("DOCTOR_TEST_KEY (set)"),
        "{message}"
    );
    expect(&report, "backend-reach", "ok", &["2 models"]);
    let text_out = doctor(&[]);
    let rejected = doctor(&["--output", "json"]);
    let report = stdout_json(&rejected);
    assert_eq!(
        check(&report, "backend-reach")["status"],
        "fail",
        "{report:#}"
    );
    assert!(
        check(&report, "backend-reach")["fix"]
            .as_str()
            .unwrap()
            .contains("DOCTOR_TEST_KEY")
    );
    assert_eq!(rejected.status.code(), Some(1));

    // The key went to the configured server, and only there, as a bearer token…
    let requests = llm.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/models"));
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
    // …and no part of it appears in any output, raw bytes included.
    for out in [&json_out, &text_out, &rejected] {
        let raw = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        let raw = String::from_utf8_lossy(&raw);
        for window in KEY.as_bytes().windows(8) {
            let part = std::str::from_utf8(window).unwrap();
            assert!(
                !raw.contains(part),
                "output contains {part:?} of the key:\n{raw}"
            );
        }
    }
}

#[test]
fn a_missing_key_an_unserved_model_and_a_bad_config_are_reported_with_fixes() {
    let sandbox = Sandbox::new();
    // OpenAI's own API without a key: fails before any request is made.
    let mut cmd = without_tools(sandbox.shipmate());
    cmd.env("SHIPMATE_BACKEND", "openai");
    let (report, out) = json_report(cmd, &[]);
    let backend = check(&report, "backend");
    assert_eq!(backend["status"], "fail", "{report:#}");
    assert!(
        backend["fix"]
            .as_str()
            .unwrap()
            .contains("export OPENAI_API_KEY=")
    );
    assert_eq!(out.status.code(), Some(1));

    // An unknown backend: fails listing the known ones.
    let (report, out) = json_report(without_tools(sandbox.shipmate()), &["--backend", "nope"]);
    let backend = check(&report, "backend");
    assert_eq!(backend["status"], "fail", "{report:#}");
    assert!(backend["fix"].as_str().unwrap().contains("rules, openai"));
    assert_eq!(out.status.code(), Some(1));

    // Ollama without the model pulled: a warning that says how to pull it.
    let llm = FakeLlm::start();
    llm.push(Reply::json(
        &json!({"models": [{"name": "llama3.1:latest"}, {"name": "qwen3:8b"}]}),
    ));
    let mut cmd = without_tools(sandbox.shipmate());
    cmd.env("OLLAMA_HOST", llm.url());
    let (report, out) = json_report(cmd, &["--backend", "ollama", "--model", "mistral"]);
    let reach = check(&report, "backend-reach");
    assert_eq!(reach["status"], "warn", "{report:#}");
    let fix = reach["fix"].as_str().unwrap();
    assert!(
        fix.contains("ollama pull mistral") && fix.contains("qwen3:8b"),
        "{fix}"
    );
    assert_eq!(llm.requests()[0].path, "/api/tags");
    assert_eq!(out.status.code(), Some(0), "a warning alone does not fail");

    // A config file with a key the loader does not know: fails naming the file.
    let home = config_home(
        &sandbox,
        "profiles:\n  x: {backend: openai, api_key: nope}\n",
    );
    let mut cmd = without_tools(sandbox.shipmate());
    cmd.env("XDG_CONFIG_HOME", &home);
    let (report, out) = json_report(cmd, &[]);
    let config = check(&report, "config");
    assert_eq!(config["status"], "fail", "{report:#}");
    assert!(config["message"].as_str().unwrap().contains(&format!(
        "{}",
        Path::new(&home).join("shipmate/config.yaml").display()
    )));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn an_unwritable_state_dir_fails() {
    // shipmate() alone points XDG_STATE_HOME below /dev/null, where nothing can be created.
    let (report, out) = json_report(without_tools(shipmate_e2e::shipmate()), &[]);
    let state = check(&report, "state-dir");
    assert_eq!(state["status"], "fail", "{report:#}");
    assert!(state["fix"].as_str().unwrap().contains("XDG_STATE_HOME"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn anthropic_and_gemini_are_asked_for_their_model_lists_as_their_apis_expect() {
    let sandbox = Sandbox::new();
    let anthropic = FakeLlm::start();
    anthropic.push(Reply::json(
        &json!({"data": [{"id": "claude-sonnet-4-5-20250929", "type": "model"}], "has_more": false}),
    ));
    let mut cmd = without_tools(sandbox.shipmate());
    cmd.env("ANTHROPIC_BASE_URL", anthropic.url())
        .env("ANTHROPIC_API_KEY", KEY);
    let report = json_report(cmd, &["--backend", "anthropic"]).0;
    // An alias the list leaves out is not a warning: Anthropic serves aliases it does not list.
    assert_eq!(
        check(&report, "backend-reach")["status"],
        "ok",
        "{report:#}"
    );
    let r = &anthropic.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/models"));
    assert_eq!(r.header("x-api-key"), Some(KEY));
    assert!(r.header("anthropic-version").is_some(), "{r:?}");

    let gemini = FakeLlm::start();
    gemini.push(Reply::json(
        &json!({"models": [{"name": "models/gemini-2.5-flash"}]}),
    ));
    let mut cmd = without_tools(sandbox.shipmate());
    cmd.env("GEMINI_BASE_URL", gemini.url())
        .env("GEMINI_API_KEY", KEY);
    let report = json_report(cmd, &["--backend", "gemini"]).0;
    let reach = check(&report, "backend-reach");
    assert!(
        reach["message"]
            .as_str()
            .unwrap()
            .contains("gemini-2.5-flash among them"),
        "{reach}"
    );
    let r = &gemini.requests()[0];
    assert_eq!(r.path, "/v1beta/models");
    assert_eq!(r.header("x-goog-api-key"), Some(KEY));
    assert!(
        r.query.is_empty(),
        "the key never goes into the URL: {}",
        r.query
    );
}

/// A stand-in `kubectl` that reports client version `v1.MINOR.0`.
fn fake_kubectl(dir: &Path, minor: u32) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(format!("kubectl-1.{minor}"));
    let version = format!(
        r#"{{"clientVersion":{{"major":"1","minor":"{minor}","gitVersion":"v1.{minor}.0"}}}}"#
    );
    std::fs::write(&path, format!("#!/bin/sh\necho '{version}'\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn a_kubectl_too_far_from_the_server_version_is_a_warning() {
    let cluster = FakeCluster::start(); // serves 1.37
    let sandbox = Sandbox::new();
    for (minor, status) in [(30, "warn"), (36, "ok"), (37, "ok"), (39, "warn")] {
        let mut cmd = without_tools(sandbox.shipmate_on(&cluster));
        cmd.env("SHIPMATE_KUBECTL", fake_kubectl(&sandbox.work(), minor));
        let report = json_report(cmd, &[]).0;
        let kubectl = check(&report, "kubectl");
        assert_eq!(kubectl["status"], status, "1.{minor}: {kubectl}");
        assert!(
            kubectl["message"]
                .as_str()
                .unwrap()
                .contains(&format!("v1.{minor}.0"))
        );
        if status == "warn" {
            assert!(
                kubectl["fix"].as_str().unwrap().contains("1.36–1.38"),
                "{kubectl}"
            );
        }
    }
}

#[test]
fn a_cluster_that_does_not_answer_in_time_fails_after_the_timeout() {
    let cluster = FakeCluster::start();
    cluster.set_latency(std::time::Duration::from_secs(30));
    let sandbox = Sandbox::new();
    let (report, out) = json_report(
        without_tools(sandbox.shipmate_on(&cluster)),
        &["--timeout", "1"],
    );
    expect(&report, "cluster", "fail", &["did not answer within 1s"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn an_unknown_context_fails_listing_the_known_ones() {
    let cluster = FakeCluster::start();
    let sandbox = Sandbox::new();
    let (report, out) = json_report(
        without_tools(sandbox.shipmate_on(&cluster)),
        &["--context", "prod"],
    );
    let kubeconfig = check(&report, "kubeconfig");
    assert_eq!(kubeconfig["status"], "fail", "{report:#}");
    assert!(kubeconfig["message"].as_str().unwrap().contains("\"prod\""));
    assert!(
        kubeconfig["fix"]
            .as_str()
            .unwrap()
            .contains("pick one of: fake")
    );
    assert!(
        cluster.requests().is_empty(),
        "nothing is asked of a cluster not chosen"
    );
    assert_eq!(out.status.code(), Some(1));
}
