//! `diagnose` as a model sees it: compact findings with evidence, the fix's summary, under the
//! byte cap; a bad object is a message naming it.

use shipmate_e2e::fake_kube::fixtures::{App, crash_loop, node};

use super::with_reader;
use crate::tools::ToolLimits;

#[test]
fn findings_are_compact_capped_and_masked() {
    let fake = shipmate_e2e::fake_kube::FakeCluster::start();
    fake.seed(node("node-0"));
    App::seed(&fake, "shop", "web", 1, |_, _| {});
    App::seed(&fake, "shop", "api", 1, |_, pod| {
        crash_loop(
            pod,
            1,
            "Error",
            5,
            "dial postgres://app:hunter2@db:5432 failed\n",
        );
    });
    let text = with_reader(&fake, ToolLimits::default(), async |r| {
        r.diagnose(Some("shop"), None).await.unwrap()
    });
    assert!(
        text.starts_with("2 findings (1 critical, 1 error"),
        "{text}"
    );
    assert!(text.contains("[critical] Service/api -n shop"), "{text}");
    assert!(text.contains("Pod/api-7d9c5-0 -n shop"), "{text}");
    assert!(
        text.contains("dial postgres://app:"),
        "the previous log is quoted: {text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
    assert!(
        !text.contains("web-"),
        "the healthy app is not mentioned: {text}"
    );

    let small = with_reader(&fake, ToolLimits::new().max_bytes(300), async |r| {
        r.diagnose(Some("shop"), Some("deploy/api")).await.unwrap()
    });
    assert!(small.len() <= 300 && small.contains("cap"), "{small}");

    let err = with_reader(&fake, ToolLimits::default(), async |r| {
        r.diagnose(Some("shop"), Some("deploy/nope"))
            .await
            .unwrap_err()
    });
    assert!(
        err.to_string()
            .contains("no Deployment `nope` in namespace shop"),
        "{err}"
    );
}
