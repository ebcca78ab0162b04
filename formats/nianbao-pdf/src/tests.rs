//! The adapter on small PDFs built here with lopdf, for what the committed
//! real-tool fixtures do not show: Word/WPS-style fonts and borders.

use lopdf::{Document as Pdf, Object, Stream, dictionary};
use nianbao_core::document::{Block, Document};

use crate::{PdfError, read};

/// Builds PDFs whose pages share two fonts: `/C`, a Type0 font (encoding
/// chosen per test) for CJK, and `/H`, Helvetica.
struct Builder {
    pdf: Pdf,
    pages: Vec<Object>,
    pages_id: lopdf::ObjectId,
    resources: lopdf::ObjectId,
}

/// Identity-H codes: the n-th distinct character gets code n + 1.
struct Cids {
    chars: Vec<char>,
}

impl Cids {
    fn new() -> Cids {
        Cids { chars: Vec::new() }
    }

    /// `<0001 0002 …>` for a text.
    fn hex(&mut self, text: &str) -> String {
        let mut s = String::from("<");
        for c in text.chars() {
            let i = match self.chars.iter().position(|x| *x == c) {
                Some(i) => i,
                None => {
                    self.chars.push(c);
                    self.chars.len() - 1
                }
            };
            s.push_str(&format!("{:04X}", i + 1));
        }
        s.push('>');
        s
    }

    fn to_unicode(&self) -> Vec<u8> {
        let mut s = String::from(
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
             /CMapName /Test def /CMapType 2 def\n\
             1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
        );
        s.push_str(&format!("{} beginbfchar\n", self.chars.len()));
        for (i, c) in self.chars.iter().enumerate() {
            s.push_str(&format!("<{:04X}> <{:04X}>\n", i + 1, *c as u32));
        }
        s.push_str("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n");
        s.into_bytes()
    }
}

impl Builder {
    /// `encoding` is the Type0 font's CMap; `to_unicode` its /ToUnicode stream.
    fn new(encoding: &str, to_unicode: Option<Vec<u8>>) -> Builder {
        let mut pdf = Pdf::with_version("1.7");
        let pages_id = pdf.new_object_id();
        let cid_font = pdf.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => "SimSun",
            "DW" => 1000,
            "W" => vec![Object::Integer(1), Object::Array(vec![Object::Integer(1000)])],
        });
        let mut type0 = dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => "SimSun",
            "Encoding" => Object::Name(encoding.as_bytes().to_vec()),
            "DescendantFonts" => vec![Object::Reference(cid_font)],
        };
        if let Some(cmap) = to_unicode {
            let id = pdf.add_object(Stream::new(dictionary! {}, cmap));
            type0.set("ToUnicode", Object::Reference(id));
        }
        let cjk = pdf.add_object(type0);
        let latin = pdf.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let resources = pdf.add_object(dictionary! {
            "Font" => dictionary! { "C" => Object::Reference(cjk), "H" => Object::Reference(latin) },
        });
        Builder {
            pdf,
            pages: Vec::new(),
            pages_id,
            resources,
        }
    }

    fn page(&mut self, content: &str) -> &mut Builder {
        self.page_rotated(content, 0)
    }

    fn page_rotated(&mut self, content: &str, rotate: i64) -> &mut Builder {
        let content = self
            .pdf
            .add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
        let page = self.pdf.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => Object::Reference(self.pages_id),
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => Object::Reference(content),
            "Resources" => Object::Reference(self.resources),
            "Rotate" => rotate,
        });
        self.pages.push(Object::Reference(page));
        self
    }

    fn bytes(&mut self) -> Vec<u8> {
        let count = self.pages.len() as i64;
        self.pdf.objects.insert(
            self.pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => self.pages.clone(),
                "Count" => count,
            }),
        );
        let catalog = self.pdf.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => Object::Reference(self.pages_id),
        });
        self.pdf.trailer.set("Root", Object::Reference(catalog));
        let mut out = Vec::new();
        self.pdf.save_to(&mut out).expect("a PDF in memory");
        out
    }
}

fn paragraphs(doc: &Document) -> Vec<&str> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.text.as_str()),
            _ => None,
        })
        .collect()
}

fn tables(doc: &Document) -> Vec<Vec<Vec<String>>> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(
                t.rows
                    .iter()
                    .map(|r| r.iter().map(|c| c.text.clone()).collect())
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

/// A line of CJK text at (x, y), 12 pt.
fn show(cids: &mut Cids, x: f32, y: f32, text: &str) -> String {
    format!("BT /C 12 Tf {x} {y} Td {} Tj ET\n", cids.hex(text))
}

#[test]
fn identity_h_text_is_read_through_to_unicode_and_lines_join_into_paragraphs() {
    let mut cids = Cids::new();
    // Lines of 40 characters (480 pt) end at the right margin: a paragraph
    // goes on; an indented line starts a new one; 「一、总体情况」 is short.
    let body = "政府信息公开工作年度报告按照条例规定编制现予以公布欢迎社会各界监督意见建议请联系本机关办公室电话";
    let first: String = body.chars().take(40).collect();
    let second: String = body.chars().skip(40).collect();
    let mut content = show(&mut cids, 96.0, 760.0, "一、总体情况");
    content += &show(&mut cids, 96.0, 740.0, &first);
    content += &show(&mut cids, 72.0, 720.0, &second);
    // Latin text in a simple font, TJ with a kerning adjustment; set apart
    // by a wider gap.
    content += "BT /H 12 Tf 72 680 Td [(20) -10 (23)] TJ ET\n";
    // A paragraph that goes on at the top of the next page.
    content += &show(&mut cids, 96.0, 640.0, &first);
    let page2 = show(&mut cids, 72.0, 760.0, &second);
    let bytes = Builder::new("Identity-H", Some(cids.to_unicode()))
        .page(&content)
        .page(&page2)
        .bytes();
    let doc = read(&bytes).expect("readable");
    let whole = format!("{first}{second}");
    assert_eq!(
        paragraphs(&doc),
        ["一、总体情况", whole.as_str(), "2023", whole.as_str()]
    );
}

#[test]
fn gbk_and_ucs2_cmaps_need_no_to_unicode() {
    let (gbk, _, _) = encoding_rs::GBK.encode("2023年度报告");
    let hex: String = gbk.iter().map(|b| format!("{b:02X}")).collect();
    let bytes = Builder::new("GBK-EUC-H", None)
        .page(&format!("BT /C 12 Tf 72 700 Td <{hex}> Tj ET"))
        .bytes();
    assert_eq!(paragraphs(&read(&bytes).unwrap()), ["2023年度报告"]);

    let hex: String = "年度报告"
        .encode_utf16()
        .map(|u| format!("{u:04X}"))
        .collect();
    let bytes = Builder::new("UniGB-UCS2-H", None)
        .page(&format!("BT /C 12 Tf 72 700 Td <{hex}> Tj ET"))
        .bytes();
    assert_eq!(paragraphs(&read(&bytes).unwrap()), ["年度报告"]);
}

#[test]
fn glyph_ids_without_to_unicode_are_undecodable_not_empty() {
    let bytes = Builder::new("Identity-H", None)
        .page("BT /C 12 Tf 72 700 Td <000100020003> Tj ET")
        .bytes();
    assert_eq!(read(&bytes).unwrap_err(), PdfError::Undecodable);
}

#[test]
fn a_page_with_only_drawings_has_no_text_layer() {
    let bytes = Builder::new("Identity-H", None)
        .page("0 0 m 100 100 l S")
        .bytes();
    assert_eq!(read(&bytes).unwrap_err(), PdfError::NoText);
}

/// Borders as thin filled rectangles (as Word draws them); a header cell
/// spanning two rows with one character per line; the table continued on
/// the next page.
#[test]
fn a_ruled_table_split_over_two_pages_is_one_grid() {
    let mut cids = Cids::new();
    // Page 1: rows at y 700–660 (header, two rows high: 700–680–660) and
    // 660–640; columns 72–172–272–372.
    let rect = |x: f32, y: f32, w: f32, h: f32| format!("{x} {y} {w} {h} re f\n");
    let mut p1 = String::new();
    for y in [700.0, 660.0, 640.0] {
        p1 += &rect(72.0, y - 0.25, 300.0, 0.5);
    }
    p1 += &rect(172.0, 679.75, 200.0, 0.5); // 680 only right of the header cell
    for x in [72.0, 172.0, 372.0] {
        p1 += &rect(x - 0.25, 640.0, 0.5, 60.0);
    }
    p1 += &rect(271.75, 640.0, 0.5, 40.0); // 272 only below 申请人情况
    p1 += &show(&mut cids, 76.0, 686.0, "自");
    p1 += &show(&mut cids, 76.0, 672.0, "然");
    p1 += &show(&mut cids, 76.0, 660.5, "人");
    p1 += &show(&mut cids, 176.0, 685.0, "申请人情况");
    p1 += &show(&mut cids, 176.0, 665.0, "商业企业");
    p1 += &show(&mut cids, 276.0, 665.0, "总计");
    p1 += &show(&mut cids, 76.0, 645.0, "本年新收");
    p1 += "BT /H 12 Tf 176 645 Td (1) Tj ET BT /H 12 Tf 276 645 Td (2) Tj ET\n";
    // Page 2: one more row at the top, the same columns.
    let mut p2 = String::new();
    for y in [800.0, 780.0] {
        p2 += &rect(72.0, y - 0.25, 300.0, 0.5);
    }
    for x in [72.0, 172.0, 272.0, 372.0] {
        p2 += &rect(x - 0.25, 780.0, 0.5, 20.0);
    }
    p2 += &show(&mut cids, 76.0, 785.0, "上年结转");
    p2 += "BT /H 12 Tf 176 785 Td (3) Tj ET BT /H 12 Tf 276 785 Td (4) Tj ET\n";
    p2 += &show(&mut cids, 72.0, 700.0, "五、存在的主要问题");
    let bytes = Builder::new("Identity-H", Some(cids.to_unicode()))
        .page(&p1)
        .page(&p2)
        .bytes();
    let doc = read(&bytes).unwrap();
    let grid = tables(&doc);
    assert_eq!(grid.len(), 1, "{grid:?}");
    assert_eq!(
        grid[0],
        [
            ["自然人", "申请人情况", "申请人情况"],
            ["自然人", "商业企业", "总计"],
            ["本年新收", "1", "2"],
            ["上年结转", "3", "4"],
        ]
    );
    let Some(Block::Table(t)) = doc.blocks.iter().find(|b| matches!(b, Block::Table(_))) else {
        unreachable!()
    };
    assert_eq!(t.rows[1][0].merged_from, Some((0, 0)));
    assert_eq!(t.rows[0][2].merged_from, Some((0, 1)));
    assert_eq!(t.rows[1][1].merged_from, None);
    assert_eq!(paragraphs(&doc), ["五、存在的主要问题"]);
}

#[test]
fn text_inside_a_form_xobject_is_read() {
    let mut cids = Cids::new();
    let inner = show(&mut cids, 0.0, 0.0, "落款");
    let mut b = Builder::new("Identity-H", Some(cids.to_unicode()));
    let resources = b.resources;
    let form = b.pdf.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 200.into(), 50.into()],
            "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 300.into(), 100.into()],
            "Resources" => Object::Reference(resources),
        },
        inner.into_bytes(),
    ));
    if let Ok(Object::Dictionary(r)) = b.pdf.get_object_mut(resources) {
        r.set("XObject", dictionary! { "Fm1" => Object::Reference(form) });
    }
    let bytes = b.page("q /Fm1 Do Q").bytes();
    assert_eq!(paragraphs(&read(&bytes).unwrap()), ["落款"]);
}

/// A page shown turned a quarter (/Rotate 90) whose text runs upwards in
/// the file: read as shown. A stamp at 45° is left out.
#[test]
fn a_turned_page_is_read_as_shown_and_slanted_stamps_are_left_out() {
    let mut cids = Cids::new();
    let heading = cids.hex("一、总体情况");
    let body = cids.hex("政府信息");
    let stamp = cids.hex("样稿");
    let content = format!(
        "BT /C 12 Tf 0 1 -1 0 100 72 Tm {heading} Tj ET\n\
         BT /C 12 Tf 0 1 -1 0 140 72 Tm {body} Tj ET\n\
         BT /C 40 Tf 0.7 0.7 -0.7 0.7 300 300 Tm {stamp} Tj ET\n"
    );
    let bytes = Builder::new("Identity-H", Some(cids.to_unicode()))
        .page_rotated(&content, 90)
        .bytes();
    assert_eq!(
        paragraphs(&read(&bytes).unwrap()),
        ["一、总体情况", "政府信息"]
    );
}

#[test]
fn running_headers_and_page_numbers_are_not_text() {
    let mut cids = Cids::new();
    let mut pages = Vec::new();
    for (n, body) in [(1, "一、总体情况"), (2, "二、主动公开政府信息情况")] {
        let mut c = show(&mut cids, 200.0, 815.0, "某某局年度报告");
        c += &show(&mut cids, 72.0, 700.0, body);
        c += &format!("BT /H 10 Tf 290 30 Td (- {n} -) Tj ET\n");
        pages.push(c);
    }
    let mut b = Builder::new("Identity-H", Some(cids.to_unicode()));
    for p in &pages {
        b.page(p);
    }
    let bytes = b.bytes();
    assert_eq!(
        paragraphs(&read(&bytes).unwrap()),
        ["一、总体情况", "二、主动公开政府信息情况"]
    );
}

/// A page of graph paper (150 × 150 lines) is a drawing, not a table of
/// 90,000 cells to fill; its text is read as lines.
#[test]
fn a_dense_grid_is_a_drawing_not_a_table() {
    let mut cids = Cids::new();
    let mut c = String::new();
    for k in 0..150 {
        let p = 50.0 + k as f32 * 3.2;
        c += &format!("50 {p} m 530 {p} l S {p} 50 m {p} 530 l S\n");
    }
    c += &show(&mut cids, 60.0, 300.0, "坐标纸");
    let bytes = Builder::new("Identity-H", Some(cids.to_unicode()))
        .page(&c)
        .bytes();
    let doc = read(&bytes).unwrap();
    assert!(tables(&doc).is_empty());
    assert_eq!(paragraphs(&doc), ["坐标纸"]);
}

/// A table over a page break (numbering.pdf, as LibreOffice exports it):
/// table 三 goes on from page 3 to page 4 and the label of row （六）1. is
/// broken between them. Each cell's boxes are on the pages its glyphs are
/// on, in that page's coordinates, and hold those glyphs.
#[test]
fn cells_of_a_table_over_a_page_break_are_boxed_on_their_own_pages() {
    use nianbao_core::model::Origin;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/numbering.pdf"
    );
    let bytes = std::fs::read(path).unwrap();
    let doc = read(&bytes).unwrap();
    let pdf = Pdf::load_mem(&bytes).unwrap();
    let limits = crate::Limits::default();
    let mut interp = crate::interp::Interpreter::new(&pdf, &limits);
    let pages: Vec<crate::interp::Page> = pdf
        .get_pages()
        .values()
        .enumerate()
        .map(|(i, id)| interp.page(i + 1, *id).unwrap())
        .collect();
    // Glyphs whose centre is in a box of `origin`, page by page.
    let inside = |origin: &Origin| -> Vec<(u32, String)> {
        let address = doc.addresses.get(origin).unwrap();
        address
            .boxes
            .iter()
            .map(|b| {
                let text: String = pages[b.page as usize - 1]
                    .glyphs
                    .iter()
                    .filter(|g| {
                        let (x, y) = g.center();
                        b.contains(x, y, 0.0)
                    })
                    .map(|g| g.text.as_str())
                    .collect();
                (b.page, text)
            })
            .collect()
    };
    let mut broken = None;
    let mut checked = 0;
    for block in &doc.blocks {
        let Block::Table(t) = block else { continue };
        for row in &t.rows {
            for cell in row.iter().filter(|c| c.merged_from.is_none()) {
                let parts = inside(&cell.origin);
                let text: String = parts.iter().map(|(_, t)| t.as_str()).collect();
                let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
                assert_eq!(
                    strip(&text),
                    strip(&cell.text),
                    "{:?}: {parts:?}",
                    cell.origin
                );
                checked += 1;
                if cell.text.contains("逾期不补正") {
                    broken = Some(parts);
                }
            }
        }
    }
    assert!(checked > 200, "{checked} cells");
    let broken = broken.unwrap();
    assert_eq!(
        broken.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        [3, 4],
        "{broken:?}"
    );
    assert!(broken[0].1.ends_with("公开申"), "{broken:?}");
    assert_eq!(broken[1].1, "请");
}
