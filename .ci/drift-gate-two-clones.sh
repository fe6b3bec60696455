#!/usr/bin/env bash
# The drift gate acts on the checkout it runs in, even when two clones share one CARGO_TARGET_DIR (and so one
# compiled xtask binary): a hand edit of generated code in one clone fails `--check` there, not in the other.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
git clone --quiet --local "$root" "$work/one"
git clone --quiet --local "$root" "$work/two"
# Generated files as they are in this checkout (committed or not), so both clones start current.
for clone in one two; do
  (cd "$root" && for f in sdk-*/src/generated.rs; do cp "$f" "$work/$clone/$f"; done)
done
echo "// a hand edit" >> "$work/one/sdk-ess/src/generated.rs"
(cd "$work/two" && cargo xtask generate --check >/dev/null)
echo "clone two (untouched): --check passes"
if (cd "$work/one" && cargo xtask generate --check >/dev/null 2>&1); then
  echo "clone one has a hand edit, yet --check passed: the drift gate read another checkout" >&2
  exit 1
fi
echo "clone one (hand-edited): --check fails, as it must"
# And the untouched clone still passes after the edited one was checked with the same binary.
(cd "$work/two" && cargo xtask generate --check >/dev/null)
echo "drift gate: each clone checked itself"
