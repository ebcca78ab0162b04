//! Bounds on what a PDF may make the reader do.

/// Bound on any one decompressed stream (page content, form, CMap).
pub const MAX_STREAM_BYTES: usize = 32 * 1024 * 1024;
