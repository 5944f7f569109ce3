//! `shipmate mcp` driven by a real MCP client not written here: the official TypeScript SDK
//! (`@modelcontextprotocol/sdk`, tests/mcp-client), over stdio and streamable HTTP, against the
//! fake API server. The client runs a plan of tool calls and reports what it got; these tests
//! judge it. Without `node` or `tests/mcp-client/node_modules` (`npm ci` there; `.ci/run` does
//! it) the client tests skip with a message; the refusals that need no client always run.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};
use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_e2e::fake_kube::fixtures::{App, crash_loop, node};
use shipmate_e2e::{Sandbox, binary, deployment, object_results};

const WEB: &str = "deploy nginx:1.27.1 as web with 2 replicas on port 80 and expose it";
const TOKEN: &str = "e2e-token-0123456789abcdef";
/// A manifest the constitution blocks (privileged), with a warning besides (`latest`).
const PRIVILEGED: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: sniff\nspec:\n  \
    containers:\n  - name: sniff\n    image: busybox:latest\n    securityContext:\n      \
    privileged: true\n";
/// What the read-only server offers.
const READ_ONLY_TOOLS: [&str; 8] = [
    "describe", "diagnose", "events", "get", "list", "logs", "propose", "validate",
];

/// The client script, when node and the SDK are installed; else `None` after saying how.
fn client() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("mcp-client");
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok {
        eprintln!("SKIPPED: `node` is not installed (the MCP client test needs Node.js 18+)");
        return None;
    }
    if !dir.join("node_modules/@modelcontextprotocol/sdk").is_dir() {
        eprintln!(
            "SKIPPED: the MCP client's packages are missing: run `npm ci` in {}",
            dir.display()
        );
        return None;
    }
    Some(dir.join("client.mjs"))
}

/// The pod of [`cluster`] that crash-loops.
const CRASHING: &str = "api-7d9c5-0";

/// A cluster with a Deployment and a Secret whose value must never reach a client, and in
/// namespace `shop` a healthy app `web` and an app `api` whose pod crash-loops with a
/// credential in its previous log.
fn cluster() -> FakeCluster {
    let fake = FakeCluster::start();
    App::seed(&fake, "shop", "web", 1, |_, _| {});
    let log = "connecting to postgres://app:hunter2@db:5432/shop\npanic: database \"shop\" does not exist\n";
    App::seed(&fake, "shop", "api", 1, |_, pod| {
        crash_loop(pod, 1, "Error", 7, log)
    });
    fake.seed(vec![
        node("node-0"),
        deployment("api", 1, "nginx:1.27.1"),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "default"},
               "data": {"password": "aHVudGVyMi1zM2NyZXQ="}}),
    ]);
    fake
}

/// `node client.mjs MODE PLAN TARGET ARGS…` with the environment of `shipmate` (the sandbox's
/// config, state and kubeconfig), so that a spawned server gets it too.
fn run_client(
    shipmate: &Command,
    script: &PathBuf,
    mode: &str,
    plan: &Value,
    target: &[&str],
) -> Value {
    let mut node = Command::new("node");
    node.arg(script)
        .arg(mode)
        .arg(plan.to_string())
        .args(target);
    for (key, value) in shipmate.get_envs() {
        match value {
            Some(v) => node.env(key, v),
            None => node.env_remove(key),
        };
    }
    if let Some(dir) = shipmate.get_current_dir() {
        node.current_dir(dir);
    }
    let out = node.stdin(Stdio::null()).output().expect("run node");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the MCP client failed: {stderr}");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("client output is not JSON ({e}): {stderr}"))
}

/// Runs `plan` through the SDK client against `shipmate mcp ARGS…` on stdio, on `fake` in a
/// fresh sandbox; `None` when the client is not installed.
fn over_stdio(fake: &FakeCluster, plan: &Value, args: &[&str]) -> Option<(Sandbox, Value)> {
    let script = client()?;
    let sandbox = Sandbox::new();
    let bin = binary();
    let mut target = vec![bin.to_str().unwrap(), "mcp"];
    target.extend_from_slice(args);
    let run = run_client(&sandbox.shipmate_on(fake), &script, "stdio", plan, &target);
    Some((sandbox, run))
}

/// The call records of a client run, by position.
fn call(run: &Value, index: usize) -> &Value {
    &run["calls"][index]
}

/// The message of call `index`, which must be a tool error.
fn tool_error(run: &Value, index: usize) -> &str {
    let record = call(run, index);
    assert_eq!(record["isError"], true, "{record}");
    record["text"].as_str().unwrap()
}

fn tools(run: &Value) -> Vec<&str> {
    run["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect()
}

#[test]
fn stdio_read_only_server_validates_proposes_and_reads_but_cannot_apply() {
    let plan = json!([
        {"tool": "validate", "arguments": {"manifests": PRIVILEGED}},
        {"tool": "propose", "arguments": {"request": WEB}},
        {"tool": "list", "arguments": {"kind": "deployments"}},
        {"tool": "get", "arguments": {"kind": "secret", "name": "db"}},
        {"tool": "get", "arguments": {"kind": "deployment", "name": "nope"}},
        {"tool": "apply", "arguments": {"proposal_id": "$proposal_id"}},
        {"tool": "diagnose", "arguments": {"namespace": "shop"}},
        {"tool": "diagnose", "arguments": {"namespace": "shop", "object": format!("pod/{CRASHING}")}},
        {"tool": "diagnose", "arguments": {"object": "pod/x", "all_namespaces": true}},
        {"tool": "diagnose", "arguments": {"object": "pod/missing", "namespace": "shop"}},
    ]);
    let fake = cluster();
    let Some((sandbox, run)) = over_stdio(&fake, &plan, &[]) else {
        return;
    };

    assert_eq!(run["server"]["name"], "shipmate");
    assert_eq!(
        tools(&run),
        READ_ONLY_TOOLS,
        "no apply without --allow-apply"
    );

    let validate = call(&run, 0);
    assert_eq!(validate["isError"], false, "{validate}");
    let report = &validate["structured"];
    assert_eq!(report["passed"], false);
    let findings = report["documents"][0]["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["gate"] == "no-privileged" && f["severity"] == "block"),
        "{findings:?}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["gate"] == "image-pinned" && f["severity"] == "warn"),
        "{findings:?}"
    );

    let propose = &call(&run, 1)["structured"];
    assert_eq!(propose["status"], "proposed", "{propose}");
    assert_eq!(propose["backend"], "rules");
    assert!(propose["proposal_id"].as_str().unwrap().starts_with("p-"));
    let kinds: Vec<&str> = propose["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Deployment", "Service"]);
    assert!(
        propose["next"].as_str().unwrap().contains("--allow-apply"),
        "{propose}"
    );

    let list = call(&run, 2);
    assert_eq!(list["isError"], false, "{list}");
    let text = list["text"].as_str().unwrap();
    assert!(
        text.contains("api") && text.contains("untrusted-data"),
        "{text}"
    );

    let secret = call(&run, 3);
    assert_eq!(secret["isError"], false, "{secret}");
    let text = secret["text"].as_str().unwrap();
    assert!(text.contains("password"), "the key is shown: {text}");
    assert!(
        !text.contains("aHVudGVyMi1zM2NyZXQ=") && !text.contains("hunter2-s3cret"),
        "{text}"
    );

    let missing = tool_error(&run, 4);
    assert!(missing.contains("api"), "names what exists: {missing}");

    let apply = call(&run, 5);
    assert!(
        apply["error"].as_str().unwrap().contains("tool not found"),
        "{apply}"
    );
    assert!(
        fake.get("deploy/default/web").is_none(),
        "nothing was applied"
    );
    assert!(sandbox.audit_entries().is_empty());

    let report = &call(&run, 6)["structured"];
    assert_eq!(report["scope"]["namespace"], "shop", "{report}");
    assert_crash_loop_found(report);
    let one = &call(&run, 7)["structured"];
    assert_eq!(one["scope"]["object"], format!("Pod/{CRASHING}"), "{one}");
    assert_crash_loop_found(one);
    let both = tool_error(&run, 8);
    assert!(both.contains("do not go together"), "{both}");
    let missing = tool_error(&run, 9);
    assert!(missing.contains("missing"), "{missing}");
}

/// `report` (a `diagnose` result) names the crash loop of [`CRASHING`], quotes its previous
/// log, masks the credential in it, and leaves the healthy app alone.
fn assert_crash_loop_found(report: &Value) {
    let findings = report["findings"].as_array().expect("findings");
    let about: Vec<&Value> = findings
        .iter()
        .filter(|f| f["object"]["name"] == CRASHING)
        .collect();
    assert!(
        about.iter().any(|f| f["id"] == "pod.crash-loop"),
        "{findings:?}"
    );
    let text = report.to_string();
    assert!(
        text.contains("does not exist"),
        "the previous log is quoted: {text}"
    );
    assert!(!text.contains("hunter2"), "credentials are masked: {text}");
    assert!(
        !findings
            .iter()
            .any(|f| f["object"]["name"].as_str().unwrap().starts_with("web")),
        "{findings:?}"
    );
}

#[test]
fn stdio_with_allow_apply_applies_a_proposal_once_and_never_a_blocked_one() {
    let plan = json!([
        {"tool": "propose", "arguments": {"request": WEB}},
        {"tool": "apply", "arguments": {"proposal_id": "$proposal_id"}},
        {"tool": "apply", "arguments": {"proposal_id": "$proposal_id"}},
        {"tool": "propose", "arguments": {"request": "deploy nginx:1.27.1 as sniff in namespace kube-system"}},
        {"tool": "apply", "arguments": {"proposal_id": "$proposal_id"}},
    ]);
    let fake = cluster();
    let Some((sandbox, run)) = over_stdio(&fake, &plan, &["--allow-apply"]) else {
        return;
    };

    let mut expected = READ_ONLY_TOOLS.to_vec();
    expected.push("apply");
    expected.sort_unstable();
    assert_eq!(tools(&run), expected);

    let applied = call(&run, 1);
    assert_eq!(applied["isError"], false, "{applied}");
    let result = &applied["structured"]["applied"];
    assert_eq!(result["mode"], "cluster");
    assert_eq!(result["complete"], true);
    assert_eq!(result["server"], fake.url());
    assert_eq!(
        object_results(result),
        [("Service", "created"), ("Deployment", "created")]
    );
    assert_eq!(
        fake.get("deploy/default/web").expect("applied")["spec"]["replicas"],
        2
    );
    // The server dry-run came first.
    let dry_runs = fake
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH" && r.param("dryRun") == Some("All"))
        .count();
    assert_eq!(dry_runs, 2);
    let entries = sandbox.audit_entries();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["decision"], "applied");
    assert_eq!(result["audit_id"], entries[0]["id"]);

    let again = tool_error(&run, 2);
    assert!(again.contains("no proposal"), "{again}");

    assert_eq!(call(&run, 3)["structured"]["status"], "blocked");
    let text = tool_error(&run, 4);
    assert!(
        text.contains("refusing to apply a blocked proposal")
            && text.contains("protected-namespaces"),
        "{text}"
    );
    assert!(fake.get("deploy/kube-system/sniff").is_none());
    assert_eq!(
        sandbox.audit_entries().len(),
        1,
        "a refused proposal changes nothing"
    );
}

#[test]
fn a_diagnosed_fix_is_applied_by_its_proposal_id() {
    let fake = FakeCluster::start();
    fake.seed(node("node-0"));
    App::seed(&fake, "shop", "api", 1, |_, pod| {
        crash_loop(pod, 137, "OOMKilled", 3, "")
    });
    let limit = |fake: &FakeCluster| {
        fake.get("deploy/shop/api").unwrap()["spec"]["template"]["spec"]["containers"][0]
            ["resources"]["limits"]["memory"]
            .clone()
    };
    let before = limit(&fake);
    let plan = json!([
        {"tool": "diagnose", "arguments": {"namespace": "shop"}},
        {"tool": "apply", "arguments": {"proposal_id": "$proposal_id"}},
    ]);
    let Some((sandbox, run)) = over_stdio(&fake, &plan, &["--allow-apply"]) else {
        return;
    };
    let report = &call(&run, 0)["structured"];
    let fix = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|f| f["fix"].as_object())
        .unwrap_or_else(|| panic!("the OOM kill comes with a fix: {report}"));
    assert!(
        fix["proposal_id"].as_str().unwrap().starts_with("p-"),
        "{report}"
    );
    assert_eq!(
        fix["status"], "proposed",
        "validated like any proposal: {report}"
    );

    let applied = call(&run, 1);
    assert_eq!(applied["isError"], false, "{applied}");
    assert_eq!(
        applied["structured"]["applied"]["complete"], true,
        "{applied}"
    );
    let after = limit(&fake);
    assert_ne!(after, before, "the memory limit was raised (was {before})");
    assert_eq!(sandbox.audit_entries().len(), 1);
}

/// `shipmate mcp --http …` running in the background; killed when dropped.
struct HttpServer {
    child: Child,
    url: String,
}

impl HttpServer {
    fn start(mut shipmate: Command, args: &[&str]) -> HttpServer {
        let mut child = shipmate
            .arg("mcp")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start shipmate mcp --http");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let url = loop {
            let line = lines.next().and_then(Result::ok).unwrap_or_else(|| {
                let _ = child.kill();
                panic!("shipmate mcp --http exited before it listened")
            });
            if let Some(rest) = line.split_once("listening on ").map(|(_, r)| r) {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        HttpServer { child, url }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn http_with_a_token_serves_the_sdk_client_and_refuses_requests_without_it() {
    let Some(script) = client() else { return };
    let fake = cluster();
    let sandbox = Sandbox::new();
    let mut shipmate = sandbox.shipmate_on(&fake);
    shipmate.env("SHIPMATE_E2E_MCP_TOKEN", TOKEN);
    let server = HttpServer::start(
        shipmate,
        &[
            "--http",
            "127.0.0.1:0",
            "--token-env",
            "SHIPMATE_E2E_MCP_TOKEN",
        ],
    );
    assert!(
        server.url.starts_with("http://127.0.0.1:") && server.url.ends_with("/mcp"),
        "{}",
        server.url
    );

    let mut client_env = sandbox.shipmate_on(&fake);
    client_env.env("MCP_TOKEN", TOKEN);
    let plan = json!([
        {"tool": "validate", "arguments": {"manifests": PRIVILEGED}},
        {"tool": "propose", "arguments": {"request": WEB}},
        {"tool": "list", "arguments": {"kind": "deployments"}},
        {"tool": "diagnose", "arguments": {"namespace": "shop"}},
    ]);
    let run = run_client(&client_env, &script, "http", &plan, &[&server.url]);
    assert_eq!(run["probes"]["no_token"], 401, "{run}");
    assert_eq!(run["probes"]["wrong_token"], 401, "{run}");
    assert_eq!(tools(&run), READ_ONLY_TOOLS);
    assert_eq!(call(&run, 0)["structured"]["passed"], false);
    assert_eq!(call(&run, 1)["structured"]["status"], "proposed");
    assert!(
        call(&run, 2)["text"].as_str().unwrap().contains("api"),
        "{run}"
    );
    assert_crash_loop_found(&call(&run, 3)["structured"]);

    // Without the token the SDK client cannot even connect.
    let out = Command::new("node")
        .arg(&script)
        .args(["http", "[]", &server.url])
        .env_remove("MCP_TOKEN")
        .stdin(Stdio::null())
        .output()
        .expect("run node");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "connected without a token");
    assert!(stderr.contains("401"), "{stderr}");
}

/// Runs `shipmate mcp ARGS…`, which must refuse to start (exit 1); its stderr.
fn refused(args: &[&str]) -> String {
    let out = Sandbox::new()
        .shipmate()
        .arg("mcp")
        .args(args)
        .env_remove("SHIPMATE_E2E_UNSET_TOKEN")
        .stdin(Stdio::null())
        .output()
        .expect("run shipmate");
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn http_off_loopback_without_a_token_does_not_start() {
    let stderr = refused(&["--http", "0.0.0.0:0"]);
    assert!(
        stderr.contains("refusing to serve MCP on 0.0.0.0:0 without a bearer token"),
        "{stderr}"
    );
    assert!(stderr.contains("--token-env"), "{stderr}");
    let stderr = refused(&[
        "--http",
        "0.0.0.0:0",
        "--token-env",
        "SHIPMATE_E2E_UNSET_TOKEN",
    ]);
    assert!(
        stderr.contains("SHIPMATE_E2E_UNSET_TOKEN") && stderr.contains("not set"),
        "{stderr}"
    );
}
