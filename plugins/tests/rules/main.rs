//! Integration tests of the rules backend, compiled into one test binary so they stay fast to
//! build: every intent and slot kind, generated manifests validate strictly, and arbitrary input
//! never panics.

mod rules_fuzz;
mod rules_intents;
mod rules_manifests_valid;
