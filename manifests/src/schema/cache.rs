//! Lazily compiled, cached validators.
//!
//! Generating a kind's schema with `schemars`, closing it and compiling it with `jsonschema`
//! costs around a millisecond or more for the big kinds (a Pod spec pulls in ~100 definitions);
//! doing that for all ~110 kinds up front would dominate a run that touches three of them. Each
//! kind therefore sits in a [`OnceLock`] and is compiled on first use; the set stays
//! `Send + Sync` and can be shared between threads.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock, PoisonError};

use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator};
use serde_json::{Map, Value};

use super::strict;

/// A compiled strict schema, and the closed schema itself (used to suggest field names).
pub(crate) struct Compiled {
    /// The `jsonschema` validator.
    pub validator: jsonschema::Validator,
    /// The closed schema the validator was built from.
    pub schema: Value,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled").finish_non_exhaustive()
    }
}

/// A schema compiled on first use.
#[derive(Debug, Default)]
pub(crate) struct Lazy {
    cell: OnceLock<Result<Compiled, String>>,
}

impl Lazy {
    /// The compiled schema, building it with `make` the first time.
    pub fn get_or_compile(&self, make: impl FnOnce() -> Value) -> Result<&Compiled, &str> {
        self.cell
            .get_or_init(|| compile(make()))
            .as_ref()
            .map_err(String::as_str)
    }

    /// A schema that is compiled already.
    pub fn ready(compiled: Compiled) -> Self {
        Self {
            cell: OnceLock::from(Ok(compiled)),
        }
    }

    /// Whether the schema has been compiled already.
    pub fn is_compiled(&self) -> bool {
        self.cell.get().is_some()
    }
}

/// Definitions shared by the built-in kinds: a type used by several kinds (a Pod spec is part of
/// Pods, Deployments, Jobs, …) is generated and closed once, then copied into each kind's
/// self-contained schema.
pub(crate) struct DefinitionPool {
    inner: Mutex<PoolInner>,
}

struct PoolInner {
    generator: SchemaGenerator,
    /// Definitions of `generator` that have been closed already.
    closed: HashSet<String>,
}

impl std::fmt::Debug for DefinitionPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefinitionPool").finish_non_exhaustive()
    }
}

impl Default for DefinitionPool {
    fn default() -> Self {
        Self {
            inner: Mutex::new(PoolInner {
                generator: generator(),
                closed: HashSet::new(),
            }),
        }
    }
}

impl DefinitionPool {
    /// The closed, self-contained schema (`$ref` + the `$defs` it reaches) of the type that
    /// `subschema` asks the generator for.
    pub fn root_schema(&self, subschema: fn(&mut SchemaGenerator) -> Schema) -> Value {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let PoolInner { generator, closed } = &mut *inner;
        let mut root = subschema(generator).to_value();
        for (name, def) in generator.definitions_mut().iter_mut() {
            if closed.insert(name.clone()) {
                strict::close_definition(name, def);
            }
        }
        strict::close(&mut root);

        let reached = reachable(&root, generator.definitions());
        if let Value::Object(map) = &mut root {
            map.insert("$defs".into(), Value::Object(reached));
        }
        root
    }
}

/// Copies of the definitions in `all` that `root` reaches through `#/$defs/…` references,
/// directly or through other definitions; the rest of `all` is left out, so that a kind's
/// self-contained schema carries only what it uses.
pub(crate) fn reachable(root: &Value, all: &Map<String, Value>) -> Map<String, Value> {
    let mut reached = Map::new();
    let mut pending = Vec::new();
    collect_refs(root, &mut pending);
    while let Some(name) = pending.pop() {
        if reached.contains_key(&name) {
            continue;
        }
        if let Some(def) = all.get(&name) {
            collect_refs(def, &mut pending);
            reached.insert(name, def.clone());
        }
    }
    reached
}

/// Names of the `$defs` entries that `schema` refers to.
fn collect_refs(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = r.strip_prefix("#/$defs/") {
                            out.push(name.to_owned());
                        }
                    }
                    _ => collect_refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Compiles a closed schema (draft 2020-12, formats not asserted, as kubeconform does not
/// assert Kubernetes' formats either).
pub(crate) fn compile(schema: Value) -> Result<Compiled, String> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(false)
        .build(&schema)
        .map(|validator| Compiled { validator, schema })
        .map_err(|e| e.to_string())
}

/// A `schemars` generator for `k8s-openapi` types: draft 2020-12 with `$defs`, no `$schema`.
pub(crate) fn generator() -> SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12();
    settings.meta_schema = None;
    SchemaGenerator::new(settings)
}
