//! `get`, `describe`, Secrets, and `schema_lookup`.

use serde_json::json;
use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_manifests::SchemaSet;

use super::*;
use crate::tools::schema_lookup;

/// The secret value, in plain text and as the API serves it (base64).
const SECRET: &str = "hunter2-correct-horse";
const SECRET_B64: &str = "aHVudGVyMi1jb3JyZWN0LWhvcnNl";

#[test]
fn get_is_yaml_without_managed_fields_or_last_applied() {
    let fake = FakeCluster::start();
    let mut web = shipmate_e2e::deployment("web", 2, "nginx:1.27");
    web["metadata"]["annotations"] = json!({
        "kubectl.kubernetes.io/last-applied-configuration": "{\"big\": true}",
        "team": "shop",
    });
    fake.seed(web);
    with_reader(&fake, ToolLimits::new(), async |r| {
        let yaml = r.get("deploy", "web", None).await.unwrap();
        assert!(fake.get("deployment/web").unwrap()["metadata"]["managedFields"].is_array());
        assert!(
            !yaml.contains("managedFields") && !yaml.contains("last-applied"),
            "{yaml}"
        );
        let back: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
        assert_eq!(back["spec"]["replicas"], 2);
        assert_eq!(back["metadata"]["annotations"], json!({"team": "shop"}));
        assert_eq!(back["status"]["readyReplicas"], 2);
    });
}

#[test]
fn secret_values_never_appear_in_any_answer() {
    let fake = FakeCluster::start();
    fake.seed(vec![
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
               "metadata": {"name": "db", "namespace": "shop", "annotations": {
                   "kubectl.kubernetes.io/last-applied-configuration":
                       format!("{{\"stringData\":{{\"password\":\"{SECRET}\"}}}}")}},
               "data": {"password": SECRET_B64, "empty": ""}}),
        event("shop", ("Secret", "db"), "Updated", 1, 10),
    ]);
    with_reader(&fake, ToolLimits::new(), async |r| {
        let answers = [
            r.get("secret", "db", Some("shop")).await.unwrap(),
            r.get("secrets", "db", Some("shop")).await.unwrap(),
            r.describe("Secret", "db", Some("shop")).await.unwrap(),
            r.list("secrets", Some("shop"), None).await.unwrap(),
            r.list("secrets", None, None).await.unwrap(),
            r.events(Some("shop"), Some(("secret", "db")))
                .await
                .unwrap(),
        ];
        for answer in &answers {
            assert!(
                !answer.contains(SECRET) && !answer.contains(SECRET_B64),
                "{answer}"
            );
            assert!(!answer.contains("aHVudGVy"), "{answer}");
        }
        assert!(
            answers[0].contains("  password: \"<withheld: 21 bytes>\"\n"),
            "{}",
            answers[0]
        );
        assert!(
            answers[2].contains("  password: <withheld: 21 bytes>\n")
                && answers[2].contains("  empty: <withheld: 0 bytes>\n"),
            "{}",
            answers[2]
        );
        assert!(answers[2].contains("Type:       Opaque"), "{}", answers[2]);
        assert!(
            answers[3].starts_with("NAME  TYPE    DATA  AGE\ndb    Opaque  2 "),
            "{}",
            answers[3]
        );
    });
}

#[test]
fn describe_a_crashing_pod_shows_states_restarts_and_events() {
    let fake = FakeCluster::start();
    fake.seed(vec![
        crashing_pod("api-0", "shop"),
        event("shop", ("Pod", "api-0"), "BackOff", 4, 10),
        event("shop", ("Pod", "api-1"), "BackOff", 1, 10),
    ]);
    with_reader(&fake, ToolLimits::new(), async |r| {
        let d = r.describe("pod", "api-0", Some("shop")).await.unwrap();
        for want in [
            "Name:       api-0\n",
            "Namespace:  shop\n",
            "Kind:       Pod (v1)\n",
            "Status:     CrashLoopBackOff (phase Running)\n",
            "Node:       node-1\n",
            "  Ready=False (ContainersNotReady: containers with unready status: [app])\n",
            "  app (shop/api:1.4.2):\n",
            "    State:      Waiting: CrashLoopBackOff (back-off 5m0s restarting failed container=app)\n",
            "    Last State: Terminated: OOMKilled, exit code 137, ",
            "    Ready:      false  Restarts: 7\n",
            "    Limits      memory=64Mi\n",
            "Events:\n  LAST SEEN  TYPE     REASON   OBJECT     COUNT  MESSAGE\n",
            "Warning  BackOff  pod/api-0  4      BackOff on api-0\n",
        ] {
            assert!(d.contains(want), "missing {want:?} in\n{d}");
        }
        assert!(!d.contains("api-1"), "{d}");
    });
}

#[test]
fn describe_a_deployment_shows_replicas_images_and_conditions() {
    let fake = FakeCluster::start();
    fake.seed(shipmate_e2e::deployment("web", 2, "nginx:1.27"));
    with_reader(&fake, ToolLimits::new(), async |r| {
        let d = r.describe("deployment", "web", None).await.unwrap();
        assert!(
            d.contains("Replicas:   2 desired, 2 updated, 2 ready, 2 available, 0 unavailable\n"),
            "{d}"
        );
        assert!(d.contains("Images:     web=nginx:1.27\n"), "{d}");
        assert!(d.contains("  Available=True (MinimumReplicasAvailable: Deployment has minimum availability.)\n"), "{d}");
        assert!(
            d.ends_with("Events:\n  no events about Deployment/web in namespace default\n"),
            "{d}"
        );
    });
}

#[test]
fn schema_lookup_of_a_nested_path_and_an_unknown_field() {
    let schemas = SchemaSet::bundled();
    let out = schema_lookup(
        &schemas,
        "deploy",
        "spec.template.spec.containers.resources",
    )
    .unwrap();
    assert_eq!(
        out,
        "Deployment.spec.template.spec.containers.resources (apps/v1): ResourceRequirements\nFIELDS:\n  claims    []ResourceClaim\n  limits    map[string]Quantity\n  requests  map[string]Quantity\n"
    );
    let top = schema_lookup(&schemas, "Pod", "").unwrap();
    assert!(
        top.starts_with("Pod (v1): Pod\nFIELDS:\n") && top.contains("  spec        PodSpec\n"),
        "{top}"
    );
    let err = schema_lookup(
        &schemas,
        "Deployment",
        "spec.template.spec.containers.resource",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "Deployment has no field `spec.template.spec.containers.resource` (did you mean `resources`?); fields of spec.template.spec.containers: args, command, env, envFrom, image, imagePullPolicy, lifecycle, livenessProbe, name, ports, readinessProbe, resizePolicy, resources, restartPolicy, restartPolicyRules, securityContext, startupProbe, stdin, stdinOnce, terminationMessagePath, terminationMessagePolicy, tty, volumeDevices, volumeMounts, workingDir"
    );
    let err = schema_lookup(&schemas, "Gadget", "spec")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("unknown resource type \"Gadget\""), "{err}");
    let err = schema_lookup(&schemas, "example.com/v1/Widget", "spec")
        .unwrap_err()
        .to_string();
    assert_eq!(err, "no schema is known for example.com/v1 Widget");
}
