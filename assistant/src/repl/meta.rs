//! Meta-commands: lines that start with `/` talk to the REPL instead of the backend. One table
//! drives parsing, `/help` and Tab completion, so they cannot drift apart.

use crate::session::Approval;

/// One meta-command: its name, its arguments and what it does.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// `/undo`.
    pub name: &'static str,
    /// `[ID]`.
    pub args: &'static str,
    /// One line of help.
    pub help: &'static str,
}

const fn spec(name: &'static str, args: &'static str, help: &'static str) -> Spec {
    Spec { name, args, help }
}

/// Every meta-command, in the order `/help` lists them.
pub const COMMANDS: &[Spec] = &[
    spec("/help", "", "this help"),
    spec("/show", "", "show the last proposal again"),
    spec(
        "/diff",
        "",
        "dry-run the last proposal on the cluster again and show the diff",
    ),
    spec(
        "/apply",
        "",
        "apply the last proposal (diff first, then your confirmation)",
    ),
    spec(
        "/edit",
        "",
        "edit the last proposal in $EDITOR; it is validated again",
    ),
    spec(
        "/manual",
        "",
        "write the last proposal's manifests to files and print the commands to run by hand",
    ),
    spec(
        "/undo",
        "[ID]",
        "undo an applied change (default: the latest not yet undone)",
    ),
    spec("/history", "[N]", "list the audit log, newest first"),
    spec(
        "/chart",
        "DIR [--force]",
        "draft a Helm chart of the last proposal in DIR (new or empty, unless --force)",
    ),
    spec(
        "/cost",
        "",
        "tokens the model calls of this session used (LLM backends)",
    ),
    spec("/backend", "[NAME]", "show the backends, or switch to NAME"),
    spec(
        "/context",
        "[NAME]",
        "list the kubeconfig contexts, or switch to NAME",
    ),
    spec("/ns", "[NAME]", "show the default namespace, or set it"),
    spec(
        "/approval",
        "[mutations|always|never]",
        "show or set when to ask before running",
    ),
    spec(
        "/clear",
        "",
        "forget the conversation (what \"it\" refers to) and the last proposal",
    ),
    spec("/exit", "", "leave the REPL (also /quit, or Ctrl-D)"),
];

/// A parsed meta-command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meta {
    /// `/help`.
    Help,
    /// `/show`.
    Show,
    /// `/diff`.
    Diff,
    /// `/apply`.
    Apply,
    /// `/edit`.
    Edit,
    /// `/manual`.
    Manual,
    /// `/undo [ID]`.
    Undo(Option<String>),
    /// `/history [N]`.
    History(Option<usize>),
    /// `/chart DIR [--force]`.
    Chart {
        /// The chart directory.
        dir: String,
        /// Replace the chart's files in a non-empty directory.
        force: bool,
    },
    /// `/cost`.
    Cost,
    /// `/backend [NAME]`.
    Backend(Option<String>),
    /// `/context [NAME]`.
    Context(Option<String>),
    /// `/ns [NAME]`.
    Namespace(Option<String>),
    /// `/approval [POLICY]`.
    Approval(Option<Approval>),
    /// `/clear`.
    Clear,
    /// `/exit` or `/quit`.
    Exit,
}

/// Parses `line`: `None` when it is not a meta-command (a request for the backend); else the
/// command, or a message saying what is wrong with it.
pub fn parse(line: &str) -> Option<Result<Meta, String>> {
    let line = line.trim();
    if !line.starts_with('/') {
        return None;
    }
    let mut words = line.split_whitespace();
    let name = words.next().unwrap_or_default().to_ascii_lowercase();
    let args: Vec<&str> = words.collect();
    Some(build(&name, &args))
}

fn build(name: &str, args: &[&str]) -> Result<Meta, String> {
    let name = if name == "/quit" { "/exit" } else { name };
    let Some(spec) = COMMANDS.iter().find(|s| s.name == name) else {
        return Err(format!(
            "unknown command `{name}`; the commands are {} (/help says what each does)",
            names().join(", ")
        ));
    };
    if name == "/chart" {
        return chart(args);
    }
    let max = usize::from(!spec.args.is_empty());
    if args.len() > max {
        let usage = format!("{} {}", spec.name, spec.args);
        return Err(format!(
            "`{}` takes {}; usage: {}",
            spec.name,
            if max == 0 {
                "no arguments".to_owned()
            } else {
                "at most one argument".to_owned()
            },
            usage.trim_end()
        ));
    }
    let arg = args.first().map(|a| (*a).to_owned());
    Ok(match name {
        "/help" => Meta::Help,
        "/show" => Meta::Show,
        "/diff" => Meta::Diff,
        "/apply" => Meta::Apply,
        "/edit" => Meta::Edit,
        "/manual" => Meta::Manual,
        "/undo" => Meta::Undo(arg),
        "/history" => Meta::History(arg.map(|n| count(&n)).transpose()?),
        "/cost" => Meta::Cost,
        "/backend" => Meta::Backend(arg),
        "/context" => Meta::Context(arg),
        "/ns" => Meta::Namespace(arg),
        "/approval" => Meta::Approval(arg.map(|p| policy(&p)).transpose()?),
        "/clear" => Meta::Clear,
        _ => Meta::Exit,
    })
}

fn chart(args: &[&str]) -> Result<Meta, String> {
    let force = args.contains(&"--force");
    let dirs: Vec<&&str> = args.iter().filter(|a| **a != "--force").collect();
    match dirs.as_slice() {
        [dir] => Ok(Meta::Chart {
            dir: (**dir).to_owned(),
            force,
        }),
        _ => Err("usage: /chart DIR [--force] (the directory the chart goes to)".into()),
    }
}

fn count(text: &str) -> Result<usize, String> {
    text.parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`/history {text}`: N is how many entries to show (1 or more)"))
}

fn policy(text: &str) -> Result<Approval, String> {
    <Approval as clap::ValueEnum>::from_str(text, true).map_err(|_| {
        format!("`/approval {text}`: the policies are mutations (the default), always and never")
    })
}

/// The names of all meta-commands (for completion and messages).
pub fn names() -> Vec<&'static str> {
    COMMANDS.iter().map(|s| s.name).collect()
}

/// The `/help` text.
pub fn help() -> String {
    let mut out = String::from(
        "Type a request in plain language (\"deploy nginx:1.27.1 as web with 2 replicas\"); \
         shipmate proposes,\nvalidates and shows the diff, and applies only after you say yes. \
         Later requests can say \"it\"\n(\"scale it to 3\", \"expose it on 80\").\n\nCommands:\n",
    );
    for s in COMMANDS {
        let usage = format!("{} {}", s.name, s.args);
        out.push_str(&format!("  {:<36} {}\n", usage.trim_end(), s.help));
    }
    out.push_str(
        "\nKeys:\n  Tab        completes commands, resource kinds, and names from the cluster\n  \
         \\ at the end of a line continues the request on the next line\n  \
         Ctrl-C     clears the line; while shipmate works, cancels that step\n  \
         Ctrl-D     leaves (at the confirmation: answers no)\n\n\
         At the confirmation: y applies, n does nothing, e edits first, m hands it over as files.\n\
         Without a terminal (input from a pipe) nothing is confirmed: use --yes or --approval \
         never to apply.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> Meta {
        parse(line).expect("a meta-command").expect("valid")
    }

    fn err(line: &str) -> String {
        parse(line).expect("a meta-command").expect_err("invalid")
    }

    #[test]
    fn requests_are_not_meta_commands() {
        assert_eq!(parse("scale it to 3"), None);
        assert_eq!(parse("  deploy /tmp"), None);
    }

    #[test]
    fn commands_parse_with_their_arguments() {
        assert_eq!(ok("/help"), Meta::Help);
        assert_eq!(ok("  /SHOW "), Meta::Show);
        assert_eq!(ok("/undo"), Meta::Undo(None));
        assert_eq!(
            ok("/undo 20260101-abc"),
            Meta::Undo(Some("20260101-abc".into()))
        );
        assert_eq!(ok("/history 5"), Meta::History(Some(5)));
        assert_eq!(ok("/ns prod"), Meta::Namespace(Some("prod".into())));
        assert_eq!(ok("/context"), Meta::Context(None));
        assert_eq!(
            ok("/approval Always"),
            Meta::Approval(Some(Approval::Always))
        );
        assert_eq!(ok("/quit"), Meta::Exit);
        assert_eq!(
            ok("/chart ./chart"),
            Meta::Chart {
                dir: "./chart".into(),
                force: false
            }
        );
        assert_eq!(
            ok("/chart --force c"),
            Meta::Chart {
                dir: "c".into(),
                force: true
            }
        );
        assert_eq!(ok("/exit"), Meta::Exit);
    }

    #[test]
    fn mistakes_say_what_is_valid() {
        let unknown = err("/deploy web");
        assert!(unknown.contains("unknown command `/deploy`"), "{unknown}");
        for name in ["/help", "/undo", "/approval", "/exit"] {
            assert!(unknown.contains(name), "{unknown}");
        }
        assert!(err("/show web").contains("no arguments"));
        assert!(err("/ns a b").contains("usage: /ns [NAME]"));
        assert!(err("/approval sometimes").contains("mutations"));
        assert!(err("/history 0").contains("1 or more"));
        assert!(err("/history x").contains("1 or more"));
        assert!(err("/chart").contains("usage: /chart DIR"));
        assert!(err("/chart a b").contains("usage: /chart DIR"));
    }

    #[test]
    fn help_lists_every_command_and_the_continuation() {
        let help = help();
        for s in COMMANDS {
            assert!(help.contains(s.name), "{}", s.name);
        }
        assert!(help.contains("\\ at the end of a line"));
    }
}
