//! `logs`: tail, the hard byte cap keeping the end, and the container/previous parameters.

use serde_json::json;
use shipmate_e2e::fake_kube::{FakeCluster, LOG_ANNOTATION, PREVIOUS_LOG_ANNOTATION};

use super::*;

fn pod_with_log(log: &str) -> serde_json::Value {
    let mut pod = crashing_pod("api-0", "shop");
    pod["metadata"]["annotations"] = json!({
        LOG_ANNOTATION: log,
        format!("{PREVIOUS_LOG_ANNOTATION}.app"): "panic: out of memory\n",
    });
    pod
}

#[test]
fn a_10_mb_log_is_cut_to_the_cap_keeping_the_end() {
    let line = "2026-01-01T00:00:00Z INFO request served path=/api/orders status=200 ms=12 — ✓\n";
    let mut log = line.repeat(10 * 1024 * 1024 / line.len());
    log.push_str("2026-01-01T00:00:01Z FATAL out of memory\n");
    let fake = FakeCluster::start();
    fake.seed(pod_with_log(&log));
    let limits = ToolLimits::new().max_bytes(16 * 1024);
    with_reader(&fake, limits, async |r| {
        let out = r
            .logs("api-0", Some("shop"), None, false, Some(1_000_000))
            .await
            .unwrap();
        assert!(out.len() <= 16 * 1024, "{} bytes", out.len());
        assert!(out.ends_with("FATAL out of memory\n"), "the end is kept");
        let first = out.lines().next().unwrap();
        let cut: usize = first.split(' ').nth(1).unwrap().parse().unwrap();
        assert_eq!(
            first,
            format!(
                "[… {cut} earlier bytes cut at the 16384-byte cap; ask for fewer lines with tail, or name a container]"
            )
        );
        let kept = &out[first.len() + 1..];
        assert_eq!(
            cut + kept.len(),
            log.len(),
            "the note counts every byte cut"
        );
        assert!(
            kept.starts_with("2026-01-01T00:00:00Z INFO"),
            "starts on a line"
        );
    });
}

#[test]
fn default_tail_and_the_parameters_reach_the_api() {
    let log: String = (0..1000).map(|i| format!("line {i}\n")).collect();
    let fake = FakeCluster::start();
    fake.seed(pod_with_log(&log));
    with_reader(&fake, ToolLimits::new().log_tail_lines(3), async |r| {
        let out = r
            .logs("api-0", Some("shop"), None, false, None)
            .await
            .unwrap();
        assert_eq!(out, "line 997\nline 998\nline 999\n");
        let previous = r
            .logs("api-0", Some("shop"), Some("app"), true, Some(50))
            .await
            .unwrap();
        assert_eq!(previous, "panic: out of memory\n");
        let logs: Vec<_> = fake
            .requests()
            .into_iter()
            .filter(|q| q.path.ends_with("/pods/api-0/log"))
            .collect();
        assert_eq!(logs[0].param("tailLines"), Some("3"));
        assert_eq!(logs[0].param("previous"), None);
        assert_eq!(logs[1].param("tailLines"), Some("50"));
        assert_eq!(logs[1].param("previous"), Some("true"));
        assert_eq!(logs[1].param("container"), Some("app"));

        let err = r
            .logs("api-0", Some("shop"), Some("sidecar"), false, None)
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "get logs of Pod/api-0 in namespace shop: container sidecar is not valid for pod api-0"
        );
        let err = r
            .logs("api-9", Some("shop"), None, false, None)
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no pod api-9 in namespace shop; pods there: api-0"
        );
    });
}
