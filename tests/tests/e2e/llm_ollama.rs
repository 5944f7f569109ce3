//! `shipmate ask --backend ollama` against the fake Ollama server: `OLLAMA_HOST` as Ollama
//! spells it (no scheme), no key, and the proposal through the pipeline.

use shipmate_e2e::Sandbox;
use shipmate_e2e::fake_llm::{FakeLlm, ollama};

use crate::llm_openai::{LEAKY_REQUEST, SCALE_ANSWER, assert_proposed};

#[test]
fn an_ollama_proposal_goes_through_the_pipeline() {
    let llm = FakeLlm::start();
    llm.push(ollama::chat(SCALE_ANSWER));
    let sandbox = Sandbox::new();
    let host = llm.url().trim_start_matches("http://").to_owned();
    let out = sandbox
        .shipmate()
        .env("OLLAMA_HOST", host)
        .args(["ask", "--backend", "ollama", "--model", "qwen2.5-coder:7b"])
        .args(["--output", "json", "--no-apply", LEAKY_REQUEST])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run shipmate");
    let p = assert_proposed(&out, "ollama");
    assert_eq!(
        p["usage"]["prompt_tokens"].as_u64(),
        Some(ollama::PROMPT_TOKENS),
        "{p}"
    );
    let sent = &llm.requests()[0];
    assert_eq!(sent.path, "/api/chat");
    assert_eq!(sent.json()["model"], "qwen2.5-coder:7b");
    assert!(!sent.text().contains("pa55w0rd-e2e"));
}
