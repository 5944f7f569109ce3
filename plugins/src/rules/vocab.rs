//! The vocabulary: resource nouns and their aliases, number words, and the small words that are
//! never names.

pub use super::stopwords::{PRONOUNS, STOPWORDS};

/// A kind of Kubernetes resource the rules backend knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Res {
    /// Pod.
    Pod,
    /// Deployment.
    Deployment,
    /// StatefulSet.
    StatefulSet,
    /// DaemonSet.
    DaemonSet,
    /// ReplicaSet.
    ReplicaSet,
    /// Job.
    Job,
    /// CronJob.
    CronJob,
    /// Service.
    Service,
    /// ConfigMap.
    ConfigMap,
    /// Secret.
    Secret,
    /// Namespace.
    Namespace,
    /// Ingress.
    Ingress,
    /// NetworkPolicy.
    NetworkPolicy,
    /// PersistentVolumeClaim.
    Pvc,
    /// PersistentVolume.
    Pv,
    /// HorizontalPodAutoscaler.
    Hpa,
    /// PodDisruptionBudget.
    Pdb,
    /// ServiceAccount.
    ServiceAccount,
    /// Role.
    Role,
    /// RoleBinding.
    RoleBinding,
    /// ClusterRoleBinding.
    ClusterRoleBinding,
    /// Node.
    Node,
    /// Event.
    Event,
    /// Endpoints.
    Endpoints,
    /// StorageClass.
    StorageClass,
    /// `all` (kubectl's category).
    All,
}

/// `(alias, resource)`; plurals are handled by [`resource`].
const ALIASES: &[(&str, Res)] = &[
    ("pod", Res::Pod),
    ("po", Res::Pod),
    ("deployment", Res::Deployment),
    ("deploy", Res::Deployment),
    ("deployments", Res::Deployment),
    ("app", Res::Deployment),
    ("statefulset", Res::StatefulSet),
    ("sts", Res::StatefulSet),
    ("daemonset", Res::DaemonSet),
    ("ds", Res::DaemonSet),
    ("replicaset", Res::ReplicaSet),
    ("rs", Res::ReplicaSet),
    ("job", Res::Job),
    ("cronjob", Res::CronJob),
    ("cj", Res::CronJob),
    ("service", Res::Service),
    ("svc", Res::Service),
    ("configmap", Res::ConfigMap),
    ("cm", Res::ConfigMap),
    ("secret", Res::Secret),
    ("namespace", Res::Namespace),
    ("ns", Res::Namespace),
    ("ingress", Res::Ingress),
    ("ingresses", Res::Ingress),
    ("ing", Res::Ingress),
    ("networkpolicy", Res::NetworkPolicy),
    ("netpol", Res::NetworkPolicy),
    ("pvc", Res::Pvc),
    ("persistentvolumeclaim", Res::Pvc),
    ("pv", Res::Pv),
    ("persistentvolume", Res::Pv),
    ("hpa", Res::Hpa),
    ("autoscaler", Res::Hpa),
    ("horizontalpodautoscaler", Res::Hpa),
    ("pdb", Res::Pdb),
    ("poddisruptionbudget", Res::Pdb),
    ("serviceaccount", Res::ServiceAccount),
    ("sa", Res::ServiceAccount),
    ("role", Res::Role),
    ("rolebinding", Res::RoleBinding),
    ("clusterrolebinding", Res::ClusterRoleBinding),
    ("node", Res::Node),
    ("event", Res::Event),
    ("ev", Res::Event),
    ("endpoints", Res::Endpoints),
    ("endpoint", Res::Endpoints),
    ("ep", Res::Endpoints),
    ("storageclass", Res::StorageClass),
    ("sc", Res::StorageClass),
    ("everything", Res::All),
];

/// The resource a word names (`svc`, `services`, `Deployments`), if any.
pub fn resource(word: &str) -> Option<Res> {
    let lookup = |w: &str| ALIASES.iter().find(|(a, _)| *a == w).map(|(_, r)| *r);
    lookup(word).or_else(|| {
        let singular = word
            .strip_suffix("ies")
            .map(|s| format!("{s}y"))
            .or_else(|| word.strip_suffix("es").map(str::to_owned))
            .filter(|s| lookup(s).is_some())
            .or_else(|| word.strip_suffix('s').map(str::to_owned))?;
        lookup(&singular)
    })
}

impl Res {
    /// The Kubernetes kind.
    pub fn kind(self) -> &'static str {
        match self {
            Res::Pod => "Pod",
            Res::Deployment => "Deployment",
            Res::StatefulSet => "StatefulSet",
            Res::DaemonSet => "DaemonSet",
            Res::ReplicaSet => "ReplicaSet",
            Res::Job => "Job",
            Res::CronJob => "CronJob",
            Res::Service => "Service",
            Res::ConfigMap => "ConfigMap",
            Res::Secret => "Secret",
            Res::Namespace => "Namespace",
            Res::Ingress => "Ingress",
            Res::NetworkPolicy => "NetworkPolicy",
            Res::Pvc => "PersistentVolumeClaim",
            Res::Pv => "PersistentVolume",
            Res::Hpa => "HorizontalPodAutoscaler",
            Res::Pdb => "PodDisruptionBudget",
            Res::ServiceAccount => "ServiceAccount",
            Res::Role => "Role",
            Res::RoleBinding => "RoleBinding",
            Res::ClusterRoleBinding => "ClusterRoleBinding",
            Res::Node => "Node",
            Res::Event => "Event",
            Res::Endpoints => "Endpoints",
            Res::StorageClass => "StorageClass",
            Res::All => "all",
        }
    }

    /// kubectl's singular resource name (`deployment`), as in `deployment/web`.
    pub fn kubectl(self) -> &'static str {
        match self {
            Res::Pvc => "pvc",
            Res::Pv => "pv",
            Res::Hpa => "hpa",
            Res::Pdb => "pdb",
            Res::All => "all",
            Res::Endpoints => "endpoints",
            _ => KUBECTL_NAMES[self as usize],
        }
    }

    /// kubectl's plural resource name (`deployments`), as in `kubectl get deployments`.
    pub fn plural(self) -> String {
        match self {
            Res::All | Res::Endpoints => self.kubectl().to_owned(),
            Res::Ingress => "ingresses".to_owned(),
            Res::NetworkPolicy => "networkpolicies".to_owned(),
            other => format!("{}s", other.kubectl()),
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        !matches!(
            self,
            Res::Namespace | Res::Node | Res::Pv | Res::ClusterRoleBinding | Res::StorageClass
        )
    }

    /// Whether it has a scale subresource.
    pub fn scalable(self) -> bool {
        matches!(self, Res::Deployment | Res::StatefulSet | Res::ReplicaSet)
    }

    /// Whether `kubectl rollout` works on it.
    pub fn rollable(self) -> bool {
        matches!(self, Res::Deployment | Res::StatefulSet | Res::DaemonSet)
    }
}

/// kubectl names indexed by `Res as usize` (for the kinds whose name is the lower-cased kind).
const KUBECTL_NAMES: &[&str] = &[
    "pod",
    "deployment",
    "statefulset",
    "daemonset",
    "replicaset",
    "job",
    "cronjob",
    "service",
    "configmap",
    "secret",
    "namespace",
    "ingress",
    "networkpolicy",
    "pvc",
    "pv",
    "hpa",
    "pdb",
    "serviceaccount",
    "role",
    "rolebinding",
    "clusterrolebinding",
    "node",
    "event",
    "endpoints",
    "storageclass",
    "all",
];

/// A number written as digits or words (`3`, `three`, `a single`→ handled by callers).
pub fn number(word: &str) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return Some(n);
    }
    const WORDS: &[&str] = &[
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    if let Some(n) = WORDS.iter().position(|w| *w == word) {
        return u32::try_from(n).ok();
    }
    match word {
        "single" | "once" => Some(1),
        "couple" | "pair" | "twice" => Some(2),
        "thirty" => Some(30),
        "forty" => Some(40),
        "fifty" => Some(50),
        "sixty" => Some(60),
        "hundred" => Some(100),
        _ => None,
    }
}

/// Whether `s` is a valid Kubernetes object name (DNS subdomain, lower-case).
pub fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric()
}

/// Whether `s` is a valid DNS label (namespaces, container names).
pub fn is_label(s: &str) -> bool {
    is_name(s) && s.len() <= 63 && !s.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_plurals() {
        assert_eq!(resource("svc"), Some(Res::Service));
        assert_eq!(resource("services"), Some(Res::Service));
        assert_eq!(resource("networkpolicies"), Some(Res::NetworkPolicy));
        assert_eq!(resource("ingresses"), Some(Res::Ingress));
        assert_eq!(resource("statefulsets"), Some(Res::StatefulSet));
        assert_eq!(resource("shop"), None);
        assert_eq!(Res::Deployment.kubectl(), "deployment");
        assert_eq!(Res::Pdb.kubectl(), "pdb");
        assert_eq!(Res::StorageClass.kubectl(), "storageclass");
        assert_eq!(Res::NetworkPolicy.plural(), "networkpolicies");
    }

    #[test]
    fn numbers_and_names() {
        assert_eq!(number("three"), Some(3));
        assert_eq!(number("12"), Some(12));
        assert_eq!(number("x"), None);
        assert!(is_name("broker-0"));
        assert!(!is_name("Broker"));
        assert!(!is_name("-x"));
    }
}
