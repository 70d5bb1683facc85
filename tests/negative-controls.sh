#!/usr/bin/env bash
# Negative controls: every model profile that declares broken invariants
# must fail at least those invariants (the run's roll-up): the ones it is
# built to break; other invariants a broken driver takes down with them are
# listed as "also fails" (a check built on a broken rule may fail too). A
# conforming profile (breaks=-) must fail nothing. One "ok N NAME" /
# "not ok N NAME # why" line per profile, then
#   negative-controls: N passed, N failed
# Exit 0 when every profile behaved, 1 otherwise, 2 when the binary is unusable.
#   BIN=path/to/iommu-conformance (default build/iommu-conformance)
#   TIMEOUT=SEC per case (default 60)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$top/build/iommu-conformance}
TIMEOUT=${TIMEOUT:-60}

[ -x "$BIN" ] || { echo "error: $BIN not built (run make)" >&2; exit 2; }
profiles=$("$BIN" list --profiles) || { echo "error: $BIN list --profiles failed" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The invariants a KTAP report's roll-up marks failed, sorted, comma-joined:
# the "# invariant X fail" lines after the last result line.
failed_invariants() {
	awk '/^(not )?ok [0-9]+ / { n = 0; next }
	     /^# invariant [^ ]+ [a-z-]+$/ { inv[n++] = $3 " " $4; next }
	     /^# Totals:/ { for (i = 0; i < n; i++) { split(inv[i], a, " ");
				if (a[2] == "fail" || a[2] == "inconclusive") print a[1] } ; done = 1 }
	     END { if (!done) print "INCOMPLETE" }' "$1" | sort -u | paste -sd, -
}

i=0 npass=0 nfail=0
while read -r name breaks _; do
	[ -n "$name" ] || continue
	breaks=${breaks#breaks=}
	[ "$breaks" = "-" ] && breaks=""
	want=$(tr ',' '\n' <<<"$breaks" | sed '/^$/d' | sort -u | paste -sd, -)
	i=$((i + 1))
	out=$tmp/$name.ktap
	"$BIN" run --target model --profile "$name" --timeout "$TIMEOUT" \
		--format ktap --output "$out" 2>"$tmp/$name.err"
	rc=$?
	got=""
	[ -f "$out" ] && got=$(failed_invariants "$out")
	why=""
	if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		why="run exited $rc: $(tail -n1 "$tmp/$name.err")"
	elif [ "$got" = INCOMPLETE ]; then
		why="report incomplete"
	elif [ -z "$want" ] && [ -n "$got" ]; then
		why="conforming profile fails {${got}}"
	elif missing=$(comm -23 <(tr ',' '\n' <<<"$want") <(tr ',' '\n' <<<"$got") | paste -sd, -) &&
		[ -n "$missing" ]; then
		why="built to break {${want}}: {${missing}} did not fail (got {${got}})"
	elif [ -z "$want" ] && [ $rc -ne 0 ]; then
		why="conforming profile exited $rc"
	fi
	if [ -z "$why" ]; then
		npass=$((npass + 1))
		extra=$(comm -13 <(tr ',' '\n' <<<"$want") <(tr ',' '\n' <<<"$got") | paste -sd, -)
		echo "ok $i $name${want:+ (fails $want)}${extra:+; also fails $extra}"
	else
		nfail=$((nfail + 1))
		echo "not ok $i $name # $why"
		# The failing cases, to start debugging from.
		grep -E '^not ok ' "$out" 2>/dev/null | sed 's/^/#   /' | head -n 10
	fi
done < <(grep -E '^[^ ]' <<<"$profiles")

echo "negative-controls: $npass passed, $nfail failed"
[ $nfail -eq 0 ]
