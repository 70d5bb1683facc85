#!/usr/bin/env bash
# Fuzzing figures: each libFuzzer target of tests/fuzz/ (ktap, replay,
# configs) run for RUNS executions (default 10 million), one target at a
# time, under ASan + UBSan, from seeds made of real files (tests/fuzz/run.sh
# says which). Prints per target the executions, executions per second and
# wall time, and ends with the table:
#   target   executions  exec/s  seconds  corpus  result
# A target that crashed, leaked or broke a property is "FAILED" there (its
# input is kept in FUZZ_WORK/crashes/ when FUZZ_WORK is set).
#   RUNS=10000000  FUZZ_TARGETS="ktap replay configs"  FUZZ_WORK=DIR
#   NICE=19 (the runs are niced: this is a background measurement)
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10000000}
NICE=${NICE:-19}
read -r -a targets <<<"${FUZZ_TARGETS:-ktap replay configs}"

nice -n "$NICE" make -s -j2 >/dev/null || { echo "make failed"; exit 1; }
nice -n "$NICE" make -s fuzz >/dev/null || { echo "make fuzz failed (clang, libclang-rt-14-dev?)"; exit 1; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "# fuzz targets, $RUNS executions each, ASan + UBSan ($(clang --version | head -n1))"
for t in "${targets[@]}"; do
	nice -n "$NICE" tests/fuzz/run.sh --runs "$RUNS" "$t" | tee -a "$out" | grep -v '^fuzz:'
done
echo
printf '%-8s %12s %8s %8s %7s  %s\n' target executions exec/s seconds corpus result
sed -nE 's/^(ok|not ok) ([a-z]+): (exit [0-9]+ after )?([0-9?]+) executions, ([0-9?]+) exec\/s, ([0-9]+) s \(corpus ([0-9]+) inputs\)/\1 \2 \4 \5 \6 \7/p' "$out" |
	sed 's/^not ok/FAILED/; s/^ok/clean/' |
	while read -r res name execs rate secs corpus; do
		printf '%-8s %12s %8s %8s %7s  %s\n' "$name" "$execs" "$rate" "$secs" "$corpus" "$res"
	done
! grep -q '^not ok' "$out"
