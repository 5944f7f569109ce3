//! Running the object gates: each object is looked up once (kind, namespace, pod spec), then
//! every gate that applies to it runs, unless a valid waiver silences it.

use std::cell::OnceCell;

use serde_json::Value;

use super::catalogue::{Gate, KindSet, LONG_RUNNING, Rule, Settings};
use super::pod_spec;
use super::service_ports::WorkloadIndex;
use super::{Constitution, Finding, Severity, waiver};

/// One object being checked, with what every gate needs looked up once.
pub(crate) struct Obj<'a> {
    /// The object.
    pub value: &'a Value,
    /// Its `kind` ("" when missing).
    pub kind: &'a str,
    /// Its `metadata.namespace`.
    pub namespace: Option<&'a str>,
    /// Its pod spec, for workloads.
    pub pod: Option<pod_spec::PodSpec<'a>>,
    long_running: bool,
    display: OnceCell<String>,
}

impl<'a> Obj<'a> {
    fn new(value: &'a Value) -> Self {
        let kind = pod_spec::kind(value);
        Obj {
            value,
            kind,
            namespace: pod_spec::namespace(value),
            pod: pod_spec::pod_spec(value),
            long_running: LONG_RUNNING.contains(&kind),
            display: OnceCell::new(),
        }
    }

    /// `Kind/name`, built on first use.
    pub fn display(&self) -> &str {
        self.display
            .get_or_init(|| crate::document::object_ref(self.value))
    }

    pub(crate) fn is(&self, set: KindSet) -> bool {
        match set {
            KindSet::All => true,
            KindSet::Workloads => self.pod.is_some(),
            KindSet::LongRunning => self.long_running && self.pod.is_some(),
            KindSet::Only(kinds) => kinds.contains(&self.kind),
        }
    }
}

/// What checks may read besides the object: settings and the whole checked set.
pub(crate) struct Cx<'a> {
    pub settings: &'a Settings,
    objects: &'a [&'a Value],
    index: OnceCell<WorkloadIndex<'a>>,
}

impl<'a> Cx<'a> {
    pub(crate) fn workloads(&self) -> &WorkloadIndex<'a> {
        self.index.get_or_init(|| WorkloadIndex::new(self.objects))
    }
}

/// Collects the findings of one gate on one object.
pub(crate) struct Sink<'a> {
    gate: &'a str,
    severity: Severity,
    object: Target<'a>,
    out: &'a mut Vec<Finding>,
}

/// What a finding is about.
enum Target<'a> {
    Object(&'a Obj<'a>),
    Text(&'a str),
}

impl<'a> Sink<'a> {
    /// A sink for findings about an object.
    fn object(gate: &'a Gate, obj: &'a Obj<'a>, out: &'a mut Vec<Finding>) -> Self {
        Sink {
            gate: &gate.id,
            severity: gate.severity,
            object: Target::Object(obj),
            out,
        }
    }

    /// A sink for findings about an action (`object` is the argv joined).
    pub fn action(gate: &'a Gate, object: &'a str, out: &'a mut Vec<Finding>) -> Self {
        Sink {
            gate: &gate.id,
            severity: gate.severity,
            object: Target::Text(object),
            out,
        }
    }

    /// Records a failure.
    pub fn emit(&mut self, message: String, fix: String) {
        let object = match &self.object {
            Target::Object(o) => o.display(),
            Target::Text(t) => t,
        };
        self.out.push(Finding {
            gate: self.gate.to_owned(),
            severity: self.severity,
            object: object.to_owned(),
            message,
            fix,
        });
    }
}

impl Gate {
    fn applies_to(&self, obj: &Obj<'_>) -> bool {
        if let Some(kinds) = &self.kinds
            && !kinds.iter().any(|k| k == obj.kind || k == "*")
        {
            return false;
        }
        if let Some(namespaces) = &self.namespaces {
            let ns = obj.namespace.unwrap_or("default");
            if !namespaces.iter().any(|n| n == ns) {
                return false;
            }
        }
        true
    }
}

/// Runs every object gate over every object.
pub(crate) fn check_objects(c: &Constitution, objects: &[&Value]) -> Vec<Vec<Finding>> {
    let cx = Cx {
        settings: &c.settings,
        objects,
        index: OnceCell::new(),
    };
    objects
        .iter()
        .map(|object| check_one(c, &cx, object))
        .collect()
}

fn check_one(c: &Constitution, cx: &Cx<'_>, value: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    if !value.is_object() {
        return out;
    }
    let obj = Obj::new(value);
    let waivers = waiver::Waivers::of(value);
    let mut cel_object = None;
    for gate in &c.gates {
        let applies = match &gate.rule {
            Rule::Object(check) => obj.is(check.kinds()),
            Rule::Cel(_) => true,
            Rule::Action(_) => false,
        };
        if !applies || !gate.applies_to(&obj) {
            continue;
        }
        if gate.waivable && waivers.waives(&gate.id) {
            continue;
        }
        let mut sink = Sink::object(gate, &obj, &mut out);
        match &gate.rule {
            Rule::Object(check) => check.run(cx, &obj, &mut sink),
            Rule::Cel(cel) => cel.run(value, &mut cel_object, &mut sink),
            Rule::Action(_) => {}
        }
    }
    if !waivers.is_empty() {
        waivers.report(c, obj.display(), &mut out);
    }
    out
}
