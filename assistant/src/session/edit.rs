//! "edit" at the confirmation: the proposal's manifests and actions go to a temporary YAML file,
//! `$VISUAL`/`$EDITOR` opens it (as an argv: the variable is split on whitespace, never given
//! to a shell), and what comes back replaces them, to be validated again from scratch.

use std::io::Write as _;
use std::process::Command;

use anyhow::{Context as _, anyhow, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shipmate_plugins::{Action, Proposal};

/// Appended to the summary of a proposal changed in the editor.
const EDITED: &str = " (edited by hand)";

/// Largest edited file read back.
const MAX_EDITED: u64 = 16 * 1024 * 1024;

/// The editable part of a proposal.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Editable {
    /// The manifests.
    #[serde(default)]
    pub manifests: Vec<Value>,
    /// The actions, each a kubectl argv.
    #[serde(default)]
    pub actions: Vec<Vec<String>>,
}

const HEADER: &str = "\
# Edit the proposal, save and quit: shipmate validates it again and asks once more.
# `manifests` holds Kubernetes objects; `actions` holds kubectl argv lists.
# Leave the file empty to cancel.
";

/// The editor command: `$VISUAL`, else `$EDITOR`, else `vi`, split on whitespace.
pub fn editor_argv() -> Vec<String> {
    let text = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "vi".into());
    text.split_whitespace().map(str::to_owned).collect()
}

/// Renders the editable part as YAML with an explanatory header.
pub fn to_text(p: &Proposal) -> anyhow::Result<String> {
    let editable = Editable {
        manifests: p.manifests.clone(),
        actions: p.actions.iter().map(|a| a.argv.clone()).collect(),
    };
    let body = serde_saphyr::to_string(&editable).context("cannot render the proposal as YAML")?;
    Ok(format!("{HEADER}{body}"))
}

/// Parses an edited file. `Ok(None)`: the file was emptied (cancel).
///
/// # Errors
/// Invalid YAML, unknown top-level keys, or a manifest that is not a mapping, each named.
pub fn from_text(text: &str) -> anyhow::Result<Option<Editable>> {
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(None);
    }
    let editable: Editable = serde_saphyr::from_str(text).map_err(|e| {
        anyhow!("the edited proposal is not valid: {e}; expected `manifests:` and `actions:`")
    })?;
    for (i, m) in editable.manifests.iter().enumerate() {
        if !m.is_object() {
            bail!("manifests[{i}] is not a mapping; each manifest is a Kubernetes object");
        }
    }
    for (i, a) in editable.actions.iter().enumerate() {
        if a.is_empty() {
            bail!("actions[{i}] is empty; each action is a kubectl argv list");
        }
    }
    Ok(Some(editable))
}

/// Replaces `p`'s manifests and actions with the edited ones and clears the findings (the
/// caller validates again).
pub fn replace(p: &mut Proposal, edited: Editable) {
    p.manifests = edited.manifests;
    p.actions = edited
        .actions
        .into_iter()
        .map(|argv| Action::new(argv, "edited by hand"))
        .collect();
    p.findings.clear();
    p.status = shipmate_plugins::Status::Proposed;
    if !p.summary.ends_with(EDITED) {
        p.summary.push_str(EDITED);
    }
}

/// Opens the proposal in the editor and returns what was saved (`None`: emptied, cancel).
///
/// # Errors
/// The editor cannot be started or fails, the file cannot be read back, or what was saved does
/// not parse — the file's path is in the message, so the edit is not lost.
pub fn edit(p: &Proposal) -> anyhow::Result<Option<Editable>> {
    let mut file = tempfile::Builder::new()
        .prefix("shipmate-proposal-")
        .suffix(".yaml")
        .tempfile()
        .context("cannot create a temporary file for the editor")?;
    file.write_all(to_text(p)?.as_bytes())
        .and_then(|()| file.flush())
        .context("cannot write the proposal for the editor")?;
    let argv = editor_argv();
    let status = Command::new(&argv[0])
        .args(&argv[1..])
        .arg(file.path())
        .status()
        .with_context(|| {
            format!(
                "cannot start the editor `{}`; set EDITOR to one that exists",
                argv.join(" ")
            )
        })?;
    if !status.success() {
        bail!(
            "the editor `{}` exited with {status}; nothing changed",
            argv[0]
        );
    }
    let path = file.path().to_owned();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_EDITED {
        bail!("the edited proposal is larger than {MAX_EDITED} bytes");
    }
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read the edited proposal back from {}",
            path.display()
        )
    })?;
    match from_text(&text) {
        Ok(edited) => Ok(edited),
        Err(err) => {
            // Keep the person's work: the temporary file would be deleted on drop.
            let kept = file.into_temp_path().keep().ok();
            let where_ = kept.map_or_else(String::new, |p| format!(" (kept in {})", p.display()));
            Err(err.context(format!("the edit was not applied{where_}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shipmate_plugins::Status;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let mut p = Proposal::new("t", "r", Status::Proposed, "s");
        p.manifests
            .push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}));
        p.actions.push(Action::new(
            vec!["kubectl".into(), "get".into(), "pods".into()],
            "x",
        ));
        let text = to_text(&p).unwrap();
        let back = from_text(&text).unwrap().unwrap();
        assert_eq!(back.manifests, p.manifests);
        assert_eq!(back.actions, vec![vec!["kubectl", "get", "pods"]]);
        assert!(from_text("# only comments\n\n").unwrap().is_none());
        let err = from_text("manifests: [1]\n").unwrap_err().to_string();
        assert!(err.contains("manifests[0]"), "{err}");
        let err = from_text("manifest: []\n").unwrap_err().to_string();
        assert!(err.contains("not valid"), "{err}");
    }
}
