//! End-to-end tests of the built `shipmate` binary.
