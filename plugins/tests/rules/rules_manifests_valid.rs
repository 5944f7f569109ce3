//! Property test: every manifest the rules backend generates validates strictly against the
//! bundled schema and passes the built-in constitution with no blocking finding (requests that
//! ask for nothing dangerous).

use proptest::prelude::*;
use shipmate_manifests::{Constitution, SchemaSet, SchemaVerdict, Severity};
use shipmate_plugins::Status;
use shipmate_plugins::rules::propose;

fn name() -> impl Strategy<Value = String> {
    // Hyphenated or numbered, as real object names usually are; plain English words such as
    // `or` would be read as words.
    "[a-z]{2,8}(-[a-z0-9]{1,6}|[0-9]{1,3})"
}

fn image() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just(""),
            Just("ghcr.io/acme/"),
            Just("docker.io/library/"),
            Just("quay.io/x/")
        ],
        "[a-z][a-z0-9]{1,8}",
        "[0-9]{1,2}\\.[0-9]{1,2}(\\.[0-9]{1,2})?",
    )
        .prop_map(|(reg, repo, tag)| format!("{reg}{repo}:{tag}"))
}

fn request() -> impl Strategy<Value = String> {
    let kind = prop_oneof![
        Just("deployment"),
        Just("statefulset"),
        Just("daemonset"),
        Just("job"),
        Just("pod")
    ];
    let workload = (
        kind,
        name(),
        image(),
        proptest::option::of(1u32..20),
        proptest::option::of(1u16..65535),
        proptest::option::of(name()),
        any::<bool>(),
    )
        .prop_map(|(kind, name, image, replicas, port, ns, expose)| {
            let mut r = format!("create a {kind} named {name} running {image}");
            if let Some(n) = replicas {
                r.push_str(&format!(" with {n} replicas"));
            }
            if let Some(p) = port {
                r.push_str(&format!(" on port {p}"));
                if expose && kind != "job" {
                    r.push_str(" and expose it");
                }
            }
            if let Some(ns) = ns {
                r.push_str(&format!(" in namespace {ns}"));
            }
            r
        });
    let cron = (
        name(),
        image(),
        prop_oneof![
            Just("every 5 minutes"),
            Just("hourly"),
            Just("every day at 3am"),
            Just("weekly on friday at 17:45"),
            Just("at midnight"),
            Just("every weekday at 9am")
        ],
    )
        .prop_map(|(n, i, s)| format!("create a cronjob {n} using {i} {s}"));
    let config =
        (name(), "[A-Z]{2,6}", "[a-z0-9]{1,8}", any::<bool>()).prop_map(|(n, k, v, secret)| {
            let kind = if secret { "secret" } else { "configmap" };
            format!("create {kind} {n} with {k}={v}")
        });
    let network = (name(), name(), 1u16..65535, "[a-z]{2,8}\\.example\\.com").prop_map(
        |(ing, svc, port, host)| {
            format!("create an ingress {ing} for {host} to service {svc} on port {port}")
        },
    );
    let misc = (name(), 1u32..500, 2u32..30).prop_map(|(n, size, max)| {
        [
            format!("create a pvc {n} of {size}Gi"),
            format!("create namespace {n}"),
            format!("create an hpa for deployment {n} min 1 max {max}"),
            format!("create a pdb for deployment {n} with min available 1"),
            format!("create a service account {n}"),
            format!("create a read-only role {n} for pods"),
            format!("deny all ingress traffic in namespace {n}"),
            format!(
                "create a nodeport service {n} for app={n} on port {}",
                size + 1
            ),
        ]
        .join("\n")
    });
    prop_oneof![workload, cron, config, network, misc]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn generated_manifests_validate_strictly(requests in request()) {
        let schemas = SchemaSet::bundled();
        let gates = Constitution::builtin();
        for text in requests.lines() {
            let p = propose(text, None, &gates.defaults().clone());
            prop_assert_eq!(p.status, Status::Proposed, "{}: {}", text, p.summary);
            prop_assert!(!p.manifests.is_empty(), "{}", text);
            for m in &p.manifests {
                let (verdict, errors) = schemas.validate(m);
                prop_assert_eq!(verdict, SchemaVerdict::Valid, "{}: {:?}\n{:#}", text, errors, m);
            }
            let objects: Vec<&serde_json::Value> = p.manifests.iter().collect();
            for f in gates.check(&objects).into_iter().flatten() {
                prop_assert!(f.severity != Severity::Block, "{}: {:?}", text, f);
            }
        }
    }
}
