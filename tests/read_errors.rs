//! Read errors carry a kind a server can map to a status code: one
//! representative bad input for each kind, read through the format registry
//! the CLI and the review page use.

use std::path::Path;

use nianbao_core::{ReadError, ReadErrorKind, Timings, read_bytes_timed, read_file};

use crate::common::root;

/// Reads a file from disk as `check` does: refused first, else parsed.
fn read_error(path: &Path) -> ReadError {
    let bytes = match read_file(path) {
        Ok(bytes) => bytes,
        Err(e) => return e,
    };
    named(path, &bytes)
}

/// Reads bytes under a file name, as an upload is read.
fn named(path: &Path, bytes: &[u8]) -> ReadError {
    match read_bytes_timed(
        &nianbao_app::formats::registry(),
        path,
        bytes,
        &mut Timings::default(),
    ) {
        Ok(_) => panic!("{} was read", path.display()),
        Err(e) => e,
    }
}

fn kind_of(relative: &str) -> ReadErrorKind {
    read_error(&root().join(relative)).kind
}

#[test]
fn the_file_system_refusals() {
    assert_eq!(
        kind_of("tests/fixtures/no-such-file.docx"),
        ReadErrorKind::NotFound
    );
    assert_eq!(kind_of("tests/fixtures"), ReadErrorKind::NotAFile);
    assert_eq!(
        kind_of("tests/hostile/files/empty.txt"),
        ReadErrorKind::Empty
    );
    assert_eq!(
        named(Path::new("上传.docx"), b"").kind,
        ReadErrorKind::Empty
    );
}

#[test]
fn formats_no_adapter_reads() {
    let e = named(Path::new("年报.odt"), &[0x01, 0x02, 0x03, 0xff]);
    assert_eq!(e.kind, ReadErrorKind::UnsupportedFormat);
    assert_eq!(
        kind_of("tests/hostile/files/legacy.doc"),
        ReadErrorKind::UnsupportedFormat
    );
}

#[test]
fn bytes_that_are_not_the_named_format() {
    assert_eq!(
        kind_of("tests/hostile/files/not_a_zip.docx"),
        ReadErrorKind::NotThisFormat
    );
    let e = named(Path::new("年报.pdf"), "这不是 PDF".as_bytes());
    assert_eq!(e.kind, ReadErrorKind::NotThisFormat);
}

#[test]
fn damaged_structure_keeps_its_place() {
    let e = named(
        Path::new("年报.docx"),
        b"PK\x03\x04 not really a zip archive",
    );
    assert_eq!(e.kind, ReadErrorKind::Damaged);
    let e = named(
        Path::new("年报.yaml"),
        "meta:\n  agency: [未闭合\n".as_bytes(),
    );
    assert_eq!(e.kind, ReadErrorKind::Damaged);
    let (Some(l), Some(c)) = (e.line, e.column) else {
        panic!("a YAML syntax error has a place: {e:?}");
    };
    assert_eq!(e.to_string(), format!("第 {l} 行第 {c} 列：{}", e.message));
}

#[test]
fn password_protected_files() {
    assert_eq!(
        kind_of("tests/fixtures/encrypted.pdf"),
        ReadErrorKind::Encrypted
    );
    assert_eq!(
        kind_of("tests/hostile/files/encrypted.docx"),
        ReadErrorKind::Encrypted
    );
}

#[test]
fn a_scan_has_no_text_layer() {
    assert_eq!(
        kind_of("tests/fixtures/scanned.pdf"),
        ReadErrorKind::NoTextLayer
    );
}

#[test]
fn over_a_limit() {
    assert_eq!(
        kind_of("tests/hostile/files/dimensions_bomb.xls"),
        ReadErrorKind::TooLarge
    );
}

#[test]
fn text_that_is_not_a_report() {
    let e = named(
        Path::new("通知.txt"),
        "关于召开会议的通知\n请各单位准时参加。\n".as_bytes(),
    );
    assert_eq!(e.kind, ReadErrorKind::NotAReport);
}

#[test]
fn kinds_have_stable_names_and_stay_out_of_json() {
    assert_eq!(ReadErrorKind::NoTextLayer.as_str(), "no-text-layer");
    assert_eq!(ReadErrorKind::NotAReport.to_string(), "not-a-report");
    let e = named(Path::new("通知.txt"), "无关的文字\n".as_bytes());
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(
        json.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["message"]
    );
}
