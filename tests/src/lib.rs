//! End-to-end tests of the built `shipmate` binary live in `tests/`; this library holds nothing.
