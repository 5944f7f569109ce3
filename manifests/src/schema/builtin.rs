//! The built-in kinds of the pinned Kubernetes version (1.37): `(apiVersion, kind)` → the
//! `k8s-openapi` type whose `schemars` implementation describes it.
//!
//! The list below was produced from the `k8s-openapi` 0.29 sources: every type under
//! `src/v1_37/` with an `impl crate::Resource for T` block contributes its `API_VERSION`, its
//! `KIND` and its module path (the directory path, re-exported by the crate's version feature as
//! `k8s_openapi::...`). Regenerate it the same way when bumping `k8s-openapi`:
//!
//! ```text
//! cd ~/.cargo/registry/src/*/k8s-openapi-*/src/v1_37
//! grep -rn -A6 'impl crate::Resource for' .   # API_VERSION / KIND / file → module path
//! ```
//!
//! `v1 List` is not a `Resource` in `k8s-openapi`; it is described by hand in
//! [`list_schema`](super::strict::list_schema).

use schemars::{Schema, SchemaGenerator};

/// One built-in kind and how to generate its (open, unmodified) JSON schema.
#[derive(Clone, Copy)]
pub(crate) struct BuiltinKind {
    /// `apiVersion`, e.g. `apps/v1`.
    pub api_version: &'static str,
    /// `kind`, e.g. `Deployment`.
    pub kind: &'static str,
    /// Asks a generator for the kind's schema (a `$ref`; definitions land in the generator).
    pub generate: fn(&mut SchemaGenerator) -> Schema,
}

impl std::fmt::Debug for BuiltinKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.api_version, self.kind)
    }
}

macro_rules! builtin_kinds {
    ($($api_version:literal, $kind:literal => $($path:ident)::+;)*) => {
        /// Every built-in kind of Kubernetes 1.37, sorted by module path.
        pub(crate) const BUILTIN_KINDS: &[BuiltinKind] = &[
            $(BuiltinKind {
                api_version: $api_version,
                kind: $kind,
                generate: |generator| generator.subschema_for::<k8s_openapi::$($path)::+>(),
            },)*
        ];
    };
}

builtin_kinds! {
    "admissionregistration.k8s.io/v1", "MutatingAdmissionPolicy" => api::admissionregistration::v1::MutatingAdmissionPolicy;
    "admissionregistration.k8s.io/v1", "MutatingAdmissionPolicyBinding" => api::admissionregistration::v1::MutatingAdmissionPolicyBinding;
    "admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration" => api::admissionregistration::v1::MutatingWebhookConfiguration;
    "admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy" => api::admissionregistration::v1::ValidatingAdmissionPolicy;
    "admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding" => api::admissionregistration::v1::ValidatingAdmissionPolicyBinding;
    "admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration" => api::admissionregistration::v1::ValidatingWebhookConfiguration;
    "admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicy" => api::admissionregistration::v1alpha1::MutatingAdmissionPolicy;
    "admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicyBinding" => api::admissionregistration::v1alpha1::MutatingAdmissionPolicyBinding;
    "admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy" => api::admissionregistration::v1beta1::MutatingAdmissionPolicy;
    "admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicyBinding" => api::admissionregistration::v1beta1::MutatingAdmissionPolicyBinding;
    "internal.apiserver.k8s.io/v1alpha1", "StorageVersion" => api::apiserverinternal::v1alpha1::StorageVersion;
    "apps/v1", "ControllerRevision" => api::apps::v1::ControllerRevision;
    "apps/v1", "DaemonSet" => api::apps::v1::DaemonSet;
    "apps/v1", "Deployment" => api::apps::v1::Deployment;
    "apps/v1", "ReplicaSet" => api::apps::v1::ReplicaSet;
    "apps/v1", "StatefulSet" => api::apps::v1::StatefulSet;
    "authentication.k8s.io/v1", "SelfSubjectReview" => api::authentication::v1::SelfSubjectReview;
    "authentication.k8s.io/v1", "TokenRequest" => api::authentication::v1::TokenRequest;
    "authentication.k8s.io/v1", "TokenReview" => api::authentication::v1::TokenReview;
    "authorization.k8s.io/v1", "LocalSubjectAccessReview" => api::authorization::v1::LocalSubjectAccessReview;
    "authorization.k8s.io/v1", "SelfSubjectAccessReview" => api::authorization::v1::SelfSubjectAccessReview;
    "authorization.k8s.io/v1", "SelfSubjectRulesReview" => api::authorization::v1::SelfSubjectRulesReview;
    "authorization.k8s.io/v1", "SubjectAccessReview" => api::authorization::v1::SubjectAccessReview;
    "autoscaling/v1", "HorizontalPodAutoscaler" => api::autoscaling::v1::HorizontalPodAutoscaler;
    "autoscaling/v1", "Scale" => api::autoscaling::v1::Scale;
    "autoscaling/v2", "HorizontalPodAutoscaler" => api::autoscaling::v2::HorizontalPodAutoscaler;
    "batch/v1", "CronJob" => api::batch::v1::CronJob;
    "batch/v1", "Job" => api::batch::v1::Job;
    "certificates.k8s.io/v1", "CertificateSigningRequest" => api::certificates::v1::CertificateSigningRequest;
    "certificates.k8s.io/v1", "ClusterTrustBundle" => api::certificates::v1::ClusterTrustBundle;
    "certificates.k8s.io/v1", "PodCertificateRequest" => api::certificates::v1::PodCertificateRequest;
    "certificates.k8s.io/v1beta1", "ClusterTrustBundle" => api::certificates::v1beta1::ClusterTrustBundle;
    "certificates.k8s.io/v1beta1", "PodCertificateRequest" => api::certificates::v1beta1::PodCertificateRequest;
    "coordination.k8s.io/v1", "Lease" => api::coordination::v1::Lease;
    "coordination.k8s.io/v1alpha2", "LeaseCandidate" => api::coordination::v1alpha2::LeaseCandidate;
    "coordination.k8s.io/v1beta1", "LeaseCandidate" => api::coordination::v1beta1::LeaseCandidate;
    "v1", "Binding" => api::core::v1::Binding;
    "v1", "ComponentStatus" => api::core::v1::ComponentStatus;
    "v1", "ConfigMap" => api::core::v1::ConfigMap;
    "v1", "Endpoints" => api::core::v1::Endpoints;
    "v1", "Event" => api::core::v1::Event;
    "v1", "LimitRange" => api::core::v1::LimitRange;
    "v1", "Namespace" => api::core::v1::Namespace;
    "v1", "Node" => api::core::v1::Node;
    "v1", "PersistentVolume" => api::core::v1::PersistentVolume;
    "v1", "PersistentVolumeClaim" => api::core::v1::PersistentVolumeClaim;
    "v1", "Pod" => api::core::v1::Pod;
    "v1", "PodTemplate" => api::core::v1::PodTemplate;
    "v1", "ReplicationController" => api::core::v1::ReplicationController;
    "v1", "ResourceQuota" => api::core::v1::ResourceQuota;
    "v1", "Secret" => api::core::v1::Secret;
    "v1", "Service" => api::core::v1::Service;
    "v1", "ServiceAccount" => api::core::v1::ServiceAccount;
    "discovery.k8s.io/v1", "EndpointSlice" => api::discovery::v1::EndpointSlice;
    "events.k8s.io/v1", "Event" => api::events::v1::Event;
    "flowcontrol.apiserver.k8s.io/v1", "FlowSchema" => api::flowcontrol::v1::FlowSchema;
    "flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration" => api::flowcontrol::v1::PriorityLevelConfiguration;
    "lifecycle.k8s.io/v1alpha1", "Eviction" => api::lifecycle::v1alpha1::Eviction;
    "lifecycle.k8s.io/v1alpha1", "EvictionRequest" => api::lifecycle::v1alpha1::EvictionRequest;
    "networking.k8s.io/v1", "Ingress" => api::networking::v1::Ingress;
    "networking.k8s.io/v1", "IngressClass" => api::networking::v1::IngressClass;
    "networking.k8s.io/v1", "IPAddress" => api::networking::v1::IPAddress;
    "networking.k8s.io/v1", "NetworkPolicy" => api::networking::v1::NetworkPolicy;
    "networking.k8s.io/v1", "ServiceCIDR" => api::networking::v1::ServiceCIDR;
    "node.k8s.io/v1", "RuntimeClass" => api::node::v1::RuntimeClass;
    "policy/v1", "Eviction" => api::policy::v1::Eviction;
    "policy/v1", "PodDisruptionBudget" => api::policy::v1::PodDisruptionBudget;
    "rbac.authorization.k8s.io/v1", "ClusterRole" => api::rbac::v1::ClusterRole;
    "rbac.authorization.k8s.io/v1", "ClusterRoleBinding" => api::rbac::v1::ClusterRoleBinding;
    "rbac.authorization.k8s.io/v1", "Role" => api::rbac::v1::Role;
    "rbac.authorization.k8s.io/v1", "RoleBinding" => api::rbac::v1::RoleBinding;
    "resource.k8s.io/v1", "DeviceClass" => api::resource::v1::DeviceClass;
    "resource.k8s.io/v1", "DeviceTaintRule" => api::resource::v1::DeviceTaintRule;
    "resource.k8s.io/v1", "ResourceClaim" => api::resource::v1::ResourceClaim;
    "resource.k8s.io/v1", "ResourceClaimTemplate" => api::resource::v1::ResourceClaimTemplate;
    "resource.k8s.io/v1", "ResourceSlice" => api::resource::v1::ResourceSlice;
    "resource.k8s.io/v1alpha3", "DeviceTaintRule" => api::resource::v1alpha3::DeviceTaintRule;
    "resource.k8s.io/v1alpha3", "ResourcePoolStatusRequest" => api::resource::v1alpha3::ResourcePoolStatusRequest;
    "resource.k8s.io/v1beta1", "DeviceClass" => api::resource::v1beta1::DeviceClass;
    "resource.k8s.io/v1beta1", "ResourceClaim" => api::resource::v1beta1::ResourceClaim;
    "resource.k8s.io/v1beta1", "ResourceClaimTemplate" => api::resource::v1beta1::ResourceClaimTemplate;
    "resource.k8s.io/v1beta1", "ResourceSlice" => api::resource::v1beta1::ResourceSlice;
    "resource.k8s.io/v1beta2", "DeviceClass" => api::resource::v1beta2::DeviceClass;
    "resource.k8s.io/v1beta2", "DeviceTaintRule" => api::resource::v1beta2::DeviceTaintRule;
    "resource.k8s.io/v1beta2", "ResourceClaim" => api::resource::v1beta2::ResourceClaim;
    "resource.k8s.io/v1beta2", "ResourceClaimTemplate" => api::resource::v1beta2::ResourceClaimTemplate;
    "resource.k8s.io/v1beta2", "ResourceSlice" => api::resource::v1beta2::ResourceSlice;
    "scheduling.k8s.io/v1", "PriorityClass" => api::scheduling::v1::PriorityClass;
    "scheduling.k8s.io/v1alpha3", "CompositePodGroup" => api::scheduling::v1alpha3::CompositePodGroup;
    "scheduling.k8s.io/v1alpha3", "PodGroup" => api::scheduling::v1alpha3::PodGroup;
    "scheduling.k8s.io/v1alpha3", "Workload" => api::scheduling::v1alpha3::Workload;
    "scheduling.k8s.io/v1beta1", "PodGroup" => api::scheduling::v1beta1::PodGroup;
    "scheduling.k8s.io/v1beta1", "Workload" => api::scheduling::v1beta1::Workload;
    "storage.k8s.io/v1", "CSIDriver" => api::storage::v1::CSIDriver;
    "storage.k8s.io/v1", "CSINode" => api::storage::v1::CSINode;
    "storage.k8s.io/v1", "CSIStorageCapacity" => api::storage::v1::CSIStorageCapacity;
    "storage.k8s.io/v1", "StorageClass" => api::storage::v1::StorageClass;
    "storage.k8s.io/v1", "VolumeAttachment" => api::storage::v1::VolumeAttachment;
    "storage.k8s.io/v1", "VolumeAttributesClass" => api::storage::v1::VolumeAttributesClass;
    "storagemigration.k8s.io/v1", "StorageVersionMigration" => api::storagemigration::v1::StorageVersionMigration;
    "storagemigration.k8s.io/v1beta1", "StorageVersionMigration" => api::storagemigration::v1beta1::StorageVersionMigration;
    "apiextensions.k8s.io/v1", "CustomResourceDefinition" => apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
    "v1", "APIGroup" => apimachinery::pkg::apis::meta::v1::APIGroup;
    "v1", "APIGroupList" => apimachinery::pkg::apis::meta::v1::APIGroupList;
    "v1", "APIResourceList" => apimachinery::pkg::apis::meta::v1::APIResourceList;
    "v1", "APIVersions" => apimachinery::pkg::apis::meta::v1::APIVersions;
    "v1", "Status" => apimachinery::pkg::apis::meta::v1::Status;
    "apiregistration.k8s.io/v1", "APIService" => kube_aggregator::pkg::apis::apiregistration::v1::APIService;
}

/// Looks up a built-in kind.
pub(crate) fn find(api_version: &str, kind: &str) -> Option<usize> {
    BUILTIN_KINDS
        .iter()
        .position(|k| k.api_version == api_version && k.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_complete_and_unique() {
        assert_eq!(BUILTIN_KINDS.len(), 108);
        let mut seen = std::collections::HashSet::new();
        for k in BUILTIN_KINDS {
            assert!(seen.insert((k.api_version, k.kind)), "duplicate {k:?}");
        }
        assert!(find("apps/v1", "Deployment").is_some());
        assert!(find("v1", "Pod").is_some());
        assert!(find("extensions/v1beta1", "Deployment").is_none());
    }
}
