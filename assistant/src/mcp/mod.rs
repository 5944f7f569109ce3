//! `shipmate mcp`: shipmate as an MCP server (Model Context Protocol, the official `rmcp` SDK),
//! so that coding agents use it as their safe hand on a cluster.
//!
//! The tools reuse what the command line does, unchanged: `validate` is `shipmate validate`'s
//! report; `propose` is `ask`'s session (backend, schema, gates); `apply` is the session's
//! apply path (live schemas, server dry-run, server-side apply, audit log) and exists only
//! with `--allow-apply`; `list`/`get`/`describe`/`logs`/`events` are the read-only cluster tools
//! a model gets, with the same caps, Secret handling and masking.
//!
//! Transports: stdio (the default; stdout carries only protocol messages, so nothing else is
//! ever printed there) or streamable HTTP at `/mcp` ([`http`]), guarded by a bearer token
//! ([`auth`]) that a non-loopback bind requires.

pub mod auth;
pub mod http;
pub mod server;
mod store;
pub mod tools;
mod ui;

pub use auth::{Token, check_bind};
pub use http::{Endpoint, serve};
pub use server::McpServer;
pub use tools::Shared;
