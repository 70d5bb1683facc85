#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz/ (make fuzz: build-fuzz/fuzz/NAME),
# one at a time, each from seeds made of real files:
#   ktap     the model run's KTAP (whole, head, tail, cut with a "# vm: panic"
#            line, two files side by side) and tests/fuzz/seeds/ktap/
#   replay   replay files the explorer writes for negative-control profiles,
#            and tests/fuzz/seeds/replay/ (one step of each kind)
#   configs  vm/configs.cfg (whole, and [defaults] with each stanza)
# Each target is one test: passed when it ran its budget with no crash,
# leak, sanitizer report or broken property. Prints per target
#   ok NAME: N executions, N exec/s, N s (corpus N inputs)
# then "fuzz: N passed, N failed".
#
#   tests/fuzz/run.sh [--runs N | --seconds S] [NAME...]
#   (default --seconds 8 for every target; bench/fuzz.sh: --runs 10000000)
#   BIN=build/iommu-conformance (writes the seeds)  FUZZ_DIR=build-fuzz/fuzz
#   FUZZ_WORK=DIR: keep corpora and crash inputs there (default: a temp dir)
#   MAX_LEN_ktap=1024 MAX_LEN_replay=2048 MAX_LEN_configs=2048: the longest
#   input tried (the seeds are cut to it; a KTAP file is read line by line,
#   so a long one adds time, not paths)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BIN=${BIN:-$top/build/iommu-conformance}
FUZZ_DIR=${FUZZ_DIR:-$top/build-fuzz/fuzz}
budget=(-max_total_time=8)
names=()
while [ $# -gt 0 ]; do
	case $1 in
	--runs) budget=(-runs="$2"); shift 2 ;;
	--seconds) budget=(-max_total_time="$2"); shift 2 ;;
	-*) echo "usage: $0 [--runs N | --seconds S] [NAME...]" >&2; exit 2 ;;
	*) names+=("$1"); shift ;;
	esac
done
[ ${#names[@]} -gt 0 ] || names=(ktap replay configs)
declare -A max_len=([ktap]=${MAX_LEN_ktap:-1024} [replay]=${MAX_LEN_replay:-2048}
	[configs]=${MAX_LEN_configs:-2048})

pass=0 fail=0
finish() {
	echo "fuzz: $pass passed, $fail failed"
	[ "$fail" = 0 ]
}
for f in "$BIN" "${names[@]/#/$FUZZ_DIR/}"; do
	if [ ! -x "$f" ]; then
		echo "not ok: no $f (make; make fuzz)"
		fail=${#names[@]}
		finish
		exit 1
	fi
done

work=${FUZZ_WORK:-}
if [ -z "$work" ]; then
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi
seeds=$work/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{ktap,replay,configs}

# --- seeds from real files ---------------------------------------------------
model=$seeds/ktap/model.ktap
"$BIN" run --target model --format ktap --output "$model" >/dev/null 2>&1
head -c 3000 "$model" >"$seeds/ktap/model-head.ktap"
tail -c 3000 "$model" >"$seeds/ktap/model-tail.ktap"
{ head -c 2000 "$model"; printf '\n# vm: panic Oops\n'; } >"$seeds/ktap/model-panic.ktap"
{ head -c 400 "$model"; printf '\n\f\n'; tail -c 400 "$model"; } >"$seeds/ktap/model-two.ktap"
cp tests/fuzz/seeds/ktap/* "$seeds/ktap/"

for p in $("$BIN" list --profiles | awk '/^[a-z]/ && $2 != "breaks=-" && $2 != "breaks=" { print $1 }' | head -n 4); do
	"$BIN" explore --profile "$p" --sequences 0 --seconds 5 \
		--replay-out "$seeds/replay/$p.replay" >/dev/null 2>&1
done
cp tests/fuzz/seeds/replay/* "$seeds/replay/"

cp vm/configs.cfg "$seeds/configs/configs.cfg"
awk -v d="$seeds/configs" '
	/^\[/ { n++ }
	n == 0 { next }
	n == 1 { head = head $0 "\n"; next }
	{ part[n] = part[n] $0 "\n" }
	END { for (i in part) printf "%s%s", head, part[i] > (d "/stanza" i ".cfg") }
' vm/configs.cfg

# --- the runs ------------------------------------------------------------------
for name in "${names[@]}"; do
	corpus=$work/corpus/$name
	mkdir -p "$corpus" "$work/crashes"
	log=$work/$name.log
	t0=$(date +%s.%N)
	"$FUZZ_DIR/$name" "${budget[@]}" -max_len="${max_len[$name]:-2048}" \
		-print_final_stats=1 -artifact_prefix="$work/crashes/$name-" \
		"$corpus" "$seeds/$name" >"$log" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
	inputs=$(find "$corpus" -type f | wc -l)
	figures="${execs:-?} executions, ${rate:-?} exec/s, $secs s (corpus $inputs inputs)"
	if [ $rc -eq 0 ] && [ -n "$execs" ]; then
		pass=$((pass + 1))
		echo "ok $name: $figures"
	else
		fail=$((fail + 1))
		echo "not ok $name: exit $rc after $figures"
		grep -E '^(fuzz:|==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5 | sed 's/^/    /'
		ls "$work/crashes/$name-"* 2>/dev/null | sed 's/^/    input: /'
		[ -n "${FUZZ_WORK:-}" ] || tail -n 20 "$log" | sed 's/^/    | /'
	fi
done
finish
