//! Read-only actions (`get`, `describe`, `logs`, `events`, `top`) plus `port-forward` and
//! `exec`, which need a pod and say exactly which.

use super::{target, which};
use crate::proposal::Proposal;
use crate::rules::req::Req;
use crate::rules::slots::PairRole;
use crate::rules::vocab::Res;

/// `-l k=v,…` from label/plain pairs.
fn selector(req: &Req) -> Option<String> {
    let sel: Vec<String> = req
        .s
        .pairs
        .iter()
        .filter(|p| matches!(p.role, PairRole::Label | PairRole::Plain))
        .map(|p| format!("{}={}", p.key, p.value))
        .collect();
    (!sel.is_empty()).then(|| sel.join(","))
}

/// A pod phase named in the request (`pending pods`).
fn phase(req: &Req) -> Option<&'static str> {
    [
        ("pending", "Pending"),
        ("failed", "Failed"),
        ("succeeded", "Succeeded"),
        ("completed", "Succeeded"),
    ]
    .into_iter()
    .find(|(w, _)| req.w.has(&[w]))
    .map(|(_, p)| p)
}

/// `kubectl get TYPE [NAME] [-l SEL] [-n NS|-A]`.
pub fn get(req: &mut Req) -> Proposal {
    let t = target(req, Some(Res::Pod));
    let res = t.res.unwrap_or(Res::Pod);
    let plural = res.plural();
    let mut args: Vec<String> = vec!["get".into(), plural.clone()];
    if let Some(name) = &t.name {
        args.push(name.clone());
    }
    if let Some(sel) = selector(req) {
        args.push("-l".into());
        args.push(sel);
    }
    if res == Res::Pod
        && t.name.is_none()
        && let Some(phase) = phase(req)
    {
        args.push(format!("--field-selector=status.phase={phase}"));
    }
    if req.w.has(&["wide", "ips", "ip", "node", "nodes"]) && res == Res::Pod {
        args.push("-o".into());
        args.push("wide".into());
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let what = match &t.name {
        Some(n) => format!("{} {n}", res.kind()),
        None => plural,
    };
    let mut p = req.proposed(format!("List {what}{}", req.in_ns()));
    p.actions
        .push(req.action(&refs, res.namespaced(), "Read-only listing"));
    p
}

/// `kubectl describe TYPE [NAME]`.
pub fn describe(req: &mut Req) -> Proposal {
    let t = target(req, None);
    let Some(res) = t.res else {
        return req.needs(
            "The request does not say what kind of object to describe.",
            vec![which(None, "describe")],
        );
    };
    let mut args = vec!["describe", res.kubectl()];
    if let Some(name) = &t.name {
        args.push(name);
    }
    let mut p = req.proposed(format!(
        "Describe {} {}{}",
        res.kind(),
        t.name.as_deref().unwrap_or("(all)"),
        req.in_ns()
    ));
    p.actions.push(req.action(
        &args,
        res.namespaced(),
        "Shows status, conditions and recent events",
    ));
    p
}

/// `kubectl logs NAME|TYPE/NAME [-c C] [--tail N] [--previous] [-f]`.
pub fn logs(req: &mut Req) -> Proposal {
    let t = target(req, Some(Res::Pod));
    let sel = selector(req);
    let obj = match (&t.name, t.res) {
        (Some(name), Some(Res::Pod) | None) => name.clone(),
        (Some(name), Some(res)) => format!("{}/{name}", res.kubectl()),
        (None, _) if sel.is_some() => String::new(),
        (None, _) => {
            return req.needs(
                "The request does not say whose logs to show.",
                vec!["Which pod (or deployment) should I show logs for?".into()],
            );
        }
    };
    let mut args: Vec<String> = vec!["logs".into()];
    if obj.is_empty() {
        args.push("-l".into());
        args.push(sel.unwrap_or_default());
    } else {
        args.push(obj.clone());
    }
    let o = &req.s.logs;
    if let Some(c) = &o.container {
        args.push("-c".into());
        args.push(c.clone());
    } else if t.res.is_some_and(|r| r != Res::Pod) || obj.is_empty() {
        args.push("--all-containers".into());
    }
    if let Some(n) = o.tail {
        args.push(format!("--tail={n}"));
    }
    if let Some(since) = &o.since {
        args.push(format!("--since={since}"));
    }
    if o.previous {
        args.push("--previous".into());
    }
    if o.follow {
        args.push("--follow".into());
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut p = req.proposed(format!(
        "Show logs of {}{}",
        if obj.is_empty() {
            "the selected pods"
        } else {
            &obj
        },
        req.in_ns()
    ));
    p.actions
        .push(req.action(&refs, true, "Container output (read-only)"));
    p
}

/// `kubectl events [--for TYPE/NAME]`.
pub fn events(req: &mut Req) -> Proposal {
    let about = req
        .nouns()
        .find(|(_, r)| *r != Res::Event)
        .map(|(i, r)| (r, req.name_near(Some(i))));
    let mut args: Vec<String> = vec!["events".into()];
    if let Some((res, Some(name))) = &about {
        args.push("--for".into());
        args.push(format!("{}/{name}", res.kubectl()));
    }
    if req.w.has(&["warning", "warnings", "errors", "error"]) {
        args.push("--types=Warning".into());
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut p = req.proposed(format!("Show recent events{}", req.in_ns()));
    p.actions
        .push(req.action(&refs, true, "Recent events, oldest first (read-only)"));
    p
}

/// `kubectl top nodes|pods`.
pub fn top(req: &mut Req) -> Proposal {
    let node = req.noun_of(&[Res::Node]).is_some();
    let t = target(req, Some(Res::Pod));
    let (kind, namespaced) = if node {
        ("nodes", false)
    } else {
        ("pods", true)
    };
    let mut args = vec!["top", kind];
    let name = t.name.filter(|_| t.explicit);
    if let Some(n) = &name {
        args.push(n);
    }
    let mut p = req.proposed(format!(
        "Show CPU and memory usage of {kind}{}",
        req.in_ns()
    ));
    p.actions.push(req.action(
        &args,
        namespaced,
        "Current usage from metrics-server (read-only)",
    ));
    p
}

/// `kubectl port-forward TYPE/NAME LOCAL:REMOTE`.
pub fn port_forward(req: &mut Req) -> Proposal {
    let t = target(req, Some(Res::Service));
    let res = t.res.unwrap_or(Res::Service);
    // Bare numbers (`5432`, `8080 to 80`) are ports here.
    let bare: Vec<u16> = req
        .w
        .indices()
        .filter(|&i| !req.w.used(i))
        .filter_map(|i| req.w.low(i).parse::<u16>().ok())
        .collect();
    let guessed = match (bare.first(), req.s.to_number) {
        (Some(&local), Some(remote)) => {
            u16::try_from(remote)
                .ok()
                .map(|r| shipmate_manifests::build::PortMap {
                    port: local,
                    target: r,
                })
        }
        (Some(&p), None) => Some(shipmate_manifests::build::PortMap::same(p)),
        _ => None,
    };
    let port = req.s.ports.first().copied().or(guessed);
    let (Some(name), Some(port)) = (&t.name, port) else {
        return req.needs(
            "Port-forwarding needs a target and a port.",
            vec!["Which service or pod, and which port (LOCAL:REMOTE)?".into()],
        );
    };
    let obj = format!("{}/{name}", res.kubectl());
    let ports = format!("{}:{}", port.port, port.target);
    let mut p = req.proposed(format!(
        "Forward localhost:{} to {obj} port {}{}",
        port.port,
        port.target,
        req.in_ns()
    ));
    p.actions.push(req.action(
        &["port-forward", &obj, &ports],
        true,
        "Runs until interrupted; traffic stays on this machine",
    ));
    p
}

/// `kubectl exec -it POD -- CMD…`.
pub fn exec(req: &mut Req) -> Proposal {
    let t = target(req, Some(Res::Pod));
    let Some(name) = t.name.clone() else {
        return req.needs(
            "The request does not say which pod to run the command in.",
            vec!["Which pod should I exec into?".into()],
        );
    };
    let obj = match t.res {
        Some(Res::Pod) | None => name.clone(),
        Some(res) => format!("{}/{name}", res.kubectl()),
    };
    // The command: words between `run`/`execute` and `in`, else an interactive shell.
    let w = &req.w;
    let command: Vec<String> = w
        .find(&["run", "execute"])
        .map(|start| {
            (start + 1..w.len())
                .take_while(|&k| !matches!(w.low(k), "in" | "inside" | "on"))
                .map(|k| w.raw(k).to_owned())
                .collect()
        })
        .unwrap_or_default();
    let interactive = command.is_empty();
    let mut args: Vec<String> = vec!["exec".into()];
    if interactive {
        args.push("-it".into());
    }
    args.push(obj.clone());
    if let Some(c) = &req.s.logs.container {
        args.push("-c".into());
        args.push(c.clone());
    }
    args.extend(req.ns_flags());
    args.push("--".into());
    if interactive {
        args.push(if req.w.has(&["bash"]) { "bash" } else { "sh" }.into());
    } else {
        args.extend(command);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut p = req.proposed(format!("Run a command in {obj}{}", req.in_ns()));
    p.actions.push(req.action(
        &refs,
        false,
        "Runs a process inside the container (counts as a change)",
    ));
    p
}
