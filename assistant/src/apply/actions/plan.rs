//! [`plan_action`]: whether an action runs natively (through the API, with its prior state
//! recorded for undo), through the `kubectl` binary, or not at all — decided from the argv
//! alone, before anything is sent, so confirmation can say what will happen.
//!
//! An action runs natively only when every flag it carries is one the native code honours;
//! anything else (`--grace-period`, `-l`, several objects, a custom resource type) goes to
//! kubectl, which knows all of it, rather than being half-understood here.

use std::fmt;

use shipmate_manifests::kubectl::{KubectlCommand, parse, resource_type};
use shipmate_plugins::Action;

use super::ops::{KeyChanges, NativeOp, assignments, taints};
use crate::cluster::ObjectRef;

/// Flags that choose another cluster, user or credentials. An action carrying one would run
/// somewhere other than the cluster the person confirmed, so it does not run at all.
const CONNECTION_FLAGS: &[&str] = &[
    "--kubeconfig",
    "--context",
    "--cluster",
    "--user",
    "-s",
    "--server",
    "--token",
    "--username",
    "--password",
    "--as",
    "--as-group",
    "--as-uid",
    "--certificate-authority",
    "--client-certificate",
    "--client-key",
    "--insecure-skip-tls-verify",
    "--tls-server-name",
];

/// Flags that ask for a terminal session.
const TERMINAL_FLAGS: &[&str] = &["-i", "-t", "-it", "-ti", "--stdin", "--tty"];

/// One native action: an object and what to do to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeAction {
    /// The object (namespace from `-n`, else `None` until resolved against the session's
    /// default; always `None` for cluster-scoped kinds).
    pub object: ObjectRef,
    /// What to do.
    pub op: NativeOp,
}

impl fmt::Display for NativeAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.op, self.object)
    }
}

/// How a kubectl-run action uses the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interactive {
    /// Not at all: stdin is closed, output is streamed to the sink line by line.
    No,
    /// It keeps running until interrupted (`port-forward`): stdin is inherited so Ctrl-C
    /// reaches it, output is streamed to the sink.
    Stdin,
    /// A terminal session (`exec -it`, `attach -i`, `run -it`, `debug -it`, `edit`): stdin,
    /// stdout and stderr are all inherited — a TTY session cannot pass through a line sink —
    /// so the sink sees nothing.
    Terminal,
}

/// What will happen to an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionPlan {
    /// Through the API, with the prior state recorded and dry-run available.
    Native(NativeAction),
    /// Through the `kubectl` binary: nothing is recorded for undo (except `drain`, whose undo
    /// is `uncordon`), and there is no preview.
    Kubectl {
        /// How it uses the terminal.
        interactive: Interactive,
    },
    /// Not at all.
    CannotRun {
        /// Why, in words for the person.
        reason: String,
    },
}

impl fmt::Display for ActionPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionPlan::Native(n) => write!(f, "native: {n}"),
            ActionPlan::Kubectl { .. } => f.write_str("through kubectl"),
            ActionPlan::CannotRun { reason } => write!(f, "cannot run: {reason}"),
        }
    }
}

/// Decides how `action` will run; see [`ActionPlan`].
pub fn plan_action(action: &Action) -> ActionPlan {
    let cannot = |reason: String| ActionPlan::CannotRun { reason };
    if action.argv.first().map(String::as_str) != Some("kubectl") {
        return cannot("only kubectl commands run as actions".into());
    }
    let cmd = parse(&action.argv);
    if cmd.verb().is_empty() {
        return cannot("the command has no kubectl verb".into());
    }
    if let Some((flag, _)) = cmd.flags.iter().find(|(f, _)| CONNECTION_FLAGS.contains(f)) {
        return cannot(format!(
            "{flag} picks another cluster or identity; actions run only against this session's cluster"
        ));
    }
    match native(&cmd) {
        Ok(Some(native)) => ActionPlan::Native(native),
        Ok(None) => ActionPlan::Kubectl {
            interactive: interactive(&cmd),
        },
        Err(reason) => cannot(reason),
    }
}

/// How a command kubectl runs uses the terminal.
pub(super) fn interactive(cmd: &KubectlCommand<'_>) -> Interactive {
    let terminal = cmd
        .flags
        .iter()
        .any(|(f, v)| TERMINAL_FLAGS.contains(f) && v.is_none_or(|v| !matches!(v, "false" | "0")));
    match cmd.verb() {
        "edit" => Interactive::Terminal,
        "exec" | "attach" | "run" | "debug" if terminal => Interactive::Terminal,
        "port-forward" | "proxy" => Interactive::Stdin,
        _ => Interactive::No,
    }
}

/// The native form of `cmd`: `Ok(None)` when kubectl should run it, `Err` when it cannot run
/// (a malformed command kubectl would refuse too).
fn native(cmd: &KubectlCommand<'_>) -> Result<Option<NativeAction>, String> {
    let sub = cmd.positional.get(1).copied().unwrap_or("");
    let (from, flags): (usize, &[&str]) = match (cmd.verb(), sub) {
        ("scale", _) => (1, &["--replicas"]),
        ("rollout", "restart") | ("set", "image") => (2, &[]),
        ("set", "env") => (2, &["-c", "--containers", "-e", "--env"]),
        ("delete", _) => (1, &[]),
        ("label" | "annotate" | "taint", _) => (1, &["--overwrite"]),
        ("cordon" | "uncordon", _) => (1, &[]),
        _ => return Ok(None),
    };
    let understood = |f: &&str| matches!(*f, "-n" | "--namespace") || flags.contains(f);
    if !cmd.flags.iter().all(|(f, _)| understood(f)) {
        return Ok(None);
    }
    let (objects, rest) = match cmd.verb() {
        "cordon" | "uncordon" => {
            // `n1`, or `node/n1` as kubectl also accepts; another type is kubectl's to refuse.
            let mut nodes = Vec::new();
            for word in &cmd.positional[1..] {
                match word.split_once('/') {
                    None => nodes.push(("node", *word)),
                    Some((t, name)) if resource_type(t).is_some_and(|t| t.kind == "Node") => {
                        nodes.push(("node", name));
                    }
                    Some(_) => return Ok(None),
                }
            }
            (nodes, Vec::new())
        }
        _ => cmd.objects(from),
    };
    let [(kind, name)] = objects[..] else {
        return Ok(None);
    };
    let Some(t) = resource_type(kind) else {
        return Ok(None);
    };
    let object = ObjectRef {
        api_version: t.api_version.into(),
        kind: t.kind.into(),
        namespace: cmd.namespace.filter(|_| t.namespaced).map(str::to_string),
        name: name.into(),
    };
    let op = op(cmd, &object.kind, &rest)?;
    Ok(Some(NativeAction { object, op }))
}

/// The operation of a native verb, from the words after the object.
fn op(cmd: &KubectlCommand<'_>, kind: &str, rest: &[&str]) -> Result<NativeOp, String> {
    let verb = cmd.verb();
    let leftover = |what: &str| format!("`kubectl {verb}` {what}: {}", rest.join(" "));
    let needs = |kinds: &[&str], what: &str| {
        if kinds.contains(&kind) {
            Ok(())
        } else {
            Err(format!("{what} works on {}, not {kind}", kinds.join(", ")))
        }
    };
    const TEMPLATED: &[&str] = &[
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Pod",
    ];
    let overwrite = cmd.switch(&["--overwrite"]);
    let words = || assignments(rest).ok_or_else(|| leftover("takes KEY=VALUE or KEY-, not"));
    match (verb, cmd.positional.get(1).copied()) {
        ("scale", _) => {
            let replicas = cmd.flag(&["--replicas"]).flatten();
            match replicas.and_then(|r| r.parse::<i32>().ok()) {
                Some(replicas) if replicas >= 0 && rest.is_empty() => {
                    Ok(NativeOp::Scale { replicas })
                }
                _ => Err("`kubectl scale` needs --replicas=N (a whole number ≥ 0)".into()),
            }
        }
        ("rollout", _) => {
            needs(&TEMPLATED[..3], "rollout restart")?;
            Ok(NativeOp::Restart)
        }
        ("set", Some("image")) => {
            needs(TEMPLATED, "set image")?;
            let (images, remove) = words()?;
            if images.is_empty() || !remove.is_empty() {
                return Err("`kubectl set image` needs CONTAINER=IMAGE (or *=IMAGE)".into());
            }
            Ok(NativeOp::SetImage { images })
        }
        ("set", _) => {
            needs(TEMPLATED, "set env")?;
            let mut rest = rest.to_vec();
            rest.extend(
                cmd.flags
                    .iter()
                    .filter(|(f, _)| matches!(*f, "-e" | "--env"))
                    .filter_map(|(_, v)| *v),
            );
            let (set, remove) =
                assignments(&rest).ok_or_else(|| leftover("takes KEY=VALUE or KEY-, not"))?;
            if set.is_empty() && remove.is_empty() {
                return Err("`kubectl set env` needs KEY=VALUE or KEY-".into());
            }
            let container = cmd
                .flag(&["-c", "--containers"])
                .flatten()
                .map(str::to_string);
            Ok(NativeOp::SetEnv {
                container,
                set,
                remove,
            })
        }
        ("delete", _) if rest.is_empty() => Ok(NativeOp::Delete),
        ("delete", _) => Err(leftover("names one object; unexpected")),
        ("label" | "annotate", _) => {
            let (set, remove) = words()?;
            if set.is_empty() && remove.is_empty() {
                return Err(format!("`kubectl {verb}` needs KEY=VALUE or KEY-"));
            }
            let changes = KeyChanges {
                set,
                remove,
                overwrite,
            };
            Ok(if verb == "label" {
                NativeOp::Label(changes)
            } else {
                NativeOp::Annotate(changes)
            })
        }
        ("cordon", _) => Ok(NativeOp::Cordon),
        ("uncordon", _) => Ok(NativeOp::Uncordon),
        _ => {
            needs(&["Node"], "taint")?;
            let (add, remove) = taints(rest)?;
            if add.is_empty() && remove.is_empty() {
                return Err("`kubectl taint` needs key[=value]:Effect or key[:Effect]-".into());
            }
            Ok(NativeOp::Taint {
                add,
                remove,
                overwrite,
            })
        }
    }
}
