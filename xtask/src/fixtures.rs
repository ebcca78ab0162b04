//! `cargo xtask fixtures`: regenerates the committed DOCX fixtures from their
//! sources in `tests/fixtures/src/` with LibreOffice (`soffice`), so that they
//! are written by a real word processor, not by our own code.
//!
//! - `*.html`: read with LibreOffice's HTML import (tables with real merged
//!   cells; numbering comes out decimal, so it is literal text there).
//! - `*.fodt`: Flat ODT, for what HTML cannot say: list numbering in the
//!   Chinese counting format (through a paragraph style and directly), and
//!   tracked changes.
//!
//! Each `src/NAME.ext` becomes `tests/fixtures/NAME.docx`. After converting,
//! the fixture is checked for the feature it exists for, so a LibreOffice
//! version that writes it differently is noticed here, not in a puzzling test.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

pub fn run() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let src = root.join("tests/fixtures/src");
    let out = root.join("tests/fixtures");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&src)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    sources.sort();
    for path in sources {
        let filter = match path.extension().and_then(|e| e.to_str()) {
            Some("html") => Some("HTML (StarWriter)"),
            Some("fodt") => None,
            _ => continue,
        };
        eprintln!("== soffice: {} -> docx", path.display());
        let mut cmd = Command::new("soffice");
        cmd.arg("--headless");
        if let Some(filter) = filter {
            cmd.arg(format!("--infilter={filter}"));
        }
        let status = cmd
            .args(["--convert-to", "docx:MS Word 2007 XML", "--outdir"])
            .arg(&out)
            .arg(&path)
            .status()
            .context("running soffice (install libreoffice-writer-nogui)")?;
        if !status.success() {
            bail!("soffice failed on {}", path.display());
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let docx = out.join(format!("{stem}.docx"));
        verify(stem, &docx)?;
    }
    Ok(())
}

/// The feature each fixture exists for is really in the DOCX written.
fn verify(stem: &str, docx: &Path) -> Result<()> {
    let part = |name: &str| -> Result<String> {
        let file = std::fs::File::open(docx).with_context(|| docx.display().to_string())?;
        let mut zip = zip::ZipArchive::new(file)?;
        let mut s = String::new();
        zip.by_name(name)
            .with_context(|| format!("{} has no {name}", docx.display()))?
            .read_to_string(&mut s)?;
        Ok(s)
    };
    let want: &[(&str, &str)] = match stem {
        "numbering" => &[
            ("word/numbering.xml", "w:numFmt w:val=\"chineseCounting"),
            ("word/styles.xml", "<w:numPr>"),
            ("word/document.xml", "<w:numPr>"),
        ],
        "tracked" => &[
            ("word/document.xml", "<w:ins "),
            ("word/document.xml", "<w:del "),
            ("word/document.xml", "<w:delText>"),
        ],
        _ => &[],
    };
    for (name, needle) in want {
        if !part(name)?.contains(needle) {
            bail!(
                "{}: {name} has no {needle}; did LibreOffice write it differently?",
                docx.display()
            );
        }
    }
    Ok(())
}
