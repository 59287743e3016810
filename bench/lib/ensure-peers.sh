# Sourced by the bench/*.sh scripts: on a machine without the peers, the load generators or dist/updns,
# run bench/setup.sh first (apt, as the tests install theirs), so each script works on a fresh machine.
need=(nsd knotd named nsupdate dig kdig dnsperf wrk)
missing=0
for p in "${need[@]}"; do
  command -v "$p" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$p" >/dev/null 2>&1 || missing=1
done
[ -x dist/updns ] && [ -x node_modules/.bin/bun ] || missing=1
if [ "$missing" = 1 ]; then
  echo "bench: peers or dist/updns missing, running bench/setup.sh first" >&2
  bash bench/setup.sh
fi
