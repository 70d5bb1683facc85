#!/usr/bin/env bash
# The explorer against the model's profiles (issue 6):
#  - every negative-control profile (non-empty breaks in `list --profiles`)
#    is found by `explore --profile P` within BOUND seconds and shrunk to at
#    most MAX_STEPS steps; its replay file diverges on P (exit 1) and agrees
#    on the conforming oracle (exit 0);
#  - conforming profiles: a bounded run finds nothing;
#  - exhaustive mode at depth 3 runs and reports a state count;
#  - a malformed replay file exits 2 with a one-line error.
# Profiles the explorer cannot reach are named in out-of-reach.txt with the
# reason and reported as such, never passed silently.
#   IC_BIN=build/iommu-conformance  BOUND=30 (seconds per profile)
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${IC_BIN:-build/iommu-conformance}
BOUND=${BOUND:-30}
MAX_STEPS=8
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Profiles whose break no explorer step can observe, and why.
declare -A OUT_OF_REACH=()
while read -r p reason; do
	[[ -z $p || $p == '#'* ]] || OUT_OF_REACH[$p]=$reason
done <tests/explore/out-of-reach.txt
# Profiles whose minimal witness is longer than MAX_STEPS, and why.
declare -A LONGER=(
	[shared-pasid-table]="9: auto domains are not PASID-compatible, so the witness needs an explicit PASID HWPT: bind x2, ioas_alloc, map, hwpt_alloc, two RID attaches, PASID attach, DMA"
	[vdev-no-tombstone]="12: the unbind frees the device's ID below the vDEVICE's, so two allocations must follow it before a use shows which object took the vDEVICE's ID: at least bind, ioas_alloc, NEST_PARENT HWPT, vIOMMU, vDEVICE, unbind, two allocations, a use (9); a search's first witness may shrink to a longer fixpoint (11 from the default seed)"
	[vevent-lost-unmarked]="11: the lost-events record needs a vEVENTQ past its depth of 1 on a vIOMMU whose nested HWPT the device is attached to: bind, ioas_alloc, NEST_PARENT HWPT, vIOMMU, vDEVICE, vEVENTQ, nested HWPT, attach, two events, read"
)

pass=0 fail=0 n=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }

[ -x "$BIN" ] || { echo "not ok 1 - no $BIN (make)"; echo "0 passed, 1 failed"; exit 1; }

profiles=$("$BIN" list --profiles | awk '/^[a-z]/ {print $1, $2}')
broken=$(echo "$profiles" | awk '$2 != "breaks=-" && $2 != "breaks=" {print $1}')
conforming=$(echo "$profiles" | awk '$2 == "breaks=-" || $2 == "breaks=" {print $1}')

for p in $broken; do
	if [ -n "${OUT_OF_REACH[$p]:-}" ]; then
		# Still try briefly: a profile that becomes reachable should
		# leave the list.
		if "$BIN" explore --profile "$p" --sequences 0 --seconds 1 >"$TMP/out" 2>&1; then
			ok "$p: out of the explorer's reach (allow-listed): ${OUT_OF_REACH[$p]}"
		else
			notok "$p: allow-listed as out of reach but explore found it: drop it from tests/explore/out-of-reach.txt"
		fi
		continue
	fi
	t0=$(date +%s.%N)
	"$BIN" explore --profile "$p" --sequences 0 --seconds "$BOUND" \
		--replay-out "$TMP/$p.replay" >"$TMP/out" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	secs=$(echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}')
	if [ $rc -ne 1 ]; then
		notok "$p: no divergence within ${BOUND} s (exit $rc)"
		continue
	fi
	len=$(sed -n 's/^# divergence shrunk to \([0-9]*\) steps.*/\1/p' "$TMP/out")
	max=$MAX_STEPS
	[ -n "${LONGER[$p]:-}" ] && max=${LONGER[$p]%%:*}
	if [ -z "$len" ] || [ "$len" -gt "$max" ]; then
		notok "$p: found in $secs s but shrunk to ${len:-?} steps (> $max)"
		continue
	fi
	"$BIN" replay --profile "$p" "$TMP/$p.replay" >/dev/null 2>&1
	r1=$?
	"$BIN" replay --profile default "$TMP/$p.replay" >/dev/null 2>&1
	r0=$?
	if [ $r1 -ne 1 ] || [ $r0 -ne 0 ]; then
		notok "$p: replay exits $r1 on $p (want 1) and $r0 on default (want 0)"
		continue
	fi
	ok "$p: found and shrunk to $len steps in $secs s${LONGER[$p]:+ (bound $max: ${LONGER[$p]#*: })}; replay diverges on $p, agrees on default"
done

for p in $conforming; do
	if "$BIN" explore --profile "$p" --sequences 20000 >"$TMP/out" 2>&1; then
		ok "$p (conforming): 20000 sequences, no divergence"
	else
		notok "$p (conforming): explore exit $?: $(grep -m1 'differs' "$TMP/out")"
	fi
done

out=$("$BIN" explore --exhaustive --depth 3 --sequences 0 --seconds 120 2>&1)
rc=$?
states=$(echo "$out" | sed -n 's/.*, \([0-9]*\) distinct observable states.*/\1/p')
if [ $rc -eq 0 ] && [ -n "$states" ] && [ "$states" -gt 0 ]; then
	ok "exhaustive depth 3: $states distinct observable states"
else
	notok "exhaustive depth 3: exit $rc, states '${states}'"
fi

printf 'bind d0\nfly away\n' >"$TMP/bad.replay"
"$BIN" replay "$TMP/bad.replay" >"$TMP/out" 2>"$TMP/err"
rc=$?
lines=$(wc -l <"$TMP/err")
if [ $rc -eq 2 ] && [ "$lines" -eq 1 ]; then
	ok "malformed replay: exit 2, one line: $(cat "$TMP/err")"
else
	notok "malformed replay: exit $rc, $lines lines on stderr"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
