//! Undo: reverse what an applied audit entry changed — delete what it created, put back what
//! it changed (exactly, by replacing the live object with the recorded one), scale back,
//! recreate what it deleted. [`plan`] decides the steps from the log alone; [`run`] carries
//! them out, stopping at the first failure, and says per step what happened.

mod plan;
mod run;

pub use plan::{Step, plan, select};
pub use run::{StepResult, run};
