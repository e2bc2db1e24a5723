//! Browser tests live in `tests/`; this library only gives them a crate to belong to.
