//! The argv reader: flags, objects, and resource type words.

use super::*;

fn argv(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_string).collect()
}

#[test]
fn flags_keep_their_values_and_the_last_one_wins() {
    let a = argv("kubectl label deploy web tier=fe -n shop --overwrite --overwrite=false");
    let cmd = parse(&a);
    assert_eq!(cmd.namespace, Some("shop"));
    assert_eq!(cmd.flag(&["-n", "--namespace"]), Some(Some("shop")));
    assert!(!cmd.switch(&["--overwrite"]));
    assert_eq!(cmd.flag(&["--all"]), None);
    let a = argv("kubectl set env deploy/api -c web --overwrite A=1");
    let cmd = parse(&a);
    assert_eq!(cmd.flag(&["-c", "--containers"]), Some(Some("web")));
    assert!(cmd.switch(&["--overwrite"]));
    assert_eq!(cmd.positional, ["set", "env", "deploy/api", "A=1"]);
}

#[test]
fn words_after_double_dash_are_trailing() {
    let a = argv("kubectl exec -it api-0 -- sh -c ls");
    let cmd = parse(&a);
    assert_eq!(cmd.positional, ["exec", "api-0"]);
    assert_eq!(cmd.trailing, ["sh", "-c", "ls"]);
    assert!(cmd.flag(&["-it"]).is_some());
}

#[test]
fn objects_in_both_spellings_stop_at_assignments() {
    let a = argv("kubectl label deployment web api tier=fe old-");
    let (objects, rest) = parse(&a).objects(1);
    assert_eq!(objects, [("deployment", "web"), ("deployment", "api")]);
    assert_eq!(rest, ["tier=fe", "old-"]);
    let a = argv("kubectl set image deployment/api *=nginx:1.28");
    let (objects, rest) = parse(&a).objects(2);
    assert_eq!(objects, [("deployment", "api")]);
    assert_eq!(rest, ["*=nginx:1.28"]);
    let a = argv("kubectl taint nodes n1 dedicated:NoSchedule-");
    let (objects, rest) = parse(&a).objects(1);
    assert_eq!(objects, [("nodes", "n1")]);
    assert_eq!(rest, ["dedicated:NoSchedule-"]);
    let a = argv("kubectl delete");
    assert!(parse(&a).objects(1).0.is_empty());
}

#[test]
fn resource_type_words_like_kubectl() {
    for word in [
        "deployment",
        "deploy",
        "deployments",
        "Deployment",
        "deployments.apps",
        "deployments.v1.apps",
    ] {
        let t = resource_type(word).unwrap_or_else(|| panic!("{word}"));
        assert_eq!((t.api_version, t.kind), ("apps/v1", "Deployment"), "{word}");
    }
    assert_eq!(resource_type("po").unwrap().kind, "Pod");
    assert_eq!(resource_type("no").unwrap().kind, "Node");
    assert!(!resource_type("nodes").unwrap().namespaced);
    assert_eq!(resource_type("svc").unwrap().api_version, "v1");
    assert_eq!(resource_type("ing").unwrap().plural, "ingresses");
    assert_eq!(resource_type("ingress").unwrap().kind, "Ingress");
    assert_eq!(resource_type("endpoints").unwrap().kind, "Endpoints");
    assert_eq!(resource_type("storageclass").unwrap().kind, "StorageClass");
    assert!(resource_type("deployments.batch").is_none());
    assert!(resource_type("widgets").is_none());
    assert!(resource_type("deploymentz").is_none());
}

#[test]
fn custom_types_match_by_the_same_rules() {
    let matches = |w: &str| {
        names_type(
            w,
            "example.com/v1",
            "Widget",
            "widgets",
            &["wd".to_string()],
        )
    };
    for word in [
        "widgets",
        "Widget",
        "wd",
        "widgets.example.com",
        "widget.v1.example.com",
    ] {
        assert!(matches(word), "{word}");
    }
    assert!(!matches("widgets.apps") && !matches("gadgets"));
}
