//! The object store: JSON objects keyed by (group, resource, namespace, name), with the
//! server-maintained metadata (`uid`, `resourceVersion`, `creationTimestamp`, `generation`)
//! filled in the way the API server does, so clients see realistic objects.

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Value, json};

use super::clock::now_rfc3339;
use super::discovery::{self, ResourceInfo};
use super::meta::{check_type, essence, metadata};
use super::status::ApiError;

/// Where an object lives: group, plural, namespace (empty when cluster-scoped), name.
pub(crate) type Key = (String, String, String, String);

/// How many change events are kept for watches that resume from a `resourceVersion`.
const EVENT_HISTORY: usize = 10_000;

/// One change, for watches: the revision it produced, `ADDED`/`MODIFIED`/`DELETED`, where,
/// and the object as of that change.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    /// The store revision after the change.
    pub revision: u64,
    /// `ADDED`, `MODIFIED` or `DELETED`.
    pub kind: &'static str,
    /// The object's key.
    pub key: Key,
    /// The object (for `DELETED`, its last state with the deletion's revision).
    pub object: Value,
}

/// All objects plus the counters behind `resourceVersion` and `uid`.
#[derive(Debug)]
pub(crate) struct Store {
    objects: BTreeMap<Key, Value>,
    builtin: Vec<ResourceInfo>,
    revision: u64,
    uids: u64,
    events: VecDeque<Event>,
    /// Whether workload writes immediately get a finished-rollout `status` (see
    /// [`FakeCluster::complete_rollouts`](super::FakeCluster::complete_rollouts)).
    pub complete_rollouts: bool,
    /// Verbs on resources that access reviews refuse (see
    /// [`FakeCluster::deny`](super::FakeCluster::deny)).
    pub denied: Vec<super::access::Denial>,
}

impl Store {
    /// A store holding the namespaces every cluster has.
    pub fn new() -> Self {
        let mut store = Store {
            objects: BTreeMap::new(),
            builtin: discovery::builtin(),
            revision: 1,
            uids: 0,
            events: VecDeque::new(),
            complete_rollouts: true,
            denied: Vec::new(),
        };
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            let info = store
                .find("", "namespaces")
                .expect("namespaces are built in");
            let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
            let _ = store.create(&info, "", obj);
        }
        store
    }

    /// Built-in resources plus those served by stored CRDs.
    pub fn catalogue(&self) -> Vec<ResourceInfo> {
        let mut all = self.builtin.clone();
        for crd in self.of("apiextensions.k8s.io", "customresourcedefinitions") {
            all.extend(discovery::from_crd(crd));
        }
        all
    }

    /// Every object of `group`/`plural`, ordered by namespace and name (a range scan).
    fn of(&self, group: &str, plural: &str) -> impl Iterator<Item = &Value> + '_ {
        let (group, plural) = (group.to_string(), plural.to_string());
        let start = (group.clone(), plural.clone(), String::new(), String::new());
        self.objects
            .range(start..)
            .take_while(move |((g, p, _, _), _)| *g == group && *p == plural)
            .map(|(_, v)| v)
    }

    /// The resource `plural` in `group` (any version).
    pub fn find(&self, group: &str, plural: &str) -> Option<ResourceInfo> {
        self.catalogue()
            .into_iter()
            .find(|r| r.group == group && r.plural == plural)
    }

    /// The resource served at `group/version/plural`.
    pub fn find_versioned(&self, group: &str, version: &str, plural: &str) -> Option<ResourceInfo> {
        self.catalogue()
            .into_iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
    }

    /// The resource for an object's `apiVersion` and `kind`.
    pub fn find_kind(&self, api_version: &str, kind: &str) -> Option<ResourceInfo> {
        self.catalogue()
            .into_iter()
            .find(|r| r.api_version() == api_version && r.kind == kind)
    }

    /// One object.
    pub fn get(&self, info: &ResourceInfo, ns: &str, name: &str) -> Option<&Value> {
        self.objects.get(&(
            info.group.clone(),
            info.plural.clone(),
            ns.into(),
            name.into(),
        ))
    }

    /// Objects of one resource, in one namespace or (`None`) all; ordered by namespace/name.
    pub fn list(&self, info: &ResourceInfo, ns: Option<&str>) -> Vec<&Value> {
        self.of(&info.group, &info.plural)
            .filter(|o| ns.is_none_or(|ns| o["metadata"]["namespace"].as_str().unwrap_or("") == ns))
            .collect()
    }

    /// The current `resourceVersion` of the whole store (for List metadata).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Fills server-set metadata for a new object and validates identity; does not store.
    pub fn prepare_create(
        &mut self,
        info: &ResourceInfo,
        ns: &str,
        mut obj: Value,
    ) -> Result<Value, ApiError> {
        check_type(info, &mut obj)?;
        let meta = metadata(&mut obj)?;
        if meta
            .get("name")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            let Some(prefix) = meta.get("generateName").and_then(Value::as_str) else {
                return Err(ApiError::new(
                    422,
                    "Invalid",
                    format!(
                        "{} \"\" is invalid: metadata.name: Required value: name or generateName is required",
                        info.kind
                    ),
                ));
            };
            let name = format!("{prefix}{:05x}", self.uids + 1);
            meta.insert("name".into(), name.into());
        }
        if info.namespaced {
            if ns.is_empty() {
                return Err(ApiError::bad_request(
                    "the namespace of the object is required",
                ));
            }
            meta.insert("namespace".into(), ns.into());
        } else {
            meta.remove("namespace");
        }
        self.uids += 1;
        let uid = format!("00000000-0000-4000-8000-{:012x}", self.uids);
        meta.insert("uid".into(), uid.into());
        meta.insert("creationTimestamp".into(), now_rfc3339().into());
        meta.insert("generation".into(), 1.into());
        meta.insert(
            "resourceVersion".into(),
            (self.revision + 1).to_string().into(),
        );
        meta.remove("deletionTimestamp");
        if info.kind == "Namespace" {
            obj["spec"] = json!({"finalizers": ["kubernetes"]});
            obj["status"] = json!({"phase": "Active"});
        }
        if info.kind == "CustomResourceDefinition" {
            let names = obj["spec"]["names"].clone();
            obj["status"] = json!({
                "acceptedNames": names,
                "conditions": [
                    {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found"},
                    {"type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"},
                ],
            });
        }
        Ok(obj)
    }

    /// Creates an object; `AlreadyExists` if the name is taken; `NotFound` if its namespace
    /// does not exist.
    pub fn create(&mut self, info: &ResourceInfo, ns: &str, obj: Value) -> Result<Value, ApiError> {
        let obj = self.prepare_create(info, ns, obj)?;
        let name = obj["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.check_namespace(info, ns)?;
        if self.get(info, ns, &name).is_some() {
            return Err(ApiError::already_exists(&info.group, &info.plural, &name));
        }
        self.insert(info, ns, obj)
    }

    /// Fails with `NotFound` when a namespaced object's namespace does not exist.
    pub fn check_namespace(&self, info: &ResourceInfo, ns: &str) -> Result<(), ApiError> {
        if info.namespaced
            && !self.objects.contains_key(&(
                String::new(),
                "namespaces".into(),
                String::new(),
                ns.into(),
            ))
        {
            return Err(ApiError::not_found("", "namespaces", ns));
        }
        Ok(())
    }

    /// Fills server-set metadata of an updated object from `old` (bumping `generation` when
    /// anything outside metadata and status changed); does not store.
    pub fn prepare_update(&self, old: &Value, mut new: Value) -> Result<Value, ApiError> {
        let meta = metadata(&mut new)?;
        for field in ["uid", "creationTimestamp", "name", "namespace"] {
            match old["metadata"].get(field) {
                Some(v) => meta.insert(field.into(), v.clone()),
                None => meta.remove(field),
            };
        }
        let generation = old["metadata"]["generation"].as_i64().unwrap_or(1);
        let changed = |o: &Value, n: &Value| {
            let strip = |v: &Value| {
                let mut v = v.as_object().cloned().unwrap_or_default();
                v.remove("metadata");
                v.remove("status");
                v
            };
            strip(o) != strip(n)
        };
        let bumped = if changed(old, &new) {
            generation + 1
        } else {
            generation
        };
        new["metadata"]["generation"] = bumped.into();
        new["metadata"]["resourceVersion"] = (self.revision + 1).to_string().into();
        Ok(new)
    }

    /// Stores `obj` (already prepared) under its name, bumping the revision.
    pub fn insert(&mut self, info: &ResourceInfo, ns: &str, obj: Value) -> Result<Value, ApiError> {
        let name = obj["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.revision += 1;
        let mut obj = obj;
        obj["metadata"]["resourceVersion"] = self.revision.to_string().into();
        if self.complete_rollouts {
            super::subresource::complete_rollout(&info.group, &info.kind, &mut obj);
        }
        let key = (
            info.group.clone(),
            info.plural.clone(),
            ns.to_string(),
            name,
        );
        let kind = if self.objects.contains_key(&key) {
            "MODIFIED"
        } else {
            "ADDED"
        };
        self.objects.insert(key.clone(), obj.clone());
        self.record(kind, key, obj.clone());
        Ok(obj)
    }

    /// Stores the update `old` → `new` (both prepared) unless it changes nothing but
    /// bookkeeping (resourceVersion, managedFields times), as the API server does: a no-op
    /// write keeps the old object and its `resourceVersion`. With `dry_run`, only says what
    /// would be stored.
    pub fn update(
        &mut self,
        info: &ResourceInfo,
        ns: &str,
        old: &Value,
        new: Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        if essence(old) == essence(&new) {
            return Ok(old.clone());
        }
        if dry_run {
            return Ok(new);
        }
        self.insert(info, ns, new)
    }

    /// Removes an object (and, for a namespace, everything in it); returns it.
    pub fn remove(&mut self, info: &ResourceInfo, ns: &str, name: &str) -> Option<Value> {
        let key = (
            info.group.clone(),
            info.plural.clone(),
            ns.to_string(),
            name.to_string(),
        );
        let removed = self.objects.remove(&key)?;
        if info.kind == "Namespace" && info.group.is_empty() {
            let inside: Vec<Key> = self
                .objects
                .keys()
                .filter(|k| k.2 == name)
                .cloned()
                .collect();
            for k in inside {
                if let Some(obj) = self.objects.remove(&k) {
                    self.revision += 1;
                    self.record("DELETED", k, obj);
                }
            }
        }
        self.revision += 1;
        self.record("DELETED", key, removed.clone());
        Some(removed)
    }

    fn record(&mut self, kind: &'static str, key: Key, mut object: Value) {
        object["metadata"]["resourceVersion"] = self.revision.to_string().into();
        if self.events.len() >= EVENT_HISTORY {
            self.events.pop_front();
        }
        self.events.push_back(Event {
            revision: self.revision,
            kind,
            key,
            object,
        });
    }

    /// Changes after `revision`, oldest first; `None` when they are no longer all kept.
    pub fn events_since(&self, revision: u64) -> Option<Vec<&Event>> {
        if self
            .events
            .front()
            .is_some_and(|e| e.revision > revision + 1)
        {
            return None;
        }
        Some(
            self.events
                .iter()
                .filter(|e| e.revision > revision)
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_delete_removes_contents() {
        let mut s = Store::new();
        let ns = s.find("", "namespaces").unwrap();
        let cm = s.find("", "configmaps").unwrap();
        s.create(&ns, "", json!({"metadata": {"name": "team"}}))
            .unwrap();
        s.create(&cm, "team", json!({"metadata": {"name": "c"}}))
            .unwrap();
        assert!(s.get(&cm, "team", "c").is_some());
        s.remove(&ns, "", "team");
        assert!(s.get(&cm, "team", "c").is_none());
        assert!(
            s.create(&cm, "team", json!({"metadata": {"name": "c"}}))
                .is_err()
        );
    }
}
