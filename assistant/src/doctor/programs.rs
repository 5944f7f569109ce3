//! Whether kubectl and helm are there and which versions: `$SHIPMATE_KUBECTL` /
//! `$SHIPMATE_HELM` when set (as the rest of shipmate and its tests use them), else `PATH`.
//! Both are optional — shipmate applies with its own client — so a missing one is a warning.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Check;

/// kubectl: runs the actions shipmate cannot do natively and the manual fallback's commands.
/// With `server_minor` (the cluster's `1.N`), a kubectl more than one minor version away is a
/// warning: that skew is outside what kubectl supports.
pub async fn kubectl(timeout: Duration, server_minor: Option<u32>) -> Check {
    const INSTALL: &str = "install kubectl (https://kubernetes.io/docs/tasks/tools/) or set \
                           SHIPMATE_KUBECTL to its path";
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
    let found = probe(
        "kubectl",
        &program,
        &["version", "--client", "-o", "json"],
        version,
        timeout,
        "needed for actions shipmate does not run natively (exec, rollout restart…) and to run \
         the manual fallback's commands",
        INSTALL,
    )
    .await;
    let (path, version) = match found {
        Ok(found) => found,
        Err(check) => return check,
    };
    let client_minor = version.as_deref().and_then(minor);
    match (version, client_minor, server_minor) {
        (Some(v), Some(client), Some(server)) if client.abs_diff(server) > 1 => Check::warn(
            "kubectl",
            format!(
                "{} ({v}) is {} minor versions from the server's 1.{server}; kubectl supports \
                 one minor version either way",
                path.display(),
                client.abs_diff(server)
            ),
            format!(
                "install kubectl 1.{}–1.{} ({INSTALL})",
                server.saturating_sub(1),
                server + 1
            ),
        ),
        (version, _, _) => found_ok("kubectl", &path, version),
    }
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
    let found = probe(
        "helm",
        &program,
        &["version", "--short"],
        version,
        timeout,
        "needed only to lint and render Helm charts",
        "install helm (https://helm.sh/docs/intro/install/) or set SHIPMATE_HELM to its path",
    )
    .await;
    match found {
        Ok((path, version)) => found_ok("helm", &path, version),
        Err(check) => check,
    }
}

/// `PATH (VERSION)`.
fn found_ok(name: &'static str, path: &Path, version: Option<String>) -> Check {
    let version = version.unwrap_or_else(|| "version unknown".into());
    Check::ok(name, format!("{} ({version})", path.display()))
}

/// The minor version of `v1.N.P` (or `1.N`, `1.N+`).
pub fn minor(version: &str) -> Option<u32> {
    let digits: String = version
        .trim_start_matches('v')
        .split('.')
        .nth(1)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Finds `program`, runs it with `args` and reads its version from stdout with `version`:
/// the file found and the version, or the warning saying why not.
async fn probe(
    name: &'static str,
    program: &Path,
    args: &[&str],
    version: impl Fn(&str) -> Option<String>,
    timeout: Duration,
    needed_for: &str,
    install: &str,
) -> Result<(PathBuf, Option<String>), Check> {
    let Some(path) = crate::program::locate(program) else {
        let looked = if program.components().count() > 1 {
            program.display().to_string()
        } else {
            format!("{} on PATH", program.display())
        };
        return Err(Check::warn(
            name,
            format!("not found ({looked}); {needed_for}"),
            install,
        ));
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
            return Err(Check::warn(
                name,
                format!(
                    "{} fails: `{} {}`: {err}",
                    path.display(),
                    name,
                    args.join(" ")
                ),
                install,
            ));
        }
        Ok(Err(e)) => {
            return Err(Check::warn(
                name,
                format!("cannot run {}: {e}", path.display()),
                install,
            ));
        }
        Err(_) => {
            return Err(Check::warn(
                name,
                format!(
                    "{} did not answer `{}` within {}s",
                    path.display(),
                    args.join(" "),
                    timeout.as_secs()
                ),
                install,
            ));
        }
    };
    let version = version(&String::from_utf8_lossy(&out.stdout));
    Ok((path, version))
}

#[cfg(test)]
mod tests {
    #[test]
    fn minor_versions_are_read_from_every_spelling() {
        assert_eq!(super::minor("v1.37.1"), Some(37));
        assert_eq!(super::minor("1.30+"), Some(30));
        assert_eq!(super::minor("v1.37.0-fake"), Some(37));
        assert_eq!(super::minor("garbage"), None);
    }
}
