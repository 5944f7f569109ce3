//! The REPL driven through a pseudo-terminal, as a person would use it: requests, the diff, the
//! confirmation, conversational "it", `/undo`, `/manual`, Ctrl-C and Ctrl-D; and the same REPL
//! reading a script from a pipe.
//!
//! Every wait is an expectation on the output with a generous timeout (the machine may be
//! loaded); nothing sleeps to synchronise.

use std::io::Write as _;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use serde_json::Value;
use shipmate_e2e::Sandbox;
use shipmate_e2e::fake_kube::FakeCluster;

/// Per expectation. (rexpect reads bytes as single characters: expect ASCII text only.)
pub(crate) const TIMEOUT_MS: u64 = 30_000;
/// The prompt on the fake cluster (its kubeconfig's context is `fake`, namespace `default`).
pub(crate) const PROMPT: &str = "shipmate [fake/default]> ";
/// The end of the confirmation question.
pub(crate) const CONFIRM: &str = "[y]es/[n]o/[e]dit/[m]anual: ";
const WEB: &str = "deploy nginx:1.27.1 as web with 2 replicas";

/// A REPL on a pseudo-terminal.
pub(crate) struct Pty {
    session: PtySession,
}

impl Pty {
    pub(crate) fn start(mut cmd: Command) -> Pty {
        // A terminal rustyline fully supports; no editor can open by accident.
        cmd.env("TERM", "xterm").env("EDITOR", "false");
        let session = spawn_command(cmd, Some(TIMEOUT_MS)).expect("start shipmate on a pty");
        Pty { session }
    }

    /// Waits for `text`; returns what came before it.
    pub(crate) fn expect(&mut self, text: &str) -> String {
        self.session
            .exp_string(text)
            .unwrap_or_else(|e| panic!("expected {text:?} in the REPL's output: {e}"))
    }

    pub(crate) fn line(&mut self, text: &str) {
        self.session.send_line(text).expect("type a line");
    }

    fn control(&mut self, key: char) {
        self.session.send_control(key).expect("send a control key");
    }

    /// Waits for the process to end and returns its exit code.
    pub(crate) fn exit_code(mut self) -> i32 {
        self.session.exp_eof().expect("the REPL ends");
        match self
            .session
            .process_mut()
            .wait()
            .expect("wait for shipmate")
        {
            WaitStatus::Exited(_, code) => code,
            other => panic!("shipmate did not exit normally: {other:?}"),
        }
    }
}

fn replicas(fake: &FakeCluster) -> Value {
    fake.get("deploy/default/web")
        .map_or(Value::Null, |d| d["spec"]["replicas"].clone())
}

#[test]
fn a_session_applies_then_scales_it_then_undoes() {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    let mut repl = Pty::start(sandbox.shipmate_on(&fake));
    repl.expect(PROMPT);

    repl.line(WEB);
    repl.expect("[proposed] Create Deployment web");
    repl.expect("proposed, server dry-run):");
    repl.expect("[new] Deployment/web");
    repl.expect("+  replicas: 2");
    repl.expect(CONFIRM);
    assert!(
        fake.get("deploy/default/web").is_none(),
        "only a dry-run so far"
    );
    repl.line("y");
    repl.expect("Deployment/web -n default: created");
    repl.expect(PROMPT);
    assert_eq!(replicas(&fake), 2);

    // "it" is the Deployment of the previous turn; the scale runs natively.
    repl.line("scale it to 3");
    repl.expect("Scale deployment web to 3 replicas");
    repl.expect("kubectl scale deployment/web --replicas=3");
    repl.expect(CONFIRM);
    repl.line("y");
    repl.expect("Applied:");
    let report = repl.expect(PROMPT);
    assert_eq!(replicas(&fake), 3, "scaled through the REPL: {report}");

    repl.line("/undo");
    repl.expect("Undo it? [y/N]: ");
    repl.line("y");
    repl.expect("undid ");
    repl.expect(PROMPT);
    assert_eq!(replicas(&fake), 2, "the undo put the replicas back");

    repl.line("/exit");
    assert_eq!(repl.exit_code(), 0);
    let entries = sandbox.audit_entries();
    let requests: Vec<&str> = entries
        .iter()
        .map(|e| e["request"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(requests[..2], [WEB, "scale it to 3"]);
    assert!(entries[2]["undoes"].is_string(), "{:?}", entries[2]);
}

#[test]
fn manual_writes_the_files_and_prints_the_commands() {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    let mut repl = Pty::start(sandbox.shipmate_on(&fake));
    repl.expect(PROMPT);
    repl.line("deploy nginx:1.27.1 as web with 2 replicas on port 80 and expose it");
    repl.expect(CONFIRM);
    // Ctrl-C at the confirmation is "no", and the REPL goes on.
    repl.control('c');
    repl.expect("Nothing was applied.");
    repl.expect(PROMPT);

    repl.line("/manual");
    repl.expect("Manual steps: nothing was applied (you chose to apply it by hand).");
    let listing = repl.expect(PROMPT);
    repl.line("/exit");
    assert_eq!(repl.exit_code(), 0);

    assert!(fake.get("deploy/default/web").is_none(), "nothing applied");
    let out = sandbox.work().join("shipmate-out");
    let dirs: Vec<_> = std::fs::read_dir(&out)
        .expect("shipmate-out/ was written")
        .map(|d| d.unwrap().path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    let mut files: Vec<String> = std::fs::read_dir(&dirs[0])
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["01-service-web.yaml", "02-deployment-web.yaml"]);
    let deployment = std::fs::read_to_string(dirs[0].join("02-deployment-web.yaml")).unwrap();
    assert!(deployment.contains("image: nginx:1.27.1"), "{deployment}");
    let dir_name = dirs[0].file_name().unwrap().to_string_lossy().into_owned();
    for file in &files {
        assert!(listing.contains(file.as_str()), "{file} listed:\n{listing}");
    }
    assert!(
        listing.contains(&format!(
            "kubectl apply --server-side --field-manager=shipmate -f shipmate-out/{dir_name}"
        )),
        "{listing}"
    );
    let decisions: Vec<Value> = sandbox
        .audit_entries()
        .iter()
        .map(|e| e["decision"].clone())
        .collect();
    assert_eq!(decisions, ["declined", "manual"]);
}

#[test]
fn ctrl_c_clears_the_line_and_ctrl_d_leaves_with_0() {
    let sandbox = Sandbox::new();
    let mut repl = Pty::start(sandbox.shipmate());
    let prompt = "shipmate [no cluster/default]> ";
    repl.expect(prompt);
    repl.session.send("scale deploy").expect("type");
    repl.control('c');
    repl.expect(prompt);
    // Had the line not been cleared, this would be "scale deploy/help", a request.
    repl.line("/help");
    repl.expect("Commands:");
    repl.expect("\\ at the end of a line continues");
    repl.expect(prompt);
    repl.line("/nonsense");
    repl.expect("unknown command `/nonsense`");
    repl.expect(prompt);
    repl.control('d');
    assert_eq!(repl.exit_code(), 0);

    let history = sandbox.state_home().join("shipmate/repl_history");
    let text = std::fs::read_to_string(&history).expect("the history was saved");
    assert!(
        text.contains("/help") && !text.contains("scale deploy"),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&history).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn ctrl_c_while_checking_with_the_cluster_cancels_that_step_only() {
    // An API server that accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = listener.local_addr().unwrap();
    let (accepted, connected) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming() {
            held.push(conn);
            let _ = accepted.send(());
        }
    });
    let sandbox = Sandbox::new();
    let kubeconfig = sandbox.work().join("silent-kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: silent\n\
             clusters: [{{name: silent, cluster: {{server: 'http://{server}'}}}}]\n\
             users: [{{name: u, user: {{token: t}}}}]\n\
             contexts: [{{name: silent, context: {{cluster: silent, user: u}}}}]\n"
        ),
    )
    .unwrap();
    let mut cmd = sandbox.shipmate();
    cmd.env("KUBECONFIG", &kubeconfig);
    let mut repl = Pty::start(cmd);
    let prompt = "shipmate [silent/default]> ";
    repl.expect(prompt);
    repl.line(WEB);
    repl.expect("[proposed] Create Deployment web");
    connected
        .recv_timeout(Duration::from_millis(TIMEOUT_MS))
        .expect("the checks reach the server");
    repl.control('c');
    repl.expect("Cancelled (Ctrl-C) while checking with the cluster: nothing was applied.");
    repl.expect(prompt);
    repl.line("/exit");
    assert_eq!(repl.exit_code(), 0);
    let entries = sandbox.audit_entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["decision"], "declined");
}

#[test]
fn a_piped_script_runs_line_by_line_without_prompts_or_colour() {
    let fake = FakeCluster::start();
    let sandbox = Sandbox::new();
    let mut child = sandbox
        .shipmate_on(&fake)
        .args(["repl", "--approval", "never"])
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run shipmate");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"deploy nginx:1.27.1 as web \\\nwith 2 replicas\n/nonsense\n/history\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert_eq!(replicas(&fake), 2, "applied (--approval never)");
    assert!(
        stdout.contains("Deployment/web -n default: created"),
        "{stdout}"
    );
    assert!(stdout.contains("applied         1  deploy nginx:1.27.1 as web with 2 replicas"));
    assert!(!stdout.contains("shipmate ["), "no prompt: {stdout}");
    assert!(
        !stdout.contains('\u{1b}') && !stderr.contains('\u{1b}'),
        "no colour"
    );
    assert!(stderr.contains("unknown command `/nonsense`"), "{stderr}");
}

#[test]
fn help_still_lists_every_subcommand() {
    let out = shipmate_e2e::shipmate().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{help}");
    for sub in ["validate", "ask", "undo", "history", "repl"] {
        assert!(help.contains(sub), "{sub} in:\n{help}");
    }
    // REPL flags and subcommands do not mix.
    let out = shipmate_e2e::shipmate()
        .args(["--yes", "history"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_partial_apply_offers_to_undo_the_applied_part() {
    let fake = FakeCluster::start();
    fake.inject(
        shipmate_e2e::fake_kube::Fault::status(500)
            .method("PATCH")
            .path_contains("/deployments/")
            .real_writes_only(),
    );
    let sandbox = Sandbox::new();
    let mut repl = Pty::start(sandbox.shipmate_on(&fake));
    repl.expect(PROMPT);
    repl.line("deploy nginx:1.27.1 as web with 2 replicas on port 80 and expose it");
    repl.expect(CONFIRM);
    repl.line("y");
    repl.expect("Service/web -n default: created");
    repl.expect("Deployment/web -n default: FAILED");
    repl.expect("Undo that part now? [y/N]: ");
    assert!(fake.get("svc/default/web").is_some());
    repl.line("y");
    repl.expect("delete Service/web in namespace default: done");
    repl.expect(PROMPT);
    assert!(
        fake.get("svc/default/web").is_none(),
        "the applied part was undone"
    );
    repl.line("/exit");
    assert_eq!(repl.exit_code(), 0);
}
