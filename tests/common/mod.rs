//! Shared helpers: run the built `nianbao` binary from the repository root.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository root, so that paths in output read `tests/fixtures/…`.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

pub fn nianbao() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nianbao"));
    cmd.current_dir(root()).env_remove("NO_COLOR");
    cmd
}

pub fn run(args: &[&str]) -> Output {
    nianbao()
        .args(args)
        .output()
        .expect("the nianbao binary runs")
}

/// `check --format json` on the given paths, parsed.
pub fn check_json(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&all);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

/// (rule, location.column_key) of every finding of the first file.
pub fn rule_columns(json: &serde_json::Value) -> Vec<(String, String)> {
    json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["column_key"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}
