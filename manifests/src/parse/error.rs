//! [`ParseError`]: why a document (or a whole input) could not be read, in words a person can
//! act on.
//!
//! The `Display` of every variant is self-contained (it ends up verbatim in `errors[].message` of
//! the validate JSON): it says what happened, where (the line, when there is one; the file is
//! carried by the [`Document`](crate::Document)), and what to do about it.

/// Why a document could not be parsed.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The input is not valid YAML/JSON.
    #[error("line {line}: {message}")]
    Syntax {
        /// One-based line of the error.
        line: usize,
        /// What went wrong and how to fix it.
        message: String,
    },
    /// The input has no document at all (empty, or only comments and `---`).
    #[error("file is empty: no Kubernetes documents (add a manifest or leave the file out)")]
    Empty,
    /// The input is larger than [`Limits::max_input_bytes`](super::Limits::max_input_bytes).
    #[error(
        "input is too large: {size} bytes, more than the limit of {limit} bytes: split it into \
         smaller files"
    )]
    TooLarge {
        /// Size of the input (as far as it was read, when the size was not known up front).
        size: u64,
        /// The limit that was exceeded.
        limit: u64,
    },
    /// The input has more documents than [`Limits::max_documents`](super::Limits::max_documents).
    #[error(
        "line {line}: too many documents: more than {limit} in one input; the rest are not read \
         (split the file)"
    )]
    TooManyDocuments {
        /// Line where the first document over the limit starts.
        line: usize,
        /// The limit that was exceeded.
        limit: usize,
    },
    /// Mappings and sequences are nested deeper than [`Limits::max_depth`](super::Limits::max_depth).
    #[error(
        "line {line}: nesting too deep: more than {limit} levels of mappings and sequences; \
         Kubernetes objects are never this deep: check for runaway brackets or indentation"
    )]
    TooDeep {
        /// Line where the limit was passed.
        line: usize,
        /// The limit that was exceeded.
        limit: usize,
    },
    /// Aliases (`*name`) expand to more than the limit: an alias bomb ("billion laughs").
    #[error(
        "line {line}: alias expansion limit exceeded: aliases (*name) would expand to more than \
         {limit} nodes (an alias bomb?); expand the anchors by hand or remove them"
    )]
    AliasBomb {
        /// Line of the alias that passed the limit.
        line: usize,
        /// The limit that was exceeded (replayed parser events per document).
        limit: usize,
    },
    /// Another parser budget (node count, events, scalar bytes) was exceeded.
    #[error("line {line}: document too large: {what}; split the document")]
    Budget {
        /// Line where the budget was exceeded.
        line: usize,
        /// Which budget, in words.
        what: String,
    },
    /// A mapping has the same key twice.
    #[error(
        "line {line}: duplicate key `{key}` in the same mapping: remove one of them (other tools \
         would silently keep only one value)"
    )]
    DuplicateKey {
        /// Line of the second occurrence.
        line: usize,
        /// The repeated key.
        key: String,
    },
    /// The input is not text: NUL bytes or invalid UTF-8.
    #[error("binary data, not YAML: {detail} (is this the right file?)")]
    Binary {
        /// Line of the first offending byte.
        line: usize,
        /// What was found.
        detail: String,
    },
    /// A document is valid YAML but not a mapping.
    #[error(
        "line {line}: expected a Kubernetes object (a mapping with apiVersion and kind), found \
         {found}"
    )]
    NotAnObject {
        /// Line where the document (or List item) starts.
        line: usize,
        /// What was found instead (`a list`, `a string`, …).
        found: &'static str,
    },
    /// A mapping lacks `apiVersion` and/or `kind` (or they are not strings).
    #[error(
        "line {line}: not a Kubernetes object: {missing} missing or not a string (every object \
         needs `apiVersion` and `kind`, e.g. `apiVersion: v1` and `kind: ConfigMap`)"
    )]
    MissingTypeMeta {
        /// Line where the document (or List item) starts.
        line: usize,
        /// `apiVersion`, `kind`, or `apiVersion and kind`.
        missing: &'static str,
    },
    /// A directory given as input holds no manifest files at all.
    #[error(
        "no *.yaml, *.yml or *.json files in this directory (or its subdirectories): nothing to \
         validate; check the path"
    )]
    NoManifests,
    /// The input could not be read (permission denied, dangling symlink, I/O error, …).
    #[error("cannot read input: {message}: check that it exists and is readable")]
    Read {
        /// The operating system's error.
        message: String,
    },
}

impl ParseError {
    /// One-based line the error points at, if known.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Syntax { line, .. }
            | Self::TooManyDocuments { line, .. }
            | Self::TooDeep { line, .. }
            | Self::AliasBomb { line, .. }
            | Self::Budget { line, .. }
            | Self::DuplicateKey { line, .. }
            | Self::Binary { line, .. }
            | Self::NotAnObject { line, .. }
            | Self::MissingTypeMeta { line, .. } => Some(*line),
            Self::Empty | Self::TooLarge { .. } | Self::NoManifests | Self::Read { .. } => None,
        }
    }

    /// An I/O error while reading an input, keeping the OS's words.
    pub(crate) fn read(err: &std::io::Error) -> Self {
        Self::Read {
            message: err.to_string(),
        }
    }
}
