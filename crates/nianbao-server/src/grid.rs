//! The recognised national tables of a report, compact, for the page to
//! draw with the cells of a finding highlighted: rows and columns in the
//! official order (by their keys, the same keys as a finding's
//! `location.row_key` / `column_key`), each cell's text as written.

use nianbao_core::Checked;
use serde_json::{Value, json};

/// `[{key, label, title, columns: [{key, label}], rows: [{key, label,
/// cells: {column key: text}}]}]`, tables 二/三/四 as found.
pub fn tables_of(checked: &Checked) -> Value {
    let Some(report) = &checked.report else {
        return Value::Array(Vec::new());
    };
    let tables = report
        .tables
        .values()
        .map(|t| {
            let schema = t.schema();
            let rows: Vec<Value> = schema
                .rows
                .iter()
                .filter(|r| t.has_row(r.key))
                .map(|r| {
                    let cells: serde_json::Map<String, Value> = r
                        .columns
                        .iter()
                        .filter_map(|c| {
                            t.cell(r.key, c)
                                .map(|cell| ((*c).to_string(), Value::String(cell.text.clone())))
                        })
                        .collect();
                    json!({ "key": r.key, "label": r.display, "cells": cells })
                })
                .collect();
            let columns: Vec<Value> = schema
                .columns
                .iter()
                .map(|c| json!({ "key": c.key, "label": c.label }))
                .collect();
            json!({
                "key": t.key.as_str(),
                "label": schema.label,
                "title": schema.title,
                "columns": columns,
                "rows": rows,
            })
        })
        .collect();
    Value::Array(tables)
}
