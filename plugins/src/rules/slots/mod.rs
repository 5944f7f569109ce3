//! Slots: the values a request carries (names, images, replicas, ports, namespaces, labels, env,
//! resources, storage, schedules, hosts and paths). Each extractor marks the words it consumes so
//! that the next one (and name detection) does not read them again; the order in [`extract`]
//! goes from the most to the least distinctive shapes.

mod hosts;
mod images;
mod logs;
mod names;
mod namespaces;
mod numbers;
mod pairs;
mod ports;
mod resources;
mod schedule;
mod storage;

use shipmate_manifests::build::{PortMap, Resources};

use super::text::Words;

pub use names::{name_after, name_before, plausible_name};
pub use pairs::{Pair, PairRole};

/// The namespace a request names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ns {
    /// One namespace.
    Named(String),
    /// Every namespace (`-A`).
    All,
}

/// Options for `kubectl logs`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogOpts {
    /// `--tail=N`.
    pub tail: Option<u32>,
    /// `--previous`.
    pub previous: bool,
    /// `--follow`.
    pub follow: bool,
    /// `--container=NAME`.
    pub container: Option<String>,
    /// `--since=10m`.
    pub since: Option<String>,
}

/// Storage asked for (PVCs and StatefulSet volumes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Storage {
    /// Size (`20Gi`).
    pub size: Option<String>,
    /// Storage class.
    pub class: Option<String>,
    /// Access mode (`ReadWriteMany`).
    pub access_mode: Option<String>,
    /// Mount path (`/var/lib/data`).
    pub mount_path: Option<String>,
}

/// Everything extracted from a request.
#[derive(Debug, Clone, Default)]
pub struct Slots {
    /// Namespace (`in namespace X`, `in X`, `-n X`, `in all namespaces`).
    pub namespace: Option<Ns>,
    /// A name given explicitly (`named X`, `called X`, `as X`, quoted).
    pub name: Option<String>,
    /// Image reference.
    pub image: Option<String>,
    /// `key=value` pairs with their role.
    pub pairs: Vec<Pair>,
    /// Replica count (`3 replicas`, `three pods`).
    pub replicas: Option<u32>,
    /// A bare `to N` (scale targets).
    pub to_number: Option<u32>,
    /// `from N to M`, `min N max M`.
    pub min: Option<u32>,
    /// See `min`.
    pub max: Option<u32>,
    /// CPU utilisation target in percent.
    pub cpu_percent: Option<u32>,
    /// Memory utilisation target in percent.
    pub memory_percent: Option<u32>,
    /// Ports.
    pub ports: Vec<PortMap>,
    /// CPU/memory requests and limits.
    pub resources: Resources,
    /// Storage.
    pub storage: Storage,
    /// Cron schedule, or why the words could not become one.
    pub schedule: Option<Result<String, String>>,
    /// Host names (`shop.example.com`).
    pub hosts: Vec<String>,
    /// URL paths (`/api`).
    pub paths: Vec<String>,
    /// HTTP health-check path.
    pub health_path: Option<String>,
    /// `kubectl logs` options.
    pub logs: LogOpts,
}

/// Extracts every slot from `w`, marking consumed words.
pub fn extract(w: &mut Words) -> Slots {
    let mut s = Slots {
        namespace: namespaces::extract(w),
        ..Slots::default()
    };
    s.name = names::explicit(w);
    s.logs = logs::extract(w);
    s.health_path = hosts::health_path(w);
    s.storage.mount_path = storage::mount_path(w);
    s.schedule = schedule::extract(w);
    s.image = images::extract(w);
    (s.min, s.max) = numbers::range(w);
    (s.cpu_percent, s.memory_percent) = numbers::percents(w);
    s.resources = resources::extract(w);
    s.pairs = pairs::extract(w);
    s.storage = storage::extract(w, s.storage.mount_path.take());
    s.replicas = numbers::replicas(w);
    s.ports = ports::extract(w);
    s.to_number = numbers::to_number(w);
    (s.hosts, s.paths) = hosts::extract(w);
    s
}
