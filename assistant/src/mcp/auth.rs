//! The bearer token of the HTTP transport: where it comes from (an environment variable, never
//! a flag, so it stays out of `ps` and shell history), when it is required (any bind that is
//! not loopback), and the check every request passes. The token is never printed: its `Debug`
//! shows its length only, and no error message quotes it.

use std::net::SocketAddr;

/// Shortest token accepted: a guessable token is no protection.
pub const MIN_TOKEN_LEN: usize = 16;

/// Why the HTTP transport refuses to start.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    /// A non-loopback address without a token.
    #[error(
        "refusing to serve MCP on {addr} without a bearer token: {addr} is reachable from other \
         machines. Put a long random token in an environment variable and name it with \
         --token-env (e.g. `export SHIPMATE_MCP_TOKEN=$(openssl rand -hex 32)` and \
         `--token-env SHIPMATE_MCP_TOKEN`), or bind a loopback address such as 127.0.0.1:8765"
    )]
    TokenRequired {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// `--token-env VAR` names a variable that is not set (or is empty).
    #[error(
        "--token-env {var}: the environment variable {var} is not set or empty; export the token in it first"
    )]
    Unset {
        /// The variable's name.
        var: String,
    },
    /// The token is too short to be a secret.
    #[error(
        "the token in {var} is {len} characters long; use at least {MIN_TOKEN_LEN} random \
         characters (e.g. `openssl rand -hex 32`)"
    )]
    TooShort {
        /// The variable's name.
        var: String,
        /// The token's length.
        len: usize,
    },
}

/// A bearer token. Compared in constant time; never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token({} characters)", self.0.len())
    }
}

impl Token {
    /// The token in environment variable `var`.
    ///
    /// # Errors
    /// When `var` is unset or empty, or holds fewer than [`MIN_TOKEN_LEN`] characters.
    pub fn from_env(var: &str) -> Result<Token, AuthError> {
        let value = std::env::var(var).unwrap_or_default();
        Token::new(var, value.trim())
    }

    /// `value` as a token read from `var` (named in errors).
    ///
    /// # Errors
    /// When `value` is empty or shorter than [`MIN_TOKEN_LEN`].
    pub fn new(var: &str, value: &str) -> Result<Token, AuthError> {
        if value.is_empty() {
            return Err(AuthError::Unset { var: var.into() });
        }
        let len = value.chars().count();
        if len < MIN_TOKEN_LEN {
            return Err(AuthError::TooShort {
                var: var.into(),
                len,
            });
        }
        Ok(Token(value.to_owned()))
    }

    /// Whether an `Authorization` header value carries this token (`Bearer <token>`; the
    /// scheme is case-insensitive). The comparison takes the same time wherever the first
    /// difference is.
    pub fn accepts(&self, authorization: Option<&[u8]>) -> bool {
        let Some(value) = authorization else {
            return false;
        };
        let Some((scheme, presented)) = value.split_at_checked(7) else {
            return false;
        };
        if !scheme.eq_ignore_ascii_case(b"bearer ") {
            return false;
        }
        let expected = self.0.as_bytes();
        if presented.len() != expected.len() {
            return false;
        }
        presented
            .iter()
            .zip(expected)
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
    }
}

/// Whether serving on `addr` is allowed with `token`: loopback addresses may go without one;
/// anything else (`0.0.0.0`, a LAN address) must have one.
///
/// # Errors
/// [`AuthError::TokenRequired`] for a non-loopback address without a token.
pub fn check_bind(addr: SocketAddr, token: Option<&Token>) -> Result<(), AuthError> {
    if token.is_none() && !addr.ip().is_loopback() {
        return Err(AuthError::TokenRequired { addr });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123";

    fn token() -> Token {
        Token::new("T", SECRET).unwrap()
    }

    #[test]
    fn only_the_exact_bearer_token_is_accepted() {
        let t = token();
        assert!(t.accepts(Some(format!("Bearer {SECRET}").as_bytes())));
        assert!(t.accepts(Some(format!("bearer {SECRET}").as_bytes())));
        assert!(!t.accepts(None));
        assert!(!t.accepts(Some(b"")));
        assert!(!t.accepts(Some(SECRET.as_bytes())), "no scheme");
        assert!(!t.accepts(Some(format!("Basic {SECRET}").as_bytes())));
        assert!(
            !t.accepts(Some(format!("Bearer {SECRET}x").as_bytes())),
            "longer"
        );
        assert!(
            !t.accepts(Some(format!("Bearer {}", &SECRET[1..]).as_bytes())),
            "shorter"
        );
        let mut last_wrong = SECRET.to_owned();
        last_wrong.replace_range(19.., "4");
        assert!(!t.accepts(Some(format!("Bearer {last_wrong}").as_bytes())));
    }

    #[test]
    fn a_token_is_required_off_loopback() {
        let lan: SocketAddr = "0.0.0.0:8765".parse().unwrap();
        let err = check_bind(lan, None).unwrap_err();
        assert_eq!(err, AuthError::TokenRequired { addr: lan });
        assert!(err.to_string().contains("--token-env"), "{err}");
        assert!(check_bind(lan, Some(&token())).is_ok());
        for loopback in ["127.0.0.1:8765", "[::1]:8765", "127.8.9.10:1"] {
            assert!(
                check_bind(loopback.parse().unwrap(), None).is_ok(),
                "{loopback}"
            );
        }
    }

    #[test]
    fn weak_or_missing_tokens_are_refused_without_showing_them() {
        assert_eq!(
            Token::new("V", "").unwrap_err(),
            AuthError::Unset { var: "V".into() }
        );
        let err = Token::new("V", "short-secret").unwrap_err();
        assert_eq!(
            err,
            AuthError::TooShort {
                var: "V".into(),
                len: 12
            }
        );
        assert!(!err.to_string().contains("short-secret"));
        assert!(!format!("{:?}", token()).contains(SECRET));
    }
}
