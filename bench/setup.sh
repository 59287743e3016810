#!/usr/bin/env bash
# Installs what the benchmarks talk to, from Debian: the peers (NSD, Knot, BIND and their tools), the load
# generators (dnsperf, wrk) and dig. Packaged daemons that start themselves are stopped: the benchmarks run
# their own, in the foreground, on free loopback ports. Then builds dist/updns, the binary measured.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq nsd knot knot-dnsutils bind9 bind9-dnsutils bind9-utils dnsperf wrk >/dev/null
for svc in named bind9 knot nsd; do
  ($SUDO systemctl stop "$svc" || $SUDO service "$svc" stop) >/dev/null 2>&1 || true
done
npm install --no-audit --no-fund >/dev/null
npx bun build.ts
