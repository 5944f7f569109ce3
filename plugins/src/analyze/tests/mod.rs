//! Analyzer tests: for every analyzer a broken fixture it must catch and a healthy twin it
//! must not flag; fixtures are healthy objects plus a JSON merge patch.

mod controllers;
mod jobs;
mod network;
mod pods;
mod refs;
mod services;
mod whole;
