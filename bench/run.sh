#!/usr/bin/env bash
# Benchmarks over the release binary: wall time and peak memory (GNU time), best of N runs.
#   bash bench/run.sh            # release build, 3 runs each
#   PROFILE=dev bash bench/run.sh
#   RUNS=1 SIZES="500" bash bench/run.sh
#
# The 500-project bundle is compared, in the same run, with Typst itself laying out the same 500
# forms alone: `--emit-typst` writes the Typst project jixiao compiles, its main.typ without the
# cover and 汇总表 is compiled by Typst 0.15 (the Python binding, installed if missing), and the
# ratio jixiao / Typst is printed. Then the re-bundle after editing one project, with one engine
# kept alive (what `jixiao watch` does), against the cold bundle (examples/rebundle).
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${PROFILE:-release}
RUNS=${RUNS:-3}
SIZES=${SIZES:-10 100 500}
EXAMPLES=(--example generate --example phases --example rebundle)
if [ "$PROFILE" = release ]; then
  cargo build --release --bin jixiao "${EXAMPLES[@]}" >&2
  BIN=target/release/jixiao
else
  cargo build --bin jixiao "${EXAMPLES[@]}" >&2
  BIN=target/debug/jixiao
fi
EX="$(dirname "$BIN")/examples"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
OUT=bench/out
mkdir -p "$OUT"
for n in 10 100 500 1000; do
  [ -d "$OUT/dept$n" ] || "$EX/generate" "$n" "$OUT/dept$n" 2>/dev/null
done

# best wall time (s), its CPU time (user + system, s; steadier than wall time on a busy machine)
# and its peak RSS (MiB) over $RUNS runs of a command, printed under $LABEL and left in $BEST /
# $CPU / $RSS
measure() {
  local best="" cpu="" rss=""
  for _ in $(seq "$RUNS"); do
    local line
    line=$(/usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1)
    read -r t u s m <<<"$line"
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then
      best=$t cpu=$(awk "BEGIN{print $u + $s}") rss=$((m / 1024))
    fi
  done
  BEST=$best CPU=$cpu RSS=$rss
  printf "%-36s %8ss %8ss %8s MiB\n" "$LABEL" "$best" "$cpu" "$rss"
}

echo "profile: $PROFILE, $(nproc) cores, best of $RUNS; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-36s %9s %9s %12s\n" "case" "wall" "cpu" "peak RSS"
"$EX/phases" examples/mof-2020/信息化运维经费.toml 20 || true
LABEL="one form, cold (process→PDF)" measure "$BIN" render examples/mof-2020/信息化运维经费.toml -o "$OUT/one.pdf"
LABEL="check 1000 files" measure "$BIN" check bench/out/dept1000
for n in $SIZES; do
  LABEL="bundle $n projects" measure "$BIN" bundle "$OUT/dept$n" -o "$OUT/bundle$n.pdf"
done

# ---- jixiao against Typst alone, 500 projects
python3 -c "import typst" 2>/dev/null || pip install --quiet typst==0.15.0 >&2
EMIT="$OUT/typst500"
rm -rf "$EMIT"
"$BIN" bundle "$OUT/dept500" -o "$OUT/bundle500.pdf" --emit-typst "$EMIT" >/dev/null
# the same project without the cover and 汇总表: the 500 forms alone
grep -v '^#bundle-front(bundle)$' "$EMIT/main.typ" > "$EMIT/forms.typ"
TYPST=(python3 -c 'import sys, typst
typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3], font_paths=["fonts"], ignore_system_fonts=True)')
LABEL="bundle 500 (jixiao, whole bundle)" measure "$BIN" bundle "$OUT/dept500" -o "$OUT/bundle500.pdf"
JIXIAO=$BEST JIXIAO_CPU=$CPU JIXIAO_RSS=$RSS
LABEL="500 forms alone (Typst 0.15)" measure "${TYPST[@]}" "$EMIT/forms.typ" "$OUT/forms500.pdf" "$EMIT"
TYPST_T=$BEST TYPST_CPU=$CPU
LABEL="whole bundle (Typst 0.15)" measure "${TYPST[@]}" "$EMIT/main.typ" "$OUT/typst500.pdf" "$EMIT"
awk -v j="$JIXIAO" -v t="$TYPST_T" -v jc="$JIXIAO_CPU" -v tc="$TYPST_CPU" -v r="$JIXIAO_RSS" 'BEGIN {
  printf "jixiao bundle / Typst forms alone: %.2f wall, %.2f cpu (goal ≤ 1.05)\n", j / t, jc / tc
  printf "jixiao bundle peak RSS: %d MiB (goal ≤ 600)\n", r }'
"$EX/rebundle" --forms-alone "$OUT/dept500"

# ---- re-bundle after editing one project, one engine (jixiao watch)
"$EX/rebundle" "$OUT/dept500" 3

# ---- import: a workbook of 100 forms (jixiao's own bundle workbook: 汇总表 + one sheet per
# project) read back into TOML files, then checked (issue 8: ≤ 2 s on 2 cores)
"$BIN" bundle "$OUT/dept100" --format xlsx -o "$OUT/bundle100.xlsx" >/dev/null
LABEL="import 100 forms (.xlsx, with check)" measure "$BIN" import "$OUT/bundle100.xlsx" -o "$OUT/imported100" --force
