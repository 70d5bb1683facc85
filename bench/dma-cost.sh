#!/usr/bin/env bash
# Per-transfer DMA cost per engine and configuration, and the suite's time
# after boot, from the output of VM runs (build/vm/NAME.ktap or a run's
# OUT_DIR). Each evidence line like
#   "edu 0000:00:10.0 write iova=... len=256 99.9ms irq; payload verified"
#   "nvme 0000:00:14.0 write iova=... len=256 0.412ms status 0x000 (ok); ..."
#   "e1000e 0000:00:15.0 read iova=... len=256 0.036ms: frame sent from iova ..."
# is one transfer under test, timed in the guest (start to completion).
# The suite time after boot is the guest's uptime from "ic: suite start" to
# "ic: suite end": NAME.times next to the KTAP file (vm/run-config.sh's
# boot_to_suite and suite_end), else those lines in NAME.console or the KTAP.
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
[ ${#files[@]} -gt 0 ] || {
	echo "error: no KTAP files in $* (run make vm-check)" >&2
	exit 2
}

# Seconds from suite start to suite end in the guest, or "-" when unknown.
suite_seconds() {
	local k=$1 t=${1%.ktap}.times c=${1%.ktap}.console
	if [ -e "$t" ] && grep -q 'suite_end=' "$t"; then
		tr ' ' '\n' <"$t" | awk -F= '
			$1 == "boot_to_suite" { b = $2 } $1 == "suite_end" { e = $2 }
			END { if (b ~ /^[0-9.]+$/ && e ~ /^[0-9.]+$/) printf "%.1f\n", e - b; else print "-" }'
		return
	fi
	[ -e "$c" ] || c=$k
	awk '
		/ic: suite start uptime=/ { sub(/.*uptime=/, ""); b = $1 }
		/ic: suite end uptime=/ { sub(/.*uptime=/, ""); e = $1 }
		END { if (b != "" && e != "") printf "%.1f\n", e - b; else print "-" }' "$c"
}

# One row per configuration and engine: config engine ms... (sorted).
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
printf '%-16s %-10s %9s %9s %9s %9s %9s %10s\n' config engine transfers mean_ms median_ms min_ms max_ms suite_s
declare -A runs=()
for k in "${files[@]}"; do
	c=$(basename "$k" .ktap)
	# The same configuration from another run (folder) gets its own row.
	runs[$c]=$((${runs[$c]:-0} + 1))
	[ "${runs[$c]}" -eq 1 ] || c="$c#${runs[$c]}"
	s=$(suite_seconds "$k")
	{ grep -oE '[a-z][a-z0-9-]* [0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] (read|write) iova=0x[0-9a-f]+ len=[0-9]+ [0-9.]+ms' "$k" 2>/dev/null || true; } |
		awk -v c="$c" -v s="$s" '{ ms = $NF; sub(/ms$/, "", ms); print c, $1, ms + 0, s }' >>"$rows"
	grep -qF "$c " "$rows" || echo "$c - 0 $s" >>"$rows"
done

# Per configuration and engine, then per engine over all configurations
# (suite_s there: median and max of its configurations' suite times).
stats='
	function med(a, n) { return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
	function out() {
		if (key == "") return
		if (n) printf "%-16s %-10s %9d %9.3f %9.3f %9.3f %9.3f %10s\n", f1, f2, n, sum / n, med(v, n), v[1], v[n], suite
		else printf "%-16s %-10s %9d %9s %9s %9s %9s %10s\n", f1, f2, 0, "-", "-", "-", "-", suite
	}'
sort -k1,1V -k2,2 -k3,3g "$rows" | awk "$stats"'
	$1 " " $2 != key { out(); key = $1 " " $2; f1 = $1; f2 = $2; n = 0; sum = 0; suite = $4 }
	$2 != "-" { v[++n] = $3; sum += $3 }
	END { out() }'

echo
printf '%-16s %-10s %9s %9s %9s %9s %9s %10s\n' engine runs transfers mean_ms median_ms min_ms max_ms suite_s
awk '$2 != "-"' "$rows" | sort -k2,2 -k3,3g | awk "$stats"'
	function suites(   i, j, t, m, x) {
		m = 0
		for (x in seen) t[++m] = seen[x]
		for (i = 2; i <= m; i++) for (j = i; j > 1 && t[j - 1] > t[j]; j--) { x = t[j]; t[j] = t[j - 1]; t[j - 1] = x }
		return m ? sprintf("%.1f/%.1f", med(t, m), t[m]) : "-"
	}
	$2 != key { if (key != "") { f2 = nc; suite = suites(); out() }
		key = $2; f1 = $2; n = 0; sum = 0; nc = 0; split("", seen); split("", cfg) }
	{ v[++n] = $3; sum += $3 }
	!($1 in cfg) { cfg[$1] = 1; nc++; if ($4 != "-") seen[$1] = $4 }
	END { if (key != "") { f2 = nc; suite = suites(); out() } }'
echo "# the transfer under test only; each checked DMA costs more: edu also loads and reads back"
echo "# its buffer through a bounce page (about 3 transfers, edu's timer is 100 ms of virtual time);"
echo "# nvme runs 2 admin commands per write (the same command into its own page reports the bytes)"
echo "# and 3 per read (pre-load, the read, Get Features); e1000e/igb send a control frame after each"
echo "# suite_s: guest uptime from suite start to suite end, \"-\" when the run did not end (per engine:"
echo "# median/max over its runs); runs: configurations, NAME#2 the same one from another folder"
