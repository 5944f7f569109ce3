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

use super::run::Sink;

/// The deepest object CEL gates evaluate (real Kubernetes objects stay far below).
const MAX_DEPTH: usize = 64;

/// True when `value` nests deeper than `limit` (iterative: safe on any depth).
fn deeper_than(value: &Value, limit: usize) -> bool {
    let mut stack = vec![(value, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        if depth > limit {
            return true;
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|v| (v, depth + 1))),
            Value::Object(m) => stack.extend(m.values().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    false
}

/// Stack for compiling one expression.
const COMPILE_STACK: usize = 64 << 20;

/// Longest CEL expression accepted (split longer policies into several gates).
const MAX_EXPR_LEN: usize = 2048;

/// Deepest bracket nesting accepted in a CEL expression.
const MAX_NESTING: usize = 24;

/// Rejects expressions whose size or nesting could exhaust the stack when parsed or evaluated.
fn check_size(expr: &str) -> Result<(), String> {
    if expr.len() > MAX_EXPR_LEN {
        return Err(format!(
            "the CEL expression is {} bytes long; the limit is {MAX_EXPR_LEN}: split it into \
             several gates",
            expr.len()
        ));
    }
    let (mut depth, mut max, mut quote, mut escaped) = (0usize, 0usize, None, false);
    for c in expr.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '(' | '[' | '{' => {
                    depth += 1;
                    max = max.max(depth);
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    if max > MAX_NESTING {
        return Err(format!(
            "the CEL expression nests brackets {max} deep; the limit is {MAX_NESTING}: simplify it \
             or split it into several gates"
        ));
    }
    Ok(())
}

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
        check_size(expr)?;
        // The CEL parser recurses deeply per nesting level; give it a roomy stack of its own
        // (only the pages it touches are committed) so that no expression can crash the caller.
        let source = expr.to_owned();
        let compiled = std::thread::Builder::new()
            .name("cel-compile".into())
            .stack_size(COMPILE_STACK)
            .spawn(move || env().compile(&source).map_err(|e| e.to_string()))
            .map_err(|e| format!("cannot start the CEL compiler: {e}"))?
            .join()
            .map_err(|_| "the CEL compiler failed on this expression; simplify it".to_owned())?;
        let program = compiled.map_err(|e| {
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
            // Converting and evaluating recurse; refuse what could exhaust the stack.
            None if deeper_than(object, MAX_DEPTH) => {
                sink.emit(
                    format!(
                        "{} (not evaluated: the object is nested deeper than {MAX_DEPTH} levels)",
                        self.message
                    ),
                    self.fix.clone(),
                );
                return;
            }
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
