//! `KIND/NAME`: one object to diagnose. The collection covers its namespace (what its
//! analysis needs: pods, owners, Services, events, references); the report keeps the findings
//! about the object and the objects related to it ([`super::related`]).

use shipmate_manifests::kubectl::resource_type;
use shipmate_plugins::analyze::{Finding, Kind, Snapshot};

use super::related;

/// One object named on the command line (`deploy/web`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Its kind.
    pub kind: Kind,
    /// Its name.
    pub name: String,
}

/// Why a `KIND/NAME` argument was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    /// Not `KIND/NAME`.
    #[error("`{0}` is not KIND/NAME; name one object like `pod/api-0` or `deployment/web`")]
    Shape(String),
    /// A kind the analyzers do not read.
    #[error("cannot diagnose `{word}`: the kinds diagnosed are {}", kinds())]
    Kind {
        /// The kind word given.
        word: String,
    },
    /// The object is not there.
    #[error("no {kind} `{name}`{place}{others}; check the name and the namespace (-n)")]
    NotFound {
        /// Its kind.
        kind: &'static str,
        /// Its name.
        name: String,
        /// ` in namespace shop`, or empty for cluster-scoped kinds.
        place: String,
        /// `; there are: a, b, c` when others exist.
        others: String,
    },
}

/// The kinds a target may have, for the error message.
fn kinds() -> String {
    Kind::ALL
        .iter()
        .filter(|k| !matches!(k, Kind::Event | Kind::EndpointSlice))
        .map(|k| k.as_str().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Target {
    /// Parses `KIND/NAME` (`po/api-0`, `deployments.apps/web`, `Service/shop`).
    ///
    /// # Errors
    /// Not of that shape, or a kind the analyzers do not read.
    pub fn parse(text: &str) -> Result<Target, TargetError> {
        let Some((word, name)) = text
            .split_once('/')
            .filter(|(w, n)| !w.is_empty() && !n.is_empty() && !n.contains('/'))
        else {
            return Err(TargetError::Shape(text.to_owned()));
        };
        let kind = resource_type(word)
            .and_then(|t| Kind::ALL.into_iter().find(|k| k.as_str() == t.kind))
            .filter(|k| !matches!(k, Kind::Event | Kind::EndpointSlice))
            .ok_or_else(|| TargetError::Kind {
                word: word.to_owned(),
            })?;
        Ok(Target {
            kind,
            name: name.to_owned(),
        })
    }

    /// `Deployment/web`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind.as_str(), self.name)
    }

    /// Keeps the findings about the target and what is related to it in `snapshot` (read in
    /// `namespace`).
    ///
    /// # Errors
    /// [`TargetError::NotFound`] when the snapshot lists the target's kind and it is not there.
    pub fn select(
        &self,
        snapshot: &Snapshot,
        namespace: &str,
        findings: Vec<Finding>,
    ) -> Result<Vec<Finding>, TargetError> {
        let names = related::names_of(snapshot, self.kind, namespace);
        if snapshot.was_listed(self.kind) && !names.iter().any(|n| *n == self.name) {
            const SHOWN: usize = 12;
            let mut names: Vec<&str> = names;
            names.sort_unstable();
            let others = match names.len() {
                0 => String::new(),
                n => {
                    let more = if n > SHOWN { ", …" } else { "" };
                    format!("; there are: {}{more}", names[..n.min(SHOWN)].join(", "))
                }
            };
            return Err(TargetError::NotFound {
                kind: self.kind.as_str(),
                name: self.name.clone(),
                place: if self.kind.namespaced() {
                    format!(" in namespace {namespace}")
                } else {
                    String::new()
                },
                others,
            });
        }
        let keep = related::objects(snapshot, self, namespace);
        Ok(findings
            .into_iter()
            .filter(|f| keep.contains(&f.object))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_with_kubectl_kind_words() {
        let t = Target::parse("deploy/web").unwrap();
        assert_eq!((t.kind, t.name.as_str()), (Kind::Deployment, "web"));
        assert_eq!(Target::parse("po/api-0").unwrap().kind, Kind::Pod);
        assert_eq!(Target::parse("svc/shop").unwrap().label(), "Service/shop");
        assert_eq!(Target::parse("node/n1").unwrap().kind, Kind::Node);
        assert!(matches!(Target::parse("web"), Err(TargetError::Shape(_))));
        assert!(matches!(Target::parse("pod/"), Err(TargetError::Shape(_))));
        let err = Target::parse("widgets/w").unwrap_err();
        assert!(err.to_string().contains("deployment"), "{err}");
    }
}
