#!/usr/bin/env bash
# Explorer figures on the model (no assertions):
#  - steps per second in lockstep against the model, with and without DMA
#  - exhaustive mode: sequences, distinct observable states and time per depth
#  - per negative-control profile: time to find, shrunk length, shrink time
#   IC_BIN=build/iommu-conformance  SECONDS_RATE=10  BOUND=30  DEPTH=4
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${IC_BIN:-build/iommu-conformance}
RATE_S=${SECONDS_RATE:-10}
BOUND=${BOUND:-30}
DEPTH=${DEPTH:-4}

echo "# explorer throughput (target model/default vs oracle model/default)"
for dma in 0 100 300; do
	"$BIN" explore --sequences 0 --seconds "$RATE_S" --dma-permille "$dma" |
		sed -n "s/^# explore: .*: \(.*\)/dma-permille=$dma: \1/p"
done

echo "# exhaustive mode (symmetry-reduced alphabet)"
for d in $(seq 1 "$DEPTH"); do
	"$BIN" explore --exhaustive --depth "$d" --sequences 0 --seconds 300 |
		sed -n "s/^# explore: .*: \(.*\)/depth $d: \1/p"
done

echo "# negative controls: time to find (bound ${BOUND} s), shrunk length, shrink time"
for p in $("$BIN" list --profiles | awk '/^[a-z]/ && $2 != "breaks=-" {print $1}'); do
	out=$("$BIN" explore --profile "$p" --sequences 0 --seconds "$BOUND")
	t=$(sed -n 's/^# explore: .*, \([0-9.]*\) s, .*/\1/p' <<<"$out")
	s=$(sed -n 's/^# divergence shrunk to \(.*\)/\1/p' <<<"$out")
	if [ -n "$s" ]; then
		printf '%-28s found in %s s, shrunk to %s\n' "$p" "$t" "$s"
	else
		printf '%-28s not found in %s s\n' "$p" "$t"
	fi
done
