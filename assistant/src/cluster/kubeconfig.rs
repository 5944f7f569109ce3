//! Where the configuration comes from, in kubectl's order: `--kubeconfig`, then every existing
//! file in `KUBECONFIG` (merged, first wins), then `~/.kube/config`, then the in-cluster
//! service account.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use kube::config::Kubeconfig;

use super::ClusterError;

/// Where [`locate`] found the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KubeconfigSource {
    /// One or more kubeconfig files, merged in this order.
    Files(Vec<PathBuf>),
    /// The pod's service account (`KUBERNETES_SERVICE_HOST` is set).
    InCluster,
}

/// The parts of the process environment [`locate`] reads, so it can be tested without
/// touching the real environment.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `$KUBECONFIG`.
    pub kubeconfig: Option<OsString>,
    /// The home directory.
    pub home: Option<PathBuf>,
    /// Whether `KUBERNETES_SERVICE_HOST` is set.
    pub in_cluster: bool,
}

impl Env {
    /// Reads the real environment.
    pub fn from_process() -> Env {
        Env {
            kubeconfig: std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()),
            home: std::env::home_dir(),
            in_cluster: std::env::var_os("KUBERNETES_SERVICE_HOST").is_some(),
        }
    }
}

/// Finds the configuration to use.
///
/// # Errors
/// [`ClusterError::NoKubeconfig`] naming every place looked at, when an explicit path does not
/// exist or nothing is found anywhere.
pub fn locate(explicit: Option<&Path>, env: &Env) -> Result<KubeconfigSource, ClusterError> {
    if let Some(path) = explicit {
        return if path.is_file() {
            Ok(KubeconfigSource::Files(vec![path.to_path_buf()]))
        } else {
            Err(ClusterError::NoKubeconfig {
                looked: vec![path.to_path_buf()],
            })
        };
    }
    let mut looked = Vec::new();
    if let Some(list) = &env.kubeconfig {
        let paths: Vec<PathBuf> = std::env::split_paths(list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        let existing: Vec<PathBuf> = paths.iter().filter(|p| p.is_file()).cloned().collect();
        if !existing.is_empty() {
            return Ok(KubeconfigSource::Files(existing));
        }
        looked.extend(paths);
    }
    if let Some(home) = &env.home {
        let default = home.join(".kube").join("config");
        if default.is_file() {
            return Ok(KubeconfigSource::Files(vec![default]));
        }
        looked.push(default);
    }
    if env.in_cluster {
        return Ok(KubeconfigSource::InCluster);
    }
    Err(ClusterError::NoKubeconfig { looked })
}

/// Reads and merges kubeconfig files (the first file's values win, as in kubectl).
///
/// # Errors
/// [`ClusterError::BadKubeconfig`] naming the file that could not be read or parsed.
pub fn read_merged(paths: &[PathBuf]) -> Result<Kubeconfig, ClusterError> {
    let mut merged: Option<Kubeconfig> = None;
    for path in paths {
        let next = Kubeconfig::read_from(path).map_err(|e| ClusterError::BadKubeconfig {
            path: path.clone(),
            message: e.to_string(),
        })?;
        merged = Some(match merged {
            None => next,
            Some(m) => m.merge(next).map_err(|e| ClusterError::BadKubeconfig {
                path: path.clone(),
                message: e.to_string(),
            })?,
        });
    }
    merged.ok_or_else(|| ClusterError::NoKubeconfig { looked: Vec::new() })
}
