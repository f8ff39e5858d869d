#!/usr/bin/env bash
# Trains and evaluates one model on binarized MNIST as docs/BENCHMARKS.md reports it.
# Usage: bench/train-mnist.sh NAME [dgm train options...]   (run folder: runs/bench-NAME)
# Writes runs/bench-NAME.log (training) and runs/bench-NAME.eval.json (test NLL).
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1; shift
./dgm train --data mnist --out "runs/bench-$name" --quiet "$@" 2>&1 | tee "runs/bench-$name.log"
./dgm eval --run "runs/bench-$name" --json | tee "runs/bench-$name.eval.json"
