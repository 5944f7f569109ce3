//! Intent: what the request wants done, decided by its first verb (`create`, `scale`,
//! `describe`…), refined by the nouns around it (`show … logs` → logs, `show … usage` → top),
//! with diagnosis words (`why`, `crashing`, `pending`) turning it into troubleshooting.

use super::text::Words;
use super::verbs::{CREATE, TROUBLE_STRONG, TROUBLE_WEAK, verb_of};
use super::vocab::resource;

/// A kubectl-style action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// `kubectl scale`.
    Scale,
    /// `kubectl rollout restart`.
    Restart,
    /// `kubectl rollout undo`.
    Undo,
    /// `kubectl rollout status`.
    Status,
    /// `kubectl rollout history`.
    History,
    /// `kubectl rollout pause`.
    Pause,
    /// `kubectl rollout resume`.
    Resume,
    /// `kubectl set image`.
    SetImage,
    /// `kubectl set env`.
    SetEnv,
    /// `kubectl get`.
    Get,
    /// `kubectl describe`.
    Describe,
    /// `kubectl logs`.
    Logs,
    /// `kubectl events`.
    Events,
    /// `kubectl top`.
    Top,
    /// `kubectl version`.
    Version,
    /// `kubectl api-resources`.
    ApiResources,
    /// `kubectl delete`.
    Delete,
    /// `kubectl label`.
    Label,
    /// `kubectl annotate`.
    Annotate,
    /// `kubectl taint`.
    Taint,
    /// `kubectl cordon`.
    Cordon,
    /// `kubectl uncordon`.
    Uncordon,
    /// `kubectl drain`.
    Drain,
    /// `kubectl expose`.
    Expose,
    /// `kubectl autoscale`.
    Autoscale,
    /// `kubectl port-forward`.
    PortForward,
    /// `kubectl exec`.
    Exec,
}

/// What the request wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Create objects (manifests).
    Create,
    /// Grant a role (RoleBinding / ClusterRoleBinding).
    Bind,
    /// Restrict or allow traffic (NetworkPolicy).
    Traffic,
    /// Run a kubectl action.
    Act(Verb),
    /// Diagnose a problem with read-only actions.
    Troubleshoot,
    /// Nothing recognisable.
    Unknown,
}

/// Whether a word is a verb the backend knows (so it is never taken for a name).
pub fn is_verb_word(low: &str) -> bool {
    verb_of(low).is_some()
        || CREATE.contains(&low)
        || matches!(
            low,
            "set"
                | "update"
                | "change"
                | "upgrade"
                | "bump"
                | "rollout"
                | "bind"
                | "grant"
                | "roll"
                | "deny"
                | "allow"
                | "block"
                | "isolate"
                | "schedule"
                | "run"
                | "tail"
        )
}

/// Whether a word describes a state (`pending`, `crashloopbackoff`) rather than naming a thing.
pub fn is_state_word(low: &str) -> bool {
    TROUBLE_WEAK.contains(&low)
        || low.starts_with("crash")
        || low.starts_with("fail")
        || matches!(
            low,
            "running" | "ready" | "healthy" | "error" | "errors" | "progress"
        )
}

/// Classifies a request.
pub fn classify(w: &Words) -> Intent {
    // A word right after `in`, `namespace`, `named`… is a value, not a keyword.
    let value_at = |i: usize| {
        i > 0
            && matches!(
                w.low(i - 1),
                "in" | "namespace" | "ns" | "-n" | "named" | "called" | "name" | "as"
            )
    };
    let keyword = |words: &[&str]| {
        w.indices()
            .any(|i| !value_at(i) && words.contains(&w.low(i)))
    };
    let strong_trouble = keyword(TROUBLE_STRONG)
        || (w.has(&["what", "what's", "whats"]) && w.has(&["wrong", "going", "happening"]));
    let weak_trouble =
        w.has(TROUBLE_WEAK) || w.has_prefix(&["crash", "fail"]) || w.has(&["keeps", "keep"]);
    if strong_trouble {
        return Intent::Troubleshoot;
    }
    // `show the rollout status of web`: the rollout word decides wherever it stands.
    if w.has(&["rollout", "rollouts"]) || (w.has(&["roll"]) && w.has(&["out"])) {
        if w.has(&["status", "progress"]) {
            return Intent::Act(Verb::Status);
        }
        if w.has(&["history", "revisions"]) {
            return Intent::Act(Verb::History);
        }
    }
    // `make user eve a cluster admin`: a role and a subject make a binding.
    if w.has(&["cluster-admin", "clusterrole"]) && w.has(&["user", "group", "sa", "serviceaccount"])
    {
        return Intent::Bind;
    }
    for i in w.indices() {
        let low = w.low(i);
        let next = w.low(i + 1);
        if names_object(w, i) || value_at(i) {
            continue;
        }
        // `add label tier=web to pod x`
        if matches!(low, "add" | "put" | "apply" | "attach" | "set") {
            let window: Vec<&str> = (i + 1..i + 4).map(|k| w.low(k)).collect();
            if window.iter().any(|t| matches!(*t, "label" | "labels")) {
                return Intent::Act(Verb::Label);
            }
            if window
                .iter()
                .any(|t| matches!(*t, "annotation" | "annotations"))
            {
                return Intent::Act(Verb::Annotate);
            }
        }
        if low == "rollout" || (low == "roll" && next == "out") {
            let sub = if low == "roll" { w.low(i + 2) } else { next };
            let verb = match sub {
                "status" => Verb::Status,
                "history" => Verb::History,
                "undo" | "back" => Verb::Undo,
                "pause" => Verb::Pause,
                "resume" => Verb::Resume,
                "restart" => Verb::Restart,
                _ => continue,
            };
            return Intent::Act(verb);
        }
        if matches!(
            low,
            "set" | "update" | "change" | "upgrade" | "bump" | "switch" | "patch"
        ) {
            let window = (i + 1..i + 5).map(|k| w.low(k)).collect::<Vec<_>>();
            if window
                .iter()
                .any(|t| matches!(*t, "env" | "environment" | "variable" | "variables" | "var"))
            {
                return Intent::Act(Verb::SetEnv);
            }
            if window.contains(&"image") || w.indices().any(|k| looks_tagged(w.raw(k))) {
                return Intent::Act(Verb::SetImage);
            }
            if window.iter().any(|t| matches!(*t, "replicas" | "replica")) {
                return Intent::Act(Verb::Scale);
            }
            continue;
        }
        if low == "roll" && (i + 1..i + 4).any(|k| w.low(k) == "back") {
            return Intent::Act(Verb::Undo);
        }
        if matches!(low, "bind" | "grant")
            || (low == "give"
                && (i + 1..i + 4)
                    .any(|k| matches!(w.low(k), "user" | "group" | "sa" | "serviceaccount")))
        {
            return Intent::Bind;
        }
        if matches!(
            low,
            "deny" | "block" | "isolate" | "allow" | "restrict" | "firewall"
        ) {
            return Intent::Traffic;
        }
        if low == "run" || low == "execute" {
            let in_pod = (i + 1..w.len()).any(|k| {
                matches!(w.low(k), "in" | "inside" | "on")
                    && matches!(resource(w.low(k + 1)), Some(super::vocab::Res::Pod))
            });
            return if in_pod {
                Intent::Act(Verb::Exec)
            } else {
                Intent::Create
            };
        }
        if matches!(low, "schedule" | "route" | "routing") {
            return Intent::Create;
        }
        if low == "tail" && w.has(&["logs", "log", "-f"]) {
            return Intent::Act(Verb::Logs);
        }
        if CREATE.contains(&low) && !(low == "start" && w.has(&["again"])) {
            return Intent::Create;
        }
        if let Some(verb) = verb_of(low) {
            if weak_trouble && matches!(verb, Verb::Get | Verb::Describe) && !w.has(&["list"]) {
                return Intent::Troubleshoot;
            }
            return Intent::Act(refine(w, verb));
        }
    }
    if weak_trouble {
        return Intent::Troubleshoot;
    }
    // No verb: a resource noun with something to build from (`a deployment called x with
    // image y`), or an image alone.
    let noun = w.indices().any(|i| resource(w.low(i)).is_some());
    let content = w.indices().any(|i| {
        let raw = w.raw(i);
        looks_tagged(raw) || raw.contains('=') || raw.starts_with('/') || raw.contains('.')
    });
    if (noun && (content || w.has(&["called", "named", "every", "daily", "hourly"])))
        || w.indices().any(|i| looks_tagged(w.raw(i)))
    {
        return Intent::Create;
    }
    if w.has(&["what", "which", "how"]) && noun {
        return Intent::Act(refine(w, Verb::Get));
    }
    Intent::Unknown
}

/// Whether the word at `i` names the object just introduced (`cronjob purge with …`,
/// `a job called …`): it follows a resource noun that opens the request.
fn names_object(w: &Words, i: usize) -> bool {
    if i == 0 || resource(w.low(i - 1)).is_none() {
        return false;
    }
    i == 1 || (i == 2 && matches!(w.low(0), "a" | "an" | "the" | "new"))
}

/// `show … logs` is logs, `show … usage` is top, `show … events` is events.
fn refine(w: &Words, verb: Verb) -> Verb {
    if !matches!(verb, Verb::Get | Verb::Describe) {
        return verb;
    }
    if w.has(&["logs", "log", "output"]) {
        Verb::Logs
    } else if w.has(&["usage", "consumption", "utilization", "utilisation", "top"])
        || (w.has(&["how"]) && w.has(&["cpu", "memory", "ram"]))
    {
        Verb::Top
    } else if w.has(&["events", "event"]) && verb == Verb::Get {
        Verb::Events
    } else if w.has(&["version"]) {
        Verb::Version
    } else if w.has(&["api-resources"]) || (w.has(&["resource"]) && w.has(&["types", "kinds"])) {
        Verb::ApiResources
    } else if w.has(&["history"]) && w.has(&["rollout", "revisions", "revision"]) {
        Verb::History
    } else if w.has(&["details", "detail"]) {
        Verb::Describe
    } else {
        verb
    }
}

/// A word with an image tag or digest (`nginx:1.25`), cheap check.
fn looks_tagged(raw: &str) -> bool {
    match raw.split_once(':') {
        Some((repo, tag)) => {
            !repo.is_empty()
                && !tag.is_empty()
                && !repo.bytes().all(|b| b.is_ascii_digit())
                && repo
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"./-_".contains(&b))
                && !raw.contains('=')
                && !raw.contains("//")
        }
        None => raw.contains("@sha256:"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(text: &str) -> Intent {
        classify(&Words::new(text))
    }

    #[test]
    fn verbs_and_refinements() {
        assert_eq!(intent("create a deployment named x"), Intent::Create);
        assert_eq!(
            intent("a deployment called x with image y:1"),
            Intent::Create
        );
        assert_eq!(intent("scale web to 3"), Intent::Act(Verb::Scale));
        assert_eq!(intent("roll back web"), Intent::Act(Verb::Undo));
        assert_eq!(
            intent("rollout status of deploy web"),
            Intent::Act(Verb::Status)
        );
        assert_eq!(intent("show node resource usage"), Intent::Act(Verb::Top));
        assert_eq!(intent("get logs for pod x"), Intent::Act(Verb::Logs));
        assert_eq!(intent("show events"), Intent::Act(Verb::Events));
        assert_eq!(
            intent("update web to nginx:1.27"),
            Intent::Act(Verb::SetImage)
        );
        assert_eq!(intent("set env on web A=1"), Intent::Act(Verb::SetEnv));
        assert_eq!(intent("run ls in pod x"), Intent::Act(Verb::Exec));
        assert_eq!(intent("run nginx:1 as web"), Intent::Create);
        assert_eq!(intent("why is pod x pending"), Intent::Troubleshoot);
        assert_eq!(intent("pod x keeps crashing"), Intent::Troubleshoot);
        assert_eq!(intent("bind cluster-admin to user m"), Intent::Bind);
        assert_eq!(intent("deny all egress"), Intent::Traffic);
        assert_eq!(intent("tell me a joke"), Intent::Unknown);
        assert_eq!(intent("what pods are there"), Intent::Act(Verb::Get));
        assert_eq!(
            intent("cronjob purge with alpine:3 every hour"),
            Intent::Create
        );
    }
}
