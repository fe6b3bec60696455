#!/usr/bin/env bash
# Runs a standalone simulator under the `load` example and samples its resident memory (VmRSS) every 5 s.
#
#   sdk-simulator/scripts/soak.sh SIMULATOR_BINARY LOAD_BINARY PORT SECONDS RATE FAULT_RATE [SIMULATOR FLAGS...]
#
# e.g. (after `cargo build -p sdk-simulator --bin sdk-simulator --example load`):
#   sdk-simulator/scripts/soak.sh target/debug/sdk-simulator target/debug/examples/load 18474 180 300 0.05
# Prints `rss <seconds> <kB>` lines, then the load generator's summary; exits with the load generator's code.
set -euo pipefail
sim=$1 load=$2 port=$3 seconds=$4 rate=$5 faults=$6
shift 6
"$sim" --port "$port" --clock-speed 60 "$@" >/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/_simulator" >/dev/null 2>&1 && break
  sleep 0.2
done
start=$(date +%s)
(
  while kill -0 "$pid" 2>/dev/null; do
    echo "rss $(( $(date +%s) - start )) $(awk '/VmRSS/ {print $2}' "/proc/$pid/status")"
    sleep 5
  done
) &
sampler=$!
set +e
"$load" --url "http://127.0.0.1:$port" --seconds "$seconds" --rate "$rate" --fault-rate "$faults"
code=$?
set -e
echo "rss $(( $(date +%s) - start )) $(awk '/VmRSS/ {print $2}' "/proc/$pid/status")"
kill "$sampler" 2>/dev/null || true
exit $code
