//! `--anonymize`: object names and namespaces replaced by stable placeholders in everything
//! sent to a model, and mapped back in what it answers.
//!
//! Masking ([`super::mask`]) hides credentials; this hides *which* cluster it is: `payments`,
//! `checkout-api-0` and `acme-prod` become `ns-1`, `name-2`, `ns-3`. The same name always gets
//! the same placeholder within a session, so a model can reason across tool results ("`name-2`
//! is owned by `name-4`") and write placeholders into its proposal; [`Anonymizer::reveal`] turns
//! them back into the real names before the proposal is validated and shown. Names a model
//! invents for new objects are no placeholders and pass through unchanged.
//!
//! Why it is built this way:
//! - Names are *learnt*, not guessed from text: from the request as the rules parser reads it
//!   (`pod api-0`, `-n shop`, `named web`), from the earlier proposals of the session, from the
//!   arguments of every tool call and from the name columns of tool answers (table `NAME`,
//!   `NAMESPACE` and `OBJECT` columns, `Name:`/`Namespace:` lines, the `metadata` of YAML).
//!   Once learnt, a name is replaced wherever it occurs as a whole word — in logs, events,
//!   DNS names (`web.shop.svc`) and labels (`app=web`) too. A name nothing has revealed as one
//!   (a pod only a log line mentions) is sent as is.
//! - Replacement is by whole word: a name is replaced only where neither side touches a letter,
//!   digit or `_`, so `web` never changes `website` or `cobweb`, and the longest known name wins
//!   (`api-0` before `api`).
//! - The mapping is lossless both ways. Text that already contains something shaped like a
//!   placeholder (`ns-4` in a log line, or a namespace really called `ns-4`) has that word
//!   learnt as a name first, so every placeholder-shaped word a model sees is one this map
//!   issued, and [`Anonymizer::reveal`] of [`Anonymizer::hide`] gives back the original text.
//! - The built-in namespaces (`default`, `kube-system`, `kube-public`, `kube-node-lease`) say
//!   nothing about whose cluster it is and stay readable, so the model still knows when a
//!   request touches the system namespaces.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde_json::Value;
use shipmate_manifests::gates::ResourceDefaults;
use shipmate_manifests::kubectl;

use crate::proposal::Proposal;
use crate::rules::is_name;
use crate::tools::ToolCall;

/// Namespaces every cluster has; they identify nothing and are never replaced.
const BUILT_IN_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

/// A word shaped like a placeholder this module issues.
static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:ns|name)-[0-9]+\b").expect("placeholder regex"));

/// What a learnt name is, which decides its placeholder's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRole {
    /// A namespace: `ns-N`.
    Namespace,
    /// Any other object name: `name-N`.
    Object,
}

/// The name ↔ placeholder map of one session. See the module documentation.
#[derive(Debug, Default)]
pub struct Anonymizer {
    placeholders: HashMap<String, String>,
    names: HashMap<String, String>,
    issued: u32,
    /// The whole-word pattern of every learnt name, longest first; rebuilt after learning.
    pattern: Option<Regex>,
}

impl Anonymizer {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many names have placeholders.
    pub fn len(&self) -> usize {
        self.placeholders.len()
    }

    /// Whether no name has a placeholder yet.
    pub fn is_empty(&self) -> bool {
        self.placeholders.is_empty()
    }

    /// The placeholder of `name`, if it has one.
    pub fn placeholder(&self, name: &str) -> Option<&str> {
        self.placeholders.get(name).map(String::as_str)
    }

    /// Gives `name` a placeholder (once; a name keeps its first one). Words that cannot be
    /// Kubernetes names and the built-in namespaces are ignored.
    pub fn learn(&mut self, name: &str, role: NameRole) {
        if !is_name(name)
            || BUILT_IN_NAMESPACES.contains(&name)
            || self.placeholders.contains_key(name)
        {
            return;
        }
        self.issued += 1;
        let prefix = match role {
            NameRole::Namespace => "ns",
            NameRole::Object => "name",
        };
        let placeholder = format!("{prefix}-{}", self.issued);
        self.names.insert(placeholder.clone(), name.to_owned());
        self.placeholders.insert(name.to_owned(), placeholder);
        self.pattern = None;
    }

    /// Learns the names a request mentions, as the rules parser reads it (`why is pod api-0
    /// crashing in shop`, `scale deployment web`), and the default `namespace`.
    pub fn learn_request(&mut self, text: &str, namespace: Option<&str>) {
        if let Some(ns) = namespace {
            self.learn(ns, NameRole::Namespace);
        }
        let read = crate::rules::propose(text, namespace, &ResourceDefaults::default());
        self.learn_proposal(&read);
    }

    /// Learns the names of a proposal's objects and the objects its actions name.
    pub fn learn_proposal(&mut self, proposal: &Proposal) {
        for m in &proposal.manifests {
            self.learn_metadata(&m["metadata"], m["kind"].as_str() == Some("Namespace"));
        }
        for action in &proposal.actions {
            self.learn_argv(&action.argv);
        }
    }

    fn learn_metadata(&mut self, meta: &Value, is_namespace: bool) {
        if let Some(ns) = meta["namespace"].as_str() {
            self.learn(ns, NameRole::Namespace);
        }
        if let Some(name) = meta["name"].as_str() {
            let role = if is_namespace {
                NameRole::Namespace
            } else {
                NameRole::Object
            };
            self.learn(name, role);
        }
    }

    /// Learns from a kubectl argv: the namespace flag, `TYPE/NAME` words, the words after a
    /// type word (`pod api-0`), and the pod of `logs`/`exec`/`attach`/`port-forward`/`cp`.
    fn learn_argv(&mut self, argv: &[String]) {
        let cmd = kubectl::parse(argv);
        if let Some(ns) = cmd.namespace {
            self.learn(ns, NameRole::Namespace);
        }
        let pod_verb = matches!(cmd.verb(), "logs" | "exec" | "attach" | "port-forward");
        let mut after_type: Option<NameRole> = None;
        for (i, word) in cmd.positional.iter().enumerate().skip(1) {
            if let Some((kind, name)) = word.rsplit_once('/') {
                self.learn(name, role_of(kind));
            } else if let Some(t) = kubectl::resource_type(word) {
                after_type = Some(role_of(t.kind));
            } else if let Some(role) = after_type {
                self.learn(word, role);
            } else if i == 1 && pod_verb {
                self.learn(word, NameRole::Object);
            }
        }
    }

    /// Learns from a tool call's arguments (its object, pod and namespace).
    fn learn_call(&mut self, call: &ToolCall) {
        let (ns, name) = match call {
            ToolCall::List(a) => (&a.namespace, None),
            ToolCall::Get(a) | ToolCall::Describe(a) => {
                let role = role_of(&a.kind);
                self.learn(&a.name, role);
                (&a.namespace, None)
            }
            ToolCall::Logs(a) => (&a.namespace, Some(&a.pod)),
            ToolCall::Events(a) => {
                if let Some((kind, name)) = a.object.as_deref().and_then(|o| o.split_once('/')) {
                    self.learn(name, role_of(kind));
                }
                (&a.namespace, None)
            }
            ToolCall::Diagnose(a) => {
                if let Some((kind, name)) = a.object.as_deref().and_then(|o| o.split_once('/')) {
                    self.learn(name, role_of(kind));
                }
                (&a.namespace, None)
            }
            ToolCall::ApiResources | ToolCall::Explain(_) => return,
        };
        let ns = ns.as_ref().filter(|ns| ns.as_str() != "*");
        if let Some(ns) = ns {
            self.learn(ns, NameRole::Namespace);
        }
        if let Some(name) = name {
            self.learn(name, NameRole::Object);
        }
    }

    /// Learns from a tool call and its answer `text`: the call's arguments, and for `list`,
    /// `get`, `describe` and `events` the names the answer shows (api-resources and explain
    /// list types and fields, not names).
    pub fn learn_answer(&mut self, call: &ToolCall, text: &str) {
        self.learn_call(call);
        match call {
            ToolCall::List(a) => self.learn_output(text, role_of(&a.kind)),
            ToolCall::Get(a) | ToolCall::Describe(a) => self.learn_output(text, role_of(&a.kind)),
            ToolCall::Events(_) => self.learn_output(text, NameRole::Object),
            ToolCall::Diagnose(_) => self.learn_findings(text),
            ToolCall::Logs(_) | ToolCall::ApiResources | ToolCall::Explain(_) => {}
        }
    }

    /// Learns the objects a `diagnose` answer names: each finding's first line is
    /// `[severity] Kind/name[ -n namespace] (id): title`.
    fn learn_findings(&mut self, text: &str) {
        for line in text.lines() {
            let Some(rest) = line.strip_prefix('[').and_then(|l| l.split_once("] ")) else {
                continue;
            };
            let mut words = rest.1.split_whitespace();
            if let Some((kind, name)) = words.next().and_then(|o| o.split_once('/')) {
                self.learn(name, role_of(kind));
            }
            if let (Some("-n"), Some(ns)) = (words.next(), words.next()) {
                self.learn(ns, NameRole::Namespace);
            }
        }
    }

    /// Learns the names a tool answer shows as names: the `NAME` (as `names`), `NAMESPACE` and
    /// `OBJECT` columns of tables, `Name:`/`Namespace:` lines, the top-level `metadata` of YAML.
    pub fn learn_output(&mut self, text: &str, names: NameRole) {
        let mut columns: Vec<(usize, Column)> = Vec::new();
        let mut in_metadata = false;
        for line in text.lines() {
            if line.trim().is_empty() {
                columns.clear();
                continue;
            }
            if let Some(header) = header_columns(line) {
                columns = header;
                continue;
            }
            if !columns.is_empty() {
                for &(at, column) in &columns {
                    let cell: String = line
                        .chars()
                        .skip(at)
                        .take_while(|c| !c.is_whitespace())
                        .collect();
                    self.learn_cell(&cell, column, names);
                }
                continue;
            }
            if let Some((label, value)) = line.split_once(':') {
                let value = value.trim();
                match label {
                    "Name" => self.learn(value, names),
                    "Namespace" => self.learn(value, NameRole::Namespace),
                    "metadata" => in_metadata = value.is_empty(),
                    "  name" if in_metadata => self.learn(value, names),
                    "  namespace" if in_metadata => self.learn(value, NameRole::Namespace),
                    _ if !line.starts_with(' ') => in_metadata = false,
                    _ => {}
                }
            }
        }
    }

    fn learn_cell(&mut self, cell: &str, column: Column, names: NameRole) {
        match column {
            Column::Name => self.learn(cell, names),
            Column::Namespace => self.learn(cell, NameRole::Namespace),
            Column::Object => {
                if let Some((kind, name)) = cell.split_once('/') {
                    self.learn(name, role_of(kind));
                }
            }
        }
    }

    /// `text` with every learnt name replaced by its placeholder (placeholder-shaped words
    /// already in `text` are learnt first, so that the mapping stays reversible).
    pub fn hide(&mut self, text: &str) -> String {
        let literal: Vec<String> = PLACEHOLDER
            .find_iter(text)
            .map(|m| m.as_str().to_owned())
            .collect();
        for word in literal {
            self.learn(&word, NameRole::Object);
        }
        if self.placeholders.is_empty() {
            return text.to_owned();
        }
        let pattern = self.pattern.get_or_insert_with(|| {
            let mut names: Vec<&str> = self.placeholders.keys().map(String::as_str).collect();
            names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
            let alternatives: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
            Regex::new(&format!(r"\b(?:{})\b", alternatives.join("|"))).expect("names regex")
        });
        let placeholders = &self.placeholders;
        pattern
            .replace_all(text, |c: &Captures| placeholders[&c[0]].clone())
            .into_owned()
    }

    /// `text` with every placeholder this map issued replaced by its real name; other words
    /// (names a model invented) are left as they are.
    pub fn reveal(&self, text: &str) -> String {
        PLACEHOLDER
            .replace_all(text, |c: &Captures| {
                self.names
                    .get(&c[0])
                    .cloned()
                    .unwrap_or_else(|| c[0].to_owned())
            })
            .into_owned()
    }
}

/// A table column that holds names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Namespace,
    Object,
}

/// The char offsets of the name columns when `line` is a table header (upper-case words
/// separated by two or more spaces, with a `NAME`, `NAMESPACE` or `OBJECT` column).
fn header_columns(line: &str) -> Option<Vec<(usize, Column)>> {
    let trimmed = line.trim();
    if trimmed.is_empty()
        || !trimmed
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == ' ' || c == '-')
    {
        return None;
    }
    let mut columns = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' {
            i += 1;
            continue;
        }
        let start = i;
        // A header cell ends at two spaces (`LAST SEEN` is one cell).
        while i < chars.len() && !(chars[i] == ' ' && chars.get(i + 1).is_none_or(|c| *c == ' ')) {
            i += 1;
        }
        let cell: String = chars[start..i].iter().collect();
        match cell.as_str() {
            "NAME" => columns.push((start, Column::Name)),
            "NAMESPACE" => columns.push((start, Column::Namespace)),
            "OBJECT" => columns.push((start, Column::Object)),
            _ => {}
        }
    }
    (!columns.is_empty()).then_some(columns)
}

/// How a kind word's objects are named.
fn role_of(kind: &str) -> NameRole {
    let namespace = kind.eq_ignore_ascii_case("namespace")
        || kind.eq_ignore_ascii_case("namespaces")
        || kind.eq_ignore_ascii_case("ns");
    if namespace {
        NameRole::Namespace
    } else {
        NameRole::Object
    }
}

#[cfg(test)]
#[path = "anonymize_tests.rs"]
mod tests;
