//! `shipmate draft helm`: the issue's acceptance example (a Python API on 8000, a Node frontend
//! on 3000, a ConfigMap with the API URL, a Secret with database credentials) becomes a chart
//! that a real `helm` lints clean and renders back to the input objects, up to the chart's
//! standard labels; its local and production profiles render objects `shipmate validate`
//! passes. Tests that need `helm` skip (saying so) when there is none; `.ci/run` installs it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use shipmate_e2e::charts::{
    self, documents, kinds, output_text as text, validate_rendered as validate,
};
use shipmate_e2e::{Sandbox, fixture};

/// The fixture's Secret values, as the test supplies them at template time.
const USERNAME: &str = "shop-db-user";
const PASSWORD: &str = "fixture-not-a-real-secret";

/// Labels the drafted chart adds (its `_helpers.tpl`); stripped before comparing.
const CHART_LABELS: &[&str] = &[
    "helm.sh/chart",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/part-of",
];

/// `shipmate draft helm DIR --from FROM ARGS…` in the sandbox (no `--from` when FROM is `None`).
fn draft_helm(sandbox: &Sandbox, dir: &Path, from: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = sandbox.shipmate();
    cmd.args(["draft", "helm"]).arg(dir);
    if let Some(from) = from {
        cmd.arg("--from").arg(from);
    }
    cmd.args(args).output().unwrap()
}

/// Drafts the acceptance chart into the sandbox; returns its directory.
fn draft(sandbox: &Sandbox) -> PathBuf {
    let dir = sandbox.work().join("shop");
    let out = draft_helm(sandbox, &dir, Some(&fixture("two-service-app")), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    dir
}

/// `helm ARGS…` with its homes inside the sandbox.
fn helm(bin: &Path, sandbox: &Sandbox, args: &[&str]) -> Output {
    charts::helm(bin, &sandbox.work().join(".helm"), args)
}

/// `helm template` of the chart with the Secret values and `extra` arguments; the rendered YAML.
fn template(bin: &Path, sandbox: &Sandbox, dir: &Path, extra: &[&str]) -> String {
    let dir = dir.to_str().unwrap();
    let user = format!("secrets.dbCredentials.stringData.username={USERNAME}");
    let password = format!("secrets.dbCredentials.stringData.password={PASSWORD}");
    let mut args = vec!["template", "shop", dir, "--set-string", &user];
    args.extend(["--set-string", &password]);
    args.extend(extra);
    let out = helm(bin, sandbox, &args);
    assert!(out.status.success(), "helm {args:?}: {}", text(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// Objects by `Kind/name`, without the chart's labels and with the defaults the API server
/// would fill in for the fields the chart always sets.
fn comparable(objects: Vec<Value>) -> BTreeMap<String, Value> {
    objects
        .into_iter()
        .map(|mut o| {
            strip_chart_labels(&mut o);
            if o["kind"] == "Service" && o["spec"].get("type").is_none() {
                o["spec"]["type"] = "ClusterIP".into();
            }
            let key = format!(
                "{}/{}",
                o["kind"].as_str().unwrap(),
                o["metadata"]["name"].as_str().unwrap()
            );
            (key, o)
        })
        .collect()
}

fn strip_chart_labels(v: &mut Value) {
    match v {
        Value::Object(map) => {
            let kind_is_service = map.get("kind").and_then(Value::as_str) == Some("Service");
            for (key, child) in map.iter_mut() {
                let label_map = matches!(key.as_str(), "labels" | "matchLabels")
                    || (kind_is_service && key == "spec");
                if label_map {
                    let target = if key == "spec" {
                        child.get_mut("selector")
                    } else {
                        Some(&mut *child)
                    };
                    if let Some(Value::Object(labels)) = target {
                        labels.retain(|k, _| !CHART_LABELS.contains(&k.as_str()));
                    }
                }
                strip_chart_labels(child);
            }
            map.retain(|k, v| !(k == "labels" && v.as_object().is_some_and(|m| m.is_empty())));
        }
        Value::Array(items) => items.iter_mut().for_each(strip_chart_labels),
        _ => {}
    }
}

fn fixture_objects() -> Vec<Value> {
    let dir = fixture("two-service-app");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| documents(&std::fs::read_to_string(f).unwrap()))
        .collect()
}

#[test]
fn the_acceptance_chart_lints_clean_and_renders_back_to_its_input() {
    let Some(bin) = shipmate_e2e::helm() else {
        return;
    };
    let sandbox = Sandbox::new();
    let dir = draft(&sandbox);
    for profile in [
        None,
        Some("values-local.yaml"),
        Some("values-production.yaml"),
    ] {
        let mut args = vec![
            "lint".to_owned(),
            "--strict".into(),
            dir.display().to_string(),
        ];
        if let Some(p) = profile {
            args.extend(["-f".into(), dir.join(p).display().to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = helm(&bin, &sandbox, &args);
        assert!(out.status.success(), "helm {args:?}: {}", text(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("0 chart(s) failed"));
    }

    let rendered = template(&bin, &sandbox, &dir, &[]);
    let got = comparable(documents(&rendered));
    let want = comparable(fixture_objects());
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "the default values render exactly the input's objects:\n{rendered}"
    );
    for (key, want) in &want {
        assert_eq!(
            &got[key], want,
            "{key} differs from the input:\n{:#}\nvs\n{want:#}",
            got[key]
        );
    }
    // The chart's labels are really there (so the stripping above is not hiding a mistake).
    let api = documents(&rendered)
        .into_iter()
        .find(|o| o["kind"] == "Deployment")
        .unwrap();
    assert_eq!(
        api["metadata"]["labels"]["app.kubernetes.io/instance"],
        "shop"
    );
    assert_eq!(
        api["spec"]["selector"]["matchLabels"]["app.kubernetes.io/instance"],
        "shop"
    );
    validate(&rendered);
}

#[test]
fn the_local_and_production_profiles_render_objects_validate_passes() {
    let Some(bin) = shipmate_e2e::helm() else {
        return;
    };
    let sandbox = Sandbox::new();
    let dir = draft(&sandbox);

    // Each profile renders these kinds, and `shipmate validate` passes what it renders.
    let profile = |file: &str, expected: &[&str]| {
        let rendered = template(
            &bin,
            &sandbox,
            &dir,
            &["-f", dir.join(file).to_str().unwrap()],
        );
        validate(&rendered);
        let objects = documents(&rendered);
        assert_eq!(kinds(&objects), expected, "{file}");
        objects
    };
    let base = [
        "ConfigMap",
        "Deployment",
        "Deployment",
        "Secret",
        "Service",
        "Service",
    ];
    let objects = profile("values-local.yaml", &base);
    for o in &objects {
        match o["kind"].as_str().unwrap() {
            "Deployment" => {
                assert_eq!(o["spec"]["replicas"], 1, "{o:#}");
                let resources = &o["spec"]["template"]["spec"]["containers"][0]["resources"];
                assert_eq!(resources["limits"]["memory"], "256Mi", "{o:#}");
            }
            "Service" => assert_eq!(o["spec"]["type"], "NodePort", "{o:#}"),
            _ => {}
        }
    }

    let mut expected = base.to_vec();
    for kind in ["HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress"] {
        expected.extend([kind, kind]);
    }
    expected.sort_unstable();
    let objects = profile("values-production.yaml", &expected);
    for o in &objects {
        match o["kind"].as_str().unwrap() {
            "Deployment" => assert!(
                o["spec"].get("replicas").is_none(),
                "the HPA owns replicas: {o:#}"
            ),
            "HorizontalPodAutoscaler" => assert_eq!(o["spec"]["minReplicas"], 3),
            "Ingress" => {
                let host = o["spec"]["rules"][0]["host"].as_str().unwrap();
                assert_eq!(o["spec"]["tls"][0]["hosts"][0], host, "{o:#}");
                assert!(
                    o["spec"]["tls"][0]["secretName"]
                        .as_str()
                        .unwrap()
                        .ends_with("-tls")
                );
            }
            "PodDisruptionBudget" => {
                let app = &o["spec"]["selector"]["matchLabels"]["app"];
                assert_eq!(app, &o["metadata"]["name"], "{o:#}");
            }
            _ => {}
        }
    }
}

#[test]
fn secret_values_are_required_at_install_time_and_never_written() {
    let sandbox = Sandbox::new();
    let dir = draft(&sandbox);
    let mut all = String::new();
    for entry in walk(&dir) {
        all.push_str(&std::fs::read_to_string(&entry).unwrap());
    }
    for secret in [
        USERNAME,
        PASSWORD,
        "c2hvcC1kYi11c2Vy",
        "Zml4dHVyZS1ub3QtYS1yZWFsLXNlY3JldA==",
    ] {
        assert!(!all.contains(secret), "{secret} was written into the chart");
    }
    let values = std::fs::read_to_string(dir.join("values.yaml")).unwrap();
    assert!(
        values.contains("--set-string secrets.dbCredentials.stringData.password="),
        "{values}"
    );

    let Some(bin) = shipmate_e2e::helm() else {
        return;
    };
    let out = helm(&bin, &sandbox, &["template", "shop", dir.to_str().unwrap()]);
    assert!(
        !out.status.success(),
        "rendering without the Secret values must fail"
    );
    assert!(
        text(&out).contains("secrets.dbCredentials.stringData.username is required"),
        "{}",
        text(&out)
    );
    // Bringing one's own Secret: nothing to supply, no Secret rendered.
    let out = helm(
        &bin,
        &sandbox,
        &[
            "template",
            "shop",
            dir.to_str().unwrap(),
            "--set",
            "secrets.dbCredentials.create=false",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("kind: Secret"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn an_existing_chart_is_never_overwritten_without_force() {
    let sandbox = Sandbox::new();
    let dir = draft(&sandbox);
    let values = dir.join("values.yaml");
    std::fs::write(&values, "mine: true\n").unwrap();
    let from = fixture("two-service-app");
    let again = |force: bool| {
        let args: &[&str] = if force { &["--force"] } else { &[] };
        draft_helm(&sandbox, &dir, Some(&from), args)
    };
    let out = again(false);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("is not empty") && text(&out).contains("--force"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read_to_string(&values).unwrap(), "mine: true\n");
    let out = again(true);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(std::fs::read_to_string(&values).unwrap().contains("api:"));
}

#[test]
fn blocked_input_becomes_no_chart() {
    let sandbox = Sandbox::new();
    let dir = sandbox.work().join("bad");
    let out = draft_helm(&sandbox, &dir, Some(&fixture("privileged.yaml")), &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).contains("no chart was written"),
        "{}",
        text(&out)
    );
    assert!(!dir.exists());

    let out = draft_helm(&sandbox, &dir, None, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--from PATH"), "{}", text(&out));
}

#[test]
fn a_request_becomes_a_chart_through_the_backend() {
    let sandbox = Sandbox::new();
    let dir = sandbox.work().join("web");
    let request = "deploy nginx:1.27.1 as web with 2 replicas on port 80";
    let out = draft_helm(&sandbox, &dir, None, &[request, "--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["name"], "web");
    let values = std::fs::read_to_string(dir.join("values.yaml")).unwrap();
    assert!(
        values.contains("repository: nginx") && values.contains("tag: \"1.27.1\""),
        "{values}"
    );
    assert!(dir.join("templates/deployment-web.yaml").is_file());

    let Some(bin) = shipmate_e2e::helm() else {
        return;
    };
    let out = helm(&bin, &sandbox, &["template", "web", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let rendered = String::from_utf8(out.stdout).unwrap();
    let deployment = documents(&rendered)
        .into_iter()
        .find(|o| o["kind"] == "Deployment")
        .unwrap();
    assert_eq!(deployment["spec"]["replicas"], 2);
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27.1"
    );
    validate(&rendered);
}

#[test]
fn the_repl_drafts_a_chart_of_the_last_proposal() {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.shipmate();
    cmd.args(["repl", "--approval", "always"])
        .current_dir(sandbox.work());
    let out = shipmate_e2e::run_with_stdin(
        cmd,
        b"/chart early\ndeploy nginx:1.27.1 as web with 3 replicas\n/chart charts/web\n/chart charts/web\n",
    );
    let all = text(&out);
    assert!(all.contains("there is no proposal yet"), "{all}");
    assert!(all.contains("Drafted chart web in charts/web"), "{all}");
    assert!(
        all.contains("is not empty"),
        "the second /chart refuses: {all}"
    );
    let values = std::fs::read_to_string(sandbox.work().join("charts/web/values.yaml")).unwrap();
    assert!(values.contains("replicas: 3"), "{values}");
    assert!(!sandbox.work().join("early").exists());
}

#[test]
fn the_printed_set_paths_supply_secret_keys_with_dots() {
    let sandbox = Sandbox::new();
    let input = sandbox.work().join("tls.yaml");
    std::fs::write(
        &input,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-tls\ntype: kubernetes.io/tls\n\
         data:\n  tls.crt: Y2VydA==\n  tls.key: a2V5\n",
    )
    .unwrap();
    let dir = sandbox.work().join("tls");
    let out = draft_helm(&sandbox, &dir, Some(&input), &["--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = report["secret_values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            r"secrets.webTls.stringData.tls\.crt",
            r"secrets.webTls.stringData.tls\.key"
        ]
    );

    let Some(bin) = shipmate_e2e::helm() else {
        return;
    };
    let sets = [format!("{}=cert", paths[0]), format!("{}=key", paths[1])];
    let out = helm(
        &bin,
        &sandbox,
        &[
            "template",
            "t",
            dir.to_str().unwrap(),
            "--set-string",
            &sets[0],
            "--set-string",
            &sets[1],
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let secret = &documents(&String::from_utf8(out.stdout).unwrap())[0];
    assert_eq!(secret["data"]["tls.crt"], "Y2VydA==", "{secret:#}");
    assert_eq!(secret["data"]["tls.key"], "a2V5", "{secret:#}");
    assert_eq!(secret["type"], "kubernetes.io/tls");
}
