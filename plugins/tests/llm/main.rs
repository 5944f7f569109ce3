//! Integration tests of the LLM backends against the loopback fake provider
//! (`shipmate_e2e::fake_llm`): what is sent, how failures are retried and reported.

mod anthropic;
mod anthropic_tools;
mod common;
mod gemini;
mod ollama;
mod openai;
mod scenarios;
mod tools;
