//! Why a package could not be read or written.

/// What went wrong, for a caller that maps errors to its own kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageErrorKind {
    /// Not a readable zip, a part that does not inflate, is not UTF-8 or not
    /// well-formed XML.
    Damaged,
    /// Over a limit: too many entries, a part too large or compressed
    /// suspiciously well (zip bombs).
    TooLarge,
    /// An encrypted entry.
    Encrypted,
    /// Writing the rewritten package failed.
    Write,
}

/// A Chinese message naming the format and the part, and its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PackageError {
    pub kind: PackageErrorKind,
    pub message: String,
}

impl PackageError {
    pub(crate) fn new(kind: PackageErrorKind, message: impl Into<String>) -> PackageError {
        PackageError {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn damaged(message: impl Into<String>) -> PackageError {
        PackageError::new(PackageErrorKind::Damaged, message)
    }

    pub(crate) fn too_large(message: impl Into<String>) -> PackageError {
        PackageError::new(PackageErrorKind::TooLarge, message)
    }
}
