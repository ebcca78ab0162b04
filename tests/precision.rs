//! Precision on reports as agencies really write them (issue 15): every
//! correct fixture of every format gives no error or warning finding, and a
//! planted defect gives exactly its own findings (one root cause, one finding).
//!
//! The fixtures in `tests/fixtures/precision/` are made by real tools from the
//! sources in its `src/` (`python3 tests/fixtures/precision/make.py`):
//! LibreOffice for DOCX and the tables-only XLSX, WeasyPrint and LibreOffice
//! for PDF. `tests/fixtures/clean/` holds the correct YAML reports.

use crate::common::{check_json, root, run};

/// Every correct report we have, in every format: the clean YAML reports and
/// every precision fixture that is not a planted defect.
fn correct_fixtures() -> Vec<String> {
    let mut files = Vec::new();
    for dir in [
        "tests/fixtures/clean",
        "tests/fixtures/precision",
        "tests/fixtures/precision/src",
    ] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if name.starts_with("defect-")
                || !["yaml", "docx", "pdf", "xlsx", "xls", "html", "txt"].contains(&ext)
            {
                continue;
            }
            files.push(format!("{dir}/{name}"));
        }
    }
    // Real-input fixtures of issue 23 (text copied out of PDFs, Markdown,
    // 管委会 reports, portal pages, blank templates), one folder per shape.
    walk_real(
        &root().join("tests/fixtures/real"),
        "tests/fixtures/real",
        &mut files,
    );
    files.sort();
    files
}

/// Correct fixtures under `tests/fixtures/real/`, recursively; `defect-*`
/// files and a folder's `make*.py` or `README` are not reports.
fn walk_real(dir: &std::path::Path, rel: &str, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if path.is_dir() {
            walk_real(&path, &format!("{rel}/{name}"), files);
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if name.starts_with("defect-")
            || !["yaml", "docx", "pdf", "xlsx", "xls", "html", "txt", "md"].contains(&ext)
        {
            continue;
        }
        files.push(format!("{rel}/{name}"));
    }
}

fn findings(file: &serde_json::Value) -> Vec<&serde_json::Value> {
    file["findings"].as_array().unwrap().iter().collect()
}

/// 「RULE severity row_key」 of each finding, sorted.
fn summary(file: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = findings(file)
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["location"]["row_key"].as_str().unwrap_or("-")
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_correct_fixture_of_every_format_gives_no_error_or_warning() {
    let files = correct_fixtures();
    for ext in ["yaml", "docx", "pdf", "xlsx", "html", "txt", "md"] {
        assert!(
            files.iter().any(|f| f.ends_with(ext)),
            "no correct {ext} fixture in {files:?}"
        );
    }
    let mut args = vec!["--no-config"];
    args.extend(files.iter().map(String::as_str));
    let (_, json) = check_json(&args);
    let mut bad = Vec::new();
    for file in json["files"].as_array().unwrap() {
        assert_eq!(file["errors"].as_array().unwrap().len(), 0, "{file}");
        for f in findings(file) {
            if f["severity"] != "info" {
                bad.push(format!("{}: {} {}", file["path"], f["rule"], f["message"]));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "false alarms on correct reports:\n{}",
        bad.join("\n")
    );
    assert_eq!(json["files"].as_array().unwrap().len(), files.len());
}

#[test]
fn each_planted_defect_gives_exactly_its_findings() {
    let cases: [(&str, &[&str]); 15] = [
        // A wrong year in a title over two lines: one DAT-YEAR, and the report's
        // year stays the one the period and 落款 agree on (no deadline cascade).
        (
            "tests/fixtures/precision/defect-title-year.docx",
            &["DAT-YEAR warning -"],
        ),
        (
            "tests/fixtures/precision/defect-title-year.pdf",
            &["DAT-YEAR warning -"],
        ),
        // A typo in a row label and the 2019 single row （六）: one finding each,
        // at their own rows; the sums still use both rows' numbers.
        (
            "tests/fixtures/precision/defect-label-typo.docx",
            &[
                "STR-LABEL warning withheld_law",
                "STR-OLDFORMAT error other_other",
            ],
        ),
        (
            "tests/fixtures/precision/defect-label-typo.pdf",
            &[
                "STR-LABEL warning withheld_law",
                "STR-OLDFORMAT error other_other",
            ],
        ),
        // The same PDF as `pdftotext -layout` prints it (labels wrapped around
        // the group labels, 「另」 / 「行制作」).
        (
            "tests/fixtures/precision/defect-label-typo-layout.txt",
            &[
                "STR-LABEL warning withheld_law",
                "STR-OLDFORMAT error other_other",
            ],
        ),
        // One number wrong in each layout: the rules that see it, nothing else.
        // (A wrong row total breaks its row's sum and the column's sum.)
        (
            "tests/fixtures/precision/defect-tables-only-rowsum.xlsx",
            &[
                "R3-RESULTSUM error result_total",
                "R3-ROWSUM error withheld_law",
                "STR-SECTION info -",
            ],
        ),
        (
            "tests/fixtures/precision/defect-split-headers-rowsum.docx",
            &[
                "R3-RESULTSUM error result_total",
                "R3-ROWSUM error disclosed",
            ],
        ),
        (
            "tests/fixtures/precision/defect-split-headers-rowsum.pdf",
            &[
                "R3-RESULTSUM error result_total",
                "R3-ROWSUM error disclosed",
            ],
        ),
        // The text's 「行政复议N件」 now disagrees with table 四's total too.
        (
            "tests/fixtures/precision/defect-old-2020-review-total.docx",
            &[
                "R4-BLOCKSUM error review",
                "STR-OLDFORMAT info -",
                "TXT-NUMBERS warning -",
            ],
        ),
        // Zeros left blank: one finding per table, not one per cell.
        (
            "tests/fixtures/precision/defect-blanks.docx",
            &["NUM-BLANK warning new", "NUM-BLANK warning review"],
        ),
        // Issue 23. Text out of a PDF without -layout: the wrong share's base is
        // a line up, the copied sentence wrapped elsewhere; tables 三/四 one info.
        (
            "tests/fixtures/real/pdf-text/defect-percent-base.txt",
            &["NUM-PERCENT warning -", "STR-TABLE info -"],
        ),
        (
            "tests/fixtures/real/pdf-text/defect-duplicate-wrap.txt",
            &["STR-TABLE info -", "TXT-DUPLICATE warning -"],
        ),
        // The blank official template: its tables are there, one NUM-BLANK each.
        (
            "tests/fixtures/real/template/defect-blank-template.docx",
            &[
                "NUM-BLANK warning new",
                "NUM-BLANK warning regulation",
                "NUM-BLANK warning review",
            ],
        ),
        (
            "tests/fixtures/real/template/defect-blank-template.html",
            &[
                "NUM-BLANK warning new",
                "NUM-BLANK warning regulation",
                "NUM-BLANK warning review",
            ],
        ),
        // A portal page published after the deadline (成文日期 and 落款 in time).
        (
            "tests/fixtures/real/portal/defect-portal-late.html",
            &["DAT-DEADLINE error -"],
        ),
    ];
    for (path, want) in cases {
        let (code, json) = check_json(&["--no-config", path]);
        assert_eq!(summary(&json["files"][0]), *want, "{path}");
        assert_eq!(code, 1, "{path}");
    }
}

/// Markdown (tests/fixtures/real/markdown/make.py): a wrong total in a table
/// 三 that a converter cut into pipe tables at page breaks (a header-only
/// piece, a page number between pieces, a narrower last piece) is read as one
/// table: the sums that see it, nothing else.
#[test]
fn a_planted_defect_in_a_fragmented_markdown_table_gives_exactly_its_findings() {
    let path = "tests/fixtures/real/markdown/defect-fragmented-rowsum.md";
    let (code, json) = check_json(&["--no-config", path]);
    assert_eq!(
        summary(&json["files"][0]),
        [
            "R3-RESULTSUM error result_total",
            "R3-ROWSUM error disclosed"
        ],
        "{path}"
    );
    assert_eq!(code, 1, "{path}");
}

#[test]
fn a_label_typo_points_at_its_own_row_with_its_own_fingerprint() {
    let (_, json) = check_json(&[
        "--no-config",
        "tests/fixtures/precision/defect-label-typo.docx",
    ]);
    let file = &json["files"][0];
    let label = findings(file)
        .into_iter()
        .find(|f| f["rule"] == "STR-LABEL")
        .unwrap();
    assert!(
        label["message"]
            .as_str()
            .unwrap()
            .contains("「2.其他法律行政止公开」与规定的「2.其他法律行政法规禁止公开」"),
        "{label}"
    );
    // Table 三 is the document's second table; the typo is on its ninth row,
    // in the third (leaf label) column, not the table's first cell.
    assert_eq!(
        label["location"]["cell"],
        serde_json::json!({"table_index": 2, "row": 9, "column": 3})
    );
    let prints: Vec<&str> = findings(file)
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), 2);
    assert_ne!(prints[0], prints[1]);
}

#[test]
fn grouped_blanks_list_every_cell_in_json_and_the_first_few_for_people() {
    let path = "tests/fixtures/precision/defect-blanks.docx";
    let (_, json) = check_json(&["--no-config", path]);
    let blanks: Vec<usize> = findings(&json["files"][0])
        .iter()
        .map(|f| f["cells"].as_array().unwrap().len())
        .collect();
    assert_eq!(blanks, [153, 13]);
    let first = &json["files"][0]["findings"][0];
    assert_eq!(first["cells"][0]["location"]["row_key"], "new");
    assert_eq!(first["cells"][0]["found"], "");
    let out = run(&["check", "--no-config", path]);
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(human.contains("表三有 153 个数字栏为空白"), "{human}");
    assert!(human.contains("等，共 153 处"), "{human}");
    assert_eq!(human.matches("警告[NUM-BLANK]").count(), 2, "{human}");
}

#[test]
fn tables_only_and_old_format_reports_say_what_was_checked_in_one_info() {
    for (path, rule, says) in [
        (
            "tests/fixtures/precision/tables-only.xlsx",
            "STR-SECTION",
            "文档只有统计表格",
        ),
        (
            "tests/fixtures/precision/old-2020.docx",
            "STR-OLDFORMAT",
            "2020 年度报告按 2019 年试行格式编制",
        ),
    ] {
        let (code, json) = check_json(&["--no-config", path]);
        let all = findings(&json["files"][0]);
        assert_eq!(all.len(), 1, "{path}: {all:?}");
        assert_eq!(all[0]["rule"], rule);
        assert_eq!(all[0]["severity"], "info");
        assert!(all[0]["message"].as_str().unwrap().contains(says), "{path}");
        assert_eq!(code, 0, "{path}");
    }
}

#[test]
fn extract_shows_the_joined_title_the_agency_and_its_source_and_the_period() {
    for (path, title) in [
        (
            "tests/fixtures/precision/title-two-lines.docx",
            "白城市人民政府2023年政府信息公开工作年度报告",
        ),
        (
            "tests/fixtures/precision/src/title-two-lines.html",
            "白城市人民政府2023年政府信息公开工作年度报告",
        ),
        (
            "tests/fixtures/precision/title-two-lines.pdf",
            "白城市人民政府2023年政府信息公开工作年度报告",
        ),
        (
            "tests/fixtures/precision/title-wrapped.pdf",
            "白城市人民政府2023年政府信息公开工作年度报告",
        ),
        (
            "tests/fixtures/precision/title-year-first.docx",
            "2023 年白城市人民政府政府信息公开工作年度报告",
        ),
        (
            "tests/fixtures/precision/title-year-first.pdf",
            "2023 年白城市人民政府政府信息公开工作年度报告",
        ),
    ] {
        let out = run(&["extract", path, "--to", "yaml"]);
        let yaml = String::from_utf8(out.stdout).unwrap();
        assert!(
            yaml.contains(&format!("title: \"{title}\"")),
            "{path}:\n{yaml}"
        );
        assert!(
            yaml.contains("agency: \"白城市人民政府\"  # 取自标题"),
            "{path}:\n{yaml}"
        );
        assert!(yaml.contains("reporter_kind: government"), "{path}");
        assert!(
            yaml.contains("period: \"2023年1月1日起至2023年12月31日\""),
            "{path}"
        );
    }
    // The period stated in 一, not in the intro.
    for path in [
        "tests/fixtures/precision/period-in-one.docx",
        "tests/fixtures/precision/period-in-one.pdf",
    ] {
        let out = run(&["extract", path, "--to", "yaml"]);
        let yaml = String::from_utf8(out.stdout).unwrap();
        assert!(
            yaml.contains("period: \"2023年1月1日起至2023年12月31日\""),
            "{path}"
        );
        let intro = &yaml[yaml.find("preamble:").unwrap()..yaml.find("sections:").unwrap()];
        assert!(
            !intro.contains("统计期限"),
            "{path}: the period is in 一\n{intro}"
        );
    }
}

#[test]
fn the_fixtures_really_have_their_layouts() {
    // Header labels split over two rows in the DOCX that LibreOffice wrote.
    let out = run(&[
        "extract",
        "tests/fixtures/precision/split-headers.docx",
        "--to",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tables"]["t3"]["new"].as_object().unwrap().len(), 7);
    let docx = std::fs::read(root().join("tests/fixtures/precision/split-headers.docx")).unwrap();
    let xml = docx_text(&docx);
    assert!(
        xml.contains(">商业<") && xml.contains(">企业<"),
        "labels split"
    );
    // A workbook holding only the tables: no sections recognised.
    let out = run(&[
        "extract",
        "tests/fixtures/precision/tables-only.xlsx",
        "--to",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["sections"].as_array().unwrap().len(), 0);
    assert_eq!(json["tables"].as_object().unwrap().len(), 3);
}

/// `word/document.xml` of a DOCX.
fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

#[test]
fn the_single_block_six_row_of_the_2019_format_counts_in_the_sums() {
    // Extracted and checked again, old-2020 is still clean: （六） holds the block.
    let out = run(&[
        "extract",
        "tests/fixtures/precision/old-2020.docx",
        "--to",
        "yaml",
    ]);
    let yaml = String::from_utf8(out.stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("old.yaml");
    std::fs::write(&clean, &yaml).unwrap();
    let (code, _) = check_json(&["--no-config", clean.to_str().unwrap()]);
    assert_eq!(code, 0);
    // Three applications more in （六） and not in （七）总计: the sums see them.
    let wrong = yaml.replace("other_other: {natural: 0,", "other_other: {natural: 3,");
    assert_ne!(wrong, yaml);
    let path = dir.path().join("wrong.yaml");
    std::fs::write(&path, wrong).unwrap();
    let (_, json) = check_json(&["--no-config", path.to_str().unwrap()]);
    let rules: Vec<String> = summary(&json["files"][0]);
    assert!(
        rules.contains(&"R3-RESULTSUM error result_total".to_string()),
        "{rules:?}"
    );
}

#[test]
fn sums_over_rows_stay_silent_when_a_row_of_numbers_could_not_be_placed() {
    let clean =
        std::fs::read_to_string(root().join("tests/fixtures/clean/city_government.yaml")).unwrap();
    // The numbers of （三）2 went to a row recognition could not place: its
    // cells are blank, so the column sums would be wrong by that row.
    let lost = clean.replace(
        "withheld_law: {natural: 2, commercial: 0, research: 0, public_interest: 0, legal_service: 0, other: 0, total: 2}",
        "withheld_law: {natural: \"\", commercial: \"\", research: \"\", public_interest: \"\", legal_service: \"\", other: \"\", total: \"\"}",
    );
    assert_ne!(lost, clean);
    let with_note = lost.replacen(
        "tables:",
        "notes:\n  - {code: unknown-row, table: t3, message: \"表三中有无法识别的数据行「2.其他法律行政法」；跨行的合计因此未核对\"}\ntables:",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let check = |name: &str, yaml: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, yaml).unwrap();
        let (_, json) = check_json(&["--no-config", path.to_str().unwrap()]);
        summary(&json["files"][0])
    };
    // Without the note the blank row is taken as zeros: R3-RESULTSUM fires.
    assert!(
        check("lost.yaml", &lost)
            .iter()
            .any(|s| s.starts_with("R3-RESULTSUM"))
    );
    // With it, one finding says why, and nothing depends on the lost row.
    assert_eq!(
        check("noted.yaml", &with_note),
        ["NUM-BLANK warning withheld_law", "STR-COLUMNS error -"]
    );
}

#[test]
fn two_structure_findings_of_one_table_have_their_own_fingerprints() {
    let yaml = "notes:\n  - {code: unknown-row, table: t3, message: \"表三中有无法识别的数据行「(四)无法提供」；跨行的合计因此未核对\"}\n  - {code: unknown-row, table: t3, message: \"表三中有无法识别的数据行「2.申请人逾期未按收费通知」；跨行的合计因此未核对\"}\ntables:\n  t3:\n    new: {natural: 1, total: 1}\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.yaml");
    std::fs::write(&path, yaml).unwrap();
    let (_, json) = check_json(&["--no-config", path.to_str().unwrap()]);
    let prints: Vec<&str> = findings(&json["files"][0])
        .iter()
        .filter(|f| f["rule"] == "STR-COLUMNS")
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), 2);
    assert_ne!(prints[0], prints[1]);
}

/// Issue 23: what real reports get wrong in their structure and prose, and
/// agencies not named after a division (`tests/fixtures/real/proofing/`,
/// `tests/fixtures/real/area/`, made by LibreOffice): exactly these findings.
#[test]
fn real_report_defects_give_exactly_their_findings() {
    let cases: [(&str, &[&str]); 5] = [
        (
            "tests/fixtures/real/proofing/defect-heading-typo.docx",
            &["STR-SECTION warning -"],
        ),
        (
            "tests/fixtures/real/proofing/defect-t2-label.docx",
            &["STR-LABEL warning normative"],
        ),
        (
            "tests/fixtures/real/proofing/defect-intro-five-parts.docx",
            &["STR-INTRO warning -"],
        ),
        (
            "tests/fixtures/real/proofing/defect-prose-total.docx",
            &["NUM-PARTS warning -"],
        ),
        (
            "tests/fixtures/real/area/defect-pingtan-regulation.docx",
            &["NUM-REGULATION warning regulation"],
        ),
    ];
    for (path, want) in cases {
        let (_, json) = check_json(&["--no-config", path]);
        assert_eq!(summary(&json["files"][0]), *want, "{path}");
    }
}

/// Issue 23, items 9 and 13b: a 管委会 nianbao cannot place and a 2018 report
/// each give one info saying what was not checked, and nothing else.
#[test]
fn an_unplaced_area_and_a_pre_2019_report_each_say_so_in_one_info() {
    for (path, want) in [
        ("tests/fixtures/real/area/unplaced.html", "ORG-NAME info -"),
        (
            "tests/fixtures/real/proofing/old-2018.docx",
            "STR-OLDFORMAT info -",
        ),
    ] {
        let (_, json) = check_json(&["--no-config", path]);
        assert_eq!(summary(&json["files"][0]), [want], "{path}");
    }
}

/// Issue 23 item 17: a portal's metadata block is not the report; its
/// 发布日期 (not 成文日期) is read, kept by `extract`, and the deadline
/// finding says it is the portal's date.
#[test]
fn portal_metadata_gives_the_publication_date_and_never_the_title() {
    for (path, date) in [
        ("tests/fixtures/real/portal/portal-table.html", "2024-03-05"),
        (
            "tests/fixtures/real/portal/portal-lines.html",
            "2024年03月05日",
        ),
        (
            "tests/fixtures/real/portal/portal-copied.txt",
            "2024年03月05日",
        ),
    ] {
        let out = run(&["extract", path, "--to", "yaml"]);
        let yaml = String::from_utf8_lossy(&out.stdout);
        assert!(
            yaml.contains(&format!(
                "published: {{date: \"{date}\", source: \"发布日期\"}}"
            )),
            "{path}: {yaml}"
        );
        assert!(
            yaml.contains("title: \"白城市人民政府2023年政府信息公开工作年度报告\""),
            "{path}"
        );
        assert!(!yaml.contains("名称") && !yaml.contains("索引号"), "{path}");
    }
    let (_, json) = check_json(&[
        "--no-config",
        "tests/fixtures/real/portal/defect-portal-late.html",
    ]);
    let f = &json["files"][0]["findings"][0];
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("门户网站公布的发布日期 2024-04-08"),
        "{f}"
    );
}

/// Issue 23 item 7: text out of a PDF without -layout is joined into
/// paragraphs across wraps and pages (page numbers and running headers
/// dropped), and tables whose cells come out one per line are not guessed at.
#[test]
fn text_without_columns_is_read_as_paragraphs() {
    let out = run(&[
        "extract",
        "tests/fixtures/real/pdf-text/city-government-pages.txt",
        "--to",
        "yaml",
    ]);
    let yaml = String::from_utf8_lossy(&out.stdout);
    assert!(!yaml.contains("— 2 —") && !yaml.contains("- 2 -"), "{yaml}");
    assert_eq!(
        yaml.matches("白城市人民政府2023年政府信息公开工作年度报告")
            .count(),
        2,
        "the title and meta.title, no running header: {yaml}"
    );
    assert!(yaml.contains("table-unreadable"), "{yaml}");
    assert!(!yaml.contains("  t3:") && !yaml.contains("  t4:"), "{yaml}");
    // Every paragraph of prose ends a sentence (none is a wrapped fragment).
    for path in [
        "tests/fixtures/real/pdf-text/county-department.txt",
        "tests/fixtures/real/pdf-text/provincial-department-pages.txt",
        "tests/fixtures/real/portal/portal-copied.txt",
    ] {
        let out = run(&["extract", path, "--to", "yaml"]);
        let yaml = String::from_utf8_lossy(&out.stdout);
        let fragments: Vec<&str> = yaml
            .lines()
            .filter(|l| l.starts_with("      - \"") && !l.ends_with("。\""))
            .collect();
        assert!(fragments.is_empty(), "{path}: {fragments:?}");
    }
}

/// The rules that proofread prose (issue 23).
const PROOFREADING: [&str; 5] = [
    "TXT-TYPO",
    "TXT-ENUM",
    "TXT-GARBLED",
    "TXT-CITATION",
    "TXT-DUPLICATE",
];

/// A report in the YAML schema: `(heading, paragraphs)` sections, strings
/// written as JSON strings (valid YAML double-quoted scalars).
fn prose_report(sections: &[(String, Vec<String>)]) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap();
    let mut y = String::from("sections:\n");
    for (heading, paragraphs) in sections {
        y += &format!("  - heading: {}\n    paragraphs:\n", q(heading));
        for p in paragraphs {
            y += &format!("      - {}\n", q(p));
        }
    }
    y
}

/// 「RULE found」 of each proofreading finding of each file, in order.
fn proofreading(json: &serde_json::Value) -> Vec<Vec<String>> {
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| {
            findings(file)
                .iter()
                .filter(|f| PROOFREADING.contains(&f["rule"].as_str().unwrap()))
                .map(|f| {
                    format!(
                        "{} {}: {}",
                        f["rule"].as_str().unwrap(),
                        f["found"].as_str().unwrap_or("-"),
                        f["message"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .collect()
}

/// Every file of correct prose in tests/fixtures/prose-corpus/ (one line a
/// paragraph, 「== heading」 a section) wrapped into a report, and the clean
/// reports: not one finding of the proofreading rules.
#[test]
fn the_prose_corpus_gives_no_proofreading_finding() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = root().join("tests/fixtures/prose-corpus");
    let mut files: Vec<String> = Vec::new();
    let mut sentences = 0;
    let mut names: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.starts_with("correct-") && name.ends_with(".txt")
        })
        .collect();
    names.sort();
    for path in names {
        let mut sections: Vec<(String, Vec<String>)> = Vec::new();
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(heading) = line.strip_prefix("== ") {
                sections.push((heading.to_string(), Vec::new()));
                continue;
            }
            sentences += line
                .split(['。', '；', '！', '？'])
                .filter(|s| !s.trim().is_empty())
                .count();
            sections.last_mut().unwrap().1.push(line.to_string());
        }
        let name = path.file_stem().unwrap().to_str().unwrap();
        let out = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&out, prose_report(&sections)).unwrap();
        files.push(out.to_str().unwrap().to_string());
    }
    assert!(sentences >= 300, "only {sentences} sentences of prose");
    for entry in std::fs::read_dir(root().join("tests/fixtures/clean")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) == Some("yaml") {
            files.push(path.to_str().unwrap().to_string());
        }
    }
    let mut args = vec!["--no-config"];
    args.extend(files.iter().map(String::as_str));
    let (_, json) = check_json(&args);
    assert_eq!(json["files"].as_array().unwrap().len(), files.len());
    let bad: Vec<String> = proofreading(&json)
        .into_iter()
        .zip(&files)
        .flat_map(|(found, file)| found.into_iter().map(move |f| format!("{file}: {f}")))
        .collect();
    assert!(
        bad.is_empty(),
        "false alarms on correct prose:\n{}",
        bad.join("\n")
    );
}

/// Each line of tests/fixtures/prose-corpus/defects.txt (RULE | found |
/// paragraphs) as its own report gives exactly that one proofreading finding.
#[test]
fn each_prose_defect_gives_exactly_its_finding() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/prose-corpus/defects.txt")).unwrap();
    let mut files = Vec::new();
    let mut wants = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(3, " | ").map(str::trim).collect();
        let paragraphs = parts[2]
            .split(" || ")
            .map(|p| p.trim().replace("\\n", "\n"))
            .collect();
        let out = dir.path().join(format!("defect-{}.yaml", files.len()));
        std::fs::write(&out, prose_report(&[("一、总体情况".into(), paragraphs)])).unwrap();
        files.push(out.to_str().unwrap().to_string());
        wants.push(format!("{} {}", parts[0], parts[1]));
    }
    assert!(wants.len() >= 30);
    let mut args = vec!["--no-config"];
    args.extend(files.iter().map(String::as_str));
    let (_, json) = check_json(&args);
    for (got, want) in proofreading(&json).into_iter().zip(&wants) {
        assert_eq!(got.len(), 1, "{want}: {got:?}");
        assert!(got[0].starts_with(&format!("{want}: ")), "{want}: {got:?}");
    }
}
