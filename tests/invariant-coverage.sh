#!/usr/bin/env bash
# Invariant coverage on the model: for every invariant ID in docs/contract.md,
# which scenarios check it (a pass/fail/gap record in a run on any conforming
# model profile) and which negative-control profiles break it (`breaks=` in
# `list --profiles`). House rule: every invariant the model checks has a
# negative control. Prints one table line per ID, then the IDs checked but
# with no negative control, the IDs never checked on the model, and the IDs a
# profile claims to break that no scenario checks, then
#   invariant-coverage: N passed, N failed
# with passed = checked IDs that have a negative control, failed = checked IDs
# without one (plus any ID a profile breaks that the contract lacks).
# Exit 0 when nothing failed, 1 otherwise, 2 when the binary is unusable.
#   BIN=path/to/iommu-conformance (default build/iommu-conformance)
#   VERBOSE=1   also list the scenarios per ID
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$top/build/iommu-conformance}
CONTRACT=${CONTRACT:-$top/docs/contract.md}

[ -x "$BIN" ] || { echo "error: $BIN not built (run make)" >&2; exit 2; }
command -v jq >/dev/null || { echo "error: jq not installed" >&2; exit 2; }
profiles=$("$BIN" list --profiles) || { echo "error: $BIN list --profiles failed" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every ID of the contract's index table, in document order.
grep -oE '^\| [A-Z]+-[0-9A-Z]+ \|' "$CONTRACT" | awk '{ print $2 }' >"$tmp/ids"
[ -s "$tmp/ids" ] || { echo "error: no invariant IDs in $CONTRACT" >&2; exit 2; }

# "ID scenario" for every check record on each conforming profile.
: >"$tmp/checked"
: >"$tmp/broken"
while read -r name breaks _; do
	[ -n "$name" ] || continue
	breaks=${breaks#breaks=}
	if [ "$breaks" = "-" ]; then
		"$BIN" run --target model --profile "$name" --format json \
			--output "$tmp/$name.json" 2>"$tmp/$name.err"
		rc=$?
		if [ $rc -gt 1 ] || [ ! -s "$tmp/$name.json" ]; then
			echo "error: run on profile $name exited $rc: $(tail -n1 "$tmp/$name.err")" >&2
			exit 2
		fi
		jq -r '.cases[] | .id as $c | (.invariants // {}) | to_entries[]
		       | select(.value == "pass" or .value == "fail" or .value == "gap")
		       | "\(.key) \($c)"' "$tmp/$name.json" >>"$tmp/checked"
	else
		tr ',' '\n' <<<"$breaks" | sed '/^$/d' | sed "s/\$/ $name/" >>"$tmp/broken"
	fi
done < <(grep -E '^[^ ]' <<<"$profiles")
sort -u -o "$tmp/checked" "$tmp/checked"
sort -u -o "$tmp/broken" "$tmp/broken"

# Space-joined second column of the lines of $2 whose first column is $1.
col2() { awk -v id="$1" '$1 == id { printf "%s%s", sep, $2; sep = " " }' "$2"; }

npass=0 nfail=0
nochk=() noneg=()
printf '%-10s %-9s %s\n' ID SCENARIOS "NEGATIVE CONTROLS"
while read -r id; do
	sc=$(col2 "$id" "$tmp/checked")
	neg=$(col2 "$id" "$tmp/broken")
	nsc=$(wc -w <<<"$sc")
	printf '%-10s %-9s %s\n' "$id" "$nsc" "${neg:--}"
	[ "${VERBOSE:-0}" = 1 ] && [ -n "$sc" ] && echo "           checked by: $sc"
	if [ "$nsc" -eq 0 ]; then
		nochk+=("$id")
	elif [ -z "$neg" ]; then
		noneg+=("$id")
		nfail=$((nfail + 1))
	else
		npass=$((npass + 1))
	fi
done <"$tmp/ids"

# Profiles claiming an ID the contract does not have, or one nothing checks.
bogus=() unchecked_neg=()
for id in $(awk '{ print $1 }' "$tmp/broken" | sort -u); do
	if ! grep -qx "$id" "$tmp/ids"; then
		bogus+=("$id")
		nfail=$((nfail + 1))
	elif ! awk -v id="$id" '$1 == id { f = 1 } END { exit !f }' "$tmp/checked"; then
		unchecked_neg+=("$id")
	fi
done

echo
echo "checked on the model: $((npass + ${#noneg[@]})) of $(wc -l <"$tmp/ids") invariants; with a negative control: $npass"
echo "checked but no negative control (${#noneg[@]}): ${noneg[*]:-none}"
echo "never checked on the model (${#nochk[@]}): ${nochk[*]:-none}"
[ ${#unchecked_neg[@]} -gt 0 ] &&
	echo "broken by a profile but never checked (${#unchecked_neg[@]}): ${unchecked_neg[*]}"
[ ${#bogus[@]} -gt 0 ] &&
	echo "broken by a profile but not in the contract (${#bogus[@]}): ${bogus[*]}"
echo "invariant-coverage: $npass passed, $nfail failed"
[ $nfail -eq 0 ]
