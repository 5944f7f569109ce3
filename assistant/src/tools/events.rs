//! `events`: the cluster's events, newest last, repeats folded into one row with a count.

use std::collections::HashMap;

use serde_json::Value;

use super::list::{more_note, where_};
use super::table::{Table, age, epoch, int, text};
use super::{ClusterReader, ToolError};

/// How many events are read at most to find the newest (events are listed by name, not
/// time, so the newest can only be found by reading them).
const MAX_READ: usize = 5000;

impl ClusterReader<'_> {
    /// Events in `namespace` (`None`: all namespaces; with `object`, the default namespace),
    /// or only those about `object` = `(kind, name)`: LAST SEEN, TYPE, REASON, OBJECT,
    /// COUNT, MESSAGE; newest last; repeats of the same reason and message on the same object
    /// folded into one row; the newest `list_rows` rows.
    ///
    /// # Errors
    /// An unknown kind in `object`, or a cluster failure.
    pub async fn events(
        &self,
        namespace: Option<&str>,
        object: Option<(&str, &str)>,
    ) -> Result<String, ToolError> {
        let about = match object {
            Some((kind, name)) => {
                let kind = self.kind(kind).await?;
                let ns = kind
                    .resource
                    .namespaced
                    .then(|| self.namespace_or_default(namespace));
                Some((kind.kind().to_string(), name.to_string(), ns))
            }
            None => None,
        };
        let ns = match &about {
            Some((_, _, ns)) => ns.as_deref().or(namespace),
            None => namespace,
        };
        self.event_table(
            ns,
            None,
            about.as_ref().map(|(k, n, _)| (k.as_str(), n.as_str())),
        )
        .await
    }

    /// The events table (see [`events`](Self::events)) for `ns`, filtered by labels and by
    /// the involved object's kind and name.
    pub(super) async fn event_table(
        &self,
        ns: Option<&str>,
        labels: Option<&str>,
        about: Option<(&str, &str)>,
    ) -> Result<String, ToolError> {
        let kind = self.kind("events").await?;
        let fields = about.map(|(k, n)| format!("involvedObject.kind={k},involvedObject.name={n}"));
        let page = self
            .read_list(&kind, ns, labels, fields.as_deref(), MAX_READ)
            .await?;
        let mut rows = fold(&page.items);
        if rows.is_empty() {
            let subject = about
                .map(|(k, n)| format!(" about {k}/{n}"))
                .unwrap_or_default();
            return Ok(format!(
                "no events{subject}{}",
                where_(ns, ns.is_none(), labels)
            ));
        }
        let shown = rows.len().min(self.limits.list_rows);
        let older = rows.len() - shown;
        rows.drain(..older);
        let all_namespaces = ns.is_none();
        let mut header = vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "COUNT", "MESSAGE"];
        if all_namespaces {
            header.insert(0, "NAMESPACE");
        }
        let mut table = Table::new(header);
        for row in rows {
            let e = row.event;
            let mut cells = vec![
                age(&last_seen(e).1),
                text(&e["type"]),
                text(&e["reason"]),
                format!(
                    "{}/{}",
                    text(&e["involvedObject"]["kind"]).to_ascii_lowercase(),
                    text(&e["involvedObject"]["name"])
                ),
                row.count.to_string(),
                text(&e["message"]),
            ];
            if all_namespaces {
                cells.insert(0, text(&e["metadata"]["namespace"]));
            }
            table.push(cells);
        }
        // Over the byte cap, drop the oldest rows rather than cutting the newest.
        let rendered = table.render();
        let mut lines = rendered.lines();
        let header = lines.next().unwrap_or_default();
        let lines: Vec<&str> = lines.collect();
        let budget = self.limits.max_bytes.saturating_sub(header.len() + 300);
        let mut size: usize = lines.iter().map(|l| l.len() + 1).sum();
        let mut skip = 0;
        while size > budget && skip + 1 < lines.len() {
            size -= lines[skip].len() + 1;
            skip += 1;
        }
        let older = older + skip;
        let mut out = String::new();
        if older > 0 {
            out.push_str(&format!(
                "[… {older} older event rows not shown; name an object or a namespace]\n"
            ));
        }
        out.push_str(header);
        out.push('\n');
        for line in &lines[skip..] {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&more_note(&page, "events (unread, so possibly newer)"));
        Ok(self.capped(out, "name an object or a namespace"))
    }
}

/// Events folded by (namespace, object, type, reason, message), oldest first.
struct Row<'a> {
    event: &'a Value,
    count: i64,
    last: i64,
}

fn fold(events: &[Value]) -> Vec<Row<'_>> {
    let mut rows: Vec<Row<'_>> = Vec::new();
    let mut index: HashMap<[String; 6], usize> = HashMap::new();
    for e in events {
        let o = &e["involvedObject"];
        let key = [
            text(&e["metadata"]["namespace"]),
            text(&o["kind"]),
            text(&o["name"]),
            text(&e["type"]),
            text(&e["reason"]),
            text(&e["message"]),
        ];
        let count = int(&e["count"]).max(int(&e["series"]["count"])).max(1);
        let last = last_seen(e).0;
        match index.get(&key) {
            Some(&i) => {
                let row = &mut rows[i];
                row.count += count;
                if last >= row.last {
                    row.last = last;
                    row.event = e;
                }
            }
            None => {
                index.insert(key, rows.len());
                rows.push(Row {
                    event: e,
                    count,
                    last,
                });
            }
        }
    }
    rows.sort_by_key(|r| r.last);
    rows
}

/// When an event was last seen (the first of its timestamps that is set, most specific
/// first), as seconds and as the value.
fn last_seen(e: &Value) -> (i64, Value) {
    [
        &e["series"]["lastObservedTime"],
        &e["lastTimestamp"],
        &e["eventTime"],
        &e["firstTimestamp"],
        &e["metadata"]["creationTimestamp"],
    ]
    .into_iter()
    .find_map(|v| epoch(v).map(|t| (t, v.clone())))
    .unwrap_or((0, Value::Null))
}
