#!/usr/bin/env bash
# Layering (of the tree at $1, default this checkout): a file in src/L/ may include headers of its own folder and of
# folders ranked below L, never above or beside it (so no cycle either).
# docs/architecture.md draws the same ladder.
#
# Prints one line per upward or sideways include and ends with
# "layering: N passed, N failed" (one check per src/ file).
set -uo pipefail
cd "${1:-$(dirname "$0")/..}"

declare -A rank=(
	[base]=0
	[uapi]=1 [model]=1 [report]=1
	[dma]=2
	[targets]=3
	[scenario]=4
	[run]=5 [explore]=5
	[cli]=6
)

pass=0 fail=0
for f in src/*/*.[ch]; do
	from=${f#src/}
	from=${from%%/*}
	if [ -z "${rank[$from]+x}" ]; then
		echo "not ok $f: folder src/$from has no rank in tests/layering.sh"
		fail=$((fail + 1))
		continue
	fi
	bad=0
	while IFS= read -r to; do
		if [ -z "${rank[$to]+x}" ]; then
			echo "not ok $f includes ../$to/: unknown layer"
			bad=1
		elif [ "${rank[$to]}" -ge "${rank[$from]}" ]; then
			echo "not ok $f (src/$from, rank ${rank[$from]}) includes ../$to/ (rank ${rank[$to]})"
			bad=1
		fi
	done < <(sed -nE 's@^[[:space:]]*#[[:space:]]*(include|if[[:space:]]+__has_include)[[:space:]]*\(?"\.\./([a-z_]+)/.*@\2@p' "$f")
	if [ $bad = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "layering: $pass passed, $fail failed"
[ $fail = 0 ]
