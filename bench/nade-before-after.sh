#!/usr/bin/env bash
# NADE training speed before (autograd) and after (hand-derived gradient) in one process.
# Usage: bench/nade-before-after.sh [THREADS=2] [ROUNDS=5] [WINDOW_SECONDS=10]  (needs $DGM_DATA/mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
./dgm models > /dev/null   # builds the jars and the classpath file when sources changed
launch="$(cat dgm4j-cli/target/launch/current)"
OPT_OUT_TRACKING=true exec java -Xmx4g --add-modules jdk.incubator.vector -Doffline=true \
  -Dai.djl.offline=true -cp "$launch/dgm4j-core-0.1.0-SNAPSHOT.jar:$(cat dgm4j-cli/target/classpath.txt)" \
  bench/NadeBeforeAfter.java "${1:-2}" "${2:-5}" "${3:-10}" 2>&1 | grep -v -e AutoNonVariableTypeMode -e SLF4J -e " DEBUG " -e " INFO " -e "WARN ai.djl" -e incubat
