//! `plan_action`: native, kubectl, or not at all — from the argv alone.

use super::*;

fn plan(words: &str) -> ActionPlan {
    plan_action(&action(words))
}

fn cannot(words: &str) -> String {
    match plan(words) {
        ActionPlan::CannotRun { reason } => reason,
        other => panic!("{words}: expected cannot run, got {other:?}"),
    }
}

#[test]
fn everyday_mutations_run_natively_with_kubectl_spellings() {
    let n = native_of("kubectl scale deployment/web --replicas=5");
    assert_eq!(
        (n.object.kind.as_str(), n.object.name.as_str()),
        ("Deployment", "web")
    );
    assert_eq!(n.object.namespace, None);
    assert_eq!(n.op, NativeOp::Scale { replicas: 5 });
    assert_eq!(
        plan("kubectl scale deploy web --replicas 5 -n shop").to_string(),
        "native: scale to 5 Deployment/web in namespace shop"
    );
    let n = native_of("kubectl -n shop rollout restart deployments.apps/api");
    assert_eq!(
        (n.object.api_version.as_str(), n.op),
        ("apps/v1", NativeOp::Restart)
    );
    assert_eq!(n.object.namespace.as_deref(), Some("shop"));
    let n = native_of("kubectl set image deployment/api *=nginx:1.28 sidecar=envoy:1.31");
    assert_eq!(
        n.op,
        NativeOp::SetImage {
            images: vec![
                ("*".into(), "nginx:1.28".into()),
                ("sidecar".into(), "envoy:1.31".into())
            ]
        }
    );
    let n = native_of("kubectl set env deployment/api -c api A=1 B- --env C=3");
    assert_eq!(
        n.op,
        NativeOp::SetEnv {
            container: Some("api".into()),
            set: vec![("A".into(), "1".into()), ("C".into(), "3".into())],
            remove: vec!["B".into()],
        }
    );
    assert_eq!(
        native_of("kubectl delete po api-0 --namespace shop").op,
        NativeOp::Delete
    );
    let n = native_of("kubectl label deployment web tier=fe old- --overwrite");
    assert_eq!(
        n.op,
        NativeOp::Label(KeyChanges {
            set: vec![("tier".into(), "fe".into())],
            remove: vec!["old".into()],
            overwrite: true,
        })
    );
    assert!(matches!(
        native_of("kubectl annotate svc web a=b").op,
        NativeOp::Annotate(_)
    ));
    let n = native_of("kubectl cordon n1 -n ignored");
    assert_eq!(
        (n.object.kind.as_str(), n.object.namespace, n.op),
        ("Node", None, NativeOp::Cordon)
    );
    assert_eq!(native_of("kubectl uncordon n1").op, NativeOp::Uncordon);
    for spelling in ["node/n1", "nodes/n1", "no/n1"] {
        let n = native_of(&format!("kubectl cordon {spelling}"));
        assert_eq!(n.object.name, "n1", "{spelling}");
    }
    let pod = Action::new(
        ["kubectl", "cordon", "pod/x"].map(str::to_owned).to_vec(),
        "",
    );
    assert!(
        !matches!(plan_action(&pod), ActionPlan::Native(_)),
        "a Pod is never cordoned natively"
    );
    let n = native_of("kubectl taint nodes n1 key=value:NoSchedule gpu:NoExecute-");
    let NativeOp::Taint {
        add,
        remove,
        overwrite,
    } = n.op
    else {
        panic!()
    };
    assert_eq!(add[0].to_string(), "key=value:NoSchedule");
    assert_eq!(remove[0].to_string(), "gpu:NoExecute");
    assert!(!overwrite);
}

#[test]
fn what_native_code_does_not_model_goes_to_kubectl() {
    for words in [
        "kubectl drain n1 --ignore-daemonsets --delete-emptydir-data",
        "kubectl logs api-0",
        "kubectl rollout status deployment/api",
        "kubectl rollout undo deployment/api",
        "kubectl get deploy",
        "kubectl describe pod api-0",
        "kubectl top pods",
        "kubectl delete pod api-0 --grace-period=0 --force",
        "kubectl delete pod a b",
        "kubectl label pods -l app=api tier=fe",
        "kubectl scale widgets/w --replicas=2",
    ] {
        assert_eq!(
            plan(words),
            ActionPlan::Kubectl {
                interactive: Interactive::No
            },
            "{words}"
        );
    }
    let terminal = ActionPlan::Kubectl {
        interactive: Interactive::Terminal,
    };
    assert_eq!(plan("kubectl exec -it api-0 -- sh"), terminal);
    assert_eq!(plan("kubectl exec --stdin --tty api-0 -- sh"), terminal);
    assert_eq!(
        plan("kubectl exec api-0 -- ls"),
        ActionPlan::Kubectl {
            interactive: Interactive::No
        }
    );
    assert_eq!(
        plan("kubectl port-forward svc/web 8080:80"),
        ActionPlan::Kubectl {
            interactive: Interactive::Stdin
        }
    );
}

#[test]
fn malformed_or_foreign_commands_cannot_run() {
    assert!(cannot("helm install x").contains("only kubectl"));
    assert!(cannot("kubectl").contains("no kubectl verb"));
    assert!(cannot("kubectl get pods --context prod").contains("--context"));
    assert!(cannot("kubectl delete pod x --kubeconfig=/tmp/k").contains("--kubeconfig"));
    assert!(cannot("kubectl scale deployment/web").contains("--replicas"));
    assert!(cannot("kubectl scale deployment/web --replicas=-1").contains("--replicas"));
    assert!(cannot("kubectl rollout restart pod/api-0").contains("not Pod"));
    assert!(cannot("kubectl set image deployment/api").contains("CONTAINER=IMAGE"));
    assert!(cannot("kubectl taint nodes n1 key=v:Sometimes").contains("invalid taint"));
    assert!(cannot("kubectl taint deployment web key=v:NoSchedule").contains("not Deployment"));
}
