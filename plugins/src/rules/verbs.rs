//! The verb vocabulary: words that create, words that diagnose, and the kubectl verb each
//! action word maps to.

use super::intent::Verb;

/// Words that ask for something new.
pub const CREATE: &[&str] = &[
    "create",
    "make",
    "add",
    "deploy",
    "launch",
    "provision",
    "generate",
    "new",
    "need",
    "want",
    "install",
    "start",
    "setup",
    "spin",
    "host",
    "apply",
];
/// Words that make any request a diagnosis.
pub const TROUBLE_STRONG: &[&str] = &[
    "why",
    "troubleshoot",
    "diagnose",
    "investigate",
    "debug",
    "wrong",
];
/// State words: a diagnosis unless an action verb says otherwise.
pub const TROUBLE_WEAK: &[&str] = &[
    "pending",
    "notready",
    "noendpoints",
    "unavailable",
    "failing",
    "broken",
    "stuck",
    "oomkilled",
    "imagepullbackoff",
    "errimagepull",
    "restarting",
    "unhealthy",
    "unreachable",
    "down",
    "returns",
    "returning",
    "timeout",
    "timing",
    "refused",
    "500",
    "502",
    "503",
    "504",
    "slow",
    "evicted",
    "crashlooping",
];

/// The kubectl verb an action word stands for.
pub fn verb_of(low: &str) -> Option<Verb> {
    Some(match low {
        "scale" | "resize" | "reduce" | "increase" | "decrease" | "shrink" | "grow"
        | "downscale" | "upscale" | "bring" => Verb::Scale,
        "restart" | "bounce" | "recycle" | "reboot" | "redeploy" => Verb::Restart,
        "rollback" | "undo" | "revert" => Verb::Undo,
        "pause" => Verb::Pause,
        "resume" | "unpause" => Verb::Resume,
        "get" | "list" | "show" | "display" | "view" | "print" | "see" | "find" | "fetch"
        | "check" | "count" => Verb::Get,
        "describe" | "inspect" | "details" => Verb::Describe,
        "logs" | "log" => Verb::Logs,
        "events" => Verb::Events,
        "top" | "usage" => Verb::Top,
        "version" => Verb::Version,
        "api-resources" => Verb::ApiResources,
        "delete" | "remove" | "destroy" | "kill" | "drop" | "erase" | "purge" | "uninstall"
        | "terminate" | "nuke" | "wipe" => Verb::Delete,
        "label" => Verb::Label,
        "annotate" => Verb::Annotate,
        "taint" | "untaint" => Verb::Taint,
        "cordon" => Verb::Cordon,
        "uncordon" => Verb::Uncordon,
        "drain" | "evacuate" => Verb::Drain,
        "expose" | "publish" => Verb::Expose,
        "autoscale" => Verb::Autoscale,
        "port-forward" | "forward" => Verb::PortForward,
        "exec" | "shell" | "ssh" | "attach" => Verb::Exec,
        _ => return None,
    })
}
