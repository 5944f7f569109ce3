//! Object builders with best-practice defaults, used by the rules backend (and by anything else
//! that needs a correct object from a few facts).
//!
//! Every builder returns a complete object as JSON (`apiVersion`, `kind`, `metadata.name`,
//! `metadata.namespace` when one is given) that validates strictly against the bundled schema.
//! The defaults are the ones a careful platform engineer would write by hand:
//!
//! - labels `app.kubernetes.io/name` (plus `app.kubernetes.io/managed-by: shipmate` on objects,
//!   never in selectors), and selectors equal to the pod template's labels;
//! - container ports, probes and Service target ports that line up;
//! - resource requests and limits (from [`ResourceDefaults`] unless the request says otherwise);
//! - a securityContext that is strict where it cannot break an image (no privilege escalation,
//!   the runtime's seccomp profile) and silent where it could: `runAsNonRoot` and a read-only
//!   root filesystem are left to the gates to *warn* about, because images such as the official
//!   nginx run as root and write to their filesystem.

mod config;
mod meta;
mod network;
mod rbac;
mod resources;
mod scaling;
mod service;
mod storage;
mod workload;

pub use config::{ConfigMapSpec, SecretKind, SecretSpec};
pub use meta::{Labels, MANAGED_BY, NAME_LABEL, object_meta};
pub use network::{IngressRule, IngressSpec, NetworkPolicySpec, PolicyDirection};
pub use rbac::{RoleBindingSpec, RoleSpec, Subject, service_account};
pub use resources::{ResourceDefaults, Resources};
pub use scaling::{DisruptionBudget, HpaSpec, PdbSpec};
pub use service::{PortMap, ServiceSpec, ServiceType};
pub use storage::{PvcSpec, namespace};
pub use workload::{ContainerSpec, VolumeClaim, Workload, WorkloadKind};
