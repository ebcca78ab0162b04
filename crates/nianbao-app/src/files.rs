//! Report files under the folders given: the walk for the formats this
//! build reads, hidden and lock files left out, symlink loops ended.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use nianbao_core::Registry;

/// Directories deeper than this are not walked (a guard on top of the
/// visited-directory set).
const MAX_DEPTH: usize = 64;

/// Files as given; directories walked for the formats this build reads,
/// their files sorted by path. The order is the output order.
pub fn expand(paths: &[PathBuf], registry: &Registry) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            let mut visited = HashSet::new();
            walk(p, registry, &mut found, &mut visited, 0);
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn skipped(name: &str) -> bool {
    // Hidden files and folders; Office lock files (`~$x.docx`).
    name.starts_with('.') || name.starts_with("~$")
}

fn walk(
    dir: &Path,
    registry: &Registry,
    out: &mut Vec<PathBuf>,
    visited: &mut HashSet<PathBuf>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    // Symlink loops: a directory is walked once, by its canonical path.
    let Ok(canonical) = dir.canonicalize() else {
        return;
    };
    if !visited.insert(canonical) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if skipped(&e.file_name().to_string_lossy()) {
            continue;
        }
        if path.is_dir() {
            walk(&path, registry, out, visited, depth + 1);
        } else if registry.handles_extension(&path) {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_lock_files_are_skipped() {
        assert!(skipped(".git"));
        assert!(skipped("~$报告.docx"));
        assert!(!skipped("报告.yaml"));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_end() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("r.yaml"), "meta: {}\n").unwrap();
        std::os::unix::fs::symlink(dir.path(), sub.join("loop")).unwrap();
        let files = expand(&[dir.path().to_path_buf()], &crate::formats::registry());
        assert_eq!(files, vec![sub.join("r.yaml")]);
    }
}
