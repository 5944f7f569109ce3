//! `logs`: the tail of a container's log, read as a stream and never held beyond the byte cap,
//! however big the log is; the end is kept (the newest lines explain the crash).

use futures::AsyncBufReadExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};

use super::{ClusterReader, ToolError, cap};

impl ClusterReader<'_> {
    /// The last `tail` lines (default `log_tail_lines`) of `pod`'s log (in `namespace`, else
    /// the default namespace): of `container` (required by the server when the pod has
    /// several), of its previous, terminated instance with `previous`. At most `max_bytes`:
    /// the end is kept and a first line says how many earlier bytes were cut.
    ///
    /// # Errors
    /// A missing pod (naming those that exist), an unknown container, no previous instance, or
    /// a cluster failure.
    pub async fn logs(
        &self,
        pod: &str,
        namespace: Option<&str>,
        container: Option<&str>,
        previous: bool,
        tail: Option<i64>,
    ) -> Result<String, ToolError> {
        let ns = self.namespace_or_default(namespace);
        let tail = tail
            .filter(|t| *t > 0)
            .unwrap_or(self.limits.log_tail_lines);
        let params = LogParams {
            container: container.map(str::to_string),
            previous,
            tail_lines: Some(tail),
            ..LogParams::default()
        };
        let api: Api<Pod> = Api::namespaced(self.cluster.client().clone(), ns);
        let stream = match api.log_stream(pod, &params).await {
            Ok(stream) => stream,
            Err(e) => {
                let kind = self.kind("pods").await?;
                if matches!(&e, kube::Error::Api(s) if s.code == 404) {
                    return Err(self.not_found(&kind, pod, Some(ns)).await);
                }
                return Err(self.api_error(e, "get logs of", &kind, Some(pod), Some(ns)));
            }
        };
        let (kept, cut) = read_tail(stream, self.limits.max_bytes)
            .await
            .map_err(|e| ToolError::Invalid {
                what: format!("logs of pod {pod} in namespace {ns}"),
                message: format!("the log stream broke: {e}"),
            })?;
        if kept.is_empty() && cut == 0 {
            let which = container
                .map(|c| format!(" (container {c})"))
                .unwrap_or_default();
            return Ok(format!(
                "pod {pod}{which} in namespace {ns} has no log lines"
            ));
        }
        Ok(cap::keep_end(
            &kept,
            cut,
            self.limits.max_bytes,
            "ask for fewer lines with tail, or name a container",
        ))
    }
}

/// Reads `stream` to its end keeping at most the last `max` bytes (starting on a character
/// boundary): the kept text and how many bytes were dropped before it.
async fn read_tail(
    mut stream: impl futures::AsyncBufRead + Unpin,
    max: usize,
) -> std::io::Result<(String, usize)> {
    let mut kept: Vec<u8> = Vec::new();
    let mut cut = 0usize;
    loop {
        let chunk = stream.fill_buf().await?;
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        kept.extend_from_slice(chunk);
        stream.consume_unpin(n);
        if kept.len() > 2 * max {
            let drop = kept.len() - max;
            kept.drain(..drop);
            cut += drop;
        }
    }
    if kept.len() > max {
        let drop = kept.len() - max;
        kept.drain(..drop);
        cut += drop;
    }
    // Never start in the middle of a UTF-8 sequence.
    let skip = kept
        .iter()
        .take(3)
        .take_while(|b| (**b & 0xC0) == 0x80)
        .count();
    kept.drain(..skip);
    cut += skip;
    Ok((String::from_utf8_lossy(&kept).into_owned(), cut))
}
