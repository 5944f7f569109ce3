//! The prompt, which says where a "yes" would apply (`shipmate [kind-dev/default]> `), and
//! the kubeconfig contexts `/context` lists and switches between.

use kube::config::Kubeconfig;

use crate::cluster::ConnectOptions;
use crate::session::Session;

/// The namespace requests go to: `/ns` or `-n`, else the context's, else `default`.
pub fn namespace(session: &Session) -> String {
    session
        .options
        .namespace
        .clone()
        .or_else(|| session.cluster().ok().map(|c| c.namespace().to_owned()))
        .unwrap_or_else(|| "default".to_owned())
}

/// The prompt for `session`.
pub fn prompt(session: &Session) -> String {
    let context = match session.cluster() {
        Ok(c) => Some(c.context().unwrap_or("in-cluster")),
        Err(_) => None,
    };
    text(context, &namespace(session))
}

/// `shipmate [CONTEXT/NAMESPACE]> `; `no cluster` when there is none to apply to.
pub fn text(context: Option<&str>, namespace: &str) -> String {
    format!(
        "shipmate [{}/{namespace}]> ",
        context.unwrap_or("no cluster")
    )
}

/// The contexts of the kubeconfig `opts` points at (or `KUBECONFIG`, else `~/.kube/config`),
/// and its current context.
///
/// # Errors
/// No kubeconfig, or one that cannot be read, as text.
pub fn contexts(opts: &ConnectOptions) -> Result<(Vec<String>, Option<String>), String> {
    let config = match &opts.kubeconfig {
        Some(path) => Kubeconfig::read_from(path),
        None => Kubeconfig::read(),
    }
    .map_err(|e| format!("cannot read the kubeconfig: {e}"))?;
    let names = config.contexts.into_iter().map(|c| c.name).collect();
    Ok((names, config.current_context))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_names_context_and_namespace() {
        assert_eq!(text(Some("kind-dev"), "web"), "shipmate [kind-dev/web]> ");
        assert_eq!(text(None, "default"), "shipmate [no cluster/default]> ");
    }

    #[test]
    fn contexts_come_from_the_kubeconfig() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(
            &path,
            "apiVersion: v1\nkind: Config\ncurrent-context: b\nclusters: []\nusers: []\n\
             contexts:\n- name: a\n  context: {cluster: x, user: y}\n\
             - name: b\n  context: {cluster: x, user: y}\n",
        )
        .unwrap();
        let opts = ConnectOptions {
            kubeconfig: Some(path),
            context: None,
        };
        let (names, current) = contexts(&opts).unwrap();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(current.as_deref(), Some("b"));
        let missing = ConnectOptions {
            kubeconfig: Some(dir.path().join("nope")),
            context: None,
        };
        assert!(contexts(&missing).unwrap_err().contains("kubeconfig"));
    }
}
