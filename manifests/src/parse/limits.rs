//! Limits against hostile input, and how they map onto `serde-saphyr`'s budget.
//!
//! Every limit is enforced *while* reading, never after: the input size is checked from file
//! metadata and with a bounded read, the document count while splitting, and nesting depth,
//! alias expansion and node counts by the YAML parser's budget, so a hostile input costs at most
//! a bounded amount of time and memory before it is rejected.

use serde_saphyr::{DuplicateKeyPolicy, NonFiniteFloatPolicy, Options};

/// Limits applied while reading input.
///
/// The defaults accept every real-world manifest we know of (including large CRDs) and reject
/// hostile input quickly:
///
/// ```
/// use shipmate_manifests::Limits;
/// let strict = Limits::default().max_input_bytes(1024 * 1024).max_depth(32);
/// assert_eq!(strict.max_depth, 32);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input (file or stdin), in bytes. Default 16 MiB.
    pub max_input_bytes: u64,
    /// Most documents accepted in one input. Default 10,000.
    pub max_documents: usize,
    /// Deepest nesting of mappings and sequences accepted. Default 64.
    pub max_depth: usize,
    /// Most parser events that aliases (`*name`) may replay in one document. Default 10,000.
    ///
    /// This is what stops a "billion laughs" alias bomb: each expansion of an alias replays the
    /// anchored node, and the parse fails as soon as the total passes this limit.
    pub max_alias_expansion: usize,
    /// Most YAML nodes (mappings, sequences and scalars) in one document. Default 250,000.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 16 * 1024 * 1024,
            max_documents: 10_000,
            max_depth: 64,
            max_alias_expansion: 10_000,
            max_nodes: 250_000,
        }
    }
}

impl Limits {
    /// Default limits (same as [`Limits::default`]).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the largest accepted input, in bytes.
    #[must_use]
    pub fn max_input_bytes(mut self, bytes: u64) -> Self {
        self.max_input_bytes = bytes;
        self
    }

    /// Sets the most documents accepted in one input.
    #[must_use]
    pub fn max_documents(mut self, documents: usize) -> Self {
        self.max_documents = documents;
        self
    }

    /// Sets the deepest nesting accepted.
    #[must_use]
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Sets the most parser events aliases may replay in one document.
    #[must_use]
    pub fn max_alias_expansion(mut self, events: usize) -> Self {
        self.max_alias_expansion = events;
        self
    }

    /// Sets the most YAML nodes accepted in one document.
    #[must_use]
    pub fn max_nodes(mut self, nodes: usize) -> Self {
        self.max_nodes = nodes;
        self
    }

    /// `serde-saphyr` options for parsing one document under these limits, with the YAML
    /// semantics Kubernetes uses (YAML 1.1 octal numbers and booleans, duplicate keys rejected).
    pub(crate) fn yaml_options(&self) -> Options {
        let mut budget = serde_saphyr::Budget::default();
        budget.max_depth = self.max_depth;
        budget.max_nodes = self.max_nodes;
        // One document per parse (the splitter cuts the stream), so one is all we allow.
        budget.max_documents = 1;
        // Inputs are already bounded by `max_input_bytes`.
        budget.max_total_scalar_bytes = usize::try_from(self.max_input_bytes).unwrap_or(usize::MAX);
        budget.max_aliases = self.max_alias_expansion;
        budget.max_recorded_anchor_events = self.max_alias_expansion.max(1_000).saturating_mul(10);

        let mut options = Options::default();
        options.budget = Some(budget);
        options.duplicate_keys = DuplicateKeyPolicy::Error;
        options.alias_limits.max_total_replayed_events = self.max_alias_expansion;
        options.alias_limits.max_replay_stack_depth = self.max_depth;
        // Kubernetes (sigs.k8s.io/yaml) reads `0644` as octal 420, like YAML 1.1.
        options.legacy_octal_numbers = true;
        // JSON cannot carry infinities; keep `.inf`/`.nan` as the strings they were written as.
        options.non_finite_float_policy = NonFiniteFloatPolicy::AsString;
        options.with_snippet = false;
        options
    }
}
