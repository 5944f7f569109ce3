//! Short, actionable errors: unknown kinds, missing objects, 403.

use shipmate_e2e::fake_kube::{FakeCluster, Fault};

use super::*;

#[test]
fn unknown_kinds_suggest_and_point_to_api_resources() {
    let fake = FakeCluster::start();
    with_reader(&fake, ToolLimits::new(), async |r| {
        let err = r.list("deploymentz", None, None).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown resource type \"deploymentz\" (did you mean deployments?); call api_resources for the types this cluster serves"
        );
        let err = r.get("gizmos", "x", None).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown resource type \"gizmos\"; call api_resources for the types this cluster serves"
        );
    });
}

#[test]
fn missing_objects_name_the_ones_that_exist() {
    let fake = FakeCluster::start();
    fake.seed(vec![
        running_pod("api-1", "shop"),
        running_pod("api-2", "shop"),
    ]);
    with_reader(&fake, ToolLimits::new(), async |r| {
        let err = r.describe("po", "api-0", Some("shop")).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "no pod api-0 in namespace shop; pods there: api-1, api-2"
        );
        let err = r.get("deploy", "web", Some("shop")).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "no deployment web in namespace shop; there are no deployments in namespace shop"
        );
        let err = r.get("node", "n1", None).await.unwrap_err();
        assert_eq!(err.to_string(), "no node n1; there are no nodes");
    });
}

#[test]
fn forbidden_says_which_verb_on_what() {
    let fake = FakeCluster::start();
    fake.seed(running_pod("api-1", "shop"));
    fake.inject(Fault::status(403).path_contains("/pods").times(2));
    fake.inject(Fault::status(404).path_contains("/deployments/web"));
    fake.inject(Fault::status(403).path_contains("/deployments"));
    with_reader(&fake, ToolLimits::new(), async |r| {
        let err = r.list("pods", None, None).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "forbidden (403) on pods: your account lacks list on pods (cluster-wide); name one namespace instead of all"
        );
        let err = r.get("pods", "api-1", Some("shop")).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "forbidden (403) on Pod/api-1 in namespace shop: your account lacks get on pods in namespace shop"
        );
        // Not found, and the others cannot be listed: no claim about what exists.
        let err = r.get("deploy", "web", Some("shop")).await.unwrap_err();
        assert_eq!(err.to_string(), "no deployment web in namespace shop");
    });
}

/// The agent loop runs tools inside `Send` futures (async-trait backends).
#[test]
fn tool_futures_are_send() {
    fn send<T: Send>(_: T) {}
    let fake = FakeCluster::start();
    with_reader(&fake, ToolLimits::new(), async |r| {
        send(r.list("pods", None, None));
        send(r.get("pods", "a", None));
        send(r.describe("pods", "a", None));
        send(r.logs("a", None, None, false, None));
        send(r.events(None, None));
        send(r.api_resources());
    });
}
