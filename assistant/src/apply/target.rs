//! One manifest resolved against the cluster: its resource, namespace, dynamic API, and the
//! calls the applier, the dry-run and the native actions share (GET, apply, patch, replace,
//! create, delete).

use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use serde_json::{Value, json};

use crate::cluster::{Cluster, ClusterError, ObjectRef, Operation, Resource};

/// A manifest ready to be sent.
pub(super) struct Target<'c> {
    pub object: ObjectRef,
    cluster: &'c Cluster,
    resource: Resource,
    api: Api<DynamicObject>,
}

impl<'c> Target<'c> {
    /// Resolves `manifest` (kind → plural and scope; the default namespace filled in).
    pub async fn resolve(cluster: &'c Cluster, manifest: &Value) -> Result<Self, ClusterError> {
        let mut object = ObjectRef::of(manifest);
        let resource = cluster.resource(&object.api_version, &object.kind).await?;
        if resource.namespaced {
            object
                .namespace
                .get_or_insert_with(|| cluster.namespace().to_string());
        } else {
            object.namespace = None;
        }
        let api = cluster.api(&resource, object.namespace.as_deref());
        Ok(Target {
            object,
            cluster,
            resource,
            api,
        })
    }

    /// Resolves an object named by reference (as [`Target::resolve`] does a manifest).
    pub async fn of(cluster: &'c Cluster, object: &ObjectRef) -> Result<Self, ClusterError> {
        let manifest = json!({
            "apiVersion": object.api_version, "kind": object.kind,
            "metadata": {"name": object.name, "namespace": object.namespace},
        });
        Self::resolve(cluster, &manifest).await
    }

    /// The dynamic API for this object's resource and namespace.
    pub fn api(&self) -> &Api<DynamicObject> {
        &self.api
    }

    /// What an error on this object was doing, for [`ClusterError::from_kube`].
    pub fn op(&self, verb: &'static str) -> Operation<'_> {
        Operation {
            url: self.cluster.url(),
            object: self.object.to_string(),
            verb,
            plural: &self.resource.api_resource.plural,
            namespace: self.object.namespace.as_deref(),
        }
    }

    /// The live object, or `None` when it does not exist.
    pub async fn live(&self) -> Result<Option<Value>, ClusterError> {
        match self.api.get_opt(&self.object.name).await {
            Ok(found) => Ok(found.map(to_value)),
            Err(e) => Err(ClusterError::from_kube(e, &self.op("get"))),
        }
    }

    /// The live object; a 404 when it does not exist.
    pub async fn get(&self) -> Result<Value, ClusterError> {
        self.api
            .get(&self.object.name)
            .await
            .map(to_value)
            .map_err(|e| ClusterError::from_kube(e, &self.op("get")))
    }

    /// Sends a patch (merge or strategic merge); the error is `kube`'s, so the caller can
    /// tell an answer from a dropped connection.
    pub async fn patch(
        &self,
        patch: &Patch<Value>,
        params: &PatchParams,
    ) -> Result<Value, kube::Error> {
        self.api
            .patch(&self.object.name, params, patch)
            .await
            .map(to_value)
    }

    /// Replaces the object with `object` (PUT; its `resourceVersion` guards the write).
    pub async fn replace(&self, object: &Value, params: &PostParams) -> Result<Value, kube::Error> {
        let obj: DynamicObject =
            serde_json::from_value(object.clone()).map_err(kube::Error::SerdeError)?;
        self.api
            .replace(&self.object.name, params, &obj)
            .await
            .map(to_value)
    }

    /// Creates `object` (POST).
    pub async fn create(&self, object: &Value, params: &PostParams) -> Result<Value, kube::Error> {
        let obj: DynamicObject =
            serde_json::from_value(object.clone()).map_err(kube::Error::SerdeError)?;
        self.api.create(params, &obj).await.map(to_value)
    }

    /// Deletes the object (the server's answer: the object being deleted, or a Status).
    pub async fn delete(&self, params: &DeleteParams) -> Result<Value, kube::Error> {
        self.api
            .delete(&self.object.name, params)
            .await
            .map(|either| {
                either
                    .map_left(to_value)
                    .map_right(|s| serde_json::to_value(s).unwrap_or(Value::Null))
                    .into_inner()
            })
    }

    /// Server-side apply of `manifest` with `params`.
    pub async fn apply(
        &self,
        manifest: &Value,
        params: &PatchParams,
    ) -> Result<Value, ClusterError> {
        self.api
            .patch(&self.object.name, params, &Patch::Apply(manifest))
            .await
            .map(to_value)
            .map_err(|e| ClusterError::from_kube(e, &self.op("patch")))
    }
}

fn to_value(obj: DynamicObject) -> Value {
    serde_json::to_value(obj).unwrap_or(Value::Null)
}

/// Apply parameters: field manager `shipmate`, strict field validation.
pub(super) fn apply_params(force: bool, dry_run: bool) -> PatchParams {
    let mut pp = PatchParams::apply(super::FIELD_MANAGER).validation_strict();
    if force {
        pp = pp.force();
    }
    if dry_run {
        pp = pp.dry_run();
    }
    pp
}
