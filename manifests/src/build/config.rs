//! ConfigMaps and Secrets.

use serde_json::{Map, Value, json};

use super::meta::{Labels, object, object_meta};

/// A ConfigMap to build.
#[derive(Debug, Clone)]
pub struct ConfigMapSpec {
    /// `metadata.name`.
    pub name: String,
    /// Namespace, if not the default.
    pub namespace: Option<String>,
    /// Keys and values, in the order given.
    pub data: Vec<(String, String)>,
}

impl ConfigMapSpec {
    /// Builds the object.
    pub fn build(&self) -> Value {
        let meta = object_meta(&self.name, self.namespace.as_deref(), &Labels::new());
        let mut obj = object("v1", "ConfigMap", meta);
        obj.insert("data".into(), pairs(&self.data));
        Value::Object(obj)
    }
}

/// The type of a Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretKind {
    /// `Opaque`: arbitrary keys.
    Generic,
    /// `kubernetes.io/dockerconfigjson`: credentials for one registry.
    DockerRegistry {
        /// Registry host (`ghcr.io`).
        server: String,
        /// User name.
        username: String,
        /// Password or token.
        password: String,
    },
    /// `kubernetes.io/tls`: a certificate and its key (PEM).
    Tls {
        /// The certificate chain.
        cert: String,
        /// The private key.
        key: String,
    },
}

/// A Secret to build. Values go to `stringData` (the API server encodes them).
#[derive(Debug, Clone)]
pub struct SecretSpec {
    /// `metadata.name`.
    pub name: String,
    /// Namespace, if not the default.
    pub namespace: Option<String>,
    /// The type.
    pub kind: SecretKind,
    /// Keys and values (generic Secrets).
    pub data: Vec<(String, String)>,
}

impl SecretSpec {
    /// Builds the object.
    pub fn build(&self) -> Value {
        let meta = object_meta(&self.name, self.namespace.as_deref(), &Labels::new());
        let mut obj = object("v1", "Secret", meta);
        let (ty, data) = match &self.kind {
            SecretKind::Generic => ("Opaque", pairs(&self.data)),
            SecretKind::DockerRegistry {
                server,
                username,
                password,
            } => {
                let auth = base64(format!("{username}:{password}").as_bytes());
                let config = json!({ "auths": { server: {
                    "username": username, "password": password, "auth": auth } } });
                (
                    "kubernetes.io/dockerconfigjson",
                    json!({ ".dockerconfigjson": config.to_string() }),
                )
            }
            SecretKind::Tls { cert, key } => (
                "kubernetes.io/tls",
                json!({ "tls.crt": cert, "tls.key": key }),
            ),
        };
        obj.insert("type".into(), json!(ty));
        obj.insert("stringData".into(), data);
        Value::Object(obj)
    }
}

fn pairs(data: &[(String, String)]) -> Value {
    let mut map = Map::new();
    for (k, v) in data {
        map.insert(k.clone(), json!(v));
    }
    Value::Object(map)
}

/// Standard base64 with padding (for the `auth` field of a docker config).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"a"), "YQ==");
    }

    #[test]
    fn secrets_use_string_data() {
        let s = SecretSpec {
            name: "db".into(),
            namespace: Some("data".into()),
            kind: SecretKind::Generic,
            data: vec![("password".into(), "x".into())],
        }
        .build();
        assert_eq!(s["stringData"]["password"], "x");
        assert_eq!(s["type"], "Opaque");
        assert_eq!(s["metadata"]["namespace"], "data");
    }
}
