#!/usr/bin/env bash
# Per-transfer DMA cost per engine and configuration, from the evidence
# lines of VM runs (build/vm/NAME.ktap): each line like
#   "edu 0000:00:10.0 write iova=... len=256 99.9ms irq; payload verified"
#   "nvme 0000:00:14.0 write iova=... len=256 0.412ms status 0x000 (ok); ..."
# is one transfer under test, timed in the guest (start to completion).
# Figures only, never an assertion.
#   bench/dma-cost.sh [DIR|FILE.ktap ...]   (default build/vm)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- "$top/build/vm"
files=()
for a in "$@"; do
	if [ -d "$a" ]; then
		for k in "$a"/*.ktap; do [ -e "$k" ] && files+=("$k"); done
	elif [ -e "$a" ]; then
		files+=("$a")
	fi
done
[ ${#files[@]} -gt 0 ] || { echo "error: no KTAP files in $* (run make vm-check)" >&2; exit 2; }
printf '%-14s %-10s %9s %9s %9s %9s %9s\n' config engine transfers mean_ms median_ms min_ms max_ms
for k in "${files[@]}"; do
	c=$(basename "$k" .ktap)
	{ grep -oE '(edu|edu-pasid|nvme) [0-9a-f:.]+ (read|write) iova=0x[0-9a-f]+ len=[0-9]+ [0-9.]+ms' "$k" 2>/dev/null || true; } |
		awk '{ ms = $NF; sub(/ms$/, "", ms); print $1, ms + 0 }' | sort -k1,1 -k2,2g |
		awk -v c="$c" '
			function out() { if (n) printf "%-14s %-10s %9d %9.3f %9.3f %9.3f %9.3f\n", c, e, n, s / n, v[int((n + 1) / 2)], v[1], v[n] }
			$1 != e { out(); e = $1; n = 0; s = 0 }
			{ v[++n] = $2; s += $2 }
			END { out() }'
done
echo "# the transfer under test only; each checked DMA costs more: edu also loads and reads back"
echo "# its buffer through a bounce page (about 3 transfers, edu's timer is 100 ms of virtual time);"
echo "# nvme runs 2 admin commands per write (the same command into its own page reports the bytes)"
echo "# and 3 per read (pre-load, the read, Get Features)"
