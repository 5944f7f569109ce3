//! [`NativeOp`]: what a native action does, read from its argv (the assignments and removals
//! after the object), and how confirmation describes it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A change to a set of keys (labels or annotations): `key=value` sets, `key-` removes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyChanges {
    /// `key=value` pairs to set.
    pub set: Vec<(String, String)>,
    /// Keys to remove (`key-`).
    pub remove: Vec<String>,
    /// `--overwrite`: whether an existing key may get a different value.
    pub overwrite: bool,
}

/// A node taint, `key[=value]:Effect`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taint {
    /// The taint key.
    pub key: String,
    /// The value (may be empty).
    pub value: String,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`; empty in a removal means any effect.
    pub effect: String,
}

impl fmt::Display for Taint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)?;
        if !self.value.is_empty() {
            write!(f, "={}", self.value)?;
        }
        if !self.effect.is_empty() {
            write!(f, ":{}", self.effect)?;
        }
        Ok(())
    }
}

/// What a native action does to its object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum NativeOp {
    /// `kubectl scale --replicas=N`: the scale subresource.
    Scale {
        /// The new replica count.
        replicas: i32,
    },
    /// `kubectl rollout restart`: stamps the pod template with
    /// `kubectl.kubernetes.io/restartedAt`.
    Restart,
    /// `kubectl set image`: `(container, image)` pairs; container `*` means every container.
    SetImage {
        /// `(container, image)`.
        images: Vec<(String, String)>,
    },
    /// `kubectl set env`.
    SetEnv {
        /// `-c`/`--containers`: the container to change (`*`, or none given: all of them).
        container: Option<String>,
        /// `KEY=VALUE` to set.
        set: Vec<(String, String)>,
        /// `KEY-` to remove.
        remove: Vec<String>,
    },
    /// `kubectl delete` of one named object.
    Delete,
    /// `kubectl label`.
    Label(KeyChanges),
    /// `kubectl annotate`.
    Annotate(KeyChanges),
    /// `kubectl cordon`: `spec.unschedulable: true`.
    Cordon,
    /// `kubectl uncordon`: `spec.unschedulable` removed.
    Uncordon,
    /// `kubectl taint`.
    Taint {
        /// Taints to add (or, with `overwrite`, to give a new value).
        add: Vec<Taint>,
        /// Taints to remove (`key[:Effect]-`).
        remove: Vec<Taint>,
        /// `--overwrite`.
        overwrite: bool,
    },
    /// Undo only: put back the fields (dotted paths, e.g. `spec.template`) an action changed.
    Restore {
        /// The dotted paths restored.
        fields: Vec<String>,
    },
    /// Undo only: create a deleted object again.
    Create,
}

impl NativeOp {
    /// The dotted paths of the fields this operation changes, which undo restores from the
    /// prior object; empty for operations undone another way (scale, delete, create).
    /// `kind` decides where the pod template is (`spec.template`, or the Pod's own `spec`).
    pub fn changed_fields(&self, kind: &str) -> Vec<String> {
        let template: &[&str] = if kind == "Pod" {
            &["spec.containers", "spec.initContainers"]
        } else {
            &["spec.template"]
        };
        let fields: &[&str] = match self {
            NativeOp::Restart | NativeOp::SetImage { .. } | NativeOp::SetEnv { .. } => template,
            NativeOp::Label(_) => &["metadata.labels"],
            NativeOp::Annotate(_) => &["metadata.annotations"],
            NativeOp::Cordon | NativeOp::Uncordon => &["spec.unschedulable"],
            NativeOp::Taint { .. } => &["spec.taints"],
            NativeOp::Restore { fields } => return fields.clone(),
            NativeOp::Scale { .. } | NativeOp::Delete | NativeOp::Create => &[],
        };
        fields.iter().map(|f| f.to_string()).collect()
    }
}

impl fmt::Display for NativeOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pairs = |p: &[(String, String)], sep: &str| {
            p.iter()
                .map(|(k, v)| format!("{k}{sep}{v}"))
                .collect::<Vec<_>>()
        };
        let keys = |c: &KeyChanges| {
            let mut words = pairs(&c.set, "=");
            words.extend(c.remove.iter().map(|k| format!("{k}-")));
            words.join(" ")
        };
        match self {
            NativeOp::Scale { replicas } => write!(f, "scale to {replicas}"),
            NativeOp::Restart => f.write_str("rollout restart"),
            NativeOp::SetImage { images } => {
                write!(f, "set image {}", pairs(images, "=").join(" "))
            }
            NativeOp::SetEnv { set, remove, .. } => {
                let mut words = pairs(set, "=");
                words.extend(remove.iter().map(|k| format!("{k}-")));
                write!(f, "set env {}", words.join(" "))
            }
            NativeOp::Delete => f.write_str("delete"),
            NativeOp::Label(c) => write!(f, "label {}", keys(c)),
            NativeOp::Annotate(c) => write!(f, "annotate {}", keys(c)),
            NativeOp::Cordon => f.write_str("cordon"),
            NativeOp::Uncordon => f.write_str("uncordon"),
            NativeOp::Taint { add, remove, .. } => {
                let mut words: Vec<String> = add.iter().map(Taint::to_string).collect();
                words.extend(remove.iter().map(|t| format!("{t}-")));
                write!(f, "taint {}", words.join(" "))
            }
            NativeOp::Restore { fields } => write!(f, "restore {}", fields.join(", ")),
            NativeOp::Create => f.write_str("create"),
        }
    }
}

/// `KEY=VALUE` pairs to set and `KEY`s to remove.
pub(super) type Assignments = (Vec<(String, String)>, Vec<String>);

/// Splits `KEY=VALUE` and `KEY-` words; `None` for anything else.
pub(super) fn assignments(words: &[&str]) -> Option<Assignments> {
    let (mut set, mut remove) = (Vec::new(), Vec::new());
    for w in words {
        match (w.split_once('='), w.strip_suffix('-')) {
            (Some((k, v)), _) if !k.is_empty() => set.push((k.to_string(), v.to_string())),
            (None, Some(k)) if !k.is_empty() => remove.push(k.to_string()),
            _ => return None,
        }
    }
    Some((set, remove))
}

/// Parses taint words: `key[=value]:Effect` adds, `key[=value][:Effect]-` removes.
pub(super) fn taints(words: &[&str]) -> Result<(Vec<Taint>, Vec<Taint>), String> {
    const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];
    let (mut add, mut remove) = (Vec::new(), Vec::new());
    for w in words {
        let (spec, removal) = match w.strip_suffix('-') {
            Some(s) => (s, true),
            None => (*w, false),
        };
        let (kv, effect) = spec.rsplit_once(':').unwrap_or((spec, ""));
        let (key, value) = kv.split_once('=').unwrap_or((kv, ""));
        let effect_ok = EFFECTS.contains(&effect) || (removal && effect.is_empty());
        if key.is_empty() || !effect_ok {
            return Err(format!(
                "invalid taint {w:?}: write key[=value]:Effect to add or key[:Effect]- to remove, Effect one of {}",
                EFFECTS.join(", ")
            ));
        }
        let taint = Taint {
            key: key.into(),
            value: value.into(),
            effect: effect.into(),
        };
        if removal {
            remove.push(taint);
        } else {
            add.push(taint);
        }
    }
    Ok((add, remove))
}
