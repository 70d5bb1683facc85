#!/usr/bin/env bash
# Engine controls (issue 11): a broken DMA engine on a correct IOMMU must
# never yield a PASS that rests on DMA evidence.
#   engine-never-moves, engine-times-out: no invariant that needs DMA
#     (docs/contract.md, Observability notes: DMA-*, OWN-4/5, OBJ-10,
#     ATTACH-5/6/11/12, GROUP-2..5, SEED-A/C) rolls up PASS: a landed check
#     fails, and a blocked one has no positive control (INCONCLUSIVE).
#   engine-lands-all: no case that expects a blocked DMA passes.
# One line per control, then "engine-controls: N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$top/build/iommu-conformance}
[ -x "$BIN" ] || { echo "error: $BIN not built (run make)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dma_invariants='^(DMA-[0-9]+|OWN-4|OWN-5|OBJ-10|ATTACH-5|ATTACH-6|ATTACH-11|ATTACH-12|GROUP-[2-5]|SEED-A|SEED-C)$'
p=0 f=0
rollup_pass() { # ktap: invariants the run's roll-up marks pass
	awk '/^(not )?ok [0-9]+ / { n = 0; delete inv; next }
	     /^# invariant [^ ]+ [a-z-]+$/ { inv[n++] = $3 " " $4; next }
	     /^# Verdicts:/ { for (i = 0; i < n; i++) { split(inv[i], a, " "); if (a[2] == "pass") print a[1] } }' "$1"
}
for prof in engine-never-moves engine-times-out engine-lands-all; do
	out=$tmp/$prof.ktap
	"$BIN" run --target model --profile "$prof" --format ktap --output "$out" >/dev/null 2>&1
	if ! grep -q '^# Totals:' "$out"; then
		echo "not ok $prof: no complete report"
		f=$((f + 1))
		continue
	fi
	if [ "$prof" = engine-lands-all ]; then
		bad=$(awk '/^(not )?ok [0-9]+ / { if (b && $1 == "ok" && $0 !~ /# SKIP/) print $3; b = 0; next }
			   /\(expected blocked\)/ { b = 1 }' "$out" | paste -sd, -)
		what="cases expecting a blocked DMA that passed"
	else
		bad=$(rollup_pass "$out" | grep -E "$dma_invariants" | paste -sd, -)
		what="DMA invariants that rolled up PASS"
	fi
	if [ -n "$bad" ]; then
		echo "not ok $prof: $what: $bad"
		f=$((f + 1))
	else
		echo "ok $prof: no $what ($(sed -n 's/^# Verdicts: //p' "$out"))"
		p=$((p + 1))
	fi
done
echo "engine-controls: $p passed, $f failed"
[ "$f" = 0 ]
