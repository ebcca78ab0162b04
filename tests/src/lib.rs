//! Integration tests live in `tests/tests/`; see the README.
