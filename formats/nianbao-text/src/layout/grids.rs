//! Tables rebuilt from printed lines: each line of numbers matched to an
//! official row by the row keywords in the label fragments around it
//! (tables 二 and 三), table 四's 15 numbers, and the notes for rows that
//! cannot be placed.

use nianbao_core::document::{GridCell, GridTable};
use nianbao_core::model::{Origin, RecognitionNote};
use nianbao_core::recognize::tables::{
    OLD_FORMAT_MARKS, is_unsplit_other_block, label_coverage, label_similarity,
};
use nianbao_core::schema::{T4, TableKey, TableSchema};
use nianbao_core::value::normalize_label;

use super::lines::Line;

/// The label text of some lines read column by column, plus all of it in
/// reading order: each is searched for a row's keywords.
fn views(segs: &[&(usize, String)]) -> Vec<String> {
    let mut cols: Vec<usize> = segs.iter().map(|s| s.0).collect();
    cols.sort_unstable();
    cols.dedup();
    let mut v: Vec<String> = cols
        .iter()
        .map(|c| {
            normalize_label(
                &segs
                    .iter()
                    .filter(|s| s.0 == *c)
                    .map(|s| s.1.as_str())
                    .collect::<String>(),
            )
        })
        .collect();
    v.push(normalize_label(
        &segs.iter().map(|s| s.1.as_str()).collect::<String>(),
    ));
    v
}

/// The schema's row keywords, normalised once.
fn keywords(schema: &TableSchema) -> Vec<Vec<String>> {
    schema
        .rows
        .iter()
        .map(|r| r.keywords.iter().map(|k| normalize_label(k)).collect())
        .collect()
}

fn has_keywords(keywords: &[String], views: &[String]) -> bool {
    views
        .iter()
        .any(|v| keywords.iter().all(|k| v.contains(k.as_str())))
}

pub(super) fn is_old_format(span: &[Line]) -> bool {
    span.iter().any(|l| {
        let t = normalize_label(&l.text);
        OLD_FORMAT_MARKS.iter().any(|m| t.contains(m))
    })
}

/// Each line one cell, as printed.
pub(super) fn lines_grid(span: &[Line]) -> GridTable {
    let rows = span
        .iter()
        .map(|l| vec![GridCell::new(l.text.trim(), Origin::Line { line: l.no })])
        .collect();
    GridTable {
        rows,
        origin: Origin::Line {
            line: span.first().map_or(0, |l| l.no),
        },
    }
}

pub(super) fn note(code: &str, key: TableKey, message: String, line: usize) -> RecognitionNote {
    RecognitionNote {
        code: code.into(),
        table: Some(key),
        message,
        origin: Origin::Line { line },
        ..Default::default()
    }
}

/// Tables 二 and 三: one line of numbers per row.
pub(super) fn rows_grid(
    schema: &'static TableSchema,
    span: &[Line],
    notes: &mut Vec<RecognitionNote>,
) -> GridTable {
    let key = schema.key;
    let numbered: Vec<usize> = (0..span.len()).filter(|&i| span[i].is_numbers()).collect();
    let first_line = span.first().map_or(0, |l| l.no);
    let mut rows: Vec<Vec<GridCell>> = Vec::new();
    let header = |labels: &[&str], line: usize| -> Vec<GridCell> {
        labels
            .iter()
            .map(|l| GridCell::new(*l, Origin::Line { line }))
            .collect()
    };
    if key == TableKey::T3 {
        let mut h = vec![""];
        h.extend(schema.columns.iter().map(|c| c.label));
        rows.push(header(&h, first_line));
    }
    let kw = keywords(schema);
    let mut next = 0;
    let mut t2_header: Option<&str> = None;
    for (k, &i) in numbered.iter().enumerate() {
        let line = &span[i];
        let own: Vec<&(usize, String)> = line.label_segs().iter().collect();
        // A wrapped label spans a few lines around its numbers (at most 4 each side).
        let from = if k == 0 { 0 } else { numbered[k - 1] + 1 }.max(i.saturating_sub(4));
        let to = numbered
            .get(k + 1)
            .copied()
            .unwrap_or(span.len())
            .min(i + 5);
        let around: Vec<&(usize, String)> = (from..to)
            .filter(|&j| j == i || !span[j].is_numbers())
            .flat_map(|j| {
                if j == i {
                    line.label_segs().iter().collect::<Vec<_>>()
                } else {
                    span[j].segs.iter().collect()
                }
            })
            .collect();
        let (own_views, around_views) = (views(&own), views(&around));
        // The nearest official row whose keywords are in the label or around it
        // (rows come in the official order; missing rows are skipped).
        let found = (next..schema.rows.len())
            .find(|&j| has_keywords(&kw[j], &own_views) || has_keywords(&kw[j], &around_views));
        // A typo in the label (「2.其他法律行政止公开」) can make the keywords of a
        // later row match (「其他」): a nearer row whose label it resembles is the
        // row, and the label as written goes on to recognition, which notes it.
        // A label wrapped around a group label (「另」 / 「行制作」) can hide the
        // keywords altogether: the text around the numbers still resembles it.
        let own_label: String = own.iter().map(|s| s.1.as_str()).collect();
        let resembles = (next..schema.rows.len().min(next + 3)).find_map(|j| {
            let official = schema.rows[j].label;
            if label_similarity(&own_label, official) >= 0.6 {
                Some((j, true))
            } else if around_views
                .iter()
                .any(|v| label_coverage(v, official) >= 0.75)
            {
                Some((j, false))
            } else {
                None
            }
        });
        let (found, written) = match (found, resembles) {
            (Some(k), Some((r, written))) if r < k => (Some(r), written),
            (None, Some((r, written))) => (Some(r), written),
            (k, _) => (k, is_unsplit_other_block(&normalize_label(&own_label))),
        };
        let Some(j) = found else {
            let label: String = own.iter().map(|s| s.1.as_str()).collect();
            notes.push(note(
                "unknown-row",
                key,
                format!(
                    "{}中有无法识别的数据行「{}」（{} 个数）",
                    schema.label,
                    if label.is_empty() {
                        "（无行名）"
                    } else {
                        &label
                    },
                    line.numbers
                ),
                line.no,
            ));
            continue;
        };
        next = j + 1;
        let spec = &schema.rows[j];
        let want = spec.columns.len();
        if line.numbers != want {
            notes.push(note(
                "cell-count",
                key,
                format!(
                    "{}「{}」一行有 {} 个数，应为 {} 个：无法确定每个数属于哪一列，这一行未读取",
                    schema.label, spec.display, line.numbers, want
                ),
                line.no,
            ));
            continue;
        }
        if key == TableKey::T2 {
            // Table 二 is printed as small tables, each with its header row
            // (the rows of one header share their first column).
            let cols: Vec<&str> = spec
                .columns
                .iter()
                .filter_map(|c| schema.columns.iter().find(|s| s.key == *c))
                .map(|c| c.label)
                .collect();
            if t2_header != spec.columns.first().copied() {
                let mut labels = vec!["信息内容"];
                labels.extend(cols.iter().copied());
                rows.push(header(&labels, line.no));
                t2_header = spec.columns.first().copied();
            }
        }
        let origin = Origin::Line { line: line.no };
        // The official label, since a wrapped one is only partly on this line;
        // the label as written where recognition must see it (a typo, the
        // 2019 single （六） row).
        let label = if written {
            own_label.as_str()
        } else {
            spec.label
        };
        let mut row = vec![GridCell::new(label, origin.clone())];
        row.extend(
            line.number_segs()
                .iter()
                .map(|(_, s)| GridCell::new(s.as_str(), origin.clone())),
        );
        rows.push(row);
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for row in &mut rows {
        while row.len() < width {
            let origin = row.last().map(|c| c.origin.clone()).unwrap_or_default();
            row.push(GridCell::new("", origin));
        }
    }
    GridTable {
        rows,
        origin: Origin::Line { line: first_line },
    }
}

/// Table 四: 15 numbers on one line (or on consecutive lines, or one line of
/// 5 per block when the blocks are labelled).
pub(super) fn t4_grid(span: &[Line], notes: &mut Vec<RecognitionNote>) -> GridTable {
    let first_line = span.first().map_or(0, |l| l.no);
    let numbered: Vec<&Line> = span.iter().filter(|l| l.is_numbers()).collect();
    let full = T4.rows.len() * T4.columns.len();
    let kw = keywords(&T4);
    let mut cells: Vec<Option<GridCell>> = vec![None; full];
    let labelled = numbered.iter().any(|l| {
        let v = views(&l.label_segs().iter().collect::<Vec<_>>());
        kw.iter().any(|k| has_keywords(k, &v))
    });
    if labelled {
        for l in &numbered {
            let v = views(&l.label_segs().iter().collect::<Vec<_>>());
            // The most specific block: 「复议后起诉」 also contains 「起诉」.
            let block = T4
                .rows
                .iter()
                .enumerate()
                .filter(|(b, _)| has_keywords(&kw[*b], &v))
                .max_by_key(|(_, r)| r.keywords.iter().map(|k| k.chars().count()).sum::<usize>());
            match block {
                Some((b, _)) if l.numbers == T4.columns.len() => {
                    for (c, (_, s)) in l.number_segs().iter().enumerate() {
                        cells[b * T4.columns.len() + c] =
                            Some(GridCell::new(s.as_str(), Origin::Line { line: l.no }));
                    }
                }
                Some((_, spec)) => notes.push(note(
                    "cell-count",
                    TableKey::T4,
                    format!(
                        "表四「{}」一行有 {} 个数，应为 {} 个：无法确定每个数属于哪一列，这一行未读取",
                        spec.display,
                        l.numbers,
                        T4.columns.len()
                    ),
                    l.no,
                )),
                None => notes.push(note(
                    "unknown-row",
                    TableKey::T4,
                    format!("表四中有无法识别的数据行（{} 个数）", l.numbers),
                    l.no,
                )),
            }
        }
    } else {
        let numbers: Vec<(usize, &str)> = numbered
            .iter()
            .flat_map(|l| l.number_segs().iter().map(move |(_, s)| (l.no, s.as_str())))
            .collect();
        if numbers.len() == full {
            for (k, (line, s)) in numbers.into_iter().enumerate() {
                cells[k] = Some(GridCell::new(s, Origin::Line { line }));
            }
        } else {
            notes.push(note(
                "cell-count",
                TableKey::T4,
                format!(
                    "表四应为 {full} 个数（行政复议、未经复议直接起诉、复议后起诉各 {} 个），实有 {} 个：无法确定每个数属于哪一列，表四未读取",
                    T4.columns.len(),
                    numbers.len()
                ),
                numbered.first().map_or(first_line, |l| l.no),
            ));
        }
    }
    let origin = Origin::Line { line: first_line };
    let mut blocks = Vec::new();
    let mut outcomes = Vec::new();
    let mut data = Vec::new();
    for (k, cell) in cells.into_iter().enumerate() {
        if let Some(cell) = cell {
            let (b, c) = (k / T4.columns.len(), k % T4.columns.len());
            blocks.push(GridCell::new(T4.rows[b].label, origin.clone()));
            outcomes.push(GridCell::new(T4.columns[c].label, origin.clone()));
            data.push(cell);
        }
    }
    GridTable {
        rows: vec![blocks, outcomes, data],
        origin,
    }
}
