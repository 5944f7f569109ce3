//! The fake API server's read paths that troubleshooting tools use: paginated lists
//! (`limit`/`continue`, `remainingItemCount`) and pod logs (`container`, `previous`,
//! `tailLines`), driven by the `kube` client.

use kube::Api;
use kube::api::{DynamicObject, ListParams, LogParams};
use kube::core::{ApiResource, GroupVersionKind};
use shipmate_e2e::fake_kube::{FakeCluster, LOG_ANNOTATION, PREVIOUS_LOG_ANNOTATION};

use super::fake_kube_client::{client, runtime};

fn config_maps(n: usize) -> String {
    (0..n)
        .map(|i| format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i:02}, namespace: default, labels: {{n: \"{}\"}}}}\n", i % 2))
        .collect::<Vec<_>>()
        .join("---\n")
}

#[test]
fn lists_page_with_limit_and_continue() {
    let cluster = FakeCluster::start();
    cluster.seed(config_maps(5).as_str());
    runtime().block_on(async {
        let (client, _dir) = client(&cluster).await;
        let ar = ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk("", "v1", "ConfigMap"),
            "configmaps",
        );
        let api: Api<DynamicObject> = Api::namespaced_with(client, "default", &ar);
        let first = api.list(&ListParams::default().limit(2)).await.unwrap();
        let names = |l: &kube::core::ObjectList<DynamicObject>| {
            l.items
                .iter()
                .map(|o| o.metadata.name.clone().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&first), ["c00", "c01"]);
        assert_eq!(first.metadata.remaining_item_count, Some(3));
        let token = first.metadata.continue_.clone().unwrap();
        let rest = api
            .list(&ListParams::default().limit(10).continue_token(&token))
            .await
            .unwrap();
        assert_eq!(names(&rest), ["c02", "c03", "c04"]);
        assert!(rest.metadata.continue_.as_deref().is_none_or(str::is_empty));

        let selected = api
            .list(&ListParams::default().labels("n=0").limit(1))
            .await
            .unwrap();
        assert_eq!(names(&selected), ["c00"]);
        assert!(selected.metadata.continue_.is_some());
        assert_eq!(
            selected.metadata.remaining_item_count, None,
            "no count with selectors"
        );
        let bad = api
            .list(&ListParams::default().continue_token("zz"))
            .await
            .unwrap_err();
        assert!(bad.to_string().contains("invalid continue token"), "{bad}");
    });
}

#[test]
fn pod_logs_by_container_and_previous_instance() {
    let cluster = FakeCluster::start();
    cluster.seed(
        serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "api-0", "namespace": "default", "annotations": {
                format!("{LOG_ANNOTATION}.app"): "a1\na2\na3\n",
                format!("{LOG_ANNOTATION}.proxy"): "p1\n",
                format!("{PREVIOUS_LOG_ANNOTATION}.app"): "panic: boom\n",
            }},
            "spec": {"containers": [{"name": "app", "image": "a:1"}, {"name": "proxy", "image": "p:1"}]},
        }),
    );
    runtime().block_on(async {
        let (client, _dir) = client(&cluster).await;
        let pods: Api<k8s_openapi::api::core::v1::Pod> = Api::namespaced(client, "default");
        let logs = |container: Option<&str>, previous: bool, tail: Option<i64>| {
            let lp = LogParams {
                container: container.map(str::to_string),
                previous,
                tail_lines: tail,
                ..LogParams::default()
            };
            let pods = pods.clone();
            async move { pods.logs("api-0", &lp).await }
        };
        assert_eq!(logs(Some("app"), false, Some(2)).await.unwrap(), "a2\na3\n");
        assert_eq!(logs(Some("proxy"), false, None).await.unwrap(), "p1\n");
        assert_eq!(
            logs(Some("app"), true, None).await.unwrap(),
            "panic: boom\n"
        );
        let err = logs(None, false, None).await.unwrap_err().to_string();
        assert!(
            err.contains(
                "a container name must be specified for pod api-0, choose one of: [app proxy]"
            ),
            "{err}"
        );
        let err = logs(Some("proxy"), true, None)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("previous terminated container \"proxy\" in pod \"api-0\" not found"),
            "{err}"
        );
        let err = logs(Some("db"), false, None).await.unwrap_err().to_string();
        assert!(
            err.contains("container db is not valid for pod api-0"),
            "{err}"
        );
    });
}
