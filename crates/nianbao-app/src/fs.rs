//! Files nianbao writes: whole or not at all.

use std::io::Write;
use std::path::Path;

use crate::Error;

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// then a rename, so a reader never sees half a report.
///
/// Only a regular file is replaced that way. A symbolic link is written
/// through (the file it names is replaced, the link stays), and anything else
/// that exists (`-o /dev/null`, `/dev/stdout`, a named pipe) is written to as
/// it is: a rename there would put a regular file in its place, and as root a
/// regular `/dev/null` breaks every program on the machine that reads it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let written = || format!("无法写入 {}", path.display());
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if meta.file_type().is_symlink() {
            if let Ok(target) = std::fs::canonicalize(path) {
                return write_atomic(&target, bytes);
            }
        } else if !meta.is_file() && !meta.is_dir() {
            return std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|mut f| f.write_all(bytes))
                .map_err(|e| Error::io(written(), e));
        }
    }
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

    /// `-o /dev/null` once replaced the device by a regular file (the
    /// rename), which then fed garbage to every later reader of /dev/null.
    /// A named pipe stands in for the device: it must stay a pipe.
    #[cfg(unix)]
    #[test]
    fn a_device_or_pipe_is_written_to_not_replaced() {
        use std::io::Read;
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo on this machine
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut got = Vec::new();
                std::fs::File::open(&fifo)
                    .unwrap()
                    .read_to_end(&mut got)
                    .unwrap();
                got
            })
        };
        write_atomic(&fifo, b"through the pipe").unwrap();
        // Before joining: a replaced pipe would leave the reader waiting.
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "the pipe was replaced by a {kind:?}");
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        std::fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
    }
}
