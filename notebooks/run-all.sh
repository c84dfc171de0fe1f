#!/usr/bin/env bash
# Executes every notebooks/*.ipynb headless with the kd4j-java kernel at tiny scale, as CI does:
#
#   notebooks/run-all.sh [NB ...]
#
# First checks that the committed notebooks carry no outputs, then runs each one (notebooks/nbtool.py run):
# fails on the first error cell of any notebook, or when one takes longer than KD4J_NOTEBOOK_TIMEOUT seconds
# (default 600). KD4J_NOTEBOOK_SCALE (default tiny) reaches the notebooks as an environment variable. The
# executed copies land in target/notebook/executed/. Needs notebooks/setup-kernel.sh to have run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Jupyter packages live in the system Python; a pyenv or venv python3 first on PATH may lack them
PY=""
for candidate in ${KD4J_PYTHON:-} /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import nbclient, nbformat' 2>/dev/null; then
    PY=$candidate; break
  fi
done
if [ -z "$PY" ]; then
  echo "no Python with nbclient and nbformat: run notebooks/setup-kernel.sh, or install python3-nbclient" \
       "(apt) / nbclient (pip); KD4J_PYTHON=/path/to/python picks one" >&2
  exit 1
fi
if ! jupyter kernelspec list 2>/dev/null | awk '{print $1}' | grep -qx kd4j-java; then
  echo "the Jupyter kernel kd4j-java is not installed: run notebooks/setup-kernel.sh" >&2
  exit 1
fi
if [ ! -f target/notebook/kd4j-classpath.jar ]; then
  echo "kd4j is not built for the notebooks (no target/notebook/kd4j-classpath.jar): run notebooks/setup-kernel.sh" >&2
  exit 1
fi
export KD4J_NOTEBOOK_SCALE=${KD4J_NOTEBOOK_SCALE:-tiny}
export PYDEVD_DISABLE_FILE_VALIDATION=1   # quiets Python 3.11's debugger warning about frozen modules
"$PY" -Xfrozen_modules=off notebooks/nbtool.py check "$@"
exec "$PY" -Xfrozen_modules=off notebooks/nbtool.py run "$@"
