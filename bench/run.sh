#!/usr/bin/env bash
# Benchmarks over the release binary: wall time and peak memory (GNU time), best of N runs.
#   bash bench/run.sh            # release build, 3 runs each
#   PROFILE=dev bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${PROFILE:-release}
RUNS=${RUNS:-3}
if [ "$PROFILE" = release ]; then
  cargo build --release --bin jixiao --example generate --example phases >&2
  BIN=target/release/jixiao GEN=target/release/examples/generate
else
  cargo build --bin jixiao --example generate --example phases >&2
  BIN=target/debug/jixiao GEN=target/debug/examples/generate
fi
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
OUT=bench/out
mkdir -p "$OUT"
for n in 10 100 500 1000; do
  [ -d "$OUT/dept$n" ] || "$GEN" "$n" "$OUT/dept$n" 2>/dev/null
done

# best wall time (s) and its peak RSS (MiB) over $RUNS runs of a command
measure() {
  local best="" rss=""
  for _ in $(seq "$RUNS"); do
    local line
    line=$(/usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1)
    local t=${line% *} m=${line#* }
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; rss=$((m / 1024)); fi
  done
  printf "%-32s %8ss %8s MiB\n" "$LABEL" "$best" "$rss"
}

echo "profile: $PROFILE, $(nproc) cores, best of $RUNS"
printf "%-32s %9s %12s\n" "case" "wall" "peak RSS"
"$(dirname "$BIN")/examples/phases" examples/mof-2020/信息化运维经费.toml 20 || true
LABEL="one form, cold (process→PDF)" measure "$BIN" render examples/mof-2020/信息化运维经费.toml -o "$OUT/one.pdf"
LABEL="check 1000 files" measure "$BIN" check bench/out/dept1000
for n in 10 100 500; do
  LABEL="bundle $n projects" measure "$BIN" bundle "$OUT/dept$n" -o "$OUT/bundle$n.pdf"
done
