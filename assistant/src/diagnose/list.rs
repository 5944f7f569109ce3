//! One kind, listed in full: page by page (`limit` + `continue`), each page trimmed as soon as
//! it is decoded, at most [`Lister::in_flight`] requests of all kinds at once. A kind the
//! account may not list (403) or the server does not serve (404) is a [`Skipped`] note, not an
//! error: a diagnosis of what could be read beats none.

use std::fmt::Debug;

use kube::api::{Api, ListParams};
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;

use super::progress::Counter;
use crate::cluster::{ClusterError, Operation};

/// Objects asked for per page.
pub const PAGE: u32 = 500;

/// A kind that was not listed, and why (for the report's `skipped`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The resource plural, e.g. `secrets`.
    pub kind: String,
    /// Why: `forbidden (403): …` or `not served by this cluster`.
    pub reason: String,
}

/// What every list of one collection shares: where to report progress, how many requests
/// may be in flight, and the server's URL for error messages.
pub struct Lister<'a> {
    /// Bounds the requests in flight across all kinds.
    pub in_flight: Semaphore,
    /// Counts listed objects for the progress line.
    pub counter: &'a Counter<'a>,
    /// The API server URL.
    pub url: &'a str,
    /// The namespace listed (`None`: all namespaces), for error messages.
    pub namespace: Option<&'a str>,
}

impl Lister<'_> {
    /// Every object `api` lists (optionally with a `fields` selector), each passed through
    /// `trim` page by page. `Ok(Err(skipped))` when the kind is forbidden or not served.
    ///
    /// # Errors
    /// Any other failure (unreachable server, 401, 5xx) ends the collection.
    pub async fn all<K>(
        &self,
        api: Api<K>,
        plural: &'static str,
        fields: Option<&str>,
        trim: fn(&mut K),
    ) -> Result<Result<Vec<K>, Skipped>, ClusterError>
    where
        K: Clone + DeserializeOwned + Debug,
    {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut params = ListParams::default().limit(PAGE);
            params.field_selector = fields.map(str::to_owned);
            params.continue_token = token.take();
            let page = {
                let _permit = self.in_flight.acquire().await;
                api.list(&params).await
            };
            let page = match page {
                Ok(page) => page,
                Err(kube::Error::Api(status)) if status.code == 403 => {
                    return Ok(Err(Skipped {
                        kind: plural.to_owned(),
                        reason: format!("forbidden (403): {}", status.message),
                    }));
                }
                Err(kube::Error::Api(status)) if status.code == 404 => {
                    return Ok(Err(Skipped {
                        kind: plural.to_owned(),
                        reason: "not served by this cluster (404)".to_owned(),
                    }));
                }
                Err(err) => {
                    let op = Operation {
                        url: self.url,
                        object: match self.namespace {
                            Some(ns) => format!("{plural} in namespace {ns}"),
                            None => format!("{plural} in all namespaces"),
                        },
                        verb: "list",
                        plural,
                        namespace: self.namespace,
                    };
                    return Err(ClusterError::from_kube(err, &op));
                }
            };
            let n = page.items.len();
            for mut item in page.items {
                trim(&mut item);
                items.push(item);
            }
            self.counter.add(plural, n);
            match page.metadata.continue_.filter(|c| !c.is_empty()) {
                Some(next) => token = Some(next),
                None => return Ok(Ok(items)),
            }
        }
    }
}
