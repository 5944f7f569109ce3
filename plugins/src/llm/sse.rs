//! A small incremental parser for server-sent events (the WHATWG `text/event-stream` format):
//! bytes in, complete events out. Small enough to own, so that a stream that ends mid-event is
//! visible to the caller instead of being silently dropped.

/// One event: its `event:` name (empty when not given) and its `data:` lines joined by `\n`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field, empty for the default `message` type.
    pub event: String,
    /// The `data:` lines, joined with `\n`.
    pub data: String,
}

impl SseEvent {
    /// An event of the default type carrying `data` (what `data: DATA` parses to).
    pub fn message(data: impl Into<String>) -> Self {
        Self {
            event: String::new(),
            data: data.into(),
        }
    }
}

/// Feeds bytes, yields events. Lines may be split anywhere, even inside a UTF-8 sequence.
#[derive(Debug, Default)]
pub struct SseParser {
    buf: Vec<u8>,
    current: SseEvent,
    has_data: bool,
}

impl SseParser {
    /// A parser with nothing buffered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `bytes` and returns the events they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        self.buf.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
            let mut line: Vec<u8> = self.buf.drain(..=end).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if let Some(event) = self.line(&String::from_utf8_lossy(&line)) {
                events.push(event);
            }
        }
        events
    }

    /// True when bytes of an unfinished event are buffered (the stream stopped mid-event).
    pub fn pending(&self) -> bool {
        !self.buf.is_empty() || self.has_data || !self.current.event.is_empty()
    }

    fn line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            if !self.has_data {
                self.current = SseEvent::default();
                return None;
            }
            self.has_data = false;
            return Some(std::mem::take(&mut self.current));
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.current.event = value.to_owned(),
            "data" => {
                if self.has_data {
                    self.current.data.push('\n');
                }
                self.current.data.push_str(value);
                self.has_data = true;
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: &str, data: &str) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
        }
    }

    #[test]
    fn events_split_anywhere() {
        let stream = "data: {\"a\":1}\r\n\r\n: keep-alive\n\nevent: done\ndata: x\ndata: y\n\ndata: [DONE]\n\n";
        for split in 0..stream.len() {
            let mut p = SseParser::new();
            let mut got = p.feed(&stream.as_bytes()[..split]);
            got.extend(p.feed(&stream.as_bytes()[split..]));
            assert_eq!(
                got,
                [ev("", "{\"a\":1}"), ev("done", "x\ny"), ev("", "[DONE]")],
                "split at {split}"
            );
            assert!(!p.pending());
        }
    }

    #[test]
    fn a_cut_event_is_pending() {
        let mut p = SseParser::new();
        assert!(p.feed(b"data: {\"choices\":[").is_empty());
        assert!(p.pending());
        let mut q = SseParser::new();
        assert!(q.feed(b"data: x\n").is_empty());
        assert!(q.pending());
    }

    #[test]
    fn multibyte_split_survives() {
        let bytes = "data: café\n\n".as_bytes();
        let mut p = SseParser::new();
        let mut got = p.feed(&bytes[..9]);
        got.extend(p.feed(&bytes[9..]));
        assert_eq!(got, [ev("", "café")]);
    }
}
