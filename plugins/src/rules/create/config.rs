//! ConfigMaps and Secrets (generic, docker-registry, tls).

use shipmate_manifests::build::{ConfigMapSpec, SecretKind, SecretSpec};

use super::{name_or_ask, ns, pairs_with};
use crate::proposal::Proposal;
use crate::rules::req::Req;
use crate::rules::slots::PairRole;

const DATA_ROLES: &[PairRole] = &[PairRole::Plain, PairRole::Env];

/// A ConfigMap from `key=value` pairs.
pub fn configmap(req: &mut Req, idx: Option<usize>) -> Proposal {
    let name = match name_or_ask(req, idx, "ConfigMap") {
        Ok(n) => n,
        Err(p) => return *p,
    };
    let data = pairs_with(req, DATA_ROLES);
    if data.is_empty() {
        return req.needs(
            format!("ConfigMap {name} needs data."),
            vec!["Which keys and values should it hold (KEY=value)?".into()],
        );
    }
    let keys: Vec<&str> = data.iter().map(|(k, _)| k.as_str()).collect();
    let mut p = req.proposed(format!(
        "Create ConfigMap {name} with {}{}",
        keys.join(", "),
        req.in_ns()
    ));
    p.manifests.push(
        ConfigMapSpec {
            name: name.clone(),
            namespace: ns(req),
            data,
        }
        .build(),
    );
    p
}

/// The value of the first pair whose key is one of `keys`.
fn value_of(data: &[(String, String)], keys: &[&str]) -> Option<String> {
    data.iter()
        .find(|(k, _)| keys.contains(&k.to_lowercase().as_str()))
        .map(|(_, v)| v.clone())
}

/// A Secret: generic from pairs, docker-registry from server/user/password, tls from files.
pub fn secret(req: &mut Req, idx: Option<usize>) -> Proposal {
    let name = match name_or_ask(req, idx, "Secret") {
        Ok(n) => n,
        Err(p) => return *p,
    };
    let data = pairs_with(req, DATA_ROLES);
    if req.w.has(&["tls", "certificate", "cert"]) {
        return tls(req, &name);
    }
    let kind = if req
        .w
        .has(&["docker-registry", "registry", "pull", "imagepullsecret"])
    {
        let server = req
            .s
            .hosts
            .first()
            .cloned()
            .or_else(|| value_of(&data, &["server", "registry", "docker-server"]));
        let user = value_of(&data, &["username", "user", "docker-username", "login"]);
        let pass = value_of(&data, &["password", "pass", "token", "docker-password"]);
        let (Some(server), Some(username), Some(password)) = (server, user, pass) else {
            return req.needs(
                "A registry Secret needs the registry, a user name and a password or token.",
                vec!["Which registry host, username=… and password=… should it hold?".into()],
            );
        };
        SecretKind::DockerRegistry {
            server,
            username,
            password,
        }
    } else {
        if data.is_empty() {
            return req.needs(
                format!("Secret {name} needs data."),
                vec!["Which keys and values should it hold (key=value)?".into()],
            );
        }
        SecretKind::Generic
    };
    let keys: Vec<&str> = data.iter().map(|(k, _)| k.as_str()).collect();
    let what = match kind {
        SecretKind::Generic => format!("with keys {}", keys.join(", ")),
        _ => "with registry credentials".into(),
    };
    let mut p = req.proposed(format!("Create Secret {name} {what}{}", req.in_ns()));
    p.manifests.push(
        SecretSpec {
            name,
            namespace: ns(req),
            kind,
            data,
        }
        .build(),
    );
    p
}

/// A TLS Secret needs PEM files: `kubectl create secret tls` reads them locally.
fn tls(req: &Req, name: &str) -> Proposal {
    let files: Vec<&str> = req
        .w
        .indices()
        .map(|i| req.w.raw(i))
        .filter(|r| {
            [".crt", ".pem", ".cert", ".key"]
                .iter()
                .any(|e| r.ends_with(e))
        })
        .collect();
    let cert = files.iter().find(|f| !f.ends_with(".key"));
    let key = files.iter().find(|f| f.ends_with(".key"));
    let (Some(cert), Some(key)) = (cert, key) else {
        return req.needs(
            format!("TLS Secret {name} needs a certificate and a key file."),
            vec!["Which certificate file (.crt/.pem) and key file (.key)?".into()],
        );
    };
    let cert_flag = format!("--cert={cert}");
    let key_flag = format!("--key={key}");
    let mut p = req.proposed(format!(
        "Create TLS Secret {name} from {cert} and {key}{}",
        req.in_ns()
    ));
    p.actions.push(req.action(
        &["create", "secret", "tls", name, &cert_flag, &key_flag],
        true,
        "kubectl reads the PEM files on this machine; their content never enters the proposal",
    ));
    p
}
