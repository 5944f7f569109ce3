//! Strict schema validation against the bundled Kubernetes schema, the live cluster's OpenAPI v3
//! documents, and CRD schemas.
//!
//! CONTRACT (owned by the schema work; keep these names and signatures):
//! - [`SchemaSet::bundled`], [`SchemaSet::add_crds`], [`SchemaSet::validate`];
//! - [`SchemaVerdict`] serialises as `valid` | `invalid` | `no_schema` | `error`;
//! - [`SchemaError`] `{ path, message }` with dotted JSON paths (`spec.template.spec`).
//!
//! Why it is built this way:
//! - The bundled schema comes from `k8s-openapi`'s `schemars` implementations (no data files to
//!   ship or keep in sync); the version is the one `k8s-openapi`'s version feature selects
//!   (1.37 in the binary).
//! - Strictness is a transform ([`strict`]) that closes every object schema, so misspelt
//!   fields are errors as with `kubeconform -strict`; null values follow kubeconform ([`nulls`]).
//! - Schemas are generated and compiled on first use per kind and cached ([`cache`]): most runs
//!   touch a handful of kinds.
//! - A connected cluster's `/openapi/v3` documents ([`openapi`], added with
//!   [`SchemaSet::add_openapi_v3`]) override the bundled kinds they describe, since the server
//!   knows its own version, and bring the schemas of installed CRDs; kinds they do not describe
//!   still use the bundled schema. They are closed and compiled exactly like bundled kinds.
//! - Errors are rewritten for people ([`hints`]): dotted paths with `[i]` indices, found vs
//!   expected types, and "did you mean" for unknown fields.

mod builtin;
mod cache;
mod crd;
mod explain;
mod hints;
mod nulls;
mod openapi;
mod strict;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use self::builtin::BUILTIN_KINDS;
use self::cache::Lazy;
use self::hints::MAX_ERRORS;

use crate::document::Document;
use crate::error::ManifestError;

pub use self::explain::{ExplainError, FieldDoc, FieldSummary};
pub use self::openapi::{OpenApiError, openapi_path};

/// The schema verdict of one document (same vocabulary as kubeconform).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemaVerdict {
    /// The document matches its schema.
    Valid,
    /// The document violates its schema.
    Invalid,
    /// No schema is known for its apiVersion/kind.
    NoSchema,
    /// The document could not be parsed.
    Error,
}

/// One schema violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaError {
    /// Dotted path of the offending field (`spec.replica`); empty for the document root.
    pub path: String,
    /// What is wrong, with a hint where one helps.
    pub message: String,
}

/// The schemas known to a run: bundled built-in kinds, kinds from the live cluster's OpenAPI v3
/// documents, and CRDs; compiled lazily and cached.
///
/// Lookup order for an `apiVersion`/`kind`: a CRD added with [`add_crds`](Self::add_crds) (an
/// explicit `--crd` file, possibly a newer version than the cluster has), then the live
/// documents, then the bundled kinds.
///
/// `SchemaSet` is `Send + Sync`: share one between threads, validating concurrently.
#[derive(Debug)]
pub struct SchemaSet {
    /// One lazily compiled schema per entry of [`BUILTIN_KINDS`], same order.
    builtin: Box<[Lazy]>,
    /// `v1 List`.
    list: Lazy,
    /// Generated and closed definitions shared by the built-in kinds.
    pool: cache::DefinitionPool,
    /// CRD schemas by `(apiVersion, kind)`, compiled when added.
    crds: HashMap<(String, String), Lazy>,
    /// Kinds from live OpenAPI v3 documents by `(apiVersion, kind)`, compiled on first use.
    live: HashMap<(String, String), LiveEntry>,
    /// Group-versions whose live documents have been added.
    live_documents: HashSet<String>,
}

/// A kind described by a live OpenAPI v3 document.
#[derive(Debug)]
struct LiveEntry {
    /// The document (shared by the kinds of one group-version).
    document: Arc<openapi::LiveDocument>,
    /// The name of the kind's schema in the document.
    schema: String,
    /// The compiled schema.
    lazy: Lazy,
}

impl Default for SchemaSet {
    fn default() -> Self {
        Self::bundled()
    }
}

impl SchemaSet {
    /// Built-in kinds of the pinned Kubernetes version. Cheap: nothing is compiled until a kind
    /// is first validated.
    pub fn bundled() -> Self {
        Self {
            builtin: BUILTIN_KINDS.iter().map(|_| Lazy::default()).collect(),
            list: Lazy::default(),
            pool: cache::DefinitionPool::default(),
            crds: HashMap::new(),
            live: HashMap::new(),
            live_documents: HashSet::new(),
        }
    }

    /// Adds the kinds described by the live cluster's OpenAPI v3 document of `group_version`
    /// (`apps/v1`, `v1`, `example.com/v1`: the body of `GET /openapi/v3/` +
    /// [`openapi_path`]`(group_version)`); returns how many kinds it added. They replace the
    /// bundled schemas of the same kinds; nothing is compiled until a kind is validated.
    ///
    /// # Errors
    ///
    /// [`OpenApiError`], naming the group-version, when the document has no
    /// `components.schemas`, a malformed `x-kubernetes-group-version-kind`, or a `$ref` to a
    /// schema it does not define. Nothing is added then.
    pub fn add_openapi_v3(
        &mut self,
        group_version: &str,
        document: &Value,
    ) -> Result<usize, OpenApiError> {
        let (document, kinds) = openapi::read(group_version, document)?;
        let document = Arc::new(document);
        let added = kinds.len();
        self.live_documents.insert(group_version.to_owned());
        for kind in kinds {
            self.live.insert(
                (kind.api_version, kind.kind),
                LiveEntry {
                    document: Arc::clone(&document),
                    schema: kind.schema,
                    lazy: Lazy::default(),
                },
            );
        }
        Ok(added)
    }

    /// Adds the schemas of every CustomResourceDefinition (`apiextensions.k8s.io/v1`) among
    /// `docs`; returns how many versions were added. Other documents are ignored.
    ///
    /// # Errors
    ///
    /// [`ManifestError::Crd`], naming the file and the CRD, when a CRD lacks its group, kind or
    /// versions, or a version's `openAPIV3Schema` is missing or not a valid schema.
    pub fn add_crds(&mut self, docs: &[Document]) -> Result<usize, ManifestError> {
        let mut added = 0;
        for doc in docs {
            let Some(object) = doc.object() else { continue };
            if !crd::is_crd(object) {
                continue;
            }
            for schema in crd::schemas(doc, object)? {
                self.crds.insert(
                    (schema.api_version, schema.kind),
                    Lazy::ready(schema.compiled),
                );
                added += 1;
            }
        }
        Ok(added)
    }

    /// Whether the live document of `group_version` has been added (adding it again would only
    /// throw away what was compiled from it).
    pub fn has_openapi_v3(&self, group_version: &str) -> bool {
        self.live_documents.contains(group_version)
    }

    /// Whether a schema is known for `apiVersion`/`kind`.
    pub fn knows(&self, api_version: &str, kind: &str) -> bool {
        let key = (api_version.to_owned(), kind.to_owned());
        self.crds.contains_key(&key)
            || self.live.contains_key(&key)
            || builtin::find(api_version, kind).is_some()
            || (api_version, kind) == ("v1", "List")
    }

    /// How many schemas have been compiled so far (built-in and live kinds, CRD versions).
    pub fn compiled_count(&self) -> usize {
        self.builtin.iter().filter(|l| l.is_compiled()).count()
            + usize::from(self.list.is_compiled())
            + self.crds.values().filter(|l| l.is_compiled()).count()
            + self.live.values().filter(|e| e.lazy.is_compiled()).count()
    }

    /// Validates one object strictly against the schema of its `apiVersion`/`kind`.
    ///
    /// Returns [`SchemaVerdict::NoSchema`] (and no errors) for kinds without a known schema,
    /// [`SchemaVerdict::Invalid`] with errors when `apiVersion` or `kind` is missing or the
    /// object violates its schema, and [`SchemaVerdict::Error`] only if a schema cannot be
    /// compiled (a bug, reported rather than panicking). At most 20 errors are listed; a last
    /// entry says how many more there were.
    pub fn validate(&self, object: &Value) -> (SchemaVerdict, Vec<SchemaError>) {
        let Value::Object(map) = object else {
            return invalid(
                "",
                format!(
                    "expected an object (a Kubernetes manifest), found {}",
                    hints::describe(object)
                ),
            );
        };
        let mut missing = Vec::new();
        for field in ["apiVersion", "kind"] {
            match map.get(field) {
                Some(Value::String(s)) if !s.is_empty() => {}
                None | Some(Value::Null) => missing.push(SchemaError {
                    path: field.into(),
                    message: format!("missing required field `{field}`"),
                }),
                Some(other) => missing.push(SchemaError {
                    path: field.into(),
                    message: format!(
                        "expected a non-empty string, found {}",
                        hints::describe(other)
                    ),
                }),
            }
        }
        if !missing.is_empty() {
            return (SchemaVerdict::Invalid, missing);
        }
        let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");

        let Some(compiled) = self.compiled(api_version, kind) else {
            return (SchemaVerdict::NoSchema, Vec::new());
        };
        let compiled = match compiled {
            Ok(c) => c,
            Err(e) => {
                return (
                    SchemaVerdict::Error,
                    vec![SchemaError {
                        path: String::new(),
                        message: format!("schema of {api_version} {kind} cannot be compiled: {e}"),
                    }],
                );
            }
        };

        let instance = nulls::without_nulls(object);
        if compiled.validator.is_valid(&instance) {
            return (SchemaVerdict::Valid, Vec::new());
        }
        let mut errors = Vec::new();
        let mut total = 0usize;
        for error in compiled.validator.iter_errors(&instance) {
            let before = errors.len();
            if before < MAX_ERRORS {
                hints::convert(&error, &compiled.schema, &mut errors);
                total += errors.len() - before;
            } else {
                total += 1;
            }
        }
        errors.truncate(MAX_ERRORS);
        if total > errors.len() {
            let more = total - errors.len();
            errors.push(SchemaError {
                path: String::new(),
                message: format!(
                    "… and {more} more error{}",
                    if more == 1 { "" } else { "s" }
                ),
            });
        }
        if errors.is_empty() {
            // `is_valid` and `iter_errors` disagreeing would be a jsonschema bug; never report
            // "invalid" without saying why.
            errors.push(SchemaError {
                path: String::new(),
                message: "does not match its schema".into(),
            });
        }
        (SchemaVerdict::Invalid, errors)
    }

    /// The compiled schema of `apiVersion`/`kind` (CRD, then live, then bundled; see the type
    /// docs), compiling it on first use; `None` when no schema is known.
    fn compiled(&self, api_version: &str, kind: &str) -> Option<Result<&cache::Compiled, &str>> {
        let key = || (api_version.to_owned(), kind.to_owned());
        let crd = match self.crds.is_empty() {
            true => None,
            false => self.crds.get(&key()),
        };
        let live = match self.live.is_empty() {
            true => None,
            false => self.live.get(&key()),
        };
        Some(if let Some(lazy) = crd {
            lazy.get_or_compile(|| Value::Null)
        } else if let Some(entry) = live {
            entry
                .lazy
                .get_or_compile(|| entry.document.root_schema(&entry.schema))
        } else if let Some(i) = builtin::find(api_version, kind) {
            match (self.builtin.get(i), BUILTIN_KINDS.get(i)) {
                (Some(lazy), Some(kind)) => {
                    lazy.get_or_compile(|| self.pool.root_schema(kind.generate))
                }
                _ => Err("internal error: kind table out of step"),
            }
        } else if (api_version, kind) == ("v1", "List") {
            self.list.get_or_compile(strict::list_schema)
        } else {
            return None;
        })
    }
}

fn invalid(path: &str, message: String) -> (SchemaVerdict, Vec<SchemaError>) {
    (
        SchemaVerdict::Invalid,
        vec![SchemaError {
            path: path.into(),
            message,
        }],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn schema_set_is_send_and_sync() {
        assert_send_sync::<SchemaSet>();
    }

    #[test]
    fn typo_is_reported_with_hint() {
        let set = SchemaSet::bundled();
        let (verdict, errors) = set.validate(&json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replica": 3, "selector": {}, "template": {}}
        }));
        assert_eq!(verdict, SchemaVerdict::Invalid);
        assert_eq!(
            errors,
            vec![SchemaError {
                path: "spec.replica".into(),
                message: "unknown field `replica` (did you mean `replicas`?)".into()
            }]
        );
    }

    #[test]
    fn non_objects_and_missing_kind_are_invalid() {
        let set = SchemaSet::bundled();
        assert_eq!(set.validate(&json!("text")).0, SchemaVerdict::Invalid);
        let (v, e) = set.validate(&json!({"apiVersion": "v1"}));
        assert_eq!(v, SchemaVerdict::Invalid);
        assert_eq!(e[0].path, "kind");
    }
}
