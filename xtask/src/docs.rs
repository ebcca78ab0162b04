//! `cargo xtask docs`: regenerate `docs/rules.md` from the rules' metadata,
//! through the CLI (`nianbao rules docs`), so the docs and `rules explain`
//! can never disagree. A test in `tests/national.rs` fails when it is stale.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

pub fn run(root: &Path) -> Result<()> {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "-q", "-p", "nianbao-cli", "--", "rules", "docs"])
        .current_dir(root)
        .output()
        .context("running nianbao rules docs")?;
    if !out.status.success() {
        bail!(
            "nianbao rules docs failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let path = root.join("docs/rules.md");
    std::fs::write(&path, out.stdout)?;
    eprintln!("== wrote {}", path.display());
    Ok(())
}
