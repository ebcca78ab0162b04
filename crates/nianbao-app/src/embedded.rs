//! The repository's `rules/`, compiled into the binary as the default rule set.

use include_dir::{Dir, include_dir};
use nianbao_core::RuleSource;

static RULES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../rules");

/// Every embedded `*.rhai`, named `rules/<path>` in messages.
pub fn sources() -> Vec<RuleSource> {
    let mut out = Vec::new();
    collect(&RULES, &mut out);
    out
}

fn collect(dir: &Dir<'static>, out: &mut Vec<RuleSource>) {
    for file in dir.files() {
        if file.path().extension().is_some_and(|e| e == "rhai") {
            out.push(RuleSource {
                path: format!("rules/{}", file.path().display()),
                text: file.contents_utf8().unwrap_or_default().to_string(),
            });
        }
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}
