//! Whether kubectl and helm are there and which versions: `$SHIPMATE_KUBECTL` /
//! `$SHIPMATE_HELM` when set (as the rest of shipmate and its tests use them), else `PATH`.
//! Both are optional — shipmate applies with its own client — so a missing one is a warning.

use std::path::Path;
use std::time::Duration;

use super::Check;

/// kubectl: runs the actions shipmate cannot do natively and the manual fallback's commands.
pub async fn kubectl(timeout: Duration) -> Check {
    let program = crate::program::from_env("SHIPMATE_KUBECTL", "kubectl");
    let version = |out: &str| {
        serde_json::from_str::<serde_json::Value>(out)
            .ok()
            .and_then(|v| {
                v.pointer("/clientVersion/gitVersion")?
                    .as_str()
                    .map(str::to_owned)
            })
    };
    probe(
        "kubectl",
        &program,
        &["version", "--client", "-o", "json"],
        version,
        timeout,
        "needed for actions shipmate does not run natively (exec, rollout restart…) and to run \
         the manual fallback's commands",
        "install kubectl (https://kubernetes.io/docs/tasks/tools/) or set SHIPMATE_KUBECTL to \
         its path",
    )
    .await
}

/// helm: lints and renders Helm charts.
pub async fn helm(timeout: Duration) -> Check {
    let program = crate::program::from_env("SHIPMATE_HELM", "helm");
    let version = |out: &str| {
        out.lines()
            .next()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
    };
    probe(
        "helm",
        &program,
        &["version", "--short"],
        version,
        timeout,
        "needed only to lint and render Helm charts",
        "install helm (https://helm.sh/docs/intro/install/) or set SHIPMATE_HELM to its path",
    )
    .await
}

/// Finds `program`, runs it with `args` and reads its version from stdout with `version`.
async fn probe(
    name: &'static str,
    program: &Path,
    args: &[&str],
    version: impl Fn(&str) -> Option<String>,
    timeout: Duration,
    needed_for: &str,
    install: &str,
) -> Check {
    let Some(path) = crate::program::locate(program) else {
        let looked = if program.components().count() > 1 {
            program.display().to_string()
        } else {
            format!("{} on PATH", program.display())
        };
        return Check::warn(name, format!("not found ({looked}); {needed_for}"), install);
    };
    let run = tokio::process::Command::new(&path)
        .args(args)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = match tokio::time::timeout(timeout, run).await {
        Ok(Ok(out)) if out.status.success() => out,
        Ok(Ok(out)) => {
            let err = String::from_utf8_lossy(&out.stderr);
            let err = err.lines().next().unwrap_or("no message");
            return Check::warn(
                name,
                format!(
                    "{} fails: `{} {}`: {err}",
                    path.display(),
                    name,
                    args.join(" ")
                ),
                install,
            );
        }
        Ok(Err(e)) => {
            return Check::warn(name, format!("cannot run {}: {e}", path.display()), install);
        }
        Err(_) => {
            return Check::warn(
                name,
                format!(
                    "{} did not answer `{}` within {}s",
                    path.display(),
                    args.join(" "),
                    timeout.as_secs()
                ),
                install,
            );
        }
    };
    match version(&String::from_utf8_lossy(&out.stdout)) {
        Some(v) => Check::ok(name, format!("{} ({v})", path.display())),
        None => Check::ok(name, format!("{} (version unknown)", path.display())),
    }
}
