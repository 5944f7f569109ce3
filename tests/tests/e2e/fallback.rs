//! The manual fallback of `shipmate ask`: a new directory per proposal, files in apply order,
//! Secrets 0600, commands a POSIX shell reads back exactly, nothing written for blocked or
//! unanswered requests, and a clear error (with the proposal still printed) when the files
//! cannot be written. Each test runs in its own [`Sandbox`].

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};
use shipmate_e2e::Sandbox;

const WEB: &str =
    "create a deployment named web running nginx:1.27.1 with 2 replicas on port 80 and expose it";

fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    sandbox.ask(args)
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn applied_says_where_the_files_are_and_what_to_run() {
    let sandbox = Sandbox::new();
    let out = run(&sandbox, &["-o", "json", "--no-apply", WEB]);
    assert_eq!(out.status.code(), Some(0));
    let p = json(&out);
    let applied = &p["applied"];
    assert_eq!(applied["mode"], "manual");
    assert_eq!(applied["reason"], "no_apply");
    let dir = applied["directory"].as_str().unwrap();
    let name = dir.strip_prefix("shipmate-out/").expect("default base");
    assert!(
        name.ends_with("-create-deployment-web-running-nginx-1.27.1-with"),
        "{name}"
    );
    assert_eq!(
        applied["files"],
        json!([
            format!("{dir}/01-service-web.yaml"),
            format!("{dir}/02-deployment-web.yaml")
        ])
    );
    assert_eq!(
        applied["commands"],
        json!([
            [
                "kubectl",
                "apply",
                "--server-side",
                "--field-manager=shipmate",
                "--dry-run=server",
                "-f",
                dir
            ],
            ["kubectl", "diff", "-f", dir],
            [
                "kubectl",
                "apply",
                "--server-side",
                "--field-manager=shipmate",
                "-f",
                dir
            ]
        ])
    );
    let on_disk = sandbox.work().join(dir);
    assert_eq!(
        entries(&on_disk),
        ["01-service-web.yaml", "02-deployment-web.yaml"],
        "apply order: the Service (proposed second) comes before the Deployment"
    );
    let deployment = std::fs::read_to_string(on_disk.join("02-deployment-web.yaml")).unwrap();
    assert!(deployment.contains("kind: Deployment"), "{deployment}");

    // Without --no-apply the reason is that there is no cluster to apply to.
    let p = json(&run(&sandbox, &["-o", "json", WEB]));
    assert_eq!(p["applied"]["reason"], "no_cluster");
}

#[test]
fn two_runs_never_share_a_directory() {
    let sandbox = Sandbox::new();
    let a = json(&run(&sandbox, &["-o", "json", WEB]));
    let b = json(&run(&sandbox, &["-o", "json", WEB]));
    let (da, db) = (
        a["applied"]["directory"].as_str().unwrap(),
        b["applied"]["directory"].as_str().unwrap(),
    );
    assert_ne!(da, db);
    if db.starts_with(da) {
        assert_eq!(db, format!("{da}-2"), "same second: a suffix");
    }
    let base = sandbox.work().join("shipmate-out");
    assert_eq!(entries(&base).len(), 2);
    for d in [da, db] {
        assert_eq!(entries(&sandbox.work().join(d)).len(), 2, "{d} is complete");
    }
}

#[cfg(unix)]
#[test]
fn secrets_are_written_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let sandbox = Sandbox::new();
    let p = json(&run(
        &sandbox,
        &["-o", "json", "create a secret db with password=hunter2"],
    ));
    let file = sandbox
        .work()
        .join(p["applied"]["files"][0].as_str().unwrap());
    assert!(file.ends_with("01-secret-db.yaml"), "{}", file.display());
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(std::fs::read_to_string(&file).unwrap().contains("hunter2"));
}

#[test]
fn blocked_and_unanswered_requests_write_nothing() {
    for (request, code) in [
        (
            "run a pod named sniff using busybox:1.36 with hostNetwork",
            3,
        ),
        ("scale it up", 4),
        ("tell me a joke", 4),
    ] {
        let sandbox = Sandbox::new();
        let out = run(&sandbox, &["-o", "json", request]);
        assert_eq!(out.status.code(), Some(code), "{request}");
        assert!(json(&out)["applied"].is_null(), "{request}");
        assert!(entries(&sandbox.work()).is_empty(), "{request} wrote files");
        let text = run(&sandbox, &[request]);
        assert!(entries(&sandbox.work()).is_empty(), "{request} wrote files");
        let text = String::from_utf8(text.stdout).unwrap();
        assert!(!text.contains("kubectl apply"), "{text}");
    }
}

#[test]
fn actions_only_proposals_write_no_directory_but_list_the_commands() {
    let sandbox = Sandbox::new();
    let out = run(&sandbox, &["scale deployment web to 5 replicas"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  1. kubectl scale deployment/web --replicas=5"),
        "{text}"
    );
    assert!(entries(&sandbox.work()).is_empty());
}

/// A base directory below a regular file cannot be created, even by root.
fn unwritable_base(sandbox: &Sandbox) -> PathBuf {
    let file = sandbox.work().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    file.join("out")
}

#[test]
fn an_unwritable_base_is_a_clear_error_and_the_proposal_is_still_printed() {
    let sandbox = Sandbox::new();
    let base = unwritable_base(&sandbox);
    let request = "create a secret db with password=hunter2";
    let out = run(&sandbox, &["--out-dir", base.to_str().unwrap(), request]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(&base.display().to_string()), "{stderr}");
    assert!(stderr.contains("--out-dir DIR"), "{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("kind: Secret") && text.contains("password"),
        "{text}"
    );
    assert!(text.contains("could not be written"), "{text}");
    assert!(text.contains("--output yaml"), "{text}");

    // JSON: the whole proposal (values included) on stdout, `applied` null, exit 1.
    let out = run(
        &sandbox,
        &["-o", "json", "--out-dir", base.to_str().unwrap(), request],
    );
    assert_eq!(out.status.code(), Some(1));
    let p = json(&out);
    assert!(p["applied"].is_null());
    assert_eq!(p["manifests"][0]["stringData"]["password"], "hunter2");
    assert_eq!(entries(&sandbox.work()), ["a-file"]);
}

#[cfg(unix)]
#[test]
fn a_read_only_base_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt as _;
    let sandbox = Sandbox::new();
    let base = sandbox.work().join("ro");
    std::fs::create_dir(&base).unwrap();
    std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(base.join("probe"), "").is_ok() {
        eprintln!("skipping: running as root, permissions are not enforced");
        return;
    }
    let out = run(&sandbox, &["--out-dir", base.to_str().unwrap(), WEB]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("writable"), "{stderr}");
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("kind: Deployment")
    );
}

/// The printed commands, run by a real `/bin/sh` with a stand-in `kubectl` that prints its
/// arguments, give exactly the argv vectors of the JSON — even for a base directory full of
/// characters a shell would otherwise interpret.
#[cfg(unix)]
#[test]
fn printed_commands_mean_exactly_the_json_argv() {
    use std::os::unix::fs::PermissionsExt as _;
    let sandbox = Sandbox::new();
    let bin = sandbox.work().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let fake = bin.join("kubectl");
    std::fs::write(&fake, "#!/bin/sh\nprintf '%s\\0' kubectl \"$@\"\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();

    let base = "it's a $HOME `id` dir; *&|(x)";
    let out = run(&sandbox, &["--out-dir", base, WEB]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let commands: Vec<&str> = text
        .split("in order:\n")
        .nth(1)
        .expect("the commands")
        .lines()
        .map(|l| l.trim_start().split_once(". ").expect("N. command").1)
        .collect();
    // The directory is the only entry of the base.
    let dir = entries(&sandbox.work().join(base)).pop().unwrap();
    let dir = format!("{base}/{dir}");
    let expected = [
        vec![
            "kubectl",
            "apply",
            "--server-side",
            "--field-manager=shipmate",
            "--dry-run=server",
            "-f",
            &dir,
        ],
        vec!["kubectl", "diff", "-f", &dir],
        vec![
            "kubectl",
            "apply",
            "--server-side",
            "--field-manager=shipmate",
            "-f",
            &dir,
        ],
    ];
    assert_eq!(commands.len(), expected.len(), "{text}");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (line, want) in commands.iter().zip(expected) {
        let ran = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(line)
            .env("PATH", &path)
            .current_dir(sandbox.work())
            .output()
            .unwrap();
        let got: Vec<String> = String::from_utf8(ran.stdout)
            .unwrap()
            .split_terminator('\0')
            .map(str::to_owned)
            .collect();
        assert_eq!(got, want, "line: {line}");
    }
}
