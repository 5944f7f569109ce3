//! `shipmate constitution show|init`.

use std::io::Write;

use anyhow::Context as _;
use shipmate_manifests::Constitution;

use crate::cli::{ConstitutionAction, ConstitutionArgs};
use crate::exit::ExitCode;
use crate::output;

/// Runs `shipmate constitution …`.
pub fn run(args: &ConstitutionArgs) -> anyhow::Result<ExitCode> {
    match &args.action {
        ConstitutionAction::Show { constitution } => {
            let (c, origin) = crate::policy::load(constitution.as_deref())?;
            output::print(&format!(
                "# effective constitution: {origin}\n{}",
                c.to_yaml()
            ))?;
        }
        ConstitutionAction::Init { path, force } => {
            let text = Constitution::default_yaml();
            let mut options = std::fs::OpenOptions::new();
            options.write(true);
            if *force {
                options.create(true).truncate(true);
            } else {
                options.create_new(true);
            }
            let mut file = options.open(path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    anyhow::anyhow!(
                        "{} already exists: edit it, or pass --force to replace it with the default",
                        path.display()
                    )
                } else {
                    anyhow::anyhow!("cannot create {}: {e}", path.display())
                }
            })?;
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "wrote the default constitution to {}; shipmate uses ./constitution.yaml when it exists",
                path.display()
            );
        }
    }
    Ok(ExitCode::Ok)
}
