//! The loopback listener: one accept thread, one thread per connection, keep-alive, bearer
//! token authentication, fault injection and the request log. Everything shared lives behind
//! one mutex; requests are tiny, so contention does not matter for tests.

use std::collections::HashMap;
use std::io::{BufReader, BufWriter};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use super::RequestRecord;
use super::api;
use super::faults::{self, Fault, Verdict};
use super::http::{self, ReadError, Request, Response};
use super::status::ApiError;
use super::store::Store;
use super::watch::{self, Watch};

/// Longest a connection may sit idle between requests before it is closed.
const IDLE: Duration = Duration::from_secs(60);

/// State shared by the handle and the server threads.
#[derive(Debug)]
pub(crate) struct Shared {
    pub state: Mutex<State>,
    pub token: String,
    pub addr: SocketAddr,
    /// Whether requests without an `Authorization` header are served (see
    /// [`FakeCluster::allow_anonymous`](super::FakeCluster::allow_anonymous)).
    pub anonymous: AtomicBool,
    /// Added to every response, in microseconds (see
    /// [`FakeCluster::set_latency`](super::FakeCluster::set_latency)).
    pub latency_us: AtomicU64,
    /// Signalled after every change to the store (wakes watches).
    pub changed: Condvar,
    stopping: AtomicBool,
    next_conn: AtomicU64,
    conns: Mutex<HashMap<u64, TcpStream>>,
}

/// Mutable state: the store, pending faults, the request log.
#[derive(Debug)]
pub(crate) struct State {
    pub store: Store,
    pub faults: Vec<Fault>,
    pub gone: bool,
    pub log: Vec<RequestRecord>,
    /// When each answered request was read and when its answer was written (benchmarks
    /// subtract this time from the client's).
    pub busy: Vec<(Instant, Instant)>,
}

impl Shared {
    /// Locks the state, recovering from a poisoned lock (a panicking test thread must not
    /// take the server down with it).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stops accepting and closes every open connection.
    pub fn shut_down(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        self.changed.notify_all();
        let conns = self.conns.lock().unwrap_or_else(|e| e.into_inner());
        for c in conns.values() {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

/// Binds 127.0.0.1:0 and starts the accept thread.
pub(crate) fn start(token: String) -> std::io::Result<Arc<Shared>> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            store: Store::new(),
            faults: Vec::new(),
            gone: false,
            log: Vec::new(),
            busy: Vec::new(),
        }),
        token,
        addr: listener.local_addr()?,
        anonymous: AtomicBool::new(false),
        latency_us: AtomicU64::new(0),
        changed: Condvar::new(),
        stopping: AtomicBool::new(false),
        next_conn: AtomicU64::new(0),
        conns: Mutex::new(HashMap::new()),
    });
    let s = Arc::clone(&shared);
    thread::Builder::new()
        .name("fake-kube-accept".into())
        .spawn(move || accept_loop(listener, &s))?;
    Ok(shared)
}

fn accept_loop(listener: TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let id = shared.next_conn.fetch_add(1, Ordering::SeqCst);
        if let Ok(clone) = stream.try_clone() {
            shared
                .conns
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id, clone);
        }
        let s = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name(format!("fake-kube-conn-{id}"))
            .spawn(move || {
                serve_connection(stream, &s);
                s.conns
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&id);
            });
        if spawned.is_err() {
            shared
                .conns
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
        }
    }
    // Dropping the listener here makes new connections fail with "connection refused".
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut writer = BufWriter::new(write_half);
    loop {
        let req = match http::read_request(&mut reader) {
            Ok(Some(req)) => req,
            Ok(None) | Err(ReadError::Closed) => return,
            Err(ReadError::Bad(code, why)) => {
                let body = ApiError::new(code, ApiError::reason_for(code), why).to_json();
                let _ = http::write_response(&mut writer, &Response::json(code, &body), true);
                return;
            }
        };
        let read = Instant::now();
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let latency = shared.latency_us.load(Ordering::Relaxed);
        if latency > 0 {
            thread::sleep(Duration::from_micros(latency));
        }
        let (resp, close) = match respond(shared, &req) {
            Outcome::Reply(resp, close) => (resp, close),
            Outcome::Drop => {
                let _ = reader.get_ref().shutdown(Shutdown::Both);
                return;
            }
            Outcome::Watch(w) => {
                stream_watch(&mut writer, shared, w);
                return;
            }
        };
        let close = close || req.wants_close();
        let written = http::write_response(&mut writer, &resp, close);
        shared.lock().busy.push((read, Instant::now()));
        if written.is_err() || close {
            return;
        }
    }
}

/// What to do with one request.
enum Outcome {
    /// Answer; the bool asks to close the connection after.
    Reply(Response, bool),
    /// Close the connection without answering.
    Drop,
    /// Stream a watch on this connection, then close it.
    Watch(Box<Watch>),
}

/// Decides the outcome of one request (logging it, applying faults and authentication).
fn respond(shared: &Shared, req: &Request) -> Outcome {
    let credentials = req.header("authorization").map(|h| {
        h.strip_prefix("Bearer ")
            .is_some_and(|t| t.trim() == shared.token)
    });
    let verdict = {
        let mut state = shared.lock();
        state.log.push(RequestRecord {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.raw_query.clone(),
            content_type: req.header("content-type").map(str::to_string),
            user_agent: req.header("user-agent").map(str::to_string),
            accept: req.header("accept").map(str::to_string),
            authenticated: credentials == Some(true),
        });
        let state = &mut *state;
        faults::decide(&mut state.faults, &mut state.gone, req)
    };
    match verdict {
        Verdict::Serve => {}
        Verdict::Drop => return Outcome::Drop,
        Verdict::Gone => {
            shared.shut_down();
            return Outcome::Drop;
        }
        Verdict::Status(code) => {
            let err = ApiError::new(code, ApiError::reason_for(code), injected_message(code));
            return Outcome::Reply(Response::json(code, &err.to_json()), false);
        }
    }
    // A wrong token is always refused; no token at all only unless anonymous access is on
    // (kubectl never sends credentials over plain http).
    let authorized = credentials.unwrap_or_else(|| shared.anonymous.load(Ordering::SeqCst));
    if !authorized {
        let err = ApiError::new(401, "Unauthorized", "Unauthorized");
        return Outcome::Reply(Response::json(401, &err.to_json()), false);
    }
    let mut state = shared.lock();
    match watch::begin(&state.store, req) {
        Some(Ok(w)) => return Outcome::Watch(Box::new(w)),
        Some(Err(e)) => return Outcome::Reply(Response::json(e.code, &e.to_json()), false),
        None => {}
    }
    let (code, body) = match api::handle(&mut state.store, req) {
        Ok(ok) => ok,
        Err(e) => (e.code, e.to_json()),
    };
    drop(state);
    if req.method != "GET" {
        shared.changed.notify_all();
    }
    Outcome::Reply(Response::json(code, &body), false)
}

/// Streams a watch until its deadline, the server stopping, or the client going away.
fn stream_watch(w: &mut impl std::io::Write, shared: &Shared, mut watch: Box<Watch>) {
    if watch::write_head(w).is_err() || watch::write_lines(w, &watch.initial_lines()).is_err() {
        return;
    }
    loop {
        let mut state = shared.lock();
        let lines = loop {
            let now = Instant::now();
            if shared.stopping.load(Ordering::SeqCst) || now >= watch.deadline {
                drop(state);
                let _ = watch::write_end(w);
                return;
            }
            match watch.next_lines(&state.store) {
                Ok(lines) if lines.is_empty() => {}
                Ok(lines) => break lines,
                Err(error) => {
                    drop(state);
                    let _ = watch::write_lines(w, &[error]);
                    let _ = watch::write_end(w);
                    return;
                }
            }
            let wait = (watch.deadline - now).min(Duration::from_secs(1));
            state = shared
                .changed
                .wait_timeout(state, wait)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        };
        drop(state);
        if watch::write_lines(w, &lines).is_err() {
            return;
        }
    }
}

fn injected_message(code: u16) -> String {
    match code {
        401 => "Unauthorized".into(),
        403 => "forbidden: the fake API server was told to refuse this request (injected fault)".into(),
        409 => "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again (injected fault)".into(),
        _ => format!("Internal error occurred: injected fault ({code})"),
    }
}
