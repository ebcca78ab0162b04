//! `cargo xtask pdf`: regenerates the committed PDF fixtures with real tools,
//! so the PDF adapter is tested on what word processors and scanners write:
//!
//! - `seed.pdf`, `fullwidth.pdf`, `numbering.pdf`, `tracked.pdf`: LibreOffice's
//!   PDF export of the DOCX fixtures (CJK as Type 1 subsets with `/ToUnicode`,
//!   borders as stroked lines; tracked changes shown, deletions struck
//!   through). The fonts installed decide the layout: `numbering.pdf`, made
//!   with Debian's `fonts-noto-cjk`, breaks a row of table 三 across a page;
//! - `seed-weasyprint.pdf`: the seed via LibreOffice's HTML export and
//!   WeasyPrint (Type0 `Identity-H` fonts, borders as filled frames, table 三
//!   split across a page break);
//! - `seed-unruled.pdf`: the same with every table border removed
//!   (`tests/fixtures/src/unruled.css`): tables read from text alignment;
//! - `scanned.pdf`: page 1 of `seed.pdf` rendered to a black-and-white PNG (pdftoppm)
//!   and wrapped as an image-only PDF (img2pdf): no text layer;
//! - `encrypted.pdf` / `restricted.pdf`: `tests/fixtures/src/short.txt` exported
//!   by LibreOffice and encrypted by qpdf (AES-256) with an open password, and
//!   with only an owner (permissions) password.
//!
//! Needs `soffice`, `pdftoppm` (poppler-utils), `img2pdf`, `qpdf` and
//! `weasyprint` (all Debian packages). CI does not: the outputs are committed.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("== {cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("running {:?} (is it installed?)", cmd.get_program()))?;
    if !status.success() {
        bail!("{:?} failed", cmd.get_program());
    }
    Ok(())
}

fn soffice(to: &str, outdir: &Path, input: &Path) -> Result<()> {
    run(Command::new("soffice")
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(outdir)
        .arg(input))
}

pub fn pdf() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let fixtures = root.join("tests/fixtures");
    let tmp = std::env::temp_dir().join(format!("nianbao-xtask-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;

    for name in ["seed", "fullwidth", "numbering", "tracked"] {
        soffice("pdf", &fixtures, &fixtures.join(format!("{name}.docx")))?;
    }

    soffice("html", &tmp, &fixtures.join("seed.docx"))?;
    run(Command::new("weasyprint")
        .arg(tmp.join("seed.html"))
        .arg(fixtures.join("seed-weasyprint.pdf")))?;
    run(Command::new("weasyprint")
        .arg("-s")
        .arg(fixtures.join("src/unruled.css"))
        .arg(tmp.join("seed.html"))
        .arg(fixtures.join("seed-unruled.pdf")))?;

    run(Command::new("pdftoppm")
        .args(["-r", "72", "-mono", "-png", "-f", "1", "-l", "1"])
        .arg(fixtures.join("seed.pdf"))
        .arg(tmp.join("page")))?;
    let png = std::fs::read_dir(&tmp)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .context("pdftoppm wrote no PNG")?;
    run(Command::new("img2pdf")
        .arg(&png)
        .arg("-o")
        .arg(fixtures.join("scanned.pdf")))?;

    soffice("pdf", &tmp, &fixtures.join("src/short.txt"))?;
    let short = tmp.join("short.pdf");
    run(Command::new("qpdf")
        .args(["--encrypt", "open-sesame", "owner-pw", "256", "--"])
        .arg(&short)
        .arg(fixtures.join("encrypted.pdf")))?;
    run(Command::new("qpdf")
        .args([
            "--encrypt",
            "",
            "owner-pw",
            "256",
            "--print=none",
            "--modify=none",
            "--",
        ])
        .arg(&short)
        .arg(fixtures.join("restricted.pdf")))?;

    std::fs::remove_dir_all(&tmp)?;
    Ok(())
}
