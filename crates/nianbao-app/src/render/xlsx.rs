//! `--format xlsx`: an Excel workbook for reviewers. Sheet 汇总 has one row
//! per file (counts by severity and by rule); sheet 问题清单 one row per
//! finding with every field. Headers frozen, autofilter on, widths fitted.

use std::collections::BTreeMap;

use nianbao_core::{Finding, Suppression};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use crate::Run;
use crate::place::{agency_of, counts, status_zh, suppression_zh, value_text};

/// Sheet names, in order. 已整改 is there when a baseline was given,
/// 未使用的忽略 when an `[[ignore]]` matched nothing.
pub const SUMMARY_SHEET: &str = "汇总";
pub const FINDINGS_SHEET: &str = "问题清单";
pub const FIXED_SHEET: &str = "已整改";
pub const UNUSED_SHEET: &str = "未使用的忽略";

/// Column widths: the widest cell, CJK counted double, within bounds.
struct Widths(Vec<f64>);

impl Widths {
    fn see(&mut self, col: u16, text: &str) {
        let w: f64 = text
            .chars()
            .map(|c| if (c as u32) < 0x1100 { 1.0 } else { 2.0 })
            .sum();
        let c = usize::from(col);
        if self.0.len() <= c {
            self.0.resize(c + 1, 0.0);
        }
        self.0[c] = self.0[c].max(w);
    }

    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (c, w) in self.0.iter().enumerate() {
            ws.set_column_width(c as u16, (w + 2.0).clamp(6.0, 60.0))?;
        }
        Ok(())
    }
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    widths: Widths,
}

impl Sheet<'_> {
    fn header(&mut self, names: &[String], fmt: &Format) -> Result<(), XlsxError> {
        for (c, n) in names.iter().enumerate() {
            self.ws.write_string_with_format(0, c as u16, n, fmt)?;
            self.widths.see(c as u16, n);
        }
        Ok(())
    }

    fn text(&mut self, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
        if !s.is_empty() {
            self.ws.write_string(row, col, s)?;
            self.widths.see(col, s);
        }
        Ok(())
    }

    fn num(&mut self, row: u32, col: u16, n: f64) -> Result<(), XlsxError> {
        self.ws.write_number(row, col, n)?;
        self.widths.see(col, &n.to_string());
        Ok(())
    }

    fn opt_num(&mut self, row: u32, col: u16, n: Option<f64>) -> Result<(), XlsxError> {
        match n {
            Some(n) => self.num(row, col, n),
            None => Ok(()),
        }
    }

    fn value(
        &mut self,
        row: u32,
        col: u16,
        v: Option<&serde_json::Value>,
    ) -> Result<(), XlsxError> {
        match v {
            Some(serde_json::Value::Number(n)) => match n.as_f64() {
                Some(f) => self.num(row, col, f),
                None => self.text(row, col, &n.to_string()),
            },
            Some(v) => self.text(row, col, &value_text(v)),
            None => Ok(()),
        }
    }

    fn finish(&mut self, rows: u32, cols: u16) -> Result<(), XlsxError> {
        self.ws.set_freeze_panes(1, 0)?;
        if cols > 0 {
            self.ws.autofilter(0, 0, rows, cols - 1)?;
        }
        self.widths.apply(self.ws)
    }
}

pub fn render(run: &Run) -> Result<Vec<u8>, crate::Error> {
    build(run).map_err(|e| crate::Error::message(e.to_string()))
}

fn build(run: &Run) -> Result<Vec<u8>, XlsxError> {
    let results = run.results;
    let review = &run.review;
    let mut wb = Workbook::new();
    // A pinned creation time: the same input gives the same bytes.
    let pinned = ExcelDateTime::from_ymd(2021, 1, 1)?.and_hms(0, 0, 0)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("政府信息公开工作年度报告检查结果")
            .set_author("nianbao")
            .set_creation_datetime(&pinned),
    );
    let head = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_align(FormatAlign::Center);
    let ids = run.rule_ids();
    let metas = &run.metas;

    // 汇总: one row per file.
    {
        let ws = wb.add_worksheet().set_name(SUMMARY_SHEET)?;
        let mut s = Sheet {
            ws,
            widths: Widths(Vec::new()),
        };
        let mut names: Vec<String> = [
            "文件",
            "格式",
            "单位",
            "年度",
            "状态",
            "错误",
            "警告",
            "提示",
            "规则运行失败",
            "无法读取原因",
            "已接受",
        ]
        .map(String::from)
        .to_vec();
        let fixed = names.len() as u16;
        names.extend(ids.iter().cloned());
        s.header(&names, &head)?;
        for (i, r) in results.iter().enumerate() {
            let row = i as u32 + 1;
            let (e, w, n) = counts(r);
            s.text(row, 0, &r.path)?;
            s.text(row, 1, r.format.as_deref().unwrap_or(""))?;
            s.text(row, 2, r.agency.as_deref().unwrap_or(""))?;
            s.opt_num(row, 3, r.year.map(f64::from))?;
            s.text(row, 4, status_zh(r))?;
            s.num(row, 5, e as f64)?;
            s.num(row, 6, w as f64)?;
            s.num(row, 7, n as f64)?;
            s.num(row, 8, r.rule_errors.len() as f64)?;
            if let Some(err) = &r.read_error {
                s.text(row, 9, &err.message)?;
            }
            s.num(row, 10, r.suppressed.len() as f64)?;
            let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
            for f in &r.findings {
                *by_rule.entry(f.rule.as_str()).or_default() += 1;
            }
            for (j, id) in ids.iter().enumerate() {
                let c = by_rule.get(id.as_str()).copied().unwrap_or(0);
                s.num(row, fixed + j as u16, c as f64)?;
            }
        }
        s.finish(results.len() as u32, names.len() as u16)?;
    }

    // 问题清单: one row per finding.
    {
        let ws = wb.add_worksheet().set_name(FINDINGS_SHEET)?;
        let mut s = Sheet {
            ws,
            widths: Widths(Vec::new()),
        };
        let names: Vec<String> = [
            "文件",
            "单位",
            "年度",
            "级别",
            "规则",
            "规则名称",
            "说明",
            "表",
            "行",
            "列",
            "表键",
            "行键",
            "列键",
            "部分",
            "段落",
            "行号",
            "单元格",
            "页",
            "工作表",
            "单元格地址",
            "应为",
            "实为",
            "依据",
            "处理",
        ]
        .map(String::from)
        .to_vec();
        s.header(&names, &head)?;
        let mut row = 0u32;
        for r in results {
            let shown = r.findings.iter().map(|f| (f, None)).chain(
                r.suppressed
                    .iter()
                    .filter(|_| review.show_suppressed)
                    .map(|s| (&s.finding, Some(&s.by))),
            );
            for (f, by) in shown {
                let f: &Finding = f;
                let by: Option<&Suppression> = by;
                row += 1;
                let l = &f.location;
                s.text(row, 0, &r.path)?;
                s.text(row, 1, agency_of(r))?;
                s.opt_num(row, 2, r.year.map(f64::from))?;
                s.text(row, 3, f.severity.label_zh())?;
                s.text(row, 4, &f.rule)?;
                s.text(
                    row,
                    5,
                    metas.get(f.rule.as_str()).map_or("", |m| m.title.as_str()),
                )?;
                s.text(row, 6, &f.message)?;
                s.text(row, 7, l.table_label.as_deref().unwrap_or(""))?;
                s.text(row, 8, l.row.as_deref().unwrap_or(""))?;
                s.text(row, 9, l.column.as_deref().unwrap_or(""))?;
                s.text(row, 10, l.table.as_deref().unwrap_or(""))?;
                s.text(row, 11, l.row_key.as_deref().unwrap_or(""))?;
                s.text(row, 12, l.column_key.as_deref().unwrap_or(""))?;
                s.opt_num(row, 13, l.section.map(f64::from))?;
                s.opt_num(row, 14, l.paragraph.map(|p| p as f64))?;
                s.opt_num(row, 15, l.line.map(|p| p as f64))?;
                if let Some(c) = &l.cell {
                    s.text(
                        row,
                        16,
                        &format!(
                            "第 {} 个表格第 {} 行第 {} 列",
                            c.table_index, c.row, c.column
                        ),
                    )?;
                }
                s.opt_num(row, 17, l.page.map(f64::from))?;
                s.text(row, 18, l.sheet.as_deref().unwrap_or(""))?;
                s.text(row, 19, l.cell_ref.as_deref().unwrap_or(""))?;
                s.value(row, 20, f.expected.as_ref())?;
                s.value(row, 21, f.found.as_ref())?;
                s.text(row, 22, &f.basis)?;
                if let Some(by) = by {
                    s.text(row, 23, &suppression_zh(by))?;
                }
            }
        }
        s.finish(row, names.len() as u16)?;
    }

    // 已整改: baseline entries that no longer occur.
    if review.baseline.is_some() {
        let ws = wb.add_worksheet().set_name(FIXED_SHEET)?;
        let mut s = Sheet {
            ws,
            widths: Widths(Vec::new()),
        };
        let names: Vec<String> = ["单位", "年度", "规则", "位置", "实为", "说明", "指纹"]
            .map(String::from)
            .to_vec();
        s.header(&names, &head)?;
        for (i, e) in review.fixed.iter().enumerate() {
            let row = i as u32 + 1;
            s.text(row, 0, e.agency.as_deref().unwrap_or(""))?;
            s.opt_num(row, 1, e.year.map(f64::from))?;
            s.text(row, 2, &e.rule)?;
            s.text(row, 3, e.location.place.as_deref().unwrap_or(""))?;
            s.value(row, 4, e.found.as_ref())?;
            s.text(row, 5, &e.message)?;
            s.text(row, 6, &e.fingerprint)?;
        }
        s.finish(review.fixed.len() as u32, names.len() as u16)?;
    }

    // 未使用的忽略: `[[ignore]]` entries that matched nothing.
    if !review.unused_ignores.is_empty() {
        let ws = wb.add_worksheet().set_name(UNUSED_SHEET)?;
        let mut s = Sheet {
            ws,
            widths: Widths(Vec::new()),
        };
        let names: Vec<String> = ["配置文件", "行", "规则", "理由"]
            .map(String::from)
            .to_vec();
        s.header(&names, &head)?;
        for (i, u) in review.unused_ignores.iter().enumerate() {
            let row = i as u32 + 1;
            s.text(row, 0, &u.config)?;
            s.num(row, 1, u.line as f64)?;
            s.text(row, 2, &u.rule)?;
            s.text(row, 3, &u.reason)?;
        }
        s.finish(review.unused_ignores.len() as u32, names.len() as u16)?;
    }
    wb.save_to_buffer()
}
