//! The in-cluster chart `helm/shipmate`, rendered by a real `helm` (skipped, saying so, when
//! there is none; `.ci/run` installs it): it lints clean, passes shipmate's own constitution
//! with its defaults and with every option on, reads no Secrets, and applies only where told.

use std::path::PathBuf;

use serde_json::Value;
use shipmate_e2e::Sandbox;
use shipmate_e2e::charts::{self, documents, kinds, output_text, validate_rendered};

fn chart() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../helm/shipmate")
        .display()
        .to_string()
}

/// `helm template shipmate helm/shipmate EXTRA…`: the objects, after asserting it rendered.
fn render(bin: &std::path::Path, sandbox: &Sandbox, extra: &[&str]) -> (String, Vec<Value>) {
    let chart = chart();
    let mut args = vec![
        "template",
        "shipmate",
        chart.as_str(),
        "--namespace",
        "shipmate",
    ];
    args.extend(extra);
    let out = charts::helm(bin, &sandbox.work(), &args);
    assert!(out.status.success(), "helm {args:?}: {}", output_text(&out));
    let rendered = String::from_utf8(out.stdout).unwrap();
    let objects = documents(&rendered);
    (rendered, objects)
}

fn one<'a>(objects: &'a [Value], kind: &str) -> &'a Value {
    let mut found = objects.iter().filter(|o| o["kind"] == kind);
    let first = found.next().unwrap_or_else(|| panic!("no {kind}"));
    assert!(found.next().is_none(), "more than one {kind}");
    first
}

/// Every (apiGroup, resource, verb) a Role or ClusterRole grants.
fn grants(role: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for rule in role["rules"].as_array().unwrap() {
        for group in rule["apiGroups"].as_array().unwrap() {
            for resource in rule["resources"].as_array().unwrap() {
                for verb in rule["verbs"].as_array().unwrap() {
                    out.push((
                        group.as_str().unwrap().to_owned(),
                        resource.as_str().unwrap().to_owned(),
                        verb.as_str().unwrap().to_owned(),
                    ));
                }
            }
        }
    }
    out
}

fn assert_no_secrets_no_wildcards(role: &Value) {
    for (group, resource, verb) in grants(role) {
        assert!(
            !resource.starts_with("secrets") && resource != "*" && verb != "*" && group != "*",
            "{} grants {verb} on {group}/{resource}",
            role["metadata"]["name"]
        );
    }
}

fn args(container: &Value) -> Vec<&str> {
    container["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect()
}

fn assert_hardened(pod: &Value) {
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true, "{pod:#}");
    assert_eq!(
        pod["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    for c in pod["containers"].as_array().unwrap() {
        let sc = &c["securityContext"];
        assert_eq!(sc["readOnlyRootFilesystem"], true, "{c:#}");
        assert_eq!(sc["allowPrivilegeEscalation"], false, "{c:#}");
        assert_eq!(
            sc["capabilities"]["drop"],
            serde_json::json!(["ALL"]),
            "{c:#}"
        );
        assert!(c["resources"]["limits"]["memory"].is_string(), "{c:#}");
    }
}

#[test]
fn the_chart_lints_clean_and_its_defaults_are_read_only_and_pass_the_constitution() {
    let Some(bin) = shipmate_e2e::helm() else {
        return;
    };
    let sandbox = Sandbox::new();
    let out = charts::helm(&bin, &sandbox.work(), &["lint", "--strict", &chart()]);
    assert!(out.status.success(), "{}", output_text(&out));

    let (rendered, objects) = render(&bin, &sandbox, &[]);
    assert_eq!(
        kinds(&objects),
        [
            "ClusterRole",
            "ClusterRoleBinding",
            "Deployment",
            "NetworkPolicy",
            "Secret",
            "Service",
            "ServiceAccount"
        ]
    );
    let report = validate_rendered(&rendered);
    assert_eq!(report["summary"]["warnings"], 0, "{report:#}");

    assert_no_secrets_no_wildcards(one(&objects, "ClusterRole"));
    let verbs: Vec<String> = grants(one(&objects, "ClusterRole"))
        .into_iter()
        .map(|(_, _, v)| v)
        .collect();
    assert!(
        verbs
            .iter()
            .all(|v| ["get", "list", "watch"].contains(&v.as_str())),
        "{verbs:?}"
    );

    let binding = one(&objects, "ClusterRoleBinding");
    assert_eq!(
        binding["subjects"][0]["name"],
        one(&objects, "ServiceAccount")["metadata"]["name"]
    );
    assert_eq!(binding["subjects"][0]["namespace"], "shipmate");

    let deployment = one(&objects, "Deployment");
    let pod = &deployment["spec"]["template"]["spec"];
    assert_hardened(pod);
    let mcp = &pod["containers"][0];
    assert_eq!(
        args(mcp),
        [
            "mcp",
            "--http",
            "0.0.0.0:8765",
            "--token-env",
            "SHIPMATE_MCP_TOKEN"
        ]
    );
    let token = &mcp["env"][0];
    assert_eq!(token["name"], "SHIPMATE_MCP_TOKEN");
    assert_eq!(
        token["valueFrom"]["secretKeyRef"]["name"],
        one(&objects, "Secret")["metadata"]["name"]
    );
    assert_eq!(mcp["readinessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(mcp["livenessProbe"]["httpGet"]["path"], "/healthz");
    let policy = one(&objects, "NetworkPolicy");
    assert_eq!(policy["spec"]["ingress"][0]["ports"][0]["port"], 8765);
    assert_eq!(
        policy["spec"]["policyTypes"],
        serde_json::json!(["Ingress", "Egress"])
    );
}

#[test]
fn apply_mode_is_namespaced_and_the_diagnosis_runs_on_a_schedule() {
    let Some(bin) = shipmate_e2e::helm() else {
        return;
    };
    let sandbox = Sandbox::new();
    let (rendered, objects) = render(
        &bin,
        &sandbox,
        &[
            "--set",
            "apply.enabled=true",
            "--set",
            "apply.namespaces={apps,web}",
            "--set",
            "diagnose.enabled=true",
            "--set",
            "auth.existingSecret=my-token",
        ],
    );
    validate_rendered(&rendered);
    assert!(
        !kinds(&objects).contains(&"Secret".to_owned()),
        "existingSecret: no Secret made"
    );

    let roles: Vec<&Value> = objects.iter().filter(|o| o["kind"] == "Role").collect();
    let mut namespaces: Vec<&str> = roles
        .iter()
        .map(|r| r["metadata"]["namespace"].as_str().unwrap())
        .collect();
    namespaces.sort_unstable();
    assert_eq!(namespaces, ["apps", "web"]);
    for role in &roles {
        assert_no_secrets_no_wildcards(role);
        assert!(
            grants(role)
                .iter()
                .all(|(g, _, _)| g != "rbac.authorization.k8s.io")
        );
    }
    let bindings: Vec<&Value> = objects
        .iter()
        .filter(|o| o["kind"] == "RoleBinding")
        .collect();
    assert_eq!(bindings.len(), 2);
    assert_eq!(
        objects
            .iter()
            .filter(|o| o["kind"] == "ClusterRoleBinding")
            .count(),
        1,
        "apply adds no cluster-wide grant"
    );

    let deployment = one(&objects, "Deployment");
    let mcp = &deployment["spec"]["template"]["spec"]["containers"][0];
    assert!(args(mcp).contains(&"--allow-apply"), "{mcp:#}");
    assert_eq!(
        mcp["env"][0]["valueFrom"]["secretKeyRef"]["name"],
        "my-token"
    );

    let cron = one(&objects, "CronJob");
    let pod = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    assert_hardened(pod);
    assert_eq!(
        args(&pod["containers"][0]),
        ["diagnose", "-A", "--output", "json"]
    );
    // Its own NetworkPolicy: no ingress, egress to DNS and the API server only.
    let labels = &cron["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"];
    let policy = objects
        .iter()
        .find(|o| {
            o["kind"] == "NetworkPolicy" && o["spec"]["podSelector"]["matchLabels"] == *labels
        })
        .expect("a NetworkPolicy for the diagnosis pods");
    assert_eq!(policy["spec"]["ingress"], serde_json::json!([]));
    assert_eq!(
        policy["spec"]["policyTypes"],
        serde_json::json!(["Ingress", "Egress"])
    );
    assert_ne!(
        labels, &deployment["spec"]["selector"]["matchLabels"],
        "the MCP Service and policy never select the job's pods"
    );
    assert_eq!(
        pod["serviceAccountName"],
        deployment["spec"]["template"]["spec"]["serviceAccountName"]
    );
}

#[test]
fn the_schema_refuses_unsafe_or_incomplete_values() {
    let Some(bin) = shipmate_e2e::helm() else {
        return;
    };
    let sandbox = Sandbox::new();
    let chart = chart();
    for (set, says) in [
        (vec!["apply.enabled=true"], "/apply/namespaces"),
        (
            vec!["apply.enabled=true", "apply.namespaces={kube-system}"],
            "/apply/namespaces/0",
        ),
        (vec!["image.tag=latest"], "/image/tag"),
        (vec!["auth.token=short"], "/auth/token"),
        (vec!["replicas=3"], "additional properties 'replicas'"),
    ] {
        let mut args = vec!["template", "shipmate", chart.as_str()];
        for s in &set {
            args.extend(["--set", s]);
        }
        let out = charts::helm(&bin, &sandbox.work(), &args);
        assert!(!out.status.success(), "{set:?} must be refused");
        assert!(
            output_text(&out).contains(says),
            "{set:?}: {}",
            output_text(&out)
        );
    }
}
