#!/usr/bin/env bash
# Unit tests of vm/console-scan.sh on canned console logs (tests/vm/logs/,
# captured from real guests of vm/run-config.sh with ic.inject=...) and on
# variants derived from them. Prints ok / not ok lines and a summary line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scan=$here/../../vm/console-scan.sh
logs=$here/logs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
# check NAME WANT_STATUS WANT_EXIT [GREP_IN_OUTPUT] -- SCAN ARGS...
check() {
	local name=$1 want=$2 want_rc=$3 needle=$4
	shift 5
	local out rc=0
	out=$("$scan" "$@" 2>&1) || rc=$?
	n=$((n + 1))
	local got=${out%%$'\n'*}
	got=${got%% *}
	if [ "$got" = "$want" ] && [ "$rc" = "$want_rc" ] &&
		{ [ -z "$needle" ] || grep -qF -- "$needle" <<<"$out"; }; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		# shellcheck disable=SC2016 # the quotes are literal
		echo "# want '$want' rc=$want_rc${needle:+ containing '$needle'}, got rc=$rc:"
		printf '%s\n' "$out" | head -n 8 | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
}

check clean-boot ok 0 "suite exit status 0" -- "$logs/clean.console"
check real-warn splat 1 "WARNING: drivers/misc/lkdtm/bugs.c" -- "$logs/warn.console"
check warn-excerpt-has-trace splat 1 "end trace" -- "$logs/warn.console"
check warn-excerpt-from-cut-here splat 1 "cut here" -- "$logs/warn.console"
check real-oops splat 1 "kernel BUG at drivers/misc/lkdtm/bugs.c" -- "$logs/oops.console"
check real-panic panic 1 "sysrq triggered crash" -- "$logs/panic.console"
check panic-excerpt-has-trace panic 1 "Call Trace" -- "$logs/panic.console"
check hang-timed-out hang 1 "inject: hang" -- --timed-out "$logs/hang.console"
check clean-but-timed-out hang 1 "no power-off" -- --timed-out "$logs/clean.console"

# User space printing "WARNING:" (no printk timestamp) is not a kernel splat.
{ cat "$logs/clean.console"; echo "WARNING: this came from a test program"; echo "BUG: so did this"; } >"$tmp/user-warning.console"
check user-space-warning-ignored ok 0 "" -- "$tmp/user-warning.console"

# A kernel WARNING that interleaves with user output mid-line still counts.
{ head -n 280 "$logs/clean.console"; printf 'ic: sui[   12.345678] WARNING: CPU: 1 PID: 7 at drivers/iommu/iommu.c:123 iommu_x+0x1/0x2\n'; tail -n +281 "$logs/clean.console"; } >"$tmp/interleaved.console"
check interleaved-warning splat 1 "drivers/iommu/iommu.c:123" -- "$tmp/interleaved.console"

# The suite's "ic-case: ID" kernel lines name the case a splat came from:
# the last one before it, not a later one.
{ head -n 280 "$logs/clean.console"; echo "[   10.000000] ic-case: seed.a_first"; echo "[   11.000000] ic-case: seed.b_release_clears_pasids";
  echo "[   12.000000] WARNING: CPU: 0 PID: 9 at drivers/iommu/iommu.c:3484 __iommu_release_dma_ownership+0x5/0x60";
  echo "[   13.000000] ic-case: seed.c_later"; tail -n +281 "$logs/clean.console"; } >"$tmp/case.console"
check splat-names-its-case splat 1 "(during case seed.b_release_clears_pasids)" -- "$tmp/case.console"
# A long log after the splat: the case lookup must not die of SIGPIPE.
{ cat "$tmp/case.console"; for i in $(seq 1 3000); do echo "[   20.000000] filler line $i of a long console log"; done; } >"$tmp/case-long.console"
check splat-case-long-log splat 1 "(during case seed.b_release_clears_pasids)" -- "$tmp/case-long.console"

# Other splat shapes.
{ cat "$logs/clean.console"; echo "[    3.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008"; } >"$tmp/null.console"
check null-deref splat 1 "NULL pointer dereference" -- "$tmp/null.console"
{ cat "$logs/clean.console"; echo "[    3.000000] UBSAN: shift-out-of-bounds in drivers/iommu/x.c:1:2"; } >"$tmp/ubsan.console"
check ubsan splat 1 "UBSAN: shift-out-of-bounds" -- "$tmp/ubsan.console"
{ cat "$logs/clean.console"; echo "[   30.000000] INFO: task iommu-conforma:77 blocked for more than 20 seconds."; } >"$tmp/hung-task.console"
check hung-task splat 1 "blocked for more than" -- "$tmp/hung-task.console"

# Boot failures: /init never ran; the guest stopped without powering off.
head -n 100 "$logs/clean.console" >"$tmp/early.console"
check init-never-started boot-failure 1 "/init never started" -- --qemu-status 0 "$tmp/early.console"
grep -v 'reboot: Power down' "$logs/clean.console" >"$tmp/no-poweroff.console"
check no-power-off boot-failure 1 "without powering off" -- "$tmp/no-poweroff.console"
check qemu-died boot-failure 1 "QEMU exit status 1" -- --qemu-status 1 "$logs/clean.console"
: >"$tmp/empty.console"
check empty-log boot-failure 1 "never started" -- "$tmp/empty.console"

# A panic wins over a timeout, and bad usage is exit 2.
check panic-beats-timeout panic 1 "" -- --timed-out "$logs/panic.console"
rc=0
"$scan" >/dev/null 2>&1 || rc=$?
n=$((n + 1))
if [ "$rc" = 2 ]; then echo "ok $n no-argument-is-usage-error"; else
	echo "not ok $n no-argument-is-usage-error (rc=$rc)"; failed=$((failed + 1)); fi
rc=0
"$scan" "$tmp/does-not-exist" >/dev/null 2>&1 || rc=$?
n=$((n + 1))
if [ "$rc" = 2 ]; then echo "ok $n missing-log-is-usage-error"; else
	echo "not ok $n missing-log-is-usage-error (rc=$rc)"; failed=$((failed + 1)); fi

echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
