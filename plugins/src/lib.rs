//! `shipmate-plugins`: the `Backend` trait, the proposal types, the backend registry and the
//! backends themselves. Backends only *propose*; they never mutate a cluster.
