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
    /// No API key is configured for a backend that needs one.
    #[error("backend `{backend}` needs an API key: set {key_var}")]
    MissingKey {
        /// The backend's name.
        backend: String,
        /// The environment variable that holds the key.
        key_var: &'static str,
    },
    /// The configuration is unusable (a base URL that does not parse, a zero bound…).
    #[error("backend `{backend}`: invalid configuration: {message}")]
    Config {
        /// The backend's name.
        backend: String,
        /// What is wrong and what to change.
        message: String,
    },
    /// The server could not be reached, or the connection dropped, on every attempt.
    #[error(
        "backend `{backend}`: cannot reach {url} after {attempts} attempt(s): {reason}; \
         check the base URL ({url_var}) and the network"
    )]
    Unreachable {
        /// The backend's name.
        backend: String,
        /// The URL asked for (never carries a key).
        url: String,
        /// The environment variable that sets the base URL.
        url_var: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// The last transport error, without secrets.
        reason: String,
    },
    /// The server refused the credentials (401/403).
    #[error("backend `{backend}`: the server refused the API key (HTTP {status}): check {key_var}")]
    Unauthorized {
        /// The backend's name.
        backend: String,
        /// The HTTP status.
        status: u16,
        /// The environment variable that holds the key.
        key_var: &'static str,
    },
    /// The server answered with an error status that retrying does not fix (400, 404, …).
    #[error("backend `{backend}`: HTTP {status} from {url}: {detail}; {hint}")]
    Status {
        /// The backend's name.
        backend: String,
        /// The HTTP status.
        status: u16,
        /// The URL asked for.
        url: String,
        /// The server's error message (masked, truncated).
        detail: String,
        /// What to check.
        hint: &'static str,
    },
    /// 429 or 5xx on every attempt.
    #[error(
        "backend `{backend}`: gave up after {attempts} attempt(s), last HTTP {status}: {detail}; \
         the provider is rate-limiting or failing: try again later, or with another model or backend"
    )]
    RetriesExhausted {
        /// The backend's name.
        backend: String,
        /// How many attempts were made.
        attempts: u32,
        /// The last HTTP status.
        status: u16,
        /// The server's last error message (masked, truncated).
        detail: String,
    },
    /// A streamed answer ended before it was complete, on every attempt.
    #[error(
        "backend `{backend}`: the answer stream broke off after {received} byte(s) ({reason}); \
         try again, or turn streaming off"
    )]
    StreamCut {
        /// The backend's name.
        backend: String,
        /// Bytes received before the stream broke.
        received: usize,
        /// What ended it.
        reason: String,
    },
    /// The server's answer is not in the provider's wire format.
    #[error(
        "backend `{backend}`: unexpected answer from the server: {message}; check the base URL and that the server speaks this API"
    )]
    Protocol {
        /// The backend's name.
        backend: String,
        /// What was wrong with it.
        message: String,
    },
    /// The model's answer is not a valid proposal, even after a repair request.
    #[error(
        "backend `{backend}`: the model's answer is not a valid proposal after {repairs} repair request(s) \
         ({reason}); the raw answer is saved in {}; try another model",
        saved.display()
    )]
    MalformedAnswer {
        /// The backend's name.
        backend: String,
        /// How many repair requests were made.
        repairs: u32,
        /// Why the last answer was rejected.
        reason: String,
        /// Where the raw answer was saved.
        saved: std::path::PathBuf,
    },
}
