//! `shipmate ask --backend gemini` against the fake Gemini API: the model named by `--model`
//! is in the path, the key only in its header, and the proposal goes through the pipeline.

use shipmate_e2e::Sandbox;
use shipmate_e2e::fake_llm::{FakeLlm, gemini};

use crate::llm_openai::{LEAKY_REQUEST, SCALE_ANSWER, assert_proposed};

const KEY: &str = "AIzaSy-e2e-0123456789abcdefghijklmn";

#[test]
fn a_gemini_proposal_goes_through_the_pipeline_with_the_key_in_its_header() {
    let llm = FakeLlm::start();
    llm.push(gemini::answer(SCALE_ANSWER));
    let sandbox = Sandbox::new();
    let out = sandbox
        .shipmate()
        .env("GEMINI_BASE_URL", llm.url())
        .env("GEMINI_API_KEY", KEY)
        .args(["ask", "--backend", "gemini", "--model", "gemini-2.5-pro"])
        .args(["--output", "json", "--no-apply", LEAKY_REQUEST])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run shipmate");
    let p = assert_proposed(&out, "gemini");
    assert_eq!(
        (
            p["usage"]["calls"].as_u64(),
            p["usage"]["prompt_tokens"].as_u64()
        ),
        (Some(1), Some(gemini::PROMPT_TOKENS)),
        "{p}"
    );
    let sent = &llm.requests()[0];
    assert_eq!(sent.path, "/v1beta/models/gemini-2.5-pro:generateContent");
    assert_eq!(sent.header("x-goog-api-key"), Some(KEY));
    assert!(!sent.query.contains(KEY) && !sent.text().contains(KEY));
    assert!(!sent.text().contains("pa55w0rd-e2e"), "{}", sent.text());
    assert!(!String::from_utf8_lossy(&out.stderr).contains(KEY));
}
