//! Undo restores what each native action changed, refuses when someone changed it since, and
//! says when there is nothing to undo.

use serde_json::json;

use super::*;

/// Runs `words`, checks it changed the stored object at `pointer`, undoes it and checks the
/// stored value is back to what it was.
async fn round_trip(
    fake: &FakeCluster,
    applier: &Applier<'_>,
    words: &str,
    spec: &str,
    pointer: &str,
) {
    let before = at(fake, spec, pointer);
    let done = run(applier, words, &ActionOptions::new()).await.unwrap();
    assert_ne!(at(fake, spec, pointer), before, "{words} changed nothing");
    // Undo works from the outcome as an audit log stores it.
    let done: ActionOutcome = serde_json::from_value(serde_json::to_value(&done).unwrap()).unwrap();
    let preview = applier
        .undo(&done, &ActionOptions::new().dry_run())
        .await
        .unwrap();
    assert!(preview.dry_run);
    assert_ne!(
        at(fake, spec, pointer),
        before,
        "{words}: the undo preview stored something"
    );
    let undone = applier.undo(&done, &ActionOptions::new()).await.unwrap();
    assert_eq!(
        at(fake, spec, pointer),
        before,
        "{words}: undo did not restore {pointer}"
    );
    assert_eq!(undone.argv, done.argv);
}

#[test]
fn undo_restores_every_native_change() {
    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        let d = "deploy/shop/api";
        for (words, spec, pointer) in [
            (
                "kubectl scale deploy/api --replicas=9 -n shop",
                d,
                "/spec/replicas",
            ),
            (
                "kubectl rollout restart deploy/api -n shop",
                d,
                "/spec/template",
            ),
            (
                "kubectl set image deploy/api *=nginx:1.28 -n shop",
                d,
                "/spec/template",
            ),
            (
                "kubectl set env deploy/api MODE- NEW=1 -n shop",
                d,
                "/spec/template",
            ),
            (
                "kubectl set image pod/api-0 api=nginx:1.29 -n shop",
                "pod/shop/api-0",
                "/spec/containers",
            ),
            (
                "kubectl label deploy api tier=fe --overwrite x=1 -n shop",
                d,
                "/metadata/labels",
            ),
            (
                "kubectl annotate deploy api owner- -n shop",
                d,
                "/metadata/annotations",
            ),
            ("kubectl cordon n1", "node/n1", "/spec/unschedulable"),
            (
                "kubectl taint nodes n1 dedicated- gpu:NoExecute",
                "node/n1",
                "/spec/taints",
            ),
        ] {
            round_trip(&fake, &applier, words, spec, pointer).await;
        }
    });
}

#[test]
fn undo_of_delete_recreates_without_server_fields_and_undo_of_that_deletes() {
    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        let original = fake.get("pod/shop/api-0").unwrap();
        let done = run(
            &applier,
            "kubectl delete pod api-0 -n shop",
            &ActionOptions::new(),
        )
        .await
        .unwrap();
        let Undo::Recreate { manifest, .. } = undo_of(&done) else {
            panic!()
        };
        for key in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "managedFields",
        ] {
            assert!(manifest["metadata"].get(key).is_none(), "{key} kept");
        }
        let recreated = applier.undo(&done, &ActionOptions::new()).await.unwrap();
        let stored = fake.get("pod/shop/api-0").expect("recreated");
        assert_eq!(stored["spec"], original["spec"]);
        assert_eq!(stored["metadata"]["labels"], original["metadata"]["labels"]);
        assert_ne!(stored["metadata"]["uid"], original["metadata"]["uid"]);
        assert!(matches!(
            undo_of(&recreated),
            Undo::Run(NativeAction {
                op: NativeOp::Delete,
                ..
            })
        ));
        applier
            .undo(&recreated, &ActionOptions::new())
            .await
            .unwrap();
        assert!(fake.get("pod/shop/api-0").is_none());
    });
}

#[test]
fn undo_refuses_to_overwrite_a_later_change() {
    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        let opts = ActionOptions::new();
        let done = run(&applier, "kubectl label deploy api a=1 -n shop", &opts)
            .await
            .unwrap();
        run(&applier, "kubectl label deploy api b=2 -n shop", &opts)
            .await
            .unwrap();
        let err = applier.undo(&done, &opts).await.unwrap_err();
        assert!(
            matches!(&err, ActionError::Drifted { field, .. } if field == "metadata.labels"),
            "{err:?}"
        );
        assert_eq!(
            at(&fake, "deploy/shop/api", "/metadata/labels"),
            json!({"tier": "be", "a": "1", "b": "2"})
        );
    });
}

#[test]
fn nothing_to_undo_for_dry_runs_reads_and_no_ops() {
    let kubectl = |words: &str, prior: Option<Prior>| ActionOutcome {
        argv: action(words).argv,
        object: Some(native_of("kubectl uncordon n1").object),
        how: How::Kubectl,
        dry_run: false,
        prior,
        result: None,
    };
    assert!(matches!(
        undo_of(&kubectl("kubectl logs api-0", None)),
        Undo::Nothing { .. }
    ));
    assert!(matches!(
        undo_of(&kubectl("kubectl rollout undo deploy/api", None)),
        Undo::NotReversible { .. }
    ));
    let node = |unschedulable: bool| {
        Some(Prior::Object(
            json!({"spec": {"unschedulable": unschedulable}}),
        ))
    };
    let drain = "kubectl drain n1 --ignore-daemonsets";
    assert!(matches!(
        undo_of(&kubectl(drain, node(false))),
        Undo::Run(NativeAction {
            op: NativeOp::Uncordon,
            ..
        })
    ));
    assert!(matches!(
        undo_of(&kubectl(drain, node(true))),
        Undo::Nothing { .. }
    ));
    assert!(matches!(
        undo_of(&kubectl(drain, None)),
        Undo::NotReversible { .. }
    ));

    with_seeded(|fake, cluster| async move {
        let applier = Applier::new(&cluster);
        let dry = run(
            &applier,
            "kubectl cordon n1",
            &ActionOptions::new().dry_run(),
        )
        .await
        .unwrap();
        assert!(matches!(undo_of(&dry), Undo::Nothing { .. }));
        assert_eq!(at(&fake, "node/n1", "/spec/unschedulable"), Value::Null);
        let noop = run(&applier, "kubectl uncordon n1", &ActionOptions::new())
            .await
            .unwrap();
        assert!(
            matches!(undo_of(&noop), Undo::Nothing { .. }),
            "{:?}",
            undo_of(&noop)
        );
        let err = applier
            .undo(&noop, &ActionOptions::new())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("nothing to undo"), "{err}");
    });
}
