//! Rendering argv vectors as POSIX shell command lines a person can paste.
//!
//! shipmate never runs a shell itself — actions are argv vectors — but the manual fallback prints
//! commands for a person to run, and those must mean exactly the argv shown in the JSON. The
//! rule is deliberately simple: a token made only of characters no POSIX shell treats specially
//! is printed as is; anything else is wrapped in single quotes, inside which a shell interprets
//! nothing (an embedded `'` becomes `'\''`). The first word is also quoted when a shell would
//! read it as an assignment (`A=b`) or a reserved word (`if`).

/// Characters that never need quoting in any position of a word.
fn is_plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_./:=,@%+".contains(&b)
}

/// Reserved words that change meaning in command position.
const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
    "in", "function", "select", "time",
];

/// Quotes one token for a POSIX shell so that the shell reads it back as exactly that token.
pub fn quote(token: &str) -> String {
    if !token.is_empty() && token.bytes().all(is_plain) {
        token.to_owned()
    } else {
        force_quote(token)
    }
}

fn force_quote(token: &str) -> String {
    format!("'{}'", token.replace('\'', r"'\''"))
}

/// An argv as one POSIX shell command line: the shell splits it back into exactly `argv`.
pub fn command_line(argv: &[String]) -> String {
    argv.iter()
        .enumerate()
        .map(|(i, token)| {
            if i == 0 && (token.contains('=') || RESERVED.contains(&token.as_str())) {
                force_quote(token)
            } else {
                quote(token)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A strict POSIX word splitter for what [`command_line`] may produce: plain words, single
    /// quotes, double quotes and backslashes. Any unquoted character a shell would interpret
    /// (expansions, operators, globs, comments, tilde) is an error, so the test fails if
    /// quoting ever lets one through.
    fn split(line: &str) -> Result<Vec<String>, String> {
        let mut words = Vec::new();
        let mut word = String::new();
        let mut in_word = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                ' ' | '\t' | '\n' => {
                    if in_word {
                        words.push(std::mem::take(&mut word));
                        in_word = false;
                    }
                }
                '\'' => {
                    in_word = true;
                    loop {
                        match chars.next() {
                            Some('\'') => break,
                            Some(c) => word.push(c),
                            None => return Err("unterminated single quote".into()),
                        }
                    }
                }
                '"' => {
                    in_word = true;
                    loop {
                        match chars.next() {
                            Some('"') => break,
                            Some('\\') => match chars.next() {
                                Some(c @ ('$' | '`' | '"' | '\\')) => word.push(c),
                                Some('\n') => {}
                                Some(c) => {
                                    word.push('\\');
                                    word.push(c);
                                }
                                None => return Err("unterminated double quote".into()),
                            },
                            Some(c @ ('$' | '`')) => return Err(format!("expansion `{c}`")),
                            Some(c) => word.push(c),
                            None => return Err("unterminated double quote".into()),
                        }
                    }
                }
                '\\' => {
                    in_word = true;
                    match chars.next() {
                        Some('\n') => {}
                        Some(c) => word.push(c),
                        None => return Err("trailing backslash".into()),
                    }
                }
                '$' | '`' | ';' | '|' | '&' | '<' | '>' | '(' | ')' | '*' | '?' | '[' | '{'
                | '}' | '!' => return Err(format!("unquoted `{c}`")),
                '#' | '~' if !in_word => return Err(format!("unquoted `{c}` at a word start")),
                c => {
                    in_word = true;
                    word.push(c);
                }
            }
        }
        if in_word {
            words.push(word);
        }
        Ok(words)
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn plain_tokens_stay_readable() {
        let argv = strings(&[
            "kubectl",
            "scale",
            "deployment/web",
            "--replicas=5",
            "-n",
            "prod",
        ]);
        assert_eq!(
            command_line(&argv),
            "kubectl scale deployment/web --replicas=5 -n prod"
        );
    }

    #[test]
    fn special_tokens_are_quoted() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("*=nginx:1"), "'*=nginx:1'");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$(id)"), "'$(id)'");
        assert_eq!(quote("`id`"), "'`id`'");
        assert_eq!(quote("~/x"), "'~/x'");
        assert_eq!(quote("#c"), "'#c'");
        assert_eq!(quote("a\nb"), "'a\nb'");
        assert_eq!(quote("é"), "'é'");
    }

    #[test]
    fn first_word_assignments_and_reserved_words_are_quoted() {
        assert_eq!(command_line(&strings(&["A=b", "c"])), "'A=b' c");
        assert_eq!(command_line(&strings(&["if", "x"])), "'if' x");
        assert_eq!(command_line(&strings(&["x", "A=b", "if"])), "x A=b if");
    }

    #[test]
    fn the_splitter_rejects_what_a_shell_would_interpret() {
        assert!(split("a $HOME").is_err());
        assert!(split("a;b").is_err());
        assert!(split("~/x").is_err());
        assert_eq!(
            split(r#"a "b c" 'd e' f\ g"#).unwrap(),
            ["a", "b c", "d e", "f g"]
        );
    }

    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9=./:-]{0,12}",
            "[ -~]{0,16}",
            "[ a-z'\"$`\\\\\n\t;|&<>(){}*?#~!]{0,16}",
            ".{0,8}",
        ]
    }

    proptest! {
        #[test]
        fn quoting_round_trips(argv in proptest::collection::vec(token(), 1..6)) {
            let line = command_line(&argv);
            prop_assert_eq!(split(&line), Ok(argv), "line: {}", line);
        }
    }

    /// The real thing: `/bin/sh` reads the rendered line back into the same argv.
    #[cfg(unix)]
    #[test]
    fn a_real_shell_reads_the_same_argv() {
        if !std::path::Path::new("/bin/sh").exists() {
            eprintln!("skipping: no /bin/sh");
            return;
        }
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(48));
        let strategy = proptest::collection::vec(
            token().prop_filter("argv cannot hold NUL", |t| !t.contains('\0')),
            1..5,
        );
        runner
            .run(&strategy, |argv| {
                let script = format!("printf '%s\\0' {}", command_line(&argv));
                let out = std::process::Command::new("/bin/sh")
                    .arg("-c")
                    .arg(&script)
                    .output()
                    .expect("run /bin/sh");
                let got: Vec<String> = String::from_utf8(out.stdout)
                    .expect("utf-8")
                    .split_terminator('\0')
                    .map(str::to_owned)
                    .collect();
                prop_assert_eq!(got, argv, "script: {}", script);
                Ok(())
            })
            .unwrap();
    }
}
