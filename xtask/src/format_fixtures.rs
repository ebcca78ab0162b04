//! `cargo xtask format-fixtures`: regenerates the XLSX, XLS, HTML and
//! `pdftotext -layout` fixtures of the seed report with real tools, from the
//! sources committed in `tests/fixtures/src/`:
//!
//! - `seed.xlsx`: `src/seed.html` imported by LibreOffice Calc (one sheet:
//!   paragraphs in column A, tables with merged cells);
//! - `seed-sheets.xlsx`, `seed-sheets.xls`: `src/formats/seed-sheets.fods`
//!   (one table per sheet) saved by Calc;
//! - `portal-gbk.html`: `portal-utf8.html` with its charset declaration
//!   changed to gb2312, encoded by iconv;
//! - `seed-layout.txt`: `seed.docx` printed to PDF by LibreOffice Writer, then
//!   `pdftotext -layout` (Debian package poppler-utils).
//!
//! Needs `soffice` with Calc and Writer (Debian: libreoffice-calc-nogui,
//! libreoffice-writer-nogui), `iconv` and `pdftotext`. CI does not: the
//! outputs are committed.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

pub fn run() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let fixtures = root.join("tests/fixtures");
    let src = fixtures.join("src");
    let tmp = std::env::temp_dir().join(format!("nianbao-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;

    // XLSX of the whole report: Calc's HTML import keeps paragraphs and merges.
    soffice(
        &[
            "--infilter=HTML (StarCalc)",
            "--convert-to",
            "xlsx:Calc Office Open XML",
        ],
        &src.join("seed.html"),
        &fixtures,
    )?;
    // One table per sheet, XLSX and XLS (BIFF8).
    let fods = src.join("formats/seed-sheets.fods");
    soffice(
        &["--convert-to", "xlsx:Calc Office Open XML"],
        &fods,
        &fixtures,
    )?;
    soffice(&["--convert-to", "xls:MS Excel 97"], &fods, &fixtures)?;

    // The portal page in GBK, declared as gb2312 as such sites do.
    let utf8 = std::fs::read_to_string(fixtures.join("portal-utf8.html"))?;
    let declared = r#"<meta http-equiv="Content-Type" content="text/html; charset=utf-8">"#;
    if !utf8.contains(declared) {
        bail!("portal-utf8.html lacks {declared}");
    }
    let gb = utf8
        .replace(
            declared,
            r#"<meta http-equiv="Content-Type" content="text/html; charset=gb2312">"#,
        )
        .replace("（UTF-8 版本）", "（GBK 版本）");
    let tmp_gb = tmp.join("portal-gbk.utf8.html");
    std::fs::write(&tmp_gb, gb)?;
    let out = Command::new("iconv")
        .args(["-f", "UTF-8", "-t", "GBK"])
        .arg(&tmp_gb)
        .output()
        .context("running iconv")?;
    if !out.status.success() {
        bail!("iconv failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    std::fs::write(fixtures.join("portal-gbk.html"), out.stdout)?;

    // pdftotext -layout of the seed as LibreOffice prints it.
    soffice(&["--convert-to", "pdf"], &fixtures.join("seed.docx"), &tmp)?;
    let status = Command::new("pdftotext")
        .arg("-layout")
        .arg(tmp.join("seed.pdf"))
        .arg(fixtures.join("seed-layout.txt"))
        .status()
        .context("running pdftotext (install poppler-utils)")?;
    if !status.success() {
        bail!("pdftotext failed");
    }
    std::fs::remove_dir_all(&tmp)?;
    Ok(())
}

fn soffice(args: &[&str], input: &Path, outdir: &PathBuf) -> Result<()> {
    eprintln!("== soffice {}: {}", args.join(" "), input.display());
    let status = Command::new("soffice")
        .arg("--headless")
        .args(args)
        .arg("--outdir")
        .arg(outdir)
        .arg(input)
        .status()
        .context("running soffice (install libreoffice-calc-nogui and libreoffice-writer-nogui)")?;
    if !status.success() {
        bail!("soffice failed on {}", input.display());
    }
    Ok(())
}
