//! Integration tests of `shipmate-manifests`, compiled into one test binary so they stay fast
//! to build. Select a group by module name, e.g. `cargo test -p shipmate-manifests --test
//! integration corpus`.

mod corpus;
mod gates_constitution;
mod gates_corpus;
mod gates_fixtures;
mod gates_robustness;
mod parse;
mod schema_strict;
