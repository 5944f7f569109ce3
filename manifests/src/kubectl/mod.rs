//! Reading kubectl argv vectors: the one place that decides which words are the verb and the
//! resources, which flags take values, and whether a command mutates the cluster. The gates and
//! the proposal types both use it, so "mutating" means the same thing everywhere. The applier
//! reads the same parse to run actions natively ([`KubectlCommand::objects`],
//! [`resource_type`]).

mod resources;

pub use resources::{ResourceType, names_type, resource_type};

/// kubectl flags that take a value as the next argument (when not written `--flag=value`).
pub const VALUE_FLAGS: &[&str] = &[
    "-n",
    "--namespace",
    "--context",
    "--cluster",
    "--user",
    "--kubeconfig",
    "-l",
    "--selector",
    "-o",
    "--output",
    "-f",
    "--filename",
    "--field-selector",
    "--as",
    "--as-group",
    "--as-uid",
    "-c",
    "--container",
    "--containers",
    "-e",
    "--env",
    "--from",
    "--resource-version",
    "-s",
    "--server",
    "--token",
    "--request-timeout",
    "--grace-period",
    "--timeout",
    "--clusterrole",
    "--role",
    "--serviceaccount",
    "--group",
    "--image",
    "-p",
    "--patch",
    "--type",
    "--replicas",
    "--cascade",
    "--field-manager",
    "--template",
    "-k",
    "--kustomize",
    "--tls-server-name",
    "--certificate-authority",
    "--client-certificate",
    "--client-key",
    "--cache-dir",
    "-v",
    "--v",
];

/// Verbs that never change cluster state nor run anything inside it (`rollout`, `auth` and
/// `config` are decided by their sub-verb).
const READ_ONLY: &[&str] = &[
    "get",
    "describe",
    "logs",
    "events",
    "top",
    "explain",
    "version",
    "api-resources",
    "api-versions",
    "cluster-info",
    "port-forward",
    "diff",
    "wait",
    "completion",
    "help",
    "options",
    "plugin",
    "kustomize",
];

/// A parsed kubectl command line.
#[derive(Debug, Default)]
pub struct KubectlCommand<'a> {
    /// Positional arguments after `kubectl` (verb first).
    pub positional: Vec<&'a str>,
    /// `-n`/`--namespace` values.
    pub namespace: Option<&'a str>,
    /// `--all`, `-A`/`--all-namespaces`.
    pub all: bool,
    /// `-A`/`--all-namespaces`.
    pub all_namespaces: bool,
    /// `--prune` (of `apply`).
    pub prune: bool,
    /// `--clusterrole` value.
    pub clusterrole: Option<&'a str>,
    /// Every flag as written (`-n`, `--overwrite`), with its value when it has one, in order.
    pub flags: Vec<(&'a str, Option<&'a str>)>,
    /// The words after `--` (the command of `exec`), if any.
    pub trailing: Vec<&'a str>,
}

fn truthy(v: &str) -> bool {
    !matches!(v, "false" | "False" | "0")
}

/// Parses a kubectl argv (with or without the leading `kubectl`): positional words and the
/// flags the gates care about; flags known to take a value consume it.
pub fn parse(argv: &[String]) -> KubectlCommand<'_> {
    let mut cmd = KubectlCommand::default();
    let mut args = argv.iter().map(String::as_str).peekable();
    if let Some(first) = args.peek()
        && (*first == "kubectl" || first.ends_with("/kubectl") || *first == "oc")
    {
        args.next();
    }
    while let Some(arg) = args.next() {
        if arg == "--" {
            cmd.trailing = args.collect();
            break;
        }
        if !arg.starts_with('-') || arg == "-" {
            cmd.positional.push(arg);
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v)),
            None if arg.starts_with("-n") && arg.len() > 2 && !arg.starts_with("--") => {
                ("-n", Some(&arg[2..]))
            }
            None => (arg, None),
        };
        let value = match inline {
            Some(v) => Some(v),
            None if VALUE_FLAGS.contains(&flag) => args.next(),
            None => None,
        };
        cmd.flags.push((flag, value));
        match flag {
            "-n" | "--namespace" => cmd.namespace = value,
            "--all" => cmd.all = value.is_none_or(truthy),
            "-A" | "--all-namespaces" => cmd.all_namespaces = value.is_none_or(truthy),
            "--clusterrole" => cmd.clusterrole = value,
            "--prune" => cmd.prune = value.is_none_or(truthy),
            _ => {}
        }
    }
    cmd
}

impl<'a> KubectlCommand<'a> {
    /// The verb (`get`, `rollout`…), empty when there is none.
    pub fn verb(&self) -> &str {
        self.positional.first().copied().unwrap_or("")
    }

    /// The value of the last of `names` given (`Some(None)`: given without a value).
    pub fn flag(&self, names: &[&str]) -> Option<Option<&'a str>> {
        self.flags
            .iter()
            .rev()
            .find(|(f, _)| names.contains(f))
            .map(|(_, v)| *v)
    }

    /// Whether a boolean flag is on: given bare or with a true value (`--overwrite`,
    /// `--overwrite=true`), and not turned off by a later `--overwrite=false`.
    pub fn switch(&self, names: &[&str]) -> bool {
        self.flag(names).is_some_and(|v| v.is_none_or(truthy))
    }

    /// The objects named from positional word `from` on, and the words after them. Objects
    /// are written `TYPE/NAME …` or `TYPE NAME …`; the names stop at the first word that is an
    /// assignment or a removal (contains `=` or `:`, or ends with `-`), as kubectl reads
    /// `label`, `annotate`, `set env`, `set image` and `taint`.
    pub fn objects(&self, from: usize) -> (Vec<(&'a str, &'a str)>, Vec<&'a str>) {
        let words = self.positional.get(from..).unwrap_or_default();
        let is_arg = |w: &&str| w.contains('=') || w.contains(':') || w.ends_with('-');
        let split = words.iter().position(is_arg).unwrap_or(words.len());
        let (names, rest) = words.split_at(split);
        let objects = match names.first() {
            Some(first) if first.contains('/') => {
                names.iter().filter_map(|w| w.split_once('/')).collect()
            }
            Some(kind) => names[1..].iter().map(|n| (*kind, *n)).collect(),
            None => Vec::new(),
        };
        (objects, rest.to_vec())
    }

    /// Whether the command changes cluster state or runs something inside it. Unknown verbs,
    /// and a command line without a verb, count as mutating: the safe default.
    pub fn is_mutating(&self) -> bool {
        let sub = self.positional.get(1).copied();
        match self.verb() {
            "" => true,
            "rollout" => !matches!(sub, Some("status" | "history")),
            "auth" => !matches!(sub, Some("can-i" | "whoami")),
            "config" => !matches!(sub, Some("view" | "current-context" | "get-contexts")),
            verb => !READ_ONLY.contains(&verb),
        }
    }
}

/// Whether a kubectl argv changes cluster state or runs commands in it (`exec`, `attach`, `cp`
/// and `debug` included). Decided here, from the verb, never taken from a backend.
pub fn is_mutating(argv: &[String]) -> bool {
    parse(argv).is_mutating()
}

#[cfg(test)]
mod tests;
