//! Tokenising a request: quotes respected, punctuation trimmed, multi-word nouns merged
//! (`network policy` → `networkpolicy`), and a mark per token once a slot has consumed it.

/// One word of the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// As written (quotes removed).
    pub raw: String,
    /// Lower-cased.
    pub low: String,
    /// Whether it was quoted.
    pub quoted: bool,
}

/// The words of a request, with the ones already consumed by a slot marked.
#[derive(Debug, Clone)]
pub struct Words {
    toks: Vec<Tok>,
    used: Vec<std::cell::Cell<bool>>,
}

/// Multi-word phrases merged into one token (lower-case), longest first.
const PHRASES: &[(&[&str], &str)] = &[
    (&["horizontal", "pod", "autoscaler"], "hpa"),
    (&["persistent", "volume", "claim"], "pvc"),
    (&["pod", "disruption", "budget"], "pdb"),
    (&["cluster", "role", "binding"], "clusterrolebinding"),
    (&["network", "policy"], "networkpolicy"),
    (&["network", "policies"], "networkpolicy"),
    (&["config", "map"], "configmap"),
    (&["config", "maps"], "configmap"),
    (&["service", "account"], "serviceaccount"),
    (&["service", "accounts"], "serviceaccount"),
    (&["cron", "job"], "cronjob"),
    (&["cron", "jobs"], "cronjob"),
    (&["stateful", "set"], "statefulset"),
    (&["daemon", "set"], "daemonset"),
    (&["replica", "set"], "replicaset"),
    (&["volume", "claim"], "pvc"),
    (&["disruption", "budget"], "pdb"),
    (&["pod", "autoscaler"], "hpa"),
    (&["role", "binding"], "rolebinding"),
    (&["cluster", "admin"], "cluster-admin"),
    (&["cluster", "admins"], "cluster-admin"),
    (&["load", "balancer"], "loadbalancer"),
    (&["node", "port"], "nodeport"),
    (&["cluster", "ip"], "clusterip"),
    (&["roll", "back"], "rollback"),
    (&["port", "forward"], "port-forward"),
    (&["spin", "up"], "create"),
    (&["set", "up"], "create"),
    (&["all", "namespaces"], "allnamespaces"),
    (&["every", "namespace"], "allnamespaces"),
    (&["each", "namespace"], "allnamespaces"),
    (&["any", "namespace"], "allnamespaces"),
    (&["api", "resources"], "api-resources"),
    (&["host", "network"], "hostnetwork"),
    (&["host", "networking"], "hostnetwork"),
    (&["host", "pid"], "hostpid"),
    (&["host", "path"], "hostpath"),
    (&["storage", "class"], "storageclass"),
    (&["target", "port"], "targetport"),
    (&["container", "port"], "containerport"),
    (&["health", "check"], "healthcheck"),
    (&["not", "ready"], "notready"),
    (&["no", "endpoints"], "noendpoints"),
    (&["not", "available"], "unavailable"),
];

/// Characters trimmed from the ends of unquoted words.
const TRIM: &[char] = &[',', '.', '!', '?', ':', ')', '(', '[', ']', '{', '}'];

impl Words {
    /// Splits `text` into words.
    pub fn new(text: &str) -> Words {
        let text = text
            .replace("->", " to ")
            .replace("=>", " to ")
            .replace('→', " to ");
        let mut toks = Vec::new();
        for (raw, quoted) in split(&text) {
            let raw = if quoted {
                raw
            } else {
                let t = raw.trim_matches(TRIM);
                // Keep a lone `/` (a path) and `-A`-style flags intact.
                if t.is_empty() && raw.contains('/') {
                    "/".to_owned()
                } else {
                    t.to_owned()
                }
            };
            if raw.is_empty() {
                continue;
            }
            let low = raw.to_lowercase();
            toks.push(Tok { raw, low, quoted });
        }
        let toks = merge_phrases(split_kubectl_forms(toks));
        let used = vec![std::cell::Cell::new(false); toks.len()];
        Words { toks, used }
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// True when there are no words.
    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    /// The word at `i`.
    pub fn tok(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i)
    }

    /// The lower-cased word at `i` ("" past the end).
    pub fn low(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.low.as_str())
    }

    /// The raw word at `i` ("" past the end).
    pub fn raw(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.raw.as_str())
    }

    /// Whether a slot consumed the word at `i`.
    pub fn used(&self, i: usize) -> bool {
        self.used.get(i).is_none_or(std::cell::Cell::get)
    }

    /// Marks words as consumed.
    pub fn mark(&self, range: std::ops::Range<usize>) {
        for i in range {
            if let Some(u) = self.used.get(i) {
                u.set(true);
            }
        }
    }

    /// Index of the first word equal to any of `words`.
    pub fn find(&self, words: &[&str]) -> Option<usize> {
        self.toks
            .iter()
            .position(|t| words.contains(&t.low.as_str()))
    }

    /// Whether any word equals any of `words`.
    pub fn has(&self, words: &[&str]) -> bool {
        self.find(words).is_some()
    }

    /// Whether any word starts with any of `prefixes`.
    pub fn has_prefix(&self, prefixes: &[&str]) -> bool {
        self.toks
            .iter()
            .any(|t| prefixes.iter().any(|p| t.low.starts_with(p)))
    }

    /// Indices of all words.
    pub fn indices(&self) -> std::ops::Range<usize> {
        0..self.toks.len()
    }
}

/// Splits on whitespace; a quote at the start of a word or right after `=` opens a quoted
/// section that runs to the matching quote.
fn split(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut closed_quote = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            if !cur.is_empty() {
                out.push((std::mem::take(&mut cur), quoted));
            }
            quoted = false;
            closed_quote = false;
            continue;
        }
        if closed_quote && TRIM.contains(&c) {
            continue;
        }
        if let Some(close) = closing_quote(c)
            && (cur.is_empty() || cur.ends_with('='))
        {
            let mut inner = String::new();
            let mut closed = false;
            for d in chars.by_ref() {
                if d == close || (close == '\'' && d == '’') {
                    closed = true;
                    break;
                }
                inner.push(d);
            }
            if !closed && !cur.is_empty() {
                cur.push(c);
            }
            quoted = cur.is_empty();
            closed_quote = closed;
            cur.push_str(&inner);
            continue;
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push((cur, quoted));
    }
    out
}

fn closing_quote(c: char) -> Option<char> {
    match c {
        '"' => Some('"'),
        '\'' => Some('\''),
        '“' => Some('”'),
        '‘' => Some('’'),
        _ => None,
    }
}

/// kubectl forms become words: `deploy/web` → `deploy web`, `--image=x` → `image x`.
fn split_kubectl_forms(toks: Vec<Tok>) -> Vec<Tok> {
    let word = |raw: &str| Tok {
        raw: raw.to_owned(),
        low: raw.to_lowercase(),
        quoted: false,
    };
    let mut out = Vec::with_capacity(toks.len());
    for t in toks {
        if !t.quoted
            && let Some((kind, name)) = t.raw.split_once('/')
            && !name.is_empty()
            && !name.contains('/')
            && super::vocab::resource(&kind.to_lowercase()).is_some()
        {
            out.push(word(kind));
            out.push(word(name));
        } else if !t.quoted
            && let Some(value) = t.raw.strip_prefix("--image=")
        {
            out.push(word("image"));
            out.push(word(value));
        } else {
            out.push(t);
        }
    }
    out
}

fn merge_phrases(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut i = 0;
    'outer: while i < toks.len() {
        for (phrase, merged) in PHRASES {
            let n = phrase.len();
            if i + n <= toks.len()
                && phrase
                    .iter()
                    .zip(&toks[i..i + n])
                    .all(|(p, t)| !t.quoted && t.low == *p)
            {
                out.push(Tok {
                    raw: (*merged).to_owned(),
                    low: (*merged).to_owned(),
                    quoted: false,
                });
                i += n;
                continue 'outer;
            }
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_punctuation_and_phrases() {
        let w = Words::new(r#"create a Network Policy called "web-deny", with msg='hello world'."#);
        let lows: Vec<&str> = w.indices().map(|i| w.low(i)).collect();
        assert_eq!(
            lows,
            [
                "create",
                "a",
                "networkpolicy",
                "called",
                "web-deny",
                "with",
                "msg=hello world"
            ]
        );
        assert!(w.tok(4).unwrap().quoted);
    }

    #[test]
    fn arrows_and_paths() {
        let w = Words::new("port 443 -> 8443 sending / to blog");
        assert_eq!(w.low(2), "to");
        assert_eq!(w.low(5), "/");
    }

    #[test]
    fn apostrophes_inside_words_are_kept() {
        let w = Words::new("what's wrong with pod x");
        assert_eq!(w.low(0), "what's");
    }
}
