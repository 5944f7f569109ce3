//! The HTTP endpoint's routing and token check, on requests built in memory.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};

use super::{Endpoint, HEALTH_PATH, MCP_PATH};
use crate::mcp::auth::Token;
use crate::mcp::tools::tests::shared;

const SECRET: &str = "http-test-token-0123456789";

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;

fn request(path: &str, authorization: Option<&str>) -> Request<Full<Bytes>> {
    request_to("127.0.0.1:8765", path, authorization)
}

fn request_to(host: &str, path: &str, authorization: Option<&str>) -> Request<Full<Bytes>> {
    let mut builder = Request::post(format!("http://{host}{path}"))
        .header("host", host)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream");
    if let Some(value) = authorization {
        builder = builder.header("authorization", value);
    }
    builder.body(Full::new(Bytes::from(INITIALIZE))).unwrap()
}

/// (status, WWW-Authenticate, body) for each request, on a loopback endpoint with `token`.
fn answers(
    token: Option<Token>,
    requests: Vec<Request<Full<Bytes>>>,
) -> Vec<(StatusCode, Option<String>, String)> {
    answers_on(true, token, requests)
}

/// [`answers`] on an endpoint bound to loopback or not.
fn answers_on(
    loopback: bool,
    token: Option<Token>,
    requests: Vec<Request<Full<Bytes>>>,
) -> Vec<(StatusCode, Option<String>, String)> {
    let endpoint = Endpoint::new(
        Arc::new(shared(false, Path::new("/nonexistent/kubeconfig"))),
        token,
        loopback,
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let out = runtime.block_on(async {
        let mut out = Vec::new();
        for r in requests {
            let response = endpoint.handle(r).await;
            let status = response.status();
            let challenge = response
                .headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap().to_owned());
            // An MCP answer is an SSE stream that may stay open: read frames until the
            // answer to request 1 (or the end).
            let mut body = response.into_body();
            let mut text = String::new();
            for _ in 0..16 {
                let Some(Ok(frame)) = body.frame().await else {
                    break;
                };
                let data = frame.into_data().unwrap_or_default();
                text.push_str(&String::from_utf8_lossy(&data));
                if text.contains("\"id\":1") {
                    break;
                }
            }
            out.push((status, challenge, text));
        }
        out
    });
    // The session (and its runtime) goes after this runtime, outside async code.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    drop(endpoint);
    out
}

#[test]
fn every_mcp_request_needs_the_token_when_there_is_one() {
    let token = Token::new("T", SECRET).unwrap();
    let out = answers(
        Some(token),
        vec![
            request(MCP_PATH, None),
            request(MCP_PATH, Some("Bearer not-the-token-0123456789")),
            request(MCP_PATH, Some(SECRET)),
            request(MCP_PATH, Some(&format!("Bearer {SECRET}"))),
            request(HEALTH_PATH, None),
            request("/other", Some(&format!("Bearer {SECRET}"))),
        ],
    );
    for (status, challenge, body) in &out[..3] {
        assert_eq!(*status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(challenge.as_deref(), Some("Bearer realm=\"shipmate\""));
        assert!(body.contains("Authorization: Bearer"), "{body}");
        assert!(!body.contains(SECRET), "the token is never echoed");
    }
    let (status, _, body) = &out[3];
    assert_eq!(*status, StatusCode::OK, "{body}");
    assert!(
        body.contains("\"serverInfo\"") && body.contains("shipmate"),
        "{body}"
    );
    assert_eq!(out[4].0, StatusCode::OK, "health needs no token");
    assert_eq!(out[4].2, "ok\n");
    assert_eq!(out[5].0, StatusCode::NOT_FOUND);
    assert!(out[5].2.contains("/mcp"), "{}", out[5].2);
}

#[test]
fn without_a_token_loopback_requests_reach_the_server() {
    let out = answers(None, vec![request(MCP_PATH, None)]);
    assert_eq!(out[0].0, StatusCode::OK, "{}", out[0].2);
    assert!(out[0].2.contains("\"serverInfo\""), "{}", out[0].2);
}

#[test]
fn host_names_are_checked_on_loopback_and_left_to_the_token_elsewhere() {
    const SERVICE: &str = "shipmate.tools.svc:8765";
    // A page on another site that resolves its name to 127.0.0.1 (DNS rebinding) is refused.
    let out = answers(None, vec![request_to(SERVICE, MCP_PATH, None)]);
    assert_eq!(out[0].0, StatusCode::FORBIDDEN, "{}", out[0].2);
    // Off loopback, a Service or ingress name reaches the server — with the token only.
    let bearer = format!("Bearer {SECRET}");
    let out = answers_on(
        false,
        Some(Token::new("T", SECRET).unwrap()),
        vec![
            request_to(SERVICE, MCP_PATH, None),
            request_to(SERVICE, MCP_PATH, Some(&bearer)),
        ],
    );
    assert_eq!(out[0].0, StatusCode::UNAUTHORIZED);
    assert_eq!(out[1].0, StatusCode::OK, "{}", out[1].2);
}
