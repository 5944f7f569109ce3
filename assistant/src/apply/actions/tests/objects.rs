//! Native delete, label/annotate and node changes against the fake API server, and API
//! refusals that name the object.

use serde_json::json;
use shipmate_e2e::fake_kube::Fault;

use super::*;

#[test]
fn delete_records_the_object_respects_the_namespace_and_dry_run() {
    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        let words = "kubectl delete pod api-0 -n shop";
        run(&applier, words, &ActionOptions::new().dry_run())
            .await
            .unwrap();
        assert!(fake.get("pod/shop/api-0").is_some());
        let done = run(&applier, words, &ActionOptions::new()).await.unwrap();
        assert!(fake.get("pod/shop/api-0").is_none());
        let Some(Prior::Object(prior)) = &done.prior else {
            panic!()
        };
        assert_eq!(prior["metadata"]["name"], "api-0");
        let delete = fake
            .requests()
            .into_iter()
            .rfind(|r| r.method == "DELETE")
            .unwrap();
        assert_eq!(delete.path, "/api/v1/namespaces/shop/pods/api-0");
        // In the default namespace there is no such pod: a 404 naming the object.
        let err = run(&applier, "kubectl delete pod api-0", &ActionOptions::new())
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("Pod/api-0 in namespace default") && text.contains("404"),
            "{text}"
        );
        assert!(!err.outcome_unknown());
    });
}

#[test]
fn label_and_annotate_refuse_to_overwrite_without_the_flag() {
    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        let opts = ActionOptions::new();
        let err = run(&applier, "kubectl label deploy api tier=fe -n shop", &opts)
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Deployment/api in namespace shop already has label tier=be, and --overwrite is false; add --overwrite to replace"
        );
        assert!(
            fake.requests().iter().all(|r| r.method == "GET"),
            "nothing sent"
        );
        run(
            &applier,
            "kubectl label deploy api tier=be extra=1 -n shop",
            &opts,
        )
        .await
        .unwrap();
        run(
            &applier,
            "kubectl label deploy api tier=fe extra- --overwrite -n shop",
            &opts,
        )
        .await
        .unwrap();
        assert_eq!(
            at(&fake, "deploy/shop/api", "/metadata/labels"),
            json!({"tier": "fe"})
        );
        let err = run(
            &applier,
            "kubectl annotate deploy api owner=b -n shop",
            &opts,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(
                err,
                ActionError::WouldOverwrite {
                    what: "annotation",
                    ..
                }
            ),
            "{err:?}"
        );
        run(
            &applier,
            "kubectl annotate deploy api owner- note=x -n shop",
            &opts,
        )
        .await
        .unwrap();
        assert_eq!(
            at(&fake, "deploy/shop/api", "/metadata/annotations"),
            json!({"note": "x"})
        );
        assert_eq!(
            last_patch_type(&fake).as_deref(),
            Some("application/merge-patch+json")
        );
    });
}

#[test]
fn cordon_uncordon_and_taint_change_the_node_like_kubectl() {
    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        let opts = ActionOptions::new();
        run(&applier, "kubectl cordon n1", &opts).await.unwrap();
        assert_eq!(at(&fake, "node/n1", "/spec/unschedulable"), true);
        let again = run(&applier, "kubectl cordon n1", &opts).await.unwrap();
        assert_eq!(again.result.unwrap()["spec"]["unschedulable"], true);
        run(&applier, "kubectl uncordon n1", &opts).await.unwrap();
        assert_eq!(at(&fake, "node/n1", "/spec/unschedulable"), Value::Null);

        let taints = "/spec/taints";
        let err = run(
            &applier,
            "kubectl taint nodes n1 dedicated=web:NoSchedule",
            &opts,
        )
        .await
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("already has taint dedicated=db:NoSchedule"),
            "{err}"
        );
        run(
            &applier,
            "kubectl taint no n1 dedicated=web:NoSchedule --overwrite gpu:NoExecute",
            &opts,
        )
        .await
        .unwrap();
        assert_eq!(
            at(&fake, "node/n1", taints),
            json!([{"key": "dedicated", "value": "web", "effect": "NoSchedule"}, {"key": "gpu", "effect": "NoExecute"}])
        );
        run(&applier, "kubectl taint nodes n1 dedicated-", &opts)
            .await
            .unwrap();
        assert_eq!(
            at(&fake, "node/n1", taints),
            json!([{"key": "gpu", "effect": "NoExecute"}])
        );
        let err = run(&applier, "kubectl taint nodes n1 gpu:NoSchedule-", &opts)
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Node/n1 has no taint gpu:NoSchedule; nothing to remove"
        );
    });
}

#[test]
fn forbidden_and_dropped_connections_are_reported_with_the_object() {
    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        let opts = ActionOptions::new();
        fake.inject(Fault::status(403).method("PATCH"));
        let err = run(&applier, "kubectl label deploy api x=1 -n shop", &opts)
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("forbidden (403) on Deployment/api in namespace shop"),
            "{text}"
        );
        assert!(!err.outcome_unknown());
    });
    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        fake.inject(Fault::drop_connection().method("DELETE"));
        let err = run(
            &applier,
            "kubectl delete pod api-0 -n shop",
            &ActionOptions::new(),
        )
        .await
        .unwrap_err();
        assert!(err.outcome_unknown(), "{err:?}");
        assert!(
            err.to_string().contains("Pod/api-0 in namespace shop"),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("whether the server made the change is unknown"),
            "{err}"
        );
    });
}
