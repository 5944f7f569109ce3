//! Benchmark of the `openai` backend's own overhead per model round trip, against the loopback
//! fake provider: the median time of `propose()` minus the median time of a bare HTTP POST of
//! the same body to the same fake (connection set-up, the fake's work and loopback are in both),
//! plus the bytes sent per request.
//!
//! ```text
//! cargo run --release -p shipmate-plugins --example bench_openai [-- ROUNDS]
//! ```

use std::time::{Duration, Instant};

use shipmate_e2e::fake_llm::{FakeLlm, openai};
use shipmate_plugins::{Backend, Context, NoProgress, OpenAiBackend, OpenAiConfig, Request};

const ANSWER: &str = r#"{"status":"proposed","summary":"Scale web to 3","actions":[
  {"argv":["kubectl","scale","deployment/web","--replicas=3"],"reason":"asked"}]}"#;
const REQUEST: &str = "scale deployment web to 3 replicas in namespace shop";

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(300);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let llm = FakeLlm::start();
    let backend =
        OpenAiBackend::new(OpenAiConfig::new().base_url(llm.base_url())).expect("backend");
    let client = reqwest::Client::new();
    let url = format!("{}/chat/completions", llm.base_url());
    let (mut full, mut bare) = (Vec::new(), Vec::new());
    rt.block_on(async {
        for _ in 0..rounds {
            llm.push(openai::chat(ANSWER));
            let mut progress = NoProgress;
            let mut cx = Context::new(&mut progress);
            let started = Instant::now();
            backend
                .propose(&Request::new(REQUEST), &mut cx)
                .await
                .expect("proposal");
            full.push(started.elapsed());

            let body = llm.requests().last().expect("a request").body.clone();
            llm.push(openai::chat(ANSWER));
            let started = Instant::now();
            let resp = client.post(&url).body(body).send().await.expect("post");
            resp.bytes().await.expect("body");
            bare.push(started.elapsed());
        }
    });
    let sent = llm.requests()[0].body.len();
    let (full, bare) = (median(full), median(bare));
    println!("rounds: {rounds}");
    println!("bytes sent per request: {sent}");
    println!("median propose() round trip: {full:?}");
    println!("median bare POST round trip: {bare:?}");
    println!(
        "shipmate overhead per round trip: {:?}",
        full.saturating_sub(bare)
    );
}
