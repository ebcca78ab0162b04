//! Relationship parts: which part a part points to, and where its own
//! relationships are.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::PackageError;

/// One `<Relationship>` of a relationships part, attribute values unescaped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Relationship {
    pub id: String,
    /// The `Type` URI (`…/relationships/comments`).
    pub rel_type: String,
    /// As written: relative to the folder of the part, or absolute (`/…`).
    pub target: String,
}

/// The folder of a part and the name of its relationships part:
/// `word/document.xml` → (`word/`, `word/_rels/document.xml.rels`).
pub fn rels_of(part: &str) -> (String, String) {
    match part.rfind('/') {
        Some(i) => (
            part[..=i].to_string(),
            format!("{}_rels/{}.rels", &part[..=i], &part[i + 1..]),
        ),
        None => (String::new(), format!("_rels/{part}.rels")),
    }
}

/// The zip entry a relationship target names, resolved against the folder
/// of the part (`dir`, as [`rels_of`] gives it); `..` never climbs above
/// the package root.
pub fn resolve(dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The target that names part `to` from a part in folder `from`: the
/// inverse of [`resolve`] (`xl/worksheets/`, `xl/comments1.xml` →
/// `../comments1.xml`).
pub fn relative(from: &str, to: &str) -> String {
    let a: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    let b: Vec<&str> = to.split('/').filter(|p| !p.is_empty()).collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out: Vec<&str> = vec![".."; a.len() - common];
    out.extend(&b[common..]);
    out.join("/")
}

/// The relationships of a relationships part, in order. `format` names the
/// file in the message (「DOCX」).
pub fn relationships(xml: &str, format: &str) -> Result<Vec<Relationship>, PackageError> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader
            .read_event()
            .map_err(|e| PackageError::damaged(format!("{format} 的关系文件格式错误：{e}")))?
        {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let mut rel = Relationship::default();
                for a in e.attributes().flatten() {
                    let slot = match a.key.as_ref() {
                        "Id" => &mut rel.id,
                        "Type" => &mut rel.rel_type,
                        "Target" => &mut rel.target,
                        _ => continue,
                    };
                    if let Ok(v) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                        *slot = v.into_owned();
                    }
                }
                out.push(rel);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The main part of a package (`word/document.xml`, `xl/workbook.xml`): the
/// `officeDocument` target among the package relationships (`_rels/.rels`).
pub fn main_part(package_rels: &[Relationship]) -> Option<String> {
    package_rels
        .iter()
        .find(|r| r.rel_type.ends_with("/officeDocument"))
        .map(|r| resolve("", &r.target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_has_its_relationships_in_the_rels_folder_beside_it() {
        assert_eq!(
            rels_of("word/document.xml"),
            (
                "word/".to_string(),
                "word/_rels/document.xml.rels".to_string()
            )
        );
        assert_eq!(
            rels_of("xl/worksheets/sheet1.xml").1,
            "xl/worksheets/_rels/sheet1.xml.rels"
        );
        assert_eq!(
            rels_of("document.xml"),
            (String::new(), "_rels/document.xml.rels".to_string())
        );
    }

    #[test]
    fn targets_resolve_against_the_part_folder() {
        assert_eq!(resolve("word/", "comments.xml"), "word/comments.xml");
        assert_eq!(resolve("word/", "/word/c.xml"), "word/c.xml");
        assert_eq!(resolve("word/sub/", "../comments.xml"), "word/comments.xml");
        assert_eq!(
            resolve("xl/worksheets/", "../drawings/./vmlDrawing1.vml"),
            "xl/drawings/vmlDrawing1.vml"
        );
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
        // Never above the root.
        assert_eq!(resolve("xl/", "../../../etc/passwd"), "etc/passwd");
    }

    #[test]
    fn relative_is_the_inverse_of_resolve() {
        for (from, to, target) in [
            ("xl/worksheets/", "xl/comments1.xml", "../comments1.xml"),
            (
                "xl/worksheets/",
                "xl/drawings/vmlDrawing1.vml",
                "../drawings/vmlDrawing1.vml",
            ),
            ("word/", "word/comments.xml", "comments.xml"),
            ("", "word/document.xml", "word/document.xml"),
        ] {
            assert_eq!(relative(from, to), target);
            assert_eq!(resolve(from, target), to);
        }
    }

    /// `_rels/.rels` and a sheet's relationships as Excel writes them.
    const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

    #[test]
    fn relationships_of_a_real_rels_part() {
        let rels = relationships(PACKAGE_RELS, "XLSX").unwrap();
        assert_eq!(rels.len(), 3);
        assert_eq!(
            rels[2],
            Relationship {
                id: "rId1".into(),
                rel_type: "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument".into(),
                target: "xl/workbook.xml".into(),
            }
        );
        assert_eq!(main_part(&rels).as_deref(), Some("xl/workbook.xml"));

        let sheet = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments1.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing1.vml"></Relationship></Relationships>"#;
        let rels = relationships(sheet, "XLSX").unwrap();
        let ids: Vec<&str> = rels.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["rId2", "rId1"]);
        assert_eq!(
            resolve("xl/worksheets/", &rels[0].target),
            "xl/comments1.xml"
        );
    }

    #[test]
    fn attribute_values_are_unescaped_and_a_leading_slash_is_absolute() {
        let xml = "<Relationships><Relationship Target='/word/a&amp;b.xml' Id=\"r&lt;1\" Type=\"x/officeDocument\"/></Relationships>";
        let rels = relationships(xml, "DOCX").unwrap();
        assert_eq!(rels[0].id, "r<1");
        assert_eq!(main_part(&rels).as_deref(), Some("word/a&b.xml"));
        assert_eq!(main_part(&[]), None);
    }

    #[test]
    fn malformed_relationships_name_the_format() {
        let err =
            relationships("<Relationships><Relationship></Relationships>", "DOCX").unwrap_err();
        assert!(err.message.starts_with("DOCX 的关系文件格式错误"), "{err}");
        assert_eq!(err.kind, crate::PackageErrorKind::Damaged);
    }
}
