#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless with the tslab TypeScript kernel (Debian's Jupyter).
# Outputs go to results/notebooks/; a cell error makes this exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
PY=/usr/bin/python3
if ! $PY -c 'import nbconvert, nbclient, ipykernel' >/dev/null 2>&1; then
  echo "run-notebooks: Jupyter is missing. Install it with:" >&2
  echo "  apt-get install -y jupyter-core jupyter-client python3-nbconvert python3-nbclient python3-ipykernel" >&2
  exit 2
fi
tslab install --python="$PY" >/dev/null
mkdir -p results/notebooks
status=0
for nb in notebooks/*.ipynb; do
  echo "run-notebooks: executing $nb"
  if ! $PY -m nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=tslab \
      --ExecutePreprocessor.timeout=900 --output-dir results/notebooks "$nb"; then
    echo "run-notebooks: FAILED $nb" >&2
    status=1
  fi
done
exit $status
