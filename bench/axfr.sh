#!/usr/bin/env bash
# AXFR only: the first transfer after start-up and the best of five, updns beside NSD, Knot and BIND.
# Prints markdown: the figures, the ratios against the peers measured in the same run, the targets of issue 6.
# Needs bench/setup.sh once (the peers and load generators from Debian, dist/updns). Extra arguments go to
# bench/run.ts (e.g. --seconds 5, --quick, --out results.md).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node_modules/.bin/bun bench/run.ts --only axfr "$@"
