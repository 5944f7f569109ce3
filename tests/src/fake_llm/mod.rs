//! A fake LLM provider server for tests, on loopback, scripted per test.
//!
//! A test queues [`Reply`]s — JSON bodies, error statuses with `Retry-After`, server-sent-event
//! streams (complete or cut mid-answer), dropped connections — and the server answers requests
//! with them in order, recording every request (method, path, headers, body) so the test can
//! assert on exactly what left the machine. Like `fake_kube` it runs on std threads, so sync
//! tests, tokio tests and child processes can all use it. Every answer closes its connection,
//! so a client's retry is always a new connection.
//!
//! The server itself knows no provider: the wire format lives in per-provider helpers that build
//! [`Reply`]s ([`openai`] for Chat Completions, [`anthropic`] for Messages; Gemini and Ollama join
//! as siblings).
//!
//! ```no_run
//! use shipmate_e2e::fake_llm::{FakeLlm, Reply, openai};
//! let llm = FakeLlm::start();
//! llm.push(Reply::status(429, "slow down").header("retry-after", "1"));
//! llm.push(openai::chat(r#"{"status":"not_understood","summary":"?"}"#));
//! // … point the client at `llm.base_url()` …
//! assert_eq!(llm.requests().len(), 2);
//! ```

pub mod anthropic;
pub mod gemini;
pub mod ollama;
pub mod openai;
mod reply;
mod server;

use std::sync::Arc;

pub use reply::Reply;

/// One request the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `POST`, `GET`…
    pub method: String,
    /// The path, e.g. `/v1/chat/completions`.
    pub path: String,
    /// The raw query string (without `?`; empty when none), e.g. `alt=sse`.
    pub query: String,
    /// Headers, names lower-cased, in the order sent.
    pub headers: Vec<(String, String)>,
    /// The body as sent.
    pub body: Vec<u8>,
    /// When the whole request had arrived.
    pub received: std::time::Instant,
    /// When the reply was fully written (`None` while it is being written).
    pub answered: Option<std::time::Instant>,
}

impl Recorded {
    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("request body is not JSON ({e}): {}", self.text()))
    }
}

/// A running fake provider; it stops when dropped.
#[derive(Debug)]
pub struct FakeLlm {
    shared: Arc<server::Shared>,
}

impl FakeLlm {
    /// Starts a server on an ephemeral loopback port with an empty script.
    pub fn start() -> FakeLlm {
        FakeLlm {
            shared: server::start().expect("start the fake LLM server"),
        }
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    /// [`FakeLlm::url`] with `/v1`: what `OPENAI_BASE_URL` is set to.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.url())
    }

    /// Queues `reply` for the next request not yet answered. With an empty queue the server
    /// answers 500 with a message saying the script ran out.
    pub fn push(&self, reply: Reply) -> &FakeLlm {
        self.shared
            .script
            .lock()
            .expect("script lock")
            .push_back(reply);
        self
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().expect("requests lock").clone()
    }

    /// Replies queued and not yet used.
    pub fn pending(&self) -> usize {
        self.shared.script.lock().expect("script lock").len()
    }
}

impl Drop for FakeLlm {
    fn drop(&mut self) {
        self.shared.stop();
    }
}
