//! User gates written in CEL (the language of Kubernetes ValidatingAdmissionPolicy).
//!
//! The expression sees the object as `object` and must evaluate to `true` for the object to
//! pass. It is compiled once when the constitution is loaded; a syntax error is a
//! `ConstitutionError`. An expression that fails at run time (for example `object.spec.replicas`
//! on an object without `spec.replicas`; guard with `has(object.spec.replicas)`) or returns a
//! non-bool counts as failing — closed, as admission policies fail — and the finding says why.

use std::sync::{Arc, OnceLock};

use cel::{Context, Env, Program};
use serde_json::Value;

use super::catalogue::Sink;

/// A compiled CEL gate.
#[derive(Debug)]
pub(crate) struct CelGate {
    program: Program,
    message: String,
    fix: String,
}

/// The shared CEL environment (standard library and the strings extension).
fn env() -> &'static Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::stdlib();
        // The extension is part of the crate; registering it can only fail on a name clash.
        let _ = env.add_extension(cel::extensions::strings);
        let _ = env.add_extension(cel::extensions::lists);
        Arc::new(env)
    })
}

impl CelGate {
    /// Compiles `expr`.
    pub fn compile(expr: &str, message: &str, fix: &str) -> Result<CelGate, String> {
        let program = env().compile(expr).map_err(|e| {
            format!(
                "CEL expression does not compile: {e}; write a CEL expression over `object` that \
                 is true when the object passes, e.g. `has(object.metadata.labels) && 'team' in \
                 object.metadata.labels`"
            )
        })?;
        Ok(CelGate {
            program,
            message: message.to_owned(),
            fix: fix.to_owned(),
        })
    }

    /// Evaluates the gate on `object`; `cache` holds the object converted to CEL, shared by the
    /// CEL gates of one object.
    pub fn run(&self, object: &Value, cache: &mut Option<cel::Value>, sink: &mut Sink<'_>) {
        let value = match cache {
            Some(v) => v.clone(),
            None => match cel::to_value(object) {
                Ok(v) => cache.insert(v).clone(),
                Err(e) => {
                    sink.emit(
                        format!(
                            "{} (the object could not be given to CEL: {e})",
                            self.message
                        ),
                        self.fix.clone(),
                    );
                    return;
                }
            },
        };
        let mut cx = Context::with_env(Arc::clone(env()));
        cx.add_variable_from_value("object", value);
        match self.program.execute(&cx) {
            Ok(cel::Value::Bool(true)) => {}
            Ok(cel::Value::Bool(false)) => sink.emit(self.message.clone(), self.fix.clone()),
            Ok(other) => sink.emit(
                format!(
                    "{} (the CEL expression returned {other:?}, not a bool)",
                    self.message
                ),
                self.fix.clone(),
            ),
            Err(e) => sink.emit(
                format!("{} (the CEL expression failed: {e})", self.message),
                self.fix.clone(),
            ),
        }
    }
}
