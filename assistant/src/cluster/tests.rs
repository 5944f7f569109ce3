//! Kubeconfig discovery and connecting to the fake API server.

use std::path::PathBuf;

use shipmate_e2e::fake_kube::FakeCluster;

use super::kubeconfig::Env;
use super::*;

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A cluster handle for `fake` through a kubeconfig file, as a user would connect.
pub(crate) async fn connect(fake: &FakeCluster, dir: &std::path::Path) -> Cluster {
    let path = fake.kubeconfig(dir);
    Cluster::connect(&ConnectOptions {
        kubeconfig: Some(path),
        context: None,
    })
    .await
    .unwrap()
}

#[test]
fn explicit_path_wins_and_a_missing_one_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cfg");
    std::fs::write(&file, "apiVersion: v1\nkind: Config\n").unwrap();
    let env = Env {
        kubeconfig: Some(file.clone().into_os_string()),
        home: Some(dir.path().into()),
        in_cluster: true,
    };
    assert_eq!(
        locate(Some(&file), &env).unwrap(),
        KubeconfigSource::Files(vec![file.clone()])
    );
    let missing = dir.path().join("nope");
    let err = locate(Some(&missing), &env).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "no kubeconfig found at {}: set KUBECONFIG or pass --kubeconfig",
            missing.display()
        )
    );
}

#[test]
fn kubeconfig_env_keeps_existing_paths_in_order_then_home_then_in_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, gone) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("gone"),
    );
    std::fs::write(&a, "").unwrap();
    std::fs::write(&b, "").unwrap();
    let list = std::env::join_paths([&gone, &b, &a]).unwrap();
    let env = Env {
        kubeconfig: Some(list),
        home: None,
        in_cluster: false,
    };
    assert_eq!(
        locate(None, &env).unwrap(),
        KubeconfigSource::Files(vec![b.clone(), a.clone()])
    );

    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".kube")).unwrap();
    let default = home.path().join(".kube/config");
    let env = Env {
        kubeconfig: Some(gone.clone().into_os_string()),
        home: Some(home.path().into()),
        in_cluster: true,
    };
    assert_eq!(locate(None, &env).unwrap(), KubeconfigSource::InCluster);
    std::fs::write(&default, "").unwrap();
    assert_eq!(
        locate(None, &env).unwrap(),
        KubeconfigSource::Files(vec![default.clone()])
    );

    let env = Env {
        kubeconfig: Some(gone.clone().into_os_string()),
        home: Some(PathBuf::from("/nonexistent-home")),
        in_cluster: false,
    };
    let msg = locate(None, &env).unwrap_err().to_string();
    assert!(
        msg.contains(&gone.display().to_string())
            && msg.contains("/nonexistent-home/.kube/config")
            && msg.ends_with("set KUBECONFIG or pass --kubeconfig"),
        "{msg}"
    );
}

#[test]
fn merged_kubeconfigs_first_file_wins() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    let real = fake.kubeconfig_with_namespace(dir.path(), "shop");
    let other = dir.path().join("other");
    std::fs::write(
        &other,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: far\n  cluster:\n    server: http://127.0.0.1:9\ncontexts:\n- name: far\n  context:\n    cluster: far\n    user: fake-user\ncurrent-context: far\n",
    )
    .unwrap();
    let merged = kubeconfig::read_merged(&[real.clone(), other.clone()]).unwrap();
    assert_eq!(merged.current_context.as_deref(), Some("fake"));
    assert_eq!(merged.contexts.len(), 2);
    let err = kubeconfig::read_merged(&[dir.path().join("missing")]).unwrap_err();
    assert!(matches!(err, ClusterError::BadKubeconfig { .. }), "{err}");
}

#[test]
fn connects_with_the_contexts_namespace_and_caches_discovery() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    let path = fake.kubeconfig_with_namespace(dir.path(), "shop");
    runtime().block_on(async {
        let cluster = Cluster::connect(&ConnectOptions {
            kubeconfig: Some(path.clone()),
            context: None,
        })
        .await
        .unwrap();
        assert_eq!(cluster.namespace(), "shop");
        assert_eq!(cluster.context(), Some("fake"));
        assert_eq!(cluster.url(), fake.url());

        let deploy = cluster.resource("apps/v1", "Deployment").await.unwrap();
        assert_eq!(deploy.api_resource.plural, "deployments");
        assert!(deploy.namespaced);
        let ns = cluster.resource("v1", "Namespace").await.unwrap();
        assert!(!ns.namespaced);
        let discovery_calls = fake.requests().len();
        cluster.resource("apps/v1", "Deployment").await.unwrap();
        assert_eq!(fake.requests().len(), discovery_calls, "lookup not cached");

        let err = cluster.resource("example.com/v1", "Widget").await.unwrap_err();
        assert!(matches!(err, ClusterError::UnknownKind { .. }), "{err}");

        let err = Cluster::connect(&ConnectOptions {
            kubeconfig: Some(path),
            context: Some("prod".into()),
        })
        .await
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "context \"prod\" is not in the kubeconfig (contexts: fake); pick one of those with --context"
        );
    });
}

#[test]
fn unreachable_server_is_named_with_its_url() {
    let fake = FakeCluster::start();
    let dir = tempfile::tempdir().unwrap();
    let url = fake.url();
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        drop(fake);
        let err = cluster.resource("apps/v1", "Deployment").await.unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ClusterError::Unreachable { .. }), "{msg}");
        assert!(
            msg.starts_with(&format!("cluster unreachable at {url}: ")),
            "{msg}"
        );
        assert!(err.manual_reason().is_some());
    });
}

#[test]
fn https_clusters_get_a_rustls_client_and_tls_failures_are_unreachable() {
    // The fake speaks plain HTTP: a TLS handshake against it fails, which proves the client
    // was built with a working crypto provider (no panic) and maps to a clear error.
    let fake = FakeCluster::start();
    let url = fake.url().replace("http://", "https://");
    runtime().block_on(async {
        let config = kube::Config::new(url.parse().unwrap());
        let cluster = Cluster::from_config(config, None).unwrap();
        let err = cluster.resource("apps/v1", "Deployment").await.unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ClusterError::Unreachable { .. }), "{msg}");
        assert!(
            msg.starts_with(&format!("cluster unreachable at {url}")),
            "{msg}"
        );
    });
}
