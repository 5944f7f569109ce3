//! How a streamed answer is cut into items: server-sent events ([`SseParser`]) or
//! newline-delimited JSON lines ([`LineParser`], Ollama's streams). A line or event cut off by
//! the end of the stream stays buffered, so the caller sees that the stream broke.

use super::sse::{SseEvent, SseParser};

/// Splits a streamed answer into items: [`SseParser`] (events), [`LineParser`] (NDJSON lines).
pub trait Framing: Default {
    /// One complete item.
    type Item;
    /// Adds `bytes` and returns the items they complete.
    fn frames(&mut self, bytes: &[u8]) -> Vec<Self::Item>;
}

impl Framing for SseParser {
    type Item = SseEvent;
    fn frames(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        self.feed(bytes)
    }
}

impl Framing for LineParser {
    type Item = String;
    fn frames(&mut self, bytes: &[u8]) -> Vec<String> {
        self.feed(bytes)
    }
}

/// Feeds bytes, yields complete non-empty lines (without the newline).
#[derive(Debug, Default)]
pub struct LineParser {
    buf: Vec<u8>,
}

impl LineParser {
    /// A parser with nothing buffered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `bytes` and returns the lines they complete. Lines may be split anywhere, even
    /// inside a UTF-8 sequence.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<String> {
        self.buf.extend_from_slice(bytes);
        let mut lines = Vec::new();
        while let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line).trim().to_owned();
            if !line.is_empty() {
                lines.push(line);
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_anywhere() {
        let stream = "{\"a\":\"é\"}\r\n\n{\"done\":true}\n";
        for split in 0..stream.len() {
            let mut p = LineParser::new();
            let mut got = p.feed(&stream.as_bytes()[..split]);
            got.extend(p.feed(&stream.as_bytes()[split..]));
            assert_eq!(
                got,
                ["{\"a\":\"é\"}", "{\"done\":true}"],
                "split at {split}"
            );
        }
        assert!(LineParser::new().feed(b"{\"cut\":").is_empty());
    }
}
