//! Office Open XML package helpers shared by the DOCX and XLSX formats.
//!
//! A package is a zip of XML parts tied together by relationship parts
//! (`_rels/….rels`). This crate reads its parts with bounds against zip
//! bombs ([`Package`], [`Limits`]), parses and resolves relationships
//! ([`rels`]), escapes text for XML written into parts ([`xml`]), and
//! rewrites the package with some parts changed, every other entry copied
//! byte for byte ([`Package::rewrite`]). Messages are Chinese and name the
//! format given to [`Package::open`] (「DOCX」, 「XLSX」). No format crate
//! depends on another; both depend on this one, and core stays free of zip.

#![forbid(unsafe_code)]

mod error;
mod package;
pub mod rels;
pub mod xml;

pub use error::{PackageError, PackageErrorKind};
pub use package::{Limits, Package};
pub use rels::{Relationship, main_part, relationships, relative, rels_of, resolve};
pub use xml::{escape, insert_before_last};
