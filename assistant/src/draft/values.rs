//! Value extraction: which fields of the input objects become chart values, under which keys.
//!
//! Each workload gets one top-level key (its name in camel case) holding its replicas, its
//! containers' image, ports, env, envFrom and resources, its Service (when exactly one Service
//! selects it) and the switches of the optional HPA, PodDisruptionBudget and Ingress.
//! ConfigMaps' data go under `configMaps.<key>.data`. Secrets get `secrets.<key>.create` and an
//! empty `stringData`: their values never land in `values.yaml`; the templates demand them
//! (`required`) at install time, or `create: false` leaves the Secret to the person.

use serde_json::{Map, Value, json};

use super::keys::{self, Keys};

/// What the chart does with one input object.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// A workload: values under `.Values.<key>`.
    Workload(usize),
    /// A Service: values under `.Values.<path>`; `selects` when it selects a workload of the
    /// chart (its selector then gets the chart's selector labels too).
    Service {
        /// Dotted values path (`api.service` or `services.admin`).
        path: String,
        /// Whether it selects a workload of the chart.
        selects: bool,
    },
    /// A ConfigMap with data under `.Values.configMaps.<key>.data`.
    ConfigMap(String),
    /// A Secret gated by `.Values.secrets.<key>.create`.
    Secret(String),
    /// Anything else: a literal template with the chart's labels.
    Other,
}

/// One container of a workload and where its values live.
#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    /// `containers` or `initContainers`.
    pub list: &'static str,
    /// Index in that list.
    pub index: usize,
    /// Dotted values path (`api` for a sole container, else `api.containers.<name>`).
    pub path: String,
    /// Whether the image had a digest (`@sha256:…`).
    pub digest: bool,
}

/// A workload of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    /// Index of its object in the input.
    pub index: usize,
    /// Values key.
    pub key: String,
    /// `metadata.name`.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Path of the pod template in the object (`spec.template`, or deeper for a CronJob).
    pub template: Vec<&'static str>,
    /// Its containers.
    pub containers: Vec<Container>,
    /// `spec.replicas` is a value (Deployment, StatefulSet).
    pub scalable: bool,
    /// `spec.selector.matchLabels` (else the pod labels).
    pub selector: Map<String, Value>,
    /// The Service that belongs to it and that Service's first port: the Ingress backend.
    pub service: Option<(String, Value)>,
    /// The chart offers an HPA (scalable, and the input has none for it).
    pub hpa: bool,
    /// The chart offers a PodDisruptionBudget (scalable, and the input has none for it).
    pub pdb: bool,
    /// The chart offers an Ingress (it has a Service, and no input Ingress routes to it).
    pub ingress: bool,
}

/// The plan for a chart: the roles of the input objects, the workloads, and `values.yaml`.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The input objects in order, with their roles.
    pub objects: Vec<(Value, Role)>,
    /// The workloads.
    pub workloads: Vec<Workload>,
    /// `values.yaml`.
    pub values: Map<String, Value>,
    /// Per Secret: its name, its values key and the keys the person must supply.
    pub secrets: Vec<(String, String, Vec<String>)>,
}

/// The `--set-string` path of one Secret value: `secrets.KEY.stringData.NAME`, with the `.` and
/// `,` of NAME escaped as `--set` wants (`tls.crt` → `tls\.crt`).
pub fn secret_value_path(key: &str, name: &str) -> String {
    let escaped = name.replace('.', "\\.").replace(',', "\\,");
    format!("secrets.{key}.stringData.{escaped}")
}

/// Where the pod template of a `kind` is.
pub fn pod_template(kind: &str) -> Option<Vec<&'static str>> {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => {
            Some(vec!["spec", "template"])
        }
        "CronJob" => Some(vec!["spec", "jobTemplate", "spec", "template"]),
        _ => None,
    }
}

/// `repo/name:tag@sha256:…` → (repository, tag, digest).
pub fn split_image(image: &str) -> (String, String, Option<String>) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d.to_owned())),
        None => (image, None),
    };
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[slash..].rfind(':') {
        Some(i) => (
            rest[..slash + i].to_owned(),
            rest[slash + i + 1..].to_owned(),
            digest,
        ),
        None => (rest.to_owned(), String::new(), digest),
    }
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| match v {
        Value::Array(items) => items.get(k.parse::<usize>().ok()?),
        _ => v.get(k),
    })
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    get(v, path).and_then(Value::as_str).unwrap_or_default()
}

fn labels_at(v: &Value, path: &[&str]) -> Map<String, Value> {
    get(v, path)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// The value at the dotted `path` of `values`.
pub fn get_path<'a>(values: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let first = values.get(parts.next()?)?;
    parts.try_fold(first, |v, k| v.get(k))
}

/// Sets `value` at the dotted `path` of `values`, creating the maps on the way.
pub fn insert(values: &mut Map<String, Value>, path: &str, value: Value) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().expect("a non-empty path");
    let mut map = values;
    for part in parts {
        map = map
            .entry(part)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .expect("values paths never cross a scalar");
    }
    map.insert(last.to_owned(), value);
}

fn subset(selector: &Map<String, Value>, labels: &Map<String, Value>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

impl Plan {
    /// Plans a chart for `objects` (parsed and validated Kubernetes objects).
    pub fn new(objects: &[Value]) -> Plan {
        let mut top = Keys::with_reserved(keys::GROUPS);
        let mut workloads = Vec::new();
        let mut roles = vec![Role::Other; objects.len()];
        for (i, object) in objects.iter().enumerate() {
            let kind = str_at(object, &["kind"]);
            let Some(template) = pod_template(kind) else {
                continue;
            };
            let name = str_at(object, &["metadata", "name"]).to_owned();
            let key = top.take(&name, kind);
            let scalable = matches!(kind, "Deployment" | "StatefulSet");
            let mut selector = labels_at(object, &["spec", "selector", "matchLabels"]);
            if selector.is_empty() {
                let mut path = template.clone();
                path.extend(["metadata", "labels"]);
                selector = labels_at(object, &path);
            }
            roles[i] = Role::Workload(workloads.len());
            workloads.push(Workload {
                index: i,
                containers: containers(object, &template, &key),
                key,
                name,
                kind: kind.to_owned(),
                template,
                scalable,
                selector,
                service: None,
                hpa: scalable,
                pdb: scalable,
                ingress: false,
            });
        }
        let mut groups: [Keys; 3] = Default::default();
        for (i, object) in objects.iter().enumerate() {
            let name = str_at(object, &["metadata", "name"]);
            match str_at(object, &["kind"]) {
                "Service" => {
                    let selector = labels_at(object, &["spec", "selector"]);
                    let selected: Vec<usize> = workloads
                        .iter()
                        .enumerate()
                        .filter(|(_, w)| {
                            let mut path = w.template.clone();
                            path.extend(["metadata", "labels"]);
                            subset(&selector, &labels_at(&objects[w.index], &path))
                        })
                        .map(|(n, _)| n)
                        .collect();
                    let port = get(object, &["spec", "ports", "0", "port"]).cloned();
                    let path = match (selected.as_slice(), port) {
                        ([w], Some(port)) if workloads[*w].service.is_none() => {
                            workloads[*w].service = Some((name.to_owned(), port));
                            format!("{}.service", workloads[*w].key)
                        }
                        _ => format!("services.{}", groups[0].take(name, "Service")),
                    };
                    roles[i] = Role::Service {
                        path,
                        selects: !selected.is_empty(),
                    };
                }
                "ConfigMap" => roles[i] = Role::ConfigMap(groups[1].take(name, "ConfigMap")),
                "Secret" => roles[i] = Role::Secret(groups[2].take(name, "Secret")),
                "HorizontalPodAutoscaler" => {
                    let target = str_at(object, &["spec", "scaleTargetRef", "name"]);
                    let kind = str_at(object, &["spec", "scaleTargetRef", "kind"]);
                    for w in workloads
                        .iter_mut()
                        .filter(|w| w.name == target && w.kind == kind)
                    {
                        w.hpa = false;
                    }
                }
                "PodDisruptionBudget" => {
                    let selector = labels_at(object, &["spec", "selector", "matchLabels"]);
                    for w in workloads
                        .iter_mut()
                        .filter(|w| subset(&selector, &w.selector))
                    {
                        w.pdb = false;
                    }
                }
                _ => {}
            }
        }
        let routed = routed_services(objects);
        for w in &mut workloads {
            w.ingress = w
                .service
                .as_ref()
                .is_some_and(|(name, _)| !routed.contains(name));
        }
        let mut plan = Plan {
            objects: objects.iter().cloned().zip(roles).collect(),
            workloads,
            values: Map::new(),
            secrets: Vec::new(),
        };
        plan.extract();
        plan
    }

    fn extract(&mut self) {
        let mut values = Map::new();
        values.insert("nameOverride".into(), json!(""));
        values.insert("fullnameOverride".into(), json!(""));
        for (object, role) in &self.objects {
            match role {
                Role::Workload(w) => workload_values(&mut values, object, &self.workloads[*w]),
                Role::Service { path, .. } => {
                    let spec = object.get("spec").cloned().unwrap_or_default();
                    let ty = spec.get("type").cloned().unwrap_or(json!("ClusterIP"));
                    insert(&mut values, &format!("{path}.type"), ty);
                    if let Some(ports) = spec.get("ports") {
                        insert(&mut values, &format!("{path}.ports"), ports.clone());
                    }
                }
                Role::ConfigMap(key) => {
                    let data = object.get("data").cloned().unwrap_or(json!({}));
                    insert(&mut values, &format!("configMaps.{key}.data"), data);
                }
                Role::Secret(key) => {
                    let mut names: Vec<String> = Vec::new();
                    for field in ["data", "stringData"] {
                        for k in object
                            .get(field)
                            .and_then(Value::as_object)
                            .into_iter()
                            .flatten()
                        {
                            if !names.contains(k.0) {
                                names.push(k.0.clone());
                            }
                        }
                    }
                    insert(&mut values, &format!("secrets.{key}.create"), json!(true));
                    insert(&mut values, &format!("secrets.{key}.stringData"), json!({}));
                    let name = str_at(object, &["metadata", "name"]).to_owned();
                    self.secrets.push((name, key.clone(), names));
                }
                Role::Other => {}
            }
        }
        self.values = values;
    }
}

/// Names of the Services some input Ingress routes to.
fn routed_services(objects: &[Value]) -> Vec<String> {
    let mut names = Vec::new();
    for ingress in objects.iter().filter(|o| str_at(o, &["kind"]) == "Ingress") {
        let mut backends: Vec<&Value> = get(ingress, &["spec", "defaultBackend"])
            .into_iter()
            .collect();
        for rule in get(ingress, &["spec", "rules"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for path in get(rule, &["http", "paths"])
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                backends.extend(path.get("backend"));
            }
        }
        names.extend(
            backends
                .into_iter()
                .map(|b| str_at(b, &["service", "name"]).to_owned()),
        );
    }
    names
}

fn containers(object: &Value, template: &[&str], key: &str) -> Vec<Container> {
    let mut spec_path = template.to_vec();
    spec_path.push("spec");
    let list = |name: &str| {
        let mut p = spec_path.clone();
        p.push(name);
        get(object, &p)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let (main, init) = (list("containers"), list("initContainers"));
    let sole = main.len() == 1 && init.is_empty();
    let mut names = Keys::default();
    let mut out = Vec::new();
    for (list_name, items) in [("containers", &main), ("initContainers", &init)] {
        for (index, c) in items.iter().enumerate() {
            let path = if sole {
                key.to_owned()
            } else {
                format!("{key}.{list_name}.{}", names.take(str_at(c, &["name"]), ""))
            };
            out.push(Container {
                list: list_name,
                index,
                path,
                digest: split_image(str_at(c, &["image"])).2.is_some(),
            });
        }
    }
    out
}

fn workload_values(values: &mut Map<String, Value>, object: &Value, w: &Workload) {
    let key = &w.key;
    if w.scalable {
        let replicas = get(object, &["spec", "replicas"])
            .cloned()
            .unwrap_or(json!(1));
        insert(values, &format!("{key}.replicas"), replicas);
    }
    let mut spec_path = w.template.clone();
    spec_path.push("spec");
    for c in &w.containers {
        let mut path = spec_path.clone();
        let index = c.index.to_string();
        path.extend([c.list, index.as_str()]);
        let container = get(object, &path).cloned().unwrap_or_default();
        let (repository, tag, digest) = split_image(str_at(&container, &["image"]));
        let mut image = json!({"repository": repository, "tag": tag});
        if let Some(digest) = digest {
            image["digest"] = json!(digest);
        }
        if let Some(policy) = container.get("imagePullPolicy") {
            image["pullPolicy"] = policy.clone();
        }
        if container.get("image").is_some() {
            insert(values, &format!("{}.image", c.path), image);
        }
        for field in ["ports", "env", "envFrom"] {
            if let Some(v) = container.get(field) {
                insert(values, &format!("{}.{field}", c.path), v.clone());
            }
        }
        let resources = container.get("resources").cloned().unwrap_or(json!({}));
        insert(values, &format!("{}.resources", c.path), resources);
    }
    if w.hpa {
        let replicas = get(object, &["spec", "replicas"])
            .and_then(Value::as_u64)
            .unwrap_or(1)
            .max(1);
        insert(
            values,
            &format!("{key}.autoscaling"),
            json!({"enabled": false, "minReplicas": replicas, "maxReplicas": (replicas * 4).max(3),
                   "targetCPUUtilizationPercentage": 80}),
        );
    }
    if w.pdb {
        insert(
            values,
            &format!("{key}.podDisruptionBudget"),
            json!({"enabled": false, "maxUnavailable": 1}),
        );
    }
    if w.ingress {
        insert(
            values,
            &format!("{key}.ingress"),
            json!({"enabled": false, "className": "", "host": format!("{}.local", w.name),
                   "path": "/", "pathType": "Prefix",
                   "tls": {"enabled": false, "secretName": format!("{}-tls", w.name)}}),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(name: &str, containers: Value) -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": name}},
                "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers}}
            }
        })
    }

    fn service(name: &str, app: &str, port: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
               "spec": {"selector": {"app": app}, "ports": [{"port": port}]}})
    }

    #[test]
    fn secret_value_paths_escape_what_set_would_split() {
        assert_eq!(
            secret_value_path("tls", "tls.crt"),
            "secrets.tls.stringData.tls\\.crt"
        );
        assert_eq!(
            secret_value_path("db", "a,b"),
            "secrets.db.stringData.a\\,b"
        );
        assert_eq!(
            secret_value_path("db", "password"),
            "secrets.db.stringData.password"
        );
    }

    #[test]
    fn images_split_into_repository_tag_and_digest() {
        assert_eq!(
            split_image("nginx:1.27"),
            ("nginx".into(), "1.27".into(), None)
        );
        assert_eq!(
            split_image("localhost:5000/team/app"),
            ("localhost:5000/team/app".into(), String::new(), None)
        );
        assert_eq!(
            split_image("ghcr.io/a/b:2.0@sha256:abc"),
            (
                "ghcr.io/a/b".into(),
                "2.0".into(),
                Some("sha256:abc".into())
            )
        );
    }

    #[test]
    fn a_workload_key_holds_its_container_values_and_its_service() {
        let objects = [
            deployment(
                "python-api",
                json!([{"name": "api", "image": "reg/api:1.4.2", "imagePullPolicy": "Always",
                        "ports": [{"containerPort": 8000}],
                        "env": [{"name": "LOG", "value": "info"}],
                        "envFrom": [{"configMapRef": {"name": "cfg"}}]}]),
            ),
            service("python-api", "python-api", json!(8000)),
        ];
        let plan = Plan::new(&objects);
        let v = Value::Object(plan.values.clone());
        assert_eq!(v["pythonApi"]["replicas"], 2);
        assert_eq!(
            v["pythonApi"]["image"],
            json!({"repository": "reg/api", "tag": "1.4.2", "pullPolicy": "Always"})
        );
        assert_eq!(v["pythonApi"]["ports"], json!([{"containerPort": 8000}]));
        assert_eq!(v["pythonApi"]["env"][0]["value"], "info");
        assert_eq!(v["pythonApi"]["envFrom"][0]["configMapRef"]["name"], "cfg");
        assert_eq!(v["pythonApi"]["resources"], json!({}));
        assert_eq!(v["pythonApi"]["service"]["type"], "ClusterIP");
        assert_eq!(v["pythonApi"]["service"]["ports"], json!([{"port": 8000}]));
        assert_eq!(v["pythonApi"]["autoscaling"]["enabled"], false);
        assert_eq!(v["pythonApi"]["ingress"]["enabled"], false);
        let w = &plan.workloads[0];
        assert_eq!(w.service, Some(("python-api".into(), json!(8000))));
        assert!(w.hpa && w.pdb && w.ingress);
        assert_eq!(
            plan.objects[1].1,
            Role::Service {
                path: "pythonApi.service".into(),
                selects: true
            }
        );
    }

    #[test]
    fn several_containers_get_a_key_each() {
        let objects = [deployment(
            "web",
            json!([{"name": "app", "image": "a:1"}, {"name": "log-shipper", "image": "b:2"}]),
        )];
        let plan = Plan::new(&objects);
        let paths: Vec<&str> = plan.workloads[0]
            .containers
            .iter()
            .map(|c| c.path.as_str())
            .collect();
        assert_eq!(paths, ["web.containers.app", "web.containers.logShipper"]);
        assert_eq!(
            plan.values["web"]["containers"]["logShipper"]["image"]["tag"],
            "2"
        );
    }

    #[test]
    fn secret_values_never_become_values() {
        let objects = [json!({
            "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db-credentials"},
            "data": {"password": "c2VjcmV0LXZhbHVl"}, "stringData": {"user": "admin-user"}
        })];
        let plan = Plan::new(&objects);
        let text = serde_json::to_string(&plan.values).unwrap();
        assert!(
            !text.contains("c2VjcmV0LXZhbHVl") && !text.contains("admin-user"),
            "{text}"
        );
        assert_eq!(
            plan.values["secrets"]["dbCredentials"],
            json!({"create": true, "stringData": {}})
        );
        assert_eq!(
            plan.secrets,
            vec![(
                "db-credentials".into(),
                "dbCredentials".into(),
                vec!["password".into(), "user".into()]
            )]
        );
    }

    #[test]
    fn objects_the_input_already_has_are_not_offered_again() {
        let objects = [
            deployment("web", json!([{"name": "web", "image": "w:1"}])),
            service("web", "web", json!("http")),
            json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                   "metadata": {"name": "web"},
                   "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                            "maxReplicas": 5}}),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"},
                   "spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix",
                            "backend": {"service": {"name": "web", "port": {"name": "http"}}}}]}}]}}),
        ];
        let plan = Plan::new(&objects);
        let w = &plan.workloads[0];
        assert!(!w.hpa && w.pdb && !w.ingress, "{w:?}");
        assert!(plan.values["web"].get("autoscaling").is_none());
        assert!(plan.values["web"].get("ingress").is_none());
    }

    #[test]
    fn a_service_shared_by_two_workloads_or_selecting_none_goes_under_services() {
        let objects = [
            deployment("a", json!([{"name": "a", "image": "a:1"}])),
            service("outside", "elsewhere", json!(80)),
        ];
        let plan = Plan::new(&objects);
        assert_eq!(
            plan.objects[1].1,
            Role::Service {
                path: "services.outside".into(),
                selects: false
            }
        );
        assert_eq!(
            plan.values["services"]["outside"]["ports"],
            json!([{"port": 80}])
        );
        assert!(plan.workloads[0].service.is_none() && !plan.workloads[0].ingress);
    }
}
