//! `kubectl rollout …`, `kubectl set image`, `kubectl set env`.

use super::{Target, target, which};
use crate::proposal::Proposal;
use crate::rules::intent::Verb;
use crate::rules::req::Req;
use crate::rules::slots::PairRole;
use crate::rules::vocab::{Res, number};

/// A rollable target (Deployment by default), or the question to ask.
fn rollable(req: &Req, what: &str) -> Result<(Res, String), Box<Proposal>> {
    let mut t: Target = target(req, Some(Res::Deployment));
    // `restart the pods of deployment web`: the rollable noun is the target.
    if t.res.is_some_and(|r| !r.rollable())
        && let Some((i, r)) = req.noun_of(&[Res::Deployment, Res::StatefulSet, Res::DaemonSet])
    {
        t.res = Some(r);
        t.name = req.name_near(Some(i));
    }
    let res = t.res.unwrap_or(Res::Deployment);
    if !res.rollable() {
        return Err(Box::new(req.needs(
            format!("A {} has no rollouts to {what}.", res.kind()),
            vec![format!(
                "Which Deployment, StatefulSet or DaemonSet should I {what}?"
            )],
        )));
    }
    match t.name {
        Some(name) => Ok((res, name)),
        None => Err(Box::new(req.needs(
            format!("The request does not say which {} to {what}.", res.kind()),
            vec![which(Some(res), what)],
        ))),
    }
}

/// `kubectl rollout restart|undo|status|history|pause|resume TYPE/NAME`.
pub fn rollout(req: &mut Req, verb: Verb) -> Proposal {
    // `restart every deployment in dev`: kubectl restarts all of a type in the namespace.
    if verb == Verb::Restart
        && req.w.has(&["every", "all"])
        && let Some((_, res)) = req.noun_of(&[Res::Deployment, Res::StatefulSet, Res::DaemonSet])
    {
        let mut p = req.proposed(format!("Restart every {}{}", res.kubectl(), req.in_ns()));
        p.actions.push(req.action(
            &["rollout", "restart", res.kubectl()],
            true,
            "Rolling restart of every object of this type in the namespace",
        ));
        return p;
    }
    let (sub, what, reason) = match verb {
        Verb::Restart => (
            "restart",
            "restart",
            "Rolling restart: new pods replace old ones",
        ),
        Verb::Undo => ("undo", "roll back", "Return to the previous revision"),
        Verb::Status => ("status", "check", "Shows whether the rollout has completed"),
        Verb::History => (
            "history",
            "list the revisions of",
            "Lists recorded revisions",
        ),
        Verb::Pause => ("pause", "pause", "Stops rolling out template changes"),
        _ => (
            "resume",
            "resume",
            "Rolls out template changes made while paused",
        ),
    };
    let (res, name) = match rollable(req, what) {
        Ok(t) => t,
        Err(p) => return *p,
    };
    let obj = format!("{}/{name}", res.kubectl());
    let mut args = vec!["rollout", sub, obj.as_str()];
    let revision = req
        .w
        .find(&["revision"])
        .and_then(|i| number(req.w.low(i + 1)))
        .map(|n| format!("--to-revision={n}"));
    if let (Verb::Undo, Some(r)) = (verb, &revision) {
        args.push(r);
    }
    if verb == Verb::Status {
        args.push("--watch=false");
    }
    let mut p = req.proposed(format!(
        "{} {} {name}{}",
        capitalise(what),
        res.kind().to_lowercase(),
        req.in_ns()
    ));
    p.actions.push(req.action(&args, true, reason));
    p
}

/// `kubectl set image TYPE/NAME CONTAINER=IMAGE`.
pub fn set_image(req: &mut Req) -> Proposal {
    let (res, name) = match rollable(req, "update") {
        Ok(t) => t,
        Err(p) => return *p,
    };
    let Some(image) = req.s.image.clone() else {
        return req.needs(
            "The request does not say which image to use.",
            vec![format!(
                "Which image (registry/name:tag) should {name} run?"
            )],
        );
    };
    let container = req.s.logs.container.clone().unwrap_or_else(|| "*".into());
    let obj = format!("{}/{name}", res.kubectl());
    let assignment = format!("{container}={image}");
    let mut p = req.proposed(format!(
        "Set the image of {} {name} to {image}{}",
        res.kind().to_lowercase(),
        req.in_ns()
    ));
    let reason = if container == "*" {
        "Updates every container of the pod template (name one with `container NAME`)"
    } else {
        "Updates the named container; a rolling update follows"
    };
    p.actions
        .push(req.action(&["set", "image", &obj, &assignment], true, reason));
    p
}

/// `kubectl set env TYPE/NAME K=V…`.
pub fn set_env(req: &mut Req) -> Proposal {
    let (res, name) = match rollable(req, "update") {
        Ok(t) => t,
        Err(p) => return *p,
    };
    let pairs: Vec<String> = req
        .s
        .pairs
        .iter()
        .filter(|p| matches!(p.role, PairRole::Env | PairRole::Plain))
        .map(|p| format!("{}={}", p.key, p.value))
        .collect();
    if pairs.is_empty() {
        return req.needs(
            "The request names no variables.",
            vec!["Which variables should I set (NAME=value)?".into()],
        );
    }
    let obj = format!("{}/{name}", res.kubectl());
    let mut args = vec!["set", "env", obj.as_str()];
    args.extend(pairs.iter().map(String::as_str));
    let mut p = req.proposed(format!(
        "Set {} on {} {name}{}",
        pairs.join(", "),
        res.kind().to_lowercase(),
        req.in_ns()
    ));
    p.actions.push(req.action(
        &args,
        true,
        "Changes the pod template; a rolling update follows",
    ));
    p
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
