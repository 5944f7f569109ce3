//! `shipmate completions`, `shipmate man` and `shipmate --version`.

use std::path::Path;
use std::process::Command;

use shipmate_e2e::shipmate;

/// The subcommands `shipmate --help` lists (so subcommands added later are covered too).
fn subcommands() -> Vec<String> {
    let out = shipmate().arg("--help").output().expect("run shipmate");
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    let names: Vec<String> = help
        .split("Commands:")
        .nth(1)
        .expect("--help lists commands")
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_owned)
        .collect();
    for known in ["validate", "ask", "completions", "man", "doctor"] {
        assert!(names.iter().any(|n| n == known), "{known} in {names:?}");
    }
    names
}

fn run(args: &[&str]) -> (String, String) {
    let out = shipmate().args(args).output().expect("run shipmate");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "shipmate {args:?} failed:\n{stderr}");
    (stdout, stderr)
}

#[test]
fn completions_for_every_shell_mention_every_subcommand() {
    let names = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (script, _) = run(&["completions", shell]);
        for name in &names {
            assert!(
                script.contains(name.as_str()),
                "{shell} script lacks {name}"
            );
        }
        assert!(
            script.contains("kubeconfig"),
            "{shell} script completes flags"
        );
    }
    let out = shipmate().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bash"));
}

#[test]
fn bash_sources_the_script_and_completes_subcommands() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("skipping: no bash");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shipmate.bash");
    std::fs::write(&file, run(&["completions", "bash"]).0).unwrap();
    // Source it, show the registration, then complete `shipmate doc` and `shipmate doctor --out`
    // as bash would at the prompt.
    let script = r#"source "$1" || exit 9
complete -p shipmate
COMP_WORDS=(shipmate doc); COMP_CWORD=1; COMP_LINE="shipmate doc"; COMP_POINT=${#COMP_LINE}
_shipmate shipmate doc shipmate; echo "subcommands: ${COMPREPLY[*]}"
COMP_WORDS=(shipmate doctor --out); COMP_CWORD=2; COMP_LINE="shipmate doctor --out"; COMP_POINT=${#COMP_LINE}
_shipmate shipmate --out doctor; echo "flags: ${COMPREPLY[*]}""#;
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", script, "bash"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("-F _shipmate shipmate"), "{stdout}");
    assert!(stdout.contains("subcommands: doctor"), "{stdout}");
    assert!(stdout.contains("flags: --output"), "{stdout}");
}

#[test]
fn the_man_page_is_roff_with_every_subcommand() {
    let (page, _) = run(&["man"]);
    assert!(
        page.lines().any(|l| l.starts_with(".TH shipmate 1")),
        "{page}"
    );
    assert!(
        page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"),
        "{page}"
    );
    for name in subcommands() {
        assert!(page.contains(&name), "the page lacks {name}");
    }
    if Command::new("groff").arg("--version").output().is_err() {
        eprintln!("skipping the rendering check: no groff");
        return;
    }
    let mut child = Command::new("groff")
        // -k: the page is UTF-8; -P-cbou: plain text, no overstriking; -ww: every warning.
        .args(["-k", "-man", "-Tutf8", "-ww", "-P-cbou"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("NAME") && text.contains("doctor"), "{text}");
}

#[test]
fn man_dir_writes_one_page_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("man1");
    let (_, stderr) = run(&["man", "--dir", target.to_str().unwrap()]);
    assert!(stderr.contains("man1"), "{stderr}");
    let top = std::fs::read_to_string(target.join("shipmate.1")).unwrap();
    assert!(top.contains(".TH shipmate 1"));
    for name in subcommands() {
        let page = target.join(format!("shipmate-{name}.1"));
        let text =
            std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        assert!(text.contains(&format!(".TH shipmate-{name} 1")), "{text}");
    }
}

#[test]
fn version_names_the_package_and_the_git_revision() {
    let (out, _) = run(&["--version"]);
    let line = out.trim();
    let expected = format!("shipmate {}", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(&expected), "{line}");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let head = Command::new("git")
        .arg("-C")
        .arg(&workspace)
        .args(["rev-parse", "HEAD"])
        .output();
    let Some(head) = head
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    else {
        eprintln!("skipping the revision check: not a git checkout");
        return;
    };
    let revision = line
        .strip_prefix(&expected)
        .and_then(|r| r.trim().strip_prefix('('))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("no revision in {line:?}"));
    let hash = revision.strip_suffix("-dirty").unwrap_or(revision);
    assert!(
        hash.len() >= 7 && head.starts_with(hash),
        "{revision} is not HEAD {head}"
    );
}
