#!/usr/bin/env bash
# Per-transfer DMA cost of the edu engine, per configuration, from the
# evidence lines of the last `make vm-check` (build/vm/NAME.ktap): each line
# like "edu 0000:00:10.0 write iova=... len=256 99.9ms irq; payload verified"
# is one transfer under test, timed in the guest. Figures only.
#   bench/dma-cost.sh [DIR]   (default build/vm)
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")/.." && pwd)/build/vm}
ls "$dir"/*.ktap >/dev/null 2>&1 || { echo "error: no KTAP files in $dir (run make vm-check)" >&2; exit 2; }
printf '%-14s %9s %9s %9s %9s %7s\n' config transfers mean_ms min_ms max_ms irq%
for k in "$dir"/*.ktap; do
	c=$(basename "$k" .ktap)
	{ grep -oE 'edu [0-9a-f:.]+ (read|write) [^;]* [0-9.]+ms (irq|poll)' "$k" 2>/dev/null || true; } |
		awk -v c="$c" '{ ms = $(NF-1); sub(/ms$/, "", ms); ms += 0; n++; s += ms
				  if (n == 1 || ms < lo) lo = ms; if (ms > hi) hi = ms
				  irq += ($NF == "irq") }
			END { if (n) printf "%-14s %9d %9.1f %9.1f %9.1f %6.0f%%\n", c, n, s / n, lo, hi, 100 * irq / n }'
done
echo "# one verified write or read also moves the payload through a bounce page:"
echo "# about 3 transfers (~300 ms) per checked DMA; edu's completion timer is 100 ms of virtual time"
