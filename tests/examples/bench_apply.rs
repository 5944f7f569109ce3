//! Applying many objects: `shipmate apply --yes` against `kubectl apply --server-side` on the
//! same directory and the same server, created from nothing and then applied again.
//!
//! ```text
//! cargo build --release -p shipmate
//! cargo run --release -p shipmate-e2e --example bench_apply -- [--objects 200] [--latency-ms 2] [--runs 5]
//! cargo run --release -p shipmate-e2e --example bench_apply -- --kubeconfig ~/.kube/config --context kind-kind
//! ```
//!
//! By default both run against the project's fake API server on loopback, which adds
//! `--latency-ms` to every response to model a real API server across a network (a client that
//! sends one request at a time pays that round trip per object; a loopback server without it
//! measures process start-up, not applying). With `--kubeconfig` both run against that cluster
//! instead, in a new namespace `shipmate-bench-<pid>` that is deleted afterwards (kubectl
//! must be on PATH or in `SHIPMATE_KUBECTL`). shipmate's run includes everything it does
//! before applying: schema, gates, a server-side dry-run of every object and the diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shipmate_e2e::fake_kube::FakeCluster;

struct Options {
    objects: usize,
    latency: Duration,
    runs: usize,
    kubeconfig: Option<PathBuf>,
    context: Option<String>,
}

fn options() -> Options {
    let mut o = Options {
        objects: 200,
        latency: Duration::from_millis(2),
        runs: 5,
        kubeconfig: None,
        context: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--objects" => o.objects = value.parse().expect("--objects N"),
            "--latency-ms" => {
                o.latency = Duration::from_micros(
                    (value.parse::<f64>().expect("--latency-ms MS") * 1000.0) as u64,
                )
            }
            "--runs" => o.runs = value.parse().expect("--runs N"),
            "--kubeconfig" => o.kubeconfig = Some(PathBuf::from(value)),
            "--context" => o.context = Some(value.clone()),
            other => panic!("unknown flag {other}; see the example's documentation"),
        }
    }
    o
}

/// `n` objects in `namespace`, a third each ConfigMaps, Services and Deployments (which pass
/// the default constitution), plus the Namespace, one file each.
fn write_manifests(dir: &Path, namespace: &str, n: usize) {
    let ns = format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {namespace}\n");
    std::fs::write(dir.join("000-namespace.yaml"), ns).unwrap();
    for i in 0..n {
        let name = format!("app-{:03}", i / 3);
        let text = match i % 3 {
            0 => format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {namespace}\ndata:\n  LOG_LEVEL: info\n"
            ),
            1 => format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {namespace}\nspec:\n  selector:\n    app: {name}\n  ports:\n  - port: 80\n    targetPort: 8080\n"
            ),
            _ => format!(
                "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {namespace}
  labels:
    app: {name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
      - name: app
        image: ghcr.io/acme/app:1.4.2
        ports:
        - containerPort: 8080
        envFrom:
        - configMapRef:
            name: {name}
        resources:
          requests:
            cpu: 50m
            memory: 64Mi
          limits:
            cpu: 200m
            memory: 128Mi
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
        readinessProbe:
          httpGet:
            path: /ready
            port: 8080
        livenessProbe:
          httpGet:
            path: /healthz
            port: 8080
"
            ),
        };
        std::fs::write(
            dir.join(format!("{:03}-{name}-{}.yaml", i + 1, i % 3)),
            text,
        )
        .unwrap();
    }
}

fn kubectl() -> PathBuf {
    std::env::var_os("SHIPMATE_KUBECTL").map_or_else(|| PathBuf::from("kubectl"), PathBuf::from)
}

/// Runs `cmd` and returns its wall time; panics with its output when it fails.
fn timed(mut cmd: Command) -> Duration {
    let start = Instant::now();
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

struct Target {
    kubeconfig: PathBuf,
    context: Option<String>,
    _fake: Option<FakeCluster>,
}

impl Target {
    fn args(&self, cmd: &mut Command) {
        cmd.arg("--kubeconfig").arg(&self.kubeconfig);
        if let Some(c) = &self.context {
            cmd.arg("--context").arg(c);
        }
    }
}

fn target(o: &Options, scratch: &Path, round: usize) -> Target {
    if let Some(k) = &o.kubeconfig {
        return Target {
            kubeconfig: k.clone(),
            context: o.context.clone(),
            _fake: None,
        };
    }
    let fake = FakeCluster::start();
    fake.allow_anonymous(true);
    fake.set_latency(o.latency);
    let dir = scratch.join(format!("fake-{round}"));
    std::fs::create_dir_all(&dir).unwrap();
    Target {
        kubeconfig: fake.kubeconfig(&dir),
        context: None,
        _fake: Some(fake),
    }
}

fn kubectl_apply(t: &Target, dir: &Path) -> Command {
    let mut cmd = Command::new(kubectl());
    t.args(&mut cmd);
    cmd.args([
        "apply",
        "--server-side",
        "--field-manager=kubectl-bench",
        "-f",
    ])
    .arg(dir);
    cmd
}

fn shipmate_apply(t: &Target, dir: &Path, state: &Path) -> Command {
    let mut cmd = Command::new(shipmate_e2e::binary());
    cmd.arg("apply").arg(dir).args(["--yes", "-o", "json"]);
    t.args(&mut cmd);
    cmd.env("XDG_STATE_HOME", state).env("NO_COLOR", "1");
    cmd
}

fn delete_namespace(t: &Target, ns: &str) {
    let mut cmd = Command::new(kubectl());
    t.args(&mut cmd);
    cmd.args(["delete", "namespace", ns, "--wait=true"]);
    let _ = cmd.stdout(Stdio::null()).status();
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let o = options();
    let scratch = tempfile::tempdir().unwrap();
    let manifests = scratch.path().join("manifests");
    std::fs::create_dir(&manifests).unwrap();
    let ns = format!("shipmate-bench-{}", std::process::id());
    write_manifests(&manifests, &ns, o.objects);
    let state = scratch.path().join("state");
    let mut times: [Vec<Duration>; 4] = Default::default();
    for round in 0..o.runs {
        for (tool, offset) in [("kubectl", 0), ("shipmate", 2)] {
            let t = target(&o, scratch.path(), round * 2 + offset);
            let cmd = |t: &Target| match tool {
                "kubectl" => kubectl_apply(t, &manifests),
                _ => shipmate_apply(t, &manifests, &state),
            };
            times[offset].push(timed(cmd(&t)));
            times[offset + 1].push(timed(cmd(&t)));
            if o.kubeconfig.is_some() {
                delete_namespace(&t, &ns);
            }
        }
    }
    let where_ = match &o.kubeconfig {
        Some(k) => format!("the cluster in {}", k.display()),
        None => format!("the fake API server, {:?} per response", o.latency),
    };
    println!(
        "{} objects (+1 Namespace), {} runs, against {where_}; median wall time:",
        o.objects, o.runs
    );
    let [kc, kr, sc, sr] = times.map(median);
    for (what, k, s) in [("create", kc, sc), ("re-apply", kr, sr)] {
        println!(
            "  {what:<9} kubectl apply --server-side {:>8.1} ms   shipmate apply --yes {:>8.1} ms   ratio {:.2}",
            k.as_secs_f64() * 1e3,
            s.as_secs_f64() * 1e3,
            s.as_secs_f64() / k.as_secs_f64()
        );
    }
}
