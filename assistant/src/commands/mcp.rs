//! `shipmate mcp`: checks the transport's security first (a non-loopback bind without a token
//! never starts), builds the session `ask` would, and serves the MCP tools over stdio or
//! streamable HTTP until the client goes away or the process is interrupted.

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use rmcp::ServiceExt as _;
use shipmate_manifests::parse::Limits;

use crate::cli::McpArgs;
use crate::commands::{ask, validate};
use crate::exit::ExitCode;
use crate::mcp::http::MCP_PATH;
use crate::mcp::{Endpoint, McpServer, Shared, Token, check_bind};

/// Runs `shipmate mcp`.
pub fn run(args: &McpArgs) -> anyhow::Result<ExitCode> {
    let token = args.token_env.as_deref().map(Token::from_env).transpose()?;
    if let Some(addr) = args.http {
        check_bind(addr, token.as_ref())?;
    }
    let Some(session) = ask::session_from(&args.session, false)? else {
        return Ok(ExitCode::Usage);
    };
    let gates = validate::constitution(&args.session.gates)?;
    let schemas = validate::schemas(&args.session.gates.crds, &Limits::default())?;
    let shared = Arc::new(Shared::new(
        session,
        schemas,
        gates,
        args.allow_apply,
        args.session.tool_max_bytes,
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let served = match args.http {
        None => runtime.block_on(stdio(Arc::clone(&shared))),
        Some(addr) => runtime.block_on(http(addr, token, Arc::clone(&shared))),
    };
    // A read of stdin may still be blocked: do not wait for it. The session (with its own
    // runtime) is dropped after this runtime, outside any async context.
    runtime.shutdown_timeout(Duration::from_secs(2));
    drop(shared);
    served.map(|()| ExitCode::Ok)
}

/// Serves one client on stdin/stdout until it disconnects (or a signal stops the server).
async fn stdio(shared: Arc<Shared>) -> anyhow::Result<()> {
    if std::io::stdin().is_terminal() {
        eprintln!(
            "shipmate mcp: speaking MCP (JSON-RPC) on stdin/stdout. An MCP client starts this \
             command (e.g. `claude mcp add shipmate -- shipmate mcp`); to serve over the \
             network use --http. Ctrl-C stops it."
        );
    }
    let service = McpServer::new(shared)
        .serve(rmcp::transport::stdio())
        .await
        .context("the MCP client on stdio did not complete the handshake")?;
    tokio::select! {
        ended = service.waiting() => {
            ended.context("the MCP connection on stdio failed")?;
        }
        () = shutdown_signal() => {}
    }
    Ok(())
}

/// Serves streamable HTTP on `addr` until a signal stops the server.
async fn http(addr: SocketAddr, token: Option<Token>, shared: Arc<Shared>) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}; choose another with --http ADDR"))?;
    let local = listener.local_addr().unwrap_or(addr);
    let mode = if shared.allow_apply() {
        "apply enabled"
    } else {
        "read-only"
    };
    let auth = if token.is_some() {
        "bearer token required"
    } else {
        "no token (loopback only)"
    };
    eprintln!("shipmate mcp: listening on http://{local}{MCP_PATH} ({mode}, {auth})");
    let endpoint = Endpoint::new(shared, token, addr.ip().is_loopback());
    crate::mcp::serve(listener, endpoint, shutdown_signal()).await;
    eprintln!("shipmate mcp: stopped");
    Ok(())
}

/// Resolves on Ctrl-C, or on SIGTERM (how a container is stopped).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
