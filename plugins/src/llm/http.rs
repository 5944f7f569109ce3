//! The transport every LLM backend shares: a thin `reqwest` client (rustls, no OpenSSL) that
//! POSTs JSON, with connect/read timeouts and bounded retries.
//!
//! Retried: 408, 429 and 5xx answers (after the server's `Retry-After` when it sends one, else
//! exponential backoff with jitter), and connections that fail or drop before the answer is
//! complete. Not retried: 401/403 (the key is wrong) and other 4xx (the request is). A streamed
//! answer that breaks off mid-way is retried once, then reported as [`BackendError::StreamCut`].
//!
//! The API key lives in the transport only, is sent as a sensitive header, and is scrubbed
//! (with [`mask_text`]) from every server message before it can reach an error.

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::framing::Framing;
use super::key::ApiKey;
use super::mask::mask_text;
use super::retry::{RetryPolicy, retry_after};
use super::sse::{SseEvent, SseParser};
use super::stream::AnswerStream;
use crate::error::BackendError;

/// Longest server error message kept in an error.
const MAX_DETAIL: usize = 300;

/// How a provider takes its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer KEY` (OpenAI and compatibles).
    Bearer,
    /// The key as the value of a header of its own (`x-api-key` for Anthropic).
    Header(&'static str),
}

/// Who the transport talks to: names used in error messages, and the auth style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider {
    /// The backend's name (`openai`).
    pub backend: &'static str,
    /// The environment variable holding the key (`OPENAI_API_KEY`).
    pub key_var: &'static str,
    /// The environment variable holding the base URL (`OPENAI_BASE_URL`).
    pub url_var: &'static str,
    /// How the key is sent.
    pub auth: Auth,
}

/// Timeouts and retry bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpOptions {
    /// Longest wait for a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Longest silence while reading an answer (models can think for a while).
    pub read_timeout: Duration,
    /// Retry bounds.
    pub retry: RetryPolicy,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(120),
            retry: RetryPolicy::default(),
        }
    }
}

/// How a provider's answers are read: whole (JSON) or streamed (server-sent events), both
/// turned into the backend's `T`. Errors are messages, made into [`BackendError`]s here.
#[derive(Debug, Clone, Copy)]
pub struct Wire<T> {
    /// The last event of a stream (`[DONE]`, `message_stop`…).
    pub is_final: fn(&SseEvent) -> bool,
    /// A stream's events joined; `Err`: the provider reported an error in the stream.
    pub from_stream: fn(&[SseEvent]) -> Result<T, String>,
    /// A whole answer; `Err`: what is missing from it.
    pub from_json: fn(&Value) -> Result<T, String>,
    /// The piece of the answer's text (or proposal JSON) an event carries, for
    /// [`AnswerStream`].
    pub delta: fn(&SseEvent) -> Option<String>,
}

/// A JSON-over-HTTP client for one provider.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    provider: Provider,
    key: Option<ApiKey>,
    retry: RetryPolicy,
    extra: HeaderMap,
}

/// How one attempt failed.
enum Failure {
    /// Worth another attempt: `status` is `None` for transport failures.
    Retry {
        status: Option<u16>,
        wait: Option<Duration>,
        reason: String,
    },
    /// A stream broke off after `received` bytes.
    Cut { received: usize, reason: String },
    /// Retrying will not help.
    Fatal(BackendError),
}

impl Transport {
    /// A transport for `provider`, sending `key` (if any) on every request.
    pub fn new(
        provider: Provider,
        key: Option<ApiKey>,
        options: &HttpOptions,
    ) -> Result<Self, BackendError> {
        let client = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .read_timeout(options.read_timeout)
            .user_agent(concat!("shipmate/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| BackendError::Config {
                backend: provider.backend.to_owned(),
                message: format!("cannot build an HTTP client: {}", chain(&e)),
            })?;
        Ok(Self {
            client,
            provider,
            key,
            retry: options.retry,
            extra: HeaderMap::new(),
        })
    }

    /// Adds headers sent with every request (`anthropic-version`).
    #[must_use]
    pub fn with_headers(mut self, headers: &[(&'static str, &'static str)]) -> Self {
        for (name, value) in headers {
            self.extra.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        self
    }

    /// POSTs `body` to `url` and returns the JSON answer.
    pub async fn post_json(&self, url: &str, body: &Value) -> Result<Value, BackendError> {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        self.json_answer(url, Some(&bytes)).await
    }

    /// POSTs `body` to `url` and reads the answer as server-sent events until an event for
    /// which `is_final` holds, showing each event's `delta` on `shown` as it arrives. Returns
    /// the events of the (last) complete attempt.
    pub async fn post_sse(
        &self,
        url: &str,
        body: &Value,
        is_final: fn(&SseEvent) -> bool,
        delta: fn(&SseEvent) -> Option<String>,
        shown: &AnswerStream<'_>,
    ) -> Result<Vec<SseEvent>, BackendError> {
        self.post_stream::<SseParser>(url, body, is_final, delta, shown)
            .await
    }

    /// POSTs `body` to `url` and reads the answer framed by `F` (server-sent events,
    /// newline-delimited JSON) until an item for which `is_final` holds, showing each item's
    /// `delta` on `shown` as it arrives. Returns the items of the (last) complete attempt.
    pub async fn post_stream<F: Framing>(
        &self,
        url: &str,
        body: &Value,
        is_final: fn(&F::Item) -> bool,
        delta: fn(&F::Item) -> Option<String>,
        shown: &AnswerStream<'_>,
    ) -> Result<Vec<F::Item>, BackendError> {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        self.with_retries(url, || async {
            shown.restart();
            let resp = self.send(url, Some(&bytes)).await?;
            let mut stream = resp.bytes_stream();
            let (mut framing, mut items, mut received) = (F::default(), Vec::new(), 0);
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| Failure::Cut {
                    received,
                    reason: chain(&e),
                })?;
                received += chunk.len();
                for item in framing.frames(&chunk) {
                    if let Some(piece) = delta(&item) {
                        shown.push(&piece);
                    }
                    let last = is_final(&item);
                    items.push(item);
                    if last {
                        return Ok(items);
                    }
                }
            }
            Err(Failure::Cut {
                received,
                reason: "the stream ended before the final event".into(),
            })
        })
        .await
    }

    /// POSTs `body` to `url` and reads the answer with `wire`: streamed (and shown as it
    /// arrives) when there is a `stream` sink.
    pub async fn exchange<T>(
        &self,
        url: &str,
        body: &Value,
        stream: Option<&AnswerStream<'_>>,
        wire: &Wire<T>,
    ) -> Result<T, BackendError> {
        if let Some(shown) = stream {
            let events = self
                .post_sse(url, body, wire.is_final, wire.delta, shown)
                .await?;
            return (wire.from_stream)(&events).map_err(|error| BackendError::Failed {
                backend: self.provider.backend.to_owned(),
                message: format!(
                    "the provider ended the stream with an error ({error}); try again later"
                ),
            });
        }
        let answer = self.post_json(url, body).await?;
        (wire.from_json)(&answer).map_err(|message| self.protocol(message))
    }

    /// GETs `url` (a provider's model list) and returns the JSON answer.
    pub async fn get_json(&self, url: &str) -> Result<Value, BackendError> {
        self.json_answer(url, None).await
    }

    /// POSTs `body` to `url` (GETs it when there is none) and returns the whole JSON answer.
    async fn json_answer(&self, url: &str, body: Option<&[u8]>) -> Result<Value, BackendError> {
        let answer = self
            .with_retries(url, || async {
                let resp = self.send(url, body).await?;
                resp.bytes().await.map_err(|e| Failure::Retry {
                    status: None,
                    wait: None,
                    reason: format!("the connection dropped mid-answer: {}", chain(&e)),
                })
            })
            .await?;
        serde_json::from_slice(&answer)
            .map_err(|e| self.protocol(format!("the answer is not JSON ({e})")))
    }

    /// POSTs `body` to `url`, or GETs it when there is no body.
    async fn send(&self, url: &str, body: Option<&[u8]>) -> Result<reqwest::Response, Failure> {
        let request = match body {
            Some(body) => self.client.post(url).body(body.to_vec()),
            None => self.client.get(url),
        };
        let resp = request
            .headers(self.headers())
            .send()
            .await
            .map_err(|e| Failure::Retry {
                status: None,
                wait: None,
                reason: chain(&e),
            })?;
        let status = resp.status().as_u16();
        if resp.status().is_success() {
            return Ok(resp);
        }
        let wait = retry_after(resp.headers());
        let detail = self.detail(&resp.bytes().await.unwrap_or_default());
        let p = &self.provider;
        Err(match status {
            408 | 429 | 500..=599 => Failure::Retry {
                status: Some(status),
                wait,
                reason: detail,
            },
            401 | 403 => Failure::Fatal(BackendError::Unauthorized {
                backend: p.backend.to_owned(),
                status,
                key_var: p.key_var,
            }),
            _ => Failure::Fatal(BackendError::Status {
                backend: p.backend.to_owned(),
                status,
                url: url.to_owned(),
                detail,
                hint: match status {
                    404 => "check the base URL and the model name",
                    413 => "the request is too large: ask about less at once",
                    _ => "check the model name and that the server supports this request",
                },
            }),
        })
    }

    /// Runs `attempt` until it succeeds, fails for good, or the bounds are used up.
    async fn with_retries<T, F, Fut>(&self, url: &str, mut attempt: F) -> Result<T, BackendError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let (mut tries, mut cuts) = (0u32, 0u32);
        loop {
            tries += 1;
            let (status, wait, reason) = match attempt().await {
                Ok(value) => return Ok(value),
                Err(Failure::Fatal(e)) => return Err(e),
                Err(Failure::Cut { received, reason }) => {
                    cuts += 1;
                    if cuts > 1 || tries >= self.retry.max_attempts {
                        return Err(BackendError::StreamCut {
                            backend: self.provider.backend.to_owned(),
                            received,
                            reason,
                        });
                    }
                    (None, None, reason)
                }
                Err(Failure::Retry {
                    status,
                    wait,
                    reason,
                }) => (status, wait, reason),
            };
            let delay = (tries < self.retry.max_attempts)
                .then(|| self.retry.delay(tries, wait))
                .flatten();
            let Some(delay) = delay else {
                let reason = match wait {
                    Some(w) if tries < self.retry.max_attempts => format!(
                        "{reason} (the server asks to wait {}s, more than the {}s allowed)",
                        w.as_secs(),
                        self.retry.max_retry_after.as_secs()
                    ),
                    _ => reason,
                };
                return Err(self.exhausted(url, tries, status, reason));
            };
            tracing::debug!(backend = self.provider.backend, attempt = tries, ?status, ?delay, %reason, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    fn exhausted(
        &self,
        url: &str,
        attempts: u32,
        status: Option<u16>,
        reason: String,
    ) -> BackendError {
        let backend = self.provider.backend.to_owned();
        match status {
            Some(status) => BackendError::RetriesExhausted {
                backend,
                attempts,
                status,
                detail: reason,
            },
            None => BackendError::Unreachable {
                backend,
                url: url.to_owned(),
                url_var: self.provider.url_var,
                attempts,
                reason,
            },
        }
    }

    fn headers(&self) -> HeaderMap {
        let mut headers = self.extra.clone();
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let Some(key) = &self.key else { return headers };
        let (name, value) = match self.provider.auth {
            Auth::Bearer => (
                reqwest::header::AUTHORIZATION,
                format!("Bearer {}", key.expose()),
            ),
            Auth::Header(name) => (HeaderName::from_static(name), key.expose().to_owned()),
        };
        if let Ok(mut value) = HeaderValue::from_str(&value) {
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        headers
    }

    /// A server's error body as a short, masked message without the key.
    fn detail(&self, body: &[u8]) -> String {
        let text = String::from_utf8_lossy(body);
        let message = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| {
                v.pointer("/error/message")
                    .or_else(|| v.get("error"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| text.trim().to_owned());
        let mut message = mask_text(&message).into_owned();
        if let Some(key) = self.key.as_ref().filter(|k| !k.expose().is_empty()) {
            message = message.replace(key.expose(), "***");
        }
        if message.len() > MAX_DETAIL {
            let cut = (0..=MAX_DETAIL)
                .rev()
                .find(|&i| message.is_char_boundary(i))
                .unwrap_or(0);
            message.truncate(cut);
            message.push('…');
        }
        if message.is_empty() {
            "no message".to_owned()
        } else {
            message
        }
    }

    /// A [`BackendError::Protocol`] for this provider.
    pub fn protocol(&self, message: String) -> BackendError {
        BackendError::Protocol {
            backend: self.provider.backend.to_owned(),
            message,
        }
    }
}

/// An error with its causes, `: `-separated, without the URL (which the caller names).
fn chain(e: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut current: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = current {
        let part = err.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
        current = err.source();
    }
    text
}
