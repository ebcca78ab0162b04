//! Prints what the PDF adapter reads from a file: paragraphs, and tables as
//! rows of cells (`^` marks a merged copy). For looking at new PDFs:
//! `cargo run -p nianbao-pdf --example dump -- report.pdf`

use nianbao_core::document::Block;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE.pdf");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    match nianbao_pdf::read(&bytes) {
        Ok(doc) => {
            for block in &doc.blocks {
                match block {
                    Block::Paragraph(p) => println!("P {}", p.text),
                    Block::Table(t) => {
                        println!("T {}x{}", t.rows.len(), t.width());
                        for row in &t.rows {
                            let cells: Vec<String> = row
                                .iter()
                                .map(|c| match c.merged_from {
                                    Some(_) => format!("^{}", c.text),
                                    None => c.text.clone(),
                                })
                                .collect();
                            println!("  | {}", cells.join(" | "));
                        }
                    }
                }
            }
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
}
