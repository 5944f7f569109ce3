//! Actions: requests that map to kubectl commands on existing objects (scale, rollout, set,
//! get/describe/logs/events/top, delete, label/annotate/taint, cordon/drain, expose,
//! autoscale, port-forward, exec). Each handler answers `needs_input` when the object, the
//! count or the value it needs is missing.

mod inspect;
mod modify;
mod rollout;

use super::intent::Verb;
use super::req::Req;
use super::vocab::Res;
use crate::proposal::Proposal;

/// The object an action is about.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its resource type (the noun, else the verb's default).
    pub res: Option<Res>,
    /// Whether the type was named in the request.
    pub explicit: bool,
    /// Its name, when given.
    pub name: Option<String>,
}

/// Finds the target: the first noun (and the name next to it), else `default` and a name
/// anywhere after the verb.
pub fn target(req: &Req, default: Option<Res>) -> Target {
    match req.noun() {
        Some((i, res)) => {
            let name = req.name_near(Some(i)).or_else(|| {
                // `reduce orders to 1 pod`: the noun came after the name.
                (i > req.verb_index())
                    .then(|| req.loose_name(req.verb_index()))
                    .flatten()
            });
            Target {
                res: Some(res),
                explicit: true,
                name,
            }
        }
        None => Target {
            res: default,
            explicit: false,
            name: req
                .s
                .name
                .clone()
                .or_else(|| req.loose_name(req.verb_index())),
        },
    }
}

/// Handles an action verb.
pub fn handle(req: &mut Req, verb: Verb) -> Proposal {
    match verb {
        Verb::Scale => modify::scale(req),
        Verb::Restart | Verb::Undo | Verb::Status | Verb::History | Verb::Pause | Verb::Resume => {
            rollout::rollout(req, verb)
        }
        Verb::SetImage => rollout::set_image(req),
        Verb::SetEnv => rollout::set_env(req),
        Verb::Get => inspect::get(req),
        Verb::Describe => inspect::describe(req),
        Verb::Logs => inspect::logs(req),
        Verb::Events => inspect::events(req),
        Verb::Top => inspect::top(req),
        Verb::Version => {
            let a = req.action(&["version"], false, "Client and server versions");
            let mut p = req.proposed("Show the kubectl and cluster versions");
            p.actions.push(a);
            p
        }
        Verb::ApiResources => {
            let a = req.action(
                &["api-resources"],
                false,
                "Resource types the cluster serves",
            );
            let mut p = req.proposed("List the API resource types the cluster serves");
            p.actions.push(a);
            p
        }
        Verb::Delete => modify::delete(req),
        Verb::Label | Verb::Annotate => modify::label(req, verb == Verb::Annotate),
        Verb::Taint => modify::taint(req),
        Verb::Cordon | Verb::Uncordon | Verb::Drain => modify::node(req, verb),
        Verb::Expose => modify::expose(req),
        Verb::Autoscale => modify::autoscale(req),
        Verb::PortForward => inspect::port_forward(req),
        Verb::Exec => inspect::exec(req),
    }
}

/// "Which deployment should I scale?" style question.
pub fn which(res: Option<Res>, what: &str) -> String {
    match res {
        Some(r) => format!("Which {} should I {what}? Give its name.", r.kind()),
        None => format!("Which object should I {what}? Give its kind and name."),
    }
}
