//! The accept loop and the per-connection handler.

use std::collections::VecDeque;
use std::io::{BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use super::{Recorded, Reply};
use crate::fake_kube::http::read_request;

/// State shared by the handle and the server threads.
#[derive(Debug)]
pub(crate) struct Shared {
    pub addr: SocketAddr,
    pub script: Mutex<VecDeque<Reply>>,
    pub requests: Mutex<Vec<Recorded>>,
    stopping: AtomicBool,
}

impl Shared {
    /// Stops accepting (wakes the accept loop with a connection of its own).
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

/// Binds a loopback port and starts accepting.
pub(crate) fn start() -> std::io::Result<Arc<Shared>> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let shared = Arc::new(Shared {
        addr: listener.local_addr()?,
        script: Mutex::new(VecDeque::new()),
        requests: Mutex::new(Vec::new()),
        stopping: AtomicBool::new(false),
    });
    let s = Arc::clone(&shared);
    thread::Builder::new()
        .name("fake-llm-accept".into())
        .spawn(move || {
            for conn in listener.incoming() {
                if s.stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(conn) = conn {
                    let s = Arc::clone(&s);
                    let _ = thread::Builder::new()
                        .name("fake-llm-conn".into())
                        .spawn(move || serve(conn, &s));
                }
            }
        })?;
    Ok(shared)
}

/// Answers one request on `conn`, then closes it.
fn serve(conn: TcpStream, shared: &Shared) {
    let mut reader = BufReader::new(conn);
    let Ok(Some(req)) = read_request(&mut reader) else {
        return;
    };
    let received = std::time::Instant::now();
    let index = {
        let mut requests = shared.requests.lock().expect("requests lock");
        requests.push(Recorded {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.raw_query.clone(),
            headers: req.headers.clone(),
            body: req.body.clone(),
            received,
            answered: None,
        });
        requests.len() - 1
    };
    let reply = shared.script.lock().expect("script lock").pop_front();
    let reply =
        reply.unwrap_or_else(|| Reply::status(500, "fake_llm: the script has no reply left"));
    let mut conn = reader.into_inner();
    let _ = write_reply(&mut conn, &reply);
    let _ = conn.flush();
    shared.requests.lock().expect("requests lock")[index].answered =
        Some(std::time::Instant::now());
    let _ = conn.shutdown(Shutdown::Both);
}

fn write_reply(w: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
    match reply {
        Reply::DropConnection => Ok(()),
        Reply::Body {
            status,
            headers,
            content_type,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
                reason(*status),
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            w.write_all(head.as_bytes())?;
            w.write_all(body)
        }
        Reply::Events { data, cut } => {
            w.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            )?;
            for payload in data {
                // A payload that starts with `event:` carries its own event line.
                let event = if payload.starts_with("event:") {
                    format!("{payload}\n\n")
                } else {
                    format!("data: {payload}\n\n")
                };
                write!(w, "{:x}\r\n{event}\r\n", event.len())?;
                w.flush()?;
            }
            if *cut {
                // Half an event, then nothing: the chunked body never ends.
                w.write_all(b"10\r\ndata: {\"choi")?;
                return w.flush();
            }
            w.write_all(b"0\r\n\r\n")
        }
        Reply::Lines { lines, cut } => {
            w.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            )?;
            for line in lines {
                write!(w, "{:x}\r\n{line}\n\r\n", line.len() + 1)?;
                w.flush()?;
            }
            if *cut {
                w.write_all(b"10\r\n{\"message\":{\"co")?;
                return w.flush();
            }
            w.write_all(b"0\r\n\r\n")
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
