//! `shipmate undo` against the fake API server: put back what was changed, delete what was
//! created, one entry at a time (newest first), refusing the wrong cluster and a second undo.

use shipmate_e2e::fake_kube::FakeCluster;
use shipmate_e2e::{Sandbox, stdout_json};

fn web(replicas: u32) -> String {
    format!("deploy nginx:1.27.1 as web with {replicas} replicas on port 80 and expose it")
}

#[test]
fn undo_restores_then_deletes_newest_first() {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    assert!(
        sandbox
            .run_on(&fake, &["ask", "--yes", &web(2)])
            .status
            .success()
    );
    assert!(
        sandbox
            .run_on(&fake, &["ask", "--yes", &web(3)])
            .status
            .success()
    );
    assert_eq!(
        fake.get("deploy/default/web").unwrap()["spec"]["replicas"],
        3
    );

    // Without --yes and without a terminal it only shows what it would do.
    let out = sandbox.run_on(&fake, &["undo"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("restore Deployment/web"), "{stdout}");
    assert!(
        stdout.contains("-  replicas: 3") && stdout.contains("+  replicas: 2"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(
        fake.get("deploy/default/web").unwrap()["spec"]["replicas"],
        3
    );

    let out = sandbox.run_on(&fake, &["undo", "--yes", "-o", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = stdout_json(&out);
    assert_eq!(report["complete"], true);
    let entries = sandbox.audit_entries();
    assert_eq!(
        report["undoes"], entries[1]["id"],
        "the newest change first"
    );
    assert_eq!(entries.last().unwrap()["undoes"], entries[1]["id"]);
    assert_eq!(
        fake.get("deploy/default/web").unwrap()["spec"]["replicas"],
        2
    );

    // The next undo takes the first apply: it created both objects, so they are deleted.
    let out = sandbox.run_on(&fake, &["undo", "--yes", "-o", "json"]);
    let report = stdout_json(&out);
    assert_eq!(report["undoes"], entries[0]["id"]);
    let results: Vec<&str> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["deleted", "deleted"]);
    assert!(fake.get("deploy/default/web").is_none());
    assert!(fake.get("svc/default/web").is_none());

    // Nothing left; an explicit id that was undone is refused.
    let out = sandbox.run_on(&fake, &["undo", "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to undo"));
    let id = entries[0]["id"].as_str().unwrap();
    let out = sandbox.run_on(&fake, &["undo", "--yes", id]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already undone"));
}

#[test]
fn undo_refuses_another_cluster() {
    let first = FakeCluster::start();
    let second = FakeCluster::start();
    let sandbox = Sandbox::new();
    assert!(
        sandbox
            .run_on(&first, &["ask", "--yes", &web(2)])
            .status
            .success()
    );
    let out = sandbox.run_on(&second, &["undo", "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("was applied to {}", first.url())),
        "{stderr}"
    );
    assert!(first.get("deploy/default/web").is_some());
}
