//! End-to-end tests of the built `shipmate` binary, compiled into one test executable.

mod ask;
mod constitution;
mod fallback;
mod history;
mod validate;
mod validate_hostile;
