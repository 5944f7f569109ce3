//! The `shipmate` command-line interface.

fn main() {
    println!("shipmate");
}
