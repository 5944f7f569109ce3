//! [`ApiKey`]: a credential that cannot leak through `Debug`, `Display` or a log line.

use std::fmt;

/// An API key. Its `Debug` and `Display` print `***`; the only way to read it is
/// [`ApiKey::expose`], which the transport calls when it builds the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key; surrounding whitespace (a trailing newline from a file) is dropped.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into().trim().to_owned())
    }

    /// The key from environment variable `var`, if it is set and not empty.
    pub fn from_env(var: &str) -> Option<Self> {
        std::env::var(var)
            .ok()
            .map(Self::new)
            .filter(|k| !k.0.is_empty())
    }

    /// The key itself, for the request header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let key = ApiKey::new(" sk-live-0123456789abcdef\n");
        assert_eq!(
            format!("{key:?} {key} {:?}", Some(&key)),
            "*** *** Some(***)"
        );
        assert_eq!(key.expose(), "sk-live-0123456789abcdef");
    }
}
