//! The MCP tools on a rules-backend session: what each answers, and every way `apply` refuses.
//! (A successful apply writes the audit log, so it is tested through the binary in a sandbox:
//! tests/tests/e2e/mcp.rs.)

use std::path::{Path, PathBuf};

use serde_json::Value;
use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_manifests::{Constitution, SchemaSet};
use shipmate_plugins::tools::ListArgs;
use shipmate_plugins::{BackendOptions, Registry, ToolCall};

use super::{Answer, ApplyInput, DiagnoseInput, ProposeInput, Shared, ValidateInput};
use crate::session::{Session, SessionOptions};

const PRIVILEGED: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: sniff}\nspec:\n  \
    containers: [{name: sniff, image: busybox:1.36, securityContext: {privileged: true}}]\n";
const WEB: &str = "deploy nginx:1.27.1 as web with 2 replicas on port 80";

/// Shared state around a rules-backend session whose kubeconfig is `kubeconfig`.
pub(crate) fn shared(allow_apply: bool, kubeconfig: &Path) -> Shared {
    let backend = Registry::builtin()
        .create_with("rules", &BackendOptions::default())
        .unwrap();
    let mut options = SessionOptions::default();
    options.connect.kubeconfig = Some(kubeconfig.to_owned());
    let session = Session::new(
        backend,
        Some(Constitution::builtin()),
        SchemaSet::bundled(),
        options,
    )
    .unwrap();
    Shared::new(
        session,
        SchemaSet::bundled(),
        Some(Constitution::builtin()),
        allow_apply,
        16 * 1024,
    )
}

fn nowhere() -> PathBuf {
    PathBuf::from("/nonexistent/shipmate-mcp-test/kubeconfig")
}

fn json(answer: Answer) -> Value {
    match answer {
        Answer::Json(v) => v,
        other => panic!("expected JSON, got {other:?}"),
    }
}

fn propose(s: &Shared, request: &str) -> Value {
    json(
        s.propose(&ProposeInput {
            request: request.into(),
            namespace: None,
        })
        .unwrap(),
    )
}

fn apply(s: &Shared, id: &str) -> Result<Answer, String> {
    s.apply(&ApplyInput {
        proposal_id: id.into(),
    })
}

#[test]
fn validate_reports_findings_and_passed() {
    let s = shared(false, &nowhere());
    let report = json(
        s.validate(&ValidateInput {
            manifests: PRIVILEGED.into(),
        })
        .unwrap(),
    );
    assert_eq!(report["passed"], false);
    assert_eq!(report["summary"]["blocked"], 1);
    let gates: Vec<&str> = report["documents"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["gate"].as_str().unwrap())
        .collect();
    assert!(gates.contains(&"no-privileged"), "{gates:?}");

    let fixed = PRIVILEGED.replace("privileged: true", "privileged: false");
    let report = json(s.validate(&ValidateInput { manifests: fixed }).unwrap());
    assert_eq!(report["summary"]["blocked"], 0, "{report}");

    let err = s
        .validate(&ValidateInput {
            manifests: " \n".into(),
        })
        .unwrap_err();
    assert!(err.contains("`manifests` is empty"), "{err}");
}

#[test]
fn propose_keeps_the_proposal_under_an_id_and_says_what_next() {
    let s = shared(false, &nowhere());
    let p = propose(&s, WEB);
    assert_eq!(p["status"], "proposed");
    assert_eq!(p["manifests"][0]["kind"], "Deployment");
    assert!(p["proposal_id"].as_str().unwrap().starts_with("p-"));
    assert!(p["next"].as_str().unwrap().contains("read-only"), "{p}");
    // Read-only: the id exists, but apply is off whatever the client sends.
    let err = apply(&s, p["proposal_id"].as_str().unwrap()).unwrap_err();
    assert!(err.contains("--allow-apply"), "{err}");

    let scoped = json(
        s.propose(&ProposeInput {
            request: WEB.into(),
            namespace: Some("shop".into()),
        })
        .unwrap(),
    );
    assert_eq!(scoped["manifests"][0]["metadata"]["namespace"], "shop");
    assert!(
        propose(&s, WEB)["manifests"][0]["metadata"]["namespace"].is_null(),
        "the namespace applied to one request only"
    );
}

#[test]
fn apply_refuses_unknown_blocked_and_clusterless_proposals() {
    let s = shared(true, &nowhere());
    let err = apply(&s, "p-0000000000000000").unwrap_err();
    assert!(err.contains("no proposal \"p-0000000000000000\""), "{err}");

    let blocked = propose(&s, "deploy nginx:1.27.1 as web in namespace kube-system");
    assert_eq!(blocked["status"], "blocked");
    assert!(blocked["next"].as_str().unwrap().starts_with("blocked"));
    let err = apply(&s, blocked["proposal_id"].as_str().unwrap()).unwrap_err();
    assert!(
        err.contains("refusing to apply a blocked proposal")
            && err.contains("protected-namespaces"),
        "{err}"
    );

    let ok = propose(&s, WEB);
    let id = ok["proposal_id"].as_str().unwrap();
    for _ in 0..2 {
        // Still there the second time: a proposal the cluster never saw is kept.
        let err = apply(&s, id).unwrap_err();
        assert!(err.starts_with("no cluster: "), "{err}");
        assert!(err.contains("KUBECONFIG"), "{err}");
    }
}

#[test]
fn reads_are_masked_capped_untrusted_and_retry_a_missing_kubeconfig() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kubeconfig");
    let s = shared(false, &config);
    let call = ToolCall::List(ListArgs {
        kind: "deployments".into(),
        namespace: None,
        selector: None,
    });
    let err = s.read(&call).unwrap_err();
    assert!(err.starts_with("no cluster: "), "{err}");

    // The kubeconfig appears while the server runs: the next call uses it.
    let fake = FakeCluster::start();
    fake.seed(vec![shipmate_e2e::deployment("api", 1, "nginx:1.27.1")]);
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::copy(fake.kubeconfig(elsewhere.path()), &config).unwrap();
    let Answer::Text(text) = s.read(&call).unwrap() else {
        panic!("reads answer text")
    };
    assert!(
        text.contains("<untrusted-data source=\"list deployments\">"),
        "{text}"
    );
    assert!(text.contains("api"), "{text}");

    let missing = ToolCall::parse("get", r#"{"kind":"deploy","name":"nope"}"#).unwrap();
    let err = s.read(&missing).unwrap_err();
    assert!(err.contains("nope") && err.contains("api"), "{err}");
}

#[test]
fn diagnose_says_what_is_wrong_with_its_arguments_or_the_cluster() {
    let s = shared(false, &nowhere());
    let input = |object: Option<&str>, all: bool| DiagnoseInput {
        object: object.map(str::to_owned),
        namespace: None,
        all_namespaces: all,
    };
    let err = s.diagnose(&input(Some("pod/api-0"), true)).unwrap_err();
    assert!(err.contains("do not go together"), "{err}");
    let err = s.diagnose(&input(Some("api-0"), false)).unwrap_err();
    assert!(err.contains("api-0"), "the bad target is named: {err}");
    let err = s.diagnose(&input(None, false)).unwrap_err();
    assert!(err.starts_with("no cluster: "), "{err}");
}
