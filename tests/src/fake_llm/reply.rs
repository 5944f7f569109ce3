//! What the fake answers with, independent of any provider's wire format.

use serde_json::Value;

/// One scripted answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A complete response with a body.
    Body {
        /// HTTP status.
        status: u16,
        /// Extra headers (`Retry-After`…).
        headers: Vec<(String, String)>,
        /// `Content-Type`.
        content_type: String,
        /// The body.
        body: Vec<u8>,
    },
    /// A `text/event-stream` answer, chunked, one chunk per event.
    Events {
        /// Each event's `data:` payload, in order; a payload starting with `event:` is a
        /// whole event (`event: NAME\ndata: …`).
        data: Vec<String>,
        /// When true the connection is closed after the events, without the final chunk: a
        /// stream that breaks off mid-answer.
        cut: bool,
    },
    /// An `application/x-ndjson` answer (Ollama's streams), chunked, one chunk per line.
    Lines {
        /// Each line's JSON, in order.
        lines: Vec<String>,
        /// When true the connection is closed after the lines, mid-line, without the final
        /// chunk: a stream that breaks off mid-answer.
        cut: bool,
    },
    /// Read the request, then close the connection without a response.
    DropConnection,
}

impl Reply {
    /// 200 with a JSON body.
    pub fn json(body: &Value) -> Reply {
        Reply::Body {
            status: 200,
            headers: Vec::new(),
            content_type: "application/json".into(),
            body: serde_json::to_vec(body).unwrap_or_default(),
        }
    }

    /// `status` with a JSON body `{"error": {"message": MESSAGE}}` (the shape most providers
    /// use for errors).
    pub fn status(status: u16, message: &str) -> Reply {
        match Reply::json(&serde_json::json!({"error": {"message": message}})) {
            Reply::Body {
                headers,
                content_type,
                body,
                ..
            } => Reply::Body {
                status,
                headers,
                content_type,
                body,
            },
            other => other,
        }
    }

    /// Adds a response header (to a [`Reply::Body`]; other replies are unchanged).
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Body { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// A complete event stream with these `data:` payloads.
    pub fn events(data: Vec<String>) -> Reply {
        Reply::Events { data, cut: false }
    }

    /// An event stream that breaks off after these payloads.
    pub fn events_cut(data: Vec<String>) -> Reply {
        Reply::Events { data, cut: true }
    }
}

/// `content` split into `pieces` parts of (nearly) equal length, on char boundaries: the deltas
/// of a streamed answer.
pub fn split(content: &str, pieces: usize) -> Vec<String> {
    let chars: Vec<char> = content.chars().collect();
    let size = chars.len().div_ceil(pieces.max(1)).max(1);
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}
