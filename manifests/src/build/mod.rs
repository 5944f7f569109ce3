//! Object builders with best-practice defaults (used by the rules backend).
