//! End-to-end tests of the built `shipmate` binary, compiled into one test executable.

mod actions;
mod apply;
mod apply_files;
mod ask;
mod constitution;
mod diagnose;
mod fake_kube_client;
mod fake_kube_kubectl;
mod fake_kube_reads;
mod fallback;
mod faults;
mod history;
mod llm_anthropic;
mod llm_gemini;
mod llm_ollama;
mod llm_openai;
mod mcp;
mod repl;
mod undo;
mod validate;
mod validate_hostile;
