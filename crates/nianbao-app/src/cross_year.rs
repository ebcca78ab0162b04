//! `--previous FILE` / `--previous-dir DIR`: last year's reports, read once,
//! paired with this year's by agency name and year.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use nianbao_core::check::agency_key;
use nianbao_core::{FileResult, Registry, Report, read_report};

use crate::Error;

pub enum LastYear {
    /// One report, compared with the one file checked.
    File(Arc<Report>),
    /// Reports by (agency, year).
    Dir(HashMap<(String, i32), Arc<Report>>),
}

impl LastYear {
    pub fn file(registry: &Registry, path: &Path) -> Result<LastYear, Error> {
        let report = read_report(registry, path)
            .map_err(|e| Error::message(format!("无法读取上一年度报告 {}: {e}", path.display())))?;
        Ok(LastYear::File(Arc::new(report)))
    }

    /// Reads every report under `dir`; unreadable ones and ones without an
    /// agency or year are named on stderr and left out.
    pub fn dir(registry: &Registry, dir: &Path) -> Result<LastYear, Error> {
        if !dir.is_dir() {
            return Err(Error::message(format!(
                "上一年度报告目录 {} 不存在（--previous-dir）",
                dir.display()
            )));
        }
        let mut by_key = HashMap::new();
        for path in crate::files::expand(&[dir.to_path_buf()], registry) {
            match read_report(registry, &path) {
                Ok(r) => match (r.meta.agency.as_deref(), r.meta.year) {
                    (Some(a), Some(y)) => {
                        by_key.insert((agency_key(a), y), Arc::new(r));
                    }
                    _ => eprintln!(
                        "注意：上一年度报告 {} 无法确定机关名称或年度，未参与配对",
                        path.display()
                    ),
                },
                Err(e) => eprintln!("注意：无法读取上一年度报告 {}：{e}", path.display()),
            }
        }
        Ok(LastYear::Dir(by_key))
    }

    /// Last year's report for this one: same agency, the year before.
    pub fn find(&self, report: &Report) -> Option<Arc<Report>> {
        match self {
            LastYear::File(r) => Some(r.clone()),
            LastYear::Dir(m) => {
                let agency = agency_key(report.meta.agency.as_deref()?);
                m.get(&(agency, report.meta.year? - 1)).cloned()
            }
        }
    }

    /// Names the files that found no report of the year before.
    pub fn report_unpaired(&self, results: &[FileResult]) {
        let unpaired: Vec<&str> = results
            .iter()
            .filter(|r| r.read_error.is_none() && r.previous.is_none())
            .map(|r| r.path.as_str())
            .collect();
        if !unpaired.is_empty() {
            eprintln!(
                "注意：{} 个文件未找到同一机关上一年度的报告，未做跨年度核对：{}",
                unpaired.len(),
                unpaired.join("、")
            );
        }
    }
}

/// `--province` must be a province's pinyin, as the pack folders are named.
pub fn check_province(p: &str) -> Result<(), Error> {
    let known = nianbao_core::region::province_pinyins();
    if known.contains(&p) {
        Ok(())
    } else {
        Err(Error::message(format!(
            "未知的省份「{p}」：请用拼音，如 {}",
            known.join("、")
        )))
    }
}
