#!/usr/bin/env bash
# Fuzzing: every target of fuzz/ (cargo-fuzz, libFuzzer) runs for a fixed time on the nightly toolchain; a crash,
# a panic, a leak or an input that runs past the per-input timeout fails the step, and libFuzzer leaves the input
# under fuzz/artifacts/<target>/. cargo-fuzz is installed pinned under fuzz/target/tools (ignored by git), once.
#
#   FUZZ_SECONDS   time per target (default 15: the whole step, cold, stays under six minutes on two cores)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

CARGO_FUZZ_VERSION=0.12.0
seconds=${FUZZ_SECONDS:-15}
tools="$PWD/target/tools"

if [[ "$("$tools/bin/cargo-fuzz" --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --root "$tools"
fi
export PATH="$tools/bin:$PATH"

# A development build without a sanitizer: a cold optimised build with AddressSanitizer takes over ten minutes on
# two cores, this one a fraction of that. The targets are safe Rust, where AddressSanitizer adds little: panics,
# stack overflows, aborts, timeouts and out-of-memory still fail the run. The long campaign (docs/CHECKS.md) uses
# the optimised, sanitized build.
build=(--dev --sanitizer none)
cargo +nightly fuzz build "${build[@]}"
for target in $(cargo +nightly fuzz list); do
  echo "--- $target (${seconds}s)"
  mkdir -p "corpus/$target"
  # corpus/<target> (not committed) grows from run to run; seeds/<target> (committed, fuzz/make-seeds.py) is
  # only read. The line shown is libFuzzer's last: executions, coverage (cov, ft), corpus size.
  log="target/fuzz-$target.log"
  status=0
  cargo +nightly fuzz run "${build[@]}" "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  grep -E '^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units' "$log" || true
  if ((status != 0)); then
    tail -n 60 "$log" >&2
    echo "fuzz target $target failed (exit $status); the input is under fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
