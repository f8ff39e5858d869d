#!/usr/bin/env bash
# dgm4j's PCD-1 RBM training next to scikit-learn's BernoulliRBM in one run, both on 2 threads,
# 500 hidden units, batch 100, one epoch of binarized MNIST (docs/BENCHMARKS.md, RBM section).
# Needs Debian's python3-sklearn (apt-get install python3-sklearn) and MNIST under $DGM_DATA.
# Usage: bench/rbm-vs-sklearn.sh OUT_DIR   (writes sklearn.json and dgm-bench.json there)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1
mkdir -p "$out"
data=${DGM_DATA:-data}/mnist
echo "$(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) $(nproc) cores"
OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/rbm_sklearn.py "$data" | tee "$out/sklearn.json"
./dgm bench --threads 2 --models none --mcmc --batch-size 100 --json "$out/dgm-bench.json" --force
