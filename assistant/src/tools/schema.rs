//! `schema_lookup`: kubectl explain for a kind and a dotted field path.

use std::fmt::Write;

use shipmate_manifests::SchemaSet;
use shipmate_manifests::kubectl::resource_type;

use super::ToolError;

/// What `schemas` says about `field_path` of `kind` (a kind word such as `Deployment`,
/// `deploy` or `deployments.apps`; or `apiVersion/Kind` such as `example.com/v1/Widget` for
/// kinds outside the built-in table): its type, description and child fields, e.g.
/// `("Deployment", "spec.template.spec.containers.resources")`. Pass the session's schemas:
/// with the live cluster's documents added they cover CRDs and carry descriptions (the
/// bundled schemas have none).
///
/// # Errors
/// An unknown kind, or a path step that names no field (with the fields that exist there).
pub fn schema_lookup(
    schemas: &SchemaSet,
    kind: &str,
    field_path: &str,
) -> Result<String, ToolError> {
    let (api_version, kind_name) = match resource_type(kind) {
        Some(t) => (t.api_version.to_string(), t.kind.to_string()),
        None => match kind.rsplit_once('/') {
            Some((api_version, k)) if !api_version.is_empty() => {
                (api_version.to_string(), k.to_string())
            }
            _ => {
                return Err(ToolError::UnknownKind {
                    word: kind.into(),
                    suggestion: None,
                });
            }
        },
    };
    let path = field_path.trim().trim_start_matches('.');
    let doc = schemas.explain(&api_version, &kind_name, path)?;
    let mut out = kind_name.clone();
    if !doc.path.is_empty() {
        let _ = write!(out, ".{}", doc.path);
    }
    let _ = writeln!(out, " ({api_version}): {}", doc.type_name);
    if !doc.description.is_empty() {
        let _ = writeln!(out, "{}", doc.description.trim());
    }
    if !doc.fields.is_empty() {
        out.push_str("FIELDS:\n");
        let width = doc.fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
        for f in &doc.fields {
            let required = if f.required { "  (required)" } else { "" };
            let _ = writeln!(out, "  {:<width$}  {}{required}", f.name, f.type_name);
        }
    }
    Ok(out)
}
