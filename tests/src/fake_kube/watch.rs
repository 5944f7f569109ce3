//! Watches (`?watch=true`): a chunked stream of `{"type": …, "object": …}` lines.
//!
//! Supported: starting from "now" with synthetic `ADDED` events for what exists (no or `0`
//! `resourceVersion`), resuming after a `resourceVersion` (410 `Expired` when that history
//! is gone), `sendInitialEvents=true` with the `k8s.io/initial-events-end` bookmark (the
//! WatchList protocol client-go 1.37 uses), label selectors, `metadata.name`/`namespace` field
//! selectors, and `timeoutSeconds`. Each watch holds its connection's thread and wakes on
//! every change to the store.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::api::{Target, resolve_path};
use super::http::Request;
use super::selector::{Selector, field_matches};
use super::status::ApiError;
use super::store::{Event, Store};

/// Longest a watch stays open, whatever `timeoutSeconds` asks.
const MAX_WATCH: Duration = Duration::from_secs(1800);

/// An accepted watch, ready to stream.
pub(crate) struct Watch {
    target: Target,
    labels: Selector,
    fields: String,
    /// Events after this revision are still to be sent.
    pub cursor: u64,
    /// Objects to send as `ADDED` first.
    pub initial: Vec<Value>,
    /// Whether to send the initial-events-end bookmark after `initial`.
    pub bookmark: bool,
    /// When to end the stream.
    pub deadline: Instant,
}

/// `Some` when `req` is a watch on a collection; the error when its parameters are bad.
pub(crate) fn begin(store: &Store, req: &Request) -> Option<Result<Watch, ApiError>> {
    if req.method != "GET" || !req.param("watch").is_some_and(|w| w == "true" || w == "1") {
        return None;
    }
    let target = resolve_path(store, &req.path)?;
    if target.name.is_some() || target.sub.is_some() {
        return None;
    }
    Some(accept(store, req, target))
}

fn accept(store: &Store, req: &Request, target: Target) -> Result<Watch, ApiError> {
    let labels = Selector::parse(req.param("labelSelector").unwrap_or(""))
        .map_err(|e| ApiError::bad_request(format!("unable to parse requirement: {e}")))?;
    let fields = req.param("fieldSelector").unwrap_or("").to_string();
    let timeout = req
        .param("timeoutSeconds")
        .and_then(|t| t.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(MAX_WATCH)
        .min(MAX_WATCH);
    let send_initial = req.param("sendInitialEvents") == Some("true");
    let rv = req.param("resourceVersion").unwrap_or("");
    let mut watch = Watch {
        target,
        labels,
        fields,
        cursor: store.revision(),
        initial: Vec::new(),
        bookmark: send_initial,
        deadline: Instant::now() + timeout,
    };
    if send_initial || rv.is_empty() || rv == "0" {
        let ns = (!watch.target.ns.is_empty()).then_some(watch.target.ns.as_str());
        watch.initial = store
            .list(&watch.target.info, ns)
            .into_iter()
            .filter(|o| watch.matches_object(o))
            .cloned()
            .collect();
    } else {
        let since: u64 = rv
            .parse()
            .map_err(|_| ApiError::bad_request(format!("invalid resourceVersion {rv:?}")))?;
        if store.events_since(since).is_none() {
            return Err(expired(since));
        }
        watch.cursor = since;
    }
    Ok(watch)
}

fn expired(since: u64) -> ApiError {
    ApiError::new(410, "Expired", format!("too old resource version: {since}"))
}

impl Watch {
    fn matches_object(&self, obj: &Value) -> bool {
        self.labels.matches(&obj["metadata"]["labels"]) && field_matches(&self.fields, obj)
    }

    fn matches(&self, e: &Event) -> bool {
        let (group, plural, ns, _) = &e.key;
        *group == self.target.info.group
            && *plural == self.target.info.plural
            && (self.target.ns.is_empty() || *ns == self.target.ns)
            && self.matches_object(&e.object)
    }

    /// The next lines to send (advancing the cursor), or `Err` with a final `ERROR` event
    /// when the history needed has been dropped.
    pub fn next_lines(&mut self, store: &Store) -> Result<Vec<Value>, Value> {
        let Some(events) = store.events_since(self.cursor) else {
            return Err(json!({"type": "ERROR", "object": expired(self.cursor).to_json()}));
        };
        let lines = events
            .into_iter()
            .filter(|e| self.matches(e))
            .map(|e| json!({"type": e.kind, "object": e.object}))
            .collect();
        self.cursor = store.revision();
        Ok(lines)
    }

    /// The lines sent before any change: `ADDED` per existing object, then the bookmark.
    pub fn initial_lines(&mut self) -> Vec<Value> {
        let mut lines: Vec<Value> = std::mem::take(&mut self.initial)
            .into_iter()
            .map(|o| json!({"type": "ADDED", "object": o}))
            .collect();
        if self.bookmark {
            lines.push(json!({"type": "BOOKMARK", "object": {
                "kind": self.target.info.kind, "apiVersion": self.target.info.api_version(),
                "metadata": {"resourceVersion": self.cursor.to_string(),
                             "annotations": {"k8s.io/initial-events-end": "true"}},
            }}));
        }
        lines
    }
}

/// Writes the response head of a watch stream.
pub(crate) fn write_head(w: &mut impl Write) -> std::io::Result<()> {
    w.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\nCache-Control: no-cache, private\r\n\r\n",
    )?;
    w.flush()
}

/// Writes events as one chunk of newline-separated JSON.
pub(crate) fn write_lines(w: &mut impl Write, lines: &[Value]) -> std::io::Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let mut body = Vec::new();
    for line in lines {
        serde_json::to_writer(&mut body, line)?;
        body.push(b'\n');
    }
    write!(w, "{:x}\r\n", body.len())?;
    w.write_all(&body)?;
    w.write_all(b"\r\n")?;
    w.flush()
}

/// Ends the chunked stream.
pub(crate) fn write_end(w: &mut impl Write) -> std::io::Result<()> {
    w.write_all(b"0\r\n\r\n")?;
    w.flush()
}
