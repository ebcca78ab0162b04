//! A finished [`Run`](crate::Run) as the machine-readable and shareable
//! outputs: JSON, SARIF, an HTML page, an Excel workbook.

pub mod html;
pub mod json;
pub mod sarif;
pub mod xlsx;
