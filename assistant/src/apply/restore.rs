//! The two writes undo needs besides server-side apply: putting an object back exactly as it
//! was (replace, or create when it is gone) and deleting what an apply created.

use kube::api::{DeleteParams, DynamicObject, PostParams};
use serde_json::Value;

use super::actions::recreatable;
use super::applier::{Applier, Failed};
use super::target::Target;
use crate::cluster::{ClusterError, ObjectRef};

/// What a restore or delete did.
#[derive(Debug, Clone)]
pub struct Restored {
    /// The object (namespace filled in).
    pub object: ObjectRef,
    /// The live object before (`None`: it was gone).
    pub before: Option<Value>,
}

impl Applier<'_> {
    /// Puts `prior` back exactly: replaces the live object with it (fields added since are
    /// removed), or creates it when it no longer exists. Sends `dryRun=All` with `dry_run`.
    ///
    /// # Errors
    /// A [`Failed`] naming the object (403, conflict with a concurrent writer, invalid, …).
    pub async fn restore_prior(&self, prior: &Value, dry_run: bool) -> Result<Restored, Failed> {
        let target = self.target(prior).await?;
        let before = target.live().await.map_err(|e| fail(&target.object, e))?;
        let mut body = recreatable(prior);
        let params = PostParams {
            dry_run,
            field_manager: Some(super::FIELD_MANAGER.into()),
        };
        let sent = match &before {
            Some(live) => {
                body["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"].clone();
                match dynamic(&body, &target.object) {
                    Ok(obj) => target
                        .api()
                        .replace(&target.object.name, &params, &obj)
                        .await
                        .map_err(|e| ClusterError::from_kube(e, &target.op("update"))),
                    Err(e) => Err(e),
                }
            }
            None => match dynamic(&body, &target.object) {
                Ok(obj) => target
                    .api()
                    .create(&params, &obj)
                    .await
                    .map_err(|e| ClusterError::from_kube(e, &target.op("create"))),
                Err(e) => Err(e),
            },
        };
        sent.map_err(|e| unknown_if_unanswered(&target.object, e, dry_run))?;
        Ok(Restored {
            object: target.object,
            before,
        })
    }

    /// Deletes the object `manifest` names (its apiVersion, kind, namespace and name). An
    /// object that is already gone is not an error.
    ///
    /// # Errors
    /// A [`Failed`] naming the object.
    pub async fn delete_created(
        &self,
        manifest: &Value,
        dry_run: bool,
    ) -> Result<Restored, Failed> {
        let target = self.target(manifest).await?;
        let before = target.live().await.map_err(|e| fail(&target.object, e))?;
        if before.is_some() {
            let params = DeleteParams {
                dry_run,
                ..DeleteParams::default()
            };
            match target.api().delete(&target.object.name, &params).await {
                Ok(_) => {}
                Err(kube::Error::Api(s)) if s.code == 404 => {}
                Err(e) => {
                    let e = ClusterError::from_kube(e, &target.op("delete"));
                    return Err(unknown_if_unanswered(&target.object, e, dry_run));
                }
            }
        }
        Ok(Restored {
            object: target.object,
            before,
        })
    }

    async fn target(&self, manifest: &Value) -> Result<Target<'_>, Failed> {
        Target::resolve(self.cluster(), manifest)
            .await
            .map_err(|e| fail(&ObjectRef::of(manifest), e))
    }
}

fn dynamic(body: &Value, object: &ObjectRef) -> Result<DynamicObject, ClusterError> {
    serde_json::from_value(body.clone()).map_err(|e| ClusterError::Invalid {
        object: object.to_string(),
        code: 400,
        message: format!("the recorded object cannot be sent: {e}"),
    })
}

fn fail(object: &ObjectRef, error: ClusterError) -> Failed {
    Failed {
        object: object.clone(),
        error,
        prior: None,
        outcome_unknown: false,
    }
}

fn unknown_if_unanswered(object: &ObjectRef, error: ClusterError, dry_run: bool) -> Failed {
    let unknown = !dry_run && matches!(error, ClusterError::Unreachable { .. });
    Failed {
        outcome_unknown: unknown,
        ..fail(object, error)
    }
}
