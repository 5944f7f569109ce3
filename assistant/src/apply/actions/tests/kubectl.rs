//! Running actions through kubectl: a fake kubectl script shows the output is streamed in
//! order while it runs and the session flags are passed; a missing binary and a failing one
//! are specific errors; the real kubectl (when installed) talks to the fake API server.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::*;

/// Writes an executable `kubectl` script into `dir`. `body` may use `wait_for NAME` (waits up
/// to 10 s for `dir/NAME` to exist, else prints `TIMEOUT NAME`); the script's arguments are
/// written to `dir/args`, one per line.
fn fake_kubectl(dir: &Path, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let d = dir.display();
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{d}/args'\nwait_for() {{\n  i=0\n  while [ ! -e '{d}'/\"$1\" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n  [ -e '{d}'/\"$1\" ] || echo \"TIMEOUT $1\"\n}}\n{body}\n"
    );
    let path = dir.join("kubectl");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn argv(words: &str) -> Vec<String> {
    action(words).argv
}

#[test]
fn output_is_streamed_line_by_line_in_order_while_kubectl_runs() {
    let dir = tempfile::tempdir().unwrap();
    let program = fake_kubectl(
        dir.path(),
        "echo 'out 1'\nwait_for m1\necho 'err 1' >&2\nwait_for m2\necho 'out 2'",
    );
    let kubectl = Kubectl::with_program(&program)
        .kubeconfig(Some("/k/config".into()))
        .context(Some("fake".into()));
    let lines = Arc::new(Mutex::new(Vec::new()));
    let seen = lines.clone();
    let marker = dir.path().to_path_buf();
    // Each line unblocks the script's next one: if output were buffered until kubectl
    // exited, the script would time out and say so.
    let mut sink = move |stream: Stream, line: &str| {
        seen.lock().unwrap().push((stream, line.to_string()));
        let next = match line {
            "out 1" => "m1",
            "err 1" => "m2",
            _ => return,
        };
        std::fs::write(marker.join(next), "").unwrap();
    };
    runtime()
        .block_on(kubectl.run(&argv("kubectl logs api-0 -n shop"), &mut sink))
        .unwrap();
    assert_eq!(
        *lines.lock().unwrap(),
        [
            (Stream::Stdout, "out 1".to_string()),
            (Stream::Stderr, "err 1".to_string()),
            (Stream::Stdout, "out 2".to_string()),
        ]
    );
    let args = std::fs::read_to_string(dir.path().join("args")).unwrap();
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        [
            "--kubeconfig",
            "/k/config",
            "--context",
            "fake",
            "logs",
            "api-0",
            "-n",
            "shop"
        ]
    );
}

#[test]
fn a_missing_binary_is_kubectl_missing_with_the_command() {
    let kubectl = Kubectl::with_program("/nonexistent/shipmate-test/kubectl");
    let words = argv("kubectl drain n1 --ignore-daemonsets");
    let err = runtime()
        .block_on(kubectl.run(&words, &mut |_: Stream, _: &str| {}))
        .unwrap_err();
    match &err {
        ActionError::KubectlMissing { argv, program } => {
            assert_eq!(argv, &words);
            assert_eq!(program, Path::new("/nonexistent/shipmate-test/kubectl"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .contains("run by hand: kubectl drain n1 --ignore-daemonsets"),
        "{err}"
    );
}

#[test]
fn a_failing_kubectl_reports_its_status_and_last_stderr_lines() {
    let dir = tempfile::tempdir().unwrap();
    let program = fake_kubectl(
        dir.path(),
        "for i in 1 2 3 4 5 6 7; do echo \"problem $i\" >&2; done\necho fine\nexit 3",
    );
    let mut out = Vec::new();
    let err = runtime()
        .block_on(
            Kubectl::with_program(&program)
                .run(&argv("kubectl get pods"), &mut WriteSink(&mut out)),
        )
        .unwrap_err();
    let ActionError::KubectlFailed { status, stderr, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(status.contains('3'), "{status}");
    assert_eq!(
        stderr,
        &[
            "problem 3",
            "problem 4",
            "problem 5",
            "problem 6",
            "problem 7"
        ]
    );
    assert!(
        String::from_utf8(out).unwrap().contains("problem 1\n"),
        "everything reached the sink"
    );
}

#[test]
fn run_action_sends_natives_to_the_api_and_the_rest_to_kubectl_except_in_a_dry_run() {
    with_seeded(|fake, cluster| async move {
        let dir = tempfile::tempdir().unwrap();
        let program = fake_kubectl(dir.path(), "echo drained");
        let kubectl = Kubectl::with_program(&program);
        let applier = Applier::new(&cluster);
        let mut lines = Vec::new();
        let mut sink = |_: Stream, l: &str| lines.push(l.to_string());
        let drain = action("kubectl drain n1 --ignore-daemonsets");
        let dry = applier
            .run_action(&drain, &kubectl, &ActionOptions::new().dry_run(), &mut sink)
            .await
            .unwrap();
        assert!(
            dry.dry_run && !dir.path().join("args").exists(),
            "a dry run does not run kubectl"
        );
        let done = applier
            .run_action(&drain, &kubectl, &ActionOptions::new(), &mut sink)
            .await
            .unwrap();
        assert_eq!(done.how, How::Kubectl);
        assert_eq!(done.object.as_ref().unwrap().name, "n1");
        assert!(
            matches!(&done.prior, Some(Prior::Object(node)) if node["metadata"]["name"] == "n1")
        );
        assert!(matches!(
            undo_of(&done),
            Undo::Run(NativeAction {
                op: NativeOp::Uncordon,
                ..
            })
        ));

        let scale = action("kubectl scale deploy/api --replicas=3 -n shop");
        let done = applier
            .run_action(&scale, &kubectl, &ActionOptions::new(), &mut sink)
            .await
            .unwrap();
        assert!(matches!(done.how, How::Native { .. }));
        assert_eq!(at(&fake, "deploy/shop/api", "/spec/replicas"), 3);
        let foreign = action("kubectl get pods --context prod");
        let err = applier
            .run_action(&foreign, &kubectl, &ActionOptions::new(), &mut sink)
            .await
            .unwrap_err();
        assert!(matches!(err, ActionError::CannotRun { .. }), "{err:?}");
        assert_eq!(lines, ["drained"]);
    });
}

#[test]
fn the_real_kubectl_runs_against_the_session_cluster() {
    let Some(bin) = shipmate_e2e::kubectl() else {
        return;
    };
    let fake = FakeCluster::start();
    fake.seed(super::SEED);
    // kubectl sends no credentials over plain http (kubernetes/kubectl#744).
    fake.allow_anonymous(true);
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let cluster = connect(&fake, dir.path()).await;
        let kubectl = Kubectl::with_program(bin)
            .kubeconfig(Some(dir.path().join("kubeconfig")))
            .context(cluster.context().map(str::to_string));
        let mut out = Vec::new();
        let get = action("kubectl get deploy -n shop -o name");
        Applier::new(&cluster)
            .run_action(
                &get,
                &kubectl,
                &ActionOptions::new(),
                &mut WriteSink(&mut out),
            )
            .await
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "deployment.apps/api\n");
        let err = kubectl
            .run(
                &argv("kubectl get deploy nope -n shop"),
                &mut |_: Stream, _: &str| {},
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not found"), "{err}");
    });
}
