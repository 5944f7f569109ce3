//! Finding the pod spec and the containers of every workload kind.
//!
//! Workloads nest their pod template at different depths (a `CronJob` two levels deeper than a
//! `Deployment`); every gate that looks at containers goes through [`pod_spec`] so that the
//! field paths in findings are the real ones for that kind.

use std::fmt;

use serde_json::{Map, Value};

/// Kinds whose pod template lives at `spec.template`.
const TEMPLATE_KINDS: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "ReplicationController",
];

/// Kinds that carry a pod spec (directly or in a template).
#[cfg(test)]
const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
];

/// The pod spec of a workload and where it sits in the object.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PodSpec<'a> {
    /// The pod spec object.
    pub spec: &'a Map<String, Value>,
    /// Its field path (`spec.template.spec`).
    pub path: &'static str,
    /// The pod template's `metadata.labels` (for a bare Pod, its own labels).
    pub labels: Option<&'a Map<String, Value>>,
    /// `containers`, `initContainers`, `ephemeralContainers` (looked up once).
    lists: [&'a [Value]; 3],
}

fn list<'a>(spec: &'a Map<String, Value>, field: &str) -> &'a [Value] {
    spec.get(field)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

impl<'a> PodSpec<'a> {
    fn new(
        spec: &'a Map<String, Value>,
        path: &'static str,
        labels: Option<&'a Map<String, Value>>,
    ) -> Self {
        PodSpec {
            spec,
            path,
            labels,
            lists: [
                list(spec, "containers"),
                list(spec, "initContainers"),
                list(spec, "ephemeralContainers"),
            ],
        }
    }
}

/// Which list of containers a container came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContainerList {
    /// `containers`.
    Regular = 0,
    /// `initContainers`.
    Init = 1,
    /// `ephemeralContainers`.
    Ephemeral = 2,
}

impl ContainerList {
    /// The field name of the list.
    pub fn field(self) -> &'static str {
        match self {
            ContainerList::Regular => "containers",
            ContainerList::Init => "initContainers",
            ContainerList::Ephemeral => "ephemeralContainers",
        }
    }
}

/// One container of a pod spec.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Container<'a> {
    /// The container object.
    pub value: &'a Map<String, Value>,
    /// Which list it is in.
    pub list: ContainerList,
    /// Its index in that list.
    pub index: usize,
    /// The pod spec path it belongs to.
    pub pod_path: &'static str,
}

impl<'a> Container<'a> {
    /// `name`, or `?`.
    pub fn name(&self) -> &'a str {
        self.value
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("?")
    }

    /// Field path of the container (`spec.template.spec.containers[0]`), formatted on use.
    pub fn path(&self) -> ContainerPath<'a> {
        ContainerPath(*self)
    }

    /// Human description (`container "web" (spec.containers[0])`), formatted on use.
    pub fn describe(&self) -> Describe<'a> {
        Describe(*self)
    }

    /// A field of the container's `securityContext`.
    pub fn security(&self, field: &str) -> Option<&'a Value> {
        self.value.get("securityContext")?.get(field)
    }
}

/// Displays a container's field path without allocating.
pub(crate) struct ContainerPath<'a>(Container<'a>);

impl fmt::Display for ContainerPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.0;
        write!(f, "{}.{}[{}]", c.pod_path, c.list.field(), c.index)
    }
}

/// Displays a container for messages without allocating.
pub(crate) struct Describe<'a>(Container<'a>);

impl fmt::Display for Describe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.0;
        let what = match c.list {
            ContainerList::Regular => "container",
            ContainerList::Init => "init container",
            ContainerList::Ephemeral => "ephemeral container",
        };
        write!(f, "{what} \"{}\" ({})", c.name(), c.path())
    }
}

/// The `kind` of an object, or "".
pub(crate) fn kind(object: &Value) -> &str {
    object.get("kind").and_then(Value::as_str).unwrap_or("")
}

/// `metadata.namespace` of an object, if set.
pub(crate) fn namespace(object: &Value) -> Option<&str> {
    object.get("metadata")?.get("namespace")?.as_str()
}

/// `metadata.name` of an object, if set.
pub(crate) fn name(object: &Value) -> Option<&str> {
    object.get("metadata")?.get("name")?.as_str()
}

/// A nested object field by path of keys.
pub(crate) fn get<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, k| v.get(*k))
}

/// The pod spec of a workload object, or `None` for other kinds (or a malformed object).
pub(crate) fn pod_spec(object: &Value) -> Option<PodSpec<'_>> {
    let kind = kind(object);
    let (template, path): (&Value, &'static str) = if kind == "Pod" {
        let spec = object.get("spec")?.as_object()?;
        let labels = get(object, &["metadata", "labels"]).and_then(Value::as_object);
        return Some(PodSpec::new(spec, "spec", labels));
    } else if kind == "CronJob" {
        (
            get(object, &["spec", "jobTemplate", "spec", "template"])?,
            "spec.jobTemplate.spec.template.spec",
        )
    } else if TEMPLATE_KINDS.contains(&kind) {
        (get(object, &["spec", "template"])?, "spec.template.spec")
    } else {
        return None;
    };
    Some(PodSpec::new(
        template.get("spec")?.as_object()?,
        path,
        get(template, &["metadata", "labels"]).and_then(Value::as_object),
    ))
}

impl<'a> PodSpec<'a> {
    /// Containers of the given lists, in order.
    pub fn containers(
        &self,
        lists: &'static [ContainerList],
    ) -> impl Iterator<Item = Container<'a>> + 'a {
        let all = self.lists;
        let pod_path = self.path;
        lists.iter().flat_map(move |&list| {
            all[list as usize]
                .iter()
                .enumerate()
                .filter_map(move |(index, c)| {
                    Some(Container {
                        value: c.as_object()?,
                        list,
                        index,
                        pod_path,
                    })
                })
        })
    }

    /// A field of the pod-level `securityContext`.
    pub fn security(&self, field: &str) -> Option<&'a Value> {
        self.spec.get("securityContext")?.get(field)
    }
}

/// Regular, init and ephemeral containers.
pub(crate) const ALL_CONTAINERS: &[ContainerList] = &[
    ContainerList::Regular,
    ContainerList::Init,
    ContainerList::Ephemeral,
];

/// Regular and init containers (those that can have resources).
pub(crate) const RUN_CONTAINERS: &[ContainerList] = &[ContainerList::Regular, ContainerList::Init];

/// Regular containers only (those that can have probes).
pub(crate) const REGULAR_CONTAINERS: &[ContainerList] = &[ContainerList::Regular];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_pod_spec_of_every_workload_kind() {
        let pod = json!({"spec": {"containers": [{"name": "a"}]}});
        let tpl = json!({"template": {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": [{"name": "a"}], "initContainers": [{"name": "i"}]}}});
        for kind in WORKLOAD_KINDS {
            let obj = match *kind {
                "Pod" => json!({"kind": "Pod", "spec": pod["spec"].clone()}),
                "CronJob" => {
                    json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": tpl.clone()}}})
                }
                _ => json!({"kind": kind, "spec": tpl.clone()}),
            };
            let ps = pod_spec(&obj).unwrap_or_else(|| panic!("{kind}"));
            let names: Vec<_> = ps.containers(ALL_CONTAINERS).map(|c| c.name()).collect();
            assert_eq!(names[0], "a", "{kind}");
        }
        assert!(pod_spec(&json!({"kind": "Service", "spec": {}})).is_none());
        assert!(pod_spec(&json!({"kind": "Deployment", "spec": "junk"})).is_none());
    }

    #[test]
    fn container_paths_name_the_list() {
        let obj = json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
            "containers": [{"name": "a"}], "initContainers": [{"name": "i"}]}}}}}});
        let ps = pod_spec(&obj).unwrap();
        let paths: Vec<_> = ps
            .containers(ALL_CONTAINERS)
            .map(|c| c.path().to_string())
            .collect();
        assert_eq!(
            paths,
            [
                "spec.jobTemplate.spec.template.spec.containers[0]",
                "spec.jobTemplate.spec.template.spec.initContainers[0]"
            ]
        );
    }
}
