//! The fake API server driven by the `kube` client: discovery, server-side apply (create,
//! update, conflict, force, dry-run), delete, and injected faults.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config, Discovery};
use serde_json::{Value, json};
use shipmate_e2e::fake_kube::{FakeCluster, Fault};

/// A client for `cluster`, configured the way shipmate will be: through a kubeconfig file.
pub(crate) async fn client(cluster: &FakeCluster) -> (Client, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = cluster.kubeconfig(dir.path());
    let kubeconfig = Kubeconfig::read_from(&path).unwrap();
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .unwrap();
    (Client::try_from(config).unwrap(), dir)
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn deployment(name: &str, replicas: i64, image: &str) -> Value {
    let mut d = shipmate_e2e::deployment(name, replicas, image);
    d["metadata"]["namespace"] = "default".into();
    d
}

#[test]
fn discovery_lists_core_and_group_kinds() {
    let cluster = FakeCluster::start();
    runtime().block_on(async {
        let (client, _dir) = client(&cluster).await;
        let version = client.apiserver_version().await.unwrap();
        assert_eq!(
            (version.major.as_str(), version.minor.as_str()),
            ("1", "37")
        );
        let discovery = Discovery::new(client).run().await.unwrap();
        let mut kinds = Vec::new();
        for group in discovery.groups() {
            for (ar, _caps) in group.recommended_resources() {
                kinds.push(format!("{}/{}", ar.api_version, ar.kind));
            }
        }
        for want in [
            "v1/Namespace",
            "v1/Pod",
            "v1/Service",
            "v1/ConfigMap",
            "v1/Secret",
            "v1/Node",
            "apps/v1/Deployment",
            "apps/v1/StatefulSet",
            "batch/v1/CronJob",
            "networking.k8s.io/v1/Ingress",
            "autoscaling/v2/HorizontalPodAutoscaler",
            "policy/v1/PodDisruptionBudget",
            "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
            "apiextensions.k8s.io/v1/CustomResourceDefinition",
        ] {
            assert!(
                kinds.iter().any(|k| k == want),
                "{want} missing from {kinds:?}"
            );
        }
    });
}

#[test]
fn apply_creates_updates_conflicts_and_force_wins() {
    let cluster = FakeCluster::start();
    runtime().block_on(async {
        let (client, _dir) = client(&cluster).await;
        let api: Api<Deployment> = Api::namespaced(client, "default");
        let pp = PatchParams::apply("shipmate");

        let created = api
            .patch(
                "web",
                &pp,
                &Patch::Apply(deployment("web", 2, "nginx:1.27")),
            )
            .await
            .unwrap();
        let uid = created.metadata.uid.clone().unwrap();
        assert_eq!(created.metadata.generation, Some(1));
        let fetched = api.get("web").await.unwrap();
        assert_eq!(fetched.spec.replicas, Some(2));
        let managers: Vec<_> = fetched
            .metadata
            .managed_fields
            .unwrap()
            .into_iter()
            .map(|m| (m.manager, m.operation))
            .collect();
        assert_eq!(managers, [(Some("shipmate".into()), Some("Apply".into()))]);

        // Same manager, new values: an update (uid kept, generation bumped).
        let updated = api
            .patch(
                "web",
                &pp,
                &Patch::Apply(deployment("web", 3, "nginx:1.28")),
            )
            .await
            .unwrap();
        assert_eq!(updated.metadata.uid.as_deref(), Some(uid.as_str()));
        assert_eq!(updated.metadata.generation, Some(2));
        assert_ne!(
            updated.metadata.resource_version,
            created.metadata.resource_version
        );
        assert_eq!(updated.spec.replicas, Some(3));

        // Another manager changing an owned field: 409 Conflict naming the field and owner.
        let other = PatchParams::apply("someone-else");
        let err = api
            .patch(
                "web",
                &other,
                &Patch::Apply(deployment("web", 5, "nginx:1.28")),
            )
            .await
            .unwrap_err();
        let kube::Error::Api(status) = err else {
            panic!("expected an API error, got {err:?}")
        };
        assert_eq!((status.code, status.reason.as_str()), (409, "Conflict"));
        assert!(
            status.message.contains("shipmate") && status.message.contains(".spec.replicas"),
            "{}",
            status.message
        );
        assert_eq!(api.get("web").await.unwrap().spec.replicas, Some(3));

        // force takes the field over.
        let forced = api
            .patch(
                "web",
                &other.clone().force(),
                &Patch::Apply(deployment("web", 5, "nginx:1.28")),
            )
            .await
            .unwrap();
        assert_eq!(forced.spec.replicas, Some(5));
        let owners = forced.metadata.managed_fields.unwrap();
        assert_eq!(owners.len(), 2, "{owners:?}");
    });
}

#[test]
fn dry_run_does_not_store_and_delete_then_404() {
    let cluster = FakeCluster::start();
    runtime().block_on(async {
        let (client, _dir) = client(&cluster).await;
        let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"a": "1"}});

        let dry = api
            .patch("settings", &PatchParams::apply("shipmate").dry_run(), &Patch::Apply(&cm))
            .await
            .unwrap();
        assert_eq!(dry.data.unwrap()["a"], "1");
        assert!(cluster.get("cm/default/settings").is_none(), "dry run stored the object");
        assert!(cluster.requests().iter().any(|r| r.method == "PATCH" && r.param("dryRun") == Some("All")));

        let post_dry = api
            .create(&PostParams { dry_run: true, ..PostParams::default() }, &serde_json::from_value(cm.clone()).unwrap())
            .await
            .unwrap();
        assert_eq!(post_dry.metadata.name.as_deref(), Some("settings"));
        assert!(cluster.get("cm/default/settings").is_none());

        api.create(&PostParams::default(), &serde_json::from_value(cm.clone()).unwrap()).await.unwrap();
        let again = api.create(&PostParams::default(), &serde_json::from_value(cm).unwrap()).await.unwrap_err();
        assert!(matches!(&again, kube::Error::Api(s) if s.code == 409 && s.reason == "AlreadyExists"), "{again:?}");
        assert_eq!(api.list(&ListParams::default()).await.unwrap().items.len(), 1);

        api.delete("settings", &DeleteParams::default()).await.unwrap();
        let gone = api.get("settings").await.unwrap_err();
        assert!(matches!(&gone, kube::Error::Api(s) if s.code == 404 && s.reason == "NotFound"), "{gone:?}");

        // Deleting a namespace removes what it contains.
        let nss: Api<Namespace> = Api::all(client.clone());
        nss.create(&PostParams::default(), &serde_json::from_value(json!({"metadata": {"name": "team"}})).unwrap()).await.unwrap();
        let team: Api<ConfigMap> = Api::namespaced(client, "team");
        team.patch("c", &PatchParams::apply("shipmate"), &Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}))).await.unwrap();
        nss.delete("team", &DeleteParams::default()).await.unwrap();
        assert!(cluster.get("configmap/team/c").is_none());
        let err = team.patch("c", &PatchParams::apply("shipmate"), &Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}))).await.unwrap_err();
        assert!(matches!(&err, kube::Error::Api(s) if s.code == 404), "{err:?}");
    });
}

#[test]
fn label_selector_and_stale_resource_version() {
    let cluster = FakeCluster::start();
    cluster.seed(json!([
        deployment("web", 1, "nginx:1.27"),
        deployment("api", 1, "api:1")
    ]));
    runtime().block_on(async {
        let (client, _dir) = client(&cluster).await;
        let api: Api<Deployment> = Api::namespaced(client, "default");
        let web = api
            .list(&ListParams::default().labels("app=web"))
            .await
            .unwrap();
        assert_eq!(web.items.len(), 1);
        let mut stale = web.items[0].clone();
        api.patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 4}})),
        )
        .await
        .unwrap();
        stale.spec.replicas = Some(9);
        let err = api
            .replace("web", &PostParams::default(), &stale)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, kube::Error::Api(s) if s.code == 409 && s.reason == "Conflict"),
            "{err:?}"
        );
        assert_eq!(
            api.get_scale("web").await.unwrap().spec.unwrap().replicas,
            Some(4)
        );
    });
}

#[test]
fn injected_faults_surface_as_errors() {
    let cluster = FakeCluster::start();
    runtime().block_on(async {
        let (client, _dir) = client(&cluster).await;
        let api: Api<ConfigMap> = Api::namespaced(client, "default");
        let pp = PatchParams::apply("shipmate");
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});

        cluster.inject(Fault::status(403).method("PATCH"));
        let err = api.patch("c", &pp, &Patch::Apply(&cm)).await.unwrap_err();
        assert!(
            matches!(&err, kube::Error::Api(s) if s.code == 403 && s.reason == "Forbidden"),
            "{err:?}"
        );

        cluster.inject(Fault::status(500).path_contains("/configmaps/c"));
        let err = api.patch("c", &pp, &Patch::Apply(&cm)).await.unwrap_err();
        assert!(
            matches!(&err, kube::Error::Api(s) if s.code == 500 && s.reason == "InternalError"),
            "{err:?}"
        );
        assert!(cluster.get("cm/default/c").is_none());

        cluster.inject(Fault::status(409).method("PATCH"));
        let err = api.patch("c", &pp, &Patch::Apply(&cm)).await.unwrap_err();
        assert!(
            matches!(&err, kube::Error::Api(s) if s.code == 409 && s.reason == "Conflict"),
            "{err:?}"
        );

        // Faults are used up: the next request goes through.
        api.patch("c", &pp, &Patch::Apply(&cm)).await.unwrap();

        cluster.inject(Fault::drop_connection());
        let err = api.get("c").await.unwrap_err();
        assert!(
            !matches!(err, kube::Error::Api(_)),
            "a dropped connection is not an API status: {err:?}"
        );

        // A server that goes away: one more request, then nothing.
        let served = cluster.requests().len();
        cluster.inject(Fault::go_away_after(1));
        api.get("c").await.unwrap();
        assert!(api.get("c").await.is_err());
        assert!(api.get("c").await.is_err());
        assert_eq!(
            cluster.requests().len(),
            served + 2,
            "requests after going away must not be served"
        );
    });
}

#[test]
fn wrong_token_is_401() {
    let cluster = FakeCluster::start_with_token("right");
    let dir = tempfile::tempdir().unwrap();
    let path = cluster.kubeconfig(dir.path());
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("token: right", "token: wrong");
    std::fs::write(&path, text).unwrap();
    runtime().block_on(async {
        let kubeconfig = Kubeconfig::read_from(&path).unwrap();
        let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
            .await
            .unwrap();
        let api: Api<ConfigMap> = Api::namespaced(Client::try_from(config).unwrap(), "default");
        let err = api.get("x").await.unwrap_err();
        assert!(
            matches!(&err, kube::Error::Api(s) if s.code == 401 && s.reason == "Unauthorized"),
            "{err:?}"
        );
    });
}

#[test]
fn malformed_requests_get_400_not_a_crash() {
    use std::io::{Read, Write};
    let cluster = FakeCluster::start();
    let addr = cluster.url().trim_start_matches("http://").to_string();
    for raw in [
        "NONSENSE\r\n\r\n".to_string(),
        "GET /api HTTP/1.1\r\nContent-Length: -1\r\n\r\n".to_string(),
        format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20_000)),
        format!(
            "PATCH /api/v1/namespaces/default/configmaps/c?fieldManager=x HTTP/1.1\r\nAuthorization: Bearer {}\r\nContent-Type: application/apply-patch+yaml\r\nConnection: close\r\nContent-Length: 7\r\n\r\n: [ {{ x",
            cluster.token()
        ),
    ] {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut resp = String::new();
        let _ = s.read_to_string(&mut resp);
        let code: u16 = resp
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        assert!((400..500).contains(&code), "{raw:.60} -> {resp:.200}");
    }
    // Still serving.
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /version HTTP/1.1\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        cluster.token()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
}

#[test]
fn watch_streams_existing_then_changes() {
    use futures::{StreamExt, TryStreamExt};
    use kube::api::{WatchEvent, WatchParams};
    let cluster = FakeCluster::start();
    cluster.seed(deployment("web", 1, "nginx:1.27"));
    runtime().block_on(async {
        let (client, _dir) = client(&cluster).await;
        let api: Api<Deployment> = Api::namespaced(client, "default");
        let web = api.get("web").await.unwrap();
        let status = web.status.expect("rollouts complete by default");
        assert_eq!(
            (status.observed_generation, status.available_replicas),
            (Some(1), Some(1))
        );

        let mut events = api
            .watch(&WatchParams::default().timeout(10), "0")
            .await
            .unwrap()
            .boxed();
        let first = events.try_next().await.unwrap().unwrap();
        assert!(
            matches!(&first, WatchEvent::Added(d) if d.metadata.name.as_deref() == Some("web")),
            "{first:?}"
        );
        api.patch(
            "api",
            &PatchParams::apply("shipmate"),
            &Patch::Apply(deployment("api", 1, "api:1")),
        )
        .await
        .unwrap();
        let second = events.try_next().await.unwrap().unwrap();
        assert!(
            matches!(&second, WatchEvent::Added(d) if d.metadata.name.as_deref() == Some("api")),
            "{second:?}"
        );
        api.delete("web", &DeleteParams::default()).await.unwrap();
        let third = events.try_next().await.unwrap().unwrap();
        assert!(
            matches!(&third, WatchEvent::Deleted(d) if d.metadata.name.as_deref() == Some("web")),
            "{third:?}"
        );

        // Resuming after a resourceVersion replays only later changes.
        let rv = match &second {
            WatchEvent::Added(d) => d.metadata.resource_version.clone().unwrap(),
            _ => unreachable!(),
        };
        let replay: Vec<_> = api
            .watch(&WatchParams::default().timeout(1), &rv)
            .await
            .unwrap()
            .take(1)
            .collect()
            .await;
        assert!(
            matches!(&replay[0], Ok(WatchEvent::Deleted(_))),
            "{replay:?}"
        );
    });
}
