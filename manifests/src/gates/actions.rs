//! Action gates: kubectl argv vectors that delete protected namespaces, delete everything at
//! once, grant `cluster-admin`, or change anything in a protected namespace.

use super::catalogue::{ActionCheck, Rule, Settings};
use super::run::Sink;
use super::{Constitution, Finding};
use crate::kubectl::{KubectlCommand, parse};

impl KubectlCommand<'_> {
    /// `(resource type, name)` pairs named after the verb: `ns a b`, `ns/a`, `a,b` forms.
    fn targets(&self) -> Vec<(&str, &str)> {
        let mut out = Vec::new();
        let rest = self.positional.get(1..).unwrap_or_default();
        let mut kind = None;
        for arg in rest {
            if let Some((k, n)) = arg.split_once('/') {
                out.push((k, n));
            } else if kind.is_none() {
                kind = Some(*arg);
            } else if let Some(k) = kind {
                out.push((k, *arg));
            }
        }
        out
    }

    fn types(&self) -> impl Iterator<Item = &str> {
        self.positional.get(1).copied().unwrap_or("").split(',')
    }
}

fn is_namespace_type(t: &str) -> bool {
    matches!(t, "ns" | "namespace" | "namespaces")
}

pub(crate) fn check_action(c: &Constitution, argv: &[String]) -> Vec<Finding> {
    let mut out = Vec::new();
    let cmd = parse(argv);
    let object = argv.join(" ");
    for gate in &c.gates {
        let Rule::Action(check) = &gate.rule else {
            continue;
        };
        let mut sink = Sink::action(gate, &object, &mut out);
        run(check, &cmd, &c.settings, &mut sink);
    }
    out
}

fn run(check: &ActionCheck, cmd: &KubectlCommand<'_>, s: &Settings, sink: &mut Sink<'_>) {
    let verb = cmd.verb();
    match check {
        ActionCheck::ProtectedNamespaceDelete if verb == "delete" => {
            for (t, name) in cmd.targets() {
                if is_namespace_type(t) && s.is_protected(name) {
                    sink.emit(
                        format!("deletes the protected namespace `{name}`"),
                        format!("do not delete `{name}`; delete the objects you mean inside your own namespace instead"),
                    );
                }
            }
        }
        // Protected namespaces have their own gate; this one covers every other namespace.
        ActionCheck::NamespaceDelete if verb == "delete" => {
            for (t, name) in cmd.targets() {
                if is_namespace_type(t) && !s.is_protected(name) {
                    sink.emit(
                        format!("deletes the namespace `{name}` and everything in it"),
                        format!(
                            "delete the objects you mean instead; if the whole namespace must go, \
                             run `kubectl delete namespace {name}` by hand (or make this gate \
                             `warn` in your constitution)"
                        ),
                    );
                }
            }
        }
        // `apply --prune --all` deletes every object of the pruned types not in the files.
        ActionCheck::MassDelete if verb == "apply" && cmd.prune && cmd.all => {
            sink.emit(
                "`apply --prune --all` deletes every object not in the applied files".to_owned(),
                "drop --all and prune by label: kubectl apply --prune -l <label>=<value> -f <files>"
                    .to_owned(),
            );
        }
        ActionCheck::MassDelete if verb == "delete" => {
            let mut why = Vec::new();
            if cmd.all {
                why.push("--all");
            }
            if cmd.all_namespaces {
                why.push("--all-namespaces");
            }
            if cmd.types().any(|t| t == "all") {
                why.push("the `all` resource type");
            }
            if !why.is_empty() {
                sink.emit(
                    format!("deletes many objects at once ({})", why.join(", ")),
                    "name the objects to delete (kubectl delete <type> <name> -n <namespace>), \
                     or select them with -l <label>=<value> in one namespace"
                        .to_owned(),
                );
            }
        }
        ActionCheck::ClusterAdminGrant { roles } => {
            let binding = |t: &str| {
                matches!(
                    t,
                    "clusterrolebinding" | "clusterrolebindings" | "rolebinding" | "rolebindings"
                )
            };
            let kind = cmd.positional.get(1).copied().unwrap_or("");
            let grants = match verb {
                "create" => {
                    binding(kind)
                        && cmd
                            .clusterrole
                            .is_some_and(|r| roles.iter().any(|x| x == r))
                }
                // `kubectl set subject clusterrolebinding cluster-admin --user=…`
                "set" if kind == "subject" => {
                    cmd.positional.get(2..).unwrap_or_default().iter().any(|a| {
                        roles
                            .iter()
                            .any(|r| a.ends_with(&format!("/{r}")) || a == r)
                    })
                }
                _ => false,
            };
            if grants {
                sink.emit(
                    format!(
                        "grants the ClusterRole `{}`",
                        cmd.clusterrole.unwrap_or("cluster-admin")
                    ),
                    "bind a narrower role (`edit` or `view`, or a Role with the verbs needed) \
                     with a RoleBinding in one namespace"
                        .to_owned(),
                );
            }
        }
        ActionCheck::ProtectedNamespaceChanges if cmd.is_mutating() => {
            if let Some(ns) = cmd.namespace.filter(|ns| s.is_protected(ns)) {
                sink.emit(
                    format!("`{verb}` changes the protected namespace `{ns}`"),
                    format!("target your application's namespace with -n <namespace>, not `{ns}`"),
                );
            } else if cmd.all_namespaces {
                sink.emit(
                    format!(
                        "`{verb}` runs across all namespaces, including the protected ones ({})",
                        s.protected.join(", ")
                    ),
                    "drop -A/--all-namespaces and target one namespace with -n <namespace>"
                        .to_owned(),
                );
            }
        }
        _ => {}
    }
}
