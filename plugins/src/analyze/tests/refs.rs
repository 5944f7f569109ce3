use serde_json::json;

use crate::analyze::fixtures::*;
use crate::analyze::snapshot::Kind;

fn reads_db_host(objects: &mut [serde_json::Value]) {
    objects[0] = template_container(
        objects[0].clone(),
        json!({"env": [{"name": "DB_HOST", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "DB_HOST"}}}]}),
    );
}

#[test]
fn a_missing_configmap_key_is_one_finding_with_a_fix() {
    let mut objects = healthy_app("shop", "web", 2);
    reads_db_host(&mut objects);
    objects[0] = with(
        objects[0].clone(),
        json!({"status": {"availableReplicas": 0, "readyReplicas": 0}}),
    );
    for p in objects.iter_mut().skip(2) {
        *p = container_status(
            p.clone(),
            json!({"ready": false, "state": {"waiting": {"reason": "CreateContainerConfigError",
                   "message": "couldn't find key DB_HOST in ConfigMap shop/app-config"}}}),
        );
    }
    objects.push(config_map("shop", "app-config", &["DB_PORT"]));
    let f = run(objects);
    assert_eq!(ids(&f), ["ref.missing-configmap-key"], "{f:#?}");
    let hit = &f[0];
    assert_eq!(hit.object.kind, "Deployment");
    let t = text(hit);
    assert!(t.contains("container app env DB_HOST"), "{t}");
    assert!(
        t.contains("couldn't find key DB_HOST"),
        "the pods' status is folded in: {t}"
    );
    assert!(t.contains("0 of 2 replicas available"), "{t}");
    let fix = hit.fix.as_ref().unwrap();
    assert_eq!(
        fix.manifests[0],
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "app-config", "namespace": "shop"},
               "data": {"DB_HOST": "TODO: set this value"}})
    );
}

#[test]
fn present_keys_and_optional_references_are_fine() {
    let mut objects = healthy_app("shop", "web", 1);
    reads_db_host(&mut objects);
    objects.push(config_map("shop", "app-config", &["DB_HOST"]));
    assert!(run(objects).is_empty());
    let mut objects = healthy_app("shop", "web", 1);
    objects[0] = template_container(
        objects[0].clone(),
        json!({"envFrom": [{"secretRef": {"name": "extra", "optional": true}}]}),
    );
    assert!(run(objects).is_empty());
}

#[test]
fn missing_secrets_service_accounts_and_pull_secrets_are_named() {
    let mut objects = healthy_app("shop", "web", 1);
    objects[0] = with(
        template_container(
            objects[0].clone(),
            json!({"envFrom": [{"secretRef": {"name": "db-creds"}}]}),
        ),
        json!({"spec": {"template": {"spec": {"serviceAccountName": "web-sa",
               "imagePullSecrets": [{"name": "regcred"}]}}}}),
    );
    let f = run(objects.clone());
    assert_eq!(
        ids(&f),
        [
            "ref.missing-secret",
            "ref.missing-service-account",
            "ref.missing-pull-secret"
        ]
    );
    assert!(f[0].title.contains("Secret db-creds"));
    assert!(f[0].fix.is_none(), "secrets are never guessed");
    // Kinds that were not listed (no permission) never yield "missing" findings.
    let mut s = snap(objects);
    s.listed.remove(&Kind::Secret);
    s.listed.remove(&Kind::ServiceAccount);
    assert!(crate::analyze::analyze(&s).is_empty());
}

#[test]
fn a_missing_configmap_volume_with_items_gets_a_create_fix() {
    let p = with(
        pod("shop", "solo", &[]),
        json!({"spec": {"volumes": [{"name": "cfg", "configMap": {"name": "nginx-conf",
               "items": [{"key": "nginx.conf", "path": "nginx.conf"}]}}]}}),
    );
    let f = run(vec![p]);
    let hit = one(&f, "ref.missing-configmap");
    assert_eq!(hit.object.kind, "Pod");
    let fix = hit.fix.as_ref().unwrap();
    assert_eq!(
        fix.manifests[0]["data"]["nginx.conf"],
        "TODO: set this value"
    );
}
