//! Tables from ruling lines: connected horizontal and vertical lines make a
//! table; their positions make the grid; a missing line between two grid
//! positions makes them one (merged) cell.

use crate::interp::{Glyph, Segment};
use crate::lines::{join, lines};

/// Lines closer than this are one line (double borders, rounding).
const SNAP: f32 = 3.0;
/// Grid positions of one table at most (a report's table 三 has about 300).
const MAX_GRID: usize = 20_000;
/// Lines of one table at most.
const MAX_REGION_SEGMENTS: usize = 2_000;
/// Tables on one page at most.
const MAX_REGIONS: usize = 50;

/// A ruled region of a page (or of several pages, joined).
#[derive(Debug, Clone, Default)]
pub struct Ruled {
    pub segments: Vec<Segment>,
    /// Bounding box.
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// Which page each vertical stretch of the region came from (one band
    /// per page of a table joined across page breaks).
    pub bands: Vec<Band>,
}

/// A vertical stretch of a (joined) region: from `bottom` to `top` in the
/// region's coordinates, drawn on `page` shifted up by `dy`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub page: u32,
    pub dy: f32,
    pub top: f32,
    pub bottom: f32,
}

impl Ruled {
    fn from_segments(segments: Vec<Segment>) -> Ruled {
        let mut r = Ruled {
            segments,
            x0: f32::MAX,
            y0: f32::MAX,
            x1: f32::MIN,
            y1: f32::MIN,
            bands: Vec::new(),
        };
        for s in &r.segments {
            let (x0, x1, y0, y1) = if s.horizontal {
                (s.lo, s.hi, s.pos, s.pos)
            } else {
                (s.pos, s.pos, s.lo, s.hi)
            };
            r.x0 = r.x0.min(x0);
            r.x1 = r.x1.max(x1);
            r.y0 = r.y0.min(y0);
            r.y1 = r.y1.max(y1);
        }
        r
    }

    pub fn contains(&self, g: &Glyph) -> bool {
        let (cx, cy) = g.center();
        cx >= self.x0 - 1.0 && cx <= self.x1 + 1.0 && cy >= self.y0 - 1.0 && cy <= self.y1 + 1.0
    }

    /// Records that the region, as it is now, is drawn on `page`.
    pub fn on_page(&mut self, page: u32) {
        self.bands = vec![Band {
            page,
            dy: 0.0,
            top: self.y1,
            bottom: self.y0,
        }];
    }

    /// A rectangle of the region (`x0, y0, x1, y1`) as boxes on the pages it
    /// was drawn on: one per page it reaches.
    pub fn page_boxes(&self, rect: [f32; 4]) -> Vec<nianbao_core::address::PageBox> {
        let [x0, y0, x1, y1] = rect;
        self.bands
            .iter()
            .filter_map(|b| {
                let (lo, hi) = (y0.max(b.bottom), y1.min(b.top));
                (hi - lo > 0.5).then_some(nianbao_core::address::PageBox {
                    page: b.page,
                    x0,
                    y0: lo - b.dy,
                    x1,
                    y1: hi - b.dy,
                })
            })
            .collect()
    }

    /// Moves the region (and nothing else) vertically by `dy`.
    pub fn shift(&mut self, dy: f32) {
        for b in &mut self.bands {
            b.dy += dy;
            b.top += dy;
            b.bottom += dy;
        }
        for s in &mut self.segments {
            if s.horizontal {
                s.pos += dy;
            } else {
                s.lo += dy;
                s.hi += dy;
            }
        }
        self.y0 += dy;
        self.y1 += dy;
    }

    /// Row edges, top to bottom (snapped).
    pub fn row_edges(&self) -> Vec<f32> {
        let mut ys = self.positions(true);
        ys.reverse();
        ys
    }

    /// Drops the horizontal lines at `y` (a page break's border lines).
    pub fn drop_lines_at(&mut self, y: f32) {
        self.segments
            .retain(|s| !(s.horizontal && (s.pos - y).abs() <= SNAP));
    }

    /// Adds a region below this one.
    pub fn append(&mut self, other: Ruled) {
        self.x0 = self.x0.min(other.x0);
        self.x1 = self.x1.max(other.x1);
        self.y0 = self.y0.min(other.y0);
        self.y1 = self.y1.max(other.y1);
        self.segments.extend(other.segments);
        self.bands.extend(other.bands);
    }

    fn positions(&self, horizontal: bool) -> Vec<f32> {
        let mut v: Vec<f32> = self
            .segments
            .iter()
            .filter(|s| s.horizontal == horizontal)
            .map(|s| s.pos)
            .collect();
        v.sort_by(f32::total_cmp);
        snap(&v)
    }

    /// The grid: column edges left to right, row edges top to bottom.
    pub fn grid(&self) -> Option<(Vec<f32>, Vec<f32>)> {
        let xs = self.positions(false);
        let mut ys = self.positions(true);
        ys.reverse();
        // One cell is a frame around text, not a table; thousands of cells
        // or lines are a drawing (and would cost time for nothing).
        if xs.len() < 2
            || ys.len() < 2
            || (xs.len() == 2 && ys.len() == 2)
            || xs.len() * ys.len() > MAX_GRID
            || self.segments.len() > MAX_REGION_SEGMENTS
        {
            return None;
        }
        Some((xs, ys))
    }

    /// Whether a line at `pos` (within the snap distance) crosses `at`.
    fn has_line(&self, horizontal: bool, pos: f32, at: f32) -> bool {
        self.segments.iter().any(|s| {
            s.horizontal == horizontal
                && (s.pos - pos).abs() <= SNAP
                && s.lo - SNAP / 2.0 <= at
                && at <= s.hi + SNAP / 2.0
        })
    }
}

/// Sorted positions → cluster means (positions within [`SNAP`] of the previous one).
fn snap(sorted: &[f32]) -> Vec<f32> {
    let mut out: Vec<f32> = Vec::new();
    let mut cluster: Vec<f32> = Vec::new();
    for &p in sorted {
        if let Some(last) = cluster.last()
            && p - last > SNAP
        {
            out.push(cluster.iter().sum::<f32>() / cluster.len() as f32);
            cluster.clear();
        }
        cluster.push(p);
    }
    if !cluster.is_empty() {
        out.push(cluster.iter().sum::<f32>() / cluster.len() as f32);
    }
    out
}

/// Merges collinear overlapping pieces (borders are often drawn cell by cell).
fn merge_segments(mut segs: Vec<Segment>) -> Vec<Segment> {
    segs.sort_by(|a, b| {
        a.horizontal
            .cmp(&b.horizontal)
            .then(a.pos.total_cmp(&b.pos))
    });
    let mut out: Vec<Segment> = Vec::with_capacity(segs.len());
    let mut start = 0;
    while start < segs.len() {
        // Pieces on one line: positions chained within half a point.
        let mut end = start + 1;
        while end < segs.len()
            && segs[end].horizontal == segs[start].horizontal
            && segs[end].pos - segs[end - 1].pos <= 0.5
        {
            end += 1;
        }
        let group = &mut segs[start..end];
        let pos = group.iter().map(|s| s.pos).sum::<f32>() / group.len() as f32;
        group.sort_by(|a, b| a.lo.total_cmp(&b.lo));
        let first = out.len();
        for s in group.iter() {
            let joins = out.len() > first && out.last().is_some_and(|l| s.lo <= l.hi + 1.0);
            match out.last_mut() {
                Some(last) if joins => last.hi = last.hi.max(s.hi),
                _ => out.push(Segment { pos, ..*s }),
            }
        }
        start = end;
    }
    out
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

/// The ruled regions of a page: groups of crossing lines with at least two
/// horizontal and two vertical lines.
pub fn regions(segments: &[Segment]) -> Vec<Ruled> {
    let segs = merge_segments(segments.to_vec());
    let n = segs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let near = SNAP;
    for i in 0..n {
        if !segs[i].horizontal {
            continue;
        }
        for j in 0..n {
            let (h, v) = (&segs[i], &segs[j]);
            if v.horizontal {
                continue;
            }
            if v.pos >= h.lo - near
                && v.pos <= h.hi + near
                && h.pos >= v.lo - near
                && h.pos <= v.hi + near
            {
                union(&mut parent, i, j);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<Segment>> = Default::default();
    for (i, s) in segs.iter().enumerate() {
        groups.entry(find(&mut parent, i)).or_default().push(*s);
    }
    let mut out: Vec<Ruled> = groups
        .into_values()
        .map(Ruled::from_segments)
        .filter(|r| r.x1 - r.x0 > 20.0 && r.y1 - r.y0 > 8.0 && r.grid().is_some())
        .collect();
    out.sort_by(|a, b| b.y1.total_cmp(&a.y1));
    out.truncate(MAX_REGIONS);
    out
}

/// A table cell as laid out: its text, the grid position it was merged
/// into, and the box of the (merged) cell.
#[derive(Debug, Clone, PartialEq)]
pub struct LaidCell {
    pub text: String,
    /// (row, column) of the top-left position of the merged cell; `None` for that position itself.
    pub merged_from: Option<(usize, usize)>,
    /// `x0, y0, x1, y1` of the whole merged cell, in the region's coordinates.
    pub rect: Option<[f32; 4]>,
}

/// Builds the cell grid of a ruled region and fills it with the glyphs inside.
pub fn cells(region: &Ruled, glyphs: &[&Glyph]) -> Vec<Vec<LaidCell>> {
    let Some((xs, mut ys)) = region.grid() else {
        return Vec::new();
    };
    let laid = fill(region, &xs, &ys, glyphs);
    // A horizontal line drawn under some cells only, that nowhere separates
    // two texts (a row-spanning cell ended mid-row, as some writers draw at
    // a page break), is not a row boundary.
    let spurious: Vec<usize> = (1..ys.len() - 1)
        .filter(|&k| {
            let mids = || xs.windows(2).map(|w| (w[0] + w[1]) / 2.0).enumerate();
            let partial = mids().any(|(_, x)| !region.has_line(true, ys[k], x));
            partial
                && mids().all(|(c, x)| {
                    !region.has_line(true, ys[k], x)
                        || laid[k - 1][c].text.is_empty()
                        || laid[k][c].text.is_empty()
                })
        })
        .collect();
    if spurious.is_empty() {
        return laid;
    }
    for k in spurious.into_iter().rev() {
        ys.remove(k);
    }
    fill(region, &xs, &ys, glyphs)
}

/// Cells of the grid `xs` × `ys`, merged where a grid line is missing.
fn fill(region: &Ruled, xs: &[f32], ys: &[f32], glyphs: &[&Glyph]) -> Vec<Vec<LaidCell>> {
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    let idx = |r: usize, c: usize| r * cols + c;
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    for r in 0..rows {
        let ymid = (ys[r] + ys[r + 1]) / 2.0;
        // Inner column edges: xs[1..cols].
        for (c, x) in xs.iter().enumerate().take(cols).skip(1) {
            if !region.has_line(false, *x, ymid) {
                union(&mut parent, idx(r, c - 1), idx(r, c));
            }
        }
    }
    for c in 0..cols {
        let xmid = (xs[c] + xs[c + 1]) / 2.0;
        for (r, y) in ys.iter().enumerate().take(rows).skip(1) {
            if !region.has_line(true, *y, xmid) {
                union(&mut parent, idx(r - 1, c), idx(r, c));
            }
        }
    }
    // The top-left grid position of every merged cell (roots are the smallest index).
    let mut top_left: Vec<(usize, usize)> = vec![(usize::MAX, usize::MAX); rows * cols];
    let mut bottom_right: Vec<(usize, usize)> = vec![(0, 0); rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            let root = find(&mut parent, idx(r, c));
            let tl = &mut top_left[root];
            *tl = (tl.0.min(r), tl.1.min(c));
            let br = &mut bottom_right[root];
            *br = (br.0.max(r), br.1.max(c));
        }
    }
    // Glyphs to the merged cell they sit in.
    let mut inside: Vec<Vec<&Glyph>> = vec![Vec::new(); rows * cols];
    for g in glyphs {
        let (cx, cy) = g.center();
        let c = xs.partition_point(|x| *x <= cx).clamp(1, cols) - 1;
        let r = ys.partition_point(|y| *y >= cy).clamp(1, rows) - 1;
        let root = find(&mut parent, idx(r, c));
        inside[root].push(g);
    }
    let mut texts: Vec<Option<String>> = vec![None; rows * cols];
    let mut grid = Vec::with_capacity(rows);
    for r in 0..rows {
        let mut row = Vec::with_capacity(cols);
        for c in 0..cols {
            let root = find(&mut parent, idx(r, c));
            let text = texts[root]
                .get_or_insert_with(|| {
                    let mut s = String::new();
                    for line in lines(&inside[root]) {
                        join(&mut s, &line.text);
                    }
                    s
                })
                .clone();
            let (tl, br) = (top_left[root], bottom_right[root]);
            row.push(LaidCell {
                text,
                merged_from: (tl != (r, c)).then_some(tl),
                rect: Some([xs[tl.1], ys[br.0 + 1], xs[br.1 + 1], ys[tl.0]]),
            });
        }
        grid.push(row);
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(y: f32, lo: f32, hi: f32) -> Segment {
        Segment {
            horizontal: true,
            pos: y,
            lo,
            hi,
        }
    }
    fn v(x: f32, lo: f32, hi: f32) -> Segment {
        Segment {
            horizontal: false,
            pos: x,
            lo,
            hi,
        }
    }
    fn g(text: &str, x: f32, y: f32) -> Glyph {
        Glyph {
            text: text.into(),
            x,
            y,
            w: 10.0,
            size: 10.0,
        }
    }

    /// ```text
    /// +-----+-----+-----+   y=100
    /// | 申请人情况   |总计 |
    /// +-----+-----+     +   y=80
    /// | 自  | 商业 |     |
    /// | 然  |     |     |
    /// +-----+-----+-----+   y=40
    /// x=0   50    100   150
    /// ```
    #[test]
    fn a_missing_line_merges_cells_and_the_text_is_repeated() {
        let segs = vec![
            h(100.0, 0.0, 150.0),
            h(80.0, 0.0, 100.0),
            h(40.0, 0.0, 150.0),
            v(0.0, 40.0, 100.0),
            v(50.0, 40.0, 80.0),
            v(100.0, 40.0, 100.0),
            v(150.0, 40.0, 100.0),
        ];
        let regions = regions(&segs);
        assert_eq!(regions.len(), 1);
        let glyphs = [
            g("申", 10.0, 86.0),
            g("请", 20.0, 86.0),
            g("总", 110.0, 66.0),
            g("自", 20.0, 66.0),
            g("然", 20.0, 52.0),
            g("商", 60.0, 66.0),
        ];
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        let grid = cells(&regions[0], &refs);
        let text: Vec<Vec<&str>> = grid
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(text, [["申请", "申请", "总"], ["自然", "商", "总"]]);
        assert_eq!(grid[0][1].merged_from, Some((0, 0)));
        assert_eq!(grid[1][2].merged_from, Some((0, 2)));
        assert_eq!(grid[0][0].merged_from, None);
    }

    /// The label cell's bottom border stops halfway down the next row (as
    /// WeasyPrint draws a row span cut by a page break): not a row boundary.
    #[test]
    fn a_partial_line_with_nothing_below_is_not_a_row() {
        let segs = vec![
            h(100.0, 0.0, 150.0),
            h(80.0, 50.0, 150.0),
            h(70.0, 0.0, 50.0),
            h(40.0, 0.0, 150.0),
            v(0.0, 40.0, 100.0),
            v(50.0, 40.0, 100.0),
            v(100.0, 40.0, 100.0),
            v(150.0, 40.0, 100.0),
        ];
        let regions = regions(&segs);
        let glyphs = [
            g("三", 10.0, 86.0),
            g("甲", 60.0, 86.0),
            g("1", 110.0, 86.0),
            g("乙", 60.0, 56.0),
            g("2", 110.0, 56.0),
        ];
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        let text: Vec<Vec<String>> = cells(&regions[0], &refs)
            .into_iter()
            .map(|r| r.into_iter().map(|c| c.text).collect())
            .collect();
        assert_eq!(text, [["三", "甲", "1"], ["三", "乙", "2"]]);
    }

    #[test]
    fn a_frame_or_an_underline_is_not_a_table() {
        let frame = vec![
            h(100.0, 0.0, 150.0),
            h(40.0, 0.0, 150.0),
            v(0.0, 40.0, 100.0),
            v(150.0, 40.0, 100.0),
        ];
        assert!(regions(&frame).is_empty());
        assert!(regions(&[h(10.0, 0.0, 300.0)]).is_empty());
    }

    #[test]
    fn double_borders_snap_to_one_line() {
        assert_eq!(snap(&[10.0, 11.5, 50.0]), vec![10.75, 50.0]);
    }
}
