//! The crate's error type.

/// Why a backend could not produce a proposal at all.
///
/// A request the backend does not understand is *not* an error: it is a proposal with status
/// `not_understood`. Errors are for failures of the machinery (unknown backend, a server that
/// cannot be reached, an answer that is not a proposal).
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// No backend is registered under this name.
    #[error("unknown backend `{name}` (available: {available})")]
    UnknownBackend {
        /// The name asked for.
        name: String,
        /// The registered names, comma-separated.
        available: String,
    },
    /// The request itself cannot be handled (empty, or larger than the backend accepts).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The backend failed while producing a proposal.
    #[error("backend `{backend}` failed: {message}")]
    Failed {
        /// The backend's name.
        backend: String,
        /// What went wrong and what to do about it.
        message: String,
    },
}
