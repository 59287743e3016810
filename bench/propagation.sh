#!/usr/bin/env bash
# update acknowledged -> an NSD secondary answers it (NOTIFY + IXFR), 1,000 samples.
# Prints markdown: the figures, the ratios against the peers measured in the same run, the targets of issue 6.
# Runs bench/setup.sh first when the peers, the load generators or dist/updns are missing. Extra arguments go to
# bench/run.ts (e.g. --seconds 5, --quick, --out results.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/ensure-peers.sh
exec node_modules/.bin/bun bench/run.ts --only propagation "$@"
