//! The validation report: schema verdicts and gate findings for a set of documents, in the JSON
//! shape `shipmate validate --output json` prints (see DESIGN.md).

use serde::Serialize;

use crate::document::Document;
use crate::gates::{Constitution, Finding, Severity};
use crate::schema::{SchemaError, SchemaSet, SchemaVerdict};

/// The result for one document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    /// Source file (`-` for stdin).
    pub file: String,
    /// Zero-based index of the document in its file.
    pub index: usize,
    /// One-based starting line.
    pub line: usize,
    /// `apiVersion`, when the document has one.
    #[serde(rename = "apiVersion")]
    pub api_version: Option<String>,
    /// `kind`, when the document has one.
    pub kind: Option<String>,
    /// `metadata.name`, when the document has one.
    pub name: Option<String>,
    /// The schema verdict.
    pub schema: SchemaVerdict,
    /// Schema violations, or the parse error.
    pub errors: Vec<SchemaError>,
    /// Gates that did not pass.
    pub findings: Vec<Finding>,
}

/// Counts over a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Inputs read (stdin counts as one).
    pub files: usize,
    /// Documents seen.
    pub documents: usize,
    /// Documents with `schema: valid`.
    pub valid: usize,
    /// Documents with `schema: invalid`.
    pub invalid: usize,
    /// Documents with `schema: no_schema`.
    pub no_schema: usize,
    /// Documents with `schema: error`.
    pub errors: usize,
    /// Findings with severity `block`.
    pub blocked: usize,
    /// Findings with severity `warn`.
    pub warnings: usize,
}

/// A whole validation report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Per-document results, in input order.
    pub documents: Vec<DocumentReport>,
    /// Counts.
    pub summary: Summary,
}

impl Report {
    /// Validates `documents` (read from `files` inputs) against `schemas` and, unless `gates` is
    /// `None`, the constitution.
    pub fn build(
        files: usize,
        documents: &[Document],
        schemas: &SchemaSet,
        gates: Option<&Constitution>,
    ) -> Report {
        let objects: Vec<&serde_json::Value> =
            documents.iter().filter_map(Document::object).collect();
        let mut findings = gates
            .map(|c| c.check(&objects))
            .unwrap_or_default()
            .into_iter();

        let mut reports = Vec::with_capacity(documents.len());
        for doc in documents {
            let (schema, errors, doc_findings) = match &doc.content {
                Ok(object) => {
                    let (verdict, errors) = schemas.validate(object);
                    (verdict, errors, findings.next().unwrap_or_default())
                }
                Err(err) => (
                    SchemaVerdict::Error,
                    vec![SchemaError {
                        path: String::new(),
                        message: err.to_string(),
                    }],
                    Vec::new(),
                ),
            };
            reports.push(DocumentReport {
                file: doc.file.clone(),
                index: doc.index,
                line: doc.line,
                api_version: doc.api_version().map(str::to_owned),
                kind: doc.kind().map(str::to_owned),
                name: doc.name().map(str::to_owned),
                schema,
                errors,
                findings: doc_findings,
            });
        }
        let summary = Summary::count(files, &reports);
        Report {
            documents: reports,
            summary,
        }
    }

    /// True when every document is `valid` or `no_schema` and no finding blocks (exit code 0).
    pub fn passed(&self) -> bool {
        let s = &self.summary;
        s.invalid == 0 && s.errors == 0 && s.blocked == 0
    }
}

impl Summary {
    fn count(files: usize, reports: &[DocumentReport]) -> Summary {
        let mut s = Summary {
            files,
            documents: reports.len(),
            ..Summary::default()
        };
        for r in reports {
            match r.schema {
                SchemaVerdict::Valid => s.valid += 1,
                SchemaVerdict::Invalid => s.invalid += 1,
                SchemaVerdict::NoSchema => s.no_schema += 1,
                SchemaVerdict::Error => s.errors += 1,
            }
            for f in &r.findings {
                match f.severity {
                    Severity::Block => s.blocked += 1,
                    Severity::Warn => s.warnings += 1,
                }
            }
        }
        s
    }
}
