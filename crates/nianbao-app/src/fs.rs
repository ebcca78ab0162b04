//! Files nianbao writes: whole or not at all.

use std::io::Write;
use std::path::Path;

use crate::Error;

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// then a rename, so a reader never sees half a report.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::Message(format!(
            "目录 {} 不存在，无法写入 {}",
            dir.display(),
            path.display()
        )));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".nianbao-").suffix(".tmp");
    // A temporary file is private (0600); the file it becomes is an ordinary
    // one: 0666 less the umask, as any program's new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let written = || format!("无法写入 {}", path.display());
    let mut tmp = builder.tempfile_in(dir).map_err(|e| {
        Error::io(
            format!("无法在目录 {} 中写入 {}", dir.display(), path.display()),
            e,
        )
    })?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io(written(), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io(written(), e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        #[cfg(unix)]
        {
            // The permissions of any new file under this umask (0644 under
            // 022), not a temporary file's 0600.
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            let ordinary = dir.path().join("ordinary.txt");
            std::fs::write(&ordinary, b"x").unwrap();
            assert_eq!(mode(&p), mode(&ordinary));
            std::fs::remove_file(&ordinary).unwrap();
        }
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
