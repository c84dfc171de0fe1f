#!/usr/bin/env bash
# Runs `bench student` under each performance lever's setting, RUNS times each, one after the other (nothing else
# should run meanwhile), and prints every table; docs/performance.md reports the medians.
#   bash docs/bench-levers.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
mvn -q -B compile
declare -a names=("baseline: portable AVX2 build, no array pool, 1 worker"
                  "+ step array pool"
                  "+ oneDNN/AVX-512 build"
                  "+ 2 training workers (default)")
declare -a props=("-Dkd4j.native=portable" "-Dkd4j.native=portable" "" "")
declare -a args=("--workers 1 --no-step-pool" "--workers 1" "--workers 1" "")
for i in "${!names[@]}"; do
  for r in $(seq 1 "$runs"); do
    echo "### ${names[$i]} (run $r)"
    # shellcheck disable=SC2086
    mvn -q ${props[$i]} exec:java -Dexec.args="bench student ${args[$i]}" 2>/dev/null | grep '^|'
  done
done
