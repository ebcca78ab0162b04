//! A content-stream interpreter that keeps only what layout needs: every
//! shown character with its position, advance and size, and the straight
//! horizontal and vertical lines that are drawn (table rulings).
//!
//! Coordinates are PDF user space of the page: points, y grows upwards.

use std::collections::HashMap;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::font::Font;
use crate::limits::MAX_STREAM_BYTES;
use crate::{Limits, PdfError};

/// Form XObjects nested deeper than this are skipped.
const MAX_FORM_DEPTH: usize = 8;
/// `q` nested deeper than this is ignored (its `Q` too).
const MAX_STATE_DEPTH: usize = 256;
/// Ruling candidates kept per page; beyond this the page is drawing, not a table.
const MAX_SEGMENTS: usize = 5_000;

/// One shown character.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub text: String,
    /// Origin on the baseline.
    pub x: f32,
    pub y: f32,
    /// Advance width.
    pub w: f32,
    /// Font size in page units.
    pub size: f32,
}

impl Glyph {
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    /// A point inside the glyph box (the baseline is at its bottom).
    pub fn center(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.size * 0.35)
    }
}

/// A straight horizontal (`pos` = y) or vertical (`pos` = x) line from `lo` to `hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub horizontal: bool,
    pub pos: f32,
    pub lo: f32,
    pub hi: f32,
}

#[derive(Debug, Default)]
pub struct Page {
    /// 1-based page number.
    pub number: usize,
    /// The media box.
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub glyphs: Vec<Glyph>,
    pub segments: Vec<Segment>,
    pub images: usize,
    /// Characters left out because they are drawn at an angle.
    pub turned: usize,
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n`.
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<usize>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    hscale: f32,
    leading: f32,
    rise: f32,
}

impl Default for State {
    fn default() -> State {
        State {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            hscale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

struct Subpath {
    points: Vec<(f32, f32)>,
    closed: bool,
}

/// Runs the content of every page, sharing parsed fonts across pages.
pub struct Interpreter<'a> {
    doc: &'a Document,
    limits: &'a Limits,
    fonts: Vec<Font<'a>>,
    font_ids: HashMap<ObjectId, usize>,
    /// Operations run so far, over the whole document.
    pub operations: usize,
}

fn number(o: &Object) -> f32 {
    o.as_float().ok().filter(|v| v.is_finite()).unwrap_or(0.0)
}

fn nums<const N: usize>(ops: &[Object]) -> Option<[f32; N]> {
    if ops.len() < N {
        return None;
    }
    let mut out = [0.0; N];
    for (o, v) in out.iter_mut().zip(&ops[ops.len() - N..]) {
        *o = v.as_float().ok().filter(|v| v.is_finite())?;
    }
    Some(out)
}

impl<'a> Interpreter<'a> {
    pub fn new(doc: &'a Document, limits: &'a Limits) -> Interpreter<'a> {
        Interpreter {
            doc,
            limits,
            fonts: Vec::new(),
            font_ids: HashMap::new(),
            operations: 0,
        }
    }

    fn deref(&self, o: &'a Object) -> &'a Object {
        self.doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
    }

    /// A page dictionary's entry, inherited from the page tree when absent.
    fn inherited(&self, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
        let mut node = page;
        for _ in 0..32 {
            if let Ok(o) = node.get(key) {
                return Some(self.deref(o));
            }
            node = self.deref(node.get(b"Parent").ok()?).as_dict().ok()?;
        }
        None
    }

    pub fn page(&mut self, number: usize, id: ObjectId) -> Result<Page, PdfError> {
        let mut page = Page {
            number,
            x0: 0.0,
            y0: 0.0,
            x1: 595.0,
            y1: 842.0,
            ..Page::default()
        };
        let Ok(dict) = self.doc.get_dictionary(id) else {
            return Ok(page);
        };
        if let Some([a, b, c, d]) = self
            .inherited(dict, b"MediaBox")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| nums::<4>(a))
        {
            (page.x0, page.y0, page.x1, page.y1) = (a.min(c), b.min(d), a.max(c), b.max(d));
        }
        // A page shown turned (/Rotate) is laid out as it is shown.
        let rotate = self
            .inherited(dict, b"Rotate")
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0)
            .rem_euclid(360);
        let (x0, y0, x1, y1) = (page.x0, page.y0, page.x1, page.y1);
        let ctm = match rotate {
            90 => [0.0, -1.0, 1.0, 0.0, -y0, x1],
            180 => [-1.0, 0.0, 0.0, -1.0, x1, y1],
            270 => [0.0, 1.0, -1.0, 0.0, y1, -x0],
            _ => [1.0, 0.0, 0.0, 1.0, -x0, -y0],
        };
        (page.x0, page.y0) = (0.0, 0.0);
        (page.x1, page.y1) = match rotate {
            90 | 270 => (y1 - y0, x1 - x0),
            _ => (x1 - x0, y1 - y0),
        };
        let resources = self
            .inherited(dict, b"Resources")
            .and_then(|o| o.as_dict().ok());
        let content = self
            .doc
            .get_page_content_with_limit(id, MAX_STREAM_BYTES)
            .map_err(|_| PdfError::TooComplex(format!("第 {number} 页的内容流超过 32 MiB")))?;
        let mut run = Run {
            page: &mut page,
            state: State {
                ctm,
                ..State::default()
            },
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            path: Vec::new(),
            forms: 0,
        };
        self.run(&content, resources, &mut run, 0)?;
        Ok(page)
    }

    fn font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Option<usize> {
        let fonts = self.deref(resources?.get(b"Font").ok()?).as_dict().ok()?;
        let entry = fonts.get(name).ok()?;
        let id = entry.as_reference().ok();
        if let Some(i) = id.and_then(|id| self.font_ids.get(&id)) {
            return Some(*i);
        }
        let dict = self.deref(entry).as_dict().ok()?;
        self.fonts.push(Font::new(self.doc, dict));
        let i = self.fonts.len() - 1;
        if let Some(id) = id {
            self.font_ids.insert(id, i);
        }
        Some(i)
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        run: &mut Run<'_>,
        depth: usize,
    ) -> Result<(), PdfError> {
        // A damaged stream still gives the operations before the damage.
        for op in Content::decode_iter(content) {
            let Ok(op) = op else { break };
            self.operations += 1;
            if self.operations > self.limits.max_operations {
                return Err(PdfError::TooComplex(format!(
                    "绘制指令超过 {} 条",
                    self.limits.max_operations
                )));
            }
            if run.page.glyphs.len() > self.limits.max_glyphs_per_page {
                return Err(PdfError::TooComplex(format!(
                    "第 {} 页的字符超过 {} 个",
                    run.page.number, self.limits.max_glyphs_per_page
                )));
            }
            self.op(&op, resources, run, depth)?;
        }
        Ok(())
    }

    fn op(
        &mut self,
        op: &Operation,
        resources: Option<&'a Dictionary>,
        run: &mut Run<'_>,
        depth: usize,
    ) -> Result<(), PdfError> {
        let args = &op.operands;
        let st = &mut run.state;
        match op.operator.as_str() {
            "q" if run.stack.len() < MAX_STATE_DEPTH => {
                run.stack.push(st.clone());
            }
            "Q" => {
                if let Some(s) = run.stack.pop() {
                    *st = s;
                }
            }
            "cm" => {
                if let Some(m) = nums::<6>(args) {
                    st.ctm = mul(&m, &st.ctm);
                }
            }
            "BT" => {
                run.tm = IDENTITY;
                run.tlm = IDENTITY;
            }
            "Tf" => {
                if let (Some(name), Some(size)) = (
                    args.first().and_then(|o| o.as_name().ok()),
                    args.get(1).map(number),
                ) {
                    st.font = self.font(resources, name);
                    st.size = size;
                }
            }
            "Tc" => st.char_spacing = args.first().map(number).unwrap_or(0.0),
            "Tw" => st.word_spacing = args.first().map(number).unwrap_or(0.0),
            "Tz" => st.hscale = args.first().map(number).unwrap_or(100.0) / 100.0,
            "TL" => st.leading = args.first().map(number).unwrap_or(0.0),
            "Ts" => st.rise = args.first().map(number).unwrap_or(0.0),
            "Td" | "TD" => {
                if let Some([tx, ty]) = nums::<2>(args) {
                    if op.operator == "TD" {
                        st.leading = -ty;
                    }
                    run.tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &run.tlm);
                    run.tm = run.tlm;
                }
            }
            "Tm" => {
                if let Some(m) = nums::<6>(args) {
                    run.tlm = m;
                    run.tm = m;
                }
            }
            "T*" => run.next_line(),
            "Tj" => {
                if let Some(s) = args.first().and_then(|o| o.as_str().ok()) {
                    self.show(run, s);
                }
            }
            "'" => {
                run.next_line();
                if let Some(s) = args.first().and_then(|o| o.as_str().ok()) {
                    self.show(run, s);
                }
            }
            "\"" if args.len() >= 3 => {
                run.state.word_spacing = number(&args[0]);
                run.state.char_spacing = number(&args[1]);
                run.next_line();
                if let Ok(s) = args[2].as_str() {
                    self.show(run, s);
                }
            }
            "TJ" => {
                if let Some(items) = args.first().and_then(|o| o.as_array().ok()) {
                    for item in items {
                        match item {
                            Object::String(s, _) => self.show(run, s),
                            o => {
                                let adj = number(o);
                                let tx = -adj / 1000.0 * run.state.size * run.state.hscale;
                                run.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &run.tm);
                            }
                        }
                    }
                }
            }
            "m" => {
                if let Some([x, y]) = nums::<2>(args) {
                    let p = apply(&st.ctm, x, y);
                    run.path.push(Subpath {
                        points: vec![p],
                        closed: false,
                    });
                }
            }
            "l" => {
                if let Some([x, y]) = nums::<2>(args) {
                    let p = apply(&st.ctm, x, y);
                    if let Some(sp) = run.path.last_mut()
                        && sp.points.len() < 10_000
                    {
                        sp.points.push(p);
                    }
                }
            }
            // Curves are not rulings: the subpath is kept only as far as its
            // end point, so a later straight piece starts in the right place.
            "c" | "v" | "y" => {
                if let Some([x, y]) = nums::<2>(args) {
                    let p = apply(&st.ctm, x, y);
                    run.path.push(Subpath {
                        points: vec![p],
                        closed: false,
                    });
                }
            }
            "h" => {
                if let Some(sp) = run.path.last_mut() {
                    sp.closed = true;
                }
            }
            "re" => {
                if let Some([x, y, w, h]) = nums::<4>(args) {
                    let ctm = st.ctm;
                    let points = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
                        .iter()
                        .map(|(a, b)| apply(&ctm, *a, *b))
                        .collect();
                    run.path.push(Subpath {
                        points,
                        closed: true,
                    });
                }
            }
            "S" | "s" | "B" | "B*" | "b" | "b*" => {
                let close = matches!(op.operator.as_str(), "s" | "b" | "b*");
                let path = std::mem::take(&mut run.path);
                run.stroke(&path, close);
            }
            "f" | "F" | "f*" => {
                let path = std::mem::take(&mut run.path);
                run.fill(&path);
            }
            "n" => run.path.clear(),
            "BI" | "EI" | "ID" => run.page.images += 1,
            "Do" => {
                if let Some(name) = args.first().and_then(|o| o.as_name().ok()) {
                    self.xobject(resources, name, run, depth)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn xobject(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        run: &mut Run<'_>,
        depth: usize,
    ) -> Result<(), PdfError> {
        let Some(stream) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| self.deref(o).as_dict().ok())
            .and_then(|d| d.get(name).ok())
            .and_then(|o| self.deref(o).as_stream().ok())
        else {
            return Ok(());
        };
        let subtype = stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        if subtype == b"Image" {
            run.page.images += 1;
            return Ok(());
        }
        run.forms += 1;
        if subtype != b"Form" || depth >= MAX_FORM_DEPTH || run.forms > 10_000 {
            return Ok(());
        }
        let Ok(content) = stream.decompressed_content_with_limit(MAX_STREAM_BYTES) else {
            return Ok(());
        };
        let matrix = stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| o.as_array().ok())
            .and_then(|a| nums::<6>(a))
            .unwrap_or(IDENTITY);
        let own = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| self.deref(o).as_dict().ok());
        let saved = (run.state.clone(), run.tm, run.tlm, run.stack.len());
        run.state.ctm = mul(&matrix, &run.state.ctm);
        self.run(&content, own.or(resources), run, depth + 1)?;
        run.state = saved.0;
        run.tm = saved.1;
        run.tlm = saved.2;
        run.stack.truncate(saved.3);
        Ok(())
    }

    fn show(&mut self, run: &mut Run<'_>, bytes: &[u8]) {
        let Some(font) = run.state.font.and_then(|i| self.fonts.get(i)) else {
            return;
        };
        let st = &run.state;
        for code in font.codes(bytes) {
            let trm = mul(
                &mul(
                    &[st.size * st.hscale, 0.0, 0.0, st.size, 0.0, st.rise],
                    &run.tm,
                ),
                &st.ctm,
            );
            let (x, y) = (trm[4], trm[5]);
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            let xscale = (trm[0] * trm[0] + trm[1] * trm[1]).sqrt();
            let w = code.advance * xscale;
            let mut tx = code.advance * st.size + st.char_spacing;
            if code.is_space {
                tx += st.word_spacing;
            }
            tx *= st.hscale;
            run.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &run.tm);
            // Text at an angle (watermarks, stamps) is not part of the report's lines.
            if trm[1].abs() > 0.1 * trm[0].abs() || trm[2].abs() > 0.1 * trm[3].abs() {
                if !code.text.trim().is_empty() {
                    run.page.turned += 1;
                }
                continue;
            }
            if size > 0.0 && x.is_finite() && y.is_finite() && !code.text.is_empty() {
                run.page.glyphs.push(Glyph {
                    text: code.text,
                    x,
                    y,
                    w,
                    size,
                });
            }
        }
    }
}

/// The state of one page's run.
struct Run<'p> {
    page: &'p mut Page,
    state: State,
    stack: Vec<State>,
    tm: Matrix,
    tlm: Matrix,
    path: Vec<Subpath>,
    forms: usize,
}

/// Rectangles thinner than this (points) are drawn lines, not areas.
const THIN: f32 = 3.0;
/// How far from axis-parallel a line may be (points over its length).
const SKEW: f32 = 0.8;

/// The bounding box of a subpath whose points all lie on that box (a
/// rectangle, or a thin quadrilateral such as a mitred border side).
fn rect_box(sp: &Subpath) -> Option<[f32; 4]> {
    if sp.points.len() < 2 {
        return None;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for (x, y) in &sp.points {
        x0 = x0.min(*x);
        y0 = y0.min(*y);
        x1 = x1.max(*x);
        y1 = y1.max(*y);
    }
    sp.points
        .iter()
        .all(|(x, y)| {
            (x - x0).abs() < SKEW
                || (x - x1).abs() < SKEW
                || (y - y0).abs() < SKEW
                || (y - y1).abs() < SKEW
        })
        .then_some([x0, y0, x1, y1])
}

impl Run<'_> {
    fn next_line(&mut self) {
        self.tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -self.state.leading], &self.tlm);
        self.tm = self.tlm;
    }

    fn push(&mut self, s: Segment) {
        if self.page.segments.len() < MAX_SEGMENTS && s.hi - s.lo > 0.5 {
            self.page.segments.push(s);
        }
    }

    fn line(&mut self, a: (f32, f32), b: (f32, f32)) {
        let (dx, dy) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
        if dy <= SKEW && dx > dy {
            self.push(Segment {
                horizontal: true,
                pos: (a.1 + b.1) / 2.0,
                lo: a.0.min(b.0),
                hi: a.0.max(b.0),
            });
        } else if dx <= SKEW && dy > dx {
            self.push(Segment {
                horizontal: false,
                pos: (a.0 + b.0) / 2.0,
                lo: a.1.min(b.1),
                hi: a.1.max(b.1),
            });
        }
    }

    fn stroke(&mut self, path: &[Subpath], close: bool) {
        for sp in path {
            for w in sp.points.windows(2) {
                self.line(w[0], w[1]);
            }
            if (sp.closed || close)
                && sp.points.len() > 2
                && let (Some(first), Some(last)) = (sp.points.first(), sp.points.last())
            {
                self.line(*last, *first);
            }
        }
    }

    /// Filled thin rectangles are lines (Word draws cell borders so); a frame
    /// (a rectangle minus a slightly smaller one, filled even-odd) is its four
    /// sides; larger fills are shading and are ignored.
    fn fill(&mut self, path: &[Subpath]) {
        let boxes: Vec<Option<[f32; 4]>> = path.iter().map(rect_box).collect();
        for (i, b) in boxes.iter().enumerate() {
            let Some([x0, y0, x1, y1]) = *b else { continue };
            let inner = boxes.iter().enumerate().any(|(j, o)| {
                o.is_some_and(|[a0, b0, a1, b1]| {
                    j != i
                        && (0.0..=THIN).contains(&(a0 - x0))
                        && (0.0..=THIN).contains(&(b0 - y0))
                        && (0.0..=THIN).contains(&(x1 - a1))
                        && (0.0..=THIN).contains(&(y1 - b1))
                        && (a1 - a0) + (b1 - b0) < (x1 - x0) + (y1 - y0)
                })
            });
            if inner {
                for (a, b) in [
                    ((x0, y0), (x1, y0)),
                    ((x1, y0), (x1, y1)),
                    ((x0, y1), (x1, y1)),
                    ((x0, y0), (x0, y1)),
                ] {
                    self.line(a, b);
                }
                continue;
            }
            let (w, h) = (x1 - x0, y1 - y0);
            if h <= THIN && w > h {
                self.push(Segment {
                    horizontal: true,
                    pos: (y0 + y1) / 2.0,
                    lo: x0,
                    hi: x1,
                });
            } else if w <= THIN && h > w {
                self.push(Segment {
                    horizontal: false,
                    pos: (x0 + x1) / 2.0,
                    lo: y0,
                    hi: y1,
                });
            }
        }
    }
}
