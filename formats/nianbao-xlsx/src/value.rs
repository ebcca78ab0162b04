//! Cell values as text, the way the user sees them in the spreadsheet.

use calamine::{Data, DataRef, ExcelDateTime};

/// A number as text: integral values without a fraction (1.0 → 「1」), others
/// as the shortest decimal (1.5 → 「1.5」). Like Excel, only 15 significant
/// digits count, so binary noise from formulas (0.1 + 0.2) does not show.
pub fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    let rounded = format!("{f:.14e}").parse::<f64>().unwrap_or(f);
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

fn datetime_text(dt: &ExcelDateTime) -> String {
    if !dt.is_datetime() {
        return number_text(dt.as_f64());
    }
    let (y, m, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    if (h, mi, s, ms) == (0, 0, 0, 0) {
        format!("{y}年{m}月{d}日")
    } else {
        format!("{y}年{m}月{d}日 {h}:{mi:02}:{s:02}")
    }
}

/// The text of a cell read by the XLSX streaming reader. Formula cells carry
/// their cached value.
pub fn data_ref_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => bool_text(*b),
        DataRef::DateTime(dt) => datetime_text(dt),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// The text of a cell of an XLS range.
pub fn data_text(v: &Data) -> String {
    match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::String(s) => s.clone(),
        Data::Bool(b) => bool_text(*b),
        Data::DateTime(dt) => datetime_text(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

fn bool_text(b: bool) -> String {
    if b { "TRUE" } else { "FALSE" }.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_integers_only_when_integral() {
        assert_eq!(number_text(1.0), "1");
        assert_eq!(number_text(0.0), "0");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(652.0), "652");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(0.1 * 30.0), "3");
        assert_eq!(number_text(-2.0), "-2");
        assert_eq!(number_text(12.345), "12.345");
        assert_eq!(number_text(1e20), "100000000000000000000");
    }

    #[test]
    fn other_values() {
        assert_eq!(data_text(&Data::Int(7)), "7");
        assert_eq!(data_text(&Data::Bool(true)), "TRUE");
        assert_eq!(
            data_text(&Data::Error(calamine::CellErrorType::Div0)),
            "#DIV/0!"
        );
        assert_eq!(data_text(&Data::String(" ３ ".into())), " ３ ");
        let date = ExcelDateTime::new(45294.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(data_text(&Data::DateTime(date)), "2024年1月3日");
    }
}
