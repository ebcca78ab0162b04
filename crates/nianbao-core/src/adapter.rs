//! The format-adapter trait and the registry the CLI fills.
//!
//! An adapter is thin: bytes in, a generic [`Document`] (or, for formats that
//! are already keyed like YAML, a [`Report`]) out. Adding a format is one
//! crate implementing [`FormatAdapter`] and one `register` call.

use std::fmt;
use std::path::Path;

use crate::address::Note;
use crate::document::Document;
use crate::model::Report;

/// What an adapter is given.
pub struct Input<'a> {
    /// The path as the user gave it (for messages and provenance).
    pub path: &'a Path,
    pub bytes: &'a [u8],
}

/// What an adapter produces.
pub enum Parsed {
    /// Paragraphs and tables; the core recognises the national format.
    Document(Document),
    /// A report already keyed by the model's keys (YAML).
    Report(Box<Report>),
}

/// What kind of reason a file could not be read for: stable, so that a
/// caller (a server) can map it to a status code without parsing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// No file at the path.
    NotFound,
    /// The path is a folder (or another thing that is not a file).
    NotAFile,
    /// Nothing in it: 0 bytes, an empty workbook, a PDF without pages.
    Empty,
    /// Over a size or complexity limit (file, entries, cells, pages, nesting).
    TooLarge,
    /// A format or encoding no adapter reads (old .doc, unknown extension).
    UnsupportedFormat,
    /// The bytes are not the format its adapter reads (binary in a .txt).
    NotThisFormat,
    /// The format's structure is broken: corrupt zip, XML, PDF, YAML syntax.
    Damaged,
    /// Password-protected.
    Encrypted,
    /// A PDF without a usable text layer (a scan; nothing to read without OCR).
    NoTextLayer,
    /// Read, but nothing of the national report format in it.
    NotAReport,
    /// The operating system refused the read (permissions, I/O).
    Io,
    #[default]
    Other,
}

impl ReadErrorKind {
    /// Stable lowercase name (`not-found`, `damaged`…), for APIs and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadErrorKind::NotFound => "not-found",
            ReadErrorKind::NotAFile => "not-a-file",
            ReadErrorKind::Empty => "empty",
            ReadErrorKind::TooLarge => "too-large",
            ReadErrorKind::UnsupportedFormat => "unsupported-format",
            ReadErrorKind::NotThisFormat => "not-this-format",
            ReadErrorKind::Damaged => "damaged",
            ReadErrorKind::Encrypted => "encrypted",
            ReadErrorKind::NoTextLayer => "no-text-layer",
            ReadErrorKind::NotAReport => "not-a-report",
            ReadErrorKind::Io => "io",
            ReadErrorKind::Other => "other",
        }
    }
}

impl fmt::Display for ReadErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a file could not be read. Messages are Chinese and name the place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct AdapterError {
    pub kind: ReadErrorKind,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl AdapterError {
    /// A reason of kind [`ReadErrorKind::Other`]; prefer [`AdapterError::of`].
    pub fn new(message: impl Into<String>) -> AdapterError {
        AdapterError::of(ReadErrorKind::Other, message)
    }

    /// A reason at a place in the file: a syntax error, so [`ReadErrorKind::Damaged`].
    pub fn at(message: impl Into<String>, line: usize, column: usize) -> AdapterError {
        AdapterError::of_at(ReadErrorKind::Damaged, message, line, column)
    }

    pub fn of(kind: ReadErrorKind, message: impl Into<String>) -> AdapterError {
        AdapterError {
            kind,
            message: message.into(),
            line: None,
            column: None,
        }
    }

    pub fn of_at(
        kind: ReadErrorKind,
        message: impl Into<String>,
        line: usize,
        column: usize,
    ) -> AdapterError {
        AdapterError {
            line: Some(line),
            column: Some(column),
            ..AdapterError::of(kind, message)
        }
    }

    /// [`ReadErrorKind::Damaged`]: the format's structure is broken.
    pub fn damaged(message: impl Into<String>) -> AdapterError {
        AdapterError::of(ReadErrorKind::Damaged, message)
    }

    /// [`ReadErrorKind::TooLarge`]: over a size or complexity limit.
    pub fn too_large(message: impl Into<String>) -> AdapterError {
        AdapterError::of(ReadErrorKind::TooLarge, message)
    }

    /// [`ReadErrorKind::NotThisFormat`]: the bytes are another format.
    pub fn not_this_format(message: impl Into<String>) -> AdapterError {
        AdapterError::of(ReadErrorKind::NotThisFormat, message)
    }
}

impl fmt::Display for AdapterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_located(f, self.line, self.column, &self.message)
    }
}

/// 「第 l 行第 c 列：message」, 「第 l 行：message」 or the message alone: how
/// every read error shows its place.
pub(crate) fn write_located(
    f: &mut fmt::Formatter<'_>,
    line: Option<usize>,
    column: Option<usize>,
    message: &str,
) -> fmt::Result {
    match (line, column) {
        (Some(l), Some(c)) => write!(f, "第 {l} 行第 {c} 列：{message}"),
        (Some(l), None) => write!(f, "第 {l} 行：{message}"),
        _ => f.write_str(message),
    }
}

pub trait FormatAdapter: Send + Sync {
    /// Short stable name shown in output: `yaml`, `docx`, …
    fn name(&self) -> &'static str;
    /// File extensions handled, lowercase, without the dot.
    fn extensions(&self) -> &'static [&'static str];
    /// Whether the bytes look like this format (used when the extension is unknown).
    fn sniff(&self, bytes: &[u8]) -> bool;
    fn read(&self, input: &Input<'_>) -> Result<Parsed, AdapterError>;
    /// Writes findings into a copy of a file of this format, when the format
    /// can carry them (Word comments, cell notes, PDF notes). `None`: it cannot.
    fn annotator(&self) -> Option<&dyn Annotator> {
        None
    }
}

/// Marks a copy of a file: the original's bytes and the notes (each already
/// placed on its page boxes, sheet cell or document position) in, the
/// annotated copy's bytes out. The file is not read again to place them: the
/// check that produced the findings hands over the addresses it read.
pub trait Annotator: Send + Sync {
    fn annotate(&self, bytes: &[u8], notes: &[Note]) -> Result<Vec<u8>, AdapterError>;
}

/// The adapters known to a build, in priority order.
#[derive(Default)]
pub struct Registry {
    adapters: Vec<Box<dyn FormatAdapter>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub fn register(&mut self, adapter: impl FormatAdapter + 'static) -> &mut Registry {
        self.adapters.push(Box::new(adapter));
        self
    }

    pub fn adapters(&self) -> impl Iterator<Item = &dyn FormatAdapter> {
        self.adapters.iter().map(|a| a.as_ref())
    }

    /// Chooses by extension first, then by content.
    pub fn pick(&self, path: &Path, bytes: &[u8]) -> Option<&dyn FormatAdapter> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if let Some(ext) = ext {
            if let Some(a) = self
                .adapters()
                .find(|a| a.extensions().contains(&ext.as_str()))
            {
                return Some(a);
            }
        }
        self.adapters().find(|a| a.sniff(bytes))
    }

    /// The adapter registered under this name (`FileResult::format`).
    pub fn by_name(&self, name: &str) -> Option<&dyn FormatAdapter> {
        self.adapters().find(|a| a.name() == name)
    }

    /// The formats a copy can be annotated in, by name.
    pub fn annotatable(&self) -> impl Iterator<Item = &dyn FormatAdapter> {
        self.adapters().filter(|a| a.annotator().is_some())
    }

    /// Another adapter than `except` that recognises the bytes: for a file
    /// whose extension's adapter could not read it (a PDF saved as .docx).
    pub fn by_content_except(&self, bytes: &[u8], except: &str) -> Option<&dyn FormatAdapter> {
        self.adapters()
            .find(|a| a.name() != except && a.sniff(bytes))
    }

    /// Whether a path has an extension some adapter claims (for directory walks).
    pub fn handles_extension(&self, path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .is_some_and(|ext| {
                self.adapters()
                    .any(|a| a.extensions().contains(&ext.as_str()))
            })
    }
}
