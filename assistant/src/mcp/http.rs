//! The streamable HTTP transport: rmcp's service at `/mcp`, behind the bearer-token check,
//! served by hyper (HTTP/1.1). `/healthz` answers `ok` without a token (for liveness and
//! readiness probes; it reveals nothing). Every other path is 404.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rmcp::transport::StreamableHttpServerConfig;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::tower::StreamableHttpService;
use tokio::net::TcpListener;
use tower_service::Service as _;

use super::auth::Token;
use super::server::McpServer;
use super::tools::Shared;

/// The MCP endpoint's path.
pub const MCP_PATH: &str = "/mcp";
/// The health check's path.
pub const HEALTH_PATH: &str = "/healthz";

/// A response body (what rmcp's service answers with).
type Body = BoxBody<Bytes, Infallible>;

/// Routes and guards requests.
#[derive(Clone)]
pub struct Endpoint {
    mcp: StreamableHttpService<McpServer, LocalSessionManager>,
    token: Option<Token>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// The endpoint for `shared`, requiring `token` when there is one. On a loopback bind the
    /// `Host` header must name a loopback host (DNS-rebinding protection); elsewhere any host
    /// name reaches the server (a Service name, an ingress host) and the token guards it.
    pub fn new(shared: Arc<Shared>, token: Option<Token>, loopback: bool) -> Endpoint {
        let mut config = StreamableHttpServerConfig::default();
        if !loopback {
            config = config.disable_allowed_hosts();
        }
        let mcp = StreamableHttpService::new(
            move || Ok(McpServer::new(Arc::clone(&shared))),
            Arc::new(LocalSessionManager::default()),
            config,
        );
        Endpoint { mcp, token }
    }

    /// Answers one request.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<Body>
    where
        B: hyper::body::Body + Send + 'static,
        B::Error: std::fmt::Display,
        B::Data: Send + 'static,
    {
        match request.uri().path() {
            HEALTH_PATH => return plain(StatusCode::OK, "ok\n"),
            MCP_PATH => {}
            other => {
                return plain(
                    StatusCode::NOT_FOUND,
                    &format!("no such endpoint {other:?}: the MCP endpoint is {MCP_PATH}\n"),
                );
            }
        }
        if let Some(token) = &self.token {
            let presented = request.headers().get(AUTHORIZATION).map(|v| v.as_bytes());
            if !token.accepts(presented) {
                let mut response = plain(
                    StatusCode::UNAUTHORIZED,
                    "missing or wrong bearer token: send `Authorization: Bearer <token>` with \
                     the token the server was started with (--token-env)\n",
                );
                response.headers_mut().insert(
                    WWW_AUTHENTICATE,
                    http::HeaderValue::from_static("Bearer realm=\"shipmate\""),
                );
                return response;
            }
        }
        match self.mcp.clone().call(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }
}

/// A plain-text response.
fn plain(status: StatusCode, text: &str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(text.to_owned())).boxed());
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Serves `endpoint` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    endpoint: Endpoint,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let endpoint = Arc::new(endpoint);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    eprintln!("shipmate mcp: cannot accept a connection: {err}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => return,
        };
        let endpoint = Arc::clone(&endpoint);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let endpoint = Arc::clone(&endpoint);
                async move { Ok::<_, Infallible>(endpoint.handle(request).await) }
            });
            // A client that goes away mid-request is not the server's problem.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
