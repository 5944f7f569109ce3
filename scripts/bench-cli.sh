#!/usr/bin/env bash
# Whole-process timings of the release binary: `shipmate validate` over a corpus directory and
# over one small file, start-up included. Prints the median wall time of N runs and the peak
# memory (max RSS) of one run.
#
#   scripts/bench-cli.sh [CORPUS_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-${SHIPMATE_SHARED:-../shared}/corpus}
runs=${2:-20}
bin=target/release/shipmate
cargo build --release --quiet -p shipmate
[ -d "$corpus" ] || { echo "no corpus at $corpus: pass a directory of manifests" >&2; exit 2; }
small=$(mktemp --suffix=.yaml)
trap 'rm -f "$small"' EXIT
cat > "$small" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27.3
          ports: [{containerPort: 80}]
YAML

median_ms() { # runs a command $runs times, prints the median wall time in ms
  local times=() t0 t1
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}
peak_mib() { # max RSS of one run in MiB
  /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1/1024}'
}

docs=$({ "$bin" validate --output json "$corpus" || true; } | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["documents"])')
ms=$(median_ms "$bin" validate --output json "$corpus")
echo "validate corpus ($docs documents, schema + gates, one process): median ${ms} ms over $runs runs, $(awk -v d="$docs" -v m="$ms" 'BEGIN{printf "%.0f", d/(m/1000)}') docs/s, peak $(peak_mib "$bin" validate --output json "$corpus") MiB"
ms=$(median_ms "$bin" validate --output json "$small")
echo "validate one small file (start-up included): median ${ms} ms over $runs runs, peak $(peak_mib "$bin" validate --output json "$small") MiB"
