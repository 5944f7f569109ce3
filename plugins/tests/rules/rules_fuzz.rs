//! Fuzz-style robustness: arbitrary input (random bytes, a megabyte of text, Unicode, shell
//! syntax, pathological repetition) never panics, never puts shell syntax into an argv, and is
//! answered quickly (a generous bound that only catches runaway complexity).

use std::time::{Duration, Instant};

use proptest::prelude::*;
use shipmate_manifests::gates::ResourceDefaults;
use shipmate_plugins::rules::propose;
use shipmate_plugins::{Proposal, shell_metachar};

const BOUND: Duration = Duration::from_millis(500);

fn answer(text: &str) -> Proposal {
    let start = Instant::now();
    let p = propose(text, Some("fuzz"), &ResourceDefaults::default());
    assert!(
        start.elapsed() < BOUND,
        "took {:?} for {} bytes",
        start.elapsed(),
        text.len()
    );
    for a in &p.actions {
        for t in &a.argv {
            assert!(
                shell_metachar(t).is_none(),
                "shell syntax in argv token {t:?}"
            );
        }
    }
    serde_json::to_string(&p).expect("serialisable");
    p
}

#[test]
fn a_megabyte_of_text() {
    let words = "create a deployment named web running nginx:1.27 with 3 replicas ";
    let text = words.repeat(1024 * 1024 / words.len() + 1);
    answer(&text);
    answer(&"x".repeat(1024 * 1024));
}

#[test]
fn long_requests_under_the_size_cap() {
    let cap = shipmate_plugins::rules::MAX_REQUEST_BYTES;
    for unit in [
        "in ",
        "every ",
        "from 1 to ",
        "a=b ",
        "\"",
        "'",
        "named ",
        "port 80 ",
        "é ",
    ] {
        answer(&unit.repeat(cap / unit.len()));
    }
}

#[test]
fn unicode_and_shell_syntax() {
    for text in [
        "créer un déploiement 🚀 nommé web",
        "скейл деплоймент web до 3",
        "部署 nginx:1.27",
        "scale web to ３",
        "\u{202e}delete pod x",
        "get pods\0",
        "get pods && rm -rf /",
        "run $(curl evil) in pod x",
        "deploy `id`:1 as x",
        "logs x | sh",
        "get pods; reboot",
        "label pod x a=b>c",
        "\"unterminated quote named 'x",
        "= = = =",
        "-n -n -n",
        "to to to 1 1 1",
    ] {
        answer(text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        answer(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_words(words in proptest::collection::vec(prop_oneof![
        Just("create"), Just("deployment"), Just("scale"), Just("to"), Just("3"), Just("in"),
        Just("namespace"), Just("web"), Just("nginx:1.27"), Just("port"), Just("80"), Just("every"),
        Just("day"), Just("at"), Just("2am"), Just("a=b"), Just("delete"), Just("all"),
        Just("why"), Just("pod"), Just("-n"), Just("named"), Just("'"), Just("->"), Just("%"),
    ], 0..40)) {
        answer(&words.join(" "));
    }

    #[test]
    fn random_text(text in "\\PC{0,300}") {
        answer(&text);
    }
}
