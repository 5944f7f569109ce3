//! `list`: compact tables read page by page, stopping at [`ToolLimits::list_rows`](super::ToolLimits).

use kube::api::ListParams;
use serde_json::Value;

use super::table::{Table, age, text};
use super::{ClusterReader, Kind, ToolError, columns};

/// Largest page asked of the server.
const PAGE: usize = 500;

/// Objects read from a paginated list.
pub(super) struct Page {
    /// The objects, as JSON.
    pub items: Vec<Value>,
    /// Whether more objects exist than were read, and how many when the server said.
    pub more: Option<Option<i64>>,
}

impl ClusterReader<'_> {
    /// A table of the objects of `kind` in `namespace` (`None`: all namespaces), optionally
    /// filtered by a label `selector` (`app=web,tier!=db`): NAME, kind-specific columns as
    /// kubectl prints them (pods: READY STATUS RESTARTS; deployments: READY UP-TO-DATE
    /// AVAILABLE; services, nodes, jobs, …), AGE. Events are listed as by
    /// [`events`](Self::events). At most `list_rows` rows; a last line says how many more exist.
    ///
    /// # Errors
    /// An unknown kind, a bad selector, or a cluster failure.
    pub async fn list(
        &self,
        kind: &str,
        namespace: Option<&str>,
        selector: Option<&str>,
    ) -> Result<String, ToolError> {
        let kind = self.kind(kind).await?;
        if kind.kind() == "Event" {
            return self.event_table(namespace, selector, None).await;
        }
        let ns = namespace.filter(|_| kind.resource.namespaced);
        let page = self
            .read_list(&kind, ns, selector, None, self.limits.list_rows)
            .await?;
        let all_namespaces = kind.resource.namespaced && ns.is_none();
        let columns = columns::for_kind(&kind.resource.api_resource.group, kind.kind());
        let mut header = Vec::new();
        if all_namespaces {
            header.push("NAMESPACE");
        }
        header.push("NAME");
        header.extend(columns.header);
        header.push("AGE");
        let mut table = Table::new(header);
        for o in &page.items {
            let m = &o["metadata"];
            let mut row = Vec::new();
            if all_namespaces {
                row.push(text(&m["namespace"]));
            }
            row.push(text(&m["name"]));
            row.extend((columns.row)(o));
            row.push(age(&m["creationTimestamp"]));
            table.push(row);
        }
        if table.len() == 0 {
            let place = where_(ns, all_namespaces, selector);
            return Ok(format!("no {} found{place}", kind.plural()));
        }
        let mut out = table.render();
        out.push_str(&more_note(&page, kind.plural()));
        Ok(self.capped(out, "narrow with a label selector (-l) or a namespace"))
    }

    /// Reads up to `max` objects page by page (`limit` + `continue`).
    pub(super) async fn read_list(
        &self,
        kind: &Kind,
        ns: Option<&str>,
        labels: Option<&str>,
        fields: Option<&str>,
        max: usize,
    ) -> Result<Page, ToolError> {
        let api = self.list_api(kind, ns);
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let want = (max - items.len()).min(PAGE);
            let mut lp = ListParams::default().limit(u32::try_from(want).unwrap_or(u32::MAX));
            lp.label_selector = labels.filter(|l| !l.is_empty()).map(str::to_string);
            lp.field_selector = fields.map(str::to_string);
            lp.continue_token = token.take();
            let list = api
                .list(&lp)
                .await
                .map_err(|e| self.api_error(e, "list", kind, None, ns))?;
            for obj in list.items {
                items.push(serde_json::to_value(obj).unwrap_or_default());
            }
            match list.metadata.continue_.filter(|c| !c.is_empty()) {
                Some(next) if items.len() < max => token = Some(next),
                Some(_) => {
                    return Ok(Page {
                        items,
                        more: Some(list.metadata.remaining_item_count),
                    });
                }
                None => return Ok(Page { items, more: None }),
            }
        }
    }
}

/// ` in namespace shop with labels app=web`, for "nothing found" answers.
pub(super) fn where_(ns: Option<&str>, all_namespaces: bool, selector: Option<&str>) -> String {
    let mut out = match ns {
        Some(ns) => format!(" in namespace {ns}"),
        None if all_namespaces => " in any namespace".to_string(),
        None => String::new(),
    };
    if let Some(s) = selector.filter(|s| !s.is_empty()) {
        out.push_str(&format!(" with labels {s}"));
    }
    out
}

/// The last line of a list that stopped early: how many more, and how to narrow.
pub(super) fn more_note(page: &Page, plural: &str) -> String {
    match page.more {
        None => String::new(),
        Some(count) => {
            let count = count.map(|n| format!("{n} ")).unwrap_or_default();
            format!(
                "[… {count}more {plural} not shown after {} rows; narrow with a label selector (-l) or a namespace]\n",
                page.items.len()
            )
        }
    }
}
