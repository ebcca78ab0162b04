//! The XML around the text of a generated report, in two shapes: the
//! lighter one of corpus version 4 and the one WPS Office writes (issue 21:
//! about 180 bytes of XML per character of text, most of it in the tables).

/// The fragments one shape writes around paragraphs, runs, rows and cells.
pub struct Markup {
    /// A short name for messages and folder names.
    pub name: &'static str,
    /// Run properties of body text, of digits in body text, of cell text.
    pub rpr_cjk: &'static str,
    pub rpr_digit: &'static str,
    pub rpr_cell: &'static str,
    /// Paragraph properties (open: numbering and the mark's run properties follow).
    pub ppr_body: &'static str,
    pub ppr_cell: &'static str,
    /// The paragraph mark's run properties are written in cells too.
    pub cell_mark_rpr: bool,
    /// `w:tcPr` after `w:tcW`, `w:gridSpan` and `w:vMerge`.
    pub tc_borders: &'static str,
    /// A row's start tag with its `w:tblPrEx` and `w:trPr`.
    pub row_start: &'static str,
    /// Every paragraph carries a `w14:paraId`.
    pub para_ids: bool,
    /// Runs are also split at random edit points, with bookmarks and
    /// proofing marks between them; else only where digits start or end.
    pub edit_points: bool,
}

/// Version 4's shape: verbose properties, runs split at edit points.
pub const LIGHT: Markup = Markup {
    name: "light",
    rpr_cjk: r#"<w:rPr><w:rFonts w:hint="eastAsia" w:ascii="仿宋_GB2312" w:hAnsi="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:cs="仿宋_GB2312"/><w:color w:val="000000"/><w:kern w:val="0"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>"#,
    rpr_digit: r#"<w:rPr><w:rFonts w:hint="default" w:ascii="仿宋_GB2312" w:hAnsi="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:cs="仿宋_GB2312"/><w:color w:val="000000"/><w:kern w:val="0"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>"#,
    rpr_cell: r#"<w:rPr><w:rFonts w:hint="eastAsia" w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体" w:cs="宋体"/><w:color w:val="000000"/><w:kern w:val="0"/><w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar"/></w:rPr>"#,
    ppr_body: r#"<w:pPr><w:keepNext w:val="0"/><w:keepLines w:val="0"/><w:pageBreakBefore w:val="0"/><w:widowControl/><w:kinsoku/><w:wordWrap/><w:overflowPunct/><w:topLinePunct w:val="0"/><w:autoSpaceDE/><w:autoSpaceDN/><w:bidi w:val="0"/><w:adjustRightInd/><w:snapToGrid/><w:spacing w:line="560" w:lineRule="exact"/><w:ind w:firstLine="640" w:firstLineChars="200"/><w:jc w:val="both"/><w:textAlignment w:val="auto"/>"#,
    ppr_cell: r#"<w:pPr><w:keepNext w:val="0"/><w:keepLines w:val="0"/><w:widowControl/><w:suppressLineNumbers w:val="0"/><w:spacing w:before="0" w:beforeAutospacing="0" w:after="0" w:afterAutospacing="0" w:line="240" w:lineRule="auto"/><w:ind w:left="0" w:right="0"/><w:jc w:val="center"/><w:textAlignment w:val="center"/>"#,
    cell_mark_rpr: true,
    tc_borders: r#"<w:tcBorders><w:top w:val="single" w:color="000000" w:sz="4" w:space="0"/><w:left w:val="single" w:color="000000" w:sz="4" w:space="0"/><w:bottom w:val="single" w:color="000000" w:sz="4" w:space="0"/><w:right w:val="single" w:color="000000" w:sz="4" w:space="0"/></w:tcBorders><w:shd w:val="clear" w:color="auto" w:fill="FFFFFF"/><w:noWrap/><w:tcMar><w:top w:w="15" w:type="dxa"/><w:left w:w="15" w:type="dxa"/><w:right w:w="15" w:type="dxa"/></w:tcMar><w:vAlign w:val="center"/>"#,
    row_start: r#"<w:tr><w:tblPrEx><w:tblBorders><w:top w:val="none" w:color="auto" w:sz="0" w:space="0"/></w:tblBorders><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPrEx><w:trPr><w:trHeight w:val="400" w:hRule="atLeast"/><w:jc w:val="center"/></w:trPr>"#,
    para_ids: false,
    edit_points: true,
};

/// As WPS Office saves a report: a full `w:tcPr` on every cell, `w:tblPrEx`
/// with six borders and `w:trPr` on every row, `w:pPr` and `w14:paraId` on
/// every paragraph, full `w:rPr` on every run, runs split where digits are.
pub const WPS: Markup = Markup {
    name: "wps",
    rpr_cjk: LIGHT.rpr_cjk,
    rpr_digit: LIGHT.rpr_digit,
    rpr_cell: r#"<w:rPr><w:rFonts w:hint="eastAsia" w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体" w:cs="宋体"/><w:color w:val="000000"/><w:kern w:val="0"/><w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>"#,
    ppr_body: r#"<w:pPr><w:keepNext w:val="0"/><w:keepLines w:val="0"/><w:widowControl/><w:suppressLineNumbers w:val="0"/><w:spacing w:beforeAutospacing="0" w:afterAutospacing="0" w:line="560" w:lineRule="exact"/><w:ind w:firstLine="640"/><w:jc w:val="both"/>"#,
    ppr_cell: r#"<w:pPr><w:keepNext w:val="0"/><w:keepLines w:val="0"/><w:widowControl/><w:suppressLineNumbers w:val="0"/><w:spacing w:beforeAutospacing="0" w:afterAutospacing="0"/><w:ind w:left="0"/><w:jc w:val="center"/>"#,
    cell_mark_rpr: false,
    tc_borders: r#"<w:tcBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tcBorders><w:shd w:val="clear" w:fill="FFFFFF"/><w:tcMar><w:left w:w="0" w:type="dxa"/></w:tcMar><w:vAlign w:val="center"/>"#,
    row_start: r#"<w:tr><w:tblPrEx><w:tblBorders><w:top w:val="none" w:sz="0" w:space="0" w:color="auto"/><w:left w:val="none" w:sz="0" w:space="0" w:color="auto"/><w:bottom w:val="none" w:sz="0" w:space="0" w:color="auto"/><w:right w:val="none" w:sz="0" w:space="0" w:color="auto"/><w:insideH w:val="none" w:sz="0" w:space="0" w:color="auto"/><w:insideV w:val="none" w:sz="0" w:space="0" w:color="auto"/></w:tblBorders></w:tblPrEx><w:trPr><w:trHeight w:val="400"/></w:trPr>"#,
    para_ids: true,
    edit_points: false,
};
