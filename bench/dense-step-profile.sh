#!/usr/bin/env bash
# Where a dense model's training step spends its time (see bench/DenseStepProfile.java).
# Usage: bench/dense-step-profile.sh MODEL BATCH THREADS ROUNDS SECONDS [KEY=VALUE...]
exec "$(dirname "$0")/run-java.sh" bench/DenseStepProfile.java "$@"
