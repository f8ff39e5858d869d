#!/usr/bin/env bash
# Runs one of bench/'s single-file Java programs against the built dgm4j jars.
# Usage: bench/run-java.sh bench/PROGRAM.java [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
./dgm models > /dev/null   # builds the jars and the classpath file when sources changed
launch="$(cat dgm4j-cli/target/launch/current)"
OPT_OUT_TRACKING=true exec java -Xmx4g --add-modules jdk.incubator.vector -Doffline=true \
  -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$launch/dgm4j-core-0.1.0-SNAPSHOT.jar:$(cat dgm4j-cli/target/classpath.txt)" \
  "$@" 2>&1 | grep -v -e AutoNonVariableTypeMode -e SLF4J -e ' DEBUG ' -e ' INFO ' -e 'WARN ai.djl' -e 'incubat'
