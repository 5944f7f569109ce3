//! Live schemas from the fake API server's `/openapi/v3`: only the needed documents, cached;
//! CRDs validate without `--crd`; built-in kinds stay strict; failures fall back with a note.

use serde_json::{Value, json};
use shipmate_e2e::fake_kube::{FakeCluster, Fault};
use shipmate_manifests::{SchemaSet, SchemaVerdict};

use super::*;
use crate::cluster::tests::{connect, runtime};

fn widget(spec: Value) -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "Widget",
           "metadata": {"name": "w", "namespace": "default"}, "spec": spec})
}

fn deployment(spec: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
           "spec": spec})
}

fn good_spec() -> Value {
    json!({
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
        "template": {
            "metadata": {"labels": {"app": "web"}, "creationTimestamp": null},
            "spec": {"containers": [{
                "name": "web", "image": "nginx:1.27",
                "ports": [{"containerPort": 80}],
                "resources": {"requests": {"cpu": 0.25, "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
                "readinessProbe": {"httpGet": {"path": "/", "port": "http"}},
            }]},
        },
    })
}

fn openapi_gets(fake: &FakeCluster) -> Vec<String> {
    fake.requests()
        .iter()
        .filter(|r| r.path.starts_with("/openapi/"))
        .map(|r| r.path.clone())
        .collect()
}

#[test]
fn fetches_only_the_needed_documents_once_per_session() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        let fetched = cluster
            .openapi_v3(&["apps/v1", "example.com/v1"])
            .await
            .unwrap();
        assert_eq!(fetched.documents.len(), 1);
        assert_eq!(fetched.documents[0].0, "apps/v1");
        assert_eq!(fetched.missing, vec!["example.com/v1".to_string()]);
        let doc = &fetched.documents[0].1;
        let deployment = &doc["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"];
        assert_eq!(
            deployment["x-kubernetes-group-version-kind"],
            json!([{"group": "apps", "version": "v1", "kind": "Deployment"}])
        );
        assert_eq!(
            deployment["properties"]["spec"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"
        );
        cluster.openapi_v3(&["apps/v1"]).await.unwrap();
    });
    assert_eq!(
        openapi_gets(&fake),
        vec!["/openapi/v3", "/openapi/v3/apis/apps/v1"]
    );
}

#[test]
fn a_crd_in_the_cluster_validates_custom_resources_without_crd_flag() {
    let fake = FakeCluster::start();
    fake.seed(shipmate_e2e::fixture_text("widget-crd.yaml").as_str());
    let dir = tempfile::tempdir().unwrap();
    let manifests = [
        widget(json!({"size": 3, "port": "http"})),
        deployment(good_spec()),
    ];
    let mut schemas = SchemaSet::bundled();
    assert_eq!(schemas.validate(&manifests[0]).0, SchemaVerdict::NoSchema);
    let report = runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        add_live_schemas(&cluster, &manifests, &mut schemas).await
    });
    assert_eq!(
        report,
        LiveSchemas {
            live: vec!["apps/v1".into(), "example.com/v1".into()],
            fallback: None
        }
    );
    assert_eq!(
        schemas.validate(&manifests[0]),
        (SchemaVerdict::Valid, vec![])
    );
    let (verdict, errors) = schemas.validate(&widget(json!({"size": 3, "sise": 4})));
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(errors[0].path, "spec.sise");
    assert_eq!(
        errors[0].message,
        "unknown field `sise` (did you mean `size`?)"
    );
    assert_eq!(
        schemas.validate(&manifests[1]),
        (SchemaVerdict::Valid, vec![])
    );
}

#[test]
fn an_unknown_field_of_a_built_in_kind_is_still_an_error_with_live_schemas() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    let mut spec = good_spec();
    spec["replica"] = json!(3);
    let manifests = [deployment(spec)];
    let mut schemas = SchemaSet::bundled();
    let report = runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        add_live_schemas(&cluster, &manifests, &mut schemas).await
    });
    assert_eq!(report.live, vec!["apps/v1".to_string()]);
    assert!(schemas.has_openapi_v3("apps/v1"));
    let (verdict, errors) = schemas.validate(&manifests[0]);
    assert_eq!(verdict, SchemaVerdict::Invalid);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].path, "spec.replica");
    assert_eq!(
        errors[0].message,
        "unknown field `replica` (did you mean `replicas`?)"
    );
}

#[test]
fn a_forbidden_index_falls_back_to_bundled_with_a_note_and_is_retried_later() {
    let fake = FakeCluster::start();
    fake.inject(Fault::status(403).path_contains("/openapi/v3"));
    let dir = tempfile::tempdir().unwrap();
    let manifests = [deployment(good_spec())];
    let mut schemas = SchemaSet::bundled();
    let (first, second) = runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        let first = add_live_schemas(&cluster, &manifests, &mut schemas).await;
        let validated = schemas.validate(&manifests[0]).0;
        assert_eq!(
            validated,
            SchemaVerdict::Valid,
            "bundled schema still applies"
        );
        let second = add_live_schemas(&cluster, &manifests, &mut schemas).await;
        (first, second)
    });
    assert!(first.live.is_empty());
    let note = first.fallback.expect("a fallback note");
    assert!(
        note.starts_with("schema: using the bundled Kubernetes schema: the cluster's OpenAPI v3 is unavailable (forbidden (403)"),
        "{note}"
    );
    assert!(!note.contains('\n'));
    assert_eq!(second.live, vec!["apps/v1".to_string()]);
    assert_eq!(second.fallback, None);
}

#[test]
fn a_missing_document_endpoint_falls_back_too() {
    let fake = FakeCluster::start();
    fake.inject(Fault::status(404).path_contains("/openapi/v3"));
    let dir = tempfile::tempdir().unwrap();
    let mut schemas = SchemaSet::bundled();
    let report = runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        add_live_schemas(&cluster, &[deployment(good_spec())], &mut schemas).await
    });
    assert!(report.fallback.unwrap().contains("404"));
    assert!(!schemas.has_openapi_v3("apps/v1"));
}

/// Cost of going live for a Deployment + Service proposal against the fake (debug build):
/// `cargo test -p shipmate --bin shipmate live_schema_cost -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn live_schema_cost() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                         "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}});
    let manifests = [deployment(good_spec()), service];
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        let mut schemas = SchemaSet::bundled();
        let start = std::time::Instant::now();
        add_live_schemas(&cluster, &manifests, &mut schemas).await;
        let fetched = start.elapsed();
        for m in &manifests {
            assert_eq!(schemas.validate(m).0, SchemaVerdict::Valid);
        }
        let compiled = start.elapsed() - fetched;
        let start = std::time::Instant::now();
        let mut again = SchemaSet::bundled();
        add_live_schemas(&cluster, &manifests, &mut again).await;
        let cached = start.elapsed();
        let bytes: usize = cluster
            .openapi_v3(&["apps/v1", "v1"])
            .await
            .unwrap()
            .documents
            .iter()
            .map(|(_, d)| d.to_string().len())
            .sum();
        eprintln!(
            "fetch+read 2 documents ({bytes} bytes): {fetched:?}; compile+validate 2 kinds: {compiled:?}; again from the session cache: {cached:?}"
        );
    });
}
