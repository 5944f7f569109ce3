//! Ports: `port 8080`, `ports 80 and 443`, `on port 443`, `on 3000`, `443 -> 8443`,
//! `port 80 to 8080`, `target port 8080`, `listening on 9000`, `8080:80`.

use shipmate_manifests::build::PortMap;

use super::numbers::NOT_COUNT;
use crate::rules::text::Words;

fn port(w: &Words, i: usize) -> Option<u16> {
    if w.used(i) {
        return None;
    }
    w.low(i).parse::<u16>().ok().filter(|p| *p > 0)
}

/// Extracts ports; marks the words.
pub fn extract(w: &mut Words) -> Vec<PortMap> {
    let mut ports: Vec<PortMap> = Vec::new();
    let mut target: Option<u16> = None;
    for i in w.indices() {
        if w.used(i) {
            continue;
        }
        let low = w.low(i);
        // `8080:80`
        if let Some((a, b)) = low.split_once(':')
            && let (Ok(a), Ok(b)) = (a.parse::<u16>(), b.parse::<u16>())
        {
            ports.push(PortMap { port: a, target: b });
            w.mark(i..i + 1);
            continue;
        }
        if let Some(v) = low
            .strip_prefix("--port=")
            .or_else(|| low.strip_prefix("port="))
            .and_then(|v| v.parse().ok())
        {
            ports.push(PortMap::same(v));
            w.mark(i..i + 1);
            continue;
        }
        if matches!(low, "targetport" | "--target-port") {
            let j = if w.low(i + 1) == "of" { i + 2 } else { i + 1 };
            if let Some(t) = port(w, j) {
                target = Some(t);
                w.mark(i..j + 1);
            }
            continue;
        }
        let announces = matches!(low, "port" | "ports" | "containerport" | "--port")
            || (matches!(low, "on" | "at")
                && port(w, i + 1).is_some()
                && !NOT_COUNT.contains(&w.low(i + 2))
                && !matches!(w.low(i + 2), "am" | "pm" | "o'clock"));
        if !announces {
            continue;
        }
        let mut j = i + 1;
        if matches!(w.low(j), "number" | "of") {
            j += 1;
        }
        let start = j;
        while let Some(p) = port(w, j) {
            // `443 to 8443`
            if matches!(w.low(j + 1), "to" | "targeting" | "forwarding")
                && let Some(t) = port(w, j + 2)
            {
                ports.push(PortMap { port: p, target: t });
                j += 3;
            } else {
                ports.push(PortMap::same(p));
                j += 1;
            }
            if matches!(w.low(j), "and" | "&") && port(w, j + 1).is_some() {
                j += 1;
            }
        }
        if j > start {
            w.mark(i..j);
        }
    }
    // `listening on 9000` is covered by `on N`; a lone target port applies to the first port.
    if let Some(t) = target {
        match ports.first_mut() {
            Some(first) => first.target = t,
            None => ports.push(PortMap::same(t)),
        }
    }
    ports.dedup();
    ports
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ports(text: &str) -> Vec<(u16, u16)> {
        extract(&mut Words::new(text))
            .into_iter()
            .map(|p| (p.port, p.target))
            .collect()
    }

    #[test]
    fn forms() {
        assert_eq!(ports("on port 443"), [(443, 443)]);
        assert_eq!(ports("ports 80 and 443"), [(80, 80), (443, 443)]);
        assert_eq!(ports("port 443 -> 8443"), [(443, 8443)]);
        assert_eq!(ports("listening on 3000"), [(3000, 3000)]);
        assert_eq!(ports("port 80 target port 8080"), [(80, 8080)]);
        assert_eq!(ports("forward 8080:80"), [(8080, 80)]);
        assert_eq!(ports("on 5 minutes"), []);
        assert_eq!(ports("at 2 am"), []);
    }
}
