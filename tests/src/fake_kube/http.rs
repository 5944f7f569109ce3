//! HTTP/1.1 framing: just enough of RFC 9112 for the clients we face (Go's `net/http` in
//! kubectl, hyper in the `kube` client). Requests are read with hard limits so a hostile or
//! broken client gets a 400/413 instead of exhausting memory; responses always carry a
//! `Content-Length` so keep-alive works without chunked encoding on our side.

use std::io::{self, BufRead, Read, Write};

/// Longest request line or header line accepted.
const MAX_LINE: usize = 16 * 1024;
/// Most header lines accepted.
const MAX_HEADERS: usize = 128;
/// Largest request body accepted (after de-chunking).
pub(crate) const MAX_BODY: usize = 8 * 1024 * 1024;

/// A parsed request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// `GET`, `PATCH`, …
    pub method: String,
    /// Percent-decoded path without the query.
    pub path: String,
    /// The raw query string (without `?`), as sent.
    pub raw_query: String,
    /// Decoded query parameters in order.
    pub query: Vec<(String, String)>,
    /// Headers with lower-cased names.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Vec<u8>,
}

impl Request {
    /// The first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first query parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client asked to close the connection after this request.
    pub fn wants_close(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// Why a request could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed the connection (cleanly, between requests) or the socket failed.
    Closed,
    /// The request is malformed; answer with this status and close.
    Bad(u16, &'static str),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Closed
    }
}

/// A response to write.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    /// Status code.
    pub status: u16,
    /// `Content-Type` of `body`.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON response; a JSON string is sent as `text/plain` (logs, health checks).
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        if let serde_json::Value::String(text) = value {
            return Response {
                status,
                content_type: "text/plain; charset=utf-8",
                body: text.clone().into_bytes(),
            };
        }
        Response {
            status,
            content_type: "application/json",
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }
}

/// Reads one line (up to `\n`), bounded by [`MAX_LINE`], without the line ending.
fn read_line(r: &mut impl BufRead) -> Result<Option<String>, ReadError> {
    let mut buf = Vec::new();
    let n = r.take(MAX_LINE as u64 + 1).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.len() > MAX_LINE || !buf.ends_with(b"\n") {
        if buf.len() > MAX_LINE {
            return Err(ReadError::Bad(431, "line too long"));
        }
        return Err(ReadError::Closed);
    }
    while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| ReadError::Bad(400, "request line or header is not UTF-8"))
}

/// Reads one request; `Ok(None)` when the peer closed the connection between requests.
pub(crate) fn read_request(r: &mut impl BufRead) -> Result<Option<Request>, ReadError> {
    let mut line = match read_line(r)? {
        Some(l) => l,
        None => return Ok(None),
    };
    // Tolerate stray blank lines between requests (RFC 9112 §2.2).
    while line.is_empty() {
        line = match read_line(r)? {
            Some(l) => l,
            None => return Ok(None),
        };
    }
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad(400, "malformed request line"));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !target.starts_with('/') {
        return Err(ReadError::Bad(400, "malformed request line"));
    }
    let mut headers = Vec::new();
    loop {
        let Some(h) = read_line(r)? else {
            return Err(ReadError::Closed);
        };
        if h.is_empty() {
            break;
        }
        if headers.len() >= MAX_HEADERS {
            return Err(ReadError::Bad(431, "too many headers"));
        }
        let Some((k, v)) = h.split_once(':') else {
            return Err(ReadError::Bad(400, "malformed header"));
        };
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let body =
        if find("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
            read_chunked(r)?
        } else if let Some(len) = find("content-length") {
            let len: usize = len
                .parse()
                .map_err(|_| ReadError::Bad(400, "bad Content-Length"))?;
            if len > MAX_BODY {
                return Err(ReadError::Bad(413, "request body too large"));
            }
            let mut body = vec![0; len];
            r.read_exact(&mut body)?;
            body
        } else {
            Vec::new()
        };
    let (raw_path, raw_query) = target.split_once('?').unwrap_or((target, ""));
    let path = percent_decode(raw_path).ok_or(ReadError::Bad(400, "bad percent-encoding"))?;
    let mut query = Vec::new();
    for pair in raw_query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| percent_decode(&s.replace('+', " "));
        match (decode(k), decode(v)) {
            (Some(k), Some(v)) => query.push((k, v)),
            _ => return Err(ReadError::Bad(400, "bad percent-encoding in query")),
        }
    }
    Ok(Some(Request {
        method: method.to_string(),
        path,
        raw_query: raw_query.to_string(),
        query,
        headers,
        body,
    }))
}

/// Decodes a chunked body (RFC 9112 §7.1), bounded by [`MAX_BODY`]; trailers are skipped.
fn read_chunked(r: &mut impl BufRead) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let line = read_line(r)?.ok_or(ReadError::Closed)?;
        let size_hex = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| ReadError::Bad(400, "bad chunk size"))?;
        if size == 0 {
            // Trailer section, ended by an empty line.
            while !read_line(r)?.ok_or(ReadError::Closed)?.is_empty() {}
            return Ok(body);
        }
        if body.len().saturating_add(size) > MAX_BODY {
            return Err(ReadError::Bad(413, "request body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        r.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Err(ReadError::Bad(400, "chunk not followed by CRLF"));
        }
    }
}

/// Percent-decodes `s`; `None` when an escape is malformed or the result is not UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Writes `resp`; `close` adds `Connection: close`.
pub(crate) fn write_response(w: &mut impl Write, resp: &Response, close: bool) -> io::Result<()> {
    let reason = match resp.status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-cache, private\r\n",
        resp.status,
        resp.content_type,
        resp.body.len()
    );
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes())?;
    w.write_all(&resp.body)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8]) -> Result<Option<Request>, ReadError> {
        read_request(&mut io::BufReader::new(raw))
    }

    #[test]
    fn parses_query_and_chunked_body() {
        let raw = b"PATCH /apis/apps/v1/x?fieldManager=a%20b&force=true HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext\r\nde\r\n0\r\n\r\n";
        let req = parse(raw).unwrap().unwrap();
        assert_eq!(req.param("fieldManager"), Some("a b"));
        assert_eq!(req.body, b"abcde");
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for raw in [
            &b"GARBAGE\r\n\r\n"[..],
            b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
            b"GET /%zz HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
        ] {
            assert!(matches!(parse(raw), Err(ReadError::Bad(..))), "{raw:?}");
        }
    }
}
