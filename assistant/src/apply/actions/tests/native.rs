//! Native actions on workloads against the fake API server: the stored object changes as
//! kubectl would change it, a dry run stores nothing, and the prior state is recorded.

use serde_json::json;

use super::*;

#[test]
fn scale_uses_the_subresource_records_the_prior_count_and_honours_dry_run() {
    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        let words = "kubectl scale deploy/api --replicas=7 -n shop";
        let dry = run(&applier, words, &ActionOptions::new().dry_run())
            .await
            .unwrap();
        assert_eq!(
            (dry.prior.clone(), dry.replicas()),
            (Some(Prior::Replicas(2)), Some(7))
        );
        assert_eq!(
            dry.to_string(),
            "scale Deployment/api in namespace shop: 2 → 7 (dry run)"
        );
        assert_eq!(at(&fake, "deploy/shop/api", "/spec/replicas"), 2);
        let done = run(&applier, words, &ActionOptions::new()).await.unwrap();
        assert_eq!(done.prior, Some(Prior::Replicas(2)));
        assert_eq!(at(&fake, "deploy/shop/api", "/spec/replicas"), 7);
        let patches: Vec<_> = fake
            .requests()
            .into_iter()
            .filter(|r| r.method == "PATCH")
            .collect();
        assert_eq!(patches[0].param("dryRun"), Some("All"));
        assert_eq!(patches[1].param("dryRun"), None);
        assert_eq!(
            patches[1].path,
            "/apis/apps/v1/namespaces/shop/deployments/api/scale"
        );
        assert_eq!(patches[1].param("fieldManager"), Some("shipmate"));
    });
}

#[test]
fn restart_stamps_the_template_and_dry_run_stores_nothing() {
    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        let words = "kubectl rollout restart deployment/api -n shop";
        let pointer = "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt";
        let dry = run(&applier, words, &ActionOptions::new().dry_run())
            .await
            .unwrap();
        assert!(dry.result.unwrap().pointer(pointer).is_some());
        assert_eq!(at(&fake, "deploy/shop/api", pointer), Value::Null);
        let done = run(&applier, words, &ActionOptions::new()).await.unwrap();
        let stamp = at(&fake, "deploy/shop/api", pointer);
        assert!(
            stamp
                .as_str()
                .is_some_and(|s| s.ends_with('Z') && s.contains('T')),
            "{stamp}"
        );
        let Some(Prior::Object(prior)) = done.prior else {
            panic!()
        };
        assert_eq!(
            prior.pointer(pointer),
            None,
            "the prior is the object before"
        );
        assert_eq!(
            last_patch_type(&fake).as_deref(),
            Some("application/strategic-merge-patch+json")
        );
    });
}

#[test]
fn set_image_by_name_and_for_all_containers_and_names_unknown_containers() {
    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        let opts = ActionOptions::new();
        run(
            &applier,
            "kubectl set image deploy/api sidecar=envoy:1.31 -n shop",
            &opts,
        )
        .await
        .unwrap();
        let containers = "/spec/template/spec/containers";
        assert_eq!(
            at(&fake, "deploy/shop/api", containers),
            json!([
                {"name": "api", "image": "nginx:1.27", "env": [{"name": "MODE", "value": "prod"}, {"name": "KEEP", "value": "1"}]},
                {"name": "sidecar", "image": "envoy:1.31"},
            ])
        );
        run(
            &applier,
            "kubectl set image deploy/api *=nginx:1.28 -n shop",
            &opts,
        )
        .await
        .unwrap();
        assert_eq!(
            at(
                &fake,
                "deploy/shop/api",
                "/spec/template/spec/containers/1/image"
            ),
            "nginx:1.28"
        );
        assert_eq!(
            at(
                &fake,
                "deploy/shop/api",
                "/spec/template/spec/initContainers/0/image"
            ),
            "nginx:1.28"
        );
        run(
            &applier,
            "kubectl set image pod/api-0 api=nginx:1.29 -n shop",
            &opts,
        )
        .await
        .unwrap();
        assert_eq!(
            at(&fake, "pod/shop/api-0", "/spec/containers/0/image"),
            "nginx:1.29"
        );

        let err = run(
            &applier,
            "kubectl set image deploy/api web=x:1 -n shop",
            &opts,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&err, ActionError::UnknownContainer { container, known, .. }
            if container == "web" && known == &["api", "sidecar", "migrate"]),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "Deployment/api in namespace shop has no container \"web\" (it has: api, sidecar, migrate); name one of those, or * for all"
        );
    });
}

#[test]
fn set_env_sets_and_removes_on_the_chosen_containers() {
    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        let opts = ActionOptions::new();
        run(
            &applier,
            "kubectl set env deploy/api -c api MODE=dev NEW=1 KEEP- -n shop",
            &opts,
        )
        .await
        .unwrap();
        let env = |i: usize| {
            at(
                &fake,
                "deploy/shop/api",
                &format!("/spec/template/spec/containers/{i}/env"),
            )
        };
        assert_eq!(
            env(0),
            json!([{"name": "MODE", "value": "dev"}, {"name": "NEW", "value": "1"}])
        );
        assert_eq!(env(1), Value::Null, "sidecar untouched");
        run(
            &applier,
            "kubectl set env deploy/api ALL=yes -n shop",
            &opts,
        )
        .await
        .unwrap();
        assert_eq!(env(1), json!([{"name": "ALL", "value": "yes"}]));
        assert_eq!(
            at(
                &fake,
                "deploy/shop/api",
                "/spec/template/spec/initContainers/0/env"
            ),
            json!([{"name": "ALL", "value": "yes"}])
        );
        let err = run(
            &applier,
            "kubectl set env deploy/api -c nope A=1 -n shop",
            &opts,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, ActionError::UnknownContainer { .. }),
            "{err:?}"
        );
    });
}
