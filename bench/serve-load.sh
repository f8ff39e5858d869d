#!/usr/bin/env bash
# Bounded load test of `dgm serve` on loopback: CLIENTS concurrent clients each send REQUESTS
# score requests (one MNIST test image as CSV), then p50/p99 latency and the error count.
# Usage: bench/serve-load.sh RUNS_DIR RUN_NAME [CLIENTS] [REQUESTS] [PORT]
set -euo pipefail
runs=$1; run=$2; clients=${3:-4}; requests=${4:-500}; port=${5:-8766}
root="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
"$root/dgm" serve --runs "$runs" --port "$port" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -sf "localhost:$port/api/runs" >/dev/null && break; sleep 1; done
# one real test digit (the first of MNIST's test set) as a CSV row of 784 pixels
python3 - "$root" > "$work/row.csv" <<'PY'
import sys, gzip, os
d = os.environ.get("DGM_DATA", "data") + "/mnist/t10k-images-idx3-ubyte"
f = open(d, "rb").read()
print(",".join(str(b) for b in f[16:16 + 784]))
PY
curl -sf -X POST -H 'Content-Type: text/csv' --data-binary @"$work/row.csv" \
  "localhost:$port/api/runs/$run/score" > /dev/null   # warm-up (loads the model, reference)
start=$(date +%s.%N)
for c in $(seq 1 "$clients"); do
  (for i in $(seq 1 "$requests"); do
     curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST -H 'Content-Type: text/csv' \
       --data-binary @"$work/row.csv" "localhost:$port/api/runs/$run/score"
   done > "$work/client-$c.txt") &
done
wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc)
cat "$work"/client-*.txt | sort -k2 -g | awk -v secs="$secs" '
  { n++; if ($1 != 200) errors++; t[n] = $2 }
  END {
    printf "requests %d  errors %d  p50 %.1f ms  p99 %.1f ms  %.0f requests/s\n",
      n, errors + 0, t[int(n * 0.50)] * 1000, t[int(n * 0.99)] * 1000, n / secs }'
