//! The crate's error type.

use std::path::PathBuf;

/// Errors of `shipmate-manifests` that concern a whole input rather than one document.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A constitution file is malformed.
    #[error(transparent)]
    Constitution(#[from] crate::gates::ConstitutionError),
    /// A live cluster's OpenAPI v3 document could not be turned into schemas.
    #[error(transparent)]
    OpenApi(#[from] crate::schema::OpenApiError),
    /// A CRD file could not be turned into a schema.
    #[error("CRD schema from {file}: {message}")]
    Crd {
        /// The file the CRD came from.
        file: String,
        /// What was wrong.
        message: String,
    },
}
