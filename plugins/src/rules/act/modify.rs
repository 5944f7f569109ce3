//! Actions that change things: scale, delete, label/annotate, taint, cordon/uncordon/drain,
//! expose, autoscale.

use super::{target, which};
use crate::proposal::Proposal;
use crate::rules::intent::Verb;
use crate::rules::req::Req;
use crate::rules::slots::PairRole;
use crate::rules::vocab::Res;

/// `kubectl scale TYPE/NAME --replicas=N`.
pub fn scale(req: &mut Req) -> Proposal {
    let t = target(req, Some(Res::Deployment));
    let res = t.res.unwrap_or(Res::Deployment);
    if !res.scalable() {
        return req.needs(
            format!("A {} cannot be scaled.", res.kind()),
            vec![
                "Which Deployment or StatefulSet should I scale, and to how many replicas?".into(),
            ],
        );
    }
    let count = req.s.replicas.or(req.s.to_number).or(req.s.max);
    let mut questions = Vec::new();
    if t.name.is_none() {
        questions.push(which(Some(res), "scale"));
    }
    if count.is_none() {
        questions.push("How many replicas should it run?".into());
    }
    let (Some(name), Some(count)) = (t.name, count) else {
        return req.needs("The request lacks what scaling needs.", questions);
    };
    let obj = format!("{}/{name}", res.kubectl());
    let replicas = format!("--replicas={count}");
    let mut p = req.proposed(format!(
        "Scale {} {name} to {count} replica{}{}",
        res.kind().to_lowercase(),
        if count == 1 { "" } else { "s" },
        req.in_ns()
    ));
    p.actions.push(req.action(
        &["scale", &obj, &replicas],
        true,
        "Sets the desired replica count",
    ));
    p
}

/// `kubectl delete TYPE NAME` / `--all` / `-l SEL`.
pub fn delete(req: &mut Req) -> Proposal {
    let t = target(req, None);
    let everything = req.w.has(&["all", "every", "each", "everything", "--all"]);
    let sel: Vec<String> = req
        .s
        .pairs
        .iter()
        .filter(|p| matches!(p.role, PairRole::Label | PairRole::Plain))
        .map(|p| format!("{}={}", p.key, p.value))
        .collect();
    let Some(res) = t.res else {
        return req.needs(
            "The request does not say what kind of object to delete.",
            vec![which(None, "delete")],
        );
    };
    let mut args: Vec<String> = vec!["delete".into()];
    let what = if let Some(name) = t.name.clone().filter(|_| res != Res::All) {
        args.push(res.kubectl().into());
        args.push(name.clone());
        format!("{} {name}", res.kind())
    } else if !sel.is_empty() {
        args.push(res.plural());
        args.push("-l".into());
        args.push(sel.join(","));
        format!("{} labelled {}", res.plural(), sel.join(","))
    } else if everything || res == Res::All {
        args.push(res.plural());
        args.push("--all".into());
        if res == Res::All {
            "everything".to_owned()
        } else {
            format!("every {}", res.kubectl())
        }
    } else {
        return req.needs(
            format!("The request does not say which {} to delete.", res.kind()),
            vec![which(Some(res), "delete")],
        );
    };
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut p = req.proposed(format!("Delete {what}{}", req.in_ns()));
    p.actions.push(req.action(
        &refs,
        res.namespaced(),
        "Deletes the object(s); this cannot be undone by kubectl",
    ));
    p
}

/// `kubectl label|annotate TYPE NAME k=v… --overwrite`.
pub fn label(req: &mut Req, annotate: bool) -> Proposal {
    let t = target(req, None);
    let verb = if annotate { "annotate" } else { "label" };
    let pairs: Vec<String> = req
        .s
        .pairs
        .iter()
        .map(|p| format!("{}={}", p.key, p.value))
        .collect();
    let (Some(res), Some(name)) = (t.res, t.name.clone()) else {
        return req.needs(
            format!("The request does not say what to {verb}."),
            vec![which(t.res, verb)],
        );
    };
    if pairs.is_empty() {
        return req.needs(
            format!("The request gives no {verb}s."),
            vec![format!("Which {verb}s (key=value) should I set?")],
        );
    }
    let mut args = vec![verb, res.kubectl(), name.as_str()];
    args.extend(pairs.iter().map(String::as_str));
    args.push("--overwrite");
    let mut p = req.proposed(format!(
        "{} {} {name} with {}{}",
        if annotate { "Annotate" } else { "Label" },
        res.kind(),
        pairs.join(", "),
        req.in_ns()
    ));
    p.actions
        .push(req.action(&args, res.namespaced(), "Sets metadata"));
    p
}

/// `kubectl taint nodes NAME key=value:Effect` (or `key-` to remove).
pub fn taint(req: &mut Req) -> Proposal {
    let t = target(req, Some(Res::Node));
    let Some(name) = t.name else {
        return req.needs("No node named.", vec![which(Some(Res::Node), "taint")]);
    };
    let effect = if req.w.has(&["noexecute"]) {
        "NoExecute"
    } else if req.w.has(&["prefernoschedule"]) {
        "PreferNoSchedule"
    } else {
        "NoSchedule"
    };
    let remove = req.w.has(&["untaint", "remove"]);
    let taints: Vec<String> = req
        .s
        .pairs
        .iter()
        .map(|p| {
            if remove {
                format!("{}-", p.key)
            } else if p.value.contains(':') {
                format!("{}={}", p.key, p.value)
            } else {
                format!("{}={}:{effect}", p.key, p.value)
            }
        })
        .collect();
    if taints.is_empty() {
        return req.needs(
            "The request gives no taint.",
            vec!["Which taint (key=value:Effect)?".into()],
        );
    }
    let mut args = vec!["taint", "nodes", name.as_str()];
    args.extend(taints.iter().map(String::as_str));
    let mut p = req.proposed(format!("Taint node {name} with {}", taints.join(", ")));
    p.actions
        .push(req.action(&args, false, "Changes which pods the node accepts"));
    p
}

/// `kubectl cordon|uncordon|drain NODE`.
pub fn node(req: &mut Req, verb: Verb) -> Proposal {
    let t = target(req, Some(Res::Node));
    let (word, reason) = match verb {
        Verb::Cordon => ("cordon", "Marks the node unschedulable; running pods stay"),
        Verb::Uncordon => ("uncordon", "Marks the node schedulable again"),
        _ => (
            "drain",
            "Cordons the node and evicts its pods (PDBs are respected)",
        ),
    };
    let Some(name) = t.name else {
        return req.needs("No node named.", vec![which(Some(Res::Node), word)]);
    };
    let mut args = vec![word, name.as_str()];
    if verb == Verb::Drain {
        args.extend(["--ignore-daemonsets", "--delete-emptydir-data"]);
    }
    let mut p = req.proposed(format!("{} node {name}", capital(word)));
    p.actions.push(req.action(&args, false, reason));
    p
}

/// `kubectl expose TYPE NAME --port=P [--target-port=T] [--type=T]`.
pub fn expose(req: &mut Req) -> Proposal {
    let t = target(req, Some(Res::Deployment));
    let res = t.res.unwrap_or(Res::Deployment);
    let mut questions = Vec::new();
    if t.name.is_none() {
        questions.push(which(Some(res), "expose"));
    }
    if req.s.ports.is_empty() {
        questions.push("On which port should the Service listen?".into());
    }
    let (Some(name), Some(port)) = (t.name.clone(), req.s.ports.first().copied()) else {
        return req.needs("The request lacks what exposing needs.", questions);
    };
    let mut args: Vec<String> = vec![
        "expose".into(),
        res.kubectl().into(),
        name.clone(),
        format!("--port={}", port.port),
    ];
    if port.target != port.port {
        args.push(format!("--target-port={}", port.target));
    }
    let ty = if req.w.has(&["nodeport"]) {
        Some("NodePort")
    } else if req
        .w
        .has(&["loadbalancer", "external", "publicly", "internet"])
    {
        Some("LoadBalancer")
    } else {
        None
    };
    if let Some(ty) = ty {
        args.push(format!("--type={ty}"));
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut p = req.proposed(format!(
        "Expose {} {name} on port {}{}",
        res.kind().to_lowercase(),
        port.port,
        req.in_ns()
    ));
    p.actions.push(req.action(
        &refs,
        true,
        "Creates a Service selecting the workload's pods",
    ));
    p
}

/// `kubectl autoscale TYPE NAME --min=N --max=M --cpu-percent=P`.
pub fn autoscale(req: &mut Req) -> Proposal {
    let t = target(req, Some(Res::Deployment));
    let res = t.res.unwrap_or(Res::Deployment);
    let max = req.s.max.or(req.s.to_number);
    let mut questions = Vec::new();
    if t.name.is_none() {
        questions.push(which(Some(res), "autoscale"));
    }
    if max.is_none() {
        questions.push("What is the most replicas it may scale to?".into());
    }
    let (Some(name), Some(max)) = (t.name, max) else {
        return req.needs("The request lacks what autoscaling needs.", questions);
    };
    let min = req.s.min.unwrap_or(1).min(max);
    let cpu = req.s.cpu_percent.unwrap_or(80);
    let args = [
        "autoscale".to_owned(),
        res.kubectl().to_owned(),
        name.clone(),
        format!("--min={min}"),
        format!("--max={max}"),
        format!("--cpu-percent={cpu}"),
    ];
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut p = req.proposed(format!(
        "Autoscale {} {name} between {min} and {max} replicas at {cpu}% CPU{}",
        res.kind().to_lowercase(),
        req.in_ns()
    ));
    p.actions.push(req.action(
        &refs,
        true,
        "Creates a HorizontalPodAutoscaler (needs metrics-server)",
    ));
    p
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
