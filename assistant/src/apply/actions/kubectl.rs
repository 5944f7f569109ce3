//! [`Kubectl`]: runs an action through the `kubectl` binary — an argv, never a shell — against
//! the session's kubeconfig and context, streaming its output line by line as it arrives.
//!
//! The child is a plain `std::process` child read by two threads (stdout, stderr) that hand
//! lines to the async caller over a channel, so the sink runs on the caller's task, in arrival
//! order, while kubectl is still running (`logs -f`, `drain`, `rollout status` print for a
//! long time). Terminal sessions (`exec -it`, …) inherit the terminal instead: see
//! [`Interactive`](super::Interactive).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};

use shipmate_manifests::kubectl::parse;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::ActionError;
use super::plan::{Interactive, interactive};
use crate::cluster::{Cluster, ConnectOptions};

/// How many of kubectl's last stderr lines a failure reports.
const STDERR_TAIL: usize = 5;

/// Which of kubectl's output streams a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// Receives kubectl's output one line at a time (without the line ending), as it arrives.
pub trait OutputSink {
    /// One line from `stream`.
    fn line(&mut self, stream: Stream, line: &str);
}

impl<F: FnMut(Stream, &str)> OutputSink for F {
    fn line(&mut self, stream: Stream, line: &str) {
        self(stream, line);
    }
}

/// A sink writing every line (both streams) to a writer, flushed line by line. Write errors
/// (a closed pipe) are ignored: kubectl's exit status still decides the outcome.
#[derive(Debug)]
pub struct WriteSink<W: Write>(pub W);

impl<W: Write> OutputSink for WriteSink<W> {
    fn line(&mut self, _stream: Stream, line: &str) {
        let _ = writeln!(self.0, "{line}").and_then(|()| self.0.flush());
    }
}

/// The kubectl binary and the session flags it runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kubectl {
    program: PathBuf,
    kubeconfig: Option<PathBuf>,
    context: Option<String>,
}

impl Kubectl {
    /// `$SHIPMATE_KUBECTL` when set, else `kubectl` looked up on `PATH` when it runs.
    pub fn from_env() -> Kubectl {
        Kubectl::with_program(crate::program::from_env("SHIPMATE_KUBECTL", "kubectl"))
    }

    /// A specific binary.
    pub fn with_program(program: impl Into<PathBuf>) -> Kubectl {
        Kubectl {
            program: program.into(),
            kubeconfig: None,
            context: None,
        }
    }

    /// [`Kubectl::from_env`] talking to the session's cluster: its `--kubeconfig` (when one
    /// was given; otherwise kubectl reads `KUBECONFIG` as shipmate did) and its context (the
    /// one given, else the one the session resolved), so kubectl and the API calls agree.
    pub fn for_session(connect: &ConnectOptions, cluster: &Cluster) -> Kubectl {
        let context = connect
            .context
            .clone()
            .or_else(|| cluster.context().map(str::to_string));
        Kubectl::from_env()
            .kubeconfig(connect.kubeconfig.clone())
            .context(context)
    }

    /// Whether the binary exists: the path itself when it names a directory, else the first
    /// match on `PATH` (as the process spawn would find it). Checked before confirming, so a
    /// proposal that needs kubectl goes to the manual fallback instead of failing half-way.
    pub fn available(&self) -> bool {
        crate::program::locate(&self.program).is_some()
    }

    /// The program run (`kubectl`, or `$SHIPMATE_KUBECTL`).
    pub fn program(&self) -> &std::path::Path {
        &self.program
    }

    /// Adds `--kubeconfig PATH`.
    #[must_use]
    pub fn kubeconfig(mut self, path: Option<PathBuf>) -> Self {
        self.kubeconfig = path;
        self
    }

    /// Adds `--context NAME`.
    #[must_use]
    pub fn context(mut self, context: Option<String>) -> Self {
        self.context = context;
        self
    }

    /// The full command line run for `argv` (`kubectl …`): the program, the session flags,
    /// then the action's words. Also what the manual fallback should print.
    pub fn command_line(&self, argv: &[String]) -> Vec<String> {
        let mut line = vec![self.program.display().to_string()];
        if let Some(path) = &self.kubeconfig {
            line.extend(["--kubeconfig".into(), path.display().to_string()]);
        }
        if let Some(context) = &self.context {
            line.extend(["--context".into(), context.clone()]);
        }
        line.extend(argv.iter().skip(1).cloned());
        line
    }

    /// Runs `argv` (`kubectl` first) and streams its output to `sink` as it arrives. Plain
    /// commands get no stdin; `port-forward` inherits stdin; terminal sessions (`exec -it`,
    /// `attach -i`, `run -it`, `debug -it`, `edit`) inherit stdin, stdout and stderr, so the
    /// sink sees nothing of them. Never through a shell.
    ///
    /// # Errors
    /// [`ActionError::KubectlMissing`] when the binary does not exist (fall back to printing
    /// the command), [`ActionError::KubectlFailed`] with the exit status and the last stderr
    /// lines when it exits unsuccessfully, [`ActionError::KubectlIo`] when it cannot be
    /// started.
    pub async fn run(
        &self,
        argv: &[String],
        sink: &mut (dyn OutputSink + Send),
    ) -> Result<(), ActionError> {
        let line = self.command_line(argv);
        let mode = interactive(&parse(argv));
        let piped = || Stdio::piped();
        let (stdin, stdout, stderr) = match mode {
            Interactive::No => (Stdio::null(), piped(), piped()),
            Interactive::Stdin => (Stdio::inherit(), piped(), piped()),
            Interactive::Terminal => (Stdio::inherit(), Stdio::inherit(), Stdio::inherit()),
        };
        let mut child = Command::new(&self.program)
            .args(&line[1..])
            .stdin(stdin)
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::NotFound => ActionError::KubectlMissing {
                    argv: argv.to_vec(),
                    program: self.program.clone(),
                },
                _ => ActionError::KubectlIo {
                    argv: line.clone(),
                    source,
                },
            })?;
        let (tx, mut rx) = unbounded_channel();
        let readers = [
            child
                .stdout
                .take()
                .map(|o| read_lines(o, Stream::Stdout, tx.clone())),
            child
                .stderr
                .take()
                .map(|e| read_lines(e, Stream::Stderr, tx.clone())),
        ];
        std::thread::spawn(move || {
            readers.into_iter().flatten().for_each(|r| drop(r.join()));
            let _ = tx.send(Event::Exit(child.wait()));
        });
        let mut tail: Vec<String> = Vec::new();
        let status = loop {
            match rx.recv().await {
                Some(Event::Line(stream, text)) => {
                    sink.line(stream, &text);
                    if stream == Stream::Stderr {
                        tail.push(text);
                        let excess = tail.len().saturating_sub(STDERR_TAIL);
                        tail.drain(..excess);
                    }
                }
                Some(Event::Exit(status)) => break status,
                None => break Err(std::io::Error::other("kubectl's output ended unexpectedly")),
            }
        }
        .map_err(|source| ActionError::KubectlIo {
            argv: line.clone(),
            source,
        })?;
        if status.success() {
            return Ok(());
        }
        Err(ActionError::KubectlFailed {
            argv: line,
            status: status.to_string(),
            stderr: tail,
        })
    }
}

/// What the reader and waiter threads report.
enum Event {
    Line(Stream, String),
    Exit(std::io::Result<ExitStatus>),
}

/// Reads `from` line by line (invalid UTF-8 replaced) and sends each line as it comes.
fn read_lines(
    from: impl Read + Send + 'static,
    stream: Stream,
    tx: UnboundedSender<Event>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(from);
        let mut buf = Vec::new();
        while matches!(reader.read_until(b'\n', &mut buf), Ok(n) if n > 0) {
            let text = String::from_utf8_lossy(&buf);
            let text = text.trim_end_matches(['\n', '\r']).to_string();
            if tx.send(Event::Line(stream, text)).is_err() {
                break;
            }
            buf.clear();
        }
    })
}
