#!/usr/bin/env python3
"""Round trip of `shipmate draft helm` over a corpus of manifests, one chart per file.

For each file: draft a chart (gates off, so only schema-invalid input is refused), `helm lint
--strict` it, `helm template` it with every Secret value supplied as `x` through the paths the
draft prints, and compare the rendered objects with the input's after removing the chart's
labels and filling in the two defaults the chart writes out (Service type, replicas). Prints one
line per failure and a summary with the median wall time of one `draft helm` process.

    python3 scripts/draft-helm-corpus.py [CORPUS_DIR]      # needs PyYAML and helm

helm is $SHIPMATE_HELM, else `helm` on PATH; the binary is target/debug/shipmate (build it
first). Input that helm itself rejects as deprecated (extensions/v1beta1 and the like) is
counted apart: the chart is as old as its input.
"""

import base64
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

CHART_LABELS = {
    "helm.sh/chart",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/part-of",
}


def strip(value, service=False):
    if isinstance(value, dict):
        for key, child in list(value.items()):
            if key in ("labels", "matchLabels") and isinstance(child, dict):
                for label in CHART_LABELS & set(child):
                    del child[label]
            if service and key == "spec" and isinstance(child, dict):
                selector = child.get("selector")
                if isinstance(selector, dict):
                    for label in CHART_LABELS & set(selector):
                        del selector[label]
            strip(child)
        if value.get("labels") == {}:
            del value["labels"]
    elif isinstance(value, list):
        for child in value:
            strip(child)


def comparable(objects):
    out = {}
    for o in objects:
        if not o:
            continue
        strip(o, o.get("kind") == "Service")
        if o.get("kind") == "Service":
            o["spec"].setdefault("type", "ClusterIP")
        if o.get("kind") in ("Deployment", "StatefulSet"):
            o["spec"].setdefault("replicas", 1)
        out[(o["kind"], o["metadata"]["name"])] = o
    return out


def expand(objects):
    out = []
    for o in objects:
        if o and o.get("kind", "").endswith("List") and "items" in o:
            out += o["items"]
        elif o:
            out.append(o)
    return out


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    shared = os.environ.get("SHIPMATE_SHARED", os.path.join(root, "..", "shared"))
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(shared, "corpus")
    helm = os.environ.get("SHIPMATE_HELM") or shutil.which("helm")
    shipmate = os.path.join(root, "target", "debug", "shipmate")
    if not helm or not os.path.exists(shipmate):
        sys.exit("needs helm ($SHIPMATE_HELM or PATH) and target/debug/shipmate")
    counts = {"round-trip": 0, "refused": 0, "deprecated input": 0, "failed": 0}
    times = []
    files = sorted(glob.glob(os.path.join(corpus, "**", "*.y*ml"), recursive=True))
    with tempfile.TemporaryDirectory() as scratch:
        for path in files:
            chart = os.path.join(scratch, "c")
            shutil.rmtree(chart, ignore_errors=True)
            start = time.perf_counter()
            drafted = subprocess.run(
                [shipmate, "draft", "helm", chart, "--from", path, "--no-gates",
                 "--name", "c", "--output", "json"],
                capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if drafted.returncode != 0:
                counts["refused"] += 1
                continue
            sets = []
            for p in json.loads(drafted.stdout)["secret_values"]:
                sets += ["--set-string", p + "=x"]
            lint = subprocess.run([helm, "lint", "--strict", chart], capture_output=True, text=True)
            rendered = subprocess.run([helm, "template", "c", chart] + sets,
                                      capture_output=True, text=True)
            if rendered.returncode == 0 and lint.returncode != 0 \
                    and "deprecated" in lint.stdout and "[ERROR]" not in lint.stdout:
                counts["deprecated input"] += 1
                continue
            if lint.returncode != 0 or rendered.returncode != 0:
                counts["failed"] += 1
                why = (lint.stdout + rendered.stderr).strip().splitlines()[-1:]
                print("FAIL", path, *why)
                continue
            want = comparable(expand(yaml.safe_load_all(open(path))))
            for (kind, _), o in want.items():
                if kind == "Secret":
                    for field in ("data", "stringData"):
                        if field in o:
                            x = base64.b64encode(b"x").decode() if field == "data" else "x"
                            o[field] = {k: x for k in o[field]}
            got = comparable(list(yaml.safe_load_all(rendered.stdout)))
            if got == want:
                counts["round-trip"] += 1
            else:
                counts["failed"] += 1
                differ = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
                print("DIFF", path, differ[:3])
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    median_ms = statistics.median(times) * 1000 if times else 0.0
    print(f"{len(files)} files: {summary}; median draft helm process {median_ms:.1f} ms")


if __name__ == "__main__":
    main()
