use proptest::prelude::*;

use super::*;
use crate::proposal::{Action, Status};

fn learnt(names: &[(&str, NameRole)]) -> Anonymizer {
    let mut a = Anonymizer::new();
    for (name, role) in names {
        a.learn(name, *role);
    }
    a
}

#[test]
fn names_get_stable_placeholders_by_role() {
    let mut a = learnt(&[
        ("shop", NameRole::Namespace),
        ("web", NameRole::Object),
        ("shop", NameRole::Object),
    ]);
    assert_eq!(a.placeholder("shop"), Some("ns-1"));
    assert_eq!(a.placeholder("web"), Some("name-2"));
    assert_eq!(a.len(), 2, "a name keeps its first placeholder");
    let hidden = a.hide("deployment web in shop, svc web.shop.svc.cluster.local");
    assert_eq!(
        hidden,
        "deployment name-2 in ns-1, svc name-2.ns-1.svc.cluster.local"
    );
    assert_eq!(
        a.hide("web"),
        "name-2",
        "the same name, the same placeholder"
    );
}

#[test]
fn substrings_of_names_and_words_are_left_alone() {
    let mut a = learnt(&[
        ("api", NameRole::Object),
        ("api-0", NameRole::Object),
        ("web", NameRole::Object),
    ]);
    let text = "api-0 calls the api at website cobweb web_ui api-01 rapid webs web";
    let hidden = a.hide(text);
    assert_eq!(
        hidden,
        "name-2 calls the name-1 at website cobweb web_ui name-1-01 rapid webs name-3"
    );
    assert_eq!(a.reveal(&hidden), text);
}

#[test]
fn built_in_namespaces_and_non_names_stay_readable() {
    let mut a = learnt(&[
        ("kube-system", NameRole::Namespace),
        ("default", NameRole::Namespace),
        ("DB_HOST", NameRole::Object),
        ("", NameRole::Object),
    ]);
    assert!(a.is_empty());
    assert_eq!(a.hide("kube-system default"), "kube-system default");
}

#[test]
fn placeholder_shaped_words_in_the_text_keep_the_mapping_reversible() {
    // A namespace really called `ns-1`, and a log line that says `name-2`.
    let mut a = learnt(&[("ns-1", NameRole::Namespace), ("prod", NameRole::Namespace)]);
    assert_eq!(a.placeholder("prod"), Some("ns-2"));
    let text = "prod and ns-1 and name-3 and ns-2";
    let hidden = a.hide(text);
    assert!(!hidden.contains("prod"), "{hidden}");
    assert_eq!(a.reveal(&hidden), text, "{hidden}");
}

#[test]
fn reveal_maps_issued_placeholders_and_keeps_invented_names() {
    let a = learnt(&[("shop", NameRole::Namespace), ("web", NameRole::Object)]);
    let answer =
        r#"{"metadata":{"name":"name-2-cache","namespace":"ns-1"},"x":"name-9","y":"redis"}"#;
    assert_eq!(
        a.reveal(answer),
        r#"{"metadata":{"name":"web-cache","namespace":"shop"},"x":"name-9","y":"redis"}"#
    );
}

#[test]
fn requests_and_proposals_teach_their_names() {
    let mut a = Anonymizer::new();
    a.learn_request("why is pod api-0 crashing in namespace payments?", None);
    assert!(a.placeholder("api-0").is_some(), "{a:?}");
    assert!(a.placeholder("payments").unwrap().starts_with("ns-"));
    let mut p = Proposal::new("openai", "r", Status::Proposed, "s");
    p.manifests
        .push(serde_json::json!({"kind": "Namespace", "metadata": {"name": "acme"}}));
    p.manifests.push(serde_json::json!({"kind": "Service",
        "metadata": {"name": "checkout", "namespace": "acme"}}));
    for argv in [
        &["kubectl", "logs", "worker-7", "-n", "jobs"][..],
        &["kubectl", "rollout", "restart", "deployment/frontend"],
        &["kubectl", "delete", "namespace", "legacy"],
        &["kubectl", "set", "env", "deployment/frontend", "DB_POOL=2"],
    ] {
        p.actions.push(Action::new(
            argv.iter().map(|s| s.to_string()).collect(),
            "r",
        ));
    }
    a.learn_proposal(&p);
    for (name, prefix) in [
        ("acme", "ns-"),
        ("checkout", "name-"),
        ("worker-7", "name-"),
        ("jobs", "ns-"),
        ("frontend", "name-"),
        ("legacy", "ns-"),
    ] {
        let got = a
            .placeholder(name)
            .unwrap_or_else(|| panic!("{name}: {a:?}"));
        assert!(got.starts_with(prefix), "{name}: {got}");
    }
    for word in ["restart", "rollout", "env", "DB_POOL=2", "logs"] {
        assert!(a.placeholder(word).is_none(), "{word}");
    }
}

#[test]
fn tool_answers_teach_the_names_they_show() {
    let mut a = Anonymizer::new();
    let list = ToolCall::parse("list", r#"{"kind":"pods","namespace":"shop"}"#).unwrap();
    a.learn_answer(
        &list,
        "NAME          READY  STATUS            RESTARTS  AGE\n\
         api-7d9f-xk2  0/1    CrashLoopBackOff  12        3h\n\
         cart-0        1/1    Running           0         3h\n",
    );
    let events = ToolCall::parse("events", "{}").unwrap();
    a.learn_answer(
        &events,
        "NAMESPACE  LAST SEEN  TYPE     REASON   OBJECT          COUNT  MESSAGE\n\
         billing    2m         Warning  BackOff  Pod/invoicer-1  4      Back-off restarting\n",
    );
    let describe = ToolCall::parse("describe", r#"{"kind":"pod","name":"x"}"#).unwrap();
    a.learn_answer(
        &describe,
        "Name:       orders-1\nNamespace:  sales\nStatus:     Running\n",
    );
    let get = ToolCall::parse("get", r#"{"kind":"deploy","name":"y"}"#).unwrap();
    a.learn_answer(
        &get,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ledger\n  namespace: finance\n  labels:\n    app: ledger\nspec:\n  template:\n    spec:\n      containers:\n      - name: http\n",
    );
    for name in [
        "shop",
        "api-7d9f-xk2",
        "cart-0",
        "billing",
        "invoicer-1",
        "orders-1",
        "sales",
        "x",
        "ledger",
        "finance",
        "y",
    ] {
        assert!(a.placeholder(name).is_some(), "{name}: {a:?}");
    }
    for word in [
        "READY", "Running", "BackOff", "Warning", "http", "app", "pod", "pods",
    ] {
        assert!(a.placeholder(word).is_none(), "{word}");
    }
    let resources = ToolCall::parse("api_resources", "").unwrap();
    a.learn_answer(
        &resources,
        "NAME  SHORTNAMES  KIND\ndeployments  deploy  Deployment\n",
    );
    assert!(a.placeholder("deployments").is_none(), "types are no names");
}

#[test]
fn diagnose_calls_and_findings_teach_their_names() {
    let mut a = Anonymizer::new();
    let all =
        ToolCall::parse("diagnose", r#"{"namespace":"*","object":"deployment/web"}"#).unwrap();
    a.learn_answer(
        &all,
        "2 findings (1 critical, 1 error, 0 warning, 0 info)\n\
         \n[critical] Pod/api-0 -n shop (pod.crash-loop): api-0 keeps crashing\n\
         \x20 cause: the container exits with code 1\n\
         \n[error] Node/worker-2 (node.not-ready): worker-2 is NotReady\n",
    );
    for name in ["web", "api-0", "shop", "worker-2"] {
        assert!(a.placeholder(name).is_some(), "{name}: {a:?}");
    }
    for word in ["*", "critical", "cause", "Pod", "findings"] {
        assert!(a.placeholder(word).is_none(), "{word}");
    }
}

proptest! {
    #[test]
    fn hide_then_reveal_gives_back_the_text(
        names in proptest::collection::vec("[a-z][a-z0-9-]{0,6}[a-z0-9]", 0..6),
        text in "[a-z0-9 .:/_-]{0,80}",
    ) {
        let mut a = Anonymizer::new();
        for (i, n) in names.iter().enumerate() {
            a.learn(n, if i % 2 == 0 { NameRole::Namespace } else { NameRole::Object });
        }
        let hidden = a.hide(&text);
        prop_assert_eq!(a.reveal(&hidden), text);
        for n in names.iter().filter(|n| a.placeholder(n).is_some() && !PLACEHOLDER.is_match(n)) {
            let re = Regex::new(&format!(r"\b{}\b", regex::escape(n))).unwrap();
            prop_assert!(!re.is_match(&hidden), "{} in {}", n, hidden);
        }
    }
}
