//! `list` tables, pagination, and `events`.

use serde_json::json;
use shipmate_e2e::fake_kube::FakeCluster;

use super::*;

#[test]
fn pods_in_one_namespace_and_in_all() {
    let fake = FakeCluster::start();
    fake.seed(vec![
        crashing_pod("api-0", "shop"),
        running_pod("web-0", "shop"),
        running_pod("web-1", "default"),
    ]);
    with_reader(&fake, ToolLimits::new(), async |r| {
        let shop = r.list("po", Some("shop"), None).await.unwrap();
        let lines: Vec<&str> = shop.lines().collect();
        assert_eq!(lines.len(), 3, "{shop}");
        assert!(
            lines[0].starts_with("NAME   READY  STATUS            RESTARTS  AGE"),
            "{shop}"
        );
        assert!(
            lines[1].starts_with("api-0  0/1    CrashLoopBackOff  7 "),
            "{shop}"
        );
        assert!(
            lines[2].starts_with("web-0  1/1    Running           0 "),
            "{shop}"
        );

        let all = r.list("pods", None, Some("app=web")).await.unwrap();
        let lines: Vec<&str> = all.lines().collect();
        assert!(
            lines[0].starts_with("NAMESPACE  NAME   READY  STATUS"),
            "{all}"
        );
        assert_eq!(lines.len(), 3, "{all}");
        assert!(
            lines[1].starts_with("default    web-1") && lines[2].starts_with("shop       web-0")
        );

        let none = r.list("pods", Some("shop"), Some("app=db")).await.unwrap();
        assert_eq!(none, "no pods found in namespace shop with labels app=db");
    });
}

#[test]
fn deployments_services_and_nodes() {
    let fake = FakeCluster::start();
    let mut web = shipmate_e2e::deployment("web", 3, "nginx:1.27");
    web["metadata"]["namespace"] = "shop".into();
    fake.seed(vec![
        web,
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
               "spec": {"type": "NodePort", "clusterIP": "10.0.0.7",
                        "ports": [{"port": 80, "nodePort": 30080}, {"port": 53, "protocol": "UDP"}]}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lb", "namespace": "shop"},
               "spec": {"type": "LoadBalancer", "clusterIP": "10.0.0.8", "ports": [{"port": 443}]}}),
        json!({"apiVersion": "v1", "kind": "Node",
               "metadata": {"name": "node-1", "labels": {"node-role.kubernetes.io/control-plane": ""}},
               "spec": {"unschedulable": true},
               "status": {"conditions": [{"type": "Ready", "status": "True"}],
                          "nodeInfo": {"kubeletVersion": "v1.37.0"}}}),
    ]);
    with_reader(&fake, ToolLimits::new(), async |r| {
        let d = r
            .list("deployments.apps", Some("shop"), None)
            .await
            .unwrap();
        assert!(
            d.starts_with(
                "NAME  READY  UP-TO-DATE  AVAILABLE  AGE\nweb   3/3    3           3          "
            ),
            "{d}"
        );
        let s = r.list("svc", Some("shop"), None).await.unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(
            lines[0],
            "NAME  TYPE          CLUSTER-IP  EXTERNAL-IP  PORT(S)              AGE"
        );
        assert!(
            lines[1].starts_with("lb    LoadBalancer  10.0.0.8    <pending>    443/TCP "),
            "{s}"
        );
        assert!(
            lines[2]
                .starts_with("web   NodePort      10.0.0.7    <none>       80:30080/TCP,53/UDP "),
            "{s}"
        );
        let n = r.list("Node", None, None).await.unwrap();
        assert!(n.starts_with("NAME    STATUS                    ROLES          VERSION  AGE\nnode-1  Ready,SchedulingDisabled  control-plane  v1.37.0  "), "{n}");
    });
}

#[test]
fn events_newest_last_with_repeats_folded() {
    let fake = FakeCluster::start();
    fake.seed(vec![
        crashing_pod("api-0", "shop"),
        event("shop", ("Pod", "api-0"), "BackOff", 2, 10),
        event("shop", ("Pod", "api-0"), "Started", 1, 9),
        event("shop", ("Pod", "api-0"), "BackOff", 3, 11),
        event("shop", ("Pod", "web-0"), "Started", 1, 8),
        event("default", ("Pod", "x"), "Started", 1, 12),
    ]);
    with_reader(&fake, ToolLimits::new(), async |r| {
        let about = r.events(Some("shop"), Some(("po", "api-0"))).await.unwrap();
        let lines: Vec<&str> = about.lines().collect();
        assert_eq!(
            lines[0], "LAST SEEN  TYPE     REASON   OBJECT     COUNT  MESSAGE",
            "{about}"
        );
        assert_eq!(lines.len(), 3, "{about}");
        assert!(
            lines[1].contains("Normal   Started  pod/api-0  1      Started on api-0"),
            "{about}"
        );
        assert!(
            lines[2].contains("Warning  BackOff  pod/api-0  5      BackOff on api-0"),
            "{about}"
        );
        let req = fake
            .requests()
            .into_iter()
            .rev()
            .find(|q| q.path.ends_with("/events"))
            .unwrap();
        assert!(
            req.param("fieldSelector").is_some(),
            "filtered by the server: {req}"
        );

        let all = r.list("ev", None, None).await.unwrap();
        let lines: Vec<&str> = all.lines().collect();
        assert!(lines[0].starts_with("NAMESPACE  LAST SEEN"), "{all}");
        assert_eq!(lines.len(), 5, "{all}");
        assert!(
            lines[1].contains("pod/web-0") && lines[4].starts_with("default"),
            "{all}"
        );
    });
}

#[test]
fn lists_page_and_stop_at_list_rows_saying_how_many_more() {
    let fake = FakeCluster::start();
    let pods: Vec<_> = (0..250)
        .map(|i| running_pod(&format!("web-{i:03}"), "shop"))
        .collect();
    fake.seed(pods);
    with_reader(&fake, ToolLimits::new().list_rows(7), async |r| {
        fake.clear_requests();
        let out = r.list("pods", Some("shop"), None).await.unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1 + 7 + 1, "{out}");
        assert_eq!(
            lines[8],
            "[… 243 more pods not shown after 7 rows; narrow with a label selector (-l) or a namespace]"
        );
        let lists: Vec<_> = fake
            .requests()
            .into_iter()
            .filter(|q| q.path.ends_with("/pods"))
            .collect();
        assert_eq!(lists.len(), 1, "one page of 7: {lists:?}");
        assert_eq!(lists[0].param("limit"), Some("7"));
        let labelled = r.list("pods", Some("shop"), Some("app=web")).await.unwrap();
        assert!(labelled.ends_with("[… more pods not shown after 7 rows; narrow with a label selector (-l) or a namespace]\n"), "{labelled}");
    });
    // Default limits: 200 rows in all namespaces, within the 16 KiB cap.
    with_reader(&fake, ToolLimits::new(), async |r| {
        let out = r.list("pods", None, None).await.unwrap();
        assert_eq!(out.lines().count(), 202, "{out}");
        assert!(out.len() <= 16 * 1024, "{} bytes", out.len());
        assert!(out.ends_with("[… 50 more pods not shown after 200 rows; narrow with a label selector (-l) or a namespace]\n"));
    });
}

#[test]
fn api_resources_and_custom_resources_by_any_name() {
    let fake = FakeCluster::start();
    fake.seed(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}\n  versions:\n  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}\n",
    );
    fake.seed(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: default}\n",
    );
    with_reader(&fake, ToolLimits::new(), async |r| {
        let types = r.api_resources().await.unwrap();
        assert!(types.starts_with("NAME"), "{types}");
        assert!(
            types.lines().any(|l| l.split_whitespace().eq([
                "widgets",
                "wd",
                "example.com/v1",
                "true",
                "Widget"
            ])),
            "{types}"
        );
        assert!(
            types
                .lines()
                .any(|l| l.starts_with("deployments ") && l.contains("deploy")),
            "{types}"
        );
        for word in ["wd", "widgets.example.com", "Widget"] {
            let out = r.list(word, Some("default"), None).await.unwrap();
            assert!(out.starts_with("NAME  AGE\nw1    "), "{word}: {out}");
        }
    });
}

#[test]
fn events_over_the_byte_cap_drop_the_oldest_rows() {
    let fake = FakeCluster::start();
    let events: Vec<_> = (0..24)
        .map(|h| event("shop", ("Pod", &format!("api-{h}")), "BackOff", 1, h))
        .collect();
    fake.seed(events);
    with_reader(&fake, ToolLimits::new().max_bytes(1024), async |r| {
        let out = r.events(Some("shop"), None).await.unwrap();
        assert!(out.len() <= 1024, "{} bytes", out.len());
        let lines: Vec<&str> = out.lines().collect();
        let dropped: usize = lines[0].split(' ').nth(1).unwrap().parse().unwrap();
        assert_eq!(
            lines[0],
            format!("[… {dropped} older event rows not shown; name an object or a namespace]")
        );
        assert!(lines[1].starts_with("LAST SEEN  TYPE"), "{out}");
        assert_eq!(lines.len() - 2 + dropped, 24, "{out}");
        assert!(
            lines.last().unwrap().contains("pod/api-23 "),
            "newest last: {out}"
        );
    });
}
