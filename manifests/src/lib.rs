//! `shipmate-manifests` knows Kubernetes objects: it parses multi-document YAML/JSON safely,
//! validates objects strictly against the bundled Kubernetes schema (and CRD schemas), and checks
//! them against the team's constitution gates.
//!
//! Everything here is pure and synchronous: no cluster, no network. The binary crate and the
//! backends build on it, so that every entry point validates with exactly the same code.

pub mod build;
pub mod document;
pub mod error;
pub mod gates;
pub mod kubectl;
pub mod parse;
pub mod report;
pub mod schema;

pub use document::Document;
pub use error::ManifestError;
pub use gates::{Constitution, Finding, Severity};
pub use parse::Limits;
pub use report::{DocumentReport, Report, Summary};
pub use schema::{OpenApiError, SchemaError, SchemaSet, SchemaVerdict};
