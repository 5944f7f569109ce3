//! Lazily compiled, cached validators.
//!
//! Generating a kind's schema with `schemars`, closing it and compiling it with `jsonschema`
//! costs around a millisecond or more for the big kinds (a Pod spec pulls in ~100 definitions);
//! doing that for all ~110 kinds up front would dominate a run that touches three of them. Each
//! kind therefore sits in a [`OnceLock`] and is compiled on first use; the set stays
//! `Send + Sync` and can be shared between threads.

use std::sync::OnceLock;

use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::Value;

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
