//! `shipmate doctor`: checks that a first run will work — kubeconfig and context, cluster
//! reachability and version, permissions, kubectl and helm, the backend's configuration and
//! reachability, the constitution, the state directory — each as `ok`, `warn` or `fail` with
//! one line and, when not ok, the fix.
//!
//! Checks never print a secret: the backend check names the variable a key comes from and
//! whether it is set, never the key or any part of it. Every network request has a short
//! timeout, so a dead cluster or model server costs seconds, not minutes.

mod backend;
mod cluster;
mod local;
mod programs;

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::cluster::ConnectOptions;
use crate::style::{Style, Tone};

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Works.
    Ok,
    /// Works partly, or something optional is missing.
    Warn,
    /// Will not work until fixed.
    Fail,
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Which check (`kubeconfig`, `cluster`, …).
    pub name: &'static str,
    /// The verdict.
    pub status: Status,
    /// One line saying what was found.
    pub message: String,
    /// What to do about it (warn and fail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    /// A passing check.
    pub fn ok(name: &'static str, message: impl Into<String>) -> Check {
        Check {
            name,
            status: Status::Ok,
            message: message.into(),
            fix: None,
        }
    }

    /// A warning with its fix.
    pub fn warn(name: &'static str, message: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name,
            status: Status::Warn,
            message: message.into(),
            fix: Some(fix.into()),
        }
    }

    /// A failure with its fix.
    pub fn fail(name: &'static str, message: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name,
            status: Status::Fail,
            message: message.into(),
            fix: Some(fix.into()),
        }
    }
}

/// What the checks look at: what a session is built from.
#[derive(Debug, Clone, Default)]
pub struct DoctorOptions {
    /// `--kubeconfig` and `--context`.
    pub connect: ConnectOptions,
    /// `--namespace`: where permissions are checked (default: the context's).
    pub namespace: Option<String>,
    /// `--backend`.
    pub backend: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--model`.
    pub model: Option<String>,
    /// `--constitution`.
    pub constitution: Option<PathBuf>,
    /// Longest wait for any one network request.
    pub timeout: Duration,
}

/// Every check's result, in the order they ran.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// shipmate's version (with the git revision when known).
    pub version: &'static str,
    /// The checks.
    pub checks: Vec<Check>,
    /// How many checks ended in each status.
    pub summary: Summary,
}

/// Counts per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Passed.
    pub ok: usize,
    /// Warnings.
    pub warn: usize,
    /// Failures.
    pub fail: usize,
}

impl Report {
    /// Whether any check failed (the command then exits 1).
    pub fn failed(&self) -> bool {
        self.summary.fail > 0
    }

    /// The human-readable report: one line per check, then its fix indented below.
    pub fn to_text(&self, style: Style) -> String {
        let mut out = format!("shipmate {}\n", self.version);
        for check in &self.checks {
            let (tone, label) = match check.status {
                Status::Ok => (Tone::Good, "ok  "),
                Status::Warn => (Tone::Warn, "warn"),
                Status::Fail => (Tone::Bad, "fail"),
            };
            out.push_str(&format!(
                "{}  {:<13} {}\n",
                style.paint(tone, label),
                check.name,
                check.message
            ));
            if let Some(fix) = &check.fix {
                out.push_str(&format!(
                    "{:19} {}\n",
                    "",
                    style.paint(Tone::Dim, &format!("fix: {fix}"))
                ));
            }
        }
        let s = self.summary;
        out.push_str(&format!(
            "\n{} failed, {} warning{}, {} ok\n",
            s.fail,
            s.warn,
            if s.warn == 1 { "" } else { "s" },
            s.ok
        ));
        out
    }
}

/// Runs every check.
pub fn run(opts: &DoctorOptions) -> anyhow::Result<Report> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut checks = Vec::new();
    let (cluster, server_minor) = runtime.block_on(cluster::checks(opts));
    checks.extend(cluster);
    checks.push(runtime.block_on(programs::kubectl(opts.timeout, server_minor)));
    checks.push(runtime.block_on(programs::helm(opts.timeout)));
    checks.extend(runtime.block_on(backend::checks(opts)));
    checks.push(local::constitution(opts.constitution.as_deref()));
    checks.push(local::state_dir());
    let mut summary = Summary::default();
    for check in &checks {
        match check.status {
            Status::Ok => summary.ok += 1,
            Status::Warn => summary.warn += 1,
            Status::Fail => summary.fail += 1,
        }
    }
    Ok(Report {
        version: crate::version::VERSION,
        checks,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_puts_each_fix_under_its_check_and_counts_statuses() {
        let report = Report {
            version: "9.9.9",
            checks: vec![
                Check::ok("cluster", "answers"),
                Check::warn("helm", "not found", "install helm"),
                Check::fail("state-dir", "cannot write", "set XDG_STATE_HOME"),
            ],
            summary: Summary {
                ok: 1,
                warn: 1,
                fail: 1,
            },
        };
        let text = report.to_text(Style::plain());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "shipmate 9.9.9");
        assert!(lines[1].starts_with("ok") && lines[1].contains("cluster"));
        assert!(lines[2].starts_with("warn") && lines[3].trim() == "fix: install helm");
        assert!(lines[4].starts_with("fail") && lines[5].trim() == "fix: set XDG_STATE_HOME");
        assert!(text.ends_with("1 failed, 1 warning, 1 ok\n"), "{text}");
        assert!(report.failed());
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["checks"][0].get("fix"), None);
        assert_eq!(json["checks"][2]["status"], "fail");
    }
}
