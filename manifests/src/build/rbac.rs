//! ServiceAccounts, read-only Roles and RoleBindings.

use serde_json::{Value, json};

use super::meta::{Labels, object, object_meta};

/// A ServiceAccount.
pub fn service_account(name: &str, namespace: Option<&str>) -> Value {
    let mut obj = object(
        "v1",
        "ServiceAccount",
        object_meta(name, namespace, &Labels::new()),
    );
    obj.insert("automountServiceAccountToken".into(), json!(false));
    Value::Object(obj)
}

/// A Role granting read-only verbs (`get`, `list`, `watch`) on some resources.
#[derive(Debug, Clone)]
pub struct RoleSpec {
    /// `metadata.name`.
    pub name: String,
    /// Namespace, if not the default.
    pub namespace: Option<String>,
    /// `(apiGroup, resource)` pairs (`("", "pods")`, `("apps", "deployments")`).
    pub resources: Vec<(String, String)>,
}

impl RoleSpec {
    /// Builds the object: one rule per API group.
    pub fn build(&self) -> Value {
        let meta = object_meta(&self.name, self.namespace.as_deref(), &Labels::new());
        let mut obj = object("rbac.authorization.k8s.io/v1", "Role", meta);
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for (group, resource) in &self.resources {
            match groups.iter_mut().find(|(g, _)| g == group) {
                Some((_, list)) => list.push(resource),
                None => groups.push((group, vec![resource])),
            }
        }
        let rules: Vec<Value> = groups
            .into_iter()
            .map(|(g, r)| {
                json!({ "apiGroups": [g], "resources": r,
                                  "verbs": ["get", "list", "watch"] })
            })
            .collect();
        obj.insert("rules".into(), json!(rules));
        Value::Object(obj)
    }
}

/// Who a binding grants to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A ServiceAccount (in the binding's namespace).
    ServiceAccount(String),
    /// A user.
    User(String),
    /// A group.
    Group(String),
}

/// A RoleBinding (or, with `cluster_wide`, a ClusterRoleBinding).
#[derive(Debug, Clone)]
pub struct RoleBindingSpec {
    /// `metadata.name`.
    pub name: String,
    /// Namespace (ignored for cluster-wide bindings).
    pub namespace: Option<String>,
    /// The role bound.
    pub role: String,
    /// Whether `role` is a ClusterRole.
    pub cluster_role: bool,
    /// Bind cluster-wide (ClusterRoleBinding).
    pub cluster_wide: bool,
    /// Who gets the role.
    pub subject: Subject,
}

impl RoleBindingSpec {
    /// Builds the object.
    pub fn build(&self) -> Value {
        let (kind, ns) = if self.cluster_wide {
            ("ClusterRoleBinding", None)
        } else {
            ("RoleBinding", self.namespace.as_deref())
        };
        let meta = object_meta(&self.name, ns, &Labels::new());
        let mut obj = object("rbac.authorization.k8s.io/v1", kind, meta);
        let subject = match &self.subject {
            Subject::ServiceAccount(name) => json!({ "kind": "ServiceAccount", "name": name,
                "namespace": self.namespace.as_deref().unwrap_or("default") }),
            Subject::User(name) => json!({ "kind": "User", "name": name,
                "apiGroup": "rbac.authorization.k8s.io" }),
            Subject::Group(name) => json!({ "kind": "Group", "name": name,
                "apiGroup": "rbac.authorization.k8s.io" }),
        };
        let role_kind = if self.cluster_role {
            "ClusterRole"
        } else {
            "Role"
        };
        obj.insert(
            "roleRef".into(),
            json!({ "apiGroup": "rbac.authorization.k8s.io", "kind": role_kind,
                    "name": self.role }),
        );
        obj.insert("subjects".into(), json!([subject]));
        Value::Object(obj)
    }
}
