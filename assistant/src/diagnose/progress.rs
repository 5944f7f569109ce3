//! The progress line of a collection: on a terminal, one updating stderr line ("listing
//! pods… 3,500"), then "analyzing…"; nothing at all when stderr is not a terminal (the
//! caller passes [`shipmate_plugins::NoProgress`] then).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use shipmate_plugins::Progress;

/// Counts listed objects and reports the running total; shared by the concurrent lists.
pub struct Counter<'p> {
    total: AtomicUsize,
    sink: Mutex<&'p mut (dyn Progress + 'p)>,
}

impl<'p> Counter<'p> {
    /// A counter reporting to `sink`.
    pub fn new(sink: &'p mut (dyn Progress + 'p)) -> Self {
        Counter {
            total: AtomicUsize::new(0),
            sink: Mutex::new(sink),
        }
    }

    /// `n` more objects of `plural` were read.
    pub fn add(&self, plural: &str, n: usize) {
        let total = self.total.fetch_add(n, Ordering::Relaxed) + n;
        self.say(&format!("listing {plural}… {}", thousands(total)));
    }

    /// Objects read so far.
    pub fn total(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }

    /// Replaces the line with `message`.
    pub fn say(&self, message: &str) {
        let mut sink = self
            .sink
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        sink.update(message);
    }
}

/// `3500` → `3,500`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_with_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(3500), "3,500");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn each_page_updates_the_line_with_the_running_total() {
        struct Lines(Vec<String>);
        impl Progress for Lines {
            fn update(&mut self, message: &str) {
                self.0.push(message.to_owned());
            }
        }
        let mut lines = Lines(Vec::new());
        {
            let counter = Counter::new(&mut lines);
            counter.add("pods", 500);
            counter.add("services", 3000);
            assert_eq!(counter.total(), 3500);
        }
        assert_eq!(lines.0, ["listing pods… 500", "listing services… 3,500"]);
    }
}
