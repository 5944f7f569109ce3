//! Injected faults: error statuses and dropped connections for the next N matching requests,
//! and a server that "goes away" (stops answering and accepting) after N more requests.

use super::http::Request;

/// A fault to inject with [`FakeCluster::inject`](super::FakeCluster::inject).
///
/// ```no_run
/// # use shipmate_e2e::fake_kube::{FakeCluster, Fault};
/// let cluster = FakeCluster::start();
/// // The next PATCH to a deployment gets a 403 Forbidden Status.
/// cluster.inject(Fault::status(403).method("PATCH").path_contains("/deployments/"));
/// // The next two requests of any kind are read and then the connection is dropped.
/// cluster.inject(Fault::drop_connection().times(2));
/// // Three more requests are served, then the server stops answering and accepting.
/// cluster.inject(Fault::go_away_after(3));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Fault {
    pub(crate) kind: FaultKind,
    method: Option<String>,
    path_contains: Option<String>,
    writes_only: bool,
    pub(crate) remaining: usize,
}

/// What a fault does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FaultKind {
    /// Answer with this status code and a matching `metav1.Status`.
    Status(u16),
    /// Read the request, then close the connection without answering.
    Drop,
    /// After `remaining` more requests, stop answering and accepting.
    GoAway,
}

impl Fault {
    /// Answer the next matching request with `code` (401, 403, 409, 500, …) and a real
    /// `metav1.Status` body (`reason` `Unauthorized`, `Forbidden`, `Conflict`, `InternalError`).
    pub fn status(code: u16) -> Self {
        Fault {
            kind: FaultKind::Status(code),
            method: None,
            path_contains: None,
            writes_only: false,
            remaining: 1,
        }
    }

    /// Read the next matching request, then close the connection without a response.
    pub fn drop_connection() -> Self {
        Fault {
            kind: FaultKind::Drop,
            ..Fault::status(0)
        }
    }

    /// Serve `n` more requests (of any kind), then close every connection and stop accepting
    /// new ones, as an API server that went away.
    pub fn go_away_after(n: usize) -> Self {
        Fault {
            kind: FaultKind::GoAway,
            remaining: n,
            ..Fault::status(0)
        }
    }

    /// Only requests with this HTTP method (case-insensitive) match.
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Only requests whose path contains `fragment` match.
    pub fn path_contains(mut self, fragment: &str) -> Self {
        self.path_contains = Some(fragment.to_string());
        self
    }

    /// Only requests that would store something match: not `dryRun=All` ones (a server-side
    /// dry-run passes, the real write fails — as when a webhook or quota only bites then).
    pub fn real_writes_only(mut self) -> Self {
        self.writes_only = true;
        self
    }

    /// Fire for the next `n` matching requests instead of one.
    pub fn times(mut self, n: usize) -> Self {
        self.remaining = n;
        self
    }

    pub(crate) fn matches(&self, req: &Request) -> bool {
        let dry_run = req.query.iter().any(|(k, _)| k == "dryRun");
        !(self.writes_only && dry_run)
            && self.method.as_ref().is_none_or(|m| *m == req.method)
            && self
                .path_contains
                .as_ref()
                .is_none_or(|f| req.path.contains(f.as_str()))
    }
}

/// What to do with a request after consulting the injected faults.
#[derive(Debug, PartialEq)]
pub(crate) enum Verdict {
    /// Serve it normally.
    Serve,
    /// Answer with this error status.
    Status(u16),
    /// Drop the connection.
    Drop,
    /// The server has gone away: drop this and every connection, stop accepting.
    Gone,
}

/// Consumes the first matching fault (if any) and says what to do with `req`.
pub(crate) fn decide(faults: &mut Vec<Fault>, gone: &mut bool, req: &Request) -> Verdict {
    if *gone {
        return Verdict::Gone;
    }
    if let Some(i) = faults.iter().position(|f| f.kind == FaultKind::GoAway) {
        if faults[i].remaining == 0 {
            *gone = true;
            let _ = faults.remove(i);
            return Verdict::Gone;
        }
        faults[i].remaining -= 1;
    }
    let Some(i) = faults
        .iter()
        .position(|f| f.kind != FaultKind::GoAway && f.matches(req))
    else {
        return Verdict::Serve;
    };
    let verdict = match faults[i].kind {
        FaultKind::Status(code) => Verdict::Status(code),
        _ => Verdict::Drop,
    };
    faults[i].remaining = faults[i].remaining.saturating_sub(1);
    if faults[i].remaining == 0 {
        let _ = faults.remove(i);
    }
    verdict
}
