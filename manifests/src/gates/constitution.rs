//! The constitution file format: parsing, validation and compilation, and where it is found.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::catalogue::{Gate, Rule, Settings};
use super::{Constitution, ConstitutionError, Severity, quantity};

/// The built-in constitution, with comments (what `shipmate constitution init` writes).
pub(crate) const DEFAULT_YAML: &str = include_str!("default.yaml");

/// The only format version so far.
const VERSION: u32 = 1;

/// A pair of container resource quantities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceAmounts {
    /// CPU quantity (`100m`, `2`).
    #[serde(deserialize_with = "quantity_text")]
    pub cpu: String,
    /// Memory quantity (`128Mi`).
    #[serde(deserialize_with = "quantity_text")]
    pub memory: String,
}

/// A quantity written as a YAML string or number (`cpu: 2`).
fn quantity_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        S(String),
        I(u64),
        F(f64),
    }
    Ok(match Text::deserialize(d)? {
        Text::S(s) => s,
        Text::I(i) => i.to_string(),
        Text::F(f) => f.to_string(),
    })
}

/// Container resources for generated objects, and the per-container budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceDefaults {
    /// Requests given to containers of generated objects.
    pub requests: ResourceAmounts,
    /// Limits given to containers of generated objects.
    pub limits: ResourceAmounts,
    /// The most one container may ask for (limits and requests); the `resources-within-budget`
    /// gate checks it.
    pub budget: ResourceAmounts,
}

impl Default for ResourceDefaults {
    fn default() -> Self {
        let amounts = |cpu: &str, memory: &str| ResourceAmounts {
            cpu: cpu.to_owned(),
            memory: memory.to_owned(),
        };
        ResourceDefaults {
            requests: amounts("100m", "128Mi"),
            limits: amounts("500m", "512Mi"),
            budget: amounts("2", "4Gi"),
        }
    }
}

/// Where the effective constitution came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstitutionOrigin {
    /// `constitution.yaml` in the project (working) directory.
    Project(PathBuf),
    /// `constitution.yaml` in the user config directory.
    User(PathBuf),
    /// The built-in default.
    Builtin,
}

impl fmt::Display for ConstitutionOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConstitutionOrigin::Project(p) => write!(f, "{} (project)", p.display()),
            ConstitutionOrigin::User(p) => write!(f, "{} (user config)", p.display()),
            ConstitutionOrigin::Builtin => f.write_str("built-in default"),
        }
    }
}

fn default_protected() -> Vec<String> {
    ["kube-system", "kube-public", "kube-node-lease"]
        .map(String::from)
        .to_vec()
}

fn default_version() -> u32 {
    VERSION
}

/// The file as written (top level).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    #[serde(default = "default_version")]
    version: u32,
    #[serde(default = "default_protected")]
    protected_namespaces: Vec<String>,
    #[serde(default)]
    allowed_registries: Vec<String>,
    #[serde(default)]
    resources: ResourceDefaults,
    /// Required: a file that only tweaks settings must not silently drop every gate.
    gates: Vec<Value>,
}

/// One gate as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GateSpec {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub kinds: Option<Vec<String>>,
    #[serde(default)]
    pub namespaces: Option<Vec<String>>,
    #[serde(default)]
    pub waivable: bool,
    #[serde(default)]
    pub check: Option<String>,
    #[serde(default)]
    pub params: Option<Map<String, Value>>,
    #[serde(default)]
    pub expr: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub fix: Option<String>,
}

/// A validated constitution, as data (what `to_yaml` writes and equality compares).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spec {
    pub version: u32,
    pub protected_namespaces: Vec<String>,
    pub allowed_registries: Vec<String>,
    pub resources: ResourceDefaults,
    pub gates: Vec<GateSpec>,
}

pub(crate) fn builtin() -> Constitution {
    static BUILTIN: OnceLock<Constitution> = OnceLock::new();
    BUILTIN
        .get_or_init(|| match from_yaml(DEFAULT_YAML, "built-in") {
            Ok(c) => c,
            // Guarded by tests; an empty constitution is the only panic-free fallback.
            Err(err) => unreachable!("the built-in constitution is invalid: {err}"),
        })
        .clone()
}

pub(crate) fn from_yaml(text: &str, source_name: &str) -> Result<Constitution, ConstitutionError> {
    let invalid = |message: String| ConstitutionError::Invalid {
        source_name: source_name.to_owned(),
        message,
    };
    // YAML 1.2 booleans only: a gate id `n` or a namespace `no` stays a string.
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    let raw: RawSpec = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        invalid(format!(
            "{e}\n(a constitution has `version`, `protected_namespaces`, `allowed_registries`, \
             `resources` and `gates` (required; `gates: []` for none); see `shipmate \
             constitution init` for a commented example)"
        ))
    })?;
    if raw.version != VERSION {
        return Err(invalid(format!(
            "unsupported version {}; set `version: {VERSION}`",
            raw.version
        )));
    }
    check_resources(&raw.resources).map_err(invalid)?;
    let mut specs = Vec::with_capacity(raw.gates.len());
    for (i, value) in raw.gates.into_iter().enumerate() {
        let label = value
            .get("id")
            .and_then(Value::as_str)
            .map(|id| format!("gate `{id}`"))
            .unwrap_or_else(|| format!("gate #{}", i + 1));
        let spec: GateSpec =
            serde_json::from_value(value).map_err(|e| invalid(format!("{label}: {e}")))?;
        specs.push(spec);
    }
    let spec = Spec {
        version: raw.version,
        protected_namespaces: raw.protected_namespaces,
        allowed_registries: raw.allowed_registries,
        resources: raw.resources,
        gates: specs,
    };
    compile(spec).map_err(invalid)
}

fn check_resources(r: &ResourceDefaults) -> Result<(), String> {
    let fields = [
        ("requests.cpu", &r.requests.cpu),
        ("requests.memory", &r.requests.memory),
        ("limits.cpu", &r.limits.cpu),
        ("limits.memory", &r.limits.memory),
        ("budget.cpu", &r.budget.cpu),
        ("budget.memory", &r.budget.memory),
    ];
    for (field, q) in fields {
        if quantity::parse(q).is_none() {
            return Err(format!(
                "resources.{field}: `{q}` is not a Kubernetes quantity; write e.g. `500m` or `256Mi`"
            ));
        }
    }
    Ok(())
}

/// Validates gate specs and compiles them.
fn compile(spec: Spec) -> Result<Constitution, String> {
    let mut gates = Vec::with_capacity(spec.gates.len());
    let mut seen = std::collections::HashSet::new();
    for g in &spec.gates {
        let fail = |m: String| format!("gate `{}`: {m}", g.id);
        if g.id.is_empty()
            || !g
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(fail(
                "the id must be non-empty lowercase letters, digits and `-` (it becomes part of \
                 the waiver annotation `waive.shipmate.dev/<id>`)"
                    .into(),
            ));
        }
        if g.id == super::WAIVER_GATE {
            return Err(fail("`waiver` is reserved; choose another id".into()));
        }
        if !seen.insert(g.id.as_str()) {
            return Err(fail("duplicate id; every gate needs its own".into()));
        }
        let rule = match (&g.check, &g.expr) {
            (Some(_), Some(_)) => {
                return Err(fail("has both `check` and `expr`; keep one".into()));
            }
            (None, None) => {
                return Err(fail(
                    "needs either `check: <built-in check>` or `expr: <CEL over object>`".into(),
                ));
            }
            (Some(check), None) => {
                if g.message.is_some() || g.fix.is_some() {
                    return Err(fail(
                        "`message` and `fix` belong to CEL gates; built-in checks write their own"
                            .into(),
                    ));
                }
                let rule = Rule::builtin(check, g.params.as_ref()).map_err(fail)?;
                if matches!(rule, Rule::Action(_))
                    && (g.kinds.is_some() || g.namespaces.is_some() || g.waivable)
                {
                    return Err(fail(format!(
                        "`{check}` checks kubectl actions, which have no kind, namespace filter \
                         or waiver; remove `kinds`, `namespaces` and `waivable`"
                    )));
                }
                rule
            }
            (None, Some(expr)) => {
                if g.params.is_some() {
                    return Err(fail(
                        "`params` belong to built-in checks, not CEL gates".into(),
                    ));
                }
                let (Some(message), Some(fix)) = (&g.message, &g.fix) else {
                    return Err(fail(
                        "a CEL gate needs `message` (what is wrong) and `fix` (what to change)"
                            .into(),
                    ));
                };
                Rule::cel(expr, message, fix).map_err(fail)?
            }
        };
        gates.push(Gate {
            id: g.id.clone(),
            severity: g.severity,
            waivable: g.waivable || g.severity == Severity::Warn,
            kinds: g.kinds.clone(),
            namespaces: g.namespaces.clone(),
            rule,
        });
    }
    let settings = Settings::new(&spec);
    Ok(Constitution {
        spec,
        settings,
        gates,
    })
}

pub(crate) fn user_config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        if dir.is_absolute() {
            return Some(dir.join("shipmate"));
        }
    }
    let home = std::env::var_os("HOME").filter(|d| !d.is_empty())?;
    Some(PathBuf::from(home).join(".config").join("shipmate"))
}

pub(crate) fn discover(
    cwd: &Path,
    config_dir: Option<&Path>,
) -> Result<(Constitution, ConstitutionOrigin), ConstitutionError> {
    let project = cwd.join("constitution.yaml");
    if project.is_file() {
        return Ok((
            Constitution::load(&project)?,
            ConstitutionOrigin::Project(project),
        ));
    }
    let user_dir = match config_dir {
        Some(d) => Some(d.to_owned()),
        None => user_config_dir(),
    };
    if let Some(dir) = user_dir {
        let user = dir.join("constitution.yaml");
        if user.is_file() {
            return Ok((Constitution::load(&user)?, ConstitutionOrigin::User(user)));
        }
    }
    Ok((builtin(), ConstitutionOrigin::Builtin))
}
